//! `golive send` against a real SMTP server on 127.0.0.1; what arrives is parsed
//! with a real MIME parser (mail-parser).

mod common;

use common::smtp::{Behaviour, SmtpServer};
use common::{Output, Site};
use mail_parser::{MessageParser, MimeHeaders};

const USER: &str = "release-bot";
const PASSWORD: &str = "s3cret-Passw0rd-never-shown";

/// The mail fixture, pointed at `server`.
fn site_for(server: &SmtpServer, tls: &str, login: bool) -> Site {
    let site = Site::copy_of("mail");
    let config = site.read("content/site.yaml");
    let start = config.find("smtp:").unwrap();
    let mut smtp = format!(
        "smtp:\n  host: 127.0.0.1\n  port: {}\n  tls: {tls}\n",
        server.port
    );
    if login {
        smtp.push_str(
            "  username_env: GOLIVE_TEST_SMTP_USER\n  password_env: GOLIVE_TEST_SMTP_PASSWORD\n",
        );
    }
    site.write("content/site.yaml", format!("{}{smtp}", &config[..start]));
    site
}

/// Runs golive with the SMTP login in its environment.
fn run_with_login(site: &Site, password: &str, args: &[&str]) -> common::Output {
    let mut all = vec!["--root", site.root.to_str().unwrap()];
    all.extend_from_slice(args);
    common::golive_with_env(
        &all,
        &site.root,
        &[
            ("GOLIVE_TEST_SMTP_USER", USER),
            ("GOLIVE_TEST_SMTP_PASSWORD", password),
        ],
    )
}

fn send(site: &Site, release: &str, kind: &str, extra: &[&str]) -> common::Output {
    let mut args = vec![
        "send",
        release,
        kind,
        "--send",
        "--retry-delay",
        "0.05",
        "--timeout",
        "10",
    ];
    args.extend_from_slice(extra);
    site.run(&args)
}

fn ledger(site: &Site) -> Vec<serde_json::Value> {
    site.read(".golive/sent.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn each_kind_is_delivered_to_its_recipients_as_a_proper_mime_message() {
    let server = SmtpServer::start(Behaviour::default());
    let site = site_for(&server, "none", false);
    for (release, kind) in [
        ("mail-app-3.1.0", "readiness"),
        ("mail-app-3.0.0", "success"),
        ("mail-app-2.9.0", "postponement"),
    ] {
        let out = send(&site, release, kind, &[]);
        assert_eq!(out.code, Some(0), "{}", out.describe());
    }
    let messages = server.messages();
    // One envelope per recipient: readiness 3 (cto, ana; cc bo), success 4, postponement 4.
    let envelope_to: Vec<&str> = messages.iter().map(|m| m.to[0].as_str()).collect();
    assert_eq!(
        envelope_to,
        [
            "cto@mail.example",
            "ana@mail.example",
            "bo@mail.example",
            "cto@mail.example",
            "ana@mail.example",
            "bo@mail.example",
            "zoe@mail.example",
            "cto@mail.example",
            "ana@mail.example",
            "bo@mail.example",
            "zoe@mail.example",
        ]
    );
    assert!(
        messages
            .iter()
            .all(|m| m.to.len() == 1 && m.from == "releases@mail.example")
    );

    let parse = |i: usize| {
        MessageParser::default()
            .parse(&messages[i].data)
            .expect("a parsable message")
    };
    let readiness = parse(0);
    assert_eq!(
        readiness.subject(),
        Some("[NO-GO] Mail App 3.1.0 — readiness; decision by Tue 8 Dec")
    );
    // The alternative (text first, then HTML), then the release's calendar.
    let ct = readiness.content_type().unwrap();
    assert_eq!((ct.ctype(), ct.subtype()), ("multipart", Some("mixed")));
    let parts: Vec<String> = readiness.parts[1..]
        .iter()
        .map(|p| {
            let c = p.content_type().unwrap();
            format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default())
        })
        .collect();
    assert_eq!(
        parts,
        [
            "multipart/alternative",
            "text/plain",
            "text/html",
            "text/calendar"
        ],
        "text first, then HTML"
    );
    assert!(readiness.body_text(0).unwrap().contains("NEEDED FROM YOU"));
    assert!(readiness.body_html(0).unwrap().contains("Needed from you"));
    assert!(readiness.date().is_some(), "Date header");
    let id = readiness.message_id().expect("Message-ID header");
    assert!(
        id.ends_with("@mail.example") && id.contains("mail-app-3.1.0.readiness"),
        "{id}"
    );
    let to: Vec<&str> = readiness
        .to()
        .unwrap()
        .iter()
        .filter_map(|a| a.address())
        .collect();
    assert_eq!(to, ["cto@mail.example", "ana@mail.example"]);
    let cc: Vec<&str> = readiness
        .cc()
        .unwrap()
        .iter()
        .filter_map(|a| a.address())
        .collect();
    assert_eq!(cc, ["bo@mail.example"]);
    // Every recipient got the very same message.
    assert!(messages[..3].iter().all(|m| m.data == messages[0].data));

    let success = parse(3);
    assert_eq!(
        success.subject(),
        Some("✅ Mail App 3.0.0 — deployed successfully")
    );
    let postponement = parse(7);
    assert_eq!(
        postponement.subject(),
        Some("⏸️ Mail App 2.9.0 — go-live postponed to Thu 8 Oct")
    );
    let names: Vec<&str> = postponement
        .to()
        .unwrap()
        .iter()
        .filter_map(|a| a.name())
        .collect();
    assert!(names.contains(&"Zoë Čapek"), "{names:?}");
}

#[test]
fn starttls_with_login_delivers_and_the_password_appears_nowhere() {
    let server = SmtpServer::start(Behaviour {
        starttls: true,
        login: Some((USER.into(), PASSWORD.into())),
        ..Behaviour::default()
    });
    let site = site_for(&server, "starttls", true);
    let ca = server.cert.clone().unwrap();
    let out = run_with_login(
        &site,
        PASSWORD,
        &[
            "send",
            "mail-app-3.1.0",
            "readiness",
            "--send",
            "--ca-file",
            ca.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert_eq!(server.messages().len(), 3);
    assert!(
        server
            .log
            .lock()
            .unwrap()
            .logins
            .iter()
            .all(|(u, ok)| u == USER && *ok)
    );
    assert!(out.stdout.contains("STARTTLS"), "{}", out.describe());

    assert!(!out.stdout.contains(PASSWORD) && !out.stderr.contains(PASSWORD));
    for entry in walkdir::WalkDir::new(&site.root) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(PASSWORD),
                "password written to {}",
                entry.path().display()
            );
        }
    }
    for m in server.messages() {
        assert!(!String::from_utf8_lossy(&m.data).contains(PASSWORD));
    }
}

/// A send that failed (exit 1), said `expected` in `said` (its stderr or
/// stdout), and delivered nothing.
fn assert_failed_unsent(out: &Output, said: &str, expected: &str, server: &SmtpServer) {
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert!(said.contains(expected), "{}", out.describe());
    assert!(server.messages().is_empty());
}

#[test]
fn an_untrusted_certificate_is_refused_without_the_ca_file() {
    let server = SmtpServer::start(Behaviour {
        starttls: true,
        ..Behaviour::default()
    });
    let site = site_for(&server, "starttls", false);
    let out = send(&site, "mail-app-3.1.0", "readiness", &[]);
    assert_failed_unsent(&out, &out.stderr, "cannot talk to the SMTP server", &server);
}

#[test]
fn a_refused_login_is_reported_and_nothing_is_sent() {
    let server = SmtpServer::start(Behaviour {
        starttls: true,
        login: Some((USER.into(), PASSWORD.into())),
        ..Behaviour::default()
    });
    let site = site_for(&server, "starttls", true);
    let ca = server.cert.clone().unwrap();
    let wrong = "wrong-password-also-secret";
    let out = run_with_login(
        &site,
        wrong,
        &[
            "send",
            "mail-app-3.1.0",
            "readiness",
            "--send",
            "--ca-file",
            ca.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert!(
        out.stderr.contains("refused the login"),
        "{}",
        out.describe()
    );
    assert!(!out.stderr.contains(wrong) && !out.stdout.contains(wrong));
    assert!(server.messages().is_empty());
    assert!(server.log.lock().unwrap().logins.iter().all(|(_, ok)| !ok));
}

#[test]
fn a_missing_password_variable_is_a_clear_error() {
    let server = SmtpServer::start(Behaviour::default());
    let site = site_for(&server, "none", true);
    let out = send(&site, "mail-app-3.1.0", "readiness", &[]);
    assert_failed_unsent(
        &out,
        &out.stderr,
        "GOLIVE_TEST_SMTP_USER is not set",
        &server,
    );
}

#[test]
fn a_550_recipient_is_reported_and_a_later_run_sends_only_to_those_owed() {
    let server = SmtpServer::start(Behaviour {
        refuse_recipient: Some("bo@mail.example".into()),
        ..Behaviour::default()
    });
    let site = site_for(&server, "none", false);
    let out = send(&site, "mail-app-3.1.0", "readiness", &[]);
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert!(
        out.stdout.contains("✗ Bo Ek <bo@mail.example>"),
        "{}",
        out.describe()
    );
    assert!(out.stdout.contains("550"), "{}", out.describe());
    assert!(
        out.stdout.contains("delivered 2 of 3"),
        "{}",
        out.describe()
    );
    assert_eq!(server.messages().len(), 2);
    let outcomes: Vec<(String, String)> = ledger(&site)
        .iter()
        .map(|e| {
            (
                e["recipient"].as_str().unwrap().to_string(),
                e["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // An `attempted` line goes before each message's DATA; bo was refused at RCPT,
    // before any message went out, so bo has none.
    assert_eq!(
        outcomes,
        [
            ("cto@mail.example".into(), "attempted".into()),
            ("cto@mail.example".into(), "delivered".into()),
            ("ana@mail.example".into(), "attempted".into()),
            ("ana@mail.example".into(), "delivered".into()),
            ("bo@mail.example".into(), "failed".into())
        ]
    );

    // The same server, now accepting bo: only bo is owed.
    let fixed = SmtpServer::start(Behaviour::default());
    let config = site.read("content/site.yaml").replace(
        &format!("port: {}", server.port),
        &format!("port: {}", fixed.port),
    );
    site.write("content/site.yaml", config);
    let again = send(&site, "mail-app-3.1.0", "readiness", &[]);
    assert_eq!(again.code, Some(0), "{}", again.describe());
    let got: Vec<String> = fixed.messages().iter().map(|m| m.to[0].clone()).collect();
    assert_eq!(got, ["bo@mail.example"]);
    assert!(
        again.stdout.contains("owed     1 of 3"),
        "{}",
        again.describe()
    );
    // It is the same message: same Message-ID as the first run's.
    let first = MessageParser::default()
        .parse(&server.messages()[0].data)
        .unwrap()
        .message_id()
        .unwrap()
        .to_string();
    let second = MessageParser::default()
        .parse(&fixed.messages()[0].data)
        .unwrap()
        .message_id()
        .unwrap()
        .to_string();
    assert_eq!(first, second);
}

#[test]
fn a_451_is_retried_with_backoff_and_then_delivered() {
    let server = SmtpServer::start(Behaviour {
        tempfail_first: 2,
        ..Behaviour::default()
    });
    let site = site_for(&server, "none", false);
    let out = send(&site, "mail-app-3.1.0", "readiness", &["--retries", "3"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert_eq!(out.stdout.matches("retry").count(), 2, "{}", out.describe());
    assert!(out.stdout.contains("451"), "{}", out.describe());
    assert_eq!(server.messages().len(), 3);
}

#[test]
fn a_451_that_persists_is_reported_as_failed() {
    let server = SmtpServer::start(Behaviour {
        tempfail_first: 100,
        ..Behaviour::default()
    });
    let site = site_for(&server, "none", false);
    let out = send(&site, "mail-app-3.0.0", "success", &["--retries", "2"]);
    assert_failed_unsent(&out, &out.stdout, "gave up after 2 attempts", &server);
}

#[test]
fn a_second_send_is_refused_unless_resend() {
    let server = SmtpServer::start(Behaviour::default());
    let site = site_for(&server, "none", false);
    assert_eq!(send(&site, "mail-app-3.0.0", "success", &[]).code, Some(0));
    let twice = send(&site, "mail-app-3.0.0", "success", &[]);
    assert_eq!(twice.code, Some(1), "{}", twice.describe());
    assert!(
        twice.stderr.contains("already delivered") && twice.stderr.contains("--resend"),
        "{}",
        twice.describe()
    );
    assert_eq!(server.messages().len(), 4);

    let again = send(&site, "mail-app-3.0.0", "success", &["--resend"]);
    assert_eq!(again.code, Some(0), "{}", again.describe());
    let messages = server.messages();
    assert_eq!(messages.len(), 8);
    let id = |i: usize| {
        MessageParser::default()
            .parse(&messages[i].data)
            .unwrap()
            .message_id()
            .unwrap()
            .to_string()
    };
    assert_ne!(id(0), id(4), "a resend is a new message");
}

#[test]
fn the_dry_run_connects_to_nothing_and_writes_the_eml() {
    let server = SmtpServer::start(Behaviour::default());
    let site = site_for(&server, "none", false);
    let out = site.run(&["send", "mail-app-3.1.0", "readiness"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(out.stdout.contains("dry run"), "{}", out.describe());
    assert!(out.stdout.contains(&format!("127.0.0.1:{}", server.port)));
    assert!(out.stdout.contains("Dana Kim <cto@mail.example>"));
    assert!(
        out.stdout
            .contains("[NO-GO] Mail App 3.1.0 — readiness; decision by Tue 8 Dec")
    );
    assert!(server.messages().is_empty());
    let eml = std::fs::read(site.path(".golive/outbox/mail-app-3.1.0-readiness.eml")).unwrap();
    let parsed = MessageParser::default().parse(&eml).unwrap();
    assert_eq!(
        parsed.subject(),
        Some("[NO-GO] Mail App 3.1.0 — readiness; decision by Tue 8 Dec")
    );
    assert!(
        !site.path(".golive/sent.jsonl").exists(),
        "a dry run records no send"
    );
}

#[test]
fn a_kind_the_state_does_not_allow_is_refused_before_connecting() {
    let server = SmtpServer::start(Behaviour::default());
    let site = site_for(&server, "none", false);
    let out = send(&site, "mail-app-3.1.0", "success", &[]);
    assert_failed_unsent(
        &out,
        &out.stderr,
        "the readiness email is owed, not success (golive send mail-app-3.1.0 readiness)",
        &server,
    );
}
