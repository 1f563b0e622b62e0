//! `golive send --send` under faults: two senders at once, a sender killed mid-message,
//! a torn ledger, a connection dropped or a server gone silent after the message
//! went out, a server that never greets, and one that offers no login. Every test
//! talks to a real SMTP peer on 127.0.0.1 (tests/common/smtp/scripted.rs) and
//! synchronises on events (a session reaching its fault, a line on a pipe), never
//! on elapsed time.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};

use common::smtp::scripted::{Fault, Received, Script, ScriptedServer};
use common::{HANG_LIMIT, Output, Site};
use mail_parser::MessageParser;
use serde_json::Value;

const LEDGER: &str = ".golive/sent.jsonl";
/// mail-app-3.0.0's success email goes to these four, one envelope each.
const SUCCESS_TO: [&str; 4] = [
    "cto@mail.example",
    "ana@mail.example",
    "bo@mail.example",
    "zoe@mail.example",
];

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

/// A golive process still running, whose stderr is read line by line as it comes.
/// Dropped before it finished (a failing test), it is killed.
struct Running {
    child: Option<Child>,
    stderr_lines: mpsc::Receiver<String>,
    stderr: Arc<Mutex<String>>,
    stdout: Option<std::thread::JoinHandle<String>>,
}

impl Running {
    fn start(args: &[&str], cwd: &std::path::Path) -> Running {
        let mut child = common::golive_command(args, cwd)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start golive");
        let mut stdout = child.stdout.take().unwrap();
        let stdout = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text);
            text
        });
        let stderr_pipe = BufReader::new(child.stderr.take().unwrap());
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, stderr_lines) = mpsc::channel();
        let all = stderr.clone();
        std::thread::spawn(move || {
            for line in stderr_pipe.lines() {
                let Ok(line) = line else { break };
                all.lock().unwrap().push_str(&format!("{line}\n"));
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child: Some(child),
            stderr_lines,
            stderr,
            stdout: Some(stdout),
        }
    }

    /// Whether a stderr line containing `needle` arrives before the process closes
    /// its stderr.
    fn says_on_stderr(&self, needle: &str) -> bool {
        loop {
            match self.stderr_lines.recv_timeout(HANG_LIMIT) {
                Ok(line) if line.contains(needle) => return true,
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return false,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!("golive said nothing for {HANG_LIMIT:?} (hang)")
                }
            }
        }
    }

    /// Waits for the exit (the caller has released whatever the process waits
    /// for); a process still running after `HANG_LIMIT` is killed and the test fails.
    fn finish(mut self) -> Output {
        let mut child = self.child.take().unwrap();
        let pid = child.id();
        let (done, exited) = mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let status = child.wait();
            let _ = done.send(());
            status
        });
        if exited.recv_timeout(HANG_LIMIT).is_err() {
            // Kill only the child we started, by its id.
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("golive (pid {pid}) did not finish within {HANG_LIMIT:?} (hang)");
        }
        let status = waiter.join().unwrap().expect("wait for golive");
        let stdout = self.stdout.take().unwrap().join().unwrap();
        // Drain the rest of stderr: the reader ends at EOF.
        while self.stderr_lines.recv_timeout(HANG_LIMIT).is_ok() {}
        let stderr = self.stderr.lock().unwrap().clone();
        Output {
            code: status.code(),
            stdout,
            stderr,
        }
    }

    /// SIGKILL, as a power cut or `kill -9` would; by the id of the child we started.
    fn kill_9(mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().expect("kill golive");
        let _ = child.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
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

#[test]
fn two_senders_started_together_deliver_each_recipient_exactly_once() {
    // The first session is held at its first RCPT, so the first sender is
    // certainly mid-send while the second one starts.
    let server = ScriptedServer::start(Script {
        faults: vec![Fault::HoldAtRcpt],
        ..Script::default()
    });
    let site = site_at(server.port, false);
    let args = send_args(&site, "mail-app-3.0.0", "success", &[]);
    let first = Running::start(&args, &site.root);
    assert_eq!(server.wait_for_fault(), 0);
    let second = Running::start(&args, &site.root);
    let waited = second.says_on_stderr("waiting for another");
    server.release();
    let first = first.finish();
    let second = second.finish();

    assert_eq!(first.code, Some(0), "{}", first.describe());
    assert!(
        waited,
        "the second sender never said it waited:\n{}",
        second.describe()
    );
    assert!(
        second.stderr.contains(".golive/sent.jsonl.lock"),
        "the waiting line names the lock file:\n{}",
        second.describe()
    );
    assert_eq!(second.code, Some(1), "{}", second.describe());
    assert!(
        second.stderr.contains("already delivered"),
        "{}",
        second.describe()
    );
    let accepted = server.accepted();
    assert_eq!(deliveries(&accepted), once_each(&SUCCESS_TO));
    let ids: Vec<String> = accepted.iter().map(|m| message_id(&m.data)).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "one message: {ids:?}");
}

#[test]
fn senders_of_different_emails_take_turns_and_both_finish() {
    let server = ScriptedServer::start(Script {
        faults: vec![Fault::HoldAtRcpt],
        ..Script::default()
    });
    let site = site_at(server.port, false);
    let success = Running::start(
        &send_args(&site, "mail-app-3.0.0", "success", &[]),
        &site.root,
    );
    assert_eq!(server.wait_for_fault(), 0);
    let readiness = Running::start(
        &send_args(&site, "mail-app-3.1.0", "readiness", &[]),
        &site.root,
    );
    let waited = readiness.says_on_stderr("waiting for another");
    server.release();
    let success = success.finish();
    let readiness = readiness.finish();
    assert!(waited, "{}", readiness.describe());
    assert_eq!(success.code, Some(0), "{}", success.describe());
    assert_eq!(readiness.code, Some(0), "{}", readiness.describe());
    // 4 success envelopes and 3 readiness ones, none twice.
    assert_eq!(server.accepted().len(), 7);
    let by_id = server
        .accepted()
        .iter()
        .map(|m| (message_id(&m.data), m.to[0].clone()))
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(by_id.len(), 7);
}

#[test]
fn a_sender_killed_mid_message_frees_the_lock_and_the_rerun_reuses_its_message_id() {
    // The first session reads the first message and never answers the final dot.
    let server = ScriptedServer::start(Script {
        faults: vec![Fault::SilentAfterBody],
        ..Script::default()
    });
    let site = site_at(server.port, false);
    let sender = Running::start(
        &send_args(&site, "mail-app-3.0.0", "success", &[]),
        &site.root,
    );
    assert_eq!(server.wait_for_fault(), 0);
    sender.kill_9();
    let in_flight = server.received();
    assert_eq!(in_flight.len(), 1);
    let first_id = message_id(&in_flight[0].data);

    let records_after_kill = records(&site);
    let last = records_after_kill
        .last()
        .expect("a ledger line before DATA");
    assert_eq!(field(last, "outcome"), "attempted");
    assert_eq!(field(last, "recipient"), SUCCESS_TO[0]);
    assert_eq!(field(last, "message_id"), first_id);

    // The rerun is not blocked by the dead sender's lock, and re-sends the message
    // whose outcome is unknown under the same Message-ID.
    let rerun = send(&site, "mail-app-3.0.0", "success", &[]);
    assert_eq!(rerun.code, Some(0), "{}", rerun.describe());
    assert!(rerun.stdout.contains("unknown"), "{}", rerun.describe());
    assert!(
        rerun.stdout.contains("same Message-ID"),
        "{}",
        rerun.describe()
    );
    let accepted = server.accepted();
    assert_eq!(deliveries(&accepted), once_each(&SUCCESS_TO));
    for m in &accepted {
        assert_eq!(message_id(&m.data), first_id);
    }
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

/// The last ledger record of `recipient`.
fn last_record_of(site: &Site, recipient: &str) -> Value {
    records(site)
        .into_iter()
        .rev()
        .find(|r| field(r, "recipient") == recipient)
        .unwrap_or_else(|| panic!("no ledger record for {recipient}"))
}

/// After a first run whose outcome for cto is unknown, a rerun against a healthy
/// server delivers to everyone once, cto under the very same Message-ID.
fn assert_rerun_keeps_the_message_id(site: &Site, server: &ScriptedServer, first_id: &str) {
    let rerun = send(site, "mail-app-3.0.0", "success", &[]);
    assert_eq!(rerun.code, Some(0), "{}", rerun.describe());
    assert!(
        rerun.stdout.contains("outcome") && rerun.stdout.contains("unknown"),
        "{}",
        rerun.describe()
    );
    assert!(
        rerun.stdout.contains("same Message-ID"),
        "{}",
        rerun.describe()
    );
    let accepted = server.accepted();
    assert_eq!(deliveries(&accepted), once_each(&SUCCESS_TO));
    for m in accepted {
        assert_eq!(message_id(&m.data), first_id, "to {:?}", m.to);
    }
}

#[test]
fn a_connection_dropped_after_the_message_went_out_is_an_unknown_outcome() {
    let server = ScriptedServer::start(Script {
        faults: vec![Fault::DropAfterBody],
        ..Script::default()
    });
    let site = site_at(server.port, false);
    let out = send(&site, "mail-app-3.0.0", "success", &[]);
    assert_eq!(out.code, Some(1), "{}", out.describe());
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(said.contains("closed the connection"), "{}", out.describe());
    assert!(said.contains("unknown"), "{}", out.describe());
    assert!(!said.contains("os error"), "{}", out.describe());
    // Only the first message went out; the run stopped there.
    assert_eq!(server.received().len(), 1);
    let first_id = message_id(&server.received()[0].data);
    let cto = last_record_of(&site, "cto@mail.example");
    assert_eq!(field(&cto, "outcome"), "unknown");
    assert_eq!(field(&cto, "message_id"), first_id);

    assert_rerun_keeps_the_message_id(&site, &server, &first_id);
}

#[test]
fn a_server_silent_after_the_final_dot_is_a_plain_timeout_with_an_unknown_outcome() {
    let server = ScriptedServer::start(Script {
        faults: vec![Fault::SilentAfterBody],
        ..Script::default()
    });
    let site = site_at(server.port, false);
    // The server never answers, so the 1 s timeout always fires: no race.
    let out = send(&site, "mail-app-3.0.0", "success", &["--timeout", "1"]);
    assert_eq!(out.code, Some(1), "{}", out.describe());
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(
        said.contains(&format!(
            "the SMTP server 127.0.0.1:{} did not answer within 1 s (--timeout)",
            server.port
        )),
        "{}",
        out.describe()
    );
    assert!(said.contains("unknown"), "{}", out.describe());
    assert!(!said.contains("os error"), "{}", out.describe());
    let first_id = message_id(&server.received()[0].data);
    let cto = last_record_of(&site, "cto@mail.example");
    assert_eq!(field(&cto, "outcome"), "unknown");

    assert_rerun_keeps_the_message_id(&site, &server, &first_id);
}

#[test]
fn a_ledger_ending_with_an_attempted_line_resends_under_the_same_message_id() {
    let first_server = ScriptedServer::start(Script::default());
    let site = site_at(first_server.port, false);
    let first = send(&site, "mail-app-3.0.0", "success", &[]);
    assert_eq!(first.code, Some(0), "{}", first.describe());
    // What a sender killed between its `attempted` line and the server's answer leaves.
    let mut attempted = delivered_record(&records(&site), "cto@mail.example");
    attempted["outcome"] = "attempted".into();
    let first_id = field(&attempted, "message_id").to_string();
    site.write(
        LEDGER,
        format!("{}\n", serde_json::to_string(&attempted).unwrap()),
    );

    let server = ScriptedServer::start(Script::default());
    point_at(&site, server.port, false);
    assert_rerun_keeps_the_message_id(&site, &server, &first_id);
}

#[test]
fn a_server_that_never_greets_is_a_plain_timeout_and_nothing_is_recorded() {
    let server = ScriptedServer::start(Script {
        faults: vec![Fault::Silent],
        ..Script::default()
    });
    let site = site_at(server.port, false);
    let out = send(&site, "mail-app-3.0.0", "success", &["--timeout", "1"]);
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert!(
        out.stderr.contains(&format!(
            "the SMTP server 127.0.0.1:{} did not answer within 1 s (--timeout)",
            server.port
        )),
        "{}",
        out.describe()
    );
    assert!(!out.stderr.contains("os error"), "{}", out.describe());
    assert!(server.received().is_empty());
    let ledger = site.path(LEDGER);
    assert!(
        !ledger.exists() || site.read(LEDGER).is_empty(),
        "nothing went out, so nothing is recorded"
    );
}

#[test]
fn a_server_offering_no_login_while_site_yaml_names_credentials_says_what_to_check() {
    let server = ScriptedServer::start(Script::default());
    let site = site_at(server.port, true);
    let password = "never-shown-Pa55";
    let args = send_args(&site, "mail-app-3.0.0", "success", &[]);
    let out = common::golive_with_env(
        &args,
        &site.root,
        &[
            ("GOLIVE_TEST_SMTP_USER", "release-bot"),
            ("GOLIVE_TEST_SMTP_PASSWORD", password),
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert!(
        out.stderr.contains("offers no login (AUTH)"),
        "{}",
        out.describe()
    );
    assert!(out.stderr.contains("STARTTLS"), "{}", out.describe());
    assert!(out.stderr.contains("username_env"), "{}", out.describe());
    assert!(
        !out.stderr.contains("internal client error"),
        "{}",
        out.describe()
    );
    assert!(!out.stderr.contains(password) && !out.stdout.contains(password));
    assert!(server.received().is_empty());
}

#[test]
fn nonsense_durations_are_refused_with_a_message_instead_of_a_crash() {
    let site = site_at(9, false);
    for option in ["--timeout", "--retry-delay"] {
        for value in ["inf", "NaN", "1e300", "-1", "soon"] {
            let setting = format!("{option}={value}");
            let out = site.run(&["send", "mail-app-3.0.0", "success", "--send", &setting]);
            assert_eq!(out.code, Some(2), "{setting}: {}", out.describe());
            assert!(out.stderr.contains(value), "{setting}: {}", out.describe());
            assert!(!out.stderr.contains("panicked"), "{}", out.describe());
        }
    }
}

#[test]
fn a_server_without_starttls_is_refused_when_site_yaml_requires_it() {
    let server = ScriptedServer::start(Script::default());
    let site = site_at(server.port, false);
    let config = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        common::replace_once(&config, "tls: none", "tls: starttls"),
    );
    let out = send(&site, "mail-app-3.0.0", "success", &[]);
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert!(
        out.stderr.contains("does not offer STARTTLS"),
        "{}",
        out.describe()
    );
    assert!(out.stderr.contains("tls: tls"), "{}", out.describe());
    assert!(server.received().is_empty());
}

#[test]
fn the_dry_run_replaces_the_outbox_file_whole_instead_of_rewriting_it_in_place() {
    let site = site_at(9, false);
    // A second name for the previous .eml (a hard link): a write in place, which a
    // crash can leave half done, would change it too; a whole replacement does not.
    let outbox = site.path(".golive/outbox/mail-app-3.1.0-readiness.eml");
    site.write(".golive/outbox/mail-app-3.1.0-readiness.eml", "previous");
    std::fs::hard_link(&outbox, site.path("previous.eml")).unwrap();
    let out = site.run(&["send", "mail-app-3.1.0", "readiness"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(
        site.read("previous.eml") == "previous",
        "the previous .eml was rewritten in place"
    );
    let eml = std::fs::read(&outbox).unwrap();
    assert!(MessageParser::default().parse(&eml).is_some());
    let leftovers: Vec<_> = std::fs::read_dir(site.path(".golive/outbox"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["mail-app-3.1.0-readiness.eml"]);
}
