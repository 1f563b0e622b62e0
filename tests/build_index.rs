//! The unchanged rebuild's shortcut (`.golive-index` in the output folder): a
//! build that finds every input as the last build left it does nothing, and
//! says what the folder holds; anything different (an input, the ledger's
//! place, the calendars' memory, the bookkeeping, an interrupted build, a
//! deadline or a dashboard section passed) runs the full build, whose output
//! is that of a cold build.

mod common;

use common::{Output, Site};

const NOW: &str = "2026-10-20 12:00";

fn build_with(site: &Site, out: &str, now: &str, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let root = site.root.to_str().unwrap();
    let mut args = vec!["--root", root, "--verbose", "--now", now];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["build", "--out", out]);
    let done = common::golive_with_env(&args, &site.root, env);
    assert_eq!(done.code, Some(0), "{}", done.describe());
    done
}

fn build(site: &Site, out: &str) -> Output {
    build_with(site, out, NOW, &[], &[])
}

/// Whether the build took the shortcut: only the full build renders and
/// lists its stages of rendering.
fn took_shortcut(done: &Output) -> bool {
    let full = done.stdout.contains("release pages and emails");
    assert_ne!(
        full,
        done.stdout.contains("compare with the index"),
        "{}",
        done.describe()
    );
    !full
}

/// The summary line without its time.
fn summary(done: &Output) -> String {
    let line = done.stdout.lines().next().unwrap_or_default();
    let line = line.split(" in ").next().unwrap_or_default();
    line.replace(|c: char| c.is_ascii_digit(), "#")
        .split_once("rendered")
        .map(|(_, rest)| rest.to_string())
        .unwrap_or_default()
}

fn pages(site: &Site, out: &str) -> common::Snapshot {
    let mut pages = site.snapshot(out);
    pages.retain(|p, _| !p.to_string_lossy().starts_with(".golive"));
    pages
}

#[test]
fn an_unchanged_rebuild_reads_and_writes_nothing_and_says_what_the_folder_holds() {
    let site = Site::copy_of("ics");
    let cold = build(&site, "public");
    assert!(!took_shortcut(&cold));
    let before = site.snapshot("public");
    let again = build(&site, "public");
    assert!(took_shortcut(&again));
    assert_eq!(site.snapshot("public"), before, "nothing written");
    // What the full build says of the same folder.
    std::fs::remove_file(site.path("public/.golive-index")).unwrap();
    let full = build(&site, "public");
    assert!(!took_shortcut(&full) && full.stdout.contains("(0 rendered)"));
    assert_eq!(summary(&again), summary(&full));
    assert!(
        again.stdout.contains("built 5 releases (0 rendered)"),
        "{}",
        again.stdout
    );
    assert!(again.stdout.contains("0 of "), "{}", again.stdout);
    // Later the same day, before anything is due: still the shortcut.
    assert!(took_shortcut(&build_with(
        &site,
        "public",
        "2026-10-20 13:00",
        &[],
        &[]
    )));
}

/// Something done to the site or its output folder.
type Change<'a> = Box<dyn Fn() + 'a>;

/// Each change, then a build (the full one), then another (the shortcut again).
#[test]
fn any_change_runs_the_full_build_and_the_next_one_takes_the_shortcut_again() {
    let site = Site::copy_of("ics");
    build(&site, "public");
    let changes: Vec<(&str, Change)> = vec![
        (
            "a release edited",
            Box::new(|| {
                let file = "content/releases/dst.yaml";
                let text = site
                    .read(file)
                    .replace("version: 1.0.0", "version: 1.0.0-rc1");
                site.write(file, text);
            }),
        ),
        (
            "a release deleted",
            Box::new(|| site.remove("content/releases/allday.yaml")),
        ),
        (
            "a shared input edited",
            Box::new(|| {
                let text = site.read("content/people.yaml");
                site.write("content/people.yaml", format!("{text}\n# edited\n"));
            }),
        ),
        (
            "the calendars' memory changed",
            Box::new(|| {
                let text = site.read(".golive/calendar.json");
                site.write(".golive/calendar.json", format!("{text} "));
            }),
        ),
        (
            "the folder left dirty by an interrupted build",
            Box::new(|| site.write("public/.golive-dirty", "interrupted\n")),
        ),
        (
            "the manifest rewritten",
            Box::new(|| {
                let text = site.read("public/.golive-manifest");
                site.write("public/.golive-manifest", format!("{text}\n"));
            }),
        ),
        (
            "the index torn",
            Box::new(|| {
                let text = std::fs::read(site.path("public/.golive-index")).unwrap();
                site.write("public/.golive-index", &text[..text.len() - 1]);
            }),
        ),
        (
            "the index of another version",
            Box::new(|| {
                let mut text = std::fs::read(site.path("public/.golive-index")).unwrap();
                text[12] = text[12].wrapping_add(1);
                site.write("public/.golive-index", text);
            }),
        ),
    ];
    for (what, change) in changes {
        change();
        let full = build(&site, "public");
        assert!(!took_shortcut(&full), "{what}: {}", full.describe());
        assert!(took_shortcut(&build(&site, "public")), "after {what}");
    }
    build(&site, "cold");
    assert_eq!(pages(&site, "public"), pages(&site, "cold"));
}

#[test]
fn another_ledger_place_or_output_folder_runs_the_full_build() {
    let site = Site::copy_of("ics");
    build(&site, "public");
    let other = site.path("elsewhere/sent.jsonl");
    let other = other.to_str().unwrap();
    let flag = build_with(&site, "public", NOW, &["--ledger", other], &[]);
    assert!(!took_shortcut(&flag), "--ledger");
    assert!(took_shortcut(&build_with(
        &site,
        "public",
        NOW,
        &["--ledger", other],
        &[]
    )));
    let env = build_with(
        &site,
        "public",
        NOW,
        &[],
        &[("GOLIVE_LEDGER", "third/sent.jsonl")],
    );
    assert!(!took_shortcut(&env), "GOLIVE_LEDGER");
    assert!(
        !took_shortcut(&build(&site, "public")),
        "back to the default"
    );
    assert!(!took_shortcut(&build(&site, "second")), "another folder");
}

/// A deadline (dst's window ends 2026-10-26 10:30, when the feed drops it)
/// passed between two builds the same day: its pages change, as a cold
/// build's do.
#[test]
fn a_deadline_passed_runs_the_full_build() {
    let site = Site::copy_of("ics");
    build_with(&site, "public", "2026-10-26 10:00", &[], &[]);
    let later = build_with(&site, "public", "2026-10-26 11:00", &[], &[]);
    assert!(!took_shortcut(&later), "{}", later.describe());
    assert!(!later.stdout.contains("(0 rendered)"), "{}", later.stdout);
    build_with(&site, "cold", "2026-10-26 11:00", &[], &[]);
    assert_eq!(pages(&site, "public"), pages(&site, "cold"));
}

/// The dashboard's recent days end for `past` (deployed 2026-09-01 09:00)
/// 14 days later: no deadline of a release, but the dashboard changes.
#[test]
fn a_release_leaving_the_dashboards_recent_days_runs_the_full_build() {
    let site = Site::copy_of("ics");
    build_with(&site, "public", "2026-09-15 08:00", &[], &[]);
    let dashboard = site.read("public/index.html");
    let later = build_with(&site, "public", "2026-09-15 10:00", &[], &[]);
    assert!(!took_shortcut(&later), "{}", later.describe());
    build_with(&site, "cold", "2026-09-15 10:00", &[], &[]);
    assert_eq!(pages(&site, "public"), pages(&site, "cold"));
    assert_ne!(
        dashboard,
        site.read("public/index.html"),
        "the test's premise"
    );
}
