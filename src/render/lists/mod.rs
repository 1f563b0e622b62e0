//! The pages that list releases, each bounded in size whatever the number of
//! releases: the dashboard (what a reader needs now, `dashboard`), a page per
//! product and an archive by go-live month (`paged`), and the runbook pages
//! with their full lists of uses (`runbooks`). Every list is joined from the
//! rows each release rendered once (`Rows`, kept in the build cache) and cut
//! into pages of [`PAGE_ROWS`]; nothing on a page depends on releases it does
//! not list, so an edit rewrites only the pages that show the edited release
//! (and the counts that change).

pub mod dashboard;
pub mod paged;
pub mod runbooks;

use std::path::PathBuf;

use serde::Serialize;

/// Rows on one page of a long list: at about 1.5 KB a dashboard row, a page
/// stays well under 200 KB.
pub const PAGE_ROWS: usize = 100;

/// A cached row's links are relative to the output folder (`releases/…`);
/// this makes them relative to a page `root` (`../`) below it. Only the
/// row's own links start with `href="releases/`: anything a writer typed into
/// a row (a title) is escaped, so never matches.
pub fn rebase(row: &str, root: &str) -> String {
    if root.is_empty() {
        return row.to_string();
    }
    row.replace("href=\"releases/", &format!("href=\"{root}releases/"))
}

/// The link from one page of a list to another, and what it says.
#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    /// 1-based.
    pub number: usize,
    /// Relative to the page that links.
    pub href: String,
}

/// Where each page of a paged list is and how its pages link to each other.
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    pub number: usize,
    pub pages: usize,
    /// The rows this page shows, 1-based, and of how many.
    pub first: usize,
    pub last: usize,
    pub total: usize,
    pub prev: Option<PageLink>,
    pub next: Option<PageLink>,
    /// Every page, when there is more than one (a list of 10,000 rows has 100).
    pub all: Vec<PageLink>,
}

/// The pages of a list of `total` rows: page 1 at `first` (`products/shop.html`)
/// and page n at `more(n)` (`products/shop/2.html`), each with the prefix
/// that leads back to the output folder. Returns (path, root, pager, range).
pub fn paginate(
    total: usize,
    first: &str,
    more: impl Fn(usize) -> String,
) -> Vec<(PathBuf, String, Pager, std::ops::Range<usize>)> {
    let pages = total.div_ceil(PAGE_ROWS).max(1);
    let path = |n: usize| if n == 1 { first.to_string() } else { more(n) };
    let root_of = |p: &str| "../".repeat(p.matches('/').count());
    (1..=pages)
        .map(|n| {
            let here = path(n);
            let root = root_of(&here);
            let link = |m: usize| PageLink {
                number: m,
                href: format!("{root}{}", path(m)),
            };
            let range = (n - 1) * PAGE_ROWS..(n * PAGE_ROWS).min(total);
            let pager = Pager {
                number: n,
                pages,
                first: range.start + 1,
                last: range.end,
                total,
                prev: (n > 1).then(|| link(n - 1)),
                next: (n < pages).then(|| link(n + 1)),
                all: if pages > 1 {
                    (1..=pages).map(link).collect()
                } else {
                    Vec::new()
                },
            };
            (PathBuf::from(&here), root, pager, range)
        })
        .collect()
}

/// Whether `path` (below the output folder) is a page of a list whose pages
/// come and go with the releases: a product's, an archive month's, a calendar
/// month's, or a runbook's list of uses.
pub fn is_list_page(path: &std::path::Path) -> bool {
    let parts: Vec<_> = path.components().collect();
    match parts.first().and_then(|c| c.as_os_str().to_str()) {
        Some("products" | "archive" | "calendar") => true,
        Some("runbooks") => parts.len() == 3,
        _ => false,
    }
}

/// A product's name as a file name: `content::slugify` (`Adventure Works
/// Shop` → `adventure-works-shop`), or `product` when nothing is left of it.
pub fn product_slug(product: &str) -> String {
    let slug = crate::content::slugify(product);
    if slug.is_empty() {
        "product".to_string()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_link_to_each_other_relative_to_where_they_are() {
        let pages = paginate(250, "products/shop.html", |n| {
            format!("products/shop/{n}.html")
        });
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[0].1, "../");
        assert_eq!(pages[1].1, "../../");
        assert_eq!(
            pages[0].2.next.as_ref().unwrap().href,
            "../products/shop/2.html"
        );
        assert_eq!(
            pages[2].2.prev.as_ref().unwrap().href,
            "../../products/shop/2.html"
        );
        assert_eq!(pages[2].3, 200..250);
        assert_eq!(paginate(0, "a.html", |n| format!("a{n}.html")).len(), 1);
    }

    #[test]
    fn rows_rebase_only_their_own_links() {
        let row = r#"<a href="releases/a/index.html">a</a> href=&quot;releases&#x2F;"#;
        assert_eq!(
            rebase(row, "../"),
            r#"<a href="../releases/a/index.html">a</a> href=&quot;releases&#x2F;"#
        );
    }

    #[test]
    fn product_slugs() {
        assert_eq!(
            product_slug("Adventure Works  Shop!"),
            "adventure-works-shop"
        );
        assert_eq!(product_slug("***"), "product");
    }
}
