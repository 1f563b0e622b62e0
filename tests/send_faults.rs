//! `golive send --send` under faults of the ledger: a line torn by a crash at its
//! end or in its middle. Every test talks to a real SMTP peer on 127.0.0.1
//! (tests/common/smtp/scripted.rs).

mod common;

use std::collections::BTreeMap;

use common::smtp::scripted::{Received, Script, ScriptedServer};
use common::{Output, Site};
use mail_parser::MessageParser;
use serde_json::Value;

const LEDGER: &str = ".golive/sent.jsonl";

/// The mail fixture, sending to 127.0.0.1:`port` without TLS.
fn site_at(port: u16, login: bool) -> Site {
    let site = Site::copy_of("mail");
    point_at(&site, port, login);
    site
}

fn point_at(site: &Site, port: u16, login: bool) {
    let config = site.read("content/site.yaml");
    let start = config.find("smtp:").unwrap();
    let mut smtp = format!("smtp:\n  host: 127.0.0.1\n  port: {port}\n  tls: none\n");
    if login {
        smtp.push_str(
            "  username_env: GOLIVE_TEST_SMTP_USER\n  password_env: GOLIVE_TEST_SMTP_PASSWORD\n",
        );
    }
    site.write("content/site.yaml", format!("{}{smtp}", &config[..start]));
}

fn send_args<'a>(
    site: &'a Site,
    release: &'a str,
    kind: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "--root",
        site.root.to_str().unwrap(),
        "send",
        release,
        kind,
        "--send",
        "--retry-delay",
        "0.05",
    ];
    if !extra.contains(&"--timeout") {
        args.extend_from_slice(&["--timeout", "10"]);
    }
    args.extend_from_slice(extra);
    args
}

fn send(site: &Site, release: &str, kind: &str, extra: &[&str]) -> Output {
    common::golive(&send_args(site, release, kind, extra), &site.root)
}

/// The ledger's complete lines that parse, as JSON.
fn records(site: &Site) -> Vec<Value> {
    site.read(LEDGER)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn field<'a>(record: &'a Value, name: &str) -> &'a str {
    record[name].as_str().unwrap_or_default()
}

/// The Message-ID of a received message, with its angle brackets as in the ledger.
fn message_id(data: &[u8]) -> String {
    let id = MessageParser::default()
        .parse(data)
        .expect("a parsable message")
        .message_id()
        .expect("a Message-ID")
        .to_string();
    format!("<{id}>")
}

/// Envelope recipient -> how many times the server accepted a message for them.
fn deliveries(messages: &[Received]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for m in messages {
        for to in &m.to {
            *counts.entry(to.clone()).or_default() += 1;
        }
    }
    counts
}

fn once_each(recipients: &[&str]) -> BTreeMap<String, usize> {
    recipients.iter().map(|r| (r.to_string(), 1)).collect()
}

/// The first run's records (attempted and delivered lines) of `recipient`.
fn delivered_record(all: &[Value], recipient: &str) -> Value {
    all.iter()
        .find(|r| field(r, "recipient") == recipient && field(r, "outcome") == "delivered")
        .cloned()
        .unwrap_or_else(|| panic!("no delivered record for {recipient}"))
}

#[test]
fn a_torn_last_ledger_line_is_kept_apart_and_never_causes_a_resend() {
    let first_server = ScriptedServer::start(Script::default());
    let site = site_at(first_server.port, false);
    let first = send(&site, "mail-app-3.0.0", "success", &[]);
    assert_eq!(first.code, Some(0), "{}", first.describe());
    let all = records(&site);
    let first_id = field(&all[0], "message_id").to_string();

    // The ledger as a power cut leaves it: cto and ana recorded, bo's line cut
    // half-way, nothing after.
    let whole = |r: &Value| format!("{}\n", serde_json::to_string(r).unwrap());
    let bo = serde_json::to_string(&delivered_record(&all, "bo@mail.example")).unwrap();
    let fragment = &bo[..bo.len() / 2];
    site.write(
        LEDGER,
        format!(
            "{}{}{fragment}",
            whole(&delivered_record(&all, "cto@mail.example")),
            whole(&delivered_record(&all, "ana@mail.example")),
        ),
    );

    let server = ScriptedServer::start(Script::default());
    point_at(&site, server.port, false);
    let rerun = send(&site, "mail-app-3.0.0", "success", &[]);
    assert_eq!(rerun.code, Some(0), "{}", rerun.describe());
    assert!(
        rerun
            .stderr
            .contains("line 3 of .golive/sent.jsonl is incomplete"),
        "{}",
        rerun.describe()
    );
    let accepted = server.accepted();
    assert_eq!(
        deliveries(&accepted),
        once_each(&["bo@mail.example", "zoe@mail.example"])
    );
    assert!(accepted.iter().all(|m| message_id(&m.data) == first_id));

    // The fragment stays a line of its own; every other line is a whole record.
    let text = site.read(LEDGER);
    let lines: Vec<&str> = text.lines().collect();
    assert!(text.ends_with('\n'));
    assert_eq!(lines[2], fragment);
    for (n, line) in lines.iter().enumerate().filter(|(n, _)| *n != 2) {
        let record: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("line {} is not a record ({e}): {line}", n + 1));
        assert_eq!(field(&record, "message_id"), first_id);
    }
    let delivered_now: Vec<String> = lines[3..]
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| field(r, "outcome") == "delivered")
        .map(|r| field(&r, "recipient").to_string())
        .collect();
    assert_eq!(delivered_now, ["bo@mail.example", "zoe@mail.example"]);

    // Everyone has it now: a third run sends nothing.
    let third = send(&site, "mail-app-3.0.0", "success", &[]);
    assert_eq!(third.code, Some(1), "{}", third.describe());
    assert!(
        third.stderr.contains("already delivered"),
        "{}",
        third.describe()
    );
    assert_eq!(server.accepted().len(), 2);
}

#[test]
fn an_unreadable_line_in_the_middle_of_the_ledger_is_skipped_with_a_warning() {
    let first_server = ScriptedServer::start(Script::default());
    let site = site_at(first_server.port, false);
    let first = send(&site, "mail-app-3.0.0", "success", &[]);
    assert_eq!(first.code, Some(0), "{}", first.describe());
    let all = records(&site);
    let whole = |r: &Value| format!("{}\n", serde_json::to_string(r).unwrap());

    // A line cut by an older version, with a control character and bytes that are
    // not UTF-8, between two whole records.
    let mut ledger = whole(&delivered_record(&all, "cto@mail.example")).into_bytes();
    ledger.extend_from_slice(b"{\"release\":\"mail-app-3.0.0\",\"kind\":\"succ\x07\xff\xfe\n");
    ledger.extend_from_slice(whole(&delivered_record(&all, "ana@mail.example")).as_bytes());
    site.write(LEDGER, &ledger);

    let server = ScriptedServer::start(Script::default());
    point_at(&site, server.port, false);
    let rerun = send(&site, "mail-app-3.0.0", "success", &[]);
    assert_eq!(rerun.code, Some(0), "{}", rerun.describe());
    assert!(
        rerun.stderr.contains("line 2 of .golive/sent.jsonl"),
        "{}",
        rerun.describe()
    );
    assert!(rerun.stderr.contains("ignored"), "{}", rerun.describe());
    // ana's record after the bad line still counts.
    assert_eq!(
        deliveries(&server.accepted()),
        once_each(&["bo@mail.example", "zoe@mail.example"])
    );
}
