//! Markdown flattened to plain text, for the text part of emails.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Base, RAW_HTML_TAGS, nesting::Nesting, runbook_page};
use crate::content::runbook::markdown_options;

/// Renders `source` as plain text for the text part of emails: paragraphs on
/// one line each (the email wraps them), `- ` lists, table rows as list items,
/// links as `text (url)`, code indented by four spaces. Relative links are
/// resolved from `base` (see [`Base`]); one that cannot point anywhere, or
/// that is neither web nor mail, keeps only its text.
pub fn to_text(source: &str, base: &Base) -> String {
    let events = Parser::new_ext(source, markdown_options());
    flatten(Nesting::new(events, &RAW_HTML_TAGS), base)
}

/// The address a reader can use for a link to `dest`, if any.
fn address(dest: &str, base: &Base) -> Option<String> {
    let dest = runbook_page(dest).unwrap_or_else(|| dest.to_string());
    base.resolve(&dest).filter(|url| {
        let lower = url.to_ascii_lowercase();
        let web = ["http://", "https://", "mailto:"]
            .iter()
            .any(|s| lower.starts_with(s));
        web || matches!(base, Base::Page { .. })
    })
}

/// The text of Markdown `events`.
fn flatten<'a>(events: impl Iterator<Item = Event<'a>>, base: &Base) -> String {
    let mut out = String::new();
    let mut line = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    // The address of the open link, and where its text starts in `line`.
    let mut link: Option<(Option<String>, usize)> = None;
    let mut in_code = false;
    let mut cells: Vec<String> = Vec::new();
    let flush = |line: &mut String, out: &mut String| {
        let text = line.trim_end();
        if !text.is_empty() {
            out.push_str(text);
            out.push('\n');
        }
        line.clear();
    };
    for event in events {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. }) if lists.is_empty() => {
                flush(&mut line, &mut out);
                if !out.is_empty() {
                    out.push('\n');
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) if lists.is_empty() => {
                flush(&mut line, &mut out);
            }
            Event::Start(Tag::List(first)) => {
                flush(&mut line, &mut out);
                if lists.is_empty() && !out.is_empty() && !out.ends_with("\n\n") {
                    out.push('\n');
                }
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut line, &mut out);
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut line, &mut out);
                let depth = lists.len().saturating_sub(1);
                line.push_str(&"  ".repeat(depth));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        line.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => line.push_str("- "),
                }
            }
            Event::TaskListMarker(done) => line.push_str(if done { "[x] " } else { "[ ] " }),
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut line, &mut out);
                in_code = true;
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((address(&dest_url, base), line.len()))
            }
            Event::End(TagEnd::Link) => {
                if let Some((Some(url), start)) = link.take() {
                    // An autolink's text is its address already.
                    let text = line.get(start..).unwrap_or_default().trim();
                    if text != url && text.strip_prefix("mailto:").is_none_or(|t| t != url) {
                        line.push_str(&format!(" ({url})"));
                    }
                }
            }
            Event::Start(Tag::TableRow | Tag::TableHead) => cells.clear(),
            Event::End(TagEnd::TableCell) => {
                cells.push(std::mem::take(&mut line).trim().to_string());
            }
            // The header row names the columns; the rows say enough on their own.
            Event::End(TagEnd::TableHead) => {
                line.clear();
                cells.clear();
            }
            Event::End(TagEnd::TableRow) => {
                flush(&mut line, &mut out);
                if let Some((first, rest)) = cells.split_first() {
                    out.push_str(&format!("- {first}: {}\n", rest.join("; ")));
                }
            }
            Event::Start(Tag::Table(_)) => {
                flush(&mut line, &mut out);
                if !out.is_empty() {
                    out.push('\n');
                }
            }
            Event::Text(t) if in_code => {
                for l in t.lines() {
                    out.push_str("    ");
                    out.push_str(l);
                    out.push('\n');
                }
            }
            Event::Text(t) | Event::Code(t) => line.push_str(&t),
            Event::SoftBreak => line.push(' '),
            Event::HardBreak => flush(&mut line, &mut out),
            // Raw HTML has no place in a plain-text email (and pages sanitise it away).
            Event::Html(_) | Event::InlineHtml(_) => {}
            _ => {}
        }
    }
    flush(&mut line, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflows_paragraphs_and_flattens_tables_and_links() {
        let text = to_text(
            "First line\nsecond **line**.\n\n| Area | Change |\n| --- | --- |\n| DB | RLS on 42 tables |\n\n- one\n- [docs](https://x.example)\n",
            &Base::Nowhere,
        );
        assert_eq!(
            text,
            "First line second line.\n\n- DB: RLS on 42 tables\n\n- one\n- docs (https://x.example)\n"
        );
    }

    #[test]
    fn normal_documents_flatten_exactly_as_without_the_bound() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = super::super::tests::normal_documents();
        for folder in [
            "content/runbooks",
            "tests/fixtures/runbooks/content/runbooks",
        ] {
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                sources.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
            }
        }
        for source in &sources {
            let base = Base::email(Some("https://x.example"));
            let unbounded = flatten(Parser::new_ext(source, markdown_options()), &base);
            assert_eq!(to_text(source, &base), unbounded, "{source}");
        }
    }

    #[test]
    fn relative_links_are_absolute_or_left_as_text() {
        let source = "See the [runbook](../../runbooks/x.html), [fix](db-errors.md#fix), <https://a.example> and [top](#top).\n";
        assert_eq!(
            to_text(source, &Base::email(Some("https://hub.example/"))),
            "See the runbook (https://hub.example/runbooks/x.html), fix (https://hub.example/runbooks/db-errors.html#fix), https://a.example and top.\n"
        );
        assert_eq!(
            to_text(source, &Base::Nowhere),
            "See the runbook, fix, https://a.example and top.\n"
        );
    }
}
