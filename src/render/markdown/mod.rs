//! Markdown to safe HTML: pulldown-cmark renders, ammonia removes anything a
//! writer's Markdown could use to run script or load from another host.

mod text;

use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd, html};

use crate::content::runbook::{Heading, markdown_options, runbook_target};
pub use text::to_text;

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
    let events = with_heading_ids(Parser::new_ext(source, markdown_options()), headings);
    let events = decorate(events, headings.is_some(), runbook_prefix);
    let mut raw = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut raw, events);
    SANITIZER.clean(&raw).to_string()
}

/// Gives runbook headings the ids of `headings`, in the order `runbook::scan`
/// numbered them.
fn with_heading_ids<'a>(
    events: impl Iterator<Item = Event<'a>>,
    headings: Option<&[Heading]>,
) -> impl Iterator<Item = Event<'a>> {
    let mut ids = headings.into_iter().flatten().map(|h| h.id.clone());
    let runbook = headings.is_some();
    events.map(move |event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) if runbook => {
            let id = ids.next().map(CowStr::from).or(id);
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            })
        }
        other => other,
    })
}

/// What golive adds to pulldown-cmark's rendering: anchors after runbook
/// headings (`anchors`), runbook links pointing at built pages, named task-list
/// boxes and footnote ids of their own.
fn decorate<'a>(
    events: impl Iterator<Item = Event<'a>>,
    anchors: bool,
    runbook_prefix: &str,
) -> impl Iterator<Item = Event<'a>> {
    let mut current_id: Option<String> = None;
    events.flat_map(move |event| {
        let mut out = Vec::with_capacity(2);
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                if anchors {
                    current_id = id.as_ref().map(|i| i.to_string());
                }
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
    })
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
