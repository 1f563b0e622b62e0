//! The send ledger's place and the CI rule, as a CI job meets them: fresh `git
//! clone`s of a site, `CI=true`, a real SMTP server on 127.0.0.1. Two runs that
//! share the ledger (on a "shared volume", or committed by the job) never send
//! the same email twice; a ledger that goes with the checkout (the default
//! place, or one git ignores) makes `send --send` refuse before it connects.
//!
//! The tests that need `git` skip themselves, saying why, when it is missing.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::smtp::{Behaviour, SmtpServer};
use common::{Output, Site};
use icalendar::{CalendarComponent, Component};

/// The shipped release of the mail fixture, and the email a CI job sends after
/// deploying it.
const RELEASE: &str = "mail-app-3.0.0";
const KIND: &str = "success";

/// Whether `git` can run; prints why the test is skipped when not.
fn have_git(test: &str) -> bool {
    let found = Command::new("git")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("skipping {test}: `git` is not installed");
    }
    found
}

/// Runs git in `dir` with a fixed identity and no user or system configuration.
fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=CI job",
            "-c",
            "user.email=ci@example.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::null())
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A site in a git repository with a bare `origin`, as a CI service has it,
/// and a folder outside every clone for the "shared volume".
struct Repo {
    dir: tempfile::TempDir,
    /// Where the site is written and committed from (the developer's checkout).
    author: PathBuf,
    origin: PathBuf,
}

impl Repo {
    /// A copy of the fixture `name` with `site_yaml` edited by `edit`, and a
    /// `.gitignore` that ignores `.golive/`, `public/` and `ignored`'s lines,
    /// committed and pushed to a bare origin.
    fn new(name: &str, edit: impl FnOnce(String) -> String, ignored: &str) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let author = dir.path().join("author");
        common::copy_dir(
            &common::fixture(name).join("content"),
            &author.join("content"),
        );
        let site_yaml = author.join("content/site.yaml");
        let text = std::fs::read_to_string(&site_yaml).unwrap();
        std::fs::write(&site_yaml, edit(text)).unwrap();
        std::fs::write(
            author.join(".gitignore"),
            format!(".golive/\npublic/\n{ignored}"),
        )
        .unwrap();
        git(&author, &["init", "-q"]);
        git(&author, &["add", "-A"]);
        git(&author, &["commit", "-q", "-m", "the site"]);
        let origin = dir.path().join("origin.git");
        git(
            dir.path(),
            &["clone", "-q", "--bare", "author", "origin.git"],
        );
        git(
            &author,
            &["remote", "add", "origin", origin.to_str().unwrap()],
        );
        Repo {
            dir,
            author,
            origin,
        }
    }

    /// A fresh clone of origin, as a CI job's checkout.
    fn clone(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        git(
            self.dir.path(),
            &["clone", "-q", self.origin.to_str().unwrap(), name],
        );
        path
    }

    /// A file on the "shared volume": outside the repository and every clone.
    fn volume(&self, relative: &str) -> PathBuf {
        self.dir.path().join("volume").join(relative)
    }
}

/// site.yaml pointed at `server` (the fixture's smtp block is the last one).
fn smtp_at(server: &SmtpServer) -> impl FnOnce(String) -> String {
    let port = server.port;
    move |text: String| {
        let start = text.find("smtp:").unwrap();
        format!(
            "{}smtp:\n  host: 127.0.0.1\n  port: {port}\n  tls: none\n",
            &text[..start]
        )
    }
}

/// `golive --root <site> send RELEASE KIND --send <extra>` with `env`.
fn send_in(site: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut args = vec![
        "--root",
        site.to_str().unwrap(),
        "send",
        RELEASE,
        KIND,
        "--send",
        "--timeout",
        "10",
    ];
    args.extend_from_slice(extra);
    common::golive_with_env(&args, site, env)
}

/// Envelopes the server received, by recipient.
fn deliveries(server: &SmtpServer) -> BTreeMap<String, usize> {
    let mut by = BTreeMap::new();
    for message in server.messages() {
        for to in message.to {
            *by.entry(to).or_insert(0) += 1;
        }
    }
    by
}

fn assert_delivered(out: &Output) {
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(
        !out.stderr.contains("refusing"),
        "no refusal: {}",
        out.describe()
    );
}

/// The refusal of a second send of an email already delivered (exit 1, as
/// without CI).
fn assert_already_sent(out: &Output) {
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert!(
        out.stderr.contains("was already delivered"),
        "{}",
        out.describe()
    );
}

/// How the shared ledger is configured in (a).
#[derive(Clone, Copy, Debug)]
enum Configured {
    Variable,
    Flag,
    SiteYaml,
}

/// (a) Two CI runs from two fresh clones, sharing a ledger on a "shared
/// volume": the first delivers, the second is refused as already sent.
fn two_clones_share_a_ledger_on_a_volume(how: Configured) {
    if !have_git(&format!("two_clones_share_a_ledger_on_a_volume({how:?})")) {
        return;
    }
    let server = SmtpServer::start(Behaviour::default());
    // The volume's path is known only once the repository's folder is: site.yaml
    // is written in two steps.
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("volume/golive/sent.jsonl");
    let shared_text = shared.to_str().unwrap().to_string();
    let with_smtp = smtp_at(&server);
    let repo = Repo::new(
        "mail",
        |text| {
            let text = with_smtp(text);
            match how {
                Configured::SiteYaml => format!("{text}ledger: {shared_text}\n"),
                _ => text,
            }
        },
        "",
    );
    let (flag, env): (Vec<&str>, Vec<(&str, &str)>) = match how {
        Configured::Variable => (
            vec![],
            vec![("CI", "true"), ("GOLIVE_LEDGER", &shared_text)],
        ),
        Configured::Flag => (vec!["--ledger", &shared_text], vec![("CI", "true")]),
        Configured::SiteYaml => (vec![], vec![("CI", "true")]),
    };

    let a = repo.clone("job-1");
    let first = send_in(&a, &flag, &env);
    assert_delivered(&first);
    assert!(
        first.stdout.contains(&format!("ledger   {shared_text}")),
        "the send names its ledger: {}",
        first.describe()
    );
    let delivered = deliveries(&server);
    assert!(!delivered.is_empty());
    assert!(delivered.values().all(|&n| n == 1), "{delivered:?}");
    assert!(shared.is_file(), "the ledger is on the volume");
    assert!(
        shared.with_extension("jsonl.lock").is_file(),
        "its lock is beside it"
    );
    assert!(!a.join(".golive/sent.jsonl").exists());

    let b = repo.clone("job-2");
    let second = send_in(&b, &flag, &env);
    assert_already_sent(&second);
    assert_eq!(
        deliveries(&server),
        delivered,
        "the server got nothing more"
    );
}

#[test]
fn two_clones_share_a_ledger_named_by_golive_ledger() {
    two_clones_share_a_ledger_on_a_volume(Configured::Variable);
}

#[test]
fn two_clones_share_a_ledger_named_by_the_flag() {
    two_clones_share_a_ledger_on_a_volume(Configured::Flag);
}

#[test]
fn two_clones_share_a_ledger_named_in_the_committed_site_yaml() {
    two_clones_share_a_ledger_on_a_volume(Configured::SiteYaml);
}

/// (b) The job commits the ledger after sending; a later job's clone has it.
#[test]
fn a_ledger_committed_by_the_job_refuses_the_next_clones_send() {
    if !have_git("a_ledger_committed_by_the_job_refuses_the_next_clones_send") {
        return;
    }
    let server = SmtpServer::start(Behaviour::default());
    let with_smtp = smtp_at(&server);
    let repo = Repo::new(
        "mail",
        |text| format!("{}ledger: ops/golive/sent.jsonl\n", with_smtp(text)),
        "",
    );
    let ci = [("CI", "true")];
    let a = repo.clone("job-1");
    let first = send_in(&a, &[], &ci);
    assert_delivered(&first);
    let delivered = deliveries(&server);
    assert!(!delivered.is_empty());
    // The job's commit step.
    git(&a, &["add", "ops/golive/sent.jsonl"]);
    git(
        &a,
        &["commit", "-q", "-m", "golive: sent the success email"],
    );
    git(&a, &["push", "-q", "origin", "HEAD"]);

    let b = repo.clone("job-2");
    assert!(b.join("ops/golive/sent.jsonl").is_file());
    let second = send_in(&b, &[], &ci);
    assert_already_sent(&second);
    assert_eq!(
        deliveries(&server),
        delivered,
        "the server got nothing more"
    );
}

/// (c) Under CI the default ledger refuses before connecting, naming the fix;
/// --ephemeral-ledger accepts it; without CI nothing changes.
#[test]
fn the_default_ledger_under_ci_refuses_before_connecting_and_names_the_fix() {
    let server = SmtpServer::start(Behaviour::default());
    let site = Site::copy_of("mail");
    site.write(
        "content/site.yaml",
        smtp_at(&server)(site.read("content/site.yaml")),
    );

    let refused = send_in(&site.root, &[], &[("CI", "true")]);
    assert_eq!(refused.code, Some(1), "{}", refused.describe());
    assert!(server.messages().is_empty(), "no connection was made");
    assert!(server.log.lock().unwrap().logins.is_empty());
    assert!(
        !site.path(".golive").exists(),
        "nothing written, not even the lock"
    );
    let said = &refused.stderr;
    for needle in [
        "error: refusing to send under CI",
        ".golive/sent.jsonl",
        "thrown away with the checkout",
        "a rerun of this job would send this email again",
        "rule: CI is set (CI=true) and no ledger place is configured",
        "set `ledger:` in site.yaml",
        "shared volume",
        "--ephemeral-ledger",
    ] {
        assert!(
            said.contains(needle),
            "{needle:?} in {}",
            refused.describe()
        );
    }

    // Other values of CI that mean "not CI".
    for off in ["false", "0", ""] {
        let dry = common::golive_with_env(
            &["--root", site.root.to_str().unwrap(), "send", RELEASE, KIND],
            &site.root,
            &[("CI", off)],
        );
        assert!(
            !dry.stderr.contains("refuse"),
            "CI={off:?}: {}",
            dry.describe()
        );
    }

    // A dry run under CI warns the same way and goes on.
    let dry = common::golive_with_env(
        &["--root", site.root.to_str().unwrap(), "send", RELEASE, KIND],
        &site.root,
        &[("CI", "true")],
    );
    assert_eq!(dry.code, Some(0), "{}", dry.describe());
    assert!(
        dry.stderr.contains(
            "warning: under CI, `send --send` would refuse: the send ledger is at its default place"
        ),
        "{}",
        dry.describe()
    );
    assert!(dry.stdout.contains("dry run"), "{}", dry.describe());

    let accepted = send_in(&site.root, &["--ephemeral-ledger"], &[("CI", "true")]);
    assert_delivered(&accepted);
    assert!(
        accepted.stderr.contains(
            "warning: accepted with --ephemeral-ledger: the send ledger is at its default place"
        ),
        "{}",
        accepted.describe()
    );
    let delivered = deliveries(&server);
    assert!(!delivered.is_empty());

    // Without CI: as before (here refused only because it was sent already).
    let other = Site::copy_of("mail");
    other.write(
        "content/site.yaml",
        smtp_at(&server)(other.read("content/site.yaml")),
    );
    let plain = send_in(&other.root, &[], &[]);
    assert_delivered(&plain);
    assert!(!plain.stderr.contains("CI"), "{}", plain.describe());
    assert_eq!(
        deliveries(&server).values().sum::<usize>(),
        2 * delivered.values().sum::<usize>()
    );
}

/// (d) A configured ledger that git ignores is thrown away too.
#[test]
fn a_configured_ledger_that_git_ignores_refuses_under_ci() {
    if !have_git("a_configured_ledger_that_git_ignores_refuses_under_ci") {
        return;
    }
    let server = SmtpServer::start(Behaviour::default());
    let with_smtp = smtp_at(&server);
    let repo = Repo::new(
        "mail",
        |text| format!("{}ledger: ops/state/sent.jsonl\n", with_smtp(text)),
        "ops/state/\n",
    );
    let a = repo.clone("job-1");
    let refused = send_in(&a, &[], &[("CI", "1")]);
    assert_eq!(refused.code, Some(1), "{}", refused.describe());
    assert!(server.messages().is_empty(), "no connection was made");
    for needle in [
        "error: refusing to send under CI",
        "the send ledger ops/state/sent.jsonl (from `ledger:` in site.yaml) is ignored by git",
        // git's own word on which rule: source, line, pattern.
        ".gitignore:3:ops/state/",
        "rule: CI is set (CI=1) and `git check-ignore` says the configured ledger is ignored",
        "--ephemeral-ledger",
    ] {
        assert!(
            refused.stderr.contains(needle),
            "{needle:?} in {}",
            refused.describe()
        );
    }
    // The same place, not ignored (committed by the job), is accepted.
    std::fs::write(a.join(".gitignore"), ".golive/\npublic/\n").unwrap();
    let kept = send_in(&a, &[], &[("CI", "1")]);
    assert_delivered(&kept);
    assert!(a.join("ops/state/sent.jsonl").is_file());
}

/// (e) Two jobs send at once from two clones that share the ledger: the lock
/// makes one wait, and it then finds everything delivered.
#[test]
fn two_sends_at_once_from_two_clones_deliver_once() {
    if !have_git("two_sends_at_once_from_two_clones_deliver_once") {
        return;
    }
    let server = SmtpServer::start(Behaviour::default());
    let repo = Repo::new("mail", smtp_at(&server), "");
    let shared = repo.volume("sent.jsonl");
    let shared = shared.to_str().unwrap();
    let clones = [repo.clone("job-1"), repo.clone("job-2")];
    let children: Vec<_> = clones
        .iter()
        .map(|root| {
            common::golive_command(
                &[
                    "--root",
                    root.to_str().unwrap(),
                    "send",
                    RELEASE,
                    KIND,
                    "--send",
                    "--timeout",
                    "10",
                ],
                root,
            )
            .env("CI", "true")
            .env("GOLIVE_LEDGER", shared)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    let outs: Vec<std::process::Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let codes: Vec<Option<i32>> = outs.iter().map(|o| o.status.code()).collect();
    let describe = || {
        outs.iter()
            .map(|o| {
                format!(
                    "{:?}\n{}\n{}",
                    o.status.code(),
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                )
            })
            .collect::<Vec<_>>()
            .join("\n---\n")
    };
    assert!(
        codes.contains(&Some(0)) && codes.contains(&Some(1)),
        "{}",
        describe()
    );
    let loser = outs.iter().find(|o| o.status.code() == Some(1)).unwrap();
    assert!(
        String::from_utf8_lossy(&loser.stderr).contains("was already delivered"),
        "{}",
        describe()
    );
    let delivered = deliveries(&server);
    assert!(!delivered.is_empty());
    assert!(
        delivered.values().all(|&n| n == 1),
        "each recipient once: {delivered:?}"
    );
    let ids: std::collections::BTreeSet<String> = server
        .messages()
        .iter()
        .filter_map(|m| {
            mail_parser::MessageParser::default()
                .parse(&m.data)
                .and_then(|p| p.message_id().map(str::to_string))
        })
        .collect();
    assert_eq!(ids.len(), 1, "one message: {ids:?}");
}

/// The SEQUENCE of the go-live window of the ics fixture's release, in `site`'s
/// built calendar.
fn window_sequence(site: &Path) -> u32 {
    let path = site.join("public/releases/cal-app-1.0.0/calendar.ics");
    sequence_in(&std::fs::read_to_string(&path).unwrap())
}

/// The SEQUENCE of that window in the text/calendar part of a readiness email.
fn window_sequence_in_email(eml: &[u8]) -> u32 {
    let message = mail_parser::MessageParser::default()
        .parse(eml)
        .expect("a parsable message");
    let part = message
        .parts
        .iter()
        .find(|p| {
            mail_parser::MimeHeaders::content_type(*p)
                .is_some_and(|c| c.c_type == "text" && c.subtype() == Some("calendar"))
        })
        .expect("a text/calendar part");
    sequence_in(&String::from_utf8_lossy(part.contents()))
}

fn sequence_in(text: &str) -> u32 {
    let calendar: icalendar::Calendar = text.parse().expect("the calendar parses");
    calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .find(|e| e.get_uid() == Some("window.cal-app-1.0.0@golive"))
        .and_then(|e| e.get_sequence())
        .expect("the window event and its SEQUENCE")
}

/// (f) The calendar memory lives beside a configured ledger, so a fresh clone
/// that shares it goes on numbering events where the last build left off.
#[test]
fn the_calendar_memory_beside_a_shared_ledger_survives_a_fresh_clone() {
    if !have_git("the_calendar_memory_beside_a_shared_ledger_survives_a_fresh_clone") {
        return;
    }
    const NOW: &str = "2026-10-20 12:00";
    let repo = Repo::new("ics", |text| text, "");
    let shared = repo.volume("golive/sent.jsonl");
    let env = [("GOLIVE_LEDGER", shared.to_str().unwrap())];
    let build = |root: &Path, env: &[(&str, &str)]| {
        let out = common::golive_with_env(
            &["--root", root.to_str().unwrap(), "--now", NOW, "build"],
            root,
            env,
        );
        assert_eq!(out.code, Some(0), "{}", out.describe());
    };

    let a = repo.clone("job-1");
    build(&a, &env);
    assert!(
        repo.volume("golive/calendar.json").is_file(),
        "beside the ledger"
    );
    assert!(
        !a.join(".golive/calendar.json").exists(),
        "not in the checkout"
    );
    assert_eq!(window_sequence(&a), 0);

    // The go-live moves a day, committed by its writer.
    let file = repo.author.join("content/releases/dst.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        common::replace_once(
            &text,
            "target: 2026-10-26 09:00",
            "target: 2026-10-27 09:00",
        ),
    )
    .unwrap();
    git(&repo.author, &["commit", "-q", "-am", "move the go-live"]);
    git(&repo.author, &["push", "-q", "origin", "HEAD"]);

    let b = repo.clone("job-2");
    build(&b, &env);
    assert_eq!(window_sequence(&b), 1, "the move is announced as an update");
    // `email` (and `send`) number the calendar it carries from the same memory.
    let email = |env: &[(&str, &str)]| {
        let out = common::golive_with_env(
            &[
                "--root",
                b.to_str().unwrap(),
                "--now",
                NOW,
                "email",
                "cal-app-1.0.0",
                "readiness",
                "--format",
                "eml",
            ],
            &b,
            env,
        );
        assert_eq!(out.code, Some(0), "{}", out.describe());
        window_sequence_in_email(out.stdout.as_bytes())
    };
    assert_eq!(email(&env), 1);
    let flag = common::golive(
        &[
            "--root",
            b.to_str().unwrap(),
            "--ledger",
            shared.to_str().unwrap(),
            "--now",
            NOW,
            "email",
            "cal-app-1.0.0",
            "readiness",
            "--format",
            "eml",
        ],
        &b,
    );
    assert_eq!(window_sequence_in_email(flag.stdout.as_bytes()), 1);
    assert_eq!(email(&[]), 0, "without it, the clone's own (empty) memory");

    // Without the shared memory, a fresh clone would number it as new.
    let c = repo.clone("job-3");
    build(&c, &[]);
    assert_eq!(window_sequence(&c), 0);
    assert!(c.join(".golive/calendar.json").is_file());
}

/// `ledger:` in site.yaml is checked when the site loads, with its place.
#[test]
fn an_empty_or_control_character_ledger_in_site_yaml_is_a_located_error() {
    // (A control character is refused for every text of site.yaml, by the
    // loader; the others by the ledger's own check.)
    for (value, says, help) in [
        (
            "\"\"",
            "the ledger's path is empty",
            "ops/golive/sent.jsonl",
        ),
        ("\"ops/\\tsent.jsonl\"", "contains a tab", "replace the tab"),
        ("\"ops/\\u001bsent.jsonl\"", "U+001B", "delete it"),
        ("ops/golive/", "names a folder", "ops/golive/sent.jsonl"),
    ] {
        let site = Site::copy_of("mail");
        let text = site.read("content/site.yaml");
        site.write("content/site.yaml", format!("{text}ledger: {value}\n"));
        let line = text.lines().count() + 1;
        let out = site.run(&["build"]);
        assert_eq!(out.code, Some(2), "{value}: {}", out.describe());
        let found = common::diagnostics_at(&out.stderr, "content/site.yaml", line);
        assert!(
            found.iter().any(|d| d.contains(says) && d.contains(help)),
            "{value}: {}",
            out.describe()
        );
    }
}

#[test]
fn bad_values_of_the_flag_and_the_variable_are_refused_with_the_fix() {
    let site = Site::copy_of("mail");
    let root = site.root.to_str().unwrap();
    let flag = site.run(&["--ledger", "", "send", RELEASE, KIND]);
    assert_eq!(flag.code, Some(2), "{}", flag.describe());
    assert!(
        flag.stderr.contains("the ledger's path is empty"),
        "{}",
        flag.describe()
    );

    let variable = common::golive_with_env(
        &["--root", root, "send", RELEASE, KIND],
        &site.root,
        &[("GOLIVE_LEDGER", "a\u{1b}b")],
    );
    assert_eq!(variable.code, Some(2), "{}", variable.describe());
    assert!(
        variable.stderr.contains("GOLIVE_LEDGER: the ledger's path")
            && variable.stderr.contains("control character")
            && variable
                .stderr
                .contains("help: set it to the ledger's file"),
        "{}",
        variable.describe()
    );
}

#[test]
fn a_ledger_that_is_a_folder_or_cannot_be_created_is_an_error_naming_it_and_the_fix() {
    let server = SmtpServer::start(Behaviour::default());
    let site = Site::copy_of("mail");
    site.write(
        "content/site.yaml",
        smtp_at(&server)(site.read("content/site.yaml")),
    );
    std::fs::create_dir_all(site.path("ops/sent")).unwrap();
    let folder = send_in(&site.root, &["--ledger", "ops/sent"], &[]);
    assert_eq!(folder.code, Some(1), "{}", folder.describe());
    assert!(
        folder.stderr.contains("ops/sent (from --ledger)")
            && folder.stderr.contains("it is a folder")
            && folder.stderr.contains("ops/sent/sent.jsonl"),
        "{}",
        folder.describe()
    );
    // A file where its folder should be: the folder cannot be made.
    site.write("ops/file", "not a folder");
    let blocked = common::golive_with_env(
        &[
            "--root",
            site.root.to_str().unwrap(),
            "send",
            RELEASE,
            KIND,
            "--send",
        ],
        &site.root,
        &[("GOLIVE_LEDGER", "ops/file/sent.jsonl")],
    );
    assert_eq!(blocked.code, Some(1), "{}", blocked.describe());
    assert!(
        blocked.stderr.contains("ops/file/sent.jsonl.lock")
            && blocked
                .stderr
                .contains("choose another place for the ledger"),
        "{}",
        blocked.describe()
    );
    assert!(server.messages().is_empty());
}

#[test]
fn the_help_names_the_flags_the_variable_and_the_ci_rule() {
    let site = Site::copy_of("mail");
    let help = site.run(&["send", "--help"]);
    assert_eq!(help.code, Some(0), "{}", help.describe());
    for needle in [
        "--ledger <FILE>",
        "GOLIVE_LEDGER",
        "--ephemeral-ledger",
        "Under CI",
        "ignored by git",
        ".golive/sent.jsonl",
    ] {
        assert!(
            help.stdout.contains(needle),
            "{needle:?} in {}",
            help.stdout
        );
    }
    let build = site.run(&["build", "--help"]);
    assert!(build.stdout.contains("--ledger <FILE>"), "{}", build.stdout);
}

/// The postponement preview of a build compares with the audience's last email
/// in the ledger: a build with the ledger elsewhere (by the flag, site.yaml
/// unchanged) renders it again rather than keeping the last build's.
#[test]
fn a_build_with_the_ledger_elsewhere_renders_the_ledgers_pages_again() {
    let server = SmtpServer::start(Behaviour::default());
    let site = Site::copy_of("mail");
    site.write(
        "content/site.yaml",
        smtp_at(&server)(site.read("content/site.yaml")),
    );
    let volume = tempfile::tempdir().unwrap();
    let shared = volume.path().join("sent.jsonl");
    let shared = shared.to_str().unwrap();
    let root = site.root.to_str().unwrap();
    let postponed = [
        "--root",
        root,
        "send",
        "mail-app-2.9.0",
        "postponement",
        "--send",
    ];
    let sent = common::golive_with_env(&postponed, &site.root, &[("GOLIVE_LEDGER", shared)]);
    assert_delivered(&sent);
    // The release moves on after that email (so it differs from what it told).
    let file = "content/releases/postponed.yaml";
    site.write(
        file,
        common::replace_once(
            &site.read(file),
            "new_target: 2026-10-08",
            "new_target: 2026-10-09",
        ),
    );
    let preview = "public/releases/mail-app-2.9.0/emails/postponement.txt";
    let build = |env: &[(&str, &str)]| {
        let out = common::golive_with_env(
            &["--root", root, "--now", "2026-09-20 12:00", "build"],
            &site.root,
            env,
        );
        assert_eq!(out.code, Some(0), "{}", out.describe());
        site.read(preview)
    };
    assert!(build(&[]).contains("SINCE THE ORIGINAL PLAN"));
    assert!(
        build(&[("GOLIVE_LEDGER", shared)]).contains("SINCE THE POSTPONEMENT EMAIL OF"),
        "the ledger on the volume knows the email sent"
    );
    assert!(build(&[]).contains("SINCE THE ORIGINAL PLAN"));
}
