//! Control characters in any text of any file golive reads as YAML: site.yaml,
//! people.yaml, releases, checklists and runbook front matter.
//!
//! The texts are not picked by hand: every string of the `complete` fixture is
//! tried (and the fixture is checked to hold every string field of the release
//! file's JSON Schema). For each, `check` must refuse the file at that text's
//! line with exit 2, naming the character; `build`, `email` and `send` (a dry
//! run) must never panic and must leave public/ byte for byte as it was.

mod common;

use std::path::Path;

use common::{Site, Snapshot, diagnostics_at, line_of, reported_places};
use serde_yaml::Value;

const RELEASE: &str = "content/releases/complete-app-1.0.0.yaml";
const SLUG: &str = "complete-app-1.0.0";
const RUNBOOK: &str = "content/runbooks/db-errors.md";

/// Every YAML document of the fixture: the file, and whether its YAML is a
/// runbook's front matter.
const FILES: &[&str] = &[
    "content/site.yaml",
    "content/people.yaml",
    RELEASE,
    "content/releases/complete-app-1.1.0.yaml",
    "content/checklists/deploy.yaml",
    RUNBOOK,
];

/// Texts that may span lines, by file: a release's Markdown summary,
/// communication plan and notes, a checklist's description.
const MULTILINE: &[(&str, &str)] = &[
    ("content/releases/", "summary"),
    ("content/releases/", "communication"),
    ("content/releases/", "readiness[].items[].note"),
    ("content/releases/", "readiness[].status.*.note"),
    ("content/releases/", "approvals[].note"),
    ("content/checklists/", "description"),
];

/// Characters no text may hold, tried in turn.
const NEVER: &[char] = &[
    '\u{0}', '\u{7}', '\u{8}', '\u{b}', '\u{c}', '\r', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}',
];
/// Characters a single-line text may not hold, besides those.
const NOT_IN_ONE_LINE: &[char] = &['\t', '\u{2028}', '\u{2029}', '\u{202e}', '\u{2066}'];

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn show(path: &[Step]) -> String {
    path.iter()
        .map(|s| match s {
            Step::Key(k) => format!(".{k}"),
            Step::Index(i) => format!("[{i}]"),
        })
        .collect::<String>()
        .trim_start_matches('.')
        .to_string()
}

/// The path of every string value in `value`.
fn strings(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::String(_) => out.push(path.clone()),
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                strings(item, path, out);
                path.pop();
            }
        }
        Value::Mapping(map) => {
            for (k, v) in map {
                path.push(Step::Key(k.as_str().expect("string keys").to_string()));
                strings(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k.as_str()).expect("the key"),
        Step::Index(i) => v.get_mut(*i).expect("the item"),
    })
}

/// A fixture document: its YAML (for a runbook, the front matter) and how to
/// write a changed version of it back.
struct Document {
    value: Value,
    /// For a runbook: the Markdown after the front matter.
    body: Option<String>,
}

impl Document {
    fn read(site: &Site, file: &'static str) -> Document {
        let text = site.read(file);
        let (yaml, body) = match text.strip_prefix("---\n") {
            Some(rest) => {
                let (front, body) = rest.split_once("\n---\n").expect("front matter");
                (front.to_string(), Some(body.to_string()))
            }
            None => (text, None),
        };
        Document {
            value: serde_yaml::from_str(&yaml).expect("the fixture parses"),
            body,
        }
    }

    /// The text of the file with the string at `path` replaced by `text`,
    /// written as JSON (which is YAML) so that each value is on a line of its own.
    fn with(&self, path: &[Step], text: String) -> String {
        let mut value = self.value.clone();
        *at(&mut value, path) = Value::String(text);
        let json = serde_json::to_string_pretty(&value).unwrap();
        match &self.body {
            Some(body) => format!("---\n{json}\n---\n{body}"),
            None => format!("{json}\n"),
        }
    }
}

/// Whether the text at `path` of `file` may hold several lines.
fn multiline(file: &str, path: &[Step]) -> bool {
    MULTILINE
        .iter()
        .any(|(folder, pattern)| file.starts_with(folder) && matches_schema(pattern, path))
}

/// The release file's string fields, from its JSON Schema: `[]` for any list
/// item, `*` for any key of a mapping; `plain` when any text is allowed (no
/// enumeration, pattern or format of its own).
fn schema_strings() -> Vec<(String, bool)> {
    let out = common::golive(&["schema"], Path::new(env!("CARGO_MANIFEST_DIR")));
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut found = Vec::new();
    walk_schema(&schema, &schema, String::new(), false, &mut found);
    found.sort();
    found.dedup();
    found
}

fn walk_schema(
    root: &serde_json::Value,
    node: &serde_json::Value,
    path: String,
    referenced: bool,
    out: &mut Vec<(String, bool)>,
) {
    if let Some(target) = node["$ref"].as_str() {
        let name = target.trim_start_matches("#/$defs/");
        return walk_schema(root, &root["$defs"][name], path, true, out);
    }
    let types: Vec<&str> = match &node["type"] {
        serde_json::Value::String(t) => vec![t.as_str()],
        serde_json::Value::Array(ts) => ts.iter().filter_map(|t| t.as_str()).collect(),
        _ => vec![],
    };
    if types.contains(&"string") {
        let plain = !referenced && node.get("enum").is_none() && node.get("pattern").is_none();
        out.push((path.clone(), plain));
    }
    for branch in node["anyOf"].as_array().into_iter().flatten() {
        walk_schema(root, branch, path.clone(), referenced, out);
    }
    for (key, property) in node["properties"].as_object().into_iter().flatten() {
        let child = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        walk_schema(root, property, child, false, out);
    }
    if node["items"].is_object() {
        walk_schema(root, &node["items"], format!("{path}[]"), false, out);
    }
    if node["additionalProperties"].is_object() {
        walk_schema(
            root,
            &node["additionalProperties"],
            format!("{path}.*"),
            false,
            out,
        );
    }
}

/// Whether the fixture path matches a schema path (`[]`, `*` as above).
fn matches_schema(pattern: &str, path: &[Step]) -> bool {
    let mut wanted = Vec::new();
    for part in pattern.split('.') {
        let key = part.trim_end_matches("[]");
        wanted.push(Some(key));
        wanted.extend(std::iter::repeat_n(None, (part.len() - key.len()) / 2));
    }
    wanted.len() == path.len()
        && wanted.iter().zip(path).all(|(w, s)| match (w, s) {
            (None, Step::Index(_)) => true,
            (Some("*"), Step::Key(_)) => true,
            (Some(k), Step::Key(key)) => k == key,
            _ => false,
        })
}

/// One text to spoil: in which file, where, and with which character.
#[derive(Debug, Clone)]
struct Case {
    file: &'static str,
    path: Vec<Step>,
    c: char,
    /// Whether the message must name the character (else the text has a type
    /// of its own, such as a date or an enumeration, and a type error is fine).
    named: bool,
    /// Whether to run `build`, `email` and `send` too, not only `check`.
    all_commands: bool,
}

fn cases(site: &Site) -> Vec<Case> {
    let typed: Vec<String> = schema_strings()
        .into_iter()
        .filter(|(_, plain)| !plain)
        .map(|(path, _)| path)
        .collect();
    // Outside releases: texts with a type of their own.
    let typed_keys = [
        "timezone",
        "tls",
        "severity",
        "fresh_for",
        // site.yaml's `support:`: durations and the rota's start date.
        "respond_within",
        "length",
        "starts",
        // `freezes[]` and `business_hours`: dates, days of the week, times of day.
        "from",
        "to",
        "days",
    ];
    let mut out = Vec::new();
    let mut turn = 0usize;
    for file in FILES {
        let doc = Document::read(site, file);
        let mut paths = Vec::new();
        strings(&doc.value, &mut Vec::new(), &mut paths);
        for path in paths {
            let named = if file.starts_with("content/releases/") {
                !typed.iter().any(|t| matches_schema(t, &path))
            } else {
                !matches!(path.last(), Some(Step::Key(k)) if typed_keys.contains(&k.as_str()))
            };
            let mut case = |c: char, all_commands: bool| {
                out.push(Case {
                    file,
                    path: path.clone(),
                    c,
                    named,
                    all_commands,
                })
            };
            turn += 1;
            if multiline(file, &path) {
                case(NEVER[turn % NEVER.len()], true);
            } else {
                // The drill's case everywhere, through every command.
                case('\n', true);
                case(NOT_IN_ONE_LINE[turn % NOT_IN_ONE_LINE.len()], false);
                case(NEVER[turn % NEVER.len()], false);
            }
        }
    }
    out
}

#[test]
fn the_fixture_holds_every_string_field_of_the_release_schema() {
    let site = Site::copy_of("complete");
    let mut paths = Vec::new();
    for file in FILES.iter().filter(|f| f.starts_with("content/releases/")) {
        strings(
            &Document::read(&site, file).value,
            &mut Vec::new(),
            &mut paths,
        );
    }
    let fields = schema_strings();
    assert!(fields.len() > 40, "only {} string fields", fields.len());
    let missing: Vec<&String> = fields
        .iter()
        .map(|(f, _)| f)
        .filter(|f| !paths.iter().any(|p| matches_schema(f, p)))
        .collect();
    assert!(
        missing.is_empty(),
        "tests/fixtures/complete has no value for these string fields of the release schema: {missing:?}"
    );
}

/// A built copy of the fixture, and what public/ held after the build.
struct Built {
    site: Site,
    public: Snapshot,
}

fn built() -> Built {
    let site = Site::copy_of("complete");
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let public = site.snapshot("public");
    Built { site, public }
}

/// Spoils one text, runs the commands and checks what they did; the file is
/// put back afterwards.
fn try_case(b: &Built, doc: &Document, case: &Case) {
    let original = doc.value.clone();
    let mut value = original.clone();
    let before = at(&mut value, &case.path).as_str().unwrap().to_string();
    let spoiled = format!("{before}{}zq-marker", case.c);
    let text = doc.with(&case.path, spoiled.clone());
    let line = line_of(&text, "zq-marker");
    b.site.write(case.file, &text);
    let label = format!(
        "{} `{}` with U+{:04X}",
        case.file,
        show(&case.path),
        case.c as u32
    );

    let out = b.site.run(&["check"]);
    let context = format!("{label}\n{}", out.describe());
    assert_eq!(out.code, Some(2), "check did not refuse it\n{context}");
    let blocks = diagnostics_at(&out.stderr, case.file, line);
    assert!(
        !blocks.is_empty(),
        "no diagnostic at {}:{line}: (reported: {:?})\n{context}",
        case.file,
        reported_places(&out.stderr)
    );
    let code = format!("U+{:04X}", case.c as u32);
    if case.named {
        assert!(
            blocks
                .iter()
                .any(|b| b.contains(&code) && b.contains("= help:")),
            "the diagnostic does not name {code} or say what to do\n{context}"
        );
    }
    if !matches!(case.c, '\n' | '\t') {
        assert!(
            !out.stderr.contains(case.c) && !out.stdout.contains(case.c),
            "the raw character reached the terminal\n{context}"
        );
    }

    if case.all_commands {
        for args in [
            vec!["build"],
            vec!["email", SLUG, "readiness", "--format", "eml"],
            vec!["send", SLUG, "readiness"],
        ] {
            let out = b.site.run(&args);
            let context = format!("golive {}: {label}\n{}", args.join(" "), out.describe());
            assert!(
                !matches!(out.code, None | Some(101) | Some(134))
                    && !out.stderr.contains("panicked"),
                "crashed\n{context}"
            );
            assert_eq!(out.code, Some(2), "{context}");
            assert!(
                b.site.snapshot("public") == b.public,
                "public/ changed\n{context}"
            );
        }
    }
    b.site.write(case.file, doc.with(&case.path, before));
}

#[test]
fn every_text_of_every_file_refuses_control_characters() {
    let probe = Site::copy_of("complete");
    let all = cases(&probe);
    assert!(all.len() > 150, "only {} cases", all.len());
    // A few workers, each on its own copy of the site.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let shares: Vec<Vec<Case>> = (0..workers)
        .map(|w| all.iter().skip(w).step_by(workers).cloned().collect())
        .collect();
    std::thread::scope(|scope| {
        for share in &shares {
            scope.spawn(move || {
                let b = built();
                for case in share {
                    let doc = Document::read(&b.site, case.file);
                    try_case(&b, &doc, case);
                }
            });
        }
    });
}

#[test]
fn multiline_texts_keep_line_breaks_and_tabs() {
    let site = Site::copy_of("complete");
    for file in FILES {
        let doc = Document::read(&site, file);
        let mut paths = Vec::new();
        strings(&doc.value, &mut Vec::new(), &mut paths);
        for path in paths.iter().filter(|p| multiline(file, p)) {
            let before = {
                let mut v = doc.value.clone();
                at(&mut v, path).as_str().unwrap().to_string()
            };
            site.write(file, doc.with(path, format!("{before}\n\n\tindented\n")));
            let out = site.run(&["check"]);
            assert!(
                matches!(out.code, Some(0 | 1)),
                "{file} `{}` refused a line break\n{}",
                show(path),
                out.describe()
            );
            site.write(file, doc.with(path, before));
        }
    }
}

/// Keys are text too: a person's key with a line break in it.
#[test]
fn a_key_with_a_line_break_is_refused() {
    let b = built();
    let file = "content/people.yaml";
    let text = b.site.read(file).replace("  lena: {", "  \"le\\nna\": {");
    b.site.write(file, &text);
    let out = b.site.run(&["check"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    let blocks = diagnostics_at(&out.stderr, file, line_of(&text, "le\\nna"));
    assert!(
        blocks
            .iter()
            .any(|b| b.contains("a key in `people`") && b.contains("U+000A LINE FEED")),
        "{}",
        out.describe()
    );
}
