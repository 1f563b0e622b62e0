//! Collisions on the release calendar, as writers and pipelines see them: on
//! the report, on the dashboard and in `golive check` (text, JSON, exit
//! codes), and kept current by the build cache and serve's quick path when
//! only the other release changes.

mod common;

use common::calendar::{self, TEAM_A, TEAM_B, add, file};
use common::html::{page, rows, section, sel, text, texts};

/// The texts of the items of the report's "Calendar collisions" section (none
/// when it has no such section).
fn collisions(site: &common::Site, slug: &str) -> Vec<String> {
    let html = page(site, &format!("public/releases/{slug}/index.html"));
    if html.select(&sel("h2#collisions")).next().is_none() {
        return Vec::new();
    }
    section(&html, "collisions")
        .select(&sel("li"))
        .map(text)
        .collect()
}

/// The dashboard's tile "N ⚠ with collisions", and each release's collisions
/// cell on the archive's month pages (which list every release).
fn dashboard(site: &common::Site) -> (String, Vec<String>) {
    let html = page(site, "public/index.html");
    let tile = texts(&html, "ul.stats li")
        .into_iter()
        .find(|t| t.contains("with collisions"))
        .expect("a collisions tile");
    let archive = page(site, "public/archive/index.html");
    let mut cells = Vec::new();
    for href in archive
        .select(&sel("tbody a"))
        .filter_map(|a| a.value().attr("href"))
    {
        let month = page(site, &format!("public/archive/{href}"));
        let table = month.select(&sel("table")).next().unwrap();
        cells.extend(rows(table).into_iter().map(|r| r[9].clone()));
    }
    (tile, cells)
}

fn build(site: &common::Site) {
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
}

#[test]
fn touching_windows_do_not_overlap_and_a_minute_more_does_on_both_reports() {
    let site = calendar::site();
    let portal = add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-01 10:00",
        "60m",
        TEAM_A,
        "",
    );
    let ledger = add(
        &site,
        "Ledger",
        "2.0.0",
        "2026-12-01 11:00",
        "60m",
        TEAM_B,
        "",
    );
    build(&site);
    assert!(collisions(&site, &portal).is_empty());
    assert!(collisions(&site, &ledger).is_empty());
    assert_eq!(dashboard(&site).0, "0 ⚠ with collisions");

    add(
        &site,
        "Ledger",
        "2.0.0",
        "2026-12-01 10:59",
        "60m",
        TEAM_B,
        "",
    );
    build(&site);
    let on_portal = collisions(&site, &portal);
    assert_eq!(on_portal.len(), 1, "{on_portal:?}");
    assert!(
        on_portal[0].starts_with("Warning Deployment window overlaps Ledger 2.0.0's (Tue 1 Dec 2026, 10:59 UTC – Tue 1 Dec 2026, 11:59 UTC)"),
        "{on_portal:?}"
    );
    assert!(on_portal[0].contains("see ledger-2.0.0"), "{on_portal:?}");
    let on_ledger = collisions(&site, &ledger);
    assert!(
        on_ledger[0].contains("overlaps Portal 1.0.0's"),
        "{on_ledger:?}"
    );
    // A warning: both stay GO.
    let verdict = texts(
        &page(&site, &format!("public/releases/{portal}/index.html")),
        "header .verdict",
    );
    assert!(verdict.iter().all(|v| v.ends_with(" GO")), "{verdict:?}");
    let (tile, cells) = dashboard(&site);
    assert_eq!(tile, "2 ⚠ with collisions");
    assert!(
        cells.iter().all(|c| c.starts_with("⚠ 1 collision")),
        "{cells:?}"
    );
}

#[test]
fn the_same_person_on_one_day_is_named_on_both() {
    let site = calendar::site();
    let portal = add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-01 10:00",
        "30m",
        TEAM_A,
        "",
    );
    // Omar approves Portal and owns Ledger, the same afternoon.
    let ledger = add(
        &site,
        "Ledger",
        "2.0.0",
        "2026-12-01 15:00",
        "30m",
        ["omar", "kenji", "sofia"],
        "",
    );
    build(&site);
    assert_eq!(
        collisions(&site, &portal),
        [
            "Warning Omar Haddad (Tech Lead approver here) is also needed by Ledger 2.0.0 (owner) on Tue 1 Dec 2026 (see ledger-2.0.0)"
        ]
    );
    assert_eq!(
        collisions(&site, &ledger),
        [
            "Warning Omar Haddad (owner here) is also needed by Portal 1.0.0 (Tech Lead approver) on Tue 1 Dec 2026 (see portal-1.0.0)"
        ]
    );
}

#[test]
fn a_freeze_blocks_from_its_first_day_to_its_last_and_the_day_after_is_free() {
    let site = calendar::site();
    let slug = "portal-1.0.0";
    for (target, frozen) in [
        ("2026-12-18 10:00", false),
        ("2026-12-21 10:00", true),
        ("2027-01-04 10:00", true),
        ("2027-01-05 10:00", false),
    ] {
        add(&site, "Portal", "1.0.0", target, "30m", TEAM_A, "");
        let out = site.run(&["check"]);
        if frozen {
            assert_eq!(out.code, Some(1), "{target}: {}", out.describe());
            assert!(out.stdout.starts_with("NO-GO"), "{}", out.stdout);
            assert!(
                out.stdout.contains("✗ Goes live inside the Year-end freeze (Sun 20 Dec 2026 – Mon 4 Jan 2027): move the go-live or file it as an emergency change"),
                "{}",
                out.stdout
            );
            assert!(
                out.stdout.contains(&format!(
                    "collision, blocks: {}: Goes live inside the Year-end freeze",
                    file(slug)
                )),
                "{}",
                out.stdout
            );
        } else {
            assert_eq!(out.code, Some(0), "{target}: {}", out.describe());
            assert!(!out.stdout.contains("freeze"), "{}", out.stdout);
        }
    }
    build(&site);
    add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-21 10:00",
        "30m",
        TEAM_A,
        "",
    );
    build(&site);
    let html = page(&site, &format!("public/releases/{slug}/index.html"));
    let reasons = texts(&html, "ul.reasons:not(.collisions) li");
    assert!(
        reasons[0].starts_with("Blocks")
            && reasons[0].contains("Goes live inside the Year-end freeze"),
        "{reasons:?}"
    );
    assert!(
        collisions(&site, slug)[0].starts_with("Blocks Goes live inside the Year-end freeze"),
        "{:?}",
        collisions(&site, slug)
    );
}

#[test]
fn an_emergency_change_inside_a_freeze_is_allowed() {
    let site = calendar::site();
    site.write(
        &file("hotfix-1.0.1"),
        "product: Hotfix
version: 1.0.1
change_type: emergency
target: 2026-12-24 10:00
owner: priya
readiness:
  - category: Fix
    items:
      - {check: Fix verified on staging, status: done, critical: true}
expedited:
  verbal: [{role: CTO, who: dana, at: 2026-12-24 09:40}]
  documented_by: 2026-12-24 12:00
  review_due: 2026-12-25 10:00
",
    );
    let out = site.run(&["check"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(out.stdout.starts_with("GO "), "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "collision: content/releases/hotfix-1.0.1.yaml: Goes live inside the Year-end freeze (Sun 20 Dec 2026 – Mon 4 Jan 2027): allowed as an emergency change"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn business_hours_end_at_18_00_exactly_and_a_weekend_is_outside() {
    let site = calendar::site();
    let outside = |target: &str, duration: &str| {
        add(&site, "Portal", "1.0.0", target, duration, TEAM_A, "");
        let out = site.run(&["check"]);
        assert_eq!(out.code, Some(0), "{}", out.describe());
        out.stdout
            .lines()
            .find(|l| l.contains("Outside business hours"))
            .map(|l| l.trim().to_string())
    };
    assert_eq!(outside("2026-12-01 17:00", "60m"), None);
    assert_eq!(
        outside("2026-12-01 17:01", "60m").as_deref(),
        Some(
            "collision: content/releases/portal-1.0.0.yaml: Outside business hours (Mon-Fri, 09:00–18:00 UTC): ends at 18:01 UTC, after 18:00"
        )
    );
    assert!(
        outside("2026-12-05 10:00", "60m")
            .unwrap()
            .ends_with("Saturday is not a business day")
    );
}

#[test]
fn check_strict_fails_on_a_warning_collision_and_json_counts_them() {
    let site = calendar::site();
    add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-05 10:00",
        "60m",
        TEAM_A,
        "",
    );
    assert_eq!(site.run(&["check"]).code, Some(0));
    let strict = site.run(&["check", "--strict"]);
    assert_eq!(strict.code, Some(1), "{}", strict.describe());
    let json = site.run(&["check", "--format", "json"]);
    assert_eq!(json.code, Some(0), "{}", json.describe());
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["collisions"], 1);
    assert_eq!(v["go"], true);
    let c = &v["releases"][0]["collisions"][0];
    assert_eq!(c["kind"], "outside-hours");
    assert_eq!(c["blocks"], false);
    assert_eq!(c["day"], "2026-12-05");
}

#[test]
fn a_freeze_that_ends_before_it_starts_is_a_located_error() {
    let site = calendar::site();
    add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-01 10:00",
        "60m",
        TEAM_A,
        "",
    );
    let yaml = calendar::SITE_YAML.replace("to: 2027-01-04", "to: 2026-12-04");
    site.write("content/site.yaml", &yaml);
    let out = site.run(&["check"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    let line = common::line_of(&yaml, "Year-end freeze");
    let column = yaml
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("2026-12-04")
        .unwrap()
        + 1;
    assert!(
        out.stderr.contains(&format!(
            "content/site.yaml:{line}:{column}: error: this freeze ends (2026-12-04) before it starts (2026-12-20)"
        )),
        "{}",
        out.stderr
    );
}

/// Business hours that end before they start (a night shift written as
/// 18:00 to 09:00) would put every go-live outside them: a located error, as
/// for a freeze, and the output is left alone.
#[test]
fn business_hours_that_end_before_they_start_are_a_located_error() {
    let site = calendar::site();
    add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-01 10:00",
        "60m",
        TEAM_A,
        "",
    );
    let yaml = calendar::SITE_YAML.replace(
        "from: \"09:00\", to: \"18:00\"",
        "from: \"18:00\", to: \"09:00\"",
    );
    assert_ne!(yaml, calendar::SITE_YAML);
    site.write("content/site.yaml", &yaml);
    for command in ["check", "build"] {
        let out = site.run(&[command]);
        assert_eq!(out.code, Some(2), "{command}: {}", out.describe());
        let line = common::line_of(&yaml, "business_hours");
        let column = yaml
            .lines()
            .nth(line - 1)
            .unwrap()
            .find("\"09:00\"")
            .unwrap()
            + 1;
        assert!(
            out.stderr.contains(&format!(
                "content/site.yaml:{line}:{column}: error: business hours end (09:00) no later than they start (18:00)"
            )),
            "{command}: {}",
            out.stderr
        );
    }
    assert!(!site.path("public").exists(), "nothing was built");
}

/// An unchanged release is not parsed again by the next build, but it must
/// still be rendered again when another release's edit gives it a collision.
#[test]
fn a_rebuild_after_editing_only_the_other_release_shows_the_new_overlap() {
    let site = calendar::site();
    let portal = add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-01 10:00",
        "60m",
        TEAM_A,
        "",
    );
    add(
        &site,
        "Ledger",
        "2.0.0",
        "2026-12-02 10:00",
        "60m",
        TEAM_B,
        "",
    );
    build(&site);
    assert!(collisions(&site, &portal).is_empty());

    add(
        &site,
        "Ledger",
        "2.0.0",
        "2026-12-01 10:30",
        "60m",
        TEAM_B,
        "",
    );
    let out = site.run(&["build", "--verbose"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(
        collisions(&site, &portal)[0].contains("overlaps Ledger 2.0.0's"),
        "{:?}",
        collisions(&site, &portal)
    );
    assert_eq!(dashboard(&site).0, "2 ⚠ with collisions");

    // Moved away again: the collision goes from the unchanged release too.
    add(
        &site,
        "Ledger",
        "2.0.0",
        "2026-12-02 10:30",
        "60m",
        TEAM_B,
        "",
    );
    build(&site);
    assert!(collisions(&site, &portal).is_empty());
    assert_eq!(dashboard(&site).0, "0 ⚠ with collisions");
}

/// The same through serve's quick path, which rebuilds only edited releases.
#[test]
fn the_quick_rebuild_renders_the_unchanged_release_whose_collisions_changed() {
    let site = calendar::site();
    let portal = add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-01 10:00",
        "60m",
        TEAM_A,
        "",
    );
    add(
        &site,
        "Ledger",
        "2.0.0",
        "2026-12-02 10:00",
        "60m",
        TEAM_B,
        "",
    );
    let mut builder = golive::site::Builder::new(&site.root, &site.path("public")).serving();
    builder.build().expect("the site builds");
    assert!(collisions(&site, &portal).is_empty());

    add(
        &site,
        "Ledger",
        "2.0.0",
        "2026-12-01 10:30",
        "60m",
        TEAM_B,
        "",
    );
    let summary = builder
        .rebuild_releases(&[site.path(&file("ledger-2.0.0"))])
        .expect("the edit is valid")
        .expect("a release edit takes the quick path");
    assert_eq!(summary.rendered, 2, "ledger (edited) and portal (related)");
    assert!(
        collisions(&site, &portal)[0].contains("overlaps Ledger 2.0.0's"),
        "{:?}",
        collisions(&site, &portal)
    );
    assert_eq!(dashboard(&site).0, "2 ⚠ with collisions");
    builder.persist().unwrap();
}
