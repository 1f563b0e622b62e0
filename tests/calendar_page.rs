//! `calendar.html` (this month and the next two) and the month pages
//! `calendar/<YYYY-MM>.html`: every release's deployment window on the day it
//! falls on in the site's zone, read back by visible text with an HTML parser.
//! (Collisions are rendered from hand-made summaries in the unit tests of
//! `render::calendar`.)

mod common;

use common::Site;
use common::html::{page, sel, text, texts};
use scraper::Html;

/// The fixture site built with the clock at `now`.
fn built(name: &str, now: &str) -> (Site, Html) {
    let site = Site::copy_of(name);
    let out = site.run(&["--now", now, "build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let html = page(&site, "public/calendar.html");
    (site, html)
}

fn calendar() -> Html {
    built("calendar", "2026-12-10 12:00").1
}

/// The visible text of the grid's cell for `date` (`2026-12-04`).
fn cell(html: &Html, date: &str) -> String {
    html.select(&sel(&format!("td[data-date=\"{date}\"]")))
        .next()
        .map(text)
        .unwrap_or_else(|| panic!("no cell for {date} in:\n{}", html.html()))
}

/// The release entries of the grid's cell for `date`.
fn entries(html: &Html, date: &str) -> Vec<String> {
    texts(html, &format!("td[data-date=\"{date}\"] .cal-entry"))
}

/// The phone list's day headings of a month.
fn agenda(html: &Html, month: &str) -> Vec<String> {
    let section = html
        .select(&sel("section.cal-month"))
        .find(|s| s.select(&sel(&format!("h2#{month}"))).next().is_some())
        .unwrap_or_else(|| panic!("no month {month}"));
    section.select(&sel(".cal-agenda h3")).map(text).collect()
}

#[test]
fn the_example_sites_releases_are_on_their_days() {
    let site = Site::copy_of_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    let out = site.run(&["--now", "2026-11-21 10:00", "build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let html = page(&site, "public/calendar.html");
    // calendar.html shows November to January; earlier months have their pages.
    let earlier = [
        page(&site, "public/calendar/2026-09.html"),
        page(&site, "public/calendar/2026-10.html"),
    ];
    // The example site is in IST; the releases go live at 09:00 IST.
    let on = |date: &str| {
        std::iter::once(&html)
            .chain(&earlier)
            .flat_map(|h| entries(h, date))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert!(on("2026-09-17").contains("09:00 Northwind ERP 2.2.3 ✗ NO-GO rolled back"));
    assert!(on("2026-10-15").contains("Northwind ERP 2.3.0 ✓ GO deployed"));
    assert!(on("2026-11-27").starts_with("22:30 Northwind ERP 2.3.3"));
    assert!(on("2026-12-04").starts_with("09:00 Northwind ERP 2.4.0"));
    // 2.3.1 was postponed from 12 Nov to 26 Nov.
    assert!(
        on("2026-11-26").contains(
            "Northwind ERP 2.3.1 ✗ NO-GO postponed postponed from Thu 12 Nov 2026, 09:00 IST"
        ),
        "{}",
        on("2026-11-26")
    );
    assert_eq!(on("2026-11-12"), "");
    // Each entry links to its release's report.
    let links: Vec<&str> = html
        .select(&sel("td[data-date=\"2026-12-04\"] .cal-entry a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(links, ["releases/northwind-erp-2.4.0/index.html"]);
    // Today (21 Nov) and its month are marked; the navigation has every month.
    assert!(cell(&html, "2026-11-21").contains("Today"));
    assert!(!cell(&html, "2026-11-20").contains("Today"));
    assert_eq!(
        texts(&html, ".cal-nav a"),
        [
            "September 2026",
            "October 2026",
            "November 2026",
            "December 2026"
        ]
    );
    assert_eq!(
        texts(&html, ".cal-nav a[aria-current=date]"),
        ["November 2026"]
    );
    // The site navigation and the dashboard lead here.
    assert!(texts(&html, "nav[aria-label=Site] a").contains(&"Calendar".to_string()));
    let dashboard = page(&site, "public/index.html");
    let link = dashboard
        .select(&sel("main a[href=\"calendar.html\"]"))
        .next()
        .expect("the dashboard links to the calendar");
    assert_eq!(text(link), "release calendar");
    // Listed in the output's manifest like the dashboard.
    assert!(
        site.read("public/.golive-manifest")
            .contains("calendar.html"),
        "calendar.html is not in the manifest"
    );
}

#[test]
fn a_window_across_midnight_shows_on_both_days() {
    let html = calendar();
    assert_eq!(
        entries(&html, "2026-12-09"),
        ["23:30 Night Batch 1.0.0 ✓ GO scheduled ⚠ 1 collision"]
    );
    assert_eq!(
        entries(&html, "2026-12-10"),
        ["continues until 01:30 Night Batch 1.0.0 ✓ GO scheduled ⚠ 1 collision"]
    );
    assert!(entries(&html, "2026-12-11").is_empty());
    // On phones too.
    let days = agenda(&html, "m-2026-12");
    assert!(
        days.iter().any(|d| d.starts_with("Wed 9 Dec 2026")),
        "{days:?}"
    );
    assert!(
        days.iter().any(|d| d.starts_with("Thu 10 Dec 2026 Today")),
        "{days:?}"
    );
}

#[test]
fn a_postponed_release_is_on_its_new_day_only() {
    let html = calendar();
    assert_eq!(
        entries(&html, "2026-12-15"),
        ["10:00 Moved App 2.0.0 ✗ NO-GO postponed postponed from Thu 3 Dec 2026, 10:00 GMT"]
    );
    assert!(entries(&html, "2026-12-03").is_empty());
    let days = agenda(&html, "m-2026-12");
    assert!(!days.iter().any(|d| d.starts_with("Thu 3 Dec")), "{days:?}");
}

#[test]
fn a_release_in_another_zone_lands_on_the_sites_day() {
    let html = calendar();
    // 22:00 on 16 Dec in New York is 03:00 on 17 Dec in London.
    assert!(entries(&html, "2026-12-16").is_empty());
    assert_eq!(
        entries(&html, "2026-12-17"),
        ["03:00 Abroad Portal 1.0.0 ✗ NO-GO scheduled ⚠ 1 collision"]
    );
    assert!(
        text(html.select(&sel(".cal-intro")).next().unwrap()).contains("in Europe/London time")
    );
}

#[test]
fn freeze_days_are_shaded_and_labelled_with_the_reason() {
    let html = calendar();
    let frozen: Vec<String> = html
        .select(&sel("td.cal-freeze"))
        .filter_map(|td| td.value().attr("data-date").map(String::from))
        .collect();
    let mut expected: Vec<String> = (21..=31).map(|d| format!("2026-12-{d}")).collect();
    expected.extend((1..=3).map(|d| format!("2027-01-0{d}")));
    assert_eq!(frozen, expected);
    // The reason shows on the freeze's first day in each row (and the first of
    // a month); the other days say it to screen readers.
    let labelled: Vec<String> = html
        .select(&sel("td.cal-freeze"))
        .filter(|td| td.select(&sel(".cal-freeze-label")).next().is_some())
        .filter_map(|td| td.value().attr("data-date").map(String::from))
        .collect();
    assert_eq!(labelled, ["2026-12-21", "2026-12-28", "2027-01-01"]);
    assert!(cell(&html, "2026-12-21").contains("❄ Year-end freeze"));
    assert!(cell(&html, "2026-12-22").contains("change freeze: Year-end freeze"));
    assert!(!cell(&html, "2026-12-20").contains("freeze"));
    assert!(!cell(&html, "2027-01-04").contains("freeze"));
    // The month says so in words above its grid, and the legend explains it.
    assert!(texts(&html, ".cal-freeze-note").contains(
        &"❄ Change freeze: Year-end freeze, Mon 21 Dec 2026 to Sun 3 Jan 2027.".to_string()
    ));
    assert!(
        texts(&html, ".cal-legend li")
            .iter()
            .any(|l| l.contains("change freeze"))
    );
    // A whole-day release inside the freeze, on a Saturday: the freeze
    // blocks it (NO-GO) and the day is outside business hours.
    assert_eq!(
        entries(&html, "2027-01-02"),
        ["all day Frozen Tool 0.9.0 ✗ NO-GO scheduled ⚠ 2 collisions"]
    );
    let listed = texts(&html, ".cal-collision-list li");
    assert!(
        listed
            .iter()
            .any(|l| l.contains("Frozen Tool 0.9.0") && l.contains("Year-end freeze")),
        "the month lists the freeze collision: {listed:?}"
    );
    assert!(cell(&html, "2027-01-02").contains("non-working day"));
}

#[test]
fn days_outside_business_days_are_non_working() {
    let html = calendar();
    let off: Vec<String> = html
        .select(&sel("table.cal-grid"))
        .next()
        .unwrap()
        .select(&sel("td.cal-off"))
        .filter_map(|td| td.value().attr("data-date").map(String::from))
        .collect();
    assert_eq!(
        off[..4],
        ["2026-12-05", "2026-12-06", "2026-12-12", "2026-12-13"]
    );
    assert!(cell(&html, "2026-12-05").contains("non-working day"));
    assert!(!cell(&html, "2026-12-04").contains("non-working day"));
    assert!(
        texts(&html, ".cal-legend li")
            .iter()
            .any(|l| l.contains("non-working day (business days: Mon-Fri)"))
    );
}

#[test]
fn the_page_shows_three_months_and_every_month_with_releases_has_its_own() {
    let (site, html) = built("calendar", "2026-12-10 12:00");
    // This month and the next two; a month without releases is one line.
    assert_eq!(texts(&html, ".cal-empty"), ["No releases in February 2027"]);
    assert_eq!(
        texts(&html, ".cal-month > h2"),
        ["December 2026 (this month)", "January 2027"]
    );
    assert_eq!(
        texts(&html, ".cal-nav a"),
        ["December 2026", "January 2027", "March 2027"]
    );
    let march = page(&site, "public/calendar/2027-03.html");
    assert_eq!(texts(&march, "h1"), ["Release calendar: March 2027"]);
    // Only days with releases are in the phone's list.
    assert_eq!(agenda(&march, "m-2027-03"), ["Wed 10 Mar 2027"]);
    assert_eq!(
        texts(&march, "nav.pager a"),
        ["← January 2027", "This month and the next two"]
    );
    let links: Vec<&str> = march
        .select(&sel(".cal-entry a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    // Once on the grid and once on the phone's list.
    assert_eq!(links, ["../releases/spring-release-3.0.0/index.html"; 2]);
}

#[test]
fn the_grid_is_a_table_with_weekday_headers() {
    let html = calendar();
    let grid = html.select(&sel("table.cal-grid")).next().unwrap();
    assert_eq!(
        texts(&html, "table.cal-grid caption")[0],
        "Releases in December 2026, Monday to Sunday"
    );
    let headers: Vec<String> = grid.select(&sel("thead th[scope=col]")).map(text).collect();
    assert_eq!(headers, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
    // 1 Dec 2026 is a Tuesday: the first row starts with a day of November.
    let first_row: Vec<Option<&str>> = grid
        .select(&sel("tbody tr"))
        .next()
        .unwrap()
        .select(&sel("td"))
        .map(|td| td.value().attr("data-date"))
        .collect();
    assert_eq!(first_row[..2], [None, Some("2026-12-01")]);
}

#[test]
fn a_release_edit_in_serve_moves_it_on_the_calendar() {
    let site = Site::copy_of("calendar");
    let clock = golive::clock::Clock::At("2026-12-10 12:00".parse().unwrap());
    let mut builder = golive::site::Builder::new(&site.root, &site.path("public"))
        .serving()
        .with_clock(clock);
    builder.build().unwrap();
    let release = "content/releases/spring.yaml";
    site.write(
        release,
        site.read(release)
            .replace("2027-03-10 09:00", "2026-12-11 09:00"),
    );
    builder
        .rebuild_releases(&[site.path(release)])
        .unwrap()
        .expect("a release edit takes the quick path");
    let html = page(&site, "public/calendar.html");
    assert_eq!(
        entries(&html, "2026-12-11"),
        ["09:00 Spring Release 3.0.0 ✗ NO-GO scheduled"]
    );
    assert!(html.select(&sel("#m-2027-03")).next().is_none());
    // Its old month had no other release: the month's page is gone from the list.
    assert!(!texts(&html, ".cal-nav a").contains(&"March 2027".to_string()));
}
