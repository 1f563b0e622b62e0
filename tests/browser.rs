//! The site as readers see it: every page in headless Chromium (console errors,
//! failed or foreign requests, axe-core WCAG 2 A/AA, 390 px overflow), every page
//! through the Nu HTML Checker, and printed PDFs read back with pdftotext.
//!
//! Needs Chromium, Node.js with `tests/browser/node_modules` (npm ci), Java and
//! poppler-utils; `.ci/run` installs them. Without them the tests say what is
//! missing and pass only when not in CI: in CI (`CI` set) a missing tool fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Site;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// What is missing to run these tests, if anything.
fn missing() -> Vec<String> {
    let runs = |cmd: &str, arg: &str| {
        Command::new(cmd)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let mut missing = Vec::new();
    if !chromium().is_file() {
        missing.push(format!(
            "Chromium at {} (apt-get install chromium)",
            chromium().display()
        ));
    }
    if !runs("node", "--version") {
        missing.push("Node.js (apt-get install nodejs npm)".into());
    } else if !browser_dir().join("node_modules/playwright-core").is_dir() {
        missing.push("tests/browser/node_modules (npm ci --prefix tests/browser)".into());
    }
    if !runs("java", "-version") {
        missing.push("Java for the Nu HTML Checker (apt-get install default-jre-headless)".into());
    }
    if !runs("pdftotext", "-v") {
        missing.push("pdftotext (apt-get install poppler-utils)".into());
    }
    missing
}

/// True when the tools are there; otherwise skips (outside CI) or fails (in CI).
fn tools_ready() -> bool {
    let missing = missing();
    if missing.is_empty() {
        return true;
    }
    let message = format!(
        "browser tests need: {}; .ci/run installs them",
        missing.join("; ")
    );
    if std::env::var_os("CI").is_some() {
        panic!("{message}");
    }
    eprintln!("SKIPPED (not in CI): {message}");
    false
}

fn built(site: &Site) -> PathBuf {
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    site.path("public")
}

fn example_site() -> Site {
    Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// Runs check.mjs; returns its exit code and output.
fn check(public: &Path, out: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let result = Command::new("node")
        .arg(browser_dir().join("check.mjs"))
        .arg("--site")
        .arg(public)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run node");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    (result.status.code(), text)
}

#[test]
fn every_page_holds_up_in_a_real_browser() {
    if !tools_ready() {
        return;
    }
    for site in [
        example_site(),
        Site::copy_of("runbooks"),
        Site::copy_of("verdicts"),
        Site::copy_of("calendar"),
    ] {
        let public = built(&site);
        let out = tempfile::tempdir().unwrap();
        let (code, text) = check(&public, out.path(), &[]);
        assert_eq!(code, Some(0), "browser check failed:\n{text}");
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.path().join("report.json")).unwrap())
                .unwrap();
        assert!(
            report.as_array().unwrap().len() >= 7,
            "too few pages checked:\n{text}"
        );
    }
}

#[test]
fn the_browser_check_catches_what_it_should() {
    if !tools_ready() {
        return;
    }
    let site = Site::copy_of("verdicts");
    let public = built(&site);
    std::fs::write(
        public.join("broken.html"),
        "<!DOCTYPE html><html lang=en><title>x</title><body><main><img src=\"https://cdn.example/x.png\">\
         <input type=checkbox><div style=\"width:900px\">wide</div><script>undefined_function()</script></main></body></html>",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, text) = check(&public, out.path(), &[]);
    assert_eq!(code, Some(1), "{text}");
    let broken: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("FAIL broken.html"))
        .take(12)
        .collect();
    let broken = broken.join("\n");
    for expected in [
        "request to another host: https://cdn.example/x.png",
        "uncaught exception",
        "axe critical: label",
        "horizontal scrolling at 390 px",
    ] {
        assert!(
            broken.contains(expected),
            "missing `{expected}` in:\n{broken}"
        );
    }
}

#[test]
fn every_page_is_valid_html() {
    if !tools_ready() {
        return;
    }
    let vnu = browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    for site in [
        example_site(),
        Site::copy_of("runbooks"),
        Site::copy_of("calendar"),
    ] {
        let public = built(&site);
        let result = Command::new("java")
            .arg("-jar")
            .arg(&vnu)
            .args(["--errors-only", "--skip-non-html"])
            .arg(&public)
            .output()
            .expect("run the Nu HTML Checker");
        assert!(
            result.status.success(),
            "the Nu HTML Checker found errors:\n{}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
}

fn pdf_text(pdf: &Path) -> (u32, String) {
    let info = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let pages = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| {
            l.strip_prefix("Pages:")
                .map(|n| n.trim().parse::<u32>().unwrap())
        })
        .expect("pdfinfo gives a page count");
    let text = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    (pages, String::from_utf8_lossy(&text.stdout).into_owned())
}

#[test]
fn the_report_approval_and_runbook_print_cleanly_on_a4_and_letter() {
    if !tools_ready() {
        return;
    }
    let site = example_site();
    let public = built(&site);
    let out = tempfile::tempdir().unwrap();
    let slug = "releases/northwind-erp-2.4.0";
    let pages = ["index.html", "approval.html", "runbook.html"].map(|p| format!("{slug}/{p}"));
    let mut args = vec!["--no-pages"];
    for p in &pages {
        args.extend(["--pdf", p.as_str()]);
    }
    let (code, text) = check(&public, out.path(), &args);
    assert_eq!(code, Some(0), "{text}");
    for page in &pages {
        let stem = page.replace(['/', '.'], "_");
        for format in ["a4", "letter"] {
            let (count, text) = pdf_text(&out.path().join(format!("{stem}-{format}.pdf")));
            assert!(
                (1..=15).contains(&count),
                "{page} ({format}) prints on {count} pages"
            );
            assert!(
                text.contains("Northwind ERP 2.4.0"),
                "{page} ({format}) lacks its title"
            );
            assert!(
                !text.contains("Skip to content") && !text.contains("Deployment request\n"),
                "{page} ({format}) prints navigation"
            );
        }
    }
    let (_, approval) = pdf_text(
        &out.path()
            .join(format!("{}-a4.pdf", pages[1].replace(['/', '.'], "_"))),
    );
    assert!(
        approval.contains("Sign-off"),
        "the approval page has a sign-off block"
    );
    for role in ["CTO", "Security Officer", "DevOps Lead"] {
        assert!(
            approval.lines().any(|l| l.trim_start().starts_with(role)),
            "no sign-off line for {role}"
        );
    }
    let (_, runbook) = pdf_text(
        &out.path()
            .join(format!("{}-letter.pdf", pages[2].replace(['/', '.'], "_"))),
    );
    assert!(
        runbook.contains("(https://grafana.northwind.example/"),
        "printed links show their URL:\n{runbook}"
    );
}

/// The text of each page of `pdf` (pdftotext ends each page with a form feed).
fn pdf_pages(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// The war-room pack (issue 14, item 2): opened from disk with the network
/// off, it asks for nothing and logs no error; its screenshot shows something;
/// printed on A4 and on Letter it takes a sensible number of pages, has every
/// section, and no page ends with a heading.
#[test]
fn the_war_room_pack_works_offline_and_prints_on_a4_and_letter() {
    if !tools_ready() {
        return;
    }
    let site = example_site();
    let public = built(&site);
    let out = tempfile::tempdir().unwrap();
    // Releases with three runbooks, with two, and with none.
    let packs = [
        ("releases/northwind-erp-2.4.0/warroom.html", 4..=30),
        ("releases/northwind-erp-2.3.0/warroom.html", 4..=30),
        ("releases/northwind-erp-2.3.2/warroom.html", 1..=10),
    ];
    let mut args = vec!["--no-pages"];
    for (p, _) in &packs {
        args.extend(["--offline", p]);
    }
    let (code, text) = check(&public, out.path(), &args);
    assert_eq!(
        code,
        Some(0),
        "the pack is not self-contained offline:\n{text}"
    );
    for (name, range) in packs {
        let stem = name.replace(['/', '.'], "_");
        let shot = out.path().join(format!("{stem}-offline.png"));
        let size = std::fs::metadata(&shot).map_or(0, |m| m.len());
        // A blank 1280x900 PNG is a few hundred bytes.
        assert!(size > 10_000, "{name}: screenshot of {size} bytes");
        let html =
            scraper::Html::parse_document(&std::fs::read_to_string(public.join(name)).unwrap());
        let headings: Vec<String> = html
            .select(&scraper::Selector::parse("h1, h2, h3, h4").unwrap())
            .map(|h| {
                let t: String = h.text().collect::<String>();
                let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                t.strip_suffix(" #").unwrap_or(&t).to_string()
            })
            .collect();
        let mut titles = vec![
            "Contents",
            "Timeline",
            "Rollback",
            "Escalation",
            "Verification and health checks",
            "Troubleshooting runbooks",
        ];
        if name.contains("2.4.0") {
            titles.extend([
                "Dashboards",
                "Authentication failures",
                "Database connection errors",
                "High response time",
            ]);
        }
        for format in ["a4", "letter"] {
            let pdf = out.path().join(format!("{stem}-offline-{format}.pdf"));
            let (count, _) = pdf_text(&pdf);
            assert!(
                range.contains(&count),
                "{name} ({format}) prints on {count} pages"
            );
            let pages = pdf_pages(&pdf);
            assert_eq!(pages.len() as u32, count, "{name} ({format})");
            let all = pages.join("\n");
            for title in &titles {
                assert!(
                    all.lines().any(|l| l.trim() == *title),
                    "{name} ({format}): no section `{title}` in print"
                );
            }
            for (i, page) in pages.iter().enumerate() {
                let last = page.lines().rev().find(|l| !l.trim().is_empty());
                let last = last.unwrap_or_default().trim();
                assert!(
                    !headings.iter().any(|h| h == last),
                    "{name} ({format}): page {} ends with the heading `{last}`",
                    i + 1
                );
            }
            assert!(
                !all.contains("Skip to content"),
                "{name} ({format}) prints navigation"
            );
        }
    }
}

/// The offline check fails on a pack that asks for anything: a stylesheet from
/// another host, a file beside it, or a script's console error.
#[test]
fn the_offline_check_catches_any_request() {
    if !tools_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pack.html"),
        "<!DOCTYPE html><html lang=en><title>x</title><link rel=stylesheet href=\"https://cdn.example/x.css\">\
         <body><main><img src=\"logo.png\" alt=\"\"><script>console.error('boom')</script></main></body></html>",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, text) = check(
        dir.path(),
        out.path(),
        &["--no-pages", "--offline", "pack.html"],
    );
    assert_eq!(code, Some(1), "{text}");
    for expected in [
        "request while offline: https://cdn.example/x.css",
        "request while offline: file://",
        "logo.png",
        "console error: boom",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
}

/// Search (issue 15): from a page opened from disk, a query typed into the
/// header's box finds its results on search.html, each with its title, the
/// release or runbook it belongs to, and a snippet with the words marked; a
/// query that matches nothing says so; a title match is ranked first.
#[test]
fn a_query_typed_in_the_header_finds_its_results_from_disk() {
    if !tools_ready() {
        return;
    }
    let site = example_site();
    let public = built(&site);
    let out = tempfile::tempdir().unwrap();
    let (code, text) = check(
        &public,
        out.path(),
        &[
            "--no-pages",
            "--search",
            "releases/northwind-erp-2.4.0/index.html",
            "HSM ceremo",
            "--search",
            "runbooks/index.html",
            "connection pool",
            "--search",
            "index.html",
            "zzyzx nothing",
            "--search",
            "index.html",
            "encryption master key",
        ],
    );
    assert_eq!(code, Some(0), "{text}");
    let found: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("search.json")).unwrap())
            .unwrap();
    let results = |i: usize| found[i]["results"].as_array().unwrap().clone();

    // Two words, the last one cut short: every result has both.
    let hsm = &found[0];
    assert_eq!(hsm["box"], "HSM ceremo", "the box keeps the query");
    assert_eq!(hsm["live"], "polite");
    let n = results(0).len();
    assert!(n >= 1, "{hsm:#}");
    let expected = format!("{n} result{} for HSM ceremo", if n == 1 { "" } else { "s" });
    assert_eq!(hsm["status"], expected.as_str());
    let report = results(0)
        .into_iter()
        .find(|r| r["title"] == "Northwind ERP 2.4.0 — Readiness report")
        .unwrap_or_else(|| panic!("{hsm:#}"));
    assert_eq!(
        report["context"],
        "Northwind ERP 2.4.0 — Security Hardening Release"
    );
    assert!(
        report["href"]
            .as_str()
            .unwrap()
            .ends_with("/releases/northwind-erp-2.4.0/index.html")
    );
    let snippet = report["snippet"].as_str().unwrap().to_lowercase();
    assert!(
        snippet.contains("hsm") && snippet.contains("ceremony"),
        "{snippet}"
    );
    let marks: Vec<String> = report["marks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_lowercase())
        .collect();
    assert!(
        marks.contains(&"hsm".to_string()) && marks.contains(&"ceremony".to_string()),
        "{marks:?}"
    );

    // A troubleshooting runbook, found from the runbook index.
    let pool = results(1);
    let runbook = pool
        .iter()
        .find(|r| r["title"] == "Database connection errors")
        .unwrap_or_else(|| panic!("{:#}", found[1]));
    assert_eq!(runbook["context"], "Troubleshooting runbook");
    let marks: Vec<String> = runbook["marks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_lowercase())
        .collect();
    assert!(!marks.is_empty(), "{runbook:#}");
    assert!(
        marks
            .iter()
            .all(|m| m.starts_with("connection") || m.starts_with("pool")),
        "{marks:?}"
    );

    // Nothing found.
    assert_eq!(found[2]["status"], "No results for zzyzx nothing");
    assert!(results(2).is_empty());

    // Ranked: the checklist item with every word in its title comes first,
    // before the release's report, runbook and request (first in the index)
    // that only mention them; then the report, by kind.
    let ranked = results(3);
    let titles: Vec<&str> = ranked
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert!(titles.len() > 1, "{:#}", found[3]);
    assert_eq!(
        titles[..2],
        [
            "Encryption master key created in the production HSM",
            "Northwind ERP 2.4.0 — Readiness report"
        ],
        "{titles:?}"
    );
    assert!(
        ranked[0]["href"]
            .as_str()
            .unwrap()
            .ends_with("/releases/northwind-erp-2.4.0/checklist.html#item-1-1-4"),
        "{:#}",
        ranked[0]
    );
}
