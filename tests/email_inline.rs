//! The email CSS is inlined into the templates once, when they are loaded
//! (`email::inline`), instead of into every rendered email. These tests build
//! every site of the repository both ways and compare every email preview as a
//! mail client reads it: each element's name, attributes, text, and style
//! declarations (as a set). The "old way" is a site that overrides
//! `emails/macros.html` with the macros as they were before (a class chosen
//! while rendering: `class="badge {% if ... %}go{% endif %}"`), which the
//! load-time pass cannot handle, so that site falls back to inlining each
//! rendered email, which is exactly what golive did before.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use common::Site;
use scraper::{ElementRef, Html, Node};

/// The macros with classes chosen while rendering, as golive had them.
const DYNAMIC_MACROS: &str = include_str!("fixtures/dynamic-class/macros.html");

/// What a mail client reads of one element.
#[derive(Debug, PartialEq)]
struct Seen {
    name: String,
    attributes: Vec<(String, String)>,
    style: BTreeSet<String>,
    text: String,
}

fn seen(html: &str) -> Vec<Seen> {
    let document = Html::parse_document(html);
    document
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .map(|e| {
            let mut attributes: Vec<(String, String)> = e
                .value()
                .attrs()
                .filter(|(k, _)| *k != "style")
                .map(|(k, v)| {
                    let v = if k == "class" {
                        v.split_whitespace().collect::<Vec<_>>().join(" ")
                    } else {
                        v.to_string()
                    };
                    (k.to_string(), v)
                })
                .collect();
            attributes.sort();
            let style = e
                .value()
                .attr("style")
                .unwrap_or_default()
                .split(';')
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty())
                .collect();
            let text = e
                .children()
                .filter_map(|n| match n.value() {
                    Node::Text(t) => Some(t.to_string()),
                    _ => None,
                })
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            Seen {
                name: e.value().name().to_string(),
                attributes,
                style,
                text,
            }
        })
        .collect()
}

/// Every email preview (`releases/<slug>/emails/<kind>.html`) of a built site.
fn previews(site: &Site) -> Vec<(String, String)> {
    let releases = site.path("public/releases");
    let mut out = Vec::new();
    for release in std::fs::read_dir(&releases).expect("releases") {
        let emails = release.expect("entry").path().join("emails");
        let Ok(files) = std::fs::read_dir(&emails) else {
            continue;
        };
        for file in files {
            let path = file.expect("entry").path();
            if path.extension().is_some_and(|e| e == "html") {
                let name = path.strip_prefix(&releases).unwrap().display().to_string();
                out.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn build(site: &Site) {
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
}

fn compare_both_ways(from: &Path) -> usize {
    let new = Site::copy_of_dir(from);
    let old = Site::copy_of_dir(from);
    old.write("emails/macros.html", DYNAMIC_MACROS);
    build(&new);
    build(&old);
    let new = previews(&new);
    let old = previews(&old);
    assert_eq!(
        new.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        old.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for ((name, new), (_, old)) in new.iter().zip(&old) {
        let (new, old) = (seen(new), seen(old));
        assert_eq!(new.len(), old.len(), "{name}: element count");
        for (n, o) in new.iter().zip(&old) {
            assert_eq!(n, o, "{name}");
        }
    }
    new.len()
}

#[test]
fn every_email_of_the_example_site_reads_the_same_as_inlined_after_rendering() {
    let count = compare_both_ways(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(count >= 8, "only {count} email previews");
}

#[test]
fn every_email_of_the_fixture_sites_reads_the_same_as_inlined_after_rendering() {
    let mut count = 0;
    for fixture in [
        "approvals",
        "basic",
        "calendar",
        "clock",
        "complete",
        "ics",
        "lifecycle",
        "mail",
        "runbooks",
        "verdicts",
    ] {
        count += compare_both_ways(&common::fixture(fixture));
    }
    assert!(count >= 20, "only {count} email previews");
}

/// The built-in templates are inlined when loaded; a site overriding a
/// template with a class chosen while rendering falls back, and says why.
#[test]
fn a_dynamic_class_in_a_site_template_falls_back_to_inlining_each_email() {
    let people = Arc::new(golive::config::people::People::default());
    let builtin = Site::copy_of("basic");
    let theme = golive::render::Theme::load(&builtin.root, people.clone()).expect("theme");
    assert_eq!(theme.email_inline_fallback, None);

    let site = Site::copy_of("basic");
    site.write("emails/macros.html", DYNAMIC_MACROS);
    let theme = golive::render::Theme::load(&site.root, people).expect("theme");
    let why = theme.email_inline_fallback.expect("a fallback");
    assert!(why.contains("emails/macros.html"), "{why}");
}

/// The Markdown of an email (made while rendering) gets the CSS too.
#[test]
fn markdown_in_an_email_is_styled() {
    let site = Site::copy_of("mail");
    build(&site);
    let (name, html) = previews(&site)
        .into_iter()
        .find(|(n, _)| n.ends_with("readiness.html"))
        .expect("a readiness preview");
    let document = Html::parse_document(&html);
    let selector = scraper::Selector::parse("td.content > p").unwrap();
    let paragraphs: Vec<_> = document.select(&selector).collect();
    assert!(!paragraphs.is_empty(), "{name}");
    for p in paragraphs {
        assert!(
            p.value()
                .attr("style")
                .is_some_and(|s| s.contains("margin")),
            "{name}: {}",
            p.html()
        );
    }
}
