//! Characters that do not belong in a writer's text, found in one pass over
//! every text (keys too) of a parsed document.
//!
//! A line break in a name ends up inside an email header; an escape character
//! reaches a terminal; a right-to-left override makes a page say something
//! other than the file does. So every text is checked, whatever key it is under
//! (a key added to a file later is covered without further code):
//!
//! - everywhere: no control characters (C0 other than tab and line feed, DEL, C1);
//! - in single-line text (all but the document's few `multiline` keys): no tab,
//!   no line feed, no line or paragraph separator (U+2028, U+2029) and no
//!   bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069).
//!
//! The pass walks the parsed value, serialised to a JSON tree (a fraction of
//! the cost of parsing the text again), with the key path of each text; the
//! YAML text is read for positions only when there is a problem to place.

use serde::Serialize;
use serde_json::Value;

use super::{Positions, Source};
use crate::diagnostic::{Diagnostic, Location};

/// The first character (in the file's order) of the text of `document`, parsed
/// from `source`, that its place does not allow, as a diagnostic at the text
/// that holds it. `multiline` lists the key paths whose text may span lines
/// (see `Document::MULTILINE`).
pub fn check<T: Serialize>(
    source: &Source,
    document: &T,
    multiline: &[&str],
) -> Result<(), Diagnostic> {
    // Only a map with keys that are not text fails to serialise, and only in
    // loosely read YAML (`serde_yaml::Value`): it has nothing to check then.
    let Ok(tree) = serde_json::to_value(document) else {
        return Ok(());
    };
    let mut found = Vec::new();
    walk(&tree, &mut Vec::new(), multiline, &mut found);
    if found.is_empty() {
        return Ok(());
    }
    let positions = Positions::of(&source.text);
    let placed = found.iter().map(|(path, key, c)| {
        let text = path_text(path);
        let at = if *key {
            positions.key(&text)
        } else {
            positions.value(&text)
        };
        (at, problem(&place(path, *key), *c))
    });
    match placed.min_by_key(|(at, _)| *at) {
        Some((at, problem)) => Err(source.error(at, problem.message).with_help(problem.help)),
        None => Ok(()),
    }
}

/// Every text in `value` at `path` (and below it) with a character its place
/// does not allow: the path, whether it is a key, and the character.
fn walk<'a>(
    value: &'a Value,
    path: &mut Vec<Segment<'a>>,
    multiline: &[&str],
    found: &mut Vec<(Vec<Segment<'a>>, bool, char)>,
) {
    match value {
        Value::String(text) => {
            if let Some(c) = first_forbidden(text, || multiline.iter().any(|p| matches(p, path))) {
                found.push((path.clone(), false, c));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Segment::Index(i));
                walk(item, path, multiline, found);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                path.push(Segment::Key(key));
                if let Some(c) = first_forbidden(key, || false) {
                    found.push((path.clone(), true, c));
                }
                walk(item, path, multiline, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The first character of `text` that is not allowed, where `multiline` says
/// (asked only when needed) whether the text may span lines.
fn first_forbidden(text: &str, multiline: impl Fn() -> bool) -> Option<char> {
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return None;
    }
    let multiline = multiline();
    text.chars().find(|c| forbidden(*c, multiline))
}

/// How a message names the text at `path`.
fn place(path: &[Segment<'_>], key: bool) -> String {
    if key {
        let parent = path_text(&path[..path.len() - 1]);
        if parent.is_empty() {
            "a key".to_string()
        } else {
            format!("a key in `{parent}`")
        }
    } else if path.is_empty() {
        "the document".to_string()
    } else {
        format!("`{}`", path_text(path))
    }
}

/// The first control character typed into `source` itself (not written as an
/// escape), at its exact line and column. YAML allows none but tab and line
/// breaks; the YAML parser would report one by byte offset only.
pub fn check_literal(source: &Source) -> Result<(), Diagnostic> {
    let literal = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    // Bytes first: C0 and DEL are single bytes, C1 characters start with 0xC2.
    let suspect =
        |b: &u8| *b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r') || matches!(b, 0x7f | 0xc2);
    if !source.text.as_bytes().iter().any(suspect) {
        return Ok(());
    }
    let Some((offset, c)) = source.text.char_indices().find(|(_, c)| literal(*c)) else {
        return Ok(());
    };
    let before = &source.text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let at = Location::new(line, before[line_start..].chars().count() + 1);
    // Where it is, from the same text with every such character made a space.
    let spaced: String = source
        .text
        .chars()
        .map(|c| if literal(c) { ' ' } else { c })
        .collect();
    let positions = Positions::of(&spaced);
    let place = match positions.path_at(at) {
        Some(path) if !path.is_empty() => format!("`{path}`"),
        _ => "this line".to_string(),
    };
    let message = format!("{place} contains the control character {}", describe(c));
    Err(source.error(at, message).with_help(DELETE_CONTROL))
}

/// What to do about a control character.
const DELETE_CONTROL: &str = "delete it: it is invisible in most editors (it often comes with text copied from a terminal or a PDF); retype the text around it if unsure";

/// `U+000A LINE FEED`: the code point and, where it has one, its name.
pub fn describe(c: char) -> String {
    let code = format!("U+{:04X}", c as u32);
    match name(c) {
        Some(name) => format!("{code} {name}"),
        None if c.is_control() => format!("{code}, a control character"),
        None => code,
    }
}

/// Whether `c` may not appear in text of this kind.
pub fn forbidden(c: char, multiline: bool) -> bool {
    match c {
        '\n' | '\t' => !multiline,
        c if c.is_control() => true,
        c => !multiline && reorders_or_breaks(c),
    }
}

/// Line and paragraph separators and the bidirectional formatting characters.
fn reorders_or_breaks(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn name(c: char) -> Option<&'static str> {
    const C0: [&str; 32] = [
        "NULL",
        "START OF HEADING",
        "START OF TEXT",
        "END OF TEXT",
        "END OF TRANSMISSION",
        "ENQUIRY",
        "ACKNOWLEDGE",
        "BELL",
        "BACKSPACE",
        "CHARACTER TABULATION",
        "LINE FEED",
        "LINE TABULATION",
        "FORM FEED",
        "CARRIAGE RETURN",
        "SHIFT OUT",
        "SHIFT IN",
        "DATA LINK ESCAPE",
        "DEVICE CONTROL ONE",
        "DEVICE CONTROL TWO",
        "DEVICE CONTROL THREE",
        "DEVICE CONTROL FOUR",
        "NEGATIVE ACKNOWLEDGE",
        "SYNCHRONOUS IDLE",
        "END OF TRANSMISSION BLOCK",
        "CANCEL",
        "END OF MEDIUM",
        "SUBSTITUTE",
        "ESCAPE",
        "INFORMATION SEPARATOR FOUR",
        "INFORMATION SEPARATOR THREE",
        "INFORMATION SEPARATOR TWO",
        "INFORMATION SEPARATOR ONE",
    ];
    Some(match c {
        '\0'..='\u{1f}' => C0[c as usize],
        '\u{7f}' => "DELETE",
        '\u{85}' => "NEXT LINE",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        _ => return None,
    })
}

/// What was wrong and what to do about it.
struct Problem {
    message: String,
    help: String,
}

/// The problem with character `c` in the text at `place` (already quoted).
fn problem(place: &str, c: char) -> Problem {
    let what = describe(c);
    let (message, help) = match c {
        '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => (
            format!("{place} must be a single line of text, but it contains a line break ({what})"),
            "write it on one line: no `\\n` escapes, no `|` or `>` block (`>-` folds lines into one)",
        ),
        '\t' => (
            format!("{place} must be a single line of text, but it contains a tab ({what})"),
            "replace the tab with a space",
        ),
        c if c.is_control() => (
            format!("{place} contains the control character {what}"),
            DELETE_CONTROL,
        ),
        _ => (
            format!("{place} contains {what}, which changes the order in which text is shown"),
            "delete it: such characters make text read differently from what it says",
        ),
    };
    Problem {
        message,
        help: help.to_string(),
    }
}

/// One step of a key path.
#[derive(Debug, Clone)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// `readiness[1].status.code-review.done.note`, as locate.rs writes paths.
fn path_text(path: &[Segment<'_>]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(k) if out.is_empty() => out.push_str(k),
            Segment::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Whether `path` matches `pattern`: keys separated by `.`, `[]` for any list
/// index, `*` for any key; `**` matches every path.
fn matches(pattern: &str, path: &[Segment<'_>]) -> bool {
    if pattern == "**" {
        return true;
    }
    let mut wanted = Vec::new();
    for part in pattern.split('.') {
        let key = part.trim_end_matches("[]");
        wanted.push(Some(key));
        wanted.extend(std::iter::repeat_n(None, (part.len() - key.len()) / 2));
    }
    wanted.len() == path.len()
        && wanted.iter().zip(path).all(|(w, s)| match (w, s) {
            (None, Segment::Index(_)) => true,
            (Some("*"), Segment::Key(_)) => true,
            (Some(k), Segment::Key(key)) => k == key,
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_text(text: &str, multiline: &[&str]) -> Result<(), Diagnostic> {
        let document: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        let source = Source {
            shown: "f.yaml".into(),
            text: text.into(),
        };
        check(&source, &document, multiline)
    }

    #[test]
    fn a_line_break_in_a_single_line_value_is_located_and_named() {
        let d = check_text("people:\n  marcus:\n    name: \"Marcus\\nÖberg\"\n", &[]).unwrap_err();
        assert_eq!(d.location, Location::new(3, 11));
        assert!(d.message.contains("`people.marcus.name`"), "{}", d.message);
        assert!(d.message.contains("U+000A LINE FEED"), "{}", d.message);
        assert!(d.help.is_some());
    }

    #[test]
    fn multiline_keys_take_line_breaks_and_tabs_but_no_other_controls() {
        let multiline = ["summary", "items[].note", "status.*.note"];
        let ok = "summary: |\n  one\n  \ttwo\nitems:\n  - {note: \"a\\nb\"}\nstatus:\n  a.b: {note: \"x\\ty\"}\n";
        assert!(check_text(ok, &multiline).is_ok());
        let d = check_text("summary: \"ring \\a\"\n", &multiline).unwrap_err();
        assert!(d.message.contains("U+0007 BELL"), "{}", d.message);
        let d = check_text("items:\n  - {check: \"a\\nb\"}\n", &multiline).unwrap_err();
        assert!(d.message.contains("`items[0].check`"), "{}", d.message);
        assert_eq!(d.location.line, 2);
        let d = check_text("status:\n  a.b: {note: \"\\e[31m\"}\n", &multiline).unwrap_err();
        assert!(d.message.contains("U+001B ESCAPE"), "{}", d.message);
    }

    #[test]
    fn a_control_character_typed_into_the_file_is_located_exactly() {
        let source = Source {
            shown: "f.yaml".into(),
            text: "people:\n  dana: {name: \"Da\u{7f}na\", email: d@x}\n".into(),
        };
        let d = check_literal(&source).unwrap_err();
        assert_eq!(d.location, Location::new(2, 19));
        assert!(d.message.contains("`people.dana.name`"), "{}", d.message);
        assert!(d.message.contains("U+007F DELETE"), "{}", d.message);
        let tabs_and_breaks = Source {
            shown: "f.yaml".into(),
            text: "a: 1\r\nb:\t2\n".into(),
        };
        assert!(check_literal(&tabs_and_breaks).is_ok());
    }

    #[test]
    fn every_kind_of_forbidden_character_is_found() {
        for (escape, name) in [
            ("\\t", "U+0009 CHARACTER TABULATION"),
            ("\\r", "U+000D CARRIAGE RETURN"),
            ("\\0", "U+0000 NULL"),
            ("\\x7f", "U+007F DELETE"),
            ("\\N", "U+0085 NEXT LINE"),
            ("\\x9b", "U+009B, a control character"),
            ("\\L", "U+2028 LINE SEPARATOR"),
            ("\\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
            ("\\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ] {
            let d = check_text(&format!("title: \"a{escape}b\"\n"), &[]).unwrap_err();
            assert!(d.message.contains(name), "{escape}: {}", d.message);
        }
        // Keys as well as values.
        let d = check_text("people:\n  \"dan\\na\": {name: D}\n", &[]).unwrap_err();
        assert!(d.message.contains("a key in `people`"), "{}", d.message);
        // Folded text keeps its final line break unless `>-` says otherwise.
        assert!(check_text("title: >\n  A title\n", &[]).is_err());
        assert!(check_text("title: >-\n  A long\n  title\n", &[]).is_ok());
        assert!(check_text("title: Zoë 🚀 — ok\n", &[]).is_ok());
    }
}
