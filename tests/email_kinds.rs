//! The go-live lifecycle's emails end to end through the `golive` binary, on the
//! `lifecycle` fixture: a deployment in progress (the `started` notice), a
//! deployed release with failed checks and a missed criterion, and a rolled-back
//! one (both owe the `issue` notice). HTML is read as visible text with scraper,
//! messages with mail-parser, and each new kind is sent once to a real SMTP server.

mod common;

use common::html::{rows, section, sel, text as text_of};
use common::smtp::{Behaviour, SmtpServer};
use common::{Output, Site};
use mail_parser::{Message, MessageParser, MimeHeaders};
use scraper::Html;

/// In progress, with `expected_end`.
const RUNNING: &str = "shop-4.1.0";
/// Deployed; 3 checks failed, the error rate crossed its critical line.
const FAILING: &str = "shop-4.0.0";
/// Rolled back.
const ROLLED_BACK: &str = "shop-3.9.0";

fn ok(out: Output, what: &str) -> String {
    assert_eq!(out.code, Some(0), "{what} failed:\n{}", out.describe());
    out.stdout
}

fn email(site: &Site, release: &str, kind: &str, format: &str) -> String {
    ok(
        site.run(&["email", release, kind, "--format", format]),
        &format!("golive email {release} {kind} --format {format}"),
    )
}

/// The visible text of an HTML email's body, each text node apart, whitespace collapsed.
fn visible(html: &str) -> String {
    let doc = Html::parse_document(html);
    let body = doc.select(&sel("body")).next().expect("<body>");
    norm(&body.text().collect::<Vec<_>>().join(" "))
}

/// Whitespace collapsed, so that wrapped text lines read as one.
fn norm(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse(raw: &[u8]) -> Message<'_> {
    MessageParser::default()
        .parse(raw)
        .unwrap_or_else(|| panic!("not a message:\n{}", String::from_utf8_lossy(raw)))
}

fn addresses(msg: &Message<'_>, cc: bool) -> Vec<String> {
    let header = if cc { msg.cc() } else { msg.to() };
    header
        .map(|a| a.iter().map(|m| m.address().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn assert_contains_all(haystack: &str, needles: &[&str], what: &str) {
    let missing: Vec<&&str> = needles.iter().filter(|n| !haystack.contains(**n)).collect();
    assert!(
        missing.is_empty(),
        "{what} is missing {missing:?}:\n{haystack}"
    );
}

#[test]
fn started_says_what_is_happening_the_expected_end_and_whom_to_contact() {
    let site = Site::copy_of("lifecycle");
    let expected = [
        "Shop 4.1.0",
        "in progress",
        "Fri 4 Dec 2026, 09:02 GMT",
        "Fri 4 Dec 2026, 10:30 GMT",
        "Drain the blue pool",
        "Switch traffic to green",
        "Checkout dashboard",
        "Ana Lima",
        "+44 20 7946 0001",
        "Zoë Čapek",
    ];
    let text = norm(&email(&site, RUNNING, "started", "text"));
    assert_contains_all(&text, &expected, "started.txt");
    assert_contains_all(
        &text,
        &["Expected end: Fri 4 Dec 2026, 10:30 GMT"],
        "started.txt",
    );
    let html = visible(&email(&site, RUNNING, "started", "html"));
    assert_contains_all(&html, &expected, "started.html");
    assert_contains_all(
        &html,
        &["Expected end Fri 4 Dec 2026, 10:30 GMT"],
        "started.html",
    );

    let raw = email(&site, RUNNING, "started", "eml");
    let msg = parse(raw.as_bytes());
    assert_eq!(
        msg.subject(),
        Some("🔄 Shop 4.1.0 — deployment in progress, expected to end by 10:30 GMT")
    );
    assert_eq!(
        addresses(&msg, false),
        [
            "cto@mail.example",
            "ana@mail.example",
            "bo@mail.example",
            "zoe@mail.example"
        ]
    );
    let ct = msg.content_type().unwrap();
    assert_eq!(
        (ct.ctype(), ct.subtype()),
        ("multipart", Some("alternative"))
    );
    assert_contains_all(
        &msg.body_text(0).unwrap(),
        &["Fri 4 Dec 2026, 10:30 GMT", "Drain the blue pool"],
        "started .eml text part",
    );
    assert_contains_all(
        &visible(&msg.body_html(0).unwrap()),
        &["Fri 4 Dec 2026, 10:30 GMT", "Drain the blue pool"],
        "started .eml HTML part",
    );
}

#[test]
fn issue_after_failed_checks_says_what_happened_the_impact_rollback_state_next_update_and_contact()
{
    let site = Site::copy_of("lifecycle");
    let expected = [
        "Checkout errors after the cut-over",
        "3 verification checks",
        "Missed success criterion: Error rate (1.2% reaches the critical line >= 1%)",
        "5% of orders failed for 12 minutes",
        "stays live while we investigate",
        "about 15 minutes",
        "Fri 20 Nov 2026, 11:00 GMT",
        "Ana Lima",
    ];
    let text = norm(&email(&site, FAILING, "issue", "text"));
    assert_contains_all(&text, &expected, "issue.txt");
    assert!(text.contains("3 verification checks FAILED"), "{text}");
    assert_contains_all(
        &text,
        &[
            "- API p95: met (180ms meets the target < 200ms)",
            "- Error rate: MISSED (1.2% reaches the critical line >= 1%)",
            "- Queue lag: WARNING (0.25 s misses the target < 200ms; within the warning line <= 250ms)",
        ],
        "issue.txt criteria",
    );
    assert!(
        text.contains("Not rolled back: the release stays live"),
        "{text}"
    );
    assert!(!text.contains("previous version is running"), "{text}");

    let html_source = email(&site, FAILING, "issue", "html");
    let html = visible(&html_source);
    assert_contains_all(&html, &expected, "issue.html");
    assert!(html.contains("not rolled back"), "{html}");
    assert!(html.contains("3 verification checks failed"), "{html}");
    // The criteria table: one row per metric, with its result.
    let doc = Html::parse_document(&html_source);
    let table = doc
        .select(&sel("table.data"))
        .find(|t| text_of(*t).contains("Criterion"))
        .expect("a criteria table");
    let results: Vec<Vec<String>> = rows(table).into_iter().filter(|r| r.len() == 4).collect();
    assert_eq!(
        results,
        [
            ["API p95", "180ms", "< 200ms warning < 300ms", "✓ met"],
            ["Error rate", "1.2%", "< 0.1% critical >= 1%", "✗ missed"],
            [
                "Queue lag",
                "0.25 s",
                "< 200ms warning <= 250ms",
                "⚠ warning"
            ],
        ]
    );

    let raw = email(&site, FAILING, "issue", "eml");
    let msg = parse(raw.as_bytes());
    assert_eq!(msg.subject(), Some("🚨 Shop 4.0.0 — issue detected"));
    assert_eq!(
        addresses(&msg, false),
        ["cto@mail.example", "ana@mail.example"]
    );
    assert_eq!(addresses(&msg, true), ["bo@mail.example"]);
    assert_contains_all(
        &msg.body_text(0).unwrap(),
        &["3 verification checks FAILED", "5% of orders failed"],
        "issue .eml text part",
    );
}

#[test]
fn issue_after_a_rollback_says_so_in_the_subject_and_the_body() {
    let site = Site::copy_of("lifecycle");
    let text = norm(&email(&site, ROLLED_BACK, "issue", "text"));
    assert_contains_all(
        &text,
        &[
            "ROLLED BACK",
            "Rolled back: the previous version is running again. Downtime: 4 minutes.",
            "Payments provider rejected the new webhook signatures",
            "Card payments failed for 9 minutes",
            "Fri 6 Nov 2026, 12:00 GMT",
        ],
        "issue.txt",
    );
    assert!(
        !text.contains("verification check"),
        "no check failed:\n{text}"
    );
    let html = visible(&email(&site, ROLLED_BACK, "issue", "html"));
    assert_contains_all(
        &html,
        &[
            "issue detected, release rolled back",
            "↩ rolled back",
            "Card payments failed",
        ],
        "issue.html",
    );
    let msg_raw = email(&site, ROLLED_BACK, "issue", "eml");
    assert_eq!(
        parse(msg_raw.as_bytes()).subject(),
        Some("🚨 Shop 3.9.0 — issue detected, rolled back")
    );
}

#[test]
fn a_refused_kind_names_the_owed_one_with_the_command_that_gives_it() {
    let site = Site::copy_of("lifecycle");
    for (release, kind, command, owed) in [
        (FAILING, "success", "email", "issue"),
        (ROLLED_BACK, "success", "send", "issue"),
        (ROLLED_BACK, "postponement", "email", "issue"),
        (RUNNING, "readiness", "email", "started"),
        (RUNNING, "issue", "send", "started"),
        (FAILING, "started", "email", "issue"),
    ] {
        let out = site.run(&[command, release, kind]);
        assert_eq!(out.code, Some(1), "{}", out.describe());
        assert!(out.stdout.is_empty(), "{}", out.describe());
        assert!(
            out.stderr.contains(&format!(
                "the {owed} email is owed, not {kind} (golive {command} {release} {owed})"
            )),
            "{command} {release} {kind}:\n{}",
            out.describe()
        );
    }
    // Nothing reached the outbox of a dry run that was refused.
    assert!(!site.path(".golive/outbox").exists());
}

#[test]
fn build_writes_only_the_previews_each_state_allows() {
    let site = Site::copy_of("lifecycle");
    ok(site.run(&["build"]), "build");
    let files = |slug: &str| {
        let mut names: Vec<String> =
            std::fs::read_dir(site.path(&format!("public/releases/{slug}/emails")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        names.sort();
        names
    };
    assert_eq!(
        files(RUNNING),
        ["started.eml", "started.html", "started.txt"]
    );
    assert_eq!(files(FAILING), ["issue.eml", "issue.html", "issue.txt"]);
    assert_eq!(files(ROLLED_BACK), ["issue.eml", "issue.html", "issue.txt"]);
    // The preview is what `golive email` prints.
    assert_eq!(
        site.read(&format!("public/releases/{FAILING}/emails/issue.eml")),
        email(&site, FAILING, "issue", "eml")
    );
    // And the report links to it.
    let page = Html::parse_document(&site.read(&format!("public/releases/{FAILING}/index.html")));
    let emails = text_of(section(&page, "emails"));
    assert!(emails.contains("Issue email"), "{emails}");
    assert!(!emails.contains("Success email"), "{emails}");
}

#[test]
fn started_and_issue_are_delivered_once_to_a_real_smtp_server() {
    let server = SmtpServer::start(Behaviour::default());
    let site = Site::copy_of("lifecycle");
    let config = site.read("content/site.yaml");
    let start = config.find("smtp:").unwrap();
    site.write(
        "content/site.yaml",
        format!(
            "{}smtp:\n  host: 127.0.0.1\n  port: {}\n  tls: none\n",
            &config[..start],
            server.port
        ),
    );
    for (release, kind) in [(RUNNING, "started"), (FAILING, "issue")] {
        let out = site.run(&[
            "send",
            release,
            kind,
            "--send",
            "--retry-delay",
            "0.05",
            "--timeout",
            "10",
        ]);
        assert_eq!(out.code, Some(0), "{}", out.describe());
    }
    let messages = server.messages();
    let envelope_to: Vec<&str> = messages.iter().map(|m| m.to[0].as_str()).collect();
    // started: everyone (cc cto is already in `everyone`); issue: leads, cc bo.
    assert_eq!(
        envelope_to,
        [
            "cto@mail.example",
            "ana@mail.example",
            "bo@mail.example",
            "zoe@mail.example",
            "cto@mail.example",
            "ana@mail.example",
            "bo@mail.example",
        ]
    );
    let started = parse(&messages[0].data);
    assert_eq!(
        started.subject(),
        Some("🔄 Shop 4.1.0 — deployment in progress, expected to end by 10:30 GMT")
    );
    assert!(
        started
            .body_text(0)
            .unwrap()
            .contains("Fri 4 Dec 2026, 10:30 GMT")
    );
    let issue = parse(&messages[4].data);
    assert_eq!(issue.subject(), Some("🚨 Shop 4.0.0 — issue detected"));
    assert!(visible(&issue.body_html(0).unwrap()).contains("5% of orders failed for 12 minutes"));
    // The ledger records both kinds.
    let ledger = site.read(".golive/sent.jsonl");
    assert!(
        ledger.contains("\"started\"") && ledger.contains("\"issue\""),
        "{ledger}"
    );
}
