//! The clock (`--now`, `GOLIVE_NOW`) and what it decides: the time-based
//! warnings that `check` prints (and `--strict` fails on), the report and the
//! dashboard show; evidence freshness, which is judged at go-live instead and
//! never reads the clock. The fixture's deadlines sit on both sides of the end
//! of summer time in London (01:00 UTC, Sunday 25 October 2026).

mod common;

use common::html::{page, rows, section, sel, text, texts};
use common::{Output, Site, golive_with_env, replace_once};

const LEDGER: &str = "content/releases/ledger-1.0.0.yaml";
const PORTAL: &str = "content/releases/portal-1.0.0.yaml";

fn site() -> Site {
    Site::copy_of("clock")
}

/// `golive --root <site> <args>` with `GOLIVE_NOW` set (or not).
fn run_with_now(site: &Site, env_now: Option<&str>, args: &[&str]) -> Output {
    let mut all = vec!["--root", site.root.to_str().unwrap()];
    all.extend_from_slice(args);
    let env: Vec<(&str, &str)> = env_now.map(|n| ("GOLIVE_NOW", n)).into_iter().collect();
    golive_with_env(&all, &site.root, &env)
}

/// The warning lines of `check`'s text output.
fn warning_lines(out: &Output) -> Vec<String> {
    out.stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("warning: "))
        .map(str::to_string)
        .collect()
}

fn check_json(site: &Site, now: &str, release: &str) -> serde_json::Value {
    let out = site.run(&[
        "--now",
        now,
        "check",
        "--release",
        release,
        "--format",
        "json",
    ]);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", out.describe()))
}

#[test]
fn check_prints_the_warnings_due_at_now_and_keeps_its_exit_code() {
    let site = site();
    let before = site.run(&[
        "--now",
        "2026-10-26T08:59:00Z",
        "check",
        "-r",
        "ledger-1.0.0",
    ]);
    assert_eq!(before.code, Some(1), "GO-PENDING: {}", before.describe());
    assert_eq!(
        warning_lines(&before),
        [
            "Approval phase “Technical review” was due Fri 23 Oct 2026 and is not signed off: DBA (not recorded)"
        ]
    );
    // The decision deadline, 09:00 GMT (after the change), is 09:00 UTC.
    let after = site.run(&[
        "--now",
        "2026-10-26T09:01:00Z",
        "check",
        "-r",
        "ledger-1.0.0",
    ]);
    assert_eq!(after.code, Some(1), "{}", after.describe());
    assert_eq!(
        warning_lines(&after)[1],
        "The go/no-go decision was due Mon 26 Oct 2026, 09:00 GMT and required approvals are missing: DBA (not recorded)"
    );
    // The verdict and its reasons are the same at both times.
    let reasons = |o: &Output| -> Vec<String> {
        o.stdout
            .lines()
            .filter(|l| !l.trim().starts_with("warning:"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(reasons(&before), reasons(&after));
}

#[test]
fn strict_makes_a_warning_fail_a_release_that_is_go() {
    let site = site();
    // Portal is GO; its go-live, Thu 22 Oct 09:00 BST, passes while it is still scheduled.
    let args = |now: &'static str, strict: bool| {
        let mut a = vec!["--now", now, "check", "-r", "portal-1.0.0"];
        if strict {
            a.push("--strict");
        }
        a
    };
    let on_time = site.run(&args("2026-10-22T07:59:00Z", true));
    assert_eq!(on_time.code, Some(0), "{}", on_time.describe());
    assert!(warning_lines(&on_time).is_empty());

    let late = site.run(&args("2026-10-22T08:01:00Z", false));
    assert_eq!(late.code, Some(0), "warnings alone: {}", late.describe());
    assert_eq!(
        warning_lines(&late),
        ["Target Thu 22 Oct 2026, 09:00 BST has passed; the release is still scheduled"]
    );
    let strict = site.run(&args("2026-10-22T08:01:00Z", true));
    assert_eq!(strict.code, Some(1), "{}", strict.describe());
}

#[test]
fn check_json_counts_the_warnings_and_lists_them_per_release() {
    let site = site();
    let json = check_json(&site, "2026-10-27T09:30:00Z", "ledger-1.0.0");
    assert_eq!(json["warnings"], 3);
    let kinds: Vec<&str> = json["releases"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["phase-late", "decision-overdue", "target-passed"]);
    let quiet = check_json(&site, "2026-10-20T09:30:00Z", "ledger-1.0.0");
    assert_eq!(quiet["warnings"], 0);
    assert_eq!(quiet["releases"][0]["warnings"], serde_json::json!([]));
}

#[test]
fn golive_now_sets_the_clock_and_now_wins_over_it() {
    let site = site();
    let late = run_with_now(
        &site,
        Some("2026-10-27 09:01"),
        &["check", "-r", "portal-1.0.0"],
    );
    assert_eq!(warning_lines(&late).len(), 1, "{}", late.describe());
    let early = run_with_now(&site, Some("2026-10-01"), &["check", "-r", "portal-1.0.0"]);
    assert!(warning_lines(&early).is_empty(), "{}", early.describe());
    let overridden = run_with_now(
        &site,
        Some("2026-10-01"),
        &["--now", "2026-10-27 09:01", "check", "-r", "portal-1.0.0"],
    );
    assert_eq!(
        warning_lines(&overridden).len(),
        1,
        "{}",
        overridden.describe()
    );
}

#[test]
fn a_wall_clock_now_is_in_the_sites_zone() {
    let site = site();
    // 09:00 in London on 22 Oct is summer time: 08:00 UTC.
    let at = |now: &str| warning_lines(&site.run(&["--now", now, "check", "-r", "portal-1.0.0"]));
    assert!(at("2026-10-22 08:59").is_empty());
    assert_eq!(at("2026-10-22 09:01").len(), 1);
    assert_eq!(at("2026-10-22T08:01:00+00:00").len(), 1);
}

#[test]
fn a_bad_clock_is_a_usage_error_naming_the_fix() {
    let site = site();
    let out = run_with_now(&site, Some("next tuesday"), &["check"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(
        out.stderr
            .contains("error: GOLIVE_NOW: `next tuesday` is not a date")
            && out.stderr.contains("help:"),
        "{}",
        out.describe()
    );
    let flag = site.run(&["--now", "30/11/2026", "check"]);
    assert_eq!(flag.code, Some(2), "{}", flag.describe());
    assert!(
        flag.stderr.contains("`30/11/2026` is not a date"),
        "{}",
        flag.describe()
    );
}

#[test]
fn evidence_freshness_is_judged_at_go_live_at_its_boundary_whatever_the_clock() {
    let site = site();
    let stale_reasons = |json: &serde_json::Value| -> Vec<String> {
        json["releases"][0]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["rule"] == "evidence-stale")
            .map(|r| r["message"].as_str().unwrap().to_string())
            .collect()
    };
    // Verified Tue 20 Oct, go-live Tue 27 Oct: exactly the site's 7 days.
    for now in ["2026-01-01", "2027-01-01"] {
        assert!(stale_reasons(&check_json(&site, now, "ledger-1.0.0")).is_empty());
    }
    // A day older: the verdict would defer for it alone.
    let text = site.read(LEDGER);
    site.write(
        LEDGER,
        replace_once(&text, "verified: 2026-10-20", "verified: 2026-10-19"),
    );
    assert_eq!(
        stale_reasons(&check_json(&site, "2026-01-01", "ledger-1.0.0")),
        [
            "Evidence will be 8 days old at go-live (verified Mon 19 Oct 2026, limit 7 days): Quality › Load test at 2x peak"
        ]
    );
    // Moving the target a day earlier makes it fresh again.
    site.write(
        LEDGER,
        replace_once(
            &replace_once(&text, "verified: 2026-10-20", "verified: 2026-10-19"),
            "target: 2026-10-27 09:00",
            "target: 2026-10-26 18:00",
        ),
    );
    assert!(stale_reasons(&check_json(&site, "2026-01-01", "ledger-1.0.0")).is_empty());
}

#[test]
fn a_shared_checklist_section_sets_its_own_limit() {
    let site = site();
    // Portal's load test: verified Mon 19 Oct, go-live Thu 22 Oct, the section allows 3 days.
    let json = check_json(&site, "2026-10-01", "portal-1.0.0");
    assert_eq!(json["releases"][0]["verdict"], "GO");
    site.write(
        PORTAL,
        replace_once(
            &site.read(PORTAL),
            "verified: 2026-10-19",
            "verified: 2026-10-18",
        ),
    );
    let json = check_json(&site, "2026-10-01", "portal-1.0.0");
    assert_eq!(json["releases"][0]["verdict"], "GO-PENDING");
    assert_eq!(
        json["releases"][0]["reasons"][0]["message"],
        "Evidence will be 4 days old at go-live (verified Sun 18 Oct 2026, limit 3 days): Deployment checklist › Load test at 2x peak"
    );
    // Already stale on Thu 22 Oct 00:00 BST, before go-live: a warning too.
    let out = site.run(&[
        "--now",
        "2026-10-21T23:30:00Z",
        "check",
        "-r",
        "portal-1.0.0",
    ]);
    assert_eq!(
        warning_lines(&out),
        [
            "Evidence for Deployment checklist › Load test at 2x peak is older than 3 days since Thu 22 Oct 2026 (verified Sun 18 Oct 2026); check it again before go-live"
        ]
    );
    let out = site.run(&[
        "--now",
        "2026-10-21T22:59:00Z",
        "check",
        "-r",
        "portal-1.0.0",
    ]);
    assert!(warning_lines(&out).is_empty(), "{}", out.describe());
}

#[test]
fn a_zero_fresh_for_is_a_located_error() {
    let site = site();
    site.write(
        "content/site.yaml",
        replace_once(
            &site.read("content/site.yaml"),
            "fresh_for: 7d",
            "fresh_for: 0d",
        ),
    );
    site.write(
        LEDGER,
        replace_once(
            &site.read(LEDGER),
            "  - category: Quality\n",
            "  - category: Quality\n    fresh_for: 0h\n",
        ),
    );
    let out = site.run(&["check"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    let site_line = common::line_of(&site.read("content/site.yaml"), "fresh_for");
    let release_line = common::line_of(&site.read(LEDGER), "fresh_for");
    for (file, line) in [("content/site.yaml", site_line), (LEDGER, release_line)] {
        let found = common::diagnostics_at(&out.stderr, file, line);
        assert!(
            found.iter().any(
                |d| d.contains("a fresh_for of zero would make all evidence stale")
                    && d.contains("help: use a length such as 7d")
            ),
            "{file}:{line}: {}",
            out.describe()
        );
    }
}

#[test]
fn a_verified_date_that_does_not_exist_is_a_located_error() {
    let site = site();
    site.write(
        LEDGER,
        replace_once(
            &site.read(LEDGER),
            "verified: 2026-10-20",
            "verified: 2026-02-30",
        ),
    );
    let out = site.run(&["check"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    let line = common::line_of(&site.read(LEDGER), "2026-02-30");
    assert!(
        !common::diagnostics_at(&out.stderr, LEDGER, line).is_empty(),
        "{}",
        out.describe()
    );
}

/// The dashboard's cells under the column headed `name`, by release.
fn column(html: &scraper::Html, name: &str) -> Vec<String> {
    let heads = texts(html, "thead th");
    let i = heads
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {heads:?}"));
    rows(html.root_element())
        .into_iter()
        .map(|r| r[i].clone())
        .collect()
}

#[test]
fn the_dashboard_shows_decision_due_owner_and_warnings() {
    let site = site();
    let out = site.run(&["--now", "2026-10-27T09:30:00Z", "build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    // The archive's October lists them in go-live order (the dashboard shows
    // them by section: ledger going live today, the others recently).
    let html = page(&site, "public/archive/2026-10.html");
    // Soonest go-live first: billing (20 Oct), portal (22 Oct), ledger (27 Oct).
    assert_eq!(
        column(&html, "Decision due"),
        [
            "Mon 19 Oct 2026, 17:00 BST",
            "—",
            "Mon 26 Oct 2026, 09:00 GMT"
        ]
    );
    assert_eq!(
        column(&html, "Owner"),
        ["Bo Chen", "Kenji Sato", "Ana Lima"]
    );
    let warnings = column(&html, "Warnings");
    assert_eq!(warnings[0], "none");
    assert_eq!(
        warnings[1],
        "⚠ 1 warning Target Thu 22 Oct 2026, 09:00 BST has passed; the release is still scheduled"
    );
    assert!(
        warnings[2].starts_with("⚠ 3 warnings Approval phase"),
        "{warnings:?}"
    );
    let ledger_items: Vec<String> = html
        .select(&sel("tbody tr"))
        .nth(2)
        .unwrap()
        .select(&sel("ul.warnings li"))
        .map(text)
        .collect();
    assert_eq!(ledger_items.len(), 3);
    assert_eq!(
        ledger_items[2],
        "Target Tue 27 Oct 2026, 09:00 GMT has passed; the release is still scheduled"
    );
    let stats = texts(&page(&site, "public/index.html"), ".stats li");
    assert!(
        stats.contains(&"2 ⚠ with warnings".to_string()),
        "{stats:?}"
    );
}

#[test]
fn the_report_lists_its_warnings_after_the_verdict_and_none_when_there_are_none() {
    let site = site();
    let out = site.run(&["--now", "2026-10-26T09:30:00Z", "build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let html = page(&site, "public/releases/ledger-1.0.0/index.html");
    let warnings = section(&html, "warnings");
    let sections: Vec<String> = html
        .select(&sel("main > section > h2"))
        .take(2)
        .map(text)
        .collect();
    assert_eq!(sections, ["Go / no-go", "⚠ 2 warnings"]);
    assert_eq!(
        texts(&html, "h2#warnings"),
        ["⚠ 2 warnings"],
        "{}",
        text(warnings)
    );
    let items: Vec<String> = warnings.select(&sel("li")).map(text).collect();
    assert_eq!(
        items,
        [
            "Approval phase “Technical review” was due Fri 23 Oct 2026 and is not signed off: DBA (not recorded)",
            "The go/no-go decision was due Mon 26 Oct 2026, 09:00 GMT and required approvals are missing: DBA (not recorded)",
        ]
    );
    let billing = page(&site, "public/releases/billing-2.0.0/index.html");
    assert!(texts(&billing, "h2#warnings").is_empty());
    // readiness.json carries them too.
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/releases/ledger-1.0.0/readiness.json")).unwrap();
    assert_eq!(json["warnings"].as_array().unwrap().len(), 2);
    assert_eq!(json["owner"], "ana");
}

#[test]
fn an_unchanged_release_is_rendered_again_once_a_deadline_passes() {
    let site = site();
    let build = |now: &str| {
        let out = site.run(&["--now", now, "build"]);
        assert_eq!(out.code, Some(0), "{}", out.describe());
        out.stdout
    };
    // The same day in London, either side of ledger's decision deadline (09:00 UTC).
    assert!(build("2026-10-26T08:00:00Z").starts_with("built 3 releases (3 rendered)"));
    let ledger = "public/releases/ledger-1.0.0/index.html";
    assert_eq!(texts(&page(&site, ledger), "h2#warnings"), ["⚠ 1 warning"]);
    // Before the deadline nothing changes: every release comes from the cache.
    assert!(build("2026-10-26T08:30:00Z").starts_with("built 3 releases (0 rendered)"));
    // After it, only ledger has a deadline in between.
    let after = build("2026-10-26T10:00:00Z");
    assert!(
        after.starts_with("built 3 releases (1 rendered)"),
        "{after}"
    );
    assert_eq!(texts(&page(&site, ledger), "h2#warnings"), ["⚠ 2 warnings"]);
    let dashboard = page(&site, "public/archive/2026-10.html");
    assert!(column(&dashboard, "Warnings")[2].starts_with("⚠ 2 warnings"));
    // And back: a clock set earlier shows the earlier state again.
    let back = build("2026-10-26T08:30:00Z");
    assert!(back.starts_with("built 3 releases (1 rendered)"), "{back}");
    assert_eq!(texts(&page(&site, ledger), "h2#warnings"), ["⚠ 1 warning"]);
}

#[test]
fn serve_takes_the_full_build_once_a_deadline_passed() {
    use golive::clock::Clock;
    let site = site();
    let at = |s: &str| Clock::At(s.parse().unwrap());
    let original = site.read(PORTAL);
    let retitle = |title: &str| site.write(PORTAL, format!("title: {title}\n{original}"));
    let mut builder = golive::site::Builder::new(&site.root, &site.path("public"))
        .with_clock(at("2026-10-26T08:00:00Z"))
        .serving();
    builder.build().unwrap();
    // An edit before ledger's decision deadline (09:00 UTC): the quick path.
    retitle("First");
    assert!(
        builder
            .rebuild_releases(&[site.path(PORTAL)])
            .unwrap()
            .is_some()
    );
    // After it, the quick path would leave ledger's page behind: the full build.
    let mut builder = builder.with_clock(at("2026-10-26T10:00:00Z"));
    retitle("Second");
    assert!(
        builder
            .rebuild_releases(&[site.path(PORTAL)])
            .unwrap()
            .is_none()
    );
    let full = builder.build().unwrap();
    assert_eq!(full.rendered, 2, "portal (edited) and ledger (deadline)");
    assert_eq!(
        texts(
            &page(&site, "public/releases/ledger-1.0.0/index.html"),
            "h2#warnings"
        ),
        ["⚠ 2 warnings"]
    );
    builder.persist().unwrap();
}
