//! Markdown to safe HTML: pulldown-cmark renders, ammonia removes anything a
//! writer's Markdown could use to run script or load from another host.

use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd, html};

use crate::content::runbook::{Heading, markdown_options, runbook_target};

/// Built once per process: the sanitiser's tables are the same for every page.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(sanitizer);

/// Renders `source` as sanitised HTML. Links to runbooks by source name
/// (`db-errors.md#fix`) point at the built page under `runbook_prefix`.
pub fn to_html(source: &str, runbook_prefix: &str) -> String {
    render(source, None, runbook_prefix)
}

/// Renders a runbook body: headings get the ids of `headings` (from
/// `runbook::scan`, so links checked at load time land) and an anchor link.
pub fn runbook_to_html(body: &str, headings: &[Heading]) -> String {
    render(body, Some(headings), "")
}

fn render(source: &str, headings: Option<&[Heading]>, runbook_prefix: &str) -> String {
    let mut ids = headings.into_iter().flatten().map(|h| h.id.clone());
    let mut current_id: Option<String> = None;
    let events = Parser::new_ext(source, markdown_options()).flat_map(|event| {
        let mut out = Vec::with_capacity(2);
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) if headings.is_some() => {
                let id = ids.next().map(CowStr::from).or(id);
                current_id = id.as_ref().map(|i| i.to_string());
                out.push(Event::Start(Tag::Heading { level, id, classes, attrs }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(id) = current_id.take() {
                    let anchor = format!(" <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>");
                    out.push(Event::InlineHtml(anchor.into()));
                }
                out.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest_url = match runbook_target(&dest_url) {
                    Some((name, anchor)) => {
                        let anchor = anchor.map(|a| format!("#{a}")).unwrap_or_default();
                        CowStr::from(format!("{runbook_prefix}{name}.html{anchor}"))
                    }
                    None => dest_url,
                };
                out.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            // A task-list box needs a name for screen readers: say what it shows.
            Event::TaskListMarker(done) => {
                let (checked, label) = if done { (" checked", "done") } else { ("", "not done") };
                out.push(Event::InlineHtml(
                    format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> ").into(),
                ));
            }
            // Footnote ids get their own namespace, so `[^resolution]` cannot
            // take the id of a `## Resolution` heading.
            Event::FootnoteReference(label) => {
                out.push(Event::FootnoteReference(format!("fn-{label}").into()))
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                out.push(Event::Start(Tag::FootnoteDefinition(format!("fn-{label}").into())))
            }
            other => out.push(other),
        }
        out
    });
    let mut raw = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut raw, events);
    SANITIZER.clean(&raw).to_string()
}

/// Classes that Markdown output may keep: code languages, footnotes, anchors.
fn allowed_class(value: &str) -> String {
    value
        .split_whitespace()
        .filter(|c| {
            c.strip_prefix("language-").is_some_and(|l| {
                l.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "+-#_".contains(ch))
            }) || [
                "anchor",
                "footnote-reference",
                "footnote-definition",
                "footnote-definition-label",
            ]
            .contains(c)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn sanitizer() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    // Task-list checkboxes are rendered by pulldown-cmark as disabled inputs.
    // Images are dropped: golive publishes no files from content/, so an image
    // could only be broken or loaded from another host.
    b.add_tags(["input"])
        .rm_tags(["img"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_generic_attributes(["id", "class", "aria-label"])
        .attribute_filter(|_element, attribute, value| match attribute {
            "class" => {
                Some(allowed_class(value).into()).filter(|v: &std::borrow::Cow<str>| !v.is_empty())
            }
            _ => Some(value.into()),
        })
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        // No rel="noopener": links open in the same tab, and a link whose unsafe
        // href was removed must not keep an attribute that needs one.
        .link_rel(None);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown_and_strips_script() {
        let html = to_html(
            "**bold** <script>alert(1)</script> [x](javascript:alert(1))\n\n- [x] done\n",
            "",
        );
        assert!(html.contains("<strong>bold</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
        assert!(html.contains("checkbox"));
    }
}

/// Renders `source` as plain text for the text part of emails: paragraphs on
/// one line each (the email wraps them), `- ` lists, table rows as list items,
/// links as `text (url)`, code indented by four spaces.
pub fn to_text(source: &str) -> String {
    let options = markdown_options();
    let mut out = String::with_capacity(source.len());
    let mut line = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut link: Option<String> = None;
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
    for event in Parser::new_ext(source, options) {
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
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.take() {
                    line.push_str(&format!(" ({url})"));
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
mod text_tests {
    use super::to_text;

    #[test]
    fn reflows_paragraphs_and_flattens_tables_and_links() {
        let text = to_text(
            "First line\nsecond **line**.\n\n| Area | Change |\n| --- | --- |\n| DB | RLS on 42 tables |\n\n- one\n- [docs](https://x.example)\n",
        );
        assert_eq!(
            text,
            "First line second line.\n\n- DB: RLS on 42 tables\n\n- one\n- docs (https://x.example)\n"
        );
    }
}
