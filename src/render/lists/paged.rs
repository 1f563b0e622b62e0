//! The lists that hold every release, a page of [`PAGE_ROWS`](super::PAGE_ROWS)
//! rows at a time: a page per product (`products/<product>.html`, then
//! `products/<product>/2.html`…, newest go-live first) with their index
//! `products/index.html`, and the archive by go-live month in the site's zone
//! (`archive/<YYYY-MM>.html`, then `archive/<YYYY-MM>/2.html`…, in go-live
//! order) with its index `archive/index.html`. Rows are the releases' cached
//! dashboard rows; a release sorts by go-live and then by slug, so pages
//! change only when a release on them (or before them) comes, goes or moves.

use std::collections::BTreeMap;

use chrono::{Datelike, TimeZone, Utc};
use serde::Serialize;

use super::super::calendar::{month_key, month_title};
use super::super::pages::{Listed, page_context};
use super::super::{OutputFile, Theme};
use super::{paginate, product_slug, rebase};
use crate::config::site::SiteConfig;
use crate::diagnostic::Diagnostic;

/// A product or a month on its index page.
#[derive(Serialize)]
struct Group<'a> {
    name: String,
    href: String,
    releases: usize,
    /// The product's newest release (products only).
    latest: Option<&'a str>,
}

/// Renders the pages of one list (`rows` in order) and returns them.
#[allow(clippy::too_many_arguments)]
fn list_pages(
    theme: &Theme,
    site: &SiteConfig,
    page: &str,
    heading: &str,
    intro: &str,
    rows: &[&Listed],
    first: &str,
    more: impl Fn(usize) -> String,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let mut files = Vec::new();
    for (path, root, pager, range) in paginate(rows.len(), first, more) {
        let joined: String = rows[range]
            .iter()
            .map(|r| rebase(&r.rows.dashboard, &root))
            .collect();
        let mut context = page_context(site, &root, page);
        context.insert("heading", heading);
        context.insert("intro", intro);
        context.insert("rows", &joined);
        context.insert("pager", &pager);
        files.push(OutputFile {
            path,
            bytes: theme.render("release_list.html", &context)?.into_bytes(),
        });
    }
    Ok(files)
}

fn index_page(
    theme: &Theme,
    site: &SiteConfig,
    page: &str,
    groups: &[Group],
) -> Result<OutputFile, Diagnostic> {
    let mut context = page_context(site, "../", page);
    context.insert("groups", groups);
    Ok(OutputFile {
        path: format!("{page}/index.html").into(),
        bytes: theme
            .render(&format!("{page}_index.html"), &context)?
            .into_bytes(),
    })
}

/// `products/`: a page per product, newest go-live first, and the index.
pub fn product_pages(
    theme: &Theme,
    site: &SiteConfig,
    releases: &[Listed],
) -> Result<Vec<OutputFile>, Diagnostic> {
    let mut by: BTreeMap<String, (String, Vec<&Listed>)> = BTreeMap::new();
    for r in releases {
        by.entry(product_slug(&r.summary.product))
            .or_insert_with(|| (r.summary.product.clone(), Vec::new()))
            .1
            .push(r);
    }
    let mut files = Vec::new();
    let mut groups = Vec::new();
    for (slug, (name, mut rows)) in by {
        rows.sort_by(|a, b| {
            (b.summary.target.unix, &a.summary.slug).cmp(&(a.summary.target.unix, &b.summary.slug))
        });
        files.extend(list_pages(
            theme,
            site,
            "products",
            &name,
            "Every release of the product, newest go-live first.",
            &rows,
            &format!("products/{slug}.html"),
            |n| format!("products/{slug}/{n}.html"),
        )?);
        groups.push(Group {
            href: format!("{slug}.html"),
            releases: rows.len(),
            latest: rows.first().map(|r| r.summary.version.as_str()),
            name,
        });
    }
    groups.sort_by_key(|g| g.name.to_lowercase());
    files.push(index_page(theme, site, "products", &groups)?);
    Ok(files)
}

/// `archive/`: a page per go-live month (in the site's zone) in go-live
/// order, and the index of months, newest first.
pub fn archive_pages(
    theme: &Theme,
    site: &SiteConfig,
    releases: &[Listed],
) -> Result<Vec<OutputFile>, Diagnostic> {
    let zone = site.timezone.0;
    let mut by: BTreeMap<(i32, u32), Vec<&Listed>> = BTreeMap::new();
    for r in releases {
        let Some(at) = Utc.timestamp_opt(r.summary.target.unix, 0).single() else {
            continue;
        };
        let at = at.with_timezone(&zone);
        by.entry((at.year(), at.month())).or_default().push(r);
    }
    let mut files = Vec::new();
    let mut groups = Vec::new();
    for ((year, month), mut rows) in by.into_iter().rev() {
        rows.sort_by(|a, b| {
            (a.summary.target.unix, &a.summary.slug).cmp(&(b.summary.target.unix, &b.summary.slug))
        });
        let key = month_key((year, month));
        let name = month_title((year, month));
        files.extend(list_pages(
            theme,
            site,
            "archive",
            &format!("Releases going live in {name}"),
            &format!("In go-live order, in {} time.", zone.name()),
            &rows,
            &format!("archive/{key}.html"),
            |n| format!("archive/{key}/{n}.html"),
        )?);
        groups.push(Group {
            name,
            href: format!("{key}.html"),
            releases: rows.len(),
            latest: None,
        });
    }
    files.push(index_page(theme, site, "archive", &groups)?);
    Ok(files)
}
