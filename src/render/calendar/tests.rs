//! The calendar page rendered from hand-made summaries (collisions included,
//! which no build on this branch produces) and read back with an HTML parser.

use std::path::Path;
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use scraper::{ElementRef, Html, Selector};

use super::calendar_pages;
use crate::config::people::People;
use crate::config::site::SiteConfig;
use crate::content::release::{DeploymentStatus, PersonRef};
use crate::evaluate::window::deployment_window;
use crate::evaluate::{Collision, CollisionKind, Moment, Summary, Verdict};
use crate::render::{Listed, Rows, Theme};

fn site(extra: &str) -> SiteConfig {
    serde_yaml::from_str(&format!(
        "title: Test hub\ntimezone: Europe/London\n{extra}"
    ))
    .unwrap()
}

/// A release going live at `at` (`2026-12-04 09:00`) in `zone`.
fn summary(slug: &str, at: &str, zone: Tz) -> Summary {
    let naive = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap();
    let target = zone.from_local_datetime(&naive).unwrap();
    let (product, version) = slug.rsplit_once('-').unwrap();
    Summary {
        slug: slug.into(),
        product: product.into(),
        version: version.into(),
        title: None,
        state: DeploymentStatus::Scheduled,
        verdict: Verdict::Go,
        score: Some(100.0),
        threshold: 85.0,
        target: Moment::new(target, false),
        original_target: None,
        open_blockers: 0,
        decision_due: None,
        owner: PersonRef::Key("someone".into()),
        warnings: Vec::new(),
        window: deployment_window(target, false, None, zone),
        collisions: Vec::new(),
        collision_count: 0,
    }
}

fn render(site: &SiteConfig, summaries: &[Summary], today: NaiveDate) -> Html {
    pages(site, summaries, today).swap_remove(0).1
}

/// Every page of the calendar: its path and its parsed HTML.
fn pages(site: &SiteConfig, summaries: &[Summary], today: NaiveDate) -> Vec<(String, Html)> {
    let theme = Theme::load(Path::new("/nonexistent-site"), Arc::new(People::default())).unwrap();
    let rows: Vec<Rows> = summaries
        .iter()
        .map(|s| crate::render::rows(&theme, s).unwrap())
        .collect();
    let listed: Vec<Listed> = summaries
        .iter()
        .zip(&rows)
        .map(|(s, rows)| Listed {
            summary: s,
            rows,
            runbooks: &[],
        })
        .collect();
    calendar_pages(&theme, site, &listed, today)
        .unwrap()
        .into_iter()
        .map(|f| {
            (
                f.path.display().to_string(),
                Html::parse_document(std::str::from_utf8(&f.bytes).unwrap()),
            )
        })
        .collect()
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn cell(html: &Html, date: &str) -> String {
    html.select(&sel(&format!("td[data-date=\"{date}\"]")))
        .next()
        .map(text)
        .unwrap_or_else(|| panic!("no cell for {date}"))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn collisions_show_a_marker_on_the_entry_and_a_list_under_the_month() {
    let london = chrono_tz::Europe::London;
    let mut a = summary("shop-1.0.0", "2026-12-04 09:00", london);
    let mut b = summary("billing-2.0.0", "2026-12-04 09:30", london);
    let overlap = |others: &str, message: &str| Collision {
        kind: CollisionKind::Overlap,
        blocks: false,
        day: day(2026, 12, 4),
        others: vec![others.into()],
        message: message.into(),
    };
    a.collisions = vec![
        overlap(
            "billing-2.0.0",
            "Its window overlaps billing 2.0.0 (09:30–10:30).",
        ),
        Collision {
            kind: CollisionKind::Freeze,
            blocks: true,
            day: day(2026, 12, 4),
            others: vec![],
            message: "It goes live inside the change freeze “Audit week”.".into(),
        },
    ];
    // The same overlap, seen from the other release: listed once.
    a.collision_count = 2;
    b.collisions = vec![overlap("shop-1.0.0", "Its window overlaps shop 1.0.0.")];
    b.collision_count = 1;
    let html = render(&site(""), &[a, b], day(2026, 12, 1));

    let friday = cell(&html, "2026-12-04");
    assert!(friday.contains("shop 1.0.0"), "{friday}");
    assert!(friday.contains("⚠ 2 collisions"), "{friday}");
    assert!(friday.contains("⚠ 1 collision"), "{friday}");

    let list: Vec<String> = html
        .select(&sel("#m-2026-12-collisions + ul > li"))
        .map(text)
        .collect();
    assert_eq!(list.len(), 2, "{list:?}");
    assert!(
        list.iter().any(|l| l.contains("✗ blocks")
            && l.contains("change freeze “Audit week”")
            && l.contains("shop 1.0.0")),
        "{list:?}"
    );
    assert!(
        list.iter().any(
            |l| l.starts_with("⚠ warning Fri 4 Dec 2026: Its window overlaps")
                && l.contains("(billing 2.0.0, shop 1.0.0)")
        ),
        "{list:?}"
    );
    // Both releases are linked from the list.
    let links: Vec<&str> = html
        .select(&sel("#m-2026-12-collisions + ul a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        links.contains(&"releases/billing-2.0.0/index.html"),
        "{links:?}"
    );
    assert!(
        links.contains(&"releases/shop-1.0.0/index.html"),
        "{links:?}"
    );
}

#[test]
fn a_month_without_collisions_has_no_collision_list() {
    let html = render(
        &site(""),
        &[summary(
            "shop-1.0.0",
            "2026-12-04 09:00",
            chrono_tz::Europe::London,
        )],
        day(2026, 12, 1),
    );
    assert!(html.select(&sel("#m-2026-12-collisions")).next().is_none());
    assert!(!cell(&html, "2026-12-04").contains("collision"));
}

#[test]
fn the_page_shows_this_month_and_the_next_two_and_each_month_has_its_own() {
    let london = chrono_tz::Europe::London;
    let summaries = [
        summary("a-1.0.0", "2026-11-10 09:00", london),
        summary("b-1.0.0", "2027-03-10 09:00", london),
        summary("c-1.0.0", "2027-05-10 09:00", london),
    ];
    let html = render(&site(""), &summaries, day(2027, 3, 2));
    let empty: Vec<String> = html.select(&sel(".cal-empty")).map(text).collect();
    assert_eq!(empty, ["No releases in April 2027"]);
    let grids: Vec<String> = html.select(&sel(".cal-month > h2")).map(text).collect();
    assert_eq!(grids, ["March 2027 (this month)", "May 2027"]);
    let months: Vec<String> = html.select(&sel(".cal-nav a")).map(text).collect();
    assert_eq!(months, ["November 2026", "March 2027", "May 2027"]);

    let files = pages(&site(""), &summaries, day(2027, 3, 2));
    let paths: Vec<String> = files.iter().map(|f| f.0.clone()).collect();
    assert_eq!(
        paths,
        [
            "calendar.html",
            "calendar/2026-11.html",
            "calendar/2027-03.html",
            "calendar/2027-05.html"
        ]
    );
    let march = &files[2].1;
    let grids: Vec<String> = march.select(&sel(".cal-month > h2")).map(text).collect();
    assert_eq!(grids, ["March 2027 (this month)"]);
    let pager: Vec<(String, String)> = march
        .select(&sel("nav.pager a"))
        .map(|a| (text(a), a.value().attr("href").unwrap().to_string()))
        .collect();
    assert_eq!(
        pager,
        [
            ("← November 2026".to_string(), "2026-11.html".to_string()),
            (
                "This month and the next two".to_string(),
                "../calendar.html".to_string()
            ),
            ("May 2027 →".to_string(), "2027-05.html".to_string()),
        ]
    );
    // The entry's link leads from the month's folder to the release.
    let link = march
        .select(&sel("td[data-date=\"2027-03-10\"] .cal-entry a"))
        .next()
        .and_then(|a| a.value().attr("href"));
    assert_eq!(link, Some("../releases/b-1.0.0/index.html"));
}

#[test]
fn a_busy_day_shows_its_first_releases_and_links_to_the_archive_for_the_rest() {
    let london = chrono_tz::Europe::London;
    let mut summaries: Vec<Summary> = (0..10)
        .map(|i| {
            summary(
                &format!("p{i}-1.0.0"),
                &format!("2026-12-04 0{i}:00"),
                london,
            )
        })
        .collect();
    // Each release collides with a freeze on that day: 10 collisions, each its own.
    for s in summaries.iter_mut().take(3) {
        s.collisions = (0..12)
            .map(|n| Collision {
                kind: CollisionKind::Overlap,
                blocks: false,
                day: day(2026, 12, 4),
                others: vec![format!("other{n}-{}", s.slug)],
                message: format!("Its window overlaps other {n}."),
            })
            .collect();
        s.collision_count = 12;
    }
    let html = render(&site(""), &summaries, day(2026, 12, 1));
    let friday = html
        .select(&sel("td[data-date=\"2026-12-04\"]"))
        .next()
        .unwrap();
    let shown: Vec<String> = friday.select(&sel(".cal-entry")).map(text).collect();
    assert_eq!(shown.len(), super::grid::MAX_PER_DAY, "{shown:?}");
    // The earliest go first.
    assert!(shown[0].starts_with("00:00"), "{shown:?}");
    let more: Vec<(String, String)> = friday
        .select(&sel(".cal-more a"))
        .map(|a| (text(a), a.value().attr("href").unwrap().to_string()))
        .collect();
    assert_eq!(
        more,
        [(
            "4 more on Fri 4 Dec 2026".to_string(),
            "archive/2026-12.html".to_string()
        )]
    );
    let listed = html.select(&sel("#m-2026-12-collisions + ul > li")).count();
    assert_eq!(listed, super::grid::MAX_COLLISIONS);
    let rest: Vec<String> = html
        .select(&sel("#m-2026-12-collisions ~ p.muted"))
        .map(text)
        .collect();
    assert_eq!(
        rest,
        ["And 6 more collisions this month: each release's readiness report lists its own."]
    );
}
