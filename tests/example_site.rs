//! The example site in this repository's content/ builds and shows every state.

mod common;

use std::path::Path;

use common::Site;
use scraper::{Html, Selector};

#[test]
fn example_site_builds_and_its_dashboard_shows_every_state() {
    let site = Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(out.stdout.starts_with("built 7 releases"), "{}", out.stdout);

    // Its product's page lists every release (the dashboard only those of now).
    let html = Html::parse_document(&site.read("public/products/northwind-erp.html"));
    let cell = |n: usize| -> Vec<String> {
        let css = Selector::parse(&format!("tbody tr td:nth-child({n})")).unwrap();
        html.select(&css)
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    };
    let mut states = cell(4);
    states.sort();
    // 2.3.3 is the emergency change, deployed on verbal approvals.
    assert_eq!(
        states,
        [
            "deployed",
            "deployed",
            "deployed",
            "in progress",
            "postponed",
            "rolled back",
            "scheduled"
        ]
    );
    let verdicts = cell(3);
    assert!(verdicts.iter().any(|v| v.ends_with(" GO")), "{verdicts:?}");
    assert!(
        verdicts.iter().any(|v| v.ends_with("NO-GO")),
        "{verdicts:?}"
    );

    for slug in [
        "northwind-erp-2.2.3",
        "northwind-erp-2.2.4",
        "northwind-erp-2.3.0",
        "northwind-erp-2.3.1",
        "northwind-erp-2.3.2",
        "northwind-erp-2.3.3",
        "northwind-erp-2.4.0",
    ] {
        for file in ["index.html", "checklist.html", "readiness.json"] {
            assert!(
                site.path(&format!("public/releases/{slug}/{file}"))
                    .is_file(),
                "{slug}/{file}"
            );
        }
    }
}

#[test]
fn the_example_emergency_change_shows_its_expedited_path() {
    let site = Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let html =
        Html::parse_document(&site.read("public/releases/northwind-erp-2.3.3/approval.html"));
    let select = |css: &str| -> Vec<String> {
        let css = Selector::parse(css).unwrap();
        html.select(&css)
            .map(|e| {
                e.text()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    assert!(select("h2#phases").is_empty(), "no approval phases");
    assert_eq!(select("h2#expedited"), ["Expedited approval path"]);
    assert_eq!(
        select("table.verbal tbody tr td:first-child"),
        ["CTO", "VP Engineering", "DevOps Lead"]
    );
    assert_eq!(
        select("table.deadlines tbody tr td:first-child"),
        [
            "Full deployment request written up",
            "Post-implementation review"
        ]
    );
    assert_eq!(
        site.run(&["check", "--release", "northwind-erp-2.3.3"])
            .code,
        Some(0),
        "GO on its verbal approvals"
    );
}

#[test]
fn example_check_gates_on_the_upcoming_release() {
    let site = Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(
        site.run(&["check", "--release", "northwind-erp-2.3.0"])
            .code,
        Some(0)
    );
    let upcoming = site.run(&["check", "--release", "northwind-erp-2.4.0"]);
    assert_eq!(upcoming.code, Some(1), "{}", upcoming.describe());
    assert!(upcoming.stdout.starts_with("NO-GO"));
}

#[test]
fn example_releases_owe_the_email_their_state_calls_for() {
    let site = Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let kinds = |slug: &str| -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(site.path(&format!("public/releases/{slug}/emails")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter_map(|n| n.strip_suffix(".eml").map(str::to_string))
                .collect();
        names.sort();
        names
    };
    assert_eq!(kinds("northwind-erp-2.3.0"), ["success"]);
    assert_eq!(kinds("northwind-erp-2.3.2"), ["started"]);
    assert_eq!(kinds("northwind-erp-2.2.4"), ["issue"]);
    assert_eq!(kinds("northwind-erp-2.2.3"), ["issue"]);
    assert_eq!(kinds("northwind-erp-2.4.0"), ["readiness"]);

    // 2.3.0 met every success criterion it set.
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/releases/northwind-erp-2.3.0/readiness.json"))
            .unwrap();
    let outcomes: Vec<&str> = json["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["met", "met", "met", "met", "met", "no-target"]);
    // 2.2.4 missed one, and failed checks.
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/releases/northwind-erp-2.2.4/readiness.json"))
            .unwrap();
    assert_eq!(json["criteria_missed"], 1);
}

/// Issue 14: the example site's calendar. 2.4.0 waits for 2.3.1 (its
/// row-level security covers the table 2.3.1 partitions), which is NO-GO;
/// 2.3.1's day-long window runs past business hours.
#[test]
fn the_example_site_shows_a_dependency_chain_and_a_collision() {
    use common::html::{page, rows, section, texts};
    let site = Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());

    let report = page(&site, "public/releases/northwind-erp-2.4.0/index.html");
    let chain = rows(section(&report, "depends-on"));
    assert_eq!(chain.len(), 1, "{chain:?}");
    assert_eq!(chain[0][1], "← Northwind ERP 2.3.1");
    assert_eq!(chain[0][5], "✗ fails: Northwind ERP 2.3.1 is NO-GO");
    let reasons = texts(&report, "section.decision ul.reasons li");
    assert!(
        reasons
            .iter()
            .any(|r| r.ends_with("Waits for Northwind ERP 2.3.1, which is NO-GO")),
        "{reasons:?}"
    );

    let postponed = page(&site, "public/releases/northwind-erp-2.3.1/index.html");
    assert_eq!(
        texts(&postponed, "ul.collisions li"),
        [
            "Warning Outside business hours (Mon-Fri, 09:00–18:00 Asia/Kolkata): ends at 19:00 IST, after 18:00"
        ]
    );
    let dashboard = page(&site, "public/index.html");
    assert!(
        texts(&dashboard, "ul.stats li").contains(&"1 ⚠ with collisions".to_string()),
        "{:?}",
        texts(&dashboard, "ul.stats li")
    );

    let check = site.run(&["check", "--release", "northwind-erp-2.3.1"]);
    assert!(
        check.stdout.contains(
            "collision: content/releases/northwind-erp-2.3.1.yaml: Outside business hours"
        ),
        "{}",
        check.stdout
    );
}
