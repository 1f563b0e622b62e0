//! Emails written for their readers (issue 13, items 6 and 7): short, the
//! facts first, subjects that say what happened, both parts saying the same
//! things, and links that work in a mail client.

mod common;

use std::path::Path;

use common::Site;
use common::html::{sel, text as text_of};
use mail_parser::MessageParser;
use scraper::Html;

const KINDS: [&str; 5] = ["readiness", "started", "success", "issue", "postponement"];

/// The example site of this repository, built.
fn example() -> Site {
    let site = Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    site
}

/// Every email preview of a built site: (release slug, kind, file stem path).
fn previews(site: &Site) -> Vec<(String, String, std::path::PathBuf)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(site.path("public/releases")).unwrap() {
        let dir = entry.unwrap().path();
        let slug = dir.file_name().unwrap().to_string_lossy().to_string();
        for kind in KINDS {
            let stem = dir.join("emails").join(kind);
            if stem.with_extension("txt").is_file() {
                found.push((slug.clone(), kind.to_string(), stem));
            }
        }
    }
    found.sort();
    found
}

fn subject(stem: &Path) -> String {
    let raw = std::fs::read(stem.with_extension("eml")).unwrap();
    let msg = MessageParser::default()
        .parse(&raw)
        .expect("an RFC 5322 message");
    msg.subject().unwrap_or_default().to_string()
}

/// Whitespace runs (line breaks of the wrapped text part too) as one space.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn email(site: &Site, release: &str, kind: &str, format: &str) -> String {
    let out = site.run(&["email", release, kind, "--format", format]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    out.stdout
}

// ---------------------------------------------------------------------------
// item 6: short, for their readers
// ---------------------------------------------------------------------------

#[test]
fn every_example_email_is_at_most_sixty_lines_of_text() {
    let site = example();
    let all = previews(&site);
    let readiness = all.iter().filter(|(_, k, _)| k == "readiness").count();
    assert!(readiness >= 2, "{all:?}");
    assert_eq!(
        KINDS
            .iter()
            .filter(|k| all.iter().any(|(_, kind, _)| kind == *k))
            .count(),
        5,
        "the example site shows every kind: {all:?}"
    );
    for (slug, kind, stem) in &all {
        let text = std::fs::read_to_string(stem.with_extension("txt")).unwrap();
        let lines = text.lines().count();
        assert!(lines <= 60, "{slug} {kind}: {lines} lines\n{text}");
    }
}

#[test]
fn subjects_say_what_happened_and_what_is_due() {
    let site = example();
    let subjects: Vec<(String, String)> = previews(&site)
        .into_iter()
        .map(|(slug, kind, stem)| (format!("{slug} {kind}"), subject(&stem)))
        .collect();
    let of = |key: &str| {
        subjects
            .iter()
            .find(|(k, _)| k == key)
            .unwrap_or_else(|| panic!("no {key} in {subjects:?}"))
            .1
            .clone()
    };
    assert_eq!(
        of("northwind-erp-2.4.0 readiness"),
        "[NO-GO] Northwind ERP 2.4.0 — readiness; decision by Wed 2 Dec"
    );
    assert_eq!(
        of("northwind-erp-2.3.1 postponement"),
        "⏸️ Northwind ERP 2.3.1 — go-live postponed to Thu 26 Nov"
    );
    assert_eq!(
        of("northwind-erp-2.3.2 started"),
        "🔄 Northwind ERP 2.3.2 — deployment in progress, expected to end by 10:30 IST"
    );
    assert_eq!(
        of("northwind-erp-2.3.0 success"),
        "✅ Northwind ERP 2.3.0 — deployed successfully"
    );
    assert_eq!(
        of("northwind-erp-2.2.4 issue"),
        "🚨 Northwind ERP 2.2.4 — issue detected"
    );
    for (key, s) in &subjects {
        assert!(s.chars().count() <= 78, "{key}: long subject {s:?}");
        assert!(!s.contains("  ") && s == s.trim(), "{key}: {s:?}");
    }
}

#[test]
fn a_readiness_subject_without_a_decision_date_leaves_that_part_out() {
    let site = Site::copy_of("mail");
    let file = "content/releases/upcoming.yaml";
    site.write(
        file,
        site.read(file)
            .replace("decision_due: 2026-12-08 17:00\n", ""),
    );
    let raw = email(&site, "mail-app-3.1.0", "readiness", "eml");
    let msg = MessageParser::default().parse(raw.as_bytes()).unwrap();
    assert_eq!(msg.subject(), Some("[NO-GO] Mail App 3.1.0 — readiness"));
}

#[test]
fn readiness_gives_the_verdict_the_top_reasons_the_asks_the_key_risks_and_rollback_caveats() {
    let site = example();
    let stem = site.path("public/releases/northwind-erp-2.4.0/emails/readiness");
    let text = std::fs::read_to_string(stem.with_extension("txt")).unwrap();
    let html = std::fs::read_to_string(stem.with_extension("html")).unwrap();
    let doc = Html::parse_document(&html);
    let visible = norm(&text_of(doc.select(&sel("body")).next().unwrap()));
    let flat = norm(&text);
    for part in [&flat, &visible] {
        for want in [
            "Overall readiness",
            "NO-GO",
            "decision needed by Wed 2 Dec 2026, 17:00 IST",
            // At most five reasons, blocking first, and how many more (9 since
            // issue 14: 2.4.0 also waits for 2.3.1, which is NO-GO).
            "and 9 more on the report",
            // Needed from whom by when: approvals awaited, blockers with owners and ETAs.
            "Approval from CTO (Vikram Rao), due Thu 26 Nov 2026",
            "Encryption back-fill throughput (1,200 rows/s planned, 480 reached);",
            "ETA Wed 2 Dec 2026",
            // Key risks only: critical and high, and how many others.
            "[critical] Encryption key unavailable",
            "[high] Back-fill competes with daytime traffic",
            "and 3 lower risks on the report",
            // Rollback caveats.
            "Estimated rollback time: 25 minutes.",
            "Not rehearsed.",
            "No data rollback needed.",
        ] {
            assert!(part.contains(want), "missing {want:?} in:\n{part}");
        }
        // The rest is one link away: no checklist, timeline or rollback steps.
        for gone in [
            "T-24h",
            "What's ready",
            "Checklist status",
            "[low]",
            "[medium]",
        ] {
            assert!(!part.contains(gone), "{gone:?} is for the report:\n{part}");
        }
    }
    let reasons: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("- BLOCKS:") || l.starts_with("- Pending:"))
        .collect();
    assert_eq!(reasons.len(), 5, "{text}");
    let first_pending = reasons
        .iter()
        .position(|l| l.starts_with("- Pending"))
        .unwrap();
    assert!(
        reasons[first_pending..]
            .iter()
            .all(|l| l.starts_with("- Pending")),
        "blocking reasons come first: {reasons:?}"
    );
    assert!(
        html.contains(
            "href=\"https://releases.northwind.example/releases/northwind-erp-2.4.0/index.html\""
        ),
        "the report is one link away"
    );
    assert!(norm(&text).contains(
        "Release report: https://releases.northwind.example/releases/northwind-erp-2.4.0/index.html"
    ));

    // A rehearsal that did not happen and data to restore are said as caveats.
    let other = norm(
        &std::fs::read_to_string(
            site.path("public/releases/northwind-erp-2.3.1/emails/readiness.txt"),
        )
        .unwrap(),
    );
    assert!(
        other.contains("Not rehearsed. Data must be restored too."),
        "{other}"
    );
    assert!(other.contains("Rejected by DBA"), "{other}");
}

/// The text of `element` without its badges (✓ GO, ↩ rolled back), which
/// the text part puts in words of its own.
fn words(element: scraper::ElementRef) -> String {
    element
        .descendants()
        .filter_map(|node| {
            if node.value().as_element().is_some_and(|e| e.name() == "br") {
                return Some(" ".to_string());
            }
            let text = node.value().as_text()?;
            let in_badge = node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| e.has_class("badge", scraper::CaseSensitivity::CaseSensitive))
            });
            (!in_badge).then(|| text.to_string())
        })
        .collect()
}

/// The HTML and text parts say the same things: every list item and
/// paragraph of the HTML part's content is in the text part.
#[test]
fn html_and_text_parts_say_the_same_things() {
    let site = example();
    for (slug, kind, stem) in previews(&site) {
        let text =
            norm(&std::fs::read_to_string(stem.with_extension("txt")).unwrap()).to_lowercase();
        let html = std::fs::read_to_string(stem.with_extension("html")).unwrap();
        let doc = Html::parse_document(&html);
        for item in doc.select(&sel(".content li, .content p")) {
            let said = norm(&words(item)).to_lowercase();
            let said = said.trim_end_matches('.');
            // Buttons and badges have words of their own in the text part.
            if said.is_empty()
                || said.starts_with("open the")
                || item.select(&sel("table")).next().is_some()
            {
                continue;
            }
            let said = said.replace('→', "->");
            assert!(
                text.contains(&said),
                "{slug} {kind}: the text part lacks {said:?}\n{text}"
            );
        }
    }
}

#[test]
fn without_base_url_emails_say_where_the_report_is() {
    let site = Site::copy_of("mail");
    let file = "content/site.yaml";
    site.write(
        file,
        site.read(file)
            .replace("base_url: https://releases.mail.example\n", ""),
    );
    for (release, kind) in [
        ("mail-app-3.1.0", "readiness"),
        ("mail-app-3.0.0", "success"),
        ("mail-app-2.9.0", "postponement"),
    ] {
        let want = format!("at releases/{release}/index.html");
        let text = norm(&email(&site, release, kind, "text"));
        assert!(text.contains(&want), "{kind} text:\n{text}");
        let html = email(&site, release, kind, "html");
        assert!(norm(&html).contains(&want), "{kind} html");
    }
}

// ---------------------------------------------------------------------------
// item 7: links that work in a mail client
// ---------------------------------------------------------------------------

/// Problems with the links of an email's HTML part: each must be an absolute
/// http(s) or mailto address that parses.
fn bad_email_links(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut bad = Vec::new();
    for a in doc.select(&sel("[href], [src]")) {
        let href = a.value().attr("href").or(a.value().attr("src")).unwrap();
        match url::Url::parse(href) {
            Ok(u) if ["http", "https", "mailto"].contains(&u.scheme()) => {
                if u.scheme() != "mailto" && u.host_str().is_none_or(str::is_empty) {
                    bad.push(format!("{href}: no host"));
                }
            }
            Ok(u) => bad.push(format!("{href}: scheme {}", u.scheme())),
            Err(e) => bad.push(format!("{href}: {e}")),
        }
    }
    bad
}

#[test]
fn every_link_of_every_example_email_works_in_a_mail_client() {
    let site = example();
    let mut checked = 0;
    for (slug, kind, stem) in previews(&site) {
        let html = std::fs::read_to_string(stem.with_extension("html")).unwrap();
        checked += Html::parse_document(&html).select(&sel("[href]")).count();
        let bad = bad_email_links(&html);
        assert!(bad.is_empty(), "{slug} {kind}: {bad:?}");
    }
    assert!(checked > 20, "only {checked} links checked");
}

#[test]
fn the_link_checker_finds_a_relative_link() {
    assert_eq!(
        bad_email_links(
            "<a href=\"../../runbooks/x.html\">x</a><a href=\"mailto:a@b.example\">m</a><a href=\"javascript:x\">j</a>"
        ),
        [
            "../../runbooks/x.html: relative URL without a base",
            "javascript:x: scheme javascript"
        ]
    );
}

const LINKED: &str = "Search moves to the new **index**; see the [runbook](../../runbooks/index-rebuild.html), \
the [previous release](releases/mail-app-3.0.0/index.html#top) \
and the [dashboard](https://grafana.mail.example/d/search).";

fn with_linked_summary(site: &Site) {
    let file = "content/releases/upcoming.yaml";
    let text = site.read(file);
    let start = text.find("summary: |\n").unwrap();
    let end = text.find("audience:").unwrap();
    site.write(
        file,
        format!("{}summary: |\n  {LINKED}\n{}", &text[..start], &text[end..]),
    );
}

#[test]
fn relative_links_in_content_become_absolute_in_emails() {
    let site = Site::copy_of("mail");
    with_linked_summary(&site);
    let html = email(&site, "mail-app-3.1.0", "readiness", "html");
    assert!(
        bad_email_links(&html).is_empty(),
        "{:?}",
        bad_email_links(&html)
    );
    let doc = Html::parse_document(&html);
    let href = |text: &str| {
        doc.select(&sel("a"))
            .find(|a| text_of(*a) == text)
            .unwrap_or_else(|| panic!("no link {text:?}"))
            .value()
            .attr("href")
            .map(str::to_string)
    };
    let base = "https://releases.mail.example";
    assert_eq!(
        href("runbook").unwrap(),
        format!("{base}/runbooks/index-rebuild.html")
    );
    assert_eq!(
        href("previous release").unwrap(),
        format!("{base}/releases/mail-app-3.0.0/index.html#top")
    );
    assert_eq!(
        href("dashboard").unwrap(),
        "https://grafana.mail.example/d/search"
    );

    let text = norm(&email(&site, "mail-app-3.1.0", "readiness", "text"));
    for want in [
        format!("runbook ({base}/runbooks/index-rebuild.html)"),
        format!("previous release ({base}/releases/mail-app-3.0.0/index.html#top)"),
        "dashboard (https://grafana.mail.example/d/search)".to_string(),
    ] {
        assert!(text.contains(&want), "{want} in:\n{text}");
    }
}

#[test]
fn without_base_url_relative_links_in_emails_are_plain_text() {
    let site = Site::copy_of("mail");
    with_linked_summary(&site);
    let file = "content/site.yaml";
    site.write(
        file,
        site.read(file)
            .replace("base_url: https://releases.mail.example\n", ""),
    );
    let html = email(&site, "mail-app-3.1.0", "readiness", "html");
    assert!(
        bad_email_links(&html).is_empty(),
        "{:?}",
        bad_email_links(&html)
    );
    let doc = Html::parse_document(&html);
    // Not a link, and not styled as one.
    let runbook = doc
        .select(&sel("a"))
        .find(|a| text_of(*a) == "runbook")
        .expect("the link's text");
    assert_eq!(runbook.value().attr("href"), None);
    assert_eq!(runbook.value().attr("style"), None, "{}", runbook.html());
    let body = norm(&text_of(doc.select(&sel("body")).next().unwrap()));
    assert!(
        body.contains("see the runbook, the previous release and the dashboard."),
        "{body}"
    );
    let text = norm(&email(&site, "mail-app-3.1.0", "readiness", "text"));
    assert!(
        text.contains("see the runbook, the previous release and the dashboard (https://grafana.mail.example/d/search)."),
        "{text}"
    );
    assert!(!text.contains("../"), "{text}");
}

#[test]
fn relative_links_in_content_resolve_from_the_site_root_on_pages() {
    let site = Site::copy_of("mail");
    with_linked_summary(&site);
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    for page in ["index.html", "approval.html"] {
        let html = site.read(&format!("public/releases/mail-app-3.1.0/{page}"));
        let doc = Html::parse_document(&html);
        let href = |text: &str| {
            doc.select(&sel("a"))
                .find(|a| text_of(*a) == text)
                .and_then(|a| a.value().attr("href"))
                .unwrap_or_else(|| panic!("{page}: no link {text:?}"))
                .to_string()
        };
        assert_eq!(href("runbook"), "../../runbooks/index-rebuild.html");
        assert_eq!(
            href("previous release"),
            "../../releases/mail-app-3.0.0/index.html#top"
        );
        // It lands on the page that exists.
        let target = site
            .path("public/releases/mail-app-3.1.0")
            .join("../../releases/mail-app-3.0.0/index.html");
        assert!(target.is_file(), "{}", target.display());
    }
}
