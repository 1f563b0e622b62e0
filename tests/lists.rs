//! The pages that list releases stay small whatever the number of releases:
//! the dashboard shows what is in flight, upcoming and recently changed (each
//! capped), product pages and the archive by month hold every release a page
//! of 100 rows at a time, runbook pages show the uses nearest now and link to
//! the full list, and one edit rewrites only the pages that show the release.
//! Read back by visible text with an HTML parser, on a generated site of 300
//! releases of one product built at a fixed clock.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use common::Site;
use common::calendar::{self, TEAM_A, TEAM_B};
use common::html::{page, sel, text};
use scraper::Html;

/// The build's clock: Tuesday 15 September 2026, noon UTC.
const NOW: &str = "2026-09-15 12:00";
const RELEASES: usize = 300;

/// The weekdays from Monday 5 January 2026, one release each: `Shop 1.0.<i>`
/// on the i-th, at 10:00 UTC, all linking to the `db-errors` runbook.
fn days() -> Vec<NaiveDate> {
    let mut day = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let mut out = Vec::new();
    while out.len() < RELEASES {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            out.push(day);
        }
        day += Duration::days(1);
    }
    out
}

fn slug(i: usize) -> String {
    format!("shop-1.0.{i}")
}

fn release(i: usize, day: NaiveDate, extra: &str) -> String {
    // Alternate teams so that neighbouring releases do not collide on people.
    let team = if i.is_multiple_of(2) { TEAM_A } else { TEAM_B };
    calendar::release(
        "Shop",
        &format!("1.0.{i}"),
        &format!("{day}T10:00:00Z"),
        "1h",
        team,
        &format!("runbooks: [db-errors]\n{extra}"),
    )
}

/// The generated site, built at `NOW`; release 0 is in progress.
fn built() -> Site {
    let site = calendar::site();
    for (i, day) in days().into_iter().enumerate() {
        let extra = if i == 0 {
            "deployment: {status: in-progress}"
        } else {
            ""
        };
        site.write(&calendar::file(&slug(i)), release(i, day, extra));
    }
    build(&site);
    site
}

fn build(site: &Site) {
    let out = site.run(&["--now", NOW, "build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
}

/// The output's files below `dir` (relative to `public/`), sorted.
fn files_under(site: &Site, dir: &str) -> Vec<PathBuf> {
    let public = site.path("public");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(public.join(dir))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(&public).unwrap().to_path_buf())
        .collect();
    files.sort();
    files
}

/// The releases a list page shows, by the text of each row's link.
fn listed(site: &Site, relative: &Path) -> Vec<String> {
    let html = page(site, &format!("public/{}", relative.display()));
    html.select(&sel("tbody tr td[data-label=Release] > a"))
        .map(text)
        .collect()
}

fn name(i: usize) -> String {
    format!("Shop 1.0.{i}")
}

/// The release names of a dashboard section.
fn section(html: &Html, id: &str) -> Vec<String> {
    common::html::section(html, id)
        .select(&sel("tbody tr td[data-label=Release] > a"))
        .map(text)
        .collect()
}

#[test]
fn lists_are_paged_bounded_and_hold_every_release_once() {
    let site = built();
    let days = days();
    let now = NaiveDate::from_ymd_opt(2026, 9, 15).unwrap();

    // Every list page is small, whatever the number of releases.
    let mut lists = vec![PathBuf::from("index.html"), PathBuf::from("calendar.html")];
    for dir in ["products", "archive", "calendar", "runbooks"] {
        lists.extend(files_under(&site, dir));
    }
    for file in &lists {
        let size = std::fs::metadata(site.path("public").join(file))
            .unwrap()
            .len();
        assert!(size < 200_000, "{} is {size} bytes", file.display());
    }

    // The product's pages: newest go-live first, 100 a page, each release once.
    let product: Vec<PathBuf> = [
        "products/shop.html",
        "products/shop/2.html",
        "products/shop/3.html",
    ]
    .into_iter()
    .map(PathBuf::from)
    .collect();
    assert_eq!(
        files_under(&site, "products"),
        [
            "products/index.html",
            "products/shop/2.html",
            "products/shop/3.html",
            "products/shop.html"
        ]
        .map(PathBuf::from)
    );
    let all: Vec<String> = product.iter().flat_map(|p| listed(&site, p)).collect();
    let newest_first: Vec<String> = (0..RELEASES).rev().map(name).collect();
    assert_eq!(all, newest_first);
    let first = page(&site, "public/products/shop.html");
    let pager: Vec<String> = first
        .select(&sel("nav.pager"))
        .next()
        .map(text)
        .into_iter()
        .collect();
    assert!(
        pager[0].starts_with("Page 1 of 3: rows 1 to 100 of 300."),
        "{pager:?}"
    );
    let next = first
        .select(&sel("nav.pager a[rel=next]"))
        .next()
        .and_then(|a| a.value().attr("href"));
    assert_eq!(next, Some("../products/shop/2.html"));
    // Rows on a deeper page link back up to the release.
    let deep = page(&site, "public/products/shop/3.html");
    let link = deep
        .select(&sel("td[data-label=Release] > a"))
        .next()
        .and_then(|a| a.value().attr("href"));
    assert_eq!(link, Some("../../releases/shop-1.0.99/index.html"));
    let index = page(&site, "public/products/index.html");
    let rows = common::html::rows(index.root_element());
    assert_eq!(rows, [["Shop", "300", "1.0.299"]]);

    // The archive: a page per go-live month, each release once in all.
    let mut by_month: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, day) in days.iter().enumerate() {
        by_month
            .entry(day.format("%Y-%m").to_string())
            .or_default()
            .push(name(i));
    }
    let mut archived = Vec::new();
    for (month, expected) in &by_month {
        let shown = listed(&site, Path::new(&format!("archive/{month}.html")));
        assert_eq!(&shown, expected, "{month}");
        archived.extend(shown);
    }
    assert_eq!(archived.len(), RELEASES);
    let archive = page(&site, "public/archive/index.html");
    let months: Vec<Vec<String>> = common::html::rows(archive.root_element());
    assert_eq!(months.len(), by_month.len());
    let february = by_month["2027-02"].len().to_string();
    assert_eq!(months[0], ["February 2027", february.as_str()]);

    // The dashboard: counts of all, then the sections by the rule.
    let dashboard = page(&site, "public/index.html");
    let stats = text(dashboard.select(&sel("ul.stats")).next().unwrap());
    assert!(stats.starts_with("300 releases"), "{stats}");
    let today = days.iter().position(|d| *d == now).unwrap();
    assert_eq!(section(&dashboard, "in-flight"), [name(0), name(today)]);
    let upcoming: Vec<String> = (today + 1..today + 51).map(name).collect();
    assert_eq!(section(&dashboard, "upcoming"), upcoming);
    let more = text(
        common::html::section(&dashboard, "upcoming")
            .select(&sel("p.more"))
            .next()
            .unwrap(),
    );
    let later = RELEASES - today - 1 - 50;
    assert!(more.starts_with(&format!("{later} more")), "{more}");
    let fortnight = now - Duration::days(14);
    let recent: Vec<String> = (1..today)
        .rev()
        .filter(|i| days[*i] > fortnight)
        .map(name)
        .collect();
    // 2 to 14 September: the 1st went live at 10:00, before 14 days ago at noon.
    assert_eq!(recent.len(), 9);
    assert_eq!(section(&dashboard, "recent"), recent);
    // The header leads to the products and the archive, and keeps the search box.
    let tabs: Vec<String> = dashboard
        .select(&sel("nav[aria-label=Site] a"))
        .map(text)
        .collect();
    assert_eq!(
        tabs,
        ["Dashboard", "Products", "Archive", "Runbooks", "Calendar"]
    );
    assert!(
        dashboard
            .select(&sel("form.site-search input[name=q]"))
            .next()
            .is_some()
    );

    // The runbook's page: the 20 uses nearest now, then a link to them all.
    let runbook = page(&site, "public/runbooks/db-errors.html");
    let used = common::html::section(&runbook, "golive-used-by");
    let shown: Vec<String> = used.select(&sel("li a")).map(text).collect();
    let nearest: Vec<String> = (today - 9..today + 11).rev().map(name).collect();
    assert_eq!(shown, nearest);
    let all_link = used
        .select(&sel("p a"))
        .find(|a| text(*a).starts_with("All 300 releases"))
        .and_then(|a| a.value().attr("href"))
        .unwrap();
    assert_eq!(all_link, "db-errors/uses.html");
    let uses: Vec<String> = ["uses.html", "uses-2.html", "uses-3.html"]
        .iter()
        .flat_map(|p| {
            page(&site, &format!("public/runbooks/db-errors/{p}"))
                .select(&sel("main ul li a"))
                .map(text)
                .filter(|t| t.starts_with("Shop"))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(uses, newest_first);
}

#[test]
fn one_title_edit_rewrites_only_the_pages_that_show_the_release() {
    let site = built();
    let before = site.snapshot("public");
    // Release 10 goes live in January: on the product's last page and in the
    // archive's January, on no dashboard section.
    let day = days()[10];
    site.write(
        &calendar::file(&slug(10)),
        release(10, day, "title: A new title"),
    );
    build(&site);
    let after = site.snapshot("public");
    let changed: Vec<String> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes) && bytes.is_some())
        .map(|(path, _)| path.display().to_string())
        .filter(|p| !p.starts_with("search/") && !p.starts_with('.'))
        .filter(|p| !p.starts_with("releases/shop-1.0.10/"))
        .collect();
    assert_eq!(changed, ["archive/2026-01.html", "products/shop/3.html"]);
    let row = listed(&site, Path::new("products/shop/3.html"));
    assert!(row.contains(&name(10)));
    let html = page(&site, "public/products/shop/3.html");
    assert!(text(html.root_element()).contains("A new title"));
}
