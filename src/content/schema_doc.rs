//! The key reference of the manual (`docs/reference/release-keys.md` and
//! `site-keys.md`), rendered from the JSON Schemas that schemars derives from
//! the same types the files are read into. The manual cannot drift from the
//! code: `tests/docs.rs` renders these again and fails when the files differ.
//!
//! Every object gets a table (key, type, required, description); nested
//! objects and lists of objects get their own tables, reached by links from the
//! type column; enumerations list their values; string types of a known shape
//! (dates, durations, ...) are described once, at the end.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::config::people::People;
use crate::config::site::SiteConfig;

/// What to run when a generated file is out of date.
pub const BLESS: &str = "GOLIVE_BLESS=1 cargo test --test docs";

/// `docs/reference/release-keys.md`.
pub fn release_keys() -> String {
    let schema: Value =
        serde_json::from_str(&super::schema::release_schema()).expect("the schema is JSON");
    let mut doc = Doc::new(&schema);
    doc.text("# Release file keys\n\n");
    doc.generated_note("`golive schema`");
    doc.text(
        "Every key of a release file (`content/releases/*.yaml`), generated from the \
         JSON Schema that `golive schema` prints. How the keys are used is in the guide: \
         [writing a release](../writing-a-release.md), [the verdict rules](../verdict-rules.md), \
         [emails and sending](../emails-and-sending.md). Every mapping rejects keys it does \
         not know; keys not marked required may be left out (lists default to empty).\n\n",
    );
    doc.object("## Top level", "", &schema, "##");
    doc.finish()
}

/// `docs/reference/site-keys.md`: site.yaml and people.yaml.
pub fn site_keys() -> String {
    let site = serde_json::to_value(schemars::schema_for!(SiteConfig)).expect("a schema is JSON");
    let people = serde_json::to_value(schemars::schema_for!(People)).expect("a schema is JSON");
    let mut doc = Doc::new(&site);
    doc.text("# site.yaml and people.yaml keys\n\n");
    doc.generated_note("the types `content/site.yaml` and `content/people.yaml` are read into");
    doc.text(
        "Every key of `content/site.yaml` (required) and `content/people.yaml` (optional: \
         without it, no person or group is known). How they are used is in the guide: \
         [the verdict rules](../verdict-rules.md), [emails and sending](../emails-and-sending.md), \
         [CI recipes](../ci.md). Every mapping rejects keys it does not know.\n\n",
    );
    doc.object("## site.yaml", "", &site, "###");
    doc.switch_root(&people);
    doc.object("## people.yaml", "", &people, "###");
    doc.finish()
}

/// A document being written: the text, the headings used (for GitHub's
/// anchors), and the string types to describe at the end.
struct Doc<'a> {
    root: &'a Value,
    out: String,
    anchors: HashMap<String, usize>,
    formats: BTreeMap<String, (String, Option<String>)>,
    /// Definitions already given a table, with its anchor.
    tables: HashMap<String, (String, String)>,
}

impl<'a> Doc<'a> {
    fn new(root: &'a Value) -> Self {
        Doc {
            root,
            out: String::new(),
            anchors: HashMap::new(),
            formats: BTreeMap::new(),
            tables: HashMap::new(),
        }
    }

    fn switch_root(&mut self, root: &'a Value) {
        self.root = root;
        self.tables.clear();
    }

    fn text(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn generated_note(&mut self, from: &str) {
        self.out.push_str(&format!(
            "<!-- Generated from {from} by tests/docs.rs; do not edit. To update: {BLESS} -->\n\n"
        ));
    }

    /// Records a heading and returns its GitHub anchor.
    fn heading(&mut self, heading: &str) -> String {
        let text = heading.trim_start_matches('#').trim();
        let base = anchor(text);
        let n = self.anchors.entry(base.clone()).or_insert(0);
        let id = if *n == 0 { base } else { format!("{base}-{n}") };
        *n += 1;
        self.out.push_str(heading);
        self.out.push_str("\n\n");
        id
    }

    /// A definition by its `$ref`.
    fn resolve(&self, schema: &'a Value) -> (&'a Value, Option<String>) {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap_or(r).to_string();
                let def = self
                    .root
                    .get("$defs")
                    .and_then(|d| d.get(&name))
                    .unwrap_or(&Value::Null);
                (def, Some(name))
            }
            None => (schema, None),
        }
    }

    /// The table of one object, then the tables of the objects below it.
    fn object(&mut self, heading: &str, path: &str, schema: &'a Value, level: &str) {
        self.heading(heading);
        if let Some(d) = schema.get("description").and_then(Value::as_str)
            && !path.is_empty()
        {
            self.out.push_str(&one_paragraph(d));
            self.out.push_str("\n\n");
        }
        static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut keys: Vec<&String> = props.keys().collect();
        // Required keys first, each group in alphabetical order.
        keys.sort_by_key(|k| (!required.contains(&k.as_str()), k.as_str()));
        let mut rows =
            String::from("| key | type | required | description |\n| --- | --- | --- | --- |\n");
        let mut below: Vec<(String, &'a Value)> = Vec::new();
        for key in keys {
            let prop = &props[key];
            let key_path = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            let (ty, nested) = self.type_text(prop, &key_path);
            below.extend(nested);
            let mut description = prop
                .get("description")
                .and_then(Value::as_str)
                .map(one_paragraph)
                .unwrap_or_default();
            if description.is_empty() {
                let (def, _) = self.resolve(prop);
                if let Some(d) = def.get("description").and_then(Value::as_str) {
                    description = one_paragraph(d);
                }
            }
            if let Some(default) = prop.get("default").and_then(default_text) {
                if !description.is_empty() && !description.ends_with('.') {
                    description.push('.');
                }
                if !description.is_empty() {
                    description.push(' ');
                }
                description.push_str(&format!("Default: `{default}`."));
            }
            let req = if required.contains(&key.as_str()) {
                "yes"
            } else {
                "no"
            };
            rows.push_str(&format!(
                "| `{key_path}` | {} | {req} | {} |\n",
                cell(&ty),
                cell(&description)
            ));
        }
        self.out.push_str(&rows);
        self.out.push('\n');
        for (sub_path, sub) in below {
            self.object(&format!("{level} `{sub_path}`"), &sub_path, sub, level);
        }
    }

    /// The type column for one value, and the objects to give their own tables.
    fn type_text(&mut self, schema: &'a Value, path: &str) -> (String, Vec<(String, &'a Value)>) {
        let (def, name) = self.resolve(schema);
        // Optional values: `anyOf: [X, null]`, `type: [T, "null"]`.
        if let Some(any) = def.get("anyOf").and_then(Value::as_array) {
            let options: Vec<&Value> = any.iter().filter(|o| !is_null(o)).collect();
            let mut texts = Vec::new();
            let mut nested = Vec::new();
            for o in options {
                let (t, n) = self.type_text(o, path);
                texts.push(t);
                nested.extend(n);
            }
            return (texts.join(", or "), nested);
        }
        if let Some(values) = enum_values(def) {
            let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            return (format!("one of {}", list.join(", ")), Vec::new());
        }
        let types: Vec<&str> = match def.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect(),
            _ => Vec::new(),
        };
        if types == ["string"]
            && let Some(name) = &name
            && def.get("pattern").is_some()
        {
            let description = def
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let pattern = def
                .get("pattern")
                .and_then(Value::as_str)
                .map(str::to_string);
            self.formats.insert(name.clone(), (description, pattern));
            return (
                format!("[{}](#{})", format_word(name), anchor(&format_word(name))),
                Vec::new(),
            );
        }
        match types.as_slice() {
            ["array"] => {
                let items = def.get("items").unwrap_or(&Value::Null);
                let (t, n) = self.type_text(items, &format!("{path}[]"));
                (format!("list of {t}"), n)
            }
            ["object"] if def.get("properties").is_some() => {
                // One table per definition, at the first path that reaches it.
                let key = name.clone().unwrap_or_else(|| path.to_string());
                if let Some((anchor, first)) = self.tables.get(&key) {
                    return (
                        format!("mapping (keys as [`{first}`](#{anchor}))"),
                        Vec::new(),
                    );
                }
                let a = anchor(&format!("`{path}`"));
                self.tables.insert(key, (a.clone(), path.to_string()));
                (
                    format!("mapping ([keys](#{a}))"),
                    vec![(path.to_string(), def)],
                )
            }
            ["object"] => {
                let values = def.get("additionalProperties").unwrap_or(&Value::Null);
                let (t, n) = self.type_text(values, &format!("{path}.<key>"));
                (format!("mapping of names to {t}"), n)
            }
            ["string"] => ("text".into(), Vec::new()),
            ["integer"] => ("whole number".into(), Vec::new()),
            ["number"] => ("number".into(), Vec::new()),
            ["boolean"] => ("yes/no (`true`, `false`)".into(), Vec::new()),
            [] => ("any".into(), Vec::new()),
            more => (
                more.iter()
                    .map(|t| match *t {
                        "string" => "text",
                        "number" => "number",
                        "integer" => "whole number",
                        other => other,
                    })
                    .collect::<Vec<_>>()
                    .join(" or "),
                Vec::new(),
            ),
        }
    }

    /// The string types met on the way, each described once.
    fn formats_section(&mut self) {
        if self.formats.is_empty() {
            return;
        }
        self.heading("## Formats");
        self.out
            .push_str("Values written as text of a known shape.\n\n");
        let formats = std::mem::take(&mut self.formats);
        for (name, (description, pattern)) in formats {
            self.heading(&format!("### {}", format_word(&name)));
            self.out.push_str(&one_paragraph(&description));
            self.out.push_str("\n\n");
            if let Some(p) = pattern {
                self.out
                    .push_str(&format!("Pattern (JSON Schema): `{p}`\n\n"));
            }
        }
    }

    fn finish(mut self) -> String {
        self.formats_section();
        let mut out = self.out;
        while out.ends_with("\n\n") {
            out.pop();
        }
        out
    }
}

/// What a string type is called in the type column and its heading.
fn format_word(name: &str) -> String {
    match name {
        "Date" => "date".into(),
        "Duration" => "duration".into(),
        "Offset" => "offset".into(),
        "TimeZone" => "time zone".into(),
        "SemVer" => "semantic version".into(),
        "Threshold" => "threshold".into(),
        "Weekdays" => "weekdays".into(),
        "ClockTime" => "time of day".into(),
        other => other.to_lowercase(),
    }
}

fn is_null(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// `enum: [...]`, or `oneOf` of `const`s (an enum whose variants have doc comments).
fn enum_values(schema: &Value) -> Option<Vec<String>> {
    let text = |v: &Value| {
        v.as_str()
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string())
    };
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return Some(values.iter().filter(|v| !v.is_null()).map(text).collect());
    }
    let one_of = schema.get("oneOf").and_then(Value::as_array)?;
    let mut values = Vec::new();
    for o in one_of {
        if let Some(c) = o.get("const") {
            values.push(text(c));
        } else if let Some(e) = o.get("enum").and_then(Value::as_array) {
            values.extend(e.iter().map(text));
        } else {
            return None;
        }
    }
    Some(values)
}

/// A default worth writing down (not `null`, `[]` or `{}`).
fn default_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Array(a) if a.is_empty() => None,
        Value::Object(o) if o.values().all(|v| default_text(v).is_none()) => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(_) | Value::Object(_) => Some(serde_json::to_string(value).expect("JSON")),
        other => Some(other.to_string()),
    }
}

/// A doc comment as one paragraph.
fn one_paragraph(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// GitHub's anchor for a heading's text: lower case, spaces to `-`, other
/// punctuation (except `-` and `_`) dropped.
pub fn anchor(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_lowercase().collect::<String>())
            } else if c == ' ' {
                Some("-".into())
            } else {
                None
            }
        })
        .collect()
}
