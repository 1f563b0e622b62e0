//! Reading YAML files safely and turning serde errors into located diagnostics.
//!
//! Everything a writer can get wrong in a file ends here as a `Diagnostic`:
//! bytes that are not UTF-8, an empty file, hostile input (huge, absurdly deep,
//! alias bombs) and every serde error, with `did you mean` help for unknown keys
//! and values.

pub mod emit;
pub mod locate;
pub mod text;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, Location, did_you_mean, display_path};
pub use locate::Positions;

/// Deeper nesting than this is refused before parsing (serde_yaml's own limit
/// fires only after quadratic work on very deep input).
pub const MAX_DEPTH: usize = 64;

/// A file's text, with the path to show in messages.
#[derive(Debug, Clone)]
pub struct Source {
    /// As shown to the user: relative to the site root.
    pub shown: PathBuf,
    pub text: String,
}

impl Source {
    /// A diagnostic at `location` in this file, with the offending line attached.
    pub fn error(&self, location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.shown, location, message).with_source(&self.text)
    }

    /// A diagnostic at the value found at key `path`.
    pub fn error_at(
        &self,
        positions: &Positions,
        path: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.error(positions.value(path), message)
    }
}

/// Reads a file of the site in `root` as UTF-8 text, through the one gate for
/// every file (`input::read`: only regular files inside the site, at most 4 MiB),
/// refusing invalid bytes with a message that says where they are.
pub fn read(root: &Path, path: &Path) -> Result<Source, Diagnostic> {
    let bytes = crate::input::read(root, path).map_err(crate::input::Refused::into_diagnostic)?;
    let shown = display_path(root, path);
    match String::from_utf8(bytes) {
        // Some Windows editors start UTF-8 files with a byte order mark; it is not content.
        Ok(text) => Ok(Source {
            shown,
            text: text
                .strip_prefix('\u{feff}')
                .map(str::to_string)
                .unwrap_or(text),
        }),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count()
                + 1;
            let bad = e.as_bytes()[valid.len()];
            Err(Diagnostic::new(
                &shown,
                Location::new(line, column),
                format!("byte 0x{bad:02x} is not valid UTF-8"),
            )
            .with_help("save the file as UTF-8 (most editors: File > Save with Encoding > UTF-8)"))
        }
    }
}

/// A kind of file golive parses, and which of its keys may hold several lines.
pub trait Document: DeserializeOwned + serde::Serialize {
    /// Key paths whose text may span lines (Markdown, notes): keys joined by
    /// `.`, `[]` for any list index, `*` for any key, `**` for every path.
    /// All other text must be a single line (see `text`).
    const MULTILINE: &'static [&'static str];
}

/// Any YAML, read loosely (by `new`, for hints): every text may span lines,
/// but control characters are still refused.
impl Document for serde_yaml::Value {
    const MULTILINE: &'static [&'static str] = &["**"];
}

/// Deserialises a whole document into `T` and checks the characters of its
/// text, or returns the first problem with its place.
pub fn parse<T: Document>(source: &Source, what: &str) -> Result<T, Diagnostic> {
    text::check_literal(source)?;
    let value = deserialize(source, what)?;
    text::check(source, &value, T::MULTILINE)?;
    Ok(value)
}

fn deserialize<T: DeserializeOwned>(source: &Source, what: &str) -> Result<T, Diagnostic> {
    if source.text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---"
    }) {
        return Err(source
            .error(Location::START, format!("file is empty; expected {what}"))
            .with_help("copy an existing file of this kind as a starting point"));
    }
    check_depth(source)?;
    // Most files are valid: parse them directly, and only a failing one again
    // with the path tracking that places its error.
    if let Ok(value) = serde_yaml::from_str(&source.text) {
        return Ok(value);
    }
    let deserializer = serde_yaml::Deserializer::from_str(&source.text);
    serde_path_to_error::deserialize(deserializer).map_err(|e| serde_diagnostic(source, e))
}

/// Refuses nesting deeper than `MAX_DEPTH` in flow (`[[[`) or block (`- - -`) style,
/// in time linear in the file's size.
fn check_depth(source: &Source) -> Result<(), Diagnostic> {
    let mut flow_depth = 0usize;
    for (index, line) in source.text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        let dashes = rest
            .as_bytes()
            .chunks(2)
            .take_while(|pair| matches!(pair, [b'-', b' '] | [b'?', b' '] | [b'-']))
            .count();
        let block_depth = indent / 2 + dashes;
        if block_depth > MAX_DEPTH {
            return Err(too_deep(source, Location::new(index + 1, 1)));
        }
        let mut quote: Option<char> = None;
        for (column, c) in line.chars().enumerate() {
            match (quote, c) {
                (None, '#') if column == 0 || line[..].chars().nth(column - 1) == Some(' ') => {
                    break;
                }
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '[' | '{') => {
                    flow_depth += 1;
                    if flow_depth > MAX_DEPTH {
                        return Err(too_deep(source, Location::new(index + 1, column + 1)));
                    }
                }
                (None, ']' | '}') => flow_depth = flow_depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    Ok(())
}

fn too_deep(source: &Source, at: Location) -> Diagnostic {
    source
        .error(at, format!("nesting is deeper than {MAX_DEPTH} levels"))
        .with_help("release files need a few levels at most; check for unclosed brackets")
}

/// Turns a serde_yaml error into a diagnostic at the right place, with help.
fn serde_diagnostic(
    source: &Source,
    error: serde_path_to_error::Error<serde_yaml::Error>,
) -> Diagnostic {
    let path = error.path().to_string();
    let inner = error.into_inner();
    let location = inner
        .location()
        .map(|l| Location::new(l.line(), l.column()))
        .unwrap_or(Location::START);
    let full = inner.to_string();
    let message = bare_message(&full);
    // A location past the end (an error at EOF) is shown on the last line.
    let last_line = source.text.lines().count().max(1);
    let location = if location.line > last_line {
        let width = source.text.lines().last().map_or(0, |l| l.chars().count());
        Location::new(last_line, width + 1)
    } else {
        location
    };

    // "... while parsing a flow sequence at line 22 column 11": the writer needs
    // the bracket that was never closed, not the place the parser gave up.
    if let Some((what, opened)) = unclosed_flow(&full) {
        let bracket = if what == "sequence" { "[" } else { "{" };
        return source
            .error(
                opened,
                format!("this `{bracket}` is never closed ({message})"),
            )
            .with_help(format!(
                "close it with `{}`, or write the list one item per line",
                if bracket == "[" { "]" } else { "}" }
            ));
    }
    let here = if path == "." || path == "?" {
        String::new()
    } else {
        path.clone()
    };

    if message.starts_with("duplicate field") || message.starts_with("duplicate entry") {
        // serde_yaml reports these at 1:1; find the real place.
        let positions = Positions::of(&source.text);
        let (key, at) = positions
            .duplicate_key()
            .cloned()
            .unwrap_or_else(|| (String::new(), location));
        return source
            .error(at, format!("key `{key}` appears twice in the same mapping"))
            .with_help("remove one of them; YAML keeps only one value per key");
    }
    if message.contains("repetition limit exceeded") || message.contains("recursion limit exceeded")
    {
        return source
            .error(
                location,
                "document expands too far (aliases or nesting); refused",
            )
            .with_help("use aliases (`*name`) sparingly; golive files need no deep nesting");
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let at = if location == Location::START {
            Positions::of(&source.text).value(&path)
        } else {
            location
        };
        let inside = if here.is_empty() {
            "at the top level".to_string()
        } else {
            format!("in `{here}`")
        };
        return source
            .error(at, format!("missing key {rest} {inside}"))
            .with_help(format!("add `{}: ...` here", rest.trim_matches('`')));
    }
    for (kind, noun) in [("unknown field ", "key"), ("unknown variant ", "value")] {
        if let Some(rest) = message.strip_prefix(kind) {
            let names = backticked(rest);
            let (word, allowed) = names.split_first().map_or(("", &[][..]), |(w, a)| (*w, a));
            let suggestion = did_you_mean(word, allowed.iter().copied());
            // `{name: p95 (staging, RLS on)}` splits at the comma into a bogus key.
            let comma_hint = noun == "key" && word.contains([' ', ')', ']', '"']);
            let help = match suggestion {
                _ if comma_hint => format!(
                    "text with a comma inside `{{...}}` must be quoted, e.g. name: \"p95 (staging, RLS on)\"; allowed keys: {}",
                    allowed.join(", ")
                ),
                Some(s) => format!("did you mean `{s}`? allowed: {}", allowed.join(", ")),
                None if allowed.is_empty() => "this place takes no keys".to_string(),
                None => format!("allowed: {}", allowed.join(", ")),
            };
            // For an unknown key the path ends with the key itself; name its mapping.
            let mapping = if noun == "key" {
                locate::parent_path(&here)
            } else {
                here.clone()
            };
            let place = if mapping.is_empty() {
                String::new()
            } else {
                format!(" at `{mapping}`")
            };
            return source
                .error(location, format!("unknown {noun} `{word}`{place}"))
                .with_help(help);
        }
    }
    let is_syntax = ["while parsing", "while scanning", "not allowed"]
        .iter()
        .any(|p| message.contains(p));
    let text = if here.is_empty() {
        message
    } else {
        format!("{here}: {message}")
    };
    let help = if is_syntax {
        Some("check the indentation and quoting on this line and the one before; values with `: ` or `#` need quotes".to_string())
    } else if here.ends_with("version") && text.contains("version") {
        Some("write a semantic version: MAJOR.MINOR.PATCH, such as 2.0.0".to_string())
    } else {
        None
    };
    source.error(location, text).with_help_opt(help)
}

/// The kind and opening place of an unclosed flow collection, from a parser message.
fn unclosed_flow(full: &str) -> Option<(&'static str, Location)> {
    for what in ["sequence", "mapping"] {
        let marker = format!("while parsing a flow {what} at line ");
        if let Some(start) = full.find(&marker) {
            let rest = &full[start + marker.len()..];
            let (line, rest) = rest.split_once(" column ")?;
            let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
            return Some((
                what,
                Location::new(line.parse().ok()?, column.parse().ok()?),
            ));
        }
    }
    None
}

/// serde_yaml's message without the key path before it and the positions in it.
fn bare_message(full: &str) -> String {
    // serde_yaml puts its own key path first: `items[0].status: unknown variant ...`.
    let without_path = match full.split_once(": ") {
        Some((head, rest)) if !head.contains([' ', '`']) => rest,
        _ => full,
    };
    let mut out = String::with_capacity(without_path.len());
    let mut rest = without_path;
    while let Some(at) = rest.find(" at line ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + " at line ".len()..];
        // Skip "N column M".
        let skip = tail
            .split_once(" column ")
            .map(|(line, after)| {
                line.len()
                    + " column ".len()
                    + after.chars().take_while(char::is_ascii_digit).count()
            })
            .filter(|_| tail.starts_with(|c: char| c.is_ascii_digit()));
        match skip {
            Some(n) => rest = &tail[n..],
            None => {
                out.push_str(" at line ");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `quoted` names of a serde message, in order.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, serde::Serialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[derive(Deserialize, serde::Serialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        status: String,
    }

    impl Document for Doc {
        const MULTILINE: &'static [&'static str] = &[];
    }

    fn source(text: &str) -> Source {
        Source {
            shown: "f.yaml".into(),
            text: text.into(),
        }
    }

    fn err(text: &str) -> Diagnostic {
        parse::<Doc>(&source(text), "a doc").unwrap_err()
    }

    #[test]
    fn unknown_key_is_located_with_a_suggestion() {
        let d = err("name: x\nitems:\n  - stauts: done\n");
        assert_eq!(d.location, Location::new(3, 5));
        assert!(
            d.message.contains("unknown key `stauts` at `items[0]"),
            "{}",
            d.message
        );
        assert!(d.help.unwrap().starts_with("did you mean `status`?"));
    }

    #[test]
    fn duplicate_key_points_at_the_repeat() {
        let d = err("name: x\nitems: []\nname: y\n");
        assert_eq!(d.location, Location::new(3, 1));
        assert!(d.message.contains("`name` appears twice"));
    }

    #[test]
    fn empty_and_comment_only_files_are_refused() {
        assert!(err("").message.contains("file is empty"));
        assert!(err("# nothing\n\n").message.contains("file is empty"));
    }

    #[test]
    fn deep_flow_and_block_nesting_are_refused_quickly() {
        let deep = format!("name: {}", "[".repeat(100_000));
        let d = err(&deep);
        assert!(d.message.contains("nesting is deeper"));
        assert_eq!(d.location.line, 1);
        let block: String = (0..200)
            .map(|i| format!("{}- \n", "  ".repeat(i)))
            .collect();
        assert!(
            err(&format!("items:\n{block}"))
                .message
                .contains("nesting is deeper")
        );
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        text.push_str("name: *a11\n");
        let d = parse::<serde_yaml::Value>(&source(&text), "a doc").unwrap_err();
        assert!(d.message.contains("expands too far"), "{}", d.message);
    }

    #[test]
    fn invalid_utf8_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.yaml");
        std::fs::write(&path, b"name: ok\nitems: \xff\n").unwrap();
        let d = read(dir.path(), &path).unwrap_err();
        assert_eq!(d.file, PathBuf::from("bad.yaml"));
        assert_eq!(d.location, Location::new(2, 8));
        assert!(d.message.contains("0xff"));
    }
}
