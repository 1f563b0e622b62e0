//! What a go/no-go meeting needs from the example site, read as a person reads
//! it (visible text, parsed with a real HTML parser): the plan before deployment
//! on the readiness report, the approval summary as sentences, the deployment
//! request's own keys, the scorecard's status words, and no stray punctuation
//! anywhere. Also the new keys' bad input and their place in the JSON Schema.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use common::html::{page, rows, section, sel, text, texts};
use common::{Site, diagnostics_at, line_of};
use scraper::Html;

/// The example site of this repository, built once for the whole file.
fn example() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
        let out = site.run(&["build", "--now", "2026-12-01 09:00"]);
        assert_eq!(out.code, Some(0), "{}", out.describe());
        site
    })
}

const SCHEDULED: &str = "public/releases/northwind-erp-2.4.0";

fn report() -> Html {
    page(example(), &format!("{SCHEDULED}/index.html"))
}

fn request() -> Html {
    page(example(), &format!("{SCHEDULED}/approval.html"))
}

/// The text of the one element matching `css` inside the section `id`.
fn one(html: &Html, id: &str, css: &str) -> String {
    let found: Vec<String> = section(html, id).select(&sel(css)).map(text).collect();
    assert_eq!(found.len(), 1, "{css} in #{id}: {found:?}");
    found[0].clone()
}

/// The value cell of the row whose header cell reads `label`, in a key-value table.
fn kv(html: &Html, label: &str) -> Option<String> {
    html.select(&sel("table.kv tr"))
        .find(|tr| tr.select(&sel("th")).next().map(text).as_deref() == Some(label))
        .map(|tr| text(tr.select(&sel("td")).next().expect("a value cell")))
}

#[test]
fn before_deployment_the_report_shows_the_verification_plan() {
    let html = report();
    let plan = rows(section(&html, "verification-plan"));
    assert!(
        plan.contains(&vec![
            "API health".to_string(),
            "https://api.northwind.example/api/health".to_string(),
            "200, status healthy".to_string(),
        ]),
        "{plan:?}"
    );
    assert_eq!(plan.len(), 4, "{plan:?}");
}

#[test]
fn before_deployment_the_report_shows_the_success_criteria_to_be_judged_later() {
    let html = report();
    let criteria = section(&html, "criteria");
    let said: Vec<String> = criteria.select(&sel("p")).map(text).collect();
    assert!(
        said.contains(
            &"To be judged after go-live, against the thresholds below. Values measured before go-live are compared already, as a preview."
                .to_string()
        ),
        "{said:?}"
    );
    assert!(
        said.contains(&"2 criteria missed on the values measured so far.".to_string()),
        "{said:?}"
    );
    let table = rows(criteria);
    assert_eq!(table[0][0], "API p95 latency (staging, RLS on)");
    assert_eq!(table[0][2], "< 200 ms", "the threshold: {table:?}");
}

#[test]
fn before_deployment_the_report_shows_escalation_and_on_call_contacts_and_dashboards() {
    let html = report();
    let contacts = rows(section(&html, "contacts"));
    assert_eq!(
        contacts[0],
        [
            "On call",
            "Tomás Herrera (Site Reliability Engineer)",
            "+34 91 555 0131",
            "@tomas.sre",
            "tomas.herrera@northwind.example"
        ]
    );
    let labels: Vec<&str> = contacts.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        labels,
        [
            "On call",
            "On call",
            "On call",
            "Escalation: primary",
            "Escalation: secondary",
            "Escalation: security",
            "Escalation: management",
            "Escalation: executive"
        ]
    );
    let dashboards: Vec<String> = section(&html, "dashboards")
        .select(&sel("li"))
        .map(text)
        .collect();
    assert_eq!(
        dashboards,
        [
            "ERP overview",
            "Security",
            "Encryption back-fill",
            "Error tracking"
        ]
    );
    // The plan comes before the approvals and the decision, not after deployment.
    let order: Vec<String> = html
        .select(&sel("section > h2[id]"))
        .map(|h| h.value().attr("id").unwrap().to_string())
        .collect();
    let at = |id: &str| order.iter().position(|x| x == id).unwrap();
    assert!(at("verification-plan") < at("approvals"), "{order:?}");
    assert!(at("contacts") < at("decision-required"), "{order:?}");
}

#[test]
fn the_approval_summary_reads_as_whole_sentences() {
    let html = report();
    assert_eq!(
        one(&html, "approvals", "p.approvals-noted"),
        "Approved with a note: Security Officer (Sofia Marques): “Approved for the code; go-live still depends on the key ceremony”."
    );
    assert_eq!(
        one(&html, "approvals", "p.approvals-waiting"),
        "Waiting for: CTO (Vikram Rao), pending."
    );
    assert_eq!(
        kv(&html, "Approvals").as_deref(),
        Some("2 of 3 required approved")
    );
    // The conditional approval's note is on the report, not only the approval page.
    let table = rows(section(&html, "approvals"));
    let security = table.iter().find(|r| r[0] == "Security Officer").unwrap();
    assert_eq!(
        security[4],
        "Approved for the code; go-live still depends on the key ceremony"
    );

    // A rejection is listed apart from what is still awaited.
    let postponed = page(example(), "public/releases/northwind-erp-2.3.1/index.html");
    assert_eq!(
        one(&postponed, "approvals", "p.approvals-rejected"),
        "Rejected: DBA (Kenji Watanabe), Tue 10 Nov 2026, 16:20 IST: “14-minute lock on gl_entry is not acceptable during business days”."
    );
    assert_eq!(
        one(&postponed, "approvals", "p.approvals-waiting"),
        "Waiting for: CTO (Vikram Rao), pending."
    );
}

/// Visible text of an HTML document, leaving out code, scripts and styles.
fn visible(html: &Html) -> String {
    let mut out = String::new();
    for node in html.root_element().descendants() {
        let Some(t) = node.value().as_text() else {
            continue;
        };
        // Inline code is read as part of its sentence; code blocks are not prose.
        let hidden = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "pre" | "script" | "style" | "title"))
        });
        if !hidden {
            out.push_str(t);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a reader would take for a template's leftover: a list that ended with
/// nothing after its comma, a space before a comma, empty brackets.
fn artefacts(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for bad in [", .", " ,", "()", "( )", ",,"] {
        for (at, _) in text.match_indices(bad) {
            let start = text[..at]
                .char_indices()
                .rev()
                .nth(30)
                .map_or(0, |(i, _)| i);
            let end = text[at..]
                .char_indices()
                .nth(30)
                .map_or(text.len(), |(i, _)| at + i);
            found.push(format!("`{bad}` in “{}”", &text[start..end]));
        }
    }
    // `, .eml` is a file name in a list, not a sentence's end.
    found.retain(|f| !f.contains(", .eml"));
    found
}

#[test]
fn no_page_or_email_preview_has_stray_punctuation() {
    let site = example();
    let mut checked = 0;
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(site.path("public")) {
        let entry = entry.unwrap();
        let path = entry.path();
        let shown = path.strip_prefix(site.path("public")).unwrap().display();
        let found = match path.extension().and_then(|e| e.to_str()) {
            Some("html") => artefacts(&visible(&Html::parse_document(
                &std::fs::read_to_string(path).unwrap(),
            ))),
            Some("txt") => artefacts(
                &std::fs::read_to_string(path)
                    .unwrap()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => continue,
        };
        checked += 1;
        problems.extend(found.into_iter().map(|f| format!("{shown}: {f}")));
    }
    assert!(checked >= 40, "only {checked} pages and previews checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_artefact_check_finds_what_it_looks_for() {
    let html = Html::parse_document(
        "<p>Waiting for: CTO (Vikram Rao), <span></span>.</p><pre>now()</pre>",
    );
    assert_eq!(artefacts(&visible(&html)).len(), 1);
    assert!(artefacts("owner ( ) here , there").len() == 2);
}

#[test]
fn the_deployment_request_shows_each_request_key() {
    let html = request();
    let facts: Vec<(String, String)> = texts(&html, "header dl.facts dt")
        .into_iter()
        .zip(texts(&html, "header dl.facts dd"))
        .collect();
    for (term, value) in [
        ("Date requested", "Fri 20 Nov 2026, 10:00 IST"),
        (
            "PR / issue",
            "PR #1187: row-level security and audit triggersSEC-1290: 2026 assessment findings",
        ),
    ] {
        assert!(
            facts.contains(&(term.to_string(), value.to_string())),
            "{facts:?}"
        );
    }
    let pr = html
        .select(&sel("header dl.facts a"))
        .find(|a| text(*a).starts_with("PR #1187"))
        .unwrap();
    assert_eq!(
        pr.value().attr("href"),
        Some("https://git.northwind.example/erp/pull/1187")
    );
    assert_eq!(
        one(&html, "risk", "p"),
        "Risk level: critical (the highest of the risks below). Team confidence: medium."
    );
    for (label, value) in [
        (
            "Expected user impact",
            "Every user signed out once at go-live; login unavailable for up to 5 minutes",
        ),
        (
            "Scalability and performance impact",
            "RLS adds 6.8% at p95 on the heaviest queries; Redis session cluster sized for 3x peak",
        ),
        ("Tests passing", "3206"),
        ("Tests failing", "0"),
        ("Test coverage", "88%"),
        (
            "Staging validation",
            "Full regression and the cross-tenant suite on staging, 5 days; back-fill at 62%",
        ),
        ("Expected duration", "1h30m"),
        ("Maintenance window", "required"),
    ] {
        assert_eq!(kv(&html, label).as_deref(), Some(value), "{label}");
    }
    let communication = section(&html, "communication");
    let said = text(communication.select(&sel("p")).next().unwrap());
    assert!(
        said.starts_with("Customers are told about the one-time sign-out at T-48h"),
        "{said}"
    );
    let oncall = rows(communication);
    let names: Vec<&str> = oncall.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        names,
        [
            "Tomás Herrera (Site Reliability Engineer)",
            "Nisha Kapoor (Platform Engineer)",
            "Daniel Okafor (DevOps Lead)"
        ]
    );
}

#[test]
fn the_deployment_request_shows_the_approval_level_and_what_each_phase_checks() {
    let html = request();
    assert_eq!(
        one(&html, "approvers", "p.approval-count"),
        "2 of 3 required approvals in. Change type security-patch (approval level CTO + Security) needs: CTO, Security Officer, DevOps Lead."
    );
    let phases = section(&html, "phases");
    let technical = phases
        .select(&sel("tbody tr"))
        .find(|tr| text(*tr).starts_with("2. Technical review"))
        .unwrap();
    let checks: Vec<String> = technical
        .select(&sel("ul.phase-checks li"))
        .map(text)
        .collect();
    assert_eq!(
        checks,
        [
            "Architecture sound",
            "Scalability and performance impact acceptable",
            "Monitoring and alerts configured",
            "Rollback plan solid and verified",
            "Schema changes backward compatible"
        ]
    );
}

#[test]
fn a_release_without_the_request_keys_shows_none_of_them() {
    // 2.3.0 was written before these keys existed.
    let html = page(
        example(),
        "public/releases/northwind-erp-2.3.0/approval.html",
    );
    let facts = texts(&html, "header dl.facts dt");
    assert!(
        !facts
            .iter()
            .any(|f| f == "Date requested" || f == "PR / issue"),
        "{facts:?}"
    );
    for label in [
        "Tests passing",
        "Test coverage",
        "Expected duration",
        "Expected user impact",
    ] {
        assert_eq!(kv(&html, label), None, "{label}");
    }
    assert!(!visible(&html).contains("Team confidence"));
    assert!(html.select(&sel("h2#communication")).next().is_none());
    let report = page(example(), "public/releases/northwind-erp-2.3.0/index.html");
    for label in [
        "Team confidence",
        "Tests",
        "Deployment window",
        "Links",
        "User impact",
    ] {
        assert_eq!(kv(&report, label), None, "{label}");
    }
}

#[test]
fn the_scorecard_says_where_each_category_stands_and_that_the_score_is_weighted() {
    let html = report();
    let scorecard: Vec<(String, String)> = rows(section(&html, "scorecard"))
        .into_iter()
        .map(|r| (r[0].clone(), r[4].clone()))
        .collect();
    assert_eq!(
        scorecard,
        [
            ("Security".to_string(), "✗ blocked".to_string()),
            ("Performance".into(), "⚠ at risk".into()),
            ("Data and migrations".into(), "⚠ at risk".into()),
            ("Compliance".into(), "⚠ at risk".into()),
            ("Communication".into(), "⚠ at risk".into()),
            ("Production deployment checklist".into(), "✗ blocked".into()),
        ]
    );
    let checklist = kv(&html, "Checklist").unwrap();
    assert!(
        checklist.starts_with("43 of 75 items done (1 n/a)"),
        "{checklist}"
    );
    assert!(
        checklist.ends_with(
            "The readiness score weighs each item and category by its weight; this count does not, so the two differ."
        ),
        "{checklist}"
    );
    let deployed = page(example(), "public/releases/northwind-erp-2.3.0/index.html");
    let words: Vec<String> = rows(section(&deployed, "scorecard"))
        .into_iter()
        .map(|r| r[4].clone())
        .collect();
    assert!(words.iter().all(|w| w == "✓ on track"), "{words:?}");
    // The checklist page gives the same word beside each category's bar.
    let checklist = page(example(), &format!("{SCHEDULED}/checklist.html"));
    let first = text(
        checklist
            .select(&sel("h2#cat-1 + p"))
            .next()
            .expect("the first category's line"),
    );
    assert!(first.starts_with("42.9% ✗ blocked"), "{first}");
}

const ACME: &str = "content/releases/acme-erp-2.0.0.yaml";

/// The basic fixture with `extra` added at the end of its release file; `check`'s output.
fn check_with(extra: &str) -> (common::Output, String) {
    let site = Site::copy_of("basic");
    let text = format!("{}{extra}", site.read(ACME));
    site.write(ACME, &text);
    (site.run(&["check"]), text)
}

#[test]
fn the_request_keys_are_accepted_by_check() {
    let (out, _) = check_with(
        "requested: 2026-11-20\nlinks: [{title: PR 1, url: \"https://git.example/pr/1\"}]\nconfidence: high\ntesting: {passed: 10, failed: 0, coverage: 88.5, staging: two days}\nwindow: {duration: 90m, maintenance: false}\ncommunication: |\n  Status page at **T-24h**.\noncall: [dba-team, omar]\n",
    );
    assert_ne!(out.code, Some(2), "{}", out.describe());
}

#[test]
fn bad_request_keys_are_located_errors_that_name_the_fix() {
    for (extra, needle, message, help) in [
        (
            "oncall: [omra]\n",
            "omra",
            "unknown person or group `omra`",
            "did you mean `omar`?",
        ),
        (
            "links: [{title: PR, url: \"javascript:alert(1)\"}]\n",
            "javascript",
            "links may be http, https, mailto or relative, not `javascript:`",
            "write the full address",
        ),
        (
            "testing: {coverage: 120}\n",
            "coverage",
            "coverage 120 is not a percentage",
            "use a number from 0 to 100",
        ),
        (
            "window: {duration: 0m}\n",
            "duration",
            "a deployment window of zero length",
            "such as 90m",
        ),
        (
            "confidence: sure\n",
            "confidence",
            "unknown value `sure` at `confidence`",
            "allowed: low, medium, high",
        ),
        ("requested: last week\n", "requested", "is not a date", ""),
    ] {
        let (out, text) = check_with(extra);
        assert_eq!(out.code, Some(2), "{extra}: {}", out.describe());
        let line = line_of(&text, needle);
        let at = diagnostics_at(&out.stderr, ACME, line).join("\n");
        assert!(
            at.contains(message),
            "{extra}: wanted `{message}` at line {line}:\n{}",
            out.stderr
        );
        assert!(
            at.contains(help),
            "{extra}: wanted `{help}`:\n{}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
}

#[test]
fn the_schema_describes_the_request_keys() {
    let out = common::golive(&["schema"], Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let minimal = serde_json::json!({
        "product": "Acme", "version": "1.0.0", "change_type": "feature",
        "target": "2026-12-04 09:00", "owner": "ana",
    });
    let with = |key: &str, value: serde_json::Value| {
        let mut r = minimal.clone();
        r[key] = value;
        validator.is_valid(&r)
    };
    assert!(with("requested", "2026-11-20".into()));
    assert!(with(
        "links",
        serde_json::json!([{"title": "PR", "url": "https://x.example"}])
    ));
    assert!(
        !with("links", serde_json::json!([{"title": "PR"}])),
        "url is required"
    );
    assert!(with("confidence", "high".into()));
    assert!(!with("confidence", "sure".into()));
    assert!(with(
        "testing",
        serde_json::json!({"passed": 3, "failed": 0, "coverage": 88, "staging": "ok"})
    ));
    assert!(!with("testing", serde_json::json!({"coverage": 120})));
    assert!(with(
        "window",
        serde_json::json!({"duration": "90m", "maintenance": true})
    ));
    assert!(with("communication", "Status page".into()));
    assert!(with("oncall", serde_json::json!(["oncall-primary"])));
    assert!(with(
        "impact",
        serde_json::json!({"users": "none", "scalability": "none"})
    ));
    // Part of the release file since issue 14 (release dependencies): a list of slugs.
    assert!(with(
        "depends_on",
        serde_json::json!(["northwind-erp-2.3.1"])
    ));
    assert!(!with("depends_on", "northwind-erp-2.3.1".into()));
}
