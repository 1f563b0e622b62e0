//! Release dependencies (`depends_on`): a dependent waits for releases that
//! are NO-GO or go live later, not for deployed ones; the report shows the
//! whole chain; unknown slugs, a release naming itself and cycles are
//! located errors.

mod common;

use common::calendar::{self, TEAM_A, TEAM_B, add, file};
use common::html::{page, rows, section, sel};

/// The rows of the report's "Depends on" table (none without the section).
fn chain(site: &common::Site, slug: &str) -> Vec<Vec<String>> {
    let html = page(site, &format!("public/releases/{slug}/index.html"));
    if html.select(&sel("h2#depends-on")).next().is_none() {
        return Vec::new();
    }
    rows(section(&html, "depends-on"))
}

/// `golive check`'s lines for the release `slug`: its verdict line and the
/// indented lines below it.
fn checked(out: &common::Output, slug: &str) -> Vec<String> {
    let mut lines = out
        .stdout
        .lines()
        .skip_while(|l| !l.contains(&format!(" {slug} ")));
    let first = lines.next().map(str::to_string).into_iter();
    first
        .chain(
            lines
                .take_while(|l| l.starts_with(' '))
                .map(|l| l.trim().to_string()),
        )
        .collect()
}

/// A NO-GO release: an open blocker without an ETA.
const NO_GO: &str = "blockers: [{title: Migration fails on staging, status: open}]";

#[test]
fn a_no_go_dependency_defers_the_dependent() {
    let site = calendar::site();
    add(
        &site,
        "Platform",
        "2.3.0",
        "2026-12-01 10:00",
        "60m",
        TEAM_B,
        NO_GO,
    );
    let portal = add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-03 10:00",
        "60m",
        TEAM_A,
        "depends_on: [platform-2.3.0]",
    );
    let out = site.run(&["check"]);
    assert_eq!(out.code, Some(1), "{}", out.describe());
    let lines = checked(&out, &portal);
    assert!(lines[0].starts_with("GO-PENDING"), "{lines:?}");
    assert_eq!(lines[1], "… Waits for Platform 2.3.0, which is NO-GO");

    build(&site);
    assert_eq!(
        chain(&site, &portal),
        [[
            "Portal 1.0.0",
            "← Platform 2.3.0",
            "✗ NO-GO",
            "scheduled",
            "Tue 1 Dec 2026, 10:00 UTC",
            "✗ fails: Platform 2.3.0 is NO-GO"
        ]]
    );
}

#[test]
fn a_dependency_going_live_later_defers_and_one_going_live_first_holds() {
    let site = calendar::site();
    add(
        &site,
        "Platform",
        "2.3.0",
        "2026-12-04 10:00",
        "60m",
        TEAM_B,
        "",
    );
    let portal = add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-03 10:00",
        "60m",
        TEAM_A,
        "depends_on: [platform-2.3.0]",
    );
    let out = site.run(&["check"]);
    assert_eq!(
        checked(&out, &portal)[1],
        "… Waits for Platform 2.3.0, which goes live later, Fri 4 Dec 2026, 10:00 UTC, after this release"
    );

    add(
        &site,
        "Platform",
        "2.3.0",
        "2026-12-03 08:00",
        "60m",
        TEAM_B,
        "",
    );
    let out = site.run(&["check", "--release", &portal]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    build(&site);
    assert_eq!(chain(&site, &portal)[0][5], "✓ holds");
}

#[test]
fn a_deployed_dependency_holds_whatever_its_verdict() {
    let site = calendar::site();
    add(
        &site,
        "Platform",
        "2.3.0",
        "2026-12-04 10:00",
        "60m",
        TEAM_B,
        &format!("{NO_GO}\ndeployment: {{status: deployed}}"),
    );
    let portal = add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-03 10:00",
        "60m",
        TEAM_A,
        "depends_on: [platform-2.3.0]",
    );
    let out = site.run(&["check", "--release", &portal]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
}

#[test]
fn the_report_shows_a_chain_of_three_and_which_link_fails() {
    let site = calendar::site();
    add(
        &site,
        "Base",
        "1.0.0",
        "2026-12-01 10:00",
        "60m",
        TEAM_B,
        NO_GO,
    );
    add(
        &site,
        "Platform",
        "2.3.0",
        "2026-12-02 10:00",
        "60m",
        TEAM_B,
        "depends_on: [base-1.0.0]",
    );
    let portal = add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-03 10:00",
        "60m",
        TEAM_A,
        "depends_on: [platform-2.3.0]",
    );
    build(&site);
    let rows = chain(&site, &portal);
    let links: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(
        links,
        [
            (
                "Portal 1.0.0",
                "← Platform 2.3.0",
                "… GO-PENDING",
                "✗ fails: Platform 2.3.0 is GO-PENDING"
            ),
            (
                "↳ Platform 2.3.0",
                "← Base 1.0.0",
                "✗ NO-GO",
                "✗ fails: Base 1.0.0 is NO-GO"
            ),
        ]
    );
}

#[test]
fn a_rebuild_after_editing_only_the_dependency_shows_the_new_reason() {
    let site = calendar::site();
    add(
        &site,
        "Platform",
        "2.3.0",
        "2026-12-01 10:00",
        "60m",
        TEAM_B,
        "",
    );
    let portal = add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-03 10:00",
        "60m",
        TEAM_A,
        "depends_on: [platform-2.3.0]",
    );
    build(&site);
    assert_eq!(chain(&site, &portal)[0][5], "✓ holds");

    add(
        &site,
        "Platform",
        "2.3.0",
        "2026-12-01 10:00",
        "60m",
        TEAM_B,
        NO_GO,
    );
    build(&site);
    let html = page(&site, &format!("public/releases/{portal}/index.html"));
    let reasons = common::html::texts(&html, "ul.reasons li");
    assert!(
        reasons
            .iter()
            .any(|r| r.ends_with("Waits for Platform 2.3.0, which is NO-GO")),
        "{reasons:?}"
    );
    assert_eq!(
        chain(&site, &portal)[0][5],
        "✗ fails: Platform 2.3.0 is NO-GO"
    );
}

#[test]
fn an_unknown_slug_is_a_located_error_that_suggests_the_closest() {
    let site = calendar::site();
    add(
        &site,
        "Platform",
        "2.3.0",
        "2026-12-01 10:00",
        "60m",
        TEAM_B,
        "",
    );
    let portal = add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-03 10:00",
        "60m",
        TEAM_A,
        "depends_on: [platfrom-2.3.0]",
    );
    for command in [&["check"][..], &["build"]] {
        let out = site.run(command);
        assert_eq!(out.code, Some(2), "{}", out.describe());
        let text = site.read(&file(&portal));
        let line = common::line_of(&text, "depends_on");
        assert!(
            out.stderr.contains(&format!(
                "{}:{line}:14: error: no release of this site has the slug `platfrom-2.3.0`",
                file(&portal)
            )),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains(
                "= help: did you mean `platform-2.3.0`? depends_on names releases by slug"
            ),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn a_release_depending_on_itself_is_a_located_error() {
    let site = calendar::site();
    let portal = add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-03 10:00",
        "60m",
        TEAM_A,
        "depends_on: [portal-1.0.0]",
    );
    let out = site.run(&["check"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    let line = common::line_of(&site.read(&file(&portal)), "depends_on");
    assert!(
        out.stderr.contains(&format!(
            "{}:{line}:14: error: `portal-1.0.0` is this release itself",
            file(&portal)
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn a_cycle_is_a_located_error_on_each_release_in_it() {
    let site = calendar::site();
    add(
        &site,
        "Platform",
        "2.3.0",
        "2026-12-01 10:00",
        "60m",
        TEAM_B,
        "depends_on: [portal-1.0.0]",
    );
    add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-03 10:00",
        "60m",
        TEAM_A,
        "depends_on: [platform-2.3.0]",
    );
    let out = site.run(&["check"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    // Both files are laid out alike.
    let line = common::line_of(&site.read(&file("portal-1.0.0")), "depends_on");
    assert!(
        out.stderr.contains(&format!(
            "content/releases/portal-1.0.0.yaml:{line}:14: error: depending on `platform-2.3.0` makes a cycle: portal-1.0.0 → platform-2.3.0 → portal-1.0.0"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "content/releases/platform-2.3.0.yaml:{line}:14: error: depending on `portal-1.0.0` makes a cycle: platform-2.3.0 → portal-1.0.0 → platform-2.3.0"
        )),
        "{}",
        out.stderr
    );
}

fn build(site: &common::Site) {
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
}

/// The dependent is unchanged (taken from the build cache), but the release
/// it names is gone: the next build reports its `depends_on` all the same.
#[test]
fn deleting_a_dependency_makes_the_unchanged_dependent_an_error() {
    let site = calendar::site();
    add(
        &site,
        "Platform",
        "2.3.0",
        "2026-12-01 10:00",
        "60m",
        TEAM_B,
        "",
    );
    let portal = add(
        &site,
        "Portal",
        "1.0.0",
        "2026-12-03 10:00",
        "60m",
        TEAM_A,
        "depends_on: [platform-2.3.0]",
    );
    build(&site);
    site.remove(&file("platform-2.3.0"));
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(
        out.stderr.contains(&format!(
            "{}:14:14: error: no release of this site has the slug `platform-2.3.0`",
            file(&portal)
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn a_chain_longer_than_the_page_lists_says_it_goes_on() {
    let site = calendar::site();
    let n = golive::evaluate::relations::MAX_CHAIN + 2;
    let mut top = String::new();
    for i in 0..n {
        // One a day, each waiting for the one before: every link holds.
        let day =
            chrono::NaiveDate::from_ymd_opt(2027, 2, 1).unwrap() + chrono::Days::new(i as u64);
        let target = format!("{day} 10:00");
        let extra = if i == 0 {
            String::new()
        } else {
            format!("depends_on: [chain-1.{}.0]", i - 1)
        };
        top = add(
            &site,
            "Chain",
            &format!("1.{i}.0"),
            &target,
            "60m",
            if i % 2 == 0 { TEAM_A } else { TEAM_B },
            &extra,
        );
    }
    build(&site);
    let rows = chain(&site, &top);
    let max = golive::evaluate::relations::MAX_CHAIN;
    assert_eq!(rows.len(), max + 1, "{rows:?}");
    assert_eq!(
        rows.last().unwrap().join(" "),
        format!(
            "… the chain goes on beyond {max} links; see each release's own report for the rest."
        )
    );
}
