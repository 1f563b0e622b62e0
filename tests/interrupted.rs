//! Builds that are interrupted (kill -9, Ctrl-C, SIGTERM, a full disk, a panic,
//! a template error half-way) or that run two at once never leave the output
//! out of step with golive's bookkeeping: a build that fails while golive is
//! alive leaves the output exactly as it was, and the build after a kill -9
//! produces exactly what a clean build produces.
//!
//! The interruptions land at exact points through golive's test-only fault hook
//! (`GOLIVE_FAULT_AFTER_WRITES=N:MODE`, see src/site/fault.rs), and the tests
//! wait for lines on pipes, never for time to pass.

mod common;

use std::io::{BufRead, BufReader, Read as _, Write as _};
use std::path::Path;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::mpsc;

use common::{HANG_LIMIT, Site, Snapshot, golive_with_env, snapshot};

/// A built copy of the verdicts fixture.
fn built() -> Site {
    let site = Site::copy_of("verdicts");
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    site
}

/// Sets the site title, which every page shows.
fn retitle(site: &Site, title: &str) {
    let text = site.read("content/site.yaml");
    let old = text.lines().find(|l| l.starts_with("title: ")).unwrap();
    site.write(
        "content/site.yaml",
        text.replacen(old, &format!("title: {title}"), 1),
    );
}

/// The output folder's pages, without golive's own bookkeeping files.
fn pages(dir: &Path) -> Snapshot {
    let mut all = snapshot(dir);
    all.retain(|p, _| {
        !matches!(
            p.to_str(),
            Some(
                ".golive-manifest"
                    | ".golive-cache.json"
                    | ".golive-index"
                    | ".golive-lock"
                    | ".golive-dirty"
                    | ".golive-output"
            )
        )
    });
    all
}

/// What a clean build of the site's current content writes, into a new folder.
fn clean_build(site: &Site, name: &str) -> Snapshot {
    let out = site.run(&["build", "--out", name]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    pages(&site.path(name))
}

/// Files that golive writes aside and renames into place.
fn temporary_files(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .keys()
        .filter_map(|p| p.to_str())
        .filter(|p| p.ends_with(".golive-tmp"))
        .map(String::from)
        .collect()
}

/// Asserts that two output folders hold the same pages, naming the ones that differ.
fn assert_same_pages(got: &Snapshot, wanted: &Snapshot, context: &str) {
    let differ: Vec<_> = got
        .keys()
        .chain(wanted.keys())
        .filter(|p| got.get(*p) != wanted.get(*p))
        .collect();
    assert!(
        differ.is_empty(),
        "the output differs from a clean build at {differ:?}\n{context}"
    );
}

fn build_with_fault(site: &Site, fault: &str) -> common::Output {
    let root = site.root.to_str().unwrap();
    golive_with_env(
        &["--root", root, "build"],
        &site.root,
        &[("GOLIVE_FAULT_AFTER_WRITES", fault)],
    )
}

#[test]
fn the_build_after_a_kill_matches_a_clean_build() {
    let mut aborted = 0;
    for n in [1, 2, 4, 8, 16, 32, 64, 128] {
        let site = built();
        retitle(&site, "Retitled Fixture");
        let killed = build_with_fault(&site, &format!("{n}:abort"));
        if killed.code == Some(0) {
            // The build wrote fewer files than n: nothing was interrupted.
            break;
        }
        assert_eq!(killed.code, None, "{}", killed.describe());
        aborted += 1;
        // Back to the content of the last complete build.
        retitle(&site, "Verdict Fixture");
        let repair = site.run(&["build"]);
        assert_eq!(repair.code, Some(0), "{}", repair.describe());
        let context = format!("killed after {n} writes\n{}", repair.describe());
        assert_eq!(
            temporary_files(&site.path("public")),
            Vec::<String>::new(),
            "{context}"
        );
        assert_same_pages(
            &pages(&site.path("public")),
            &clean_build(&site, "clean"),
            &context,
        );
        assert!(
            repair
                .stderr
                .contains("left unfinished by an interrupted build"),
            "the build says it checked the folder\n{context}"
        );
        // And the folder is trusted again: the next build writes nothing.
        let again = site.run(&["build"]);
        assert!(again.stdout.contains("; 0 of "), "{}", again.describe());
        assert!(
            !again.stderr.contains("interrupted"),
            "{}",
            again.describe()
        );
    }
    assert!(aborted >= 3, "only {aborted} builds were interrupted");
}

#[test]
fn a_full_disk_half_way_leaves_the_output_as_it_was() {
    for n in [0, 1, 5, 12] {
        let site = built();
        let before = site.snapshot("public");
        retitle(&site, "Retitled Fixture");
        let full = build_with_fault(&site, &format!("{n}:fail"));
        let context = format!("disk full after {n} writes\n{}", full.describe());
        assert_eq!(
            temporary_files(&site.path("public")),
            Vec::<String>::new(),
            "{context}"
        );
        assert!(
            site.snapshot("public") == before,
            "the output changed\n{context}"
        );
        assert_eq!(full.code, Some(1), "{context}");
        assert!(full.stderr.contains("No space left on device"), "{context}");
        assert!(
            full.stderr.contains("is as it was before this build"),
            "{context}"
        );
    }
}

#[test]
fn a_panic_half_way_leaves_the_output_as_it_was() {
    let site = built();
    let before = site.snapshot("public");
    retitle(&site, "Retitled Fixture");
    let panicked = build_with_fault(&site, "5:panic");
    assert_eq!(panicked.code, Some(1), "{}", panicked.describe());
    assert!(
        panicked.stderr.contains("internal error")
            && panicked.stderr.contains("is as it was before this build"),
        "{}",
        panicked.describe()
    );
    assert!(site.snapshot("public") == before, "the output changed");
}

#[test]
fn a_template_error_after_the_release_pages_leaves_the_output_as_it_was() {
    let site = built();
    let before = site.snapshot("public");
    retitle(&site, "Retitled Fixture");
    // The dashboard is rendered after every release's pages were written.
    site.write(
        "layouts/dashboard.html",
        "{% extends \"base.html\" %}{% block content %}{{ no_such_value.at_all }}{% endblock content %}",
    );
    let failed = site.run(&["build"]);
    assert!(site.snapshot("public") == before, "the output changed");
    assert_eq!(failed.code, Some(2), "{}", failed.describe());
    assert!(
        failed.stderr.contains("is as it was before this build"),
        "{}",
        failed.describe()
    );
}

/// A `golive build` started with stdin and stderr piped, and its stderr lines.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Running {
    fn start(site: &Site, env: &[(&str, &str)]) -> Running {
        let mut child = common::golive_command(
            &["--root", site.root.to_str().unwrap(), "build"],
            &site.root,
        )
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start golive build");
        let lines = forward(child.stderr.take().unwrap());
        Running { child, lines }
    }

    /// Waits for a stderr line containing `wanted`, and returns it.
    fn wait_for(&self, wanted: &str) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(HANG_LIMIT)
                .unwrap_or_else(|_| panic!("golive never printed `{wanted}`"));
            if line.contains(wanted) {
                return line;
            }
        }
    }

    fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// Waits for it to end: exit code, stdout and the rest of stderr.
    fn finish(mut self) -> (Option<i32>, String, String) {
        drop(self.child.stdin.take());
        let mut stdout = String::new();
        let _ = self
            .child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout);
        let status = self.child.wait().unwrap();
        // The stderr thread ends with the process: collect all it forwarded.
        let stderr: Vec<String> = self.lines.iter().collect();
        (status.code(), stdout, stderr.join("\n"))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends each line of `stderr` to the returned channel, from a thread.
fn forward(stderr: ChildStderr) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

#[test]
fn ctrl_c_or_sigterm_half_way_rolls_back_and_exits_130() {
    for signal in ["INT", "TERM"] {
        let site = built();
        let before = site.snapshot("public");
        retitle(&site, "Retitled Fixture");
        let build = Running::start(&site, &[("GOLIVE_FAULT_AFTER_WRITES", "6:pause")]);
        build.wait_for("paused after 6 writes");
        build.signal(signal);
        let (code, stdout, stderr) = build.finish();
        let context = format!("SIG{signal}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
        assert_eq!(code, Some(130), "{context}");
        assert!(
            stderr.contains("interrupted;") && stderr.contains("is as it was before this build"),
            "{context}"
        );
        assert!(
            site.snapshot("public") == before,
            "the output changed\n{context}"
        );
    }
}

#[test]
fn a_second_build_waits_for_the_first_then_has_nothing_to_do() {
    let site = built();
    retitle(&site, "Retitled Fixture");
    let first = Running::start(&site, &[("GOLIVE_FAULT_AFTER_WRITES", "3:pause")]);
    first.wait_for("paused after 3 writes");
    let mut second = Running::start(&site, &[]);
    let waiting = second.wait_for("waiting for");
    assert!(
        waiting.contains(&format!("golive build (pid {})", first.child.id())),
        "the message names the build holding the folder: {waiting}"
    );
    assert!(
        second.child.try_wait().unwrap().is_none(),
        "the second build must wait while the first holds the folder"
    );
    // Let the first build go on.
    let mut first = first;
    first
        .child
        .stdin
        .as_mut()
        .unwrap()
        .write_all(b"go on\n")
        .unwrap();
    let (code, stdout, stderr) = first.finish();
    assert_eq!(code, Some(0), "first build\n{stdout}\n{stderr}");
    let (code, stdout, stderr) = second.finish();
    assert_eq!(code, Some(0), "second build\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("; 0 of "),
        "the second build found the first one's output complete: {stdout}"
    );
    assert_same_pages(
        &pages(&site.path("public")),
        &clean_build(&site, "clean"),
        "two builds at once",
    );
    assert_eq!(temporary_files(&site.path("public")), Vec::<String>::new());
}

/// A build stopped while it waits for another one wrote nothing: it says so,
/// whatever state the other build has the folder in at that moment.
#[test]
fn a_build_stopped_while_waiting_says_it_wrote_nothing() {
    let site = built();
    retitle(&site, "Retitled Fixture");
    let first = Running::start(&site, &[("GOLIVE_FAULT_AFTER_WRITES", "3:pause")]);
    first.wait_for("paused after 3 writes");
    let second = Running::start(&site, &[]);
    second.wait_for("waiting for");
    second.signal("TERM");
    let (code, stdout, stderr) = second.finish();
    let context = format!("--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
    assert_eq!(code, Some(130), "{context}");
    assert!(
        stderr.contains("interrupted while waiting for the other build; this build wrote nothing"),
        "{context}"
    );
    assert!(!stderr.contains("partly written"), "{context}");
    let mut first = first;
    first
        .child
        .stdin
        .as_mut()
        .unwrap()
        .write_all(b"go on\n")
        .unwrap();
    let (code, stdout, stderr) = first.finish();
    assert_eq!(code, Some(0), "first build\n{stdout}\n{stderr}");
}
