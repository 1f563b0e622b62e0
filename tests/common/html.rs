//! Reading built pages with a real HTML parser (scraper), for the tests.

use scraper::{ElementRef, Html, Selector};

use super::Site;

pub fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

/// The visible text of an element, whitespace collapsed.
pub fn text(e: ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A page of the site, parsed.
pub fn page(site: &Site, relative: &str) -> Html {
    Html::parse_document(&site.read(relative))
}

/// The text of every element matching `css`.
pub fn texts(html: &Html, css: &str) -> Vec<String> {
    html.select(&sel(css)).map(text).collect()
}

/// The cell texts of each body row of the tables in `scope`.
pub fn rows(scope: ElementRef) -> Vec<Vec<String>> {
    scope
        .select(&sel("tbody tr"))
        .map(|tr| tr.select(&sel("td")).map(text).collect())
        .collect()
}

/// The `<section>` whose `h2` has id `id`.
pub fn section<'a>(html: &'a Html, id: &str) -> ElementRef<'a> {
    html.select(&sel("section"))
        .find(|s| s.select(&sel(&format!("h2#{id}"))).next().is_some())
        .unwrap_or_else(|| panic!("no section with h2#{id} in:\n{}", html.html()))
}
