//! Every internal link and `#anchor` in a built site resolves: to a file that
//! exists and, for an anchor, to an element with that id in it.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use common::Site;
use scraper::{Html, Selector};

/// Ids of every element of an HTML file, cached.
struct Ids(HashMap<PathBuf, HashSet<String>>);

impl Ids {
    fn of(&mut self, file: &Path) -> &HashSet<String> {
        self.0.entry(file.to_path_buf()).or_insert_with(|| {
            let html = Html::parse_document(&std::fs::read_to_string(file).unwrap());
            let any = Selector::parse("[id]").unwrap();
            html.select(&any)
                .filter_map(|e| e.value().attr("id"))
                .map(str::to_string)
                .collect()
        })
    }
}

/// Problems with the internal links of the site built in `out`.
fn broken_links(out: &Path) -> (usize, Vec<String>) {
    let mut ids = Ids(HashMap::new());
    let mut problems = Vec::new();
    let mut checked = 0;
    let links = Selector::parse("a[href], link[href], img[src], script[src]").unwrap();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        let page = entry.path();
        if page.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = Html::parse_document(&std::fs::read_to_string(page).unwrap());
        for element in html.select(&links) {
            let url = element
                .value()
                .attr("href")
                .or(element.value().attr("src"))
                .unwrap();
            if url.contains(':') {
                continue; // http, https, mailto, tel: not ours to check offline.
            }
            checked += 1;
            let (file, anchor) = match url.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (url, None),
            };
            let target = if file.is_empty() {
                page.to_path_buf()
            } else {
                page.parent().unwrap().join(file)
            };
            let shown = page.strip_prefix(out).unwrap().display();
            if !target.is_file() {
                problems.push(format!("{shown}: link to missing file {url}"));
                continue;
            }
            if let Some(anchor) = anchor.filter(|a| !a.is_empty())
                && target.extension().is_some_and(|e| e == "html")
                && !ids.of(&target).contains(anchor)
            {
                problems.push(format!("{shown}: link to missing anchor {url}"));
            }
        }
    }
    (checked, problems)
}

fn assert_links_resolve(site: Site) {
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let (checked, problems) = broken_links(&site.path("public"));
    assert!(checked > 20, "only {checked} links checked");
    assert!(
        problems.is_empty(),
        "{} broken links:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_internal_link_of_the_example_site_resolves() {
    assert_links_resolve(Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR"))));
}

#[test]
fn every_internal_link_of_the_fixture_sites_resolves() {
    for fixture in ["basic", "verdicts", "mail"] {
        assert_links_resolve(Site::copy_of(fixture));
    }
}

#[test]
fn the_checker_finds_a_broken_link() {
    let site = Site::copy_of("verdicts");
    assert_eq!(site.run(&["build"]).code, Some(0));
    let page = site.path("public/index.html");
    let html = std::fs::read_to_string(&page).unwrap().replace(
        "</main>",
        "<a href=\"nowhere.html\">x</a><a href=\"#no-such-id\">y</a></main>",
    );
    std::fs::write(&page, html).unwrap();
    let (_, problems) = broken_links(&site.path("public"));
    assert_eq!(
        problems,
        [
            "index.html: link to missing file nowhere.html",
            "index.html: link to missing anchor #no-such-id"
        ]
    );
}
