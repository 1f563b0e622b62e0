//! End-to-end builds of fixture sites: the generated HTML is parsed with an HTML
//! parser (scraper) and checked for verdicts, scores and reasons in their places.

mod common;

use common::Site;
use common::html::{page, rows, section, sel, text, texts};
use scraper::Html;

fn built(fixture: &str) -> Site {
    let site = Site::copy_of(fixture);
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    site
}

#[test]
fn the_archive_lists_every_release_by_target_date_with_verdict_score_and_blockers() {
    let site = built("verdicts");
    // The archive's months, oldest first, list every release in go-live order.
    let months = ["2026-03", "2026-11", "2026-12"];
    let pages: Vec<Html> = months
        .iter()
        .map(|m| page(&site, &format!("public/archive/{m}.html")))
        .collect();
    let rows: Vec<Vec<String>> = pages.iter().flat_map(|h| rows(h.root_element())).collect();
    assert_eq!(rows.len(), 3);
    // Sorted by go-live: March, then November, then December.
    assert!(rows[0][0].starts_with("Fixture App 1.0.0"), "{rows:?}");
    assert!(rows[1][0].contains("2.0.0-rc.1"), "{rows:?}");
    assert!(rows[2][0].starts_with("Fixture App 1.1.0"), "{rows:?}");
    let verdicts: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(verdicts, ["✓ GO", "✗ NO-GO", "… GO-PENDING"]);
    assert_eq!(rows[0][3], "deployed");
    assert_eq!(rows[0][4], "100%");
    assert_eq!(rows[1][4], "33.3%");
    assert_eq!(rows[1][5], "1", "open blockers");
    assert_eq!(rows[0][1], "Sun 29 Mar 2026, 12:00 CEST");
    for html in &pages {
        for link in html
            .select(&sel("tbody a"))
            .filter_map(|a| a.value().attr("href"))
        {
            let link = link.split('#').next().unwrap();
            assert!(
                site.path(&format!("public/archive/{link}")).is_file(),
                "the archive links to missing {link}"
            );
        }
    }
    // The product pages hold them too, and the dashboard counts them all.
    let product = page(&site, "public/products/fixture-app.html");
    assert_eq!(
        texts(&product, "tbody td[data-label=Release] > a"),
        ["Fixture App 1.1.0", "Fixture App 1.0.0"]
    );
    let dashboard = page(&site, "public/index.html");
    assert!(texts(&dashboard, "ul.stats li")[0].starts_with("3 releases"));
}

#[test]
fn readiness_report_puts_verdict_and_reasons_first() {
    let site = built("verdicts");
    let html = page(&site, "public/releases/fixture-app-1.1.0/index.html");
    let decision = html
        .select(&sel("section.decision"))
        .next()
        .expect("a decision section");
    assert!(
        decision
            .value()
            .attr("class")
            .unwrap()
            .contains("v-go-pending")
    );
    assert_eq!(texts(&html, "section.decision .verdict"), ["… GO-PENDING"]);
    let reasons: Vec<String> = decision.select(&sel(".reasons li")).map(text).collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(
        reasons.iter().all(|r| r.starts_with("Pending")),
        "{reasons:?}"
    );
    assert!(reasons[0].contains("Security review"));
    assert!(reasons[1].contains("Approval pending: Product Manager"));
    // The decision comes before every other section.
    let first_section = html.select(&sel("main > section")).next().unwrap();
    assert_eq!(
        first_section.value().attr("class"),
        Some("decision v-go-pending")
    );
    let due = html
        .select(&sel("#decision-required ~ p time, section time"))
        .find(|t| t.value().attr("datetime") == Some("2026-12-08T17:00:00+01:00"));
    assert!(
        due.is_some(),
        "decision deadline shown with its absolute time"
    );
}

#[test]
fn readiness_report_has_every_section_of_the_readiness_email_and_scorecard() {
    let site = built("verdicts");
    let html = page(&site, "public/releases/fixture-app-1.0.0/index.html");
    let headings = texts(&html, "main h2");
    for wanted in [
        "Go / no-go",
        "Executive summary",
        "Scorecard",
        "What's ready",
        "Known risks",
        "Blockers",
        "Checklist status",
        "Timeline",
        "Rollback plan",
        "Approvals",
        "Deployment",
        "Decision required",
    ] {
        assert!(
            headings.iter().any(|h| h == wanted),
            "missing section {wanted}: {headings:?}"
        );
    }
    let scorecard = rows(section(&html, "scorecard"));
    assert_eq!(scorecard[0][0], "Quality");
    assert_eq!(scorecard[0][1], "2", "weight");
    assert_eq!(scorecard[0][2], "1 / 1", "n/a items are not counted");
    assert_eq!(scorecard[1][0], "Shipping checklist");
    assert_eq!(scorecard[1][3], "100%");

    // T-24h across the spring-forward change: elapsed time, so 11:00 CET the day before.
    let timeline = rows(section(&html, "timeline"));
    assert_eq!(
        timeline[0],
        ["T-24h", "Sat 28 Mar 2026, 11:00 CET", "Freeze", "Ops"]
    );
    assert_eq!(timeline[1][1], "Sun 29 Mar 2026, 12:00 CEST");
    let verification = text(section(&html, "deployment"));
    assert!(
        verification.contains("12 passed, 0 failed, 1 warning")
            && !verification.contains("1 warnings"),
        "{verification}"
    );
}

#[test]
fn checklist_page_groups_items_with_status_owner_due_and_progress() {
    let site = built("verdicts");
    let html = page(&site, "public/releases/fixture-app-1.0.0/checklist.html");
    let categories = texts(&html, "main section h2");
    assert_eq!(categories, ["Quality", "Shipping checklist"]);
    // The shared checklist is grouped by its sections.
    let groups: Vec<String> = texts(&html, "main section h3");
    assert_eq!(groups, ["Build — 2 of 2 done", "Operations — 2 of 2 done"]);
    let backup = html
        .select(&sel("tbody tr"))
        .find(|tr| text(*tr).contains("Backup taken"))
        .expect("the backup item");
    let cells: Vec<String> = backup.select(&sel("td")).map(text).collect();
    assert_eq!(cells[0], "✓ done");
    assert!(cells[1].contains("critical"));
    assert_eq!(
        cells[2], "Ops",
        "default owner from the shared checklist (a group, by name)"
    );
    let evidence: Vec<&str> = html
        .select(&sel("td a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(evidence, ["https://ci.fixture.example/run/1"]);

    let pending = built("verdicts");
    let html = page(&pending, "public/releases/fixture-app-1.1.0/checklist.html");
    let review = html
        .select(&sel("tbody tr"))
        .find(|tr| text(*tr).contains("Security review"))
        .unwrap();
    let cells: Vec<String> = review.select(&sel("td")).map(text).collect();
    assert_eq!(cells[0], "◐ in progress");
    assert_eq!(cells[3], "Wed 9 Dec 2026");
}

#[test]
fn no_go_report_lists_each_failed_rule_as_blocking() {
    let site = built("verdicts");
    let html = page(
        &site,
        "public/releases/fixture-script-alert-x-script-app-2.0.0-rc.1/index.html",
    );
    assert_eq!(texts(&html, "section.decision .verdict"), ["✗ NO-GO"]);
    let reasons = texts(&html, "section.decision .reasons li.blocking");
    for wanted in [
        "Readiness is 33.3%, below the 80% threshold",
        "Critical item is blocked: Quality › Load test",
        "Approval rejected by CTO",
        "Open blocker, with no ETA: Vendor outage",
        "Critical risk without mitigation: Data loss",
    ] {
        assert!(
            reasons.iter().any(|r| r.contains(wanted)),
            "missing `{wanted}` in {reasons:?}"
        );
    }
    assert_eq!(
        texts(&html, "section.decision .reasons li.pending").len(),
        1,
        "the missing PM approval only defers"
    );
}

#[test]
fn content_text_is_escaped_and_markdown_is_sanitised() {
    let site = built("verdicts");
    let slug = "fixture-script-alert-x-script-app-2.0.0-rc.1";
    for file in ["index.html", "checklist.html"] {
        let html = page(&site, &format!("public/releases/{slug}/{file}"));
        assert_eq!(
            html.select(&sel("script")).count(),
            0,
            "{file} has a script element"
        );
        assert_eq!(
            html.select(&sel("img")).count(),
            0,
            "{file} has an injected img"
        );
        assert_eq!(
            html.select(&sel("main b")).count(),
            0,
            "{file}: a title's raw HTML became markup"
        );
        for a in html.select(&sel("a")) {
            let href = a.value().attr("href").unwrap_or_default();
            assert!(
                !href.to_lowercase().starts_with("javascript:"),
                "{file}: {href}"
            );
        }
    }
    let html = page(&site, &format!("public/releases/{slug}/index.html"));
    let h1 = texts(&html, "h1");
    assert_eq!(
        h1,
        ["Fixture <script>alert('x')</script> App 2.0.0-rc.1 — Risky & <b>bold</b>"],
        "shown as text"
    );
    assert_eq!(
        html.select(&sel("#summary ~ strong, section strong"))
            .filter(|s| text(*s) == "markdown")
            .count(),
        1
    );
    let facts = texts(&html, ".facts dd");
    assert!(
        facts
            .iter()
            .any(|f| f == "Guest <img src=x onerror=alert(1)>"),
        "{facts:?}"
    );
}

#[test]
fn pages_load_nothing_from_other_hosts() {
    let site = built("verdicts");
    for entry in walkdir::WalkDir::new(site.path("public")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = Html::parse_document(&std::fs::read_to_string(entry.path()).unwrap());
        for (css, attr) in [
            ("link", "href"),
            ("script", "src"),
            ("img", "src"),
            ("iframe", "src"),
            ("source", "src"),
        ] {
            for e in html.select(&sel(css)) {
                let url = e.value().attr(attr).unwrap_or_default();
                assert!(
                    !url.contains("//"),
                    "{} loads {url}",
                    entry.path().display()
                );
            }
        }
        // Email previews carry their CSS inline; pages link the site's stylesheet.
        if entry.path().parent().is_some_and(|p| p.ends_with("emails")) {
            assert_eq!(html.select(&sel("link")).count(), 0);
            continue;
        }
        // So does the war-room pack, whose only link is its `data:` favicon
        // (tests/warroom.rs checks it in full).
        if entry.path().ends_with("warroom.html") {
            assert_eq!(html.select(&sel("link[rel=stylesheet]")).count(), 0);
            continue;
        }
        let stylesheet = html
            .select(&sel("link[rel=stylesheet]"))
            .next()
            .unwrap()
            .value()
            .attr("href")
            .unwrap();
        let resolved = entry.path().parent().unwrap().join(stylesheet);
        assert!(
            resolved.is_file(),
            "stylesheet {stylesheet} missing for {}",
            entry.path().display()
        );
    }
    let css = site.read("public/assets/golive.css");
    assert!(
        !css.contains("@import") && !css.contains("url("),
        "the stylesheet loads nothing else"
    );
    assert!(css.contains("@media print"));
}

#[test]
fn readiness_json_carries_the_evaluation() {
    let site = built("verdicts");
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/releases/fixture-app-1.1.0/readiness.json"))
            .unwrap();
    assert_eq!(json["verdict"], "GO-PENDING");
    assert_eq!(json["score"], 80.0);
    assert_eq!(json["state"], "scheduled");
    let rules: Vec<&str> = json["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "critical-item-due-before-go-live",
            "approval-pending",
            "blocker-due-before-go-live"
        ]
    );
    assert_eq!(json["categories"][0]["score"], 80.0);
    assert_eq!(json["target"]["iso"], "2026-12-10T09:00:00+01:00");
}

#[test]
fn check_exits_by_verdict_and_prints_reasons() {
    let site = Site::copy_of("verdicts");
    let all = site.run(&["check"]);
    assert_eq!(all.code, Some(1), "{}", all.describe());
    assert!(all.stdout.contains("Approval rejected by CTO"));

    let go = site.run(&["check", "--release", "fixture-app-1.0.0"]);
    assert_eq!(go.code, Some(0), "{}", go.describe());
    assert!(go.stdout.starts_with("GO "), "{}", go.stdout);

    let by_path = site.run(&["check", "--release", "content/releases/pending.yaml"]);
    assert_eq!(by_path.code, Some(1), "{}", by_path.describe());
    assert!(by_path.stdout.contains("GO-PENDING fixture-app-1.1.0"));
    assert!(!by_path.stdout.contains("1.0.0"));

    let unknown = site.run(&["check", "--release", "fixture-ap-1.0.0"]);
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown.stderr.contains("did you mean `fixture-app-1.0.0`?"),
        "{}",
        unknown.describe()
    );
    assert!(!site.path("public").exists(), "check writes nothing");
}

#[test]
fn check_json_is_machine_readable() {
    let site = Site::copy_of("verdicts");
    let out = site.run(&[
        "check",
        "--format",
        "json",
        "--release",
        "fixture-app-1.1.0",
    ]);
    assert_eq!(out.code, Some(1));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["go"], false);
    assert_eq!(json["releases"][0]["verdict"], "GO-PENDING");
    assert_eq!(json["releases"][0]["reasons"].as_array().unwrap().len(), 3);
}

#[test]
fn build_out_writes_elsewhere_and_refuses_a_folder_it_did_not_make() {
    let site = Site::copy_of("verdicts");
    let out = site.run(&["build", "--out", "site-out"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(site.path("site-out/index.html").is_file());
    assert!(!site.path("public").exists());
    // A second build replaces its own output.
    assert_eq!(site.run(&["build", "--out", "site-out"]).code, Some(0));

    let refused = site.run(&["build", "--out", "content"]);
    assert_eq!(refused.code, Some(1), "{}", refused.describe());
    assert!(
        refused.stderr.contains("was not made by golive"),
        "{}",
        refused.describe()
    );
    assert!(
        site.path("content/site.yaml").is_file(),
        "content untouched"
    );
    // (`.golive` holds what the calendars remember between builds.)
    assert_eq!(
        site.top_level(),
        [".golive", "content", "site-out"],
        "no staging folder left behind"
    );
}

#[test]
fn a_site_layout_overrides_the_built_in_template() {
    let site = Site::copy_of("verdicts");
    site.write(
        "layouts/dashboard.html",
        "{% extends \"base.html\" %}{% block content %}<p id=\"custom\">{{ counts.releases }} releases here</p>{% endblock content %}",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let html = page(&site, "public/index.html");
    assert_eq!(texts(&html, "#custom"), ["3 releases here"]);
    // Other templates are still the built-in ones.
    let report = page(&site, "public/releases/fixture-app-1.0.0/index.html");
    assert_eq!(texts(&report, "section.decision .verdict"), ["✓ GO"]);
}

#[test]
fn a_broken_override_is_reported_with_its_file_and_leaves_output_alone() {
    let site = built("verdicts");
    let before = site.snapshot("public");
    site.write(
        "layouts/release.html",
        "{% extends \"base.html\" %}{% block content %}{{ report.verdict %}{% endblock content %}",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(
        out.stderr.contains("layouts/release.html"),
        "{}",
        out.describe()
    );
    assert_eq!(site.snapshot("public"), before);
}

#[test]
fn a_rebuild_of_unchanged_content_writes_nothing_and_removed_releases_disappear() {
    let site = built("verdicts");
    let again = site.run(&["build"]);
    assert_eq!(again.code, Some(0), "{}", again.describe());
    assert!(
        again.stdout.contains("(0 rendered)") && again.stdout.contains("; 0 of "),
        "{}",
        again.stdout
    );
    site.remove("content/releases/go.yaml");
    let removed = site.run(&["build"]);
    assert_eq!(removed.code, Some(0), "{}", removed.describe());
    assert!(
        !site.path("public/releases/fixture-app-1.0.0").exists(),
        "a removed release's pages are deleted"
    );
    let manifest = site.read("public/.golive-manifest");
    assert!(
        !manifest.contains("fixture-app-1.0.0"),
        "and gone from the manifest"
    );
    assert!(manifest.contains("releases/fixture-app-1.1.0/index.html"));
}
