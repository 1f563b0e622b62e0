//! Monitoring and support on the go-live runbook (issue 13, item 5): the alert
//! tiers with their response times, the support contact matrix and the on-call
//! rota, read from the example site's pages the way a person reads them; and
//! bad `support:` values, each a located error.

mod common;

use std::path::Path;

use common::html::{page, rows, section, text, texts};
use common::{Output, Site, diagnostics_at, line_of, replace_once, reported_places};
use scraper::Html;

const SITE: &str = "content/site.yaml";
const R240: &str = "content/releases/northwind-erp-2.4.0.yaml";

/// A copy of this repository's example site.
fn example() -> Site {
    Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
}

fn build(site: &Site) {
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
}

fn runbook(site: &Site, slug: &str) -> Html {
    page(site, &format!("public/releases/{slug}/runbook.html"))
}

/// The row of a table in section `id` whose first cell starts with `first`.
fn row(html: &Html, id: &str, first: &str) -> Vec<String> {
    rows(section(html, id))
        .into_iter()
        .find(|r| r.first().is_some_and(|c| c.starts_with(first)))
        .unwrap_or_else(|| panic!("no row `{first}` in #{id}: {:?}", rows(section(html, id))))
}

#[test]
fn the_runbook_shows_each_alert_tier_with_its_triggers_and_response_time() {
    let site = example();
    build(&site);
    let html = runbook(&site, "northwind-erp-2.4.0");
    let headers = texts(&html, "section:has(h2#alerts) th");
    assert_eq!(
        headers,
        [
            "Tier",
            "Triggered by",
            "Who is paged",
            "Respond within",
            "How"
        ]
    );
    let p1 = row(&html, "alerts", "P1");
    assert_eq!(p1[0], "P1 Critical");
    assert!(
        p1[1].contains("Error rate above 10% for 5 minutes"),
        "{p1:?}"
    );
    assert_eq!(p1[3], "5 minutes");
    assert!(p1[4].contains("PagerDuty phone call"), "{p1:?}");
    let p2 = row(&html, "alerts", "P2");
    assert_eq!((p2[0].as_str(), p2[3].as_str()), ("P2 Major", "30 minutes"));
    let p3 = row(&html, "alerts", "P3");
    assert_eq!(
        (p3[0].as_str(), p3[3].as_str()),
        ("P3 Minor", "1 business day")
    );
    assert!(p3[1].contains("Backup job warnings"), "{p3:?}");

    // 2.4.0 replaces the site's P1 with its own; other releases keep the site's.
    assert!(
        p1[1].contains("401 rate above 2% after the token change"),
        "{p1:?}"
    );
    let other = runbook(&site, "northwind-erp-2.3.2");
    let p1 = row(&other, "alerts", "P1");
    assert!(!p1[1].contains("401 rate"), "{p1:?}");
    assert_eq!(rows(section(&other, "alerts")).len(), 3);
}

#[test]
fn the_runbook_shows_the_support_contact_matrix() {
    let site = example();
    build(&site);
    let html = runbook(&site, "northwind-erp-2.4.0");
    let headers = texts(&html, "section:has(h2#support) th");
    assert_eq!(
        headers,
        [
            "Area",
            "Who",
            "How to reach",
            "Hours",
            "Respond within",
            "Escalate to"
        ]
    );
    let security = row(&html, "support", "Security incident");
    assert_eq!(security[1], "Sofia Marques (Security Officer)");
    // Without `reach`, the person's own phone, chat and email.
    assert_eq!(
        security[2],
        "+91 80 5550 0140 · @sofia.sec · sofia.marques@northwind.example"
    );
    assert_eq!(security[3..], ["24/7", "15 minutes", "Vikram Rao (CTO)"]);
    let database = row(&html, "support", "Database issues");
    assert_eq!(
        database[2..],
        [
            "#nw-dba, phone for P1",
            "24/7",
            "30 minutes",
            "Daniel Okafor (DevOps Lead)"
        ]
    );
    let bugs = row(&html, "support", "Application bugs");
    assert_eq!(bugs[3..5], ["Mon–Fri 09:00–18:00 IST", "4 hours"]);
    // The release's own contact comes after the site's, on its page only.
    let areas: Vec<String> = rows(section(&html, "support"))
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(
        areas.last().map(String::as_str),
        Some("Encryption back-fill")
    );
    let other = runbook(&site, "northwind-erp-2.3.2");
    assert!(
        !text(section(&other, "support")).contains("Encryption back-fill"),
        "a release's contact shows on other releases"
    );
}

#[test]
fn the_runbook_shows_who_is_on_call_at_go_live_and_the_week_after() {
    let site = example();
    build(&site);
    let html = runbook(&site, "northwind-erp-2.4.0");
    let oncall = section(&html, "oncall");
    assert_eq!(
        texts(&html, "section:has(h2#oncall) p.oncall-now"),
        [
            "On call at go-live (Fri 4 Dec 2026, 09:00 IST): Tomás Herrera (Site Reliability Engineer), backed by Kenji Watanabe (Database Administrator)."
        ]
    );
    let shifts = rows(oncall);
    assert_eq!(shifts.len(), 2, "{shifts:?}");
    assert_eq!(
        shifts[0][0],
        "Mon 30 Nov 2026, 09:00 IST on call at go-live"
    );
    assert_eq!(shifts[0][1], "Mon 7 Dec 2026, 09:00 IST");
    assert!(shifts[0][2].starts_with("Tomás Herrera"), "{shifts:?}");
    assert!(shifts[0][2].contains("+34 91 555 0131"), "{shifts:?}");
    assert!(shifts[1][2].starts_with("Inês Costa"), "{shifts:?}");
    assert!(shifts[1][3].starts_with("Daniel Okafor"), "{shifts:?}");

    // Five weeks into the rota (a Thursday in October), the second pair is on call.
    let october = runbook(&site, "northwind-erp-2.3.0");
    assert_eq!(
        texts(&october, "section:has(h2#oncall) p.oncall-now"),
        [
            "On call at go-live (Thu 15 Oct 2026, 09:00 IST): Inês Costa (Backend Engineer), backed by Daniel Okafor (DevOps Lead)."
        ]
    );

    // Pipelines find the same in readiness.json.
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/releases/northwind-erp-2.4.0/readiness.json"))
            .unwrap();
    assert_eq!(json["support"]["rota"][0]["primary"], "tomas");
    assert_eq!(json["support"]["rota"][0]["at_go_live"], true);
    assert_eq!(json["support"]["alert_tiers"][0]["response"], "5 minutes");
}

#[test]
fn a_rota_that_starts_after_go_live_is_flagged_on_the_runbook() {
    let site = example();
    let text_before = site.read(SITE);
    site.write(
        SITE,
        replace_once(
            &text_before,
            "starts: 2026-09-07 09:00",
            "starts: 2027-01-04 09:00",
        ),
    );
    build(&site);
    let html = runbook(&site, "northwind-erp-2.4.0");
    let oncall = text(section(&html, "oncall"));
    assert!(
        oncall.contains("No shift of the rota covers go-live. Arrange on-call cover before T+0."),
        "{oncall}"
    );
    assert!(texts(&html, "p.oncall-now").is_empty());
}

#[test]
fn a_site_without_support_says_what_to_add() {
    let site = Site::copy_of("basic");
    build(&site);
    let html = runbook(&site, "acme-erp-2.0.0");
    for (id, says) in [
        ("oncall", "No on-call rota recorded"),
        ("alerts", "No alert tiers recorded"),
        ("support", "No support contacts recorded"),
    ] {
        let shown = text(section(&html, id));
        assert!(shown.contains(says), "#{id}: {shown}");
    }
}

// ---------------------------------------------------------------- bad values

/// Edits `file` of a fresh copy of the example site (the only `from` becomes
/// `to`), runs `check`, and expects exit 2 with a diagnostic at the line of
/// `at` (in the edited text) that mentions each of `mentions`.
fn expect_located(file: &str, from: &str, to: &str, at: &str, mentions: &[&str]) -> Output {
    let site = example();
    let text = replace_once(&site.read(file), from, to);
    site.write(file, &text);
    let line = line_of(&text, at);
    let out = site.run(&["check"]);
    let context = out.describe();
    assert!(!out.stderr.contains("panicked"), "{context}");
    assert_eq!(out.code, Some(2), "{context}");
    let found = diagnostics_at(&out.stderr, file, line).join("");
    assert!(
        !found.is_empty(),
        "nothing at {file}:{line} (reported at {:?})\n{context}",
        reported_places(&out.stderr)
    );
    for m in mentions {
        assert!(found.contains(m), "`{m}` not in:\n{found}\n{context}");
    }
    out
}

#[test]
fn a_response_time_that_is_not_a_duration_is_located() {
    expect_located(
        SITE,
        "respond_within: 30m\n",
        "respond_within: half an hour\n",
        "half an hour",
        &["not a duration", "5m"],
    );
}

#[test]
fn a_response_time_of_zero_is_located() {
    expect_located(
        SITE,
        "respond_within: 5m\n",
        "respond_within: 0m\n",
        "respond_within: 0m",
        &["within some time, not 0", "5m, 30m or 1d"],
    );
}

#[test]
fn an_unknown_person_paged_by_a_tier_is_located_with_a_suggestion() {
    expect_located(
        SITE,
        "      page: [devops]\n",
        "      page: [devosp]\n",
        "[devosp]",
        &["unknown person or group `devosp`", "did you mean `devops`"],
    );
}

#[test]
fn an_unknown_key_in_a_tier_suggests_the_right_one() {
    expect_located(
        SITE,
        "      business_hours: true",
        "      business_hour: true",
        "business_hour:",
        &["business_hour", "did you mean `business_hours`"],
    );
}

#[test]
fn an_unknown_escalation_contact_in_a_release_is_located_in_the_release() {
    expect_located(
        R240,
        "escalate_to: kenji}",
        "escalate_to: kenjii}",
        "kenjii",
        &["unknown person or group `kenjii`", "did you mean `kenji`"],
    );
}

#[test]
fn an_unknown_person_in_the_rota_is_located() {
    expect_located(
        SITE,
        "{primary: nisha, secondary: sofia}",
        "{primary: nisha, secondary: sophia}",
        "sophia",
        &["unknown person or group `sophia`", "did you mean `sofia`"],
    );
}

#[test]
fn a_rota_shift_shorter_than_an_hour_is_located() {
    expect_located(
        SITE,
        "    length: 7d\n",
        "    length: 30m\n",
        "length: 30m",
        &["too short", "at least 1h"],
    );
}

#[test]
fn a_tier_listed_twice_in_any_letter_case_is_located_at_the_second() {
    expect_located(
        SITE,
        "    - tier: P3\n",
        "    - tier: p2\n",
        "tier: p2",
        &["tier `p2` is listed twice", "one entry per tier"],
    );
}

// ---------------------------------------------------------------- JSON Schema

#[test]
fn the_release_schema_describes_support_and_rejects_bad_values() {
    let out = common::golive(&["schema"], Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let described = schema["properties"]["support"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(
        described.starts_with("Alert tiers and support contacts"),
        "{described}"
    );
    let validator = jsonschema::validator_for(&schema).unwrap();
    let release = |support: &str| -> serde_json::Value {
        let yaml = format!(
            "product: Acme\nversion: 1.0.0\nchange_type: feature\ntarget: 2026-12-04 09:00\nowner: ana\nsupport: {support}\n"
        );
        serde_json::to_value(serde_yaml::from_str::<serde_yaml::Value>(&yaml).unwrap()).unwrap()
    };
    let good = release(
        "{alert_tiers: [{tier: P1, respond_within: 5m, page: [ops]}], contacts: [{area: DB, who: dba, respond_within: 30m}], rota: {starts: 2026-09-07 09:00, length: 7d, shifts: [{primary: a, secondary: b}]}}",
    );
    assert!(
        validator.is_valid(&good),
        "{:?}",
        validator
            .iter_errors(&good)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    for (bad, why) in [
        (
            "{alert_tiers: [{tier: P1, respond_within: 5 minutes}]}",
            "a response time in words",
        ),
        (
            "{alert_tiers: [{tier: P1}]}",
            "a tier without a response time",
        ),
        (
            "{contacts: [{area: DB, who: dba, phone: 123}]}",
            "an unknown key in a contact",
        ),
        (
            "{rota: {starts: 2026-09-07, shifts: []}}",
            "a rota without a shift length",
        ),
    ] {
        assert!(
            !validator.is_valid(&release(bad)),
            "the schema accepts {why}"
        );
    }
}
