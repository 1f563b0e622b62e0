//! `cargo install --path .` as the manual tells users to run it, into a
//! temporary root, and the installed binary's `--version`, completions and
//! manual page.
//!
//! The nested cargo builds in its own target folder, `target/install-test`:
//! the `cargo test` running this holds the lock on `target/debug`, so
//! building there would wait for ever. The folder is kept between runs, so
//! only the first run compiles the dependencies (13 minutes with `--debug` on
//! two cores shared by four builds; warm, 4 s unchanged and 14 s after a
//! touched source file). It builds with `--debug`: a release build had not
//! finished the dependencies after 9 minutes, and the test checks
//! that installing works, not how fast the result is. There is no time limit:
//! a slow machine is slow, not broken.
//!
//! The packagers' override `GOLIVE_BUILD_COMMIT` is set, so the installed
//! binary's version is known in advance (and the build does not depend on the
//! state of git); tests/cli_extras.rs checks the version git gives.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

/// What the installed binary must call its build.
const COMMIT: &str = "0123abc 2026-01-02";

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs a command to completion, its output passed through to the test's,
/// and fails with what it printed unless it succeeds.
fn succeed(command: &mut Command, what: &str) -> String {
    let out = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{what}: {:?}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        out.status
    );
    stdout
}

#[test]
fn cargo_install_path_gives_a_golive_with_version_completions_and_man_page() {
    let root = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    succeed(
        Command::new(env!("CARGO"))
            .args(["install", "--path"])
            .arg(here())
            .arg("--root")
            .arg(root.path())
            .args(["--locked", "--debug", "--quiet"])
            .env("CARGO_TARGET_DIR", here().join("target/install-test"))
            .env("GOLIVE_BUILD_COMMIT", COMMIT)
            .current_dir(here()),
        "cargo install --path .",
    );
    // For the record (cargo test --test install -- --nocapture), not a limit.
    eprintln!("cargo install took {:?}", started.elapsed());

    let installed = root.path().join("bin").join("golive");
    assert!(installed.is_file(), "no {}", installed.display());
    let golive = |args: &[&str]| {
        succeed(
            Command::new(&installed).args(args).current_dir(root.path()),
            &format!("installed golive {}", args.join(" ")),
        )
    };

    assert_eq!(
        golive(&["--version"]).trim_end(),
        format!("golive {} ({COMMIT})", env!("CARGO_PKG_VERSION"))
    );

    let bash = golive(&["completions", "bash"]);
    assert!(bash.contains("complete -F"), "{bash}");
    // The installed binary completes exactly as the one built here.
    let here_bash = common::golive(&["completions", "bash"], here());
    assert_eq!(bash, here_bash.stdout);

    let page = golive(&["man"]);
    assert!(page.contains("\n.TH golive 1 "), "{page}");
    assert!(page.contains("EXIT STATUS"), "{page}");
}
