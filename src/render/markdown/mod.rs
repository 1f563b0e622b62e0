//! Markdown to safe HTML: pulldown-cmark renders, ammonia removes anything a
//! writer's Markdown could use to run script or load from another host.
//!
//! Whatever the input, the result nests at most [`MAX_DEPTH`] elements deep and
//! takes time linear in its size: [`nesting`] flattens deeper Markdown and
//! raw HTML before the sanitiser parses it, [`long_values`] keeps text runs and
//! attribute values short enough for its serialiser, and [`depth`] enforces
//! the bound on what the sanitiser returns.

mod depth;
mod links;
mod long_values;
pub mod memo;
mod nesting;
mod raw_html;
mod text;

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd, html};

use crate::content::runbook::{Heading, markdown_options, runbook_target};
pub use links::Base;
use long_values::MAX_ATTRIBUTE;
pub use nesting::MAX_DEPTH;
use nesting::Nesting;
pub use text::to_text;

/// Built once per process: the sanitiser's tables are the same for every page.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(sanitizer);

/// The tags raw HTML may use: those the sanitiser keeps. Others are dropped
/// before parsing (see [`raw_html`]).
static RAW_HTML_TAGS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| SANITIZER.clone_tags());

/// Renders `source` as sanitised HTML. Relative links, in Markdown or raw
/// HTML, are relative to the site root and point there from `base` (see
/// [`links`]); links to runbooks by source name (`db-errors.md#fix`) point at
/// the built page `runbooks/db-errors.html#fix`.
pub fn to_html(source: &str, base: &Base) -> String {
    render(source, None, base)
}

/// Renders a runbook body, a page one folder below the root
/// (`runbooks/<name>.html`): headings get the ids of `headings` (from
/// `runbook::scan`, so links checked at load time land) and an anchor link.
pub fn runbook_to_html(body: &str, headings: &[Heading]) -> String {
    render(body, Some(headings), &Base::page_in("../", "runbooks/"))
}

/// Renders runbook `name`'s body as a section of a release's war-room pack
/// (`warroom.html`) that holds the runbooks `packed`: its ids are prefixed
/// (`rb-<name>--symptoms`) so that several runbooks share one file, and its
/// links stay in the file where they can (see [`Base::pack`]).
pub fn runbook_in_pack(
    body: &str,
    headings: &[Heading],
    name: &str,
    packed: &[String],
    base_url: Option<&str>,
) -> String {
    render(body, Some(headings), &Base::pack(name, packed, base_url))
}

fn render(source: &str, headings: Option<&[Heading]>, base: &Base) -> String {
    let events = with_heading_ids(Parser::new_ext(source, markdown_options()), headings);
    let events = Nesting::new(events, &RAW_HTML_TAGS);
    let events = decorate(events, headings.is_some());
    let events = long_values::limit(events);
    let mut raw = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut raw, events);
    let prefix = base.id_prefix();
    let clean = sanitizer_for(base, prefix.as_deref())
        .clean(&raw)
        .to_string();
    depth::flatten_below(&clean, MAX_DEPTH)
}

/// The sanitiser, resolving relative addresses from `base`: one that cannot
/// point anywhere (`Base::Nowhere`) loses its `href`, leaving the link's text.
/// In a war-room pack, every id gets the runbook's `prefix` (`Base::id_prefix`).
fn sanitizer_for<'a>(base: &Base, prefix: Option<&'a str>) -> ammonia::Builder<'a> {
    struct Resolve(Base);
    impl<'a> ammonia::UrlRelativeEvaluate<'a> for Resolve {
        fn evaluate<'url>(&self, url: &'url str) -> Option<Cow<'url, str>> {
            self.0.resolve(url).map(Cow::Owned)
        }
    }
    let mut b = sanitizer();
    b.id_prefix(prefix);
    b.url_relative(ammonia::UrlRelative::Custom(Box::new(Resolve(
        base.clone(),
    ))));
    b
}

/// Gives runbook headings the ids of `headings`. Done before nesting is
/// bounded, so the ids follow every heading in the order `runbook::scan`
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
/// headings (`anchors`), runbook links pointing at built pages (relative to
/// the site root, like every relative link), named task-list boxes and
/// footnote ids of their own.
fn decorate<'a>(
    events: impl Iterator<Item = Event<'a>>,
    anchors: bool,
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
                // A heading whose id is too long keeps no id (see `long_values`).
                if let Some(id) = current_id.take().filter(|id| id.len() <= MAX_ATTRIBUTE) {
                    let id = super::escape_html(&id);
                    let anchor = format!(" <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>");
                    out.push(Event::InlineHtml(anchor.into()));
                }
                out.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest_url = match runbook_page(&dest_url) {
                    Some(page) => CowStr::from(page),
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

/// `db-errors.md#fix` -> `runbooks/db-errors.html#fix`, from the site root.
pub(crate) fn runbook_page(dest: &str) -> Option<String> {
    runbook_target(dest).map(|(name, anchor)| {
        let anchor = anchor.map(|a| format!("#{a}")).unwrap_or_default();
        format!("runbooks/{name}.html{anchor}")
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

fn sanitizer<'a>() -> ammonia::Builder<'a> {
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
pub(super) mod tests {
    use super::*;

    #[test]
    fn renders_markdown_and_strips_script() {
        let html = to_html(
            "**bold** <script>alert(1)</script> [x](javascript:alert(1))\n\n- [x] done\n",
            &Base::page(""),
        );
        assert!(html.contains("<strong>bold</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
        assert!(html.contains("checkbox"));
    }

    #[test]
    fn relative_links_resolve_from_the_site_root_in_markdown_and_raw_html() {
        let source = "[runbook](../../runbooks/x.html), [fix](db-errors.md#fix), <a href=\"releases/a/index.html\">raw</a>, [out](https://x.example/) and [top](#top).\n";
        let page = to_html(source, &Base::page("../../"));
        for href in [
            "href=\"../../runbooks/x.html\"",
            "href=\"../../runbooks/db-errors.html#fix\"",
            "href=\"../../releases/a/index.html\"",
            "href=\"https://x.example/\"",
            "href=\"#top\"",
        ] {
            assert!(page.contains(href), "{href} in {page}");
        }
        let mail = to_html(source, &Base::email(Some("https://hub.example")));
        for href in [
            "href=\"https://hub.example/runbooks/x.html\"",
            "href=\"https://hub.example/runbooks/db-errors.html#fix\"",
            "href=\"https://hub.example/releases/a/index.html\"",
        ] {
            assert!(mail.contains(href), "{href} in {mail}");
        }
        assert!(mail.contains("<a>top</a>"), "{mail}");
        let plain = to_html(source, &Base::Nowhere);
        assert_eq!(plain.matches("href=").count(), 1, "{plain}");
        assert!(plain.contains("<a>runbook</a>"), "{plain}");
    }

    /// The pipeline without any bound on nesting, as golive rendered before.
    fn unbounded(source: &str, headings: Option<&[Heading]>, base: &Base) -> String {
        let events = with_heading_ids(Parser::new_ext(source, markdown_options()), headings);
        let mut raw = String::new();
        html::push_html(&mut raw, decorate(events, headings.is_some()));
        sanitizer_for(base, None).clean(&raw).to_string()
    }

    /// Documents as writers write them, raw HTML included, with long
    /// paragraphs, code and addresses.
    pub(super) fn normal_documents() -> Vec<String> {
        let sentence = "R&D and QA sign off at 09:00 — © Northwind, 5 µs < 1 ms & so on. ";
        let mut documents: Vec<String> = NORMAL.iter().map(|s| s.to_string()).collect();
        documents.push(sentence.repeat(60));
        documents.push(format!(
            "<div>\n{}\n</div>\n\n{}",
            sentence.repeat(40),
            sentence.repeat(3)
        ));
        documents.push(format!(
            "`{}` and\n\n```\n{}\n```\n",
            sentence.repeat(30),
            sentence.repeat(30)
        ));
        let address = format!("https://grafana.example/d/x?{}", "var-a=1&".repeat(400));
        documents.push(format!(
            "[dashboard]({address} \"{}\")\n",
            sentence.repeat(10)
        ));
        // Raw HTML with the end tags HTML lets writers leave out, longer than the bound.
        documents.push(format!("<ul>\n{}</ul>\n", "<li>item\n".repeat(40)));
        documents.push(format!(
            "<table>\n{}</table>\n",
            "<tr><td>a<td>b\n".repeat(40)
        ));
        documents.push("<p>para\n".repeat(40));
        documents
    }

    const NORMAL: &[&str] = &[
        "Row-level security, **Redis sessions** and _audit_ triggers.\n\n| Area | Change |\n| --- | :-: |\n| DB | `RLS` on 42 tables |\n",
        "- one\n  - two\n    - three\n      1. four\n         - five\n           - six\n             - seven\n               - eight\n",
        "> quoted\n> > twice\n> > > three times, with a [link](https://x.example \"t\") and ![img](x.png)\n",
        "<details>\n<summary>More</summary>\n\nHidden *text* here.\n\n</details>\n\nAfter.\n",
        "<div align=\"center\">\n<b>Bold</b> &amp; <i>italic</i><br>\n<kbd>Ctrl</kbd>+<kbd>C</kbd>, H<sub>2</sub>O, x<sup>2</sup>\n</div>\n",
        "Inline <span class=\"x\">span</span>, <!-- a comment --> <abbr title=\"Go/No-go\">GNG</abbr> and <a href=\"https://x.example/?a=1&b=2\">a link</a>.\n",
        "<p>a raw paragraph\n<p>and another\n\n<ul><li>raw item<li>second</ul>\n",
        "<table><tr><td>raw</td><td>table</td></tr></table>\n\n* [x] done\n* [ ] not done\n",
        "Footnote[^1] and entity &copy; &#169; &#xA9; &nbsp;.\n\n[^1]: The note, *emphasised*.\n",
        "```rust\nfn main() { println!(\"<b>\"); }\n```\n\n    indented code\n\n---\n\n~~gone~~ and a [runbook](db-errors.md#fix).\n",
        "<script>alert(1)</script> <img src=x onerror=alert(1)> <iframe src=\"https://evil.example\"></iframe> [x](javascript:alert(1))\n",
    ];

    #[test]
    fn normal_documents_render_exactly_as_without_the_bound() {
        for source in normal_documents() {
            assert_eq!(
                render(&source, None, &Base::page("../../")),
                unbounded(&source, None, &Base::page("../../")),
                "{source}"
            );
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for folder in [
            "content/runbooks",
            "tests/fixtures/runbooks/content/runbooks",
        ] {
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                let (headings, _) = crate::content::runbook::scan(&text, 1);
                assert_eq!(
                    render(&text, Some(&headings), &Base::page_in("../", "runbooks/")),
                    unbounded(&text, Some(&headings), &Base::page_in("../", "runbooks/")),
                    "{}",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn a_heading_anchor_matches_its_id_whatever_the_id_holds() {
        let body = "## Title {#a\"b&c}\n";
        let (headings, _) = crate::content::runbook::scan(body, 1);
        let html = runbook_to_html(body, &headings);
        assert!(html.contains("<h2 id=\"a&quot;b&amp;c\">"), "{html}");
        assert!(html.contains("href=\"#a&quot;b&amp;c\""), "{html}");
        let long = format!("## Title {{#{}}}\n", "a&".repeat(MAX_ATTRIBUTE));
        let (headings, _) = crate::content::runbook::scan(&long, 1);
        assert_eq!(runbook_to_html(&long, &headings), "<h2>Title</h2>\n");
    }

    /// The one deliberate change for documents within the bound: raw HTML left
    /// open ends with the Markdown block it is in, where the parser used to
    /// reopen a formatting tag around everything that followed.
    #[test]
    fn an_unclosed_raw_tag_ends_with_its_block() {
        let source = "Text with <b>unclosed bold\n\nnext paragraph\n";
        assert_eq!(
            unbounded(source, None, &Base::page("")),
            "<p>Text with <b>unclosed bold</b></p><b>\n<p>next paragraph</p>\n</b>"
        );
        assert_eq!(
            to_html(source, &Base::page("")),
            "<p>Text with <b>unclosed bold</b></p>\n<p>next paragraph</p>\n"
        );
    }
}
