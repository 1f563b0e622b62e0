//! Rescheduling a postponed release: the decision deadline moves with the new
//! target (or is refused at its line), and the postponement email says what changed
//! since the last email its audience really received, from the snapshot a real send
//! to a test SMTP server stored in the ledger. Emails are parsed with mail-parser,
//! their HTML and the pages with scraper.

mod common;

use common::html::{sel, text};
use common::smtp::{Behaviour, SmtpServer};
use common::{Output, Site, diagnostics_at, line_of};
use mail_parser::MessageParser;
use scraper::{ElementRef, Html};

const SLUG: &str = "mail-app-4.0.0";
const FILE: &str = "content/releases/moving.yaml";

/// A release planned for Thu 10 Dec with the decision on Tue 8 Dec, two open
/// blockers and the CTO's approval pending; half of its checklist done.
const PLANNED: &str = "\
product: Mail App
version: 4.0.0
change_type: feature
target: 2026-12-10 09:00
decision_due: 2026-12-08 17:00
owner: ana
audience:
  readiness: {to: [leads], cc: [bo]}
  postponement: {to: [everyone]}
readiness:
  - category: Quality
    items:
      - {check: Unit tests pass, status: done}
      - {check: Index rebuilt, status: done}
      - {check: Load test at 2x traffic, status: in-progress, due: 2026-12-09}
      - {check: Search cluster resized, status: pending, due: 2026-12-09}
blockers:
  - {title: Disk quota increase, status: open, owner: bo, eta: 2026-12-08}
  - {title: Vendor contract signed, status: open, owner: ana, eta: 2026-12-09}
approvals:
  - {role: CTO, who: cto, status: pending}
";

/// The same release a week later: postponed to Thu 17 Dec, one blocker resolved,
/// one new, the CTO's approval given, three quarters of the checklist done.
const POSTPONED: &str = "\
product: Mail App
version: 4.0.0
change_type: feature
target: 2026-12-10 09:00
decision_due: 2026-12-08 17:00
owner: ana
audience:
  readiness: {to: [leads], cc: [bo]}
  postponement: {to: [everyone]}
readiness:
  - category: Quality
    items:
      - {check: Unit tests pass, status: done}
      - {check: Index rebuilt, status: done}
      - {check: Load test at 2x traffic, status: done}
      - {check: Search cluster resized, status: pending, due: 2026-12-16}
blockers:
  - {title: Disk quota increase, status: resolved, owner: bo}
  - {title: Vendor contract signed, status: open, owner: ana, eta: 2026-12-15}
  - {title: Search cluster capacity, status: open, owner: bo, eta: 2026-12-16}
approvals:
  - {role: CTO, who: cto, status: approved}
deployment: {status: postponed}
postponement:
  reasons: [{issue: Search cluster too small for the new index, severity: high}]
  remediation: [{action: Resize the search cluster, owner: bo, eta: 2026-12-16}]
  new_target: 2026-12-17 09:00
";

/// The mail fixture, sending to `server`.
fn site_for(server: &SmtpServer) -> Site {
    let site = Site::copy_of("mail");
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
    site
}

fn ok(out: Output, what: &str) -> String {
    assert_eq!(out.code, Some(0), "{what}:\n{}", out.describe());
    out.stdout
}

fn send(site: &Site, kind: &str) -> String {
    ok(
        site.run(&["send", SLUG, kind, "--send", "--timeout", "10"]),
        &format!("send {kind}"),
    )
}

/// The text and HTML parts of a message.
fn parts(raw: &[u8]) -> (String, String) {
    let message = MessageParser::default()
        .parse(raw)
        .expect("a parseable message");
    (
        message
            .body_text(0)
            .expect("a text part")
            .replace("\r\n", "\n"),
        message.body_html(0).expect("an HTML part").into_owned(),
    )
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The "What changed since …" heading of an email's HTML, and the rows (cell
/// texts) of the table after it.
fn changes_table(html: &str) -> (String, Vec<Vec<String>>) {
    let doc = Html::parse_document(html);
    let heading = doc
        .select(&sel("h2"))
        .find(|h| text(*h).starts_with("What changed since"))
        .unwrap_or_else(|| panic!("no What changed heading in:\n{html}"));
    let table = heading
        .next_siblings()
        .filter_map(ElementRef::wrap)
        .next()
        .expect("an element after the heading");
    assert_eq!(table.value().name(), "table");
    let rows = table
        .select(&sel("tr"))
        .map(|tr| tr.select(&sel("td")).map(text).collect::<Vec<_>>())
        .filter(|cells| !cells.is_empty())
        .collect();
    (text(heading), rows)
}

fn row<'a>(rows: &'a [Vec<String>], first: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[0] == first)
        .unwrap_or_else(|| panic!("no row {first:?} in {rows:?}"))
}

#[test]
fn the_postponement_email_says_what_changed_since_the_readiness_email_really_sent() {
    let server = SmtpServer::start(Behaviour::default());
    let site = site_for(&server);
    site.write(FILE, PLANNED);
    send(&site, "readiness");

    // Delivered records carry the snapshot of what the email told; attempts do not.
    let ledger: Vec<serde_json::Value> = site
        .read(".golive/sent.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let delivered: Vec<&serde_json::Value> = ledger
        .iter()
        .filter(|e| e["outcome"] == "delivered")
        .collect();
    assert_eq!(delivered.len(), 3, "cto, ana, bo");
    for e in &delivered {
        let s = &e["snapshot"];
        assert_eq!(s["verdict"], "NO-GO");
        assert_eq!(s["score"], 50.0);
        assert_eq!(
            s["blockers"],
            serde_json::json!(["Disk quota increase", "Vendor contract signed"])
        );
        assert_eq!(s["approvals"], serde_json::json!({"CTO": "pending"}));
        assert_eq!(s["decision_due"]["display"], "Tue 8 Dec 2026, 17:00 GMT");
    }
    assert!(
        ledger
            .iter()
            .filter(|e| e["outcome"] == "attempted")
            .all(|e| e.get("snapshot").is_none())
    );

    site.write(FILE, POSTPONED);
    let preview = ok(
        site.run(&["email", SLUG, "postponement", "--format", "eml"]),
        "email postponement",
    );
    let (text_part, html_part) = parts(preview.as_bytes());
    let t = norm(&text_part);
    for expected in [
        "WHAT CHANGED SINCE THE READINESS EMAIL OF",
        "- Go-live: Thu 10 Dec 2026, 09:00 GMT -> Thu 17 Dec 2026, 09:00 GMT",
        "- Decision needed by: Tue 8 Dec 2026, 17:00 GMT -> Tue 15 Dec 2026, 17:00 GMT",
        "- Readiness: NO-GO 50% -> NO-GO 75% (+25 points)",
        "- New blocker: Search cluster capacity",
        "- Blocker resolved: Disk quota increase",
        "- Approval CTO: pending -> approved",
        "Go / no-go decision needed by: Tue 15 Dec 2026, 17:00 GMT (moved with the go-live; was Tue 8 Dec 2026, 17:00 GMT)",
    ] {
        assert!(
            t.contains(expected),
            "missing {expected:?} in:\n{text_part}"
        );
    }
    assert!(
        !t.contains("Vendor contract"),
        "still open: no change\n{text_part}"
    );

    let (heading, rows) = changes_table(&html_part);
    assert!(
        heading.starts_with("What changed since the readiness email of "),
        "{heading}"
    );
    assert_eq!(
        row(&rows, "Go-live"),
        [
            "Go-live",
            "Thu 10 Dec 2026, 09:00 GMT",
            "Thu 17 Dec 2026, 09:00 GMT"
        ]
    );
    assert_eq!(
        row(&rows, "Decision needed by"),
        [
            "Decision needed by",
            "Tue 8 Dec 2026, 17:00 GMT",
            "Tue 15 Dec 2026, 17:00 GMT"
        ]
    );
    assert_eq!(
        row(&rows, "Readiness"),
        ["Readiness", "✗ NO-GO 50%", "✗ NO-GO 75% (+25 points)"]
    );
    assert_eq!(
        row(&rows, "New blocker"),
        ["New blocker", "—", "Search cluster capacity"]
    );
    assert_eq!(
        row(&rows, "Blocker resolved"),
        ["Blocker resolved", "Disk quota increase", "✓ resolved"]
    );
    assert_eq!(
        row(&rows, "Approval: CTO"),
        ["Approval: CTO", "pending", "approved"]
    );

    // The build's preview and the real send say the same as `golive email`.
    ok(site.run(&["build"]), "build");
    assert_eq!(
        site.read(&format!("public/releases/{SLUG}/emails/postponement.txt")),
        text_part
    );
    let before = server.messages().len();
    send(&site, "postponement");
    let received = &server.messages()[before..];
    assert_eq!(received.len(), 4, "everyone: cto, ana, bo, zoe");
    let (sent_text, sent_html) = parts(&received[0].data);
    assert_eq!(sent_text, text_part);
    assert_eq!(changes_table(&sent_html).1, rows);

    // Composing again compares with the same email: the send is complete, not
    // a changed email owed to everyone again.
    let again = site.run(&["send", SLUG, "postponement", "--send", "--timeout", "10"]);
    assert_eq!(again.code, Some(1), "{}", again.describe());
    assert!(
        again.stderr.contains("already delivered to all 4"),
        "{}",
        again.describe()
    );
}

#[test]
fn with_no_earlier_send_the_postponement_email_compares_with_the_original_plan() {
    let site = Site::copy_of("mail");
    site.write(FILE, POSTPONED);
    let out = site.run(&["email", SLUG, "postponement"]);
    let t = norm(&ok(out, "email postponement"));
    for expected in [
        "WHAT CHANGED SINCE THE ORIGINAL PLAN",
        "- Go-live: Thu 10 Dec 2026, 09:00 GMT -> Thu 17 Dec 2026, 09:00 GMT",
        "- Decision needed by: Tue 8 Dec 2026, 17:00 GMT -> Tue 15 Dec 2026, 17:00 GMT",
    ] {
        assert!(t.contains(expected), "missing {expected:?} in:\n{t}");
    }
    // The original plan is this same file at the old date: no blocker or approval moved.
    assert!(
        t.contains("No blocker was opened or resolved, and no approval changed."),
        "{t}"
    );
    let html = ok(
        site.run(&["email", SLUG, "postponement", "--format", "html"]),
        "html",
    );
    let (heading, rows) = changes_table(&html);
    assert_eq!(heading, "What changed since the original plan");
    assert_eq!(
        row(&rows, "Go-live"),
        [
            "Go-live",
            "Thu 10 Dec 2026, 09:00 GMT",
            "Thu 17 Dec 2026, 09:00 GMT"
        ]
    );
}

#[test]
fn an_old_ledger_line_without_a_snapshot_still_reads_and_is_not_compared_with() {
    let site = Site::copy_of("mail");
    site.write(FILE, POSTPONED);
    // A delivered record as golive wrote it before it kept snapshots.
    site.write(
        ".golive/sent.jsonl",
        format!(
            "{{\"release\":\"{SLUG}\",\"kind\":\"readiness\",\"hash\":\"abc\",\"message_id\":\"<x@mail.example>\",\"recipient\":\"cto@mail.example\",\"time\":\"2026-12-01T09:00:00+00:00\",\"outcome\":\"delivered\"}}\n"
        ),
    );
    let out = site.run(&["email", SLUG, "postponement"]);
    assert!(!out.stderr.contains("warning"), "{}", out.describe());
    let t = norm(&ok(out, "email postponement"));
    assert!(t.contains("WHAT CHANGED SINCE THE ORIGINAL PLAN"), "{t}");
    // The dry run of send reads it too.
    let dry = site.run(&["send", SLUG, "readiness"]);
    assert_eq!(dry.code, Some(0), "{}", dry.describe());

    // A torn line is warned about once, though the postponement send reads the
    // ledger twice (for what changed, and for who is owed).
    let mut ledger = site.read(".golive/sent.jsonl");
    ledger.push_str("{\"release\":\"mail-app");
    site.write(".golive/sent.jsonl", ledger);
    let dry = site.run(&["send", SLUG, "postponement"]);
    assert_eq!(dry.code, Some(0), "{}", dry.describe());
    assert_eq!(
        dry.stderr.matches("line 2 of .golive/sent.jsonl").count(),
        1,
        "{}",
        dry.describe()
    );
}

#[test]
fn the_report_and_readiness_json_show_the_moved_deadline_with_its_old_date() {
    let site = Site::copy_of("mail");
    // Europe/London: the old plan is in summer time, the new one after 25 Oct is not.
    site.write(
        FILE,
        POSTPONED
            .replace("target: 2026-12-10 09:00", "target: 2026-10-22 09:00")
            .replace(
                "decision_due: 2026-12-08 17:00",
                "decision_due: 2026-10-20 17:00",
            )
            .replace(
                "new_target: 2026-12-17 09:00",
                "new_target: 2026-10-29 09:00",
            ),
    );
    ok(site.run(&["build"]), "build");
    let json: serde_json::Value =
        serde_json::from_str(&site.read(&format!("public/releases/{SLUG}/readiness.json")))
            .unwrap();
    assert_eq!(json["decision_due"]["iso"], "2026-10-27T17:00:00+00:00");
    assert_eq!(
        json["original_decision_due"]["iso"],
        "2026-10-20T17:00:00+01:00"
    );

    let page = Html::parse_document(&site.read(&format!("public/releases/{SLUG}/index.html")));
    let due = page
        .select(&sel("dl.facts div"))
        .find(|d| d.select(&sel("dt")).next().map(text).as_deref() == Some("Decision due"))
        .and_then(|d| d.select(&sel("dd")).next())
        .expect("a Decision due fact");
    assert_eq!(
        text(due.select(&sel("time")).next().unwrap()),
        "Tue 27 Oct 2026, 17:00 GMT"
    );
    assert_eq!(
        text(due.select(&sel(".muted")).next().unwrap()),
        "moved with the go-live; was Tue 20 Oct 2026, 17:00 BST"
    );
}

#[test]
fn a_deadline_after_the_new_target_is_refused_at_its_line() {
    let site = Site::copy_of("mail");
    let text = POSTPONED.replace(
        "decision_due: 2026-12-08 17:00",
        "decision_due: 2026-12-18 17:00",
    );
    site.write(FILE, &text);
    let out = site.run(&["check"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    let line = line_of(&text, "decision_due:");
    let found = diagnostics_at(&out.stderr, FILE, line);
    assert_eq!(found.len(), 1, "{}", out.describe());
    assert!(
        found[0].contains(
            "the decision deadline (Fri 18 Dec 2026, 17:00 GMT) is after the new go-live (Thu 17 Dec 2026, 09:00 GMT)"
        ),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("= help: write a deadline before Thu 17 Dec 2026, 09:00 GMT"),
        "{}",
        found[0]
    );
    assert!(!out.stderr.contains("panicked"));

    // Written for the new date, it is kept as it is.
    site.write(
        FILE,
        POSTPONED.replace(
            "decision_due: 2026-12-08 17:00",
            "decision_due: 2026-12-14 12:00",
        ),
    );
    let t = norm(&ok(site.run(&["email", SLUG, "postponement"]), "email"));
    assert!(
        t.contains("Go / no-go decision needed by: Mon 14 Dec 2026, 12:00 GMT"),
        "{t}"
    );
    assert!(!t.contains("moved with the go-live"), "{t}");
}

#[test]
fn the_example_site_shows_a_rescheduled_release() {
    let site = Site::copy_of_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    ok(site.run(&["build"]), "build");
    let slug = "northwind-erp-2.3.1";
    let json: serde_json::Value =
        serde_json::from_str(&site.read(&format!("public/releases/{slug}/readiness.json")))
            .unwrap();
    assert_eq!(json["target"]["display"], "Thu 26 Nov 2026, 09:00 IST");
    assert_eq!(
        json["decision_due"]["display"],
        "Tue 24 Nov 2026, 17:00 IST"
    );
    assert_eq!(
        json["original_decision_due"]["display"],
        "Tue 10 Nov 2026, 17:00 IST"
    );
    let email = norm(&site.read(&format!("public/releases/{slug}/emails/postponement.txt")));
    assert!(
        email.contains(
            "- Decision needed by: Tue 10 Nov 2026, 17:00 IST (11:30 UTC) -> Tue 24 Nov 2026, 17:00 IST (11:30 UTC)"
        ),
        "{email}"
    );
}

#[test]
fn a_build_renders_the_postponement_preview_again_when_the_ledger_changes() {
    let site = Site::copy_of("mail");
    site.write(FILE, POSTPONED);
    let preview = format!("public/releases/{SLUG}/emails/postponement.txt");
    ok(site.run(&["build"]), "first build");
    assert!(norm(&site.read(&preview)).contains("WHAT CHANGED SINCE THE ORIGINAL PLAN"));

    // Only the ledger changes: a readiness email told the CTO of one blocker.
    site.write(
        ".golive/sent.jsonl",
        format!(
            "{{\"release\":\"{SLUG}\",\"kind\":\"readiness\",\"hash\":\"abc\",\"message_id\":\"<x@mail.example>\",\
             \"recipient\":\"cto@mail.example\",\"time\":\"2026-12-01T09:00:00+00:00\",\"outcome\":\"delivered\",\
             \"snapshot\":{{\"target\":{{\"iso\":\"2026-12-10T09:00:00+00:00\",\"display\":\"Thu 10 Dec 2026, 09:00 GMT\",\"unix\":1796893200}},\
             \"verdict\":\"NO-GO\",\"score\":50.0,\"blockers\":[\"Disk quota increase\"],\"approvals\":{{\"CTO\":\"pending\"}}}}}}\n"
        ),
    );
    ok(site.run(&["build"]), "second build");
    let t = norm(&site.read(&preview));
    assert!(
        t.contains("WHAT CHANGED SINCE THE READINESS EMAIL OF Tue 1 Dec 2026, 09:00 GMT"),
        "{t}"
    );
    assert!(
        t.contains("- Decision needed by: none -> Tue 15 Dec 2026, 17:00 GMT"),
        "{t}"
    );
    assert!(t.contains("- Blocker resolved: Disk quota increase"), "{t}");
    assert!(t.contains("- New blocker: Vendor contract signed"), "{t}");
}
