//! The war-room pack (issue 14, item 2): each release's `warroom.html` holds,
//! by visible text, the go-live runbook, the timeline with absolute times, the
//! rollback plan, the escalation tree with phones and chat, the health checks
//! and dashboards written out, and the full text of every troubleshooting
//! runbook the release links to; and it refers to nothing it would have to
//! load. Read with a real HTML parser, from the example site and a fixture.
//! The browser side (offline, printed) is in tests/browser.rs.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::html::{page, rows, sel, text, texts};
use common::{Site, replace_once};
use scraper::{ElementRef, Html};

/// The clock the pages are built with, so the "printed" date is known.
const NOW: &str = "2026-11-21 10:00";

fn example() -> Site {
    Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
}

fn build(site: &Site) {
    let out = site.run(&["--now", NOW, "build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
}

fn pack(site: &Site, slug: &str) -> Html {
    page(site, &format!("public/releases/{slug}/warroom.html"))
}

/// The slugs of every built release.
fn slugs(site: &Site) -> Vec<String> {
    let mut slugs: Vec<String> = std::fs::read_dir(site.path("public/releases"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    slugs.sort();
    slugs
}

/// The section (or runbook article) whose own heading has id `id`.
fn section<'a>(html: &'a Html, id: &str) -> ElementRef<'a> {
    html.select(&sel("section, article"))
        .find(|s| {
            s.select(&sel(&format!(":scope > h2#{id}")))
                .next()
                .is_some()
        })
        .unwrap_or_else(|| panic!("no section with h2#{id}"))
}

/// The row of the table in section `id` whose first cell starts with `first`.
fn row(html: &Html, id: &str, first: &str) -> Vec<String> {
    rows(section(html, id))
        .into_iter()
        .find(|r| r.first().is_some_and(|c| c.starts_with(first)))
        .unwrap_or_else(|| panic!("no row `{first}` in #{id}: {:?}", rows(section(html, id))))
}

/// The value of the header's fact `label` (`<dt>label</dt><dd>value</dd>`).
fn fact(html: &Html, label: &str) -> String {
    html.select(&sel("header .facts div"))
        .find(|d| {
            d.select(&sel("dt"))
                .next()
                .is_some_and(|t| text(t) == label)
        })
        .map(|d| text(d.select(&sel("dd")).next().unwrap()))
        .unwrap_or_else(|| panic!("no fact `{label}`"))
}

/// Every way `html` could make a browser load something, as a list of findings.
fn external_references(html: &Html) -> Vec<String> {
    let mut found = Vec::new();
    for css in [
        "script", "img", "iframe", "frame", "object", "embed", "video", "audio", "source", "track",
        "picture", "base", "form",
    ] {
        for e in html.select(&sel(css)) {
            found.push(format!("<{css}> {}", e.html()));
        }
    }
    for e in html.select(&sel("link")) {
        let rel = e.value().attr("rel").unwrap_or_default();
        let href = e.value().attr("href").unwrap_or_default();
        if rel != "icon" || !href.starts_with("data:") {
            found.push(format!("<link rel={rel} href={href}>"));
        }
    }
    for e in html.select(&sel("[src], [srcset], [poster], [background]")) {
        found.push(format!("loads from an attribute: {}", e.html()));
    }
    let styles: Vec<String> = html
        .select(&sel("style"))
        .map(|s| s.text().collect())
        .chain(
            html.select(&sel("[style]"))
                .map(|e| e.value().attr("style").unwrap().to_string()),
        )
        .collect();
    for css in styles {
        let lower = css.to_ascii_lowercase();
        for needle in ["@import", "url(", "image-set(", "@font-face"] {
            if lower.contains(needle) {
                found.push(format!("CSS with {needle}"));
            }
        }
    }
    found
}

#[test]
fn every_release_of_the_example_gets_a_self_contained_pack() {
    let site = example();
    build(&site);
    let manifest = site.read("public/.golive-manifest");
    for slug in slugs(&site) {
        let html = pack(&site, &slug);
        assert_eq!(external_references(&html), Vec::<String>::new(), "{slug}");
        assert_eq!(html.select(&sel("style")).count(), 1, "{slug}: CSS inlined");
        let title = texts(&html, "h1").join(" ");
        assert!(title.contains("Northwind ERP"), "{slug}: {title}");
        let h2: Vec<String> = texts(&html, "h2");
        for heading in [
            "Contents",
            "Timeline",
            "Rollback",
            "Escalation",
            "Verification and health checks",
            "Troubleshooting runbooks",
        ] {
            assert!(
                h2.iter().any(|h| h == heading),
                "{slug}: no `{heading}` in {h2:?}"
            );
        }
        // In-file navigation: every #anchor lands, and no id is used twice.
        let ids: Vec<&str> = html
            .select(&sel("[id]"))
            .map(|e| e.value().attr("id").unwrap())
            .collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{slug}: duplicate ids");
        for a in html.select(&sel("a[href^='#']")) {
            let target = &a.value().attr("href").unwrap()[1..];
            assert!(unique.contains(target), "{slug}: #{target} lands nowhere");
        }
        assert!(
            manifest.contains(&format!("releases/{slug}/warroom.html")),
            "{slug}: the pack is one of the build's outputs"
        );
        // The report links to it.
        let report = page(&site, &format!("public/releases/{slug}/index.html"));
        assert!(
            report
                .select(&sel("a[href='warroom.html']"))
                .any(|a| text(a) == "War-room pack (offline, printable)"),
            "{slug}: the report links to the pack"
        );
    }
}

#[test]
fn the_pack_holds_what_the_war_room_needs_by_visible_text() {
    let site = example();
    build(&site);
    let html = pack(&site, "northwind-erp-2.4.0");
    let header = text(html.select(&sel("header")).next().unwrap());
    for expected in [
        "Northwind ERP 2.4.0 — Security Hardening Release",
        "Printed from golive on Sat 21 Nov 2026,",
        "https://releases.northwind.example/releases/northwind-erp-2.4.0/runbook.html",
    ] {
        assert!(header.contains(expected), "`{expected}` not in: {header}");
    }
    assert_eq!(fact(&html, "Verdict"), "✗ NO-GO scheduled");
    assert_eq!(
        fact(&html, "Go-live (T+0)"),
        "Fri 4 Dec 2026, 09:00 IST (03:30 UTC)"
    );
    assert_eq!(
        fact(&html, "Release owner"),
        "Ananya Iyer+91 80 5550 0110 · @ananya"
    );
    // The timeline with absolute times, in the release's zone and UTC.
    assert_eq!(
        row(&html, "timeline", "T-24h")[..3],
        [
            "T-24h",
            "Thu 3 Dec 2026, 09:00 IST (03:30 UTC)",
            "Final backup of production database and verified restore"
        ]
    );
    // Rollback triggers and steps.
    let rollback = text(section(&html, "rollback"));
    for expected in [
        "Estimated time: 25 minutes",
        "Any cross-tenant data visible in the isolation probe",
        "Within 10m: Disable RLS with the down-migration",
    ] {
        assert!(
            rollback.contains(expected),
            "`{expected}` not in: {rollback}"
        );
    }
    // Escalation with phone and chat.
    assert_eq!(
        row(&html, "escalation", "Primary")[2..4],
        ["+34 91 555 0131", "@tomas.sre"]
    );
    // Health checks and dashboards, their addresses written out.
    assert_eq!(
        row(&html, "verification", "Auth health")[1],
        "https://api.northwind.example/api/health/auth"
    );
    assert!(
        texts(&html, "#dashboards ~ ul li")
            .iter()
            .any(|l| l == "ERP overview: https://grafana.northwind.example/d/erp-overview"),
        "{:?}",
        texts(&html, "#dashboards ~ ul li")
    );
    // Support from site.yaml, as on the runbook page.
    assert!(text(section(&html, "alerts")).contains("Signs of a security breach"));
    // Every linked runbook, whole: the same text as its own page.
    for name in [
        "authentication-failures",
        "database-connection-errors",
        "high-response-time",
    ] {
        let own = page(&site, &format!("public/runbooks/{name}.html"));
        let own_text = text(own.select(&sel("article.markdown")).next().unwrap());
        let packed = section(&html, &format!("rb-{name}"));
        let body = text(packed.select(&sel(".markdown")).next().unwrap());
        assert_eq!(body, own_text, "{name}");
        assert!(body.len() > 500, "{name}: {body}");
    }
    let db = text(section(&html, "rb-database-connection-errors"));
    assert!(db.contains("Are sessions stuck in a transaction?"), "{db}");
    assert!(
        db.contains("pg_isready -h pg-primary.erp.internal -p 5432"),
        "{db}"
    );
}

#[test]
fn a_fixture_pack_keeps_links_between_packed_runbooks_in_the_file() {
    let site = Site::copy_of("runbooks");
    // A team on call: the tree goes down to its members' phones.
    let release = "content/releases/ledger-3.0.0.yaml";
    site.write(
        release,
        replace_once(
            &site.read(release),
            "escalation:\n",
            "oncall: [dba-team]\nescalation:\n",
        ),
    );
    build(&site);
    let html = pack(&site, "ledger-3.0.0");
    assert_eq!(external_references(&html), Vec::<String>::new());
    assert_eq!(
        row(&html, "escalation", "Primary")[1..4],
        ["Kai Müller (DevOps Lead)", "+49 30 3333 4444", "@kai-ops"]
    );
    assert_eq!(
        row(&html, "escalation", "On call")[1],
        "Dba teamNoor Rahman · +49 30 5555 6666 · #dba-oncall"
    );
    assert_eq!(
        texts(&html, "#escalation ~ table .members li"),
        ["Noor Rahman · +49 30 5555 6666 · #dba-oncall"]
    );
    assert_eq!(
        row(&html, "timeline", "T+0")[1],
        "Mon 15 Mar 2027, 09:00 CET (08:00 UTC)"
    );
    assert!(text(section(&html, "sequence")).contains("Run migration 042 (partition journal)"));
    assert!(
        texts(&html, "#dashboards ~ ul li")
            .iter()
            .any(|l| l == "Grafana: Ledger DB: https://grafana.example/d/ledger-db")
    );
    // Both linked runbooks (one written with `.md`), in the order linked.
    let titles = texts(&html, "article.runbook > h2");
    assert_eq!(titles, ["Database connection errors", "High response time"]);
    let db = section(&html, "rb-database-connection-errors");
    let link = |label: &str| {
        db.select(&sel("a"))
            .find(|a| text(*a) == label)
            .and_then(|a| a.value().attr("href"))
            .unwrap_or_else(|| panic!("no link `{label}`"))
            .to_string()
    };
    // To a packed runbook: a place in the file; to another: the site.
    assert_eq!(link("High response time"), "#rb-high-response-time");
    assert_eq!(
        link("authentication failures"),
        "https://releases.runbooks.example/runbooks/authentication-failures.html#immediate-actions"
    );
    // The runbook's own headings, ids prefixed so two runbooks' ids differ.
    assert!(
        db.select(&sel("h2#rb-database-connection-errors--symptoms"))
            .next()
            .is_some()
    );
    // The verification checks with their URLs and one without.
    assert_eq!(
        row(&html, "verification", "Journal partitions"),
        ["Journal partitions", "—", "12 partitions"]
    );
}

#[test]
fn a_release_without_runbooks_says_so() {
    let site = Site::copy_of("runbooks");
    let release = "content/releases/ledger-3.0.0.yaml";
    site.write(
        release,
        replace_once(
            &site.read(release),
            "runbooks: [database-connection-errors, high-response-time.md]",
            "",
        ),
    );
    build(&site);
    let html = pack(&site, "ledger-3.0.0");
    assert!(text(section(&html, "troubleshooting")).contains("No runbooks linked"));
    assert_eq!(html.select(&sel("article.runbook")).count(), 0);
}
