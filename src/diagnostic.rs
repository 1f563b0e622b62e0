//! Problems found in a site's files, with the place they were found.
//!
//! Every stage before rendering collects `Diagnostic`s instead of stopping at the
//! first one, so a writer sees every mistake of a build at once. Each prints as
//! `path:line:column: error: message`, followed by the offending line and a caret,
//! the way compilers do, so editors and CI logs can jump to it.
//!
//! What a diagnostic prints is bounded: values it quotes are cut to a short
//! snippet, control characters are shown escaped (never sent to a terminal),
//! and the echoed line is cut too, so an error can never pour a file's
//! content into a log.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A position in a file; both numbers count from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub const START: Location = Location { line: 1, column: 1 };

    pub fn new(line: usize, column: usize) -> Self {
        Location {
            line: line.max(1),
            column: column.max(1),
        }
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the user would type it (relative to the site root when possible).
    pub file: PathBuf,
    pub location: Location,
    pub message: String,
    /// What to do about it, when there is something useful to say.
    pub help: Option<String>,
    /// The text of the offending line, captured when the diagnostic is made so it
    /// can be printed after the file is gone from memory.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            location,
            message: bounded(&message.into()),
            help: None,
            source_line: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(bounded(&help.into()));
        self
    }

    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help.as_deref().map(bounded);
        self
    }

    /// Remembers the offending line of `source` for printing.
    pub fn with_source(mut self, source: &str) -> Self {
        self.source_line = source
            .lines()
            .nth(self.location.line - 1)
            .map(|l| l.trim_end_matches('\r').to_string());
        self
    }

    /// `path:line:column: error: message`, the offending line with a caret, and help.
    pub fn render(&self) -> String {
        // A file's name is the writer's too: no control character reaches the terminal.
        let mut out = format!(
            "{}:{}:{}: error: {}\n",
            escaped(&self.file.display().to_string()),
            self.location.line,
            self.location.column,
            self.message
        );
        if let Some(line) = &self.source_line {
            let number = self.location.line.to_string();
            let gutter = " ".repeat(number.len());
            // One character for each, so that the caret stays in its column.
            let mut shown: String = line.chars().take(ECHO_CHARS).map(visible).collect();
            if line.chars().nth(ECHO_CHARS).is_some() {
                shown.push('…');
            }
            let caret_at = self
                .location
                .column
                .saturating_sub(1)
                .min(shown.chars().count());
            let _ = writeln!(out, "{gutter} |");
            let _ = writeln!(out, "{number} | {shown}");
            let _ = writeln!(out, "{gutter} | {}^", " ".repeat(caret_at));
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        out
    }
}

/// Diagnostics of a whole run, kept in file and line order for printing.
#[derive(Debug, Default)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.0
            .sort_by(|a, b| (&a.file, a.location).cmp(&(&b.file, b.location)));
        self.0.dedup();
        self.0
    }
}

/// The error of a run whose input is invalid: every problem found, sorted.
#[derive(Debug)]
pub struct InvalidSite {
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for InvalidSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for d in &self.diagnostics {
            f.write_str(&d.render())?;
        }
        let n = self.diagnostics.len();
        write!(f, "{n} problem{} found", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for InvalidSite {}

/// The longest value a message quotes.
pub const SNIPPET_CHARS: usize = 60;
/// The longest part of a line that is echoed under a diagnostic.
const ECHO_CHARS: usize = 200;
/// The longest message or help text.
const MESSAGE_CHARS: usize = 2000;

/// `text` as a message may quote it: control and direction characters escaped
/// (`\n`, `\u{1b}`), cut after `SNIPPET_CHARS` characters with an ellipsis.
pub fn snippet(text: &str) -> String {
    let escaped = escaped(text);
    if escaped.chars().count() <= SNIPPET_CHARS {
        return escaped;
    }
    let mut cut: String = escaped.chars().take(SNIPPET_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// Control characters (C0, DEL, C1), line and paragraph separators and
/// bidirectional controls, written as escapes; everything else as it is.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if crate::yaml::text::forbidden(c, false) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// A message or help text fit to print: every `quoted` or "quoted" part cut
/// to a snippet, control characters escaped, the whole of a bounded length.
fn bounded(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MESSAGE_CHARS));
    let mut rest = text;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest[open..].chars().next().unwrap_or('`');
        let inside = &rest[open + 1..];
        let Some(close) = inside.find(quote) else {
            break;
        };
        out.push_str(&escaped(&rest[..open]));
        out.push(quote);
        out.push_str(&snippet(&inside[..close]));
        out.push(quote);
        rest = &inside[close + 1..];
    }
    out.push_str(&escaped(rest));
    if out.chars().count() > MESSAGE_CHARS {
        out = out.chars().take(MESSAGE_CHARS - 1).collect();
        out.push('…');
    }
    out
}

/// A character of an echoed line as one visible character: tabs as spaces,
/// C0 controls and DEL as their Unicode pictures (␊, ␛), other invisible
/// controls as �.
fn visible(c: char) -> char {
    match c {
        '\t' => ' ',
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('�'),
        '\u{7f}' => '␡',
        c if crate::yaml::text::forbidden(c, false) => '�',
        c => c,
    }
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A path shown relative to `root` when it lies below it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_line_and_caret() {
        let d = Diagnostic::new(
            "content/releases/a.yaml",
            Location::new(2, 9),
            "unknown field `stauts`",
        )
        .with_help("did you mean `status`?")
        .with_source("title: x\nversion: 1.0\n");
        let text = d.render();
        assert!(text.starts_with("content/releases/a.yaml:2:9: error: unknown field `stauts`\n"));
        assert!(text.contains("2 | version: 1.0\n"));
        assert!(text.contains("  |         ^\n"), "{text}");
        assert!(text.ends_with("  = help: did you mean `status`?\n"));
    }

    #[test]
    fn quoted_values_are_cut_and_controls_escaped() {
        let long = "x".repeat(5000);
        let d = Diagnostic::new(
            "f.yaml",
            Location::START,
            format!("invalid type: string \"{long}\", expected `{long}`"),
        )
        .with_help("not `a\u{1b}[31mb\nc`");
        assert!(
            !d.message.contains(&"x".repeat(SNIPPET_CHARS)),
            "{}",
            d.message
        );
        assert!(
            d.message
                .contains(&format!("\"{}…\"", "x".repeat(SNIPPET_CHARS - 1)))
        );
        assert_eq!(d.help.as_deref(), Some("not `a\\u{1b}[31mb\\nc`"));
        assert_eq!(snippet("a\u{202e}b"), "a\\u{202e}b");
    }

    #[test]
    fn a_file_name_with_control_characters_is_printed_escaped() {
        let d = Diagnostic::new("content/releases/a\u{1b}[2J.yaml", Location::START, "bad");
        assert!(
            d.render()
                .starts_with("content/releases/a\\u{1b}[2J.yaml:1:1: error: bad\n"),
            "{}",
            d.render()
        );
    }

    #[test]
    fn the_echoed_line_shows_controls_as_one_visible_character_each() {
        let d = Diagnostic::new("f.yaml", Location::new(1, 9), "bad")
            .with_source("name: \"\u{7}\u{1b}x\u{202e}\"\n");
        let text = d.render();
        assert!(text.contains("1 | name: \"␇␛x�\""), "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text}"
        );
        let long = Diagnostic::new("f.yaml", Location::START, "bad").with_source(&"y".repeat(900));
        let echoed = long.render();
        assert!(
            echoed.contains(&format!("{}…", "y".repeat(ECHO_CHARS))),
            "{echoed}"
        );
        assert!(!echoed.contains(&"y".repeat(ECHO_CHARS + 1)));
    }

    #[test]
    fn suggests_only_close_words() {
        assert_eq!(did_you_mean("stauts", ["status", "owner"]), Some("status"));
        assert_eq!(did_you_mean("zzz", ["status", "owner"]), None);
    }
}
