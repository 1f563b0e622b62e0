//! Troubleshooting runbooks, `content/runbooks/<name>.md`: YAML front matter and
//! a Markdown body (symptoms, immediate actions, investigation, resolution).
//!
//! Loading also reads the body's headings and links, so that a link to another
//! runbook (`db-failover.md#replicas`) that does not exist is reported with its
//! file and line before anything is rendered.

use std::collections::HashMap;
use std::path::PathBuf;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use super::release::Severity;
use crate::diagnostic::{Diagnostic, Location};
use crate::yaml::{self, Source};

/// The keys a runbook's front matter may have.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub severity: Option<Severity>,
    /// A person or group key.
    #[serde(default)]
    pub owner: Option<String>,
}

/// Every text of the front matter is one line (the body is Markdown, not YAML).
impl yaml::Document for FrontMatter {
    const MULTILINE: &'static [&'static str] = &[];
}

/// A runbook, parsed.
#[derive(Debug, Clone)]
pub struct Runbook {
    /// The file name without `.md`; releases refer to it by this name.
    pub name: String,
    pub front: FrontMatter,
    /// The Markdown after the front matter.
    pub body: String,
    /// Line of the file where `body` starts (1-based).
    pub body_line: usize,
    /// The whole file, for diagnostics.
    pub source: Source,
    /// Heading ids in document order, as pages will have them.
    pub headings: Vec<Heading>,
    /// Links in the body, with the line each is on.
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub id: String,
    pub text: String,
    pub level: HeadingLevel,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub url: String,
    pub location: Location,
}

/// The Markdown options every runbook is read and rendered with.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Splits off the front matter and parses both parts.
pub fn parse(name: String, source: Source) -> Result<Runbook, Diagnostic> {
    let text = &source.text;
    let starts_with_marker = text.lines().next().is_some_and(|l| l.trim_end() == "---");
    if !starts_with_marker {
        return Err(source
            .error(
                Location::START,
                "a runbook starts with front matter between `---` lines",
            )
            .with_help("begin the file with ---, then title: ..., then --- again"));
    }
    // The closing `---`: the first line after the first that is exactly `---`.
    let mut offset = 0;
    let mut close = None;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index > 0 && line.trim_end() == "---" {
            close = Some((index, offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((close_index, close_start, body_start)) = close else {
        return Err(source
            .error(Location::START, "the front matter is never closed")
            .with_help("end it with a line that is exactly ---"));
    };
    // Parsed in place (the leading `---` is a YAML document marker), so line
    // numbers in errors are the file's own.
    let front_source = Source {
        shown: source.shown.clone(),
        text: text[..close_start].to_string(),
    };
    let front: FrontMatter = yaml::parse(
        &front_source,
        "runbook front matter (title, tags, severity, owner)",
    )
    .map_err(|d| d.with_source(text))?;
    let body = text[body_start..].to_string();
    let body_line = close_index + 2;
    let (headings, links) = scan(&body, body_line);
    Ok(Runbook {
        name,
        front,
        body,
        body_line,
        source,
        headings,
        links,
    })
}

/// Headings (with the ids pages give them) and links of a Markdown body.
pub fn scan(body: &str, first_line: usize) -> (Vec<Heading>, Vec<Link>) {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let location_of = |offset: usize| {
        let line = line_starts.partition_point(|&s| s <= offset);
        Location::new(first_line + line - 1, offset - line_starts[line - 1] + 1)
    };
    let mut headings = Vec::new();
    let mut links = Vec::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut open: Option<(HeadingLevel, Option<String>, String)> = None;
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                open = Some((level, id.map(|i| i.to_string()), String::new()))
            }
            Event::Text(t) | Event::Code(t) if open.is_some() => {
                if let Some((_, _, text)) = open.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, explicit, text)) = open.take() {
                    let id = unique(explicit.unwrap_or_else(|| heading_id(&text)), &mut used);
                    headings.push(Heading { id, text, level });
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => links.push(Link {
                url: dest_url.to_string(),
                location: location_of(range.start),
            }),
            _ => {}
        }
    }
    (headings, links)
}

/// GitHub-style: lower case, spaces to `-`, punctuation dropped.
pub fn heading_id(text: &str) -> String {
    let id: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' | '-' => Some('-'),
            c if c.is_alphanumeric() || c == '_' => Some(c),
            _ => None,
        })
        .collect();
    if id.is_empty() { "section".into() } else { id }
}

fn unique(id: String, used: &mut HashMap<String, usize>) -> String {
    let n = used.entry(id.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        id
    } else {
        format!("{id}-{}", *n - 1)
    }
}

/// A link to another runbook by its source name: `other.md` or `other.md#part`.
/// Returns the runbook name and the anchor.
pub fn runbook_target(url: &str) -> Option<(&str, Option<&str>)> {
    if url.contains("://") || url.starts_with('/') || url.starts_with("mailto:") {
        return None;
    }
    let (file, anchor) = match url.split_once('#') {
        Some((f, a)) => (f, Some(a)),
        None => (url, None),
    };
    let file = file.strip_prefix("./").unwrap_or(file);
    let name = file.strip_suffix(".md")?;
    (!name.contains('/')).then_some((name, anchor))
}

/// The path shown for a runbook file.
pub fn shown_path(name: &str) -> PathBuf {
    PathBuf::from("content/runbooks").join(format!("{name}.md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        Source {
            shown: "content/runbooks/x.md".into(),
            text: text.into(),
        }
    }

    #[test]
    fn splits_front_matter_and_finds_headings_and_links() {
        let text = "---\ntitle: DB errors\ntags: [db]\n---\n## Symptoms\nSee [auth](auth.md#steps).\n## Symptoms\n### Fix it {#fix}\n";
        let r = parse("x".into(), source(text)).unwrap();
        assert_eq!(r.front.title, "DB errors");
        assert_eq!(r.body_line, 5);
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["symptoms", "symptoms-1", "fix"]);
        assert_eq!(
            r.links,
            vec![Link {
                url: "auth.md#steps".into(),
                location: Location::new(6, 5)
            }]
        );
    }

    #[test]
    fn front_matter_errors_are_located_in_the_file() {
        let d = parse(
            "x".into(),
            source("---\ntitle: A\nseverity: hgih\n---\nbody\n"),
        )
        .unwrap_err();
        assert_eq!(d.location.line, 3);
        assert!(d.help.unwrap().contains("did you mean `high`"));
        let d = parse("x".into(), source("---\ntitle: A\ntgas: []\n---\n")).unwrap_err();
        assert_eq!(d.location.line, 3);
        assert!(parse("x".into(), source("# no front matter\n")).is_err());
        assert!(
            parse("x".into(), source("---\ntitle: A\n"))
                .unwrap_err()
                .message
                .contains("never closed")
        );
    }

    #[test]
    fn recognises_links_to_other_runbooks() {
        assert_eq!(runbook_target("db.md"), Some(("db", None)));
        assert_eq!(runbook_target("./db.md#fix"), Some(("db", Some("fix"))));
        assert_eq!(runbook_target("https://x.example/db.md"), None);
        assert_eq!(runbook_target("#local"), None);
        assert_eq!(
            heading_id("Immediate actions (first 5 min)"),
            "immediate-actions-first-5-min"
        );
    }
}
