//! Approvals with integrity and the emergency path, built from the fixture site
//! `tests/fixtures/approvals` and read with an HTML parser (pages) and a MIME
//! parser (emails).
//!
//! `ledger-4.0.0` (database-schema: DBA, CTO, DevOps Lead) goes live Mon 15 Mar
//! 2027, Europe/Berlin. Its technical review (DBA, DevOps Lead) is due Thu 11
//! Mar, the executive approval (CTO) Fri 12 Mar. The DBA approved on Mon 15 Mar
//! (two business days late: Friday and Monday, the weekend skipped); the CTO
//! approval was given by the owner herself (priya); DevOps Lead is pending; the
//! QA Lead approved though not required; the Security Officer (not required)
//! rejected.
//!
//! `ledger-4.0.1` is an emergency change (level Expedited: CTO, VP Engineering)
//! deployed Sat 20 Mar 2027 21:30 on two verbal approvals; documented by its
//! 23:30 deadline; its review was due Sun 21 Mar 21:30 and is not recorded.

mod common;

use common::html::{page, rows, section, sel, text};
use common::{Output, Site, diagnostics_at, line_of, reported_places};
use mail_parser::MessageParser;
use scraper::{ElementRef, Html};

const FIXTURE: &str = "approvals";
const LEDGER: &str = "content/releases/ledger-4.0.0.yaml";
const EMERGENCY: &str = "content/releases/ledger-4.0.1.yaml";
const SITE: &str = "content/site.yaml";

/// Tue 16 Mar 2027, 12:00 UTC.
const TUE_16_MAR_2027: &str = "1805198400";
/// Sat 20 Mar 2027, 12:00 UTC: before the emergency change's deadlines.
const SAT_20_MAR_2027: &str = "1805544000";
/// Mon 22 Mar 2027, 12:00 UTC: after both.
const MON_22_MAR_2027: &str = "1805716800";

fn run_on(site: &Site, epoch: &str, args: &[&str]) -> Output {
    let mut all = vec!["--root", site.root.to_str().unwrap()];
    all.extend_from_slice(args);
    common::golive_with_env(&all, &site.root, &[("SOURCE_DATE_EPOCH", epoch)])
}

fn build(site: &Site, epoch: &str) {
    let out = run_on(site, epoch, &["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
}

fn built_on(epoch: &str) -> Site {
    let site = Site::copy_of(FIXTURE);
    build(&site, epoch);
    site
}

fn approval_page(site: &Site, slug: &str) -> Html {
    page(site, &format!("public/releases/{slug}/approval.html"))
}

fn report_page(site: &Site, slug: &str) -> Html {
    page(site, &format!("public/releases/{slug}/index.html"))
}

/// The row of the table in section `id` whose first cell starts with `role`.
fn row<'a>(html: &'a Html, id: &str, role: &str) -> ElementRef<'a> {
    section(html, id)
        .select(&sel("tbody tr"))
        .find(|tr| {
            tr.select(&sel("td"))
                .next()
                .is_some_and(|td| text(td).starts_with(role))
        })
        .unwrap_or_else(|| panic!("no row `{role}` in #{id}"))
}

/// The text of the first element matching `css` inside the section `id`.
fn one(html: &Html, id: &str, css: &str) -> String {
    section(html, id)
        .select(&sel(css))
        .next()
        .map(text)
        .unwrap_or_else(|| panic!("no `{css}` in #{id}:\n{}", section(html, id).html()))
}

fn class<'a>(e: ElementRef<'a>) -> &'a str {
    e.value().attr("class").unwrap_or_default()
}

fn check_json(site: &Site, epoch: &str, slug: &str) -> serde_json::Value {
    let out = run_on(
        site,
        epoch,
        &["check", "--release", slug, "--format", "json"],
    );
    assert!(matches!(out.code, Some(0 | 1)), "{}", out.describe());
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("check prints JSON");
    v["releases"][0].clone()
}

// ---------------------------------------------------------------------------
// Late approvals
// ---------------------------------------------------------------------------

#[test]
fn an_approval_after_its_phases_due_date_is_late_by_business_days_across_a_weekend() {
    let site = built_on(TUE_16_MAR_2027);
    let want = "late by 2 business days (Technical review was due Thu 11 Mar 2027)";

    let html = approval_page(&site, "ledger-4.0.0");
    let dba = row(&html, "approvers", "DBA");
    assert!(text(dba).contains("✓ approved"), "{}", dba.html());
    assert!(text(dba).contains(want), "{}", dba.html());
    // On time: the QA Lead approved before any phase listing the role was due
    // (no phase lists it), the CTO before Fri 12 Mar.
    for role in ["QA Lead", "CTO"] {
        let r = row(&html, "approvers", role);
        assert!(!text(r).contains("late by"), "{}", r.html());
    }
    let review = row(&html, "phases", "1. Technical review");
    assert!(
        text(review).contains("DBA ✓ approved late by 2 business days"),
        "{}",
        review.html()
    );

    let report = report_page(&site, "ledger-4.0.0");
    let dba = row(&report, "approvals", "DBA");
    assert!(text(dba).contains(want), "{}", dba.html());

    let json = check_json(&site, TUE_16_MAR_2027, "ledger-4.0.0");
    let late = &json["approvals"][0]["late"];
    assert_eq!(late["business_days"], 2, "{json}");
    assert_eq!(late["due"], "2027-03-11");
}

#[test]
fn an_approval_on_its_phases_due_date_is_not_late() {
    let site = Site::copy_of(FIXTURE);
    let text_before = site.read(LEDGER);
    site.write(
        LEDGER,
        text_before.replace(
            "{role: DBA, who: noor, status: approved, at: 2027-03-15 08:00}",
            "{role: DBA, who: noor, status: approved, at: 2027-03-11 17:59}",
        ),
    );
    build(&site, TUE_16_MAR_2027);
    let html = approval_page(&site, "ledger-4.0.0");
    let dba = row(&html, "approvers", "DBA");
    assert!(text(dba).contains("✓ approved"), "{}", dba.html());
    assert!(!text(dba).contains("late"), "{}", dba.html());
}

// ---------------------------------------------------------------------------
// Four-eyes
// ---------------------------------------------------------------------------

#[test]
fn the_owners_own_approval_does_not_count_and_the_page_says_why() {
    let site = built_on(TUE_16_MAR_2027);
    let html = approval_page(&site, "ledger-4.0.0");
    let cto = row(&html, "approvers", "CTO");
    assert_eq!(class(cto), "approval-self-approved");
    assert!(text(cto).contains("✗ not counted"), "{}", cto.html());
    assert!(
        text(cto).contains("the release owner cannot approve their own release (four-eyes)"),
        "{}",
        cto.html()
    );
    assert!(
        one(&html, "approvers", ".approval-count").starts_with("1 of 3 required approvals in."),
        "{}",
        one(&html, "approvers", ".approval-count")
    );
    assert!(
        one(&html, "approvers", ".approvals-waiting")
            .contains("CTO (Priya Sharma), approved by the release owner, which does not count"),
    );

    let check = run_on(
        &site,
        TUE_16_MAR_2027,
        &["check", "--release", "ledger-4.0.0"],
    );
    assert!(
        check.stdout.contains(
            "Approval by the release owner does not count (four-eyes): CTO (Priya Sharma)"
        ),
        "{}",
        check.describe()
    );
}

#[test]
fn with_four_eyes_off_the_owners_approval_counts() {
    let site = Site::copy_of(FIXTURE);
    let config = site.read(SITE);
    site.write(SITE, format!("{config}four_eyes: false\n"));
    build(&site, TUE_16_MAR_2027);
    let html = approval_page(&site, "ledger-4.0.0");
    let cto = row(&html, "approvers", "CTO");
    assert_eq!(class(cto), "approval-approved");
    assert!(!text(cto).contains("not counted"), "{}", cto.html());
    assert!(
        one(&html, "approvers", ".approval-count").starts_with("2 of 3 required approvals in."),
    );
    let check = run_on(
        &site,
        TUE_16_MAR_2027,
        &["check", "--release", "ledger-4.0.0"],
    );
    assert!(!check.stdout.contains("four-eyes"), "{}", check.describe());
}

// ---------------------------------------------------------------------------
// What counts toward "N of M approved"
// ---------------------------------------------------------------------------

#[test]
fn approvals_the_matrix_does_not_require_do_not_count_anywhere_n_of_m_is_printed() {
    let site = built_on(TUE_16_MAR_2027);

    // The approval page: QA Lead is listed, marked, and not counted.
    let html = approval_page(&site, "ledger-4.0.0");
    let qa = row(&html, "approvers", "QA Lead");
    assert!(text(qa).contains("(not required)"), "{}", qa.html());
    assert!(
        text(qa).contains("change type `database-schema` does not require QA Lead: not counted"),
        "{}",
        qa.html()
    );
    assert!(one(&html, "approvers", ".approval-count").starts_with("1 of 3 "));

    // The report's summary.
    let report = report_page(&site, "ledger-4.0.0");
    let summary = section(&report, "summary")
        .select(&sel("tr"))
        .find(|tr| {
            tr.select(&sel("th"))
                .next()
                .is_some_and(|th| text(th) == "Approvals")
        })
        .and_then(|tr| tr.select(&sel("td")).next())
        .map(text)
        .expect("an Approvals row in the summary");
    assert_eq!(summary, "1 of 3 required approved, 1 rejected");

    // The readiness email, both parts.
    let out = run_on(
        &site,
        TUE_16_MAR_2027,
        &["email", "ledger-4.0.0", "readiness", "--format", "eml"],
    );
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let message = MessageParser::default()
        .parse(out.stdout.as_bytes())
        .expect("a MIME message");
    let plain = message.body_text(0).expect("a text part").into_owned();
    assert!(plain.contains("Approvals: 1 of 3 required in."), "{plain}");
    // The text part wraps long lines: compare what is needed with
    // whitespace collapsed.
    let decision = plain
        .split("NEEDED FROM YOU")
        .nth(1)
        .and_then(|rest| rest.split("KEY RISKS").next())
        .expect("a part saying what is needed")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        decision,
        "Approvals: 1 of 3 required in. \
         - Rejected by Security Officer (Lena Berg): Pen test not done. To be resolved before a GO. \
         - Approval from CTO (Priya Sharma), due Fri 12 Mar 2027; the release owner's own approval does not count \
         - Approval from DevOps Lead (Kai Müller), due Thu 11 Mar 2027",
        "{plain}"
    );
    let html = Html::parse_document(&message.body_html(0).expect("an HTML part"));
    let count = html
        .select(&sel("p"))
        .map(text)
        .find(|p| p.contains("Approvals:"))
        .expect("the approval count");
    assert_eq!(count, "Approvals: 1 of 3 required in.");
    let decision = html
        .select(&sel("li"))
        .map(text)
        .filter(|li| li.starts_with("Approval from"))
        .collect::<Vec<_>>()
        .join(" | ");
    assert_eq!(
        decision,
        "Approval from CTO (Priya Sharma), due Fri 12 Mar 2027; the release owner's own approval does not count \
         | Approval from DevOps Lead (Kai Müller), due Thu 11 Mar 2027"
    );
    assert!(!decision.contains("QA Lead"), "{decision}");

    // check --format json.
    let json = check_json(&site, TUE_16_MAR_2027, "ledger-4.0.0");
    assert_eq!(
        json["approval_count"],
        serde_json::json!({"approved": 1, "required": 3, "rejected": 1, "waiting": 2})
    );
}

// ---------------------------------------------------------------------------
// Rejected apart from pending
// ---------------------------------------------------------------------------

#[test]
fn rejected_approvals_are_listed_apart_from_pending_ones() {
    let site = built_on(TUE_16_MAR_2027);
    let approval = approval_page(&site, "ledger-4.0.0");
    let report = report_page(&site, "ledger-4.0.0");
    for (html, id) in [
        (&approval, "approvers"),
        (&report, "approvals"),
        (&report, "decision-required"),
    ] {
        let rejected = one(html, id, ".approvals-rejected");
        assert_eq!(
            rejected,
            "Rejected: Security Officer (Lena Berg), Wed 10 Mar 2027, 16:00 CET: “Pen test not done”.",
            "#{id}"
        );
        let waiting = one(html, id, ".approvals-waiting");
        assert!(waiting.starts_with("Waiting for: "), "#{id}: {waiting}");
        assert!(
            waiting.contains("DevOps Lead (Kai Müller), pending"),
            "#{id}: {waiting}"
        );
        assert!(!waiting.contains("Security Officer"), "#{id}: {waiting}");
        assert!(!rejected.contains("DevOps Lead"), "#{id}: {rejected}");
    }
}

// ---------------------------------------------------------------------------
// The emergency path
// ---------------------------------------------------------------------------

#[test]
fn an_emergency_change_shows_the_expedited_path_instead_of_the_phases() {
    let site = built_on(MON_22_MAR_2027);
    let html = approval_page(&site, "ledger-4.0.1");
    assert!(
        html.select(&sel("h2#phases")).next().is_none(),
        "no approval phases on the expedited path"
    );
    let body = text(html.select(&sel("main")).next().expect("main"));
    for phase in ["Technical review", "Executive approval", "business day"] {
        assert!(!body.contains(phase), "`{phase}` on the expedited page");
    }

    let path = section(&html, "expedited");
    assert!(
        text(path).contains("approval level: Expedited"),
        "{}",
        path.html()
    );
    let tables: Vec<ElementRef> = path.select(&sel("table")).collect();
    assert_eq!(tables.len(), 2, "verbal approvals, then deadlines");
    assert_eq!(
        rows(tables[0]),
        [
            ["CTO", "Dana Kim", "Sat 20 Mar 2027, 21:05 CET"],
            ["VP Engineering", "Vik Rao", "Sat 20 Mar 2027, 21:12 CET"],
        ]
    );
    assert_eq!(
        rows(tables[1]),
        [
            [
                "Full deployment request written up",
                "Sat 20 Mar 2027, 23:30 CET",
                "Sat 20 Mar 2027, 23:10 CET",
                "✓ done"
            ],
            [
                "Post-implementation review",
                "Sun 21 Mar 2027, 21:30 CET",
                "—",
                "✗ overdue"
            ],
        ]
    );

    // Verbal approvals count as the approvals of their roles.
    assert!(
        one(&html, "approvers", ".approval-count").starts_with("2 of 2 required approvals in.")
    );
    let cto = row(&html, "approvers", "CTO");
    assert!(text(cto).contains("✓ approved (verbal)"), "{}", cto.html());
    let check = run_on(
        &site,
        MON_22_MAR_2027,
        &["check", "--release", "ledger-4.0.1"],
    );
    assert_eq!(check.code, Some(0), "{}", check.describe());

    // The ordinary release keeps its phases.
    let ordinary = approval_page(&site, "ledger-4.0.0");
    assert!(ordinary.select(&sel("h2#phases")).next().is_some());
    assert!(ordinary.select(&sel("h2#expedited")).next().is_none());
}

#[test]
fn before_its_deadlines_the_expedited_path_shows_them_open() {
    let site = built_on(SAT_20_MAR_2027);
    let html = approval_page(&site, "ledger-4.0.1");
    let tables: Vec<ElementRef> = section(&html, "expedited").select(&sel("table")).collect();
    let statuses: Vec<String> = rows(tables[1]).into_iter().map(|r| r[3].clone()).collect();
    // Documented at 23:10 although "today" is earlier: the file says it was done.
    assert_eq!(statuses, ["✓ done", "○ open"]);
}

// ---------------------------------------------------------------------------
// Located errors
// ---------------------------------------------------------------------------

/// Builds after `edit`, expecting exit 2 and a diagnostic at `file:line:`
/// mentioning each of `mentions`.
fn expect_error(site: &Site, file: &str, line: usize, mentions: &[&str]) {
    let out = run_on(site, TUE_16_MAR_2027, &["build"]);
    let context = out.describe();
    assert!(!out.stderr.contains("panicked"), "{context}");
    assert_eq!(out.code, Some(2), "{context}");
    let blocks = diagnostics_at(&out.stderr, file, line);
    assert!(
        !blocks.is_empty(),
        "no diagnostic at {file}:{line} (reported: {:?})\n{context}",
        reported_places(&out.stderr)
    );
    let all = blocks.join("");
    for m in mentions {
        assert!(all.contains(m), "`{m}` not in:\n{all}\n{context}");
    }
}

fn edit(site: &Site, file: &str, from: &str, to: &str) -> String {
    let text = common::replace_once(&site.read(file), from, to);
    site.write(file, &text);
    text
}

#[test]
fn the_object_form_of_the_matrix_reports_an_unknown_key_at_its_line() {
    let site = Site::copy_of(FIXTURE);
    let text = edit(
        &site,
        SITE,
        "{roles: [CTO, VP Engineering], level: Expedited}",
        "{roles: [CTO, VP Engineering], levle: Expedited}",
    );
    expect_error(&site, SITE, line_of(&text, "levle"), &["levle", "level"]);
}

#[test]
fn a_matrix_entry_that_is_neither_a_list_nor_an_object_is_reported_at_its_line() {
    let site = Site::copy_of(FIXTURE);
    let text = edit(
        &site,
        SITE,
        "database-schema: [DBA, CTO, DevOps Lead]",
        "database-schema: DBA",
    );
    expect_error(
        &site,
        SITE,
        line_of(&text, "database-schema: DBA"),
        &["a list of roles", "{roles: [CTO], level: Expedited}"],
    );
}

#[test]
fn the_object_form_without_roles_is_reported_at_its_line() {
    let site = Site::copy_of(FIXTURE);
    let text = edit(
        &site,
        SITE,
        "{roles: [CTO, VP Engineering], level: Expedited}",
        "{roles: [], level: Expedited}",
    );
    expect_error(
        &site,
        SITE,
        line_of(&text, "emergency:"),
        &["lists no approver roles"],
    );
}

#[test]
fn expedited_on_a_change_type_without_the_expedited_level_is_an_error_at_expedited() {
    let site = Site::copy_of(FIXTURE);
    let text = edit(
        &site,
        EMERGENCY,
        "change_type: emergency",
        "change_type: database-schema",
    );
    expect_error(
        &site,
        EMERGENCY,
        line_of(&text, "expedited:"),
        &[
            "change type `database-schema` is not on the expedited path",
            "use `change_type: emergency`",
        ],
    );
}

#[test]
fn an_expedited_change_type_without_expedited_is_an_error_at_change_type() {
    let site = Site::copy_of(FIXTURE);
    let text = edit(
        &site,
        LEDGER,
        "change_type: database-schema",
        "change_type: emergency",
    );
    expect_error(
        &site,
        LEDGER,
        line_of(&text, "change_type:"),
        &[
            "takes the expedited path",
            "add `expedited:` with the `verbal` approvals (each `{role, who, at}`), `documented_by` and `review_due`",
        ],
    );
}

#[test]
fn a_verbal_approval_by_an_unknown_person_or_for_a_role_already_approved_is_located() {
    let site = Site::copy_of(FIXTURE);
    let text = edit(
        &site,
        EMERGENCY,
        "{role: VP Engineering, who: vik, at: 2027-03-20 21:12}",
        "{role: VP Engineering, who: vic, at: 2027-03-20 21:12}",
    );
    expect_error(
        &site,
        EMERGENCY,
        line_of(&text, "who: vic"),
        &["unknown person `vic`", "did you mean `vik`?"],
    );

    let site = Site::copy_of(FIXTURE);
    let text = edit(
        &site,
        EMERGENCY,
        "expedited:\n",
        "approvals:\n  - {role: CTO, who: dana, status: pending}\nexpedited:\n",
    );
    expect_error(
        &site,
        EMERGENCY,
        line_of(&text, "{role: CTO, who: dana, at:"),
        &["role `CTO` already has an approval (approvals[0])"],
    );
}

#[test]
fn an_expedited_path_without_its_deadlines_is_reported_at_its_line() {
    let site = Site::copy_of(FIXTURE);
    let text = edit(&site, EMERGENCY, "  review_due: 2027-03-21 21:30\n", "");
    expect_error(
        &site,
        EMERGENCY,
        line_of(&text, "verbal:"),
        &["missing key `review_due` in `expedited`"],
    );
}

#[test]
fn expedited_without_an_expedited_change_type_in_the_matrix_says_how_to_add_one() {
    let site = Site::copy_of(FIXTURE);
    edit(
        &site,
        SITE,
        "  emergency: {roles: [CTO, VP Engineering], level: Expedited}\n",
        "  emergency: [CTO, VP Engineering]\n",
    );
    let text = site.read(EMERGENCY);
    expect_error(
        &site,
        EMERGENCY,
        line_of(&text, "expedited:"),
        &[
            "change type `emergency` is not on the expedited path",
            "give `emergency` the object form with `level: Expedited`",
        ],
    );
}

// ---------------------------------------------------------------------------
// The JSON Schema
// ---------------------------------------------------------------------------

#[test]
fn the_schema_describes_expedited_and_rejects_a_broken_one() {
    let out = common::golive(
        &["schema"],
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let described = schema["properties"]["expedited"]["description"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(described.contains("emergency change"), "{described}");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");

    let good = common::fixture(FIXTURE).join(EMERGENCY);
    let good = std::fs::read_to_string(good).unwrap();
    let as_json = |yaml: &str| -> serde_json::Value {
        serde_json::to_value(serde_yaml::from_str::<serde_yaml::Value>(yaml).unwrap()).unwrap()
    };
    assert!(validator.is_valid(&as_json(&good)));
    for (from, to) in [
        (
            "    - {role: CTO, who: dana, at: 2027-03-20 21:05}\n",
            "    - {role: CTO, who: dana}\n",
        ),
        ("  review_due: 2027-03-21 21:30\n", ""),
        (
            "  documented: 2027-03-20 23:10\n",
            "  documentd: 2027-03-20 23:10\n",
        ),
    ] {
        let broken = common::replace_once(&good, from, to);
        assert!(
            !validator.is_valid(&as_json(&broken)),
            "accepted:\n{broken}"
        );
    }
}

#[test]
fn a_new_products_template_never_defaults_to_the_expedited_change_type() {
    let site = Site::copy_of(FIXTURE);
    // The emergency type first in the matrix.
    let config = site.read(SITE);
    let emergency = "  emergency: {roles: [CTO, VP Engineering], level: Expedited}\n";
    let config = common::replace_once(&config, emergency, "");
    let config = common::replace_once(
        &config,
        "approval_matrix:\n",
        &format!("approval_matrix:\n{emergency}"),
    );
    site.write(SITE, config);
    let out = site.run(&["new", "Billing Hub", "1.0.0"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let text = site.read("content/releases/billing-hub-1.0.0.yaml");
    assert!(
        text.lines()
            .any(|l| l.starts_with("change_type: database-schema")),
        "{text}"
    );
}
