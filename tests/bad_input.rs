//! Bad input: every mistake a writer can make in a content file must come back as
//! `path:line:column: error: ...` at the right line, exit code 2, no panic, and the
//! previous build output left exactly as it was.

mod common;

use common::{
    Output, Site, Snapshot, diagnostics_at, line_of, line_of_bytes, replace_once, reported_places,
};

const ACME: &str = "content/releases/acme-erp-2.0.0.yaml";
const BILLING: &str = "content/releases/billing-1.4.0.yaml";
const SITE: &str = "content/site.yaml";
const PEOPLE: &str = "content/people.yaml";

/// A copy of the basic fixture that has been built once successfully.
struct Built {
    site: Site,
    public: Snapshot,
    top_level: Vec<String>,
}

fn built() -> Built {
    let site = Site::copy_of("basic");
    let out = site.run(&["build"]);
    assert_eq!(
        out.code,
        Some(0),
        "the fixture must build cleanly\n{}",
        out.describe()
    );
    assert!(
        site.path("public/index.html").is_file(),
        "the first build wrote no public/index.html\n{}",
        out.describe()
    );
    let public = site.snapshot("public");
    let top_level = site.top_level();
    Built {
        site,
        public,
        top_level,
    }
}

impl Built {
    fn read(&self, relative: &str) -> String {
        self.site.read(relative)
    }

    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        self.site.write(relative, contents);
    }

    /// Rewrites `relative`, replacing the only occurrence of `from` with `to`;
    /// returns the new text.
    fn edit(&self, relative: &str, from: &str, to: &str) -> String {
        let text = replace_once(&self.read(relative), from, to);
        self.write(relative, &text);
        text
    }

    /// Runs `command` and checks the common contract of invalid input: exit code 2,
    /// a diagnostic at `file:line:` whose message or help mentions every one of
    /// `mentions`, the offending line echoed, no panic, and public/ untouched.
    fn expect_invalid_with(
        &self,
        command: &str,
        file: &str,
        line: usize,
        mentions: &[&str],
    ) -> Output {
        let out = self.site.run(&[command]);
        let context = format!(
            "golive {command}: expected a problem at {file}:{line}: mentioning {mentions:?}\n{}",
            out.describe()
        );
        assert!(
            !out.stderr.contains("panicked"),
            "golive panicked\n{context}"
        );
        assert_eq!(out.code, Some(2), "wrong exit code\n{context}");
        let blocks = diagnostics_at(&out.stderr, file, line);
        assert!(
            !blocks.is_empty(),
            "no diagnostic at {file}:{line}: (reported: {:?})\n{context}",
            reported_places(&out.stderr)
        );
        let text = blocks.join("");
        for m in mentions {
            assert!(
                text.contains(m),
                "the diagnostic at {file}:{line} does not mention `{m}`:\n{text}\n{context}"
            );
        }
        // The offending line is shown under the header, when the file is text.
        if let Ok(source) = std::fs::read_to_string(self.site.path(file))
            && let Some(source_line) = source.lines().nth(line - 1)
        {
            let shown: String = source_line.chars().take(60).collect();
            let echo = format!("{line} | {shown}");
            assert!(
                out.stderr.contains(echo.trim_end()),
                "the offending line is not echoed as `{echo}`\n{context}"
            );
        }
        if command == "build" {
            assert!(
                !out.stdout.contains("built "),
                "build claims success\n{context}"
            );
        }
        self.assert_public_untouched(&context);
        out
    }

    fn expect_invalid(&self, file: &str, line: usize, mentions: &[&str]) -> Output {
        self.expect_invalid_with("build", file, line, mentions)
    }

    fn assert_public_untouched(&self, context: &str) {
        let now = self.site.snapshot("public");
        if now != self.public {
            let before: Vec<_> = self.public.keys().collect();
            let after: Vec<_> = now.keys().collect();
            let changed: Vec<_> = now
                .iter()
                .filter(|(k, v)| self.public.get(*k) != Some(v))
                .map(|(k, _)| k)
                .collect();
            panic!(
                "public/ changed after a failed build\nbefore: {before:?}\nafter: {after:?}\nchanged: {changed:?}\n{context}"
            );
        }
        assert_eq!(
            self.site.top_level(),
            self.top_level,
            "the site folder gained or lost entries (a staging folder left behind?)\n{context}"
        );
    }
}

// ---------------------------------------------------------------- unknown keys

#[test]
fn unknown_top_level_key_suggests_version() {
    let b = built();
    let text = b.edit(ACME, "version: 2.0.0", "verison: 2.0.0");
    let line = line_of(&text, "verison:");
    b.expect_invalid(ACME, line, &["verison", "did you mean `version`"]);
    b.expect_invalid_with("check", ACME, line, &["verison"]);
}

#[test]
fn unknown_key_in_an_item_suggests_status() {
    let b = built();
    let text = b.edit(
        ACME,
        "        status: in-progress\n",
        "        stauts: in-progress\n",
    );
    let line = line_of(&text, "stauts");
    b.expect_invalid(ACME, line, &["stauts", "did you mean `status`"]);
}

// ---------------------------------------------------------------- bad values

#[test]
fn bad_status_value_suggests_done() {
    let b = built();
    let text = b.edit(ACME, "        status: done\n", "        status: don\n");
    let line = line_of(&text, "status: don");
    b.expect_invalid(ACME, line, &["`don`", "did you mean `done`"]);
}

#[test]
fn bad_severity_value() {
    let b = built();
    let text = b.edit(BILLING, "severity: medium", "severity: meduim");
    let line = line_of(&text, "meduim");
    b.expect_invalid(BILLING, line, &["meduim", "did you mean `medium`"]);
}

#[test]
fn version_that_is_not_semver() {
    let b = built();
    let text = b.edit(BILLING, "version: 1.4.0", "version: 2.0");
    let line = line_of(&text, "version: 2.0");
    b.expect_invalid(BILLING, line, &["version", "minor"]);
}

#[test]
fn date_that_does_not_exist() {
    let b = built();
    let text = b.edit(ACME, "target: 2026-12-04 09:00", "target: 2026-13-45");
    let line = line_of(&text, "2026-13-45");
    b.expect_invalid(ACME, line, &["2026-13-45", "not a date"]);
}

#[test]
fn date_that_does_not_exist_in_a_nested_item() {
    let b = built();
    let text = b.edit(ACME, "due: 2026-12-01", "due: 2026-12-32");
    let line = line_of(&text, "2026-12-32");
    b.expect_invalid(ACME, line, &["2026-12-32", "not a date"]);
}

#[test]
fn timeline_offset_with_a_bad_unit() {
    let b = built();
    let text = b.edit(ACME, "at: T-24h", "at: T-24x");
    let line = line_of(&text, "T-24x");
    b.expect_invalid(ACME, line, &["T-24x", "offset"]);
}

#[test]
fn unknown_timezone_suggests_the_right_one() {
    let b = built();
    let text = b.edit(ACME, "timezone: Asia/Kolkata", "timezone: Asia/Kolkta");
    let line = line_of(&text, "Asia/Kolkta");
    b.expect_invalid(ACME, line, &["Asia/Kolkta", "did you mean `Asia/Kolkata`"]);
}

#[test]
fn target_inside_a_daylight_saving_gap() {
    let b = built();
    let text = b.edit(
        BILLING,
        "target: 2026-11-20 10:00\n",
        "target: 2026-03-29 02:30\ntimezone: Europe/Berlin\n",
    );
    let line = line_of(&text, "target: 2026-03-29 02:30");
    b.expect_invalid(
        BILLING,
        line,
        &["2026-03-29 02:30", "Europe/Berlin", "daylight saving"],
    );
    b.expect_invalid_with("check", BILLING, line, &["daylight saving"]);
}

#[test]
fn unknown_change_type() {
    let b = built();
    let text = b.edit(BILLING, "change_type: feature", "change_type: hotfix");
    let line = line_of(&text, "hotfix");
    b.expect_invalid(BILLING, line, &["hotfix", "change type"]);
}

// ---------------------------------------------------------------- references

#[test]
fn unknown_person_as_item_owner_is_reported_at_that_owner() {
    let b = built();
    let text = b.edit(ACME, "        owner: omar\n", "        owner: omra\n");
    let line = line_of(&text, "owner: omra");
    b.expect_invalid(ACME, line, &["omra", "did you mean `omar`"]);
}

#[test]
fn unknown_group_in_audience() {
    let b = built();
    let text = b.edit(
        ACME,
        "success: {to: [stakeholders]}",
        "success: {to: [stakehodlers]}",
    );
    let line = line_of(&text, "stakehodlers");
    b.expect_invalid(ACME, line, &["stakehodlers", "did you mean `stakeholders`"]);
}

#[test]
fn unknown_person_in_audience_cc() {
    let b = built();
    let text = b.edit(
        BILLING,
        "readiness: {to: [stakeholders]}",
        "readiness: {to: [stakeholders], cc: [zebediah]}",
    );
    let line = line_of(&text, "zebediah");
    b.expect_invalid(BILLING, line, &["zebediah"]);
}

#[test]
fn use_of_a_checklist_that_does_not_exist() {
    let b = built();
    let text = b.edit(ACME, "use: deploy", "use: deplyo");
    let line = line_of(&text, "deplyo");
    b.expect_invalid(
        ACME,
        line,
        &["deplyo", "checklist", "did you mean `deploy`"],
    );
}

#[test]
fn status_of_an_item_the_checklist_does_not_have() {
    let b = built();
    let text = b.edit(ACME, "code-review.tests-green:", "code-review.test-green:");
    let line = line_of(&text, "code-review.test-green");
    b.expect_invalid(
        ACME,
        line,
        &[
            "code-review.test-green",
            "did you mean `code-review.tests-green`",
        ],
    );
}

#[test]
fn unknown_runbook() {
    let b = built();
    let text = b.edit(
        BILLING,
        "runbooks: [db-errors]",
        "runbooks: [db-errors, cache-warmup]",
    );
    let line = line_of(&text, "cache-warmup");
    b.expect_invalid(BILLING, line, &["cache-warmup", "runbook"]);
}

#[test]
fn two_releases_with_the_same_product_and_version() {
    let b = built();
    let copy = "content/releases/billing-copy.yaml";
    let text = replace_once(
        &b.read(BILLING),
        "title: Invoice export",
        "title: Invoice export (copy)",
    );
    b.write(copy, &text);
    let line = line_of(&text, "version: 1.4.0");
    let out = b.expect_invalid(copy, line, &[BILLING, "1.4.0"]);
    assert!(
        !reported_places(&out.stderr)
            .iter()
            .any(|p| p.starts_with(&format!("{BILLING}:"))),
        "the first file is not the one at fault\n{}",
        out.describe()
    );
    b.expect_invalid_with("check", copy, line, &[BILLING]);
}

// ---------------------------------------------------------------- file-level problems

#[test]
fn empty_release_file() {
    let b = built();
    let empty = "content/releases/empty.yaml";
    b.write(empty, "");
    b.expect_invalid(empty, 1, &["empty"]);
    b.write(empty, "# TODO: fill in\n\n");
    b.expect_invalid(empty, 1, &["empty"]);
}

#[test]
fn release_file_with_invalid_utf8_is_reported_at_the_bad_byte() {
    let b = built();
    let text = b.read(BILLING);
    let mut bytes = text.into_bytes();
    let at = line_of(
        &String::from_utf8(bytes.clone()).unwrap(),
        "title: Invoice export",
    );
    // Latin-1 "é" in the title, the usual way such bytes get in.
    let needle = b"title: Invoice export";
    let start = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    bytes.splice(
        start..start + needle.len(),
        b"title: Invoice export r\xe9sum\xe9".iter().copied(),
    );
    b.write(BILLING, &bytes);
    let line = line_of_bytes(&bytes, b"\xe9sum");
    assert_eq!(line, at);
    b.expect_invalid(BILLING, line, &["0xe9", "UTF-8"]);
}

#[test]
fn duplicate_key_is_reported_at_the_duplicate() {
    let b = built();
    let text = b.edit(BILLING, "risks:\n", "owner: dana\nrisks:\n");
    let line = line_of(&text, "owner: dana");
    let out = b.expect_invalid(BILLING, line, &["owner", "twice"]);
    assert!(
        diagnostics_at(&out.stderr, BILLING, 1).is_empty(),
        "reported at 1:1\n{}",
        out.describe()
    );
}

#[test]
fn duplicate_key_inside_an_item_is_reported_at_the_duplicate() {
    let b = built();
    let text = b.edit(
        ACME,
        "        status: in-progress\n",
        "        status: in-progress\n        status: blocked\n",
    );
    let line = line_of(&text, "status: blocked");
    b.expect_invalid(ACME, line, &["status", "twice"]);
}

#[test]
fn missing_required_product() {
    let b = built();
    let text = b.read(BILLING);
    let text = format!(
        "# Billing release\n# maintained by omar\n\n{}",
        replace_once(&text, "product: Billing\n", "")
    );
    b.write(BILLING, &text);
    // The mapping that lacks the key starts at its first key.
    let line = line_of(&text, "title: Invoice export");
    b.expect_invalid(BILLING, line, &["product", "missing"]);
}

#[test]
fn missing_required_severity_in_a_risk() {
    let b = built();
    let text = b.edit(BILLING, ", severity: medium", "");
    let line = line_of(&text, "Large exports time out");
    b.expect_invalid(BILLING, line, &["severity", "missing"]);
}

// ---------------------------------------------------------------- YAML syntax

#[test]
fn unclosed_bracket_is_reported_where_it_opens() {
    let b = built();
    let text = b.read(BILLING);
    let text = format!(
        "{}escalation: [{{level: primary, who: omar}}]\n",
        replace_once(&text, "runbooks: [db-errors]", "runbooks: [db-errors")
    );
    b.write(BILLING, &text);
    let line = line_of(&text, "runbooks: [db-errors");
    b.expect_invalid(BILLING, line, &["]"]);
}

#[test]
fn unclosed_bracket_on_the_last_line() {
    let b = built();
    let text = b.edit(BILLING, "runbooks: [db-errors]", "runbooks: [db-errors");
    assert!(text.trim_end().ends_with("runbooks: [db-errors"));
    let line = line_of(&text, "runbooks: [db-errors");
    b.expect_invalid(BILLING, line, &["]"]);
}

#[test]
fn bad_indentation() {
    let b = built();
    let text = b.edit(BILLING, "\naudience:\n", "\n  audience:\n");
    let line = line_of(&text, "  audience:");
    b.expect_invalid(BILLING, line, &[]);
}

// ---------------------------------------------------------------- hostile input

#[test]
fn alias_bomb_is_refused() {
    let b = built();
    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..9 {
        let p = format!("*a{}", i - 1);
        let items = [p.as_str(); 9].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    bomb.push_str("summary: *a8\n");
    let text = format!("{}{bomb}", b.read(BILLING));
    b.write(BILLING, &text);
    let first = line_of(&text, "a0: &a0");
    let last = line_of(&text, "summary: *a8");
    let out = b.site.run(&["build"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(!out.stderr.contains("panicked"), "{}", out.describe());
    let places = reported_places(&out.stderr);
    let in_bomb = places.iter().any(|p| {
        p.strip_prefix(&format!("{BILLING}:"))
            .and_then(|l| l.parse::<usize>().ok())
            .is_some_and(|l| (first..=last).contains(&l))
    });
    assert!(
        in_bomb,
        "expected an error in {BILLING} between lines {first} and {last}, got {places:?}\n{}",
        out.describe()
    );
    b.assert_public_untouched(&out.describe());
}

#[test]
fn alias_bomb_in_people_groups_is_refused() {
    let b = built();
    let mut text = String::from(
        "people:\n  priya: {name: Priya Sharma, email: priya@basic.example}\n  omar: {name: Omar Haddad, email: omar@basic.example}\n  dana: {name: Dana Kim}\n  lena: {name: Lena Berg}\ngroups:\n",
    );
    text.push_str("  dba-team: [omar]\n  stakeholders: [priya, dana, omar, lena]\n");
    text.push_str("  g0: &a0 [priya, priya, priya, priya, priya, priya, priya, priya, priya]\n");
    for i in 1..9 {
        let p = format!("*a{}", i - 1);
        let items = [p.as_str(); 9].join(", ");
        text.push_str(&format!("  g{i}: &a{i} [{items}]\n"));
    }
    b.write(PEOPLE, &text);
    let first = line_of(&text, "g0: &a0");
    let last = line_of(&text, "g8: &a8");
    let out = b.site.run(&["build"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(!out.stderr.contains("panicked"), "{}", out.describe());
    let places = reported_places(&out.stderr);
    assert!(
        places.iter().any(|p| p
            .strip_prefix(&format!("{PEOPLE}:"))
            .and_then(|l| l.parse::<usize>().ok())
            .is_some_and(|l| (first..=last).contains(&l))),
        "expected an error in {PEOPLE} between lines {first} and {last}, got {places:?}\n{}",
        out.describe()
    );
    b.assert_public_untouched(&out.describe());
}

#[test]
fn absurdly_deep_nesting_is_refused() {
    let b = built();
    let deep = format!("title: {}", "[".repeat(100_000));
    let text = b.edit(BILLING, "title: Invoice export", &deep);
    let line = line_of(&text, "title: [[[");
    b.expect_invalid(BILLING, line, &["nesting"]);
    b.expect_invalid_with("check", BILLING, line, &["nesting"]);
}

#[test]
fn absurdly_deep_block_nesting_is_refused() {
    let b = built();
    // 1,000 levels: far beyond any real file, yet well under the size limit.
    let block: String = (0..1_000)
        .map(|i| format!("{}- \n", "  ".repeat(i)))
        .collect();
    let text = b.edit(
        BILLING,
        "runbooks: [db-errors]\n",
        &format!("runbooks:\n{block}"),
    );
    let out = b.site.run(&["build"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(!out.stderr.contains("panicked"), "{}", out.describe());
    let first = line_of(&text, "runbooks:");
    let places = reported_places(&out.stderr);
    assert!(
        places.iter().any(|p| p
            .strip_prefix(&format!("{BILLING}:"))
            .and_then(|l| l.parse::<usize>().ok())
            .is_some_and(|l| l > first)),
        "expected an error inside the nested block, got {places:?}\n{}",
        out.describe()
    );
    assert!(out.stderr.contains("nesting"), "{}", out.describe());
    b.assert_public_untouched(&out.describe());
}

// ---------------------------------------------------------------- other files

#[test]
fn unknown_key_in_site_yaml() {
    let b = built();
    let text = b.edit(SITE, "timezone: UTC", "timezon: UTC");
    let line = line_of(&text, "timezon:");
    b.expect_invalid(SITE, line, &["timezon", "did you mean `timezone`"]);
    b.expect_invalid_with("check", SITE, line, &["timezon"]);
}

#[test]
fn group_member_that_does_not_exist_in_people_yaml() {
    let b = built();
    let text = b.edit(PEOPLE, "dba-team: [omar]", "dba-team: [omar, kiran]");
    let line = line_of(&text, "kiran");
    b.expect_invalid(PEOPLE, line, &["kiran"]);
    b.expect_invalid_with("check", PEOPLE, line, &["kiran"]);
}

#[test]
fn unknown_key_in_a_checklist() {
    let b = built();
    let file = "content/checklists/deploy.yaml";
    let text = b.edit(
        file,
        "{id: tests-green, check: CI pipeline is green}",
        "{id: tests-green, check: CI pipeline is green, critcal: true}",
    );
    let line = line_of(&text, "critcal");
    b.expect_invalid(file, line, &["critcal", "did you mean `critical`"]);
}

// ---------------------------------------------------------------- collecting problems

#[test]
fn two_broken_files_are_both_reported() {
    let b = built();
    let acme = b.edit(ACME, "version: 2.0.0", "verison: 2.0.0");
    let billing = b.edit(BILLING, "change_type: feature", "change_type: hotfix");
    let out = b.expect_invalid(ACME, line_of(&acme, "verison"), &["verison"]);
    let billing_line = line_of(&billing, "hotfix");
    assert!(
        !diagnostics_at(&out.stderr, BILLING, billing_line).is_empty(),
        "only the first problem was reported\n{}",
        out.describe()
    );
    assert!(out.stderr.contains("2 problems"), "{}", out.describe());
}

#[test]
fn several_problems_in_one_file_are_all_reported() {
    let b = built();
    b.edit(BILLING, "change_type: feature", "change_type: hotfix");
    b.edit(
        BILLING,
        "runbooks: [db-errors]",
        "runbooks: [db-errors, cache-warmup]",
    );
    let text = b.edit(
        BILLING,
        "{at: T+30m, activity: \"Verify exports\", owner: omar}",
        "{at: T+30m, activity: \"Verify exports\", owner: nobody-here}",
    );
    let out = b.expect_invalid(BILLING, line_of(&text, "hotfix"), &["hotfix"]);
    for (needle, mention) in [
        ("cache-warmup", "cache-warmup"),
        ("nobody-here", "nobody-here"),
    ] {
        let line = line_of(&text, needle);
        let blocks = diagnostics_at(&out.stderr, BILLING, line);
        assert!(
            blocks.iter().any(|b| b.contains(mention)),
            "no diagnostic for `{mention}` at line {line}\n{}",
            out.describe()
        );
    }
    assert!(out.stderr.contains("3 problems"), "{}", out.describe());
}

// ---------------------------------------------------------------- links and owners

#[test]
fn a_javascript_link_is_refused() {
    let b = built();
    let text = b.edit(
        ACME,
        "database.backup-taken: {status: pending,",
        "database.backup-taken: {evidence: \"javascript:alert(1)\", status: pending,",
    );
    let line = line_of(&text, "javascript:");
    b.expect_invalid(ACME, line, &["not `javascript:`"]);
}

#[test]
fn an_unknown_default_owner_in_a_checklist_is_reported() {
    let b = built();
    let file = "content/checklists/deploy.yaml";
    let text = b.edit(file, "owner: lena}", "owner: lenna}");
    let line = line_of(&text, "lenna");
    b.expect_invalid(
        file,
        line,
        &["unknown person or group `lenna`", "did you mean `lena`"],
    );
}

#[test]
fn a_summary_link_to_a_missing_runbook_is_reported() {
    let b = built();
    let text = b.edit(
        ACME,
        "summary: |\n",
        "summary: |\n  First line.\n  Then read [the runbook](db-erors.md).\n",
    );
    let line = line_of(&text, "db-erors.md");
    b.expect_invalid(ACME, line, &["db-erors.md", "did you mean `db-errors.md`"]);
}

// ---------------------------------------------------------------- slugs, bounds, empty sites

#[test]
fn versions_that_differ_only_in_letter_case_are_duplicates() {
    let b = built();
    let text = b.edit(BILLING, "version: 1.4.0", "version: 1.5.0-RC.1");
    let second = "content/releases/billing-rc.yaml";
    let copy = replace_once(&text, "version: 1.5.0-RC.1", "version: 1.5.0-rc.1");
    b.write(second, &copy);
    let line = line_of(&copy, "version: 1.5.0-rc.1");
    for command in ["build", "check"] {
        let out = b.expect_invalid_with(command, second, line, &[BILLING, "letter case"]);
        assert!(
            !reported_places(&out.stderr)
                .iter()
                .any(|p| p.starts_with(&format!("{BILLING}:"))),
            "the first file is not the one at fault\n{}",
            out.describe()
        );
    }
}

#[test]
fn a_long_value_is_quoted_as_a_short_snippet() {
    let b = built();
    let long = format!("omar{}", "x".repeat(5_000));
    let text = b.edit(
        ACME,
        "        owner: omar\n",
        &format!("        owner: {long}\n"),
    );
    let line = line_of(&text, "owner: omarxxx");
    let out = b.expect_invalid(ACME, line, &["unknown person or group `omarxxx"]);
    let header = out
        .stderr
        .lines()
        .find(|l| common::is_header(l))
        .expect("a diagnostic");
    assert!(
        header.contains('…') && !header.contains(&"x".repeat(60)),
        "the value is not cut: {header}"
    );
    assert!(
        out.stderr.lines().all(|l| l.chars().count() < 300),
        "a line of the output is not bounded\n{}",
        out.describe()
    );
}

#[test]
fn check_fails_on_a_site_without_releases_and_says_where_it_looked() {
    let b = built();
    for file in [ACME, BILLING] {
        b.site.remove(file);
    }
    let releases = std::fs::canonicalize(b.site.path("content/releases")).unwrap();
    for args in [vec!["check"], vec!["check", "--format", "json"]] {
        let out = b.site.run(&args);
        assert_eq!(out.code, Some(2), "{}", out.describe());
        assert!(
            out.stderr.contains(&releases.display().to_string())
                && out.stderr.contains("*.yaml and *.yml"),
            "{}",
            out.describe()
        );
        assert!(!out.stdout.contains("\"go\": true"), "{}", out.describe());
    }
    std::fs::remove_dir(b.site.path("content/releases")).unwrap();
    let out = b.site.run(&["check"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(out.stderr.contains("does not exist"), "{}", out.describe());
    // A file where the folder should be is named as such.
    b.site.write("content/releases", "not a folder");
    let out = b.site.run(&["check"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(out.stderr.contains("is not a folder"), "{}", out.describe());
    b.site.remove("content/releases");
    // An empty site still builds, with a warning that says the same.
    let out = b.site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(
        out.stderr
            .contains("warning: the site was built without releases"),
        "{}",
        out.describe()
    );
}

#[test]
fn check_of_a_release_that_does_not_exist_fails() {
    let b = built();
    let out = b.site.run(&["check", "--release", "acme-erp-9.9.9"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(
        out.stderr.contains("no release `acme-erp-9.9.9`"),
        "{}",
        out.describe()
    );
}

/// `serve` rebuilds an edited release on its own (the quick path); it must
/// find the same clash.
#[test]
fn the_quick_rebuild_finds_versions_that_differ_only_in_letter_case() {
    let site = Site::copy_of("basic");
    let mut builder = golive::site::Builder::new(&site.root, &site.path("public")).serving();
    builder.build().expect("the fixture builds");
    let text = site.read(BILLING);
    site.write(
        BILLING,
        text.replace("version: 1.4.0", "version: 1.5.0-RC.1"),
    );
    builder
        .rebuild_releases(&[site.path(BILLING)])
        .expect("the edit is valid")
        .expect("a release edit takes the quick path");
    let second = "content/releases/billing-rc.yaml";
    site.write(
        second,
        text.replace("version: 1.4.0", "version: 1.5.0-rc.1"),
    );
    match builder.rebuild_releases(&[site.path(second)]) {
        Err(golive::site::BuildError::Invalid(invalid)) => {
            let d = &invalid.diagnostics[0];
            assert_eq!(d.file, std::path::PathBuf::from(second), "{d:?}");
            assert!(d.message.contains("letter case"), "{d:?}");
        }
        other => panic!("the clash was not found: {other:?}"),
    }
}

/// An email's Date header holds the years 1970 to 9998; lettre panics on
/// others, so a release dated outside them must be refused, not crash `build`.
#[test]
fn a_date_outside_the_years_an_email_can_hold_is_refused() {
    let b = built();
    let text = b.edit(ACME, "target: 2026-12-04 09:00", "target: 0001-01-01 00:00");
    let line = line_of(&text, "target: 0001");
    b.expect_invalid(ACME, line, &["0001-01-01 00:00", "1970 to 9998"]);
    b.expect_invalid_with("check", ACME, line, &["1970 to 9998"]);
}

/// The approval schedule is counted back from go-live a business day at a
/// time: an absurd phase length must be refused, not overflow the calendar.
#[test]
fn an_approval_phase_longer_than_a_year_is_refused() {
    let b = built();
    let text = b.edit(
        SITE,
        "approval_matrix:",
        "approval_phases:\n  - {name: Review, business_days: 4294967295, roles: [CTO]}\napproval_matrix:",
    );
    let line = line_of(&text, "4294967295");
    b.expect_invalid(SITE, line, &["longer than a year", "at most 365"]);
    b.expect_invalid_with("check", SITE, line, &["longer than a year"]);
}
