//! Terminal manners: colour only for a terminal (or when forced), never under
//! NO_COLOR; --quiet prints nothing on success; --verbose prints stage timings.

mod common;

use std::process::Command;

use common::Site;

fn run(site: &Site, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_golive"))
        .arg("--root")
        .arg(&site.root)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn broken() -> Site {
    let site = Site::copy_of("verdicts");
    let text = site.read("content/releases/go.yaml");
    site.write(
        "content/releases/go.yaml",
        text.replace("version: 1.0.0", "verison: 1.0.0"),
    );
    site
}

#[test]
fn no_colour_on_a_pipe_or_under_no_color() {
    let site = broken();
    let (code, _, plain) = run(&site, &["check"], &[]);
    assert_eq!(code, Some(2));
    assert!(
        plain.contains("error: unknown key `verison`") && !plain.contains('\u{1b}'),
        "{plain}"
    );

    // Colour exists (forced), and NO_COLOR wins over a terminal-less default.
    let (_, _, forced) = run(&site, &["check"], &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains('\u{1b}'), "forced colour shows: {forced:?}");
    let (_, _, no_color) = run(&site, &["check"], &[("NO_COLOR", "1")]);
    assert!(!no_color.contains('\u{1b}'));
}

#[test]
fn quiet_and_verbose() {
    let site = Site::copy_of("verdicts");
    let (code, out, err) = run(&site, &["--quiet", "build"], &[]);
    assert_eq!((code, out.as_str(), err.as_str()), (Some(0), "", ""));
    // A build that renders (into a new folder) times each stage.
    let (code, out, _) = run(&site, &["build", "--verbose", "--out", "fresh"], &[]);
    assert_eq!(code, Some(0));
    assert!(out.starts_with("built 3 releases (3 rendered)"), "{out}");
    for stage in [
        "load shared inputs",
        "load and validate releases",
        "release pages and emails",
        "dashboard, runbooks, assets",
        "write manifest and cache",
    ] {
        assert!(
            out.lines()
                .any(|l| l.trim_start().starts_with(stage) && l.trim_end().ends_with("ms")),
            "no timing for {stage}:\n{out}"
        );
    }
    // One into the unchanged folder stops at the index, and says so.
    let (code, out, _) = run(&site, &["build", "--verbose"], &[]);
    assert_eq!(code, Some(0));
    assert!(out.starts_with("built 3 releases (0 rendered)"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with("compare with the index")),
        "{out}"
    );
    let (code, _, err) = run(&site, &["--quiet", "--verbose", "build"], &[]);
    assert_eq!(code, Some(2), "--quiet and --verbose conflict: {err}");
}
