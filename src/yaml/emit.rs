//! YAML text in the style writers use: block mappings at the top, one flow
//! mapping per list item (`- {check: ..., status: done}`), short lists and
//! mappings on one line, Markdown as literal blocks.
use serde_yaml::{Mapping, Value};

use crate::content::time::When;

/// Collections whose one-line form is at most this long stay on one line.
const FLOW_WIDTH: usize = 100;

/// A whole document; `comments` go after the top-level scalar of that key.
pub fn document(map: &Mapping, comments: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut previous_multiline = false;
    for (i, (key, value)) in map.iter().enumerate() {
        let mut entry = String::new();
        mapping_entry(&mut entry, 0, key, value);
        let multiline = entry.lines().count() > 1;
        if i > 0 && (multiline || previous_multiline) {
            out.push('\n');
        }
        if let Some((_, comment)) = comments.iter().find(|(k, _)| key.as_str() == Some(k))
            && !multiline
        {
            entry.pop();
            entry.push_str(&format!("  # {comment}\n"));
        }
        out.push_str(&entry);
        previous_multiline = multiline;
    }
    out
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn mapping_entry(out: &mut String, indent: usize, key: &Value, value: &Value) {
    pad(out, indent);
    out.push_str(&scalar(key, false));
    out.push(':');
    match value {
        Value::String(s) if s.contains('\n') => literal(out, indent, s),
        Value::Mapping(m) if !inline(value, false) => {
            out.push('\n');
            for (k, v) in m {
                mapping_entry(out, indent + 2, k, v);
            }
        }
        Value::Sequence(items) if !inline(value, false) => {
            out.push('\n');
            sequence(out, indent + 2, items);
        }
        _ => {
            out.push(' ');
            out.push_str(&flow(value));
            out.push('\n');
        }
    }
}

fn sequence(out: &mut String, indent: usize, items: &[Value]) {
    for item in items {
        pad(out, indent);
        out.push('-');
        let mut nested = String::new();
        match item {
            Value::Mapping(m) if !inline(item, true) => {
                for (k, v) in m {
                    mapping_entry(&mut nested, indent + 2, k, v);
                }
            }
            Value::Sequence(s) if !inline(item, true) => sequence(&mut nested, indent + 2, s),
            _ => {
                out.push(' ');
                out.push_str(&flow(item));
                out.push('\n');
                continue;
            }
        }
        // The first line of the nested block goes right after the dash.
        out.push(' ');
        out.push_str(&nested[indent + 2..]);
    }
}

/// A multi-line string as a literal block (`|`), as serde_yaml chooses its
/// header (`|`, `|-`, `|2`), indented below the key.
fn literal(out: &mut String, indent: usize, text: &str) {
    let emitted = serde_yaml::to_string(&Value::from(text)).expect("a string serialises");
    let mut lines = emitted.lines();
    let header = lines.next().unwrap_or_default();
    // `|+` keeps trailing blank lines, which would swallow the blank line
    // written between keys: such text is quoted instead.
    if !header.starts_with('|') || header.contains('+') {
        // serde_yaml chose a quoted form; a JSON string is a valid YAML one.
        out.push(' ');
        out.push_str(&serde_json::to_string(text).expect("a string serialises"));
        out.push('\n');
        return;
    }
    out.push(' ');
    out.push_str(header);
    out.push('\n');
    for line in lines {
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// Whether a collection is written on one line: every list item that holds
/// only scalars (the writers' `- {check: ..., status: done}`), and anything
/// else of at most two levels whose one-line form is short, except a list of
/// mappings, which gets one line per item.
fn inline(value: &Value, in_sequence: bool) -> bool {
    if let Value::Sequence(items) = value
        && items.iter().any(Value::is_mapping)
    {
        return false;
    }
    match depth(value) {
        None => false,
        Some(0) => true,
        Some(1) if in_sequence => true,
        Some(1 | 2) => flow(value).chars().count() <= FLOW_WIDTH,
        Some(_) => false,
    }
}

/// Levels of nesting (0 for a scalar); `None` when it holds a multi-line
/// string, which needs a block.
fn depth(value: &Value) -> Option<usize> {
    match value {
        Value::String(s) if s.contains('\n') => None,
        Value::Sequence(items) => items
            .iter()
            .try_fold(0, |d, v| Some(d.max(depth(v)?)))
            .map(|d| d + 1),
        Value::Mapping(m) => m
            .iter()
            .try_fold(0, |d, (k, v)| Some(d.max(depth(k)?).max(depth(v)?)))
            .map(|d| d + 1),
        Value::Tagged(_) => None,
        _ => Some(0),
    }
}

/// The one-line (flow) form of a value.
fn flow(value: &Value) -> String {
    match value {
        Value::Sequence(items) => {
            let parts: Vec<String> = items.iter().map(flow_item).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Mapping(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", scalar(k, true), flow_item(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        other => scalar(other, false),
    }
}

fn flow_item(value: &Value) -> String {
    match value {
        Value::Sequence(_) | Value::Mapping(_) => flow(value),
        other => scalar(other, true),
    }
}

/// Text of three words or more, which writers quote inside `{...}`; dates
/// (`2026-12-04 09:00`) stay plain.
fn sentence(text: &str) -> bool {
    text.split_whitespace().count() >= 3 && text.parse::<When>().is_err()
}

/// A scalar on one line; plain where YAML allows it, else quoted. Inside
/// `[...]` or `{...}` (`in_flow`) text with `,:#[]{}`, and sentences, are
/// double-quoted.
pub fn scalar(value: &Value, in_flow: bool) -> String {
    let json = |s: &str| serde_json::to_string(s).expect("a string serialises");
    match value {
        Value::String(s) if s.contains(['\n', '\r']) => json(s),
        Value::String(s) => {
            let emitted = serde_yaml::to_string(value).expect("a string serialises");
            let emitted = emitted.trim_end_matches('\n');
            if emitted.contains('\n') {
                json(s)
            } else if emitted != s {
                emitted.to_string()
            } else if in_flow && (s.contains([',', ':', '#', '[', ']', '{', '}']) || sentence(s)) {
                json(s)
            } else {
                s.clone()
            }
        }
        other => {
            let emitted = serde_yaml::to_string(other).expect("a value serialises");
            let emitted = emitted.trim_end_matches('\n');
            if emitted.contains('\n') {
                // Only a tagged value can get here; keep it as text.
                json(emitted)
            } else {
                emitted.to_string()
            }
        }
    }
}
