//! Every cell of the guard table: each kind in each state (with the deployed
//! state split by its verification results and criteria), and that each
//! refusal names the kind owed instead, with the command for it.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::*;
use crate::config::site::SiteConfig;
use crate::content::LoadedRelease;
use crate::evaluate::evaluate;

const BASE: &str = "
product: Acme ERP
version: 2.0.0
change_type: feature
target: 2026-12-04 09:00
owner: priya
";

/// The state a release is in, as the lines that put it there.
struct Case {
    name: &'static str,
    yaml: &'static str,
    /// The kinds this state allows.
    allowed: &'static [Kind],
    /// The kind owed instead of the others; `None` when the results are missing.
    owed: Option<Kind>,
}

const POSTPONED: &str = "
deployment: {status: postponed}
postponement:
  reasons: [{issue: Migration failed, severity: critical}]
  remediation: [{action: Fix migration 042}]
  new_target: 2026-12-11 09:00
";

const CASES: &[Case] = &[
    Case {
        name: "scheduled",
        yaml: "",
        allowed: &[Kind::Readiness],
        owed: Some(Kind::Readiness),
    },
    Case {
        name: "in-progress",
        yaml: "deployment: {status: in-progress, started: 2026-12-04 09:02, expected_end: 2026-12-04 10:30}\n",
        allowed: &[Kind::Started],
        owed: Some(Kind::Started),
    },
    Case {
        name: "deployed, checks passed, criteria met",
        yaml: "deployment: {status: deployed}\nverification: {passed: 10, failed: 0}\nmetrics: [{name: p95, value: 180ms, target: '< 200ms'}]\n",
        allowed: &[Kind::Success],
        owed: Some(Kind::Success),
    },
    Case {
        name: "deployed, a criterion in its warning band",
        yaml: "deployment: {status: deployed}\nverification: {passed: 10, failed: 0}\nmetrics: [{name: p95, value: 250ms, target: '< 200ms', warning: '< 300ms'}]\n",
        allowed: &[Kind::Success],
        owed: Some(Kind::Success),
    },
    Case {
        name: "deployed, a criterion not yet measured",
        yaml: "deployment: {status: deployed}\nverification: {passed: 10, failed: 0}\nmetrics: [{name: p95, target: '< 200ms'}]\n",
        allowed: &[Kind::Success],
        owed: Some(Kind::Success),
    },
    Case {
        name: "deployed, checks failed",
        yaml: "deployment: {status: deployed}\nverification: {passed: 7, failed: 3}\n",
        allowed: &[Kind::Issue],
        owed: Some(Kind::Issue),
    },
    Case {
        name: "deployed, a criterion missed",
        yaml: "deployment: {status: deployed}\nverification: {passed: 10, failed: 0}\nmetrics: [{name: Error rate, value: 1.2%, target: '< 0.1%', critical: '>= 1%'}]\n",
        allowed: &[Kind::Issue],
        owed: Some(Kind::Issue),
    },
    Case {
        name: "deployed, no verification results",
        yaml: "deployment: {status: deployed}\n",
        allowed: &[],
        owed: None,
    },
    Case {
        name: "deployed, verification without a failed count",
        yaml: "deployment: {status: deployed}\nverification: {passed: 10}\n",
        allowed: &[],
        owed: None,
    },
    Case {
        name: "postponed with a new date",
        yaml: POSTPONED,
        allowed: &[Kind::Readiness, Kind::Postponement],
        owed: Some(Kind::Postponement),
    },
    Case {
        name: "rolled back",
        yaml: "deployment: {status: rolled-back}\nverification: {passed: 10, failed: 0}\n",
        allowed: &[Kind::Issue],
        owed: Some(Kind::Issue),
    },
    Case {
        name: "rolled back with failed checks",
        yaml: "deployment: {status: rolled-back}\nverification: {passed: 3, failed: 7}\n",
        allowed: &[Kind::Issue],
        owed: Some(Kind::Issue),
    },
];

fn judge(yaml: &str, kind: Kind) -> Result<(), Refusal> {
    let release: Release = serde_yaml::from_str(&format!("{BASE}{yaml}")).unwrap();
    let site: SiteConfig = serde_yaml::from_str("title: T\ntimezone: UTC\n").unwrap();
    let loaded = LoadedRelease {
        slug: crate::content::slug_of(&release),
        path: "r.yaml".into(),
        release: Arc::new(release),
        depends: Vec::new(),
    };
    let report = evaluate(
        &loaded,
        &site,
        &BTreeMap::new(),
        &Default::default(),
        "2026-11-21".parse().unwrap(),
    );
    guard(kind, &loaded.release, &report)
}

#[test]
fn every_kind_in_every_state_is_allowed_or_names_the_owed_kind() {
    for case in CASES {
        for kind in Kind::ALL {
            let got = judge(case.yaml, kind);
            if case.allowed.contains(&kind) {
                assert_eq!(got, Ok(()), "{kind} when {}", case.name);
                continue;
            }
            let refusal = got.expect_err(&format!("{kind} must be refused when {}", case.name));
            assert_eq!(refusal.kind, kind);
            assert_eq!(refusal.owed, case.owed, "{kind} when {}", case.name);
            let message = refusal.message("email", "acme-erp-2.0.0");
            match case.owed {
                Some(owed) => {
                    assert!(
                        message.contains(&format!("the {owed} email is owed, not {kind}")),
                        "{kind} when {}: {message}",
                        case.name
                    );
                    assert!(
                        message.ends_with(&format!("(golive email acme-erp-2.0.0 {owed})")),
                        "{kind} when {}: {message}",
                        case.name
                    );
                }
                // No results yet: the message says what to record, and what follows.
                None => assert!(
                    message.contains("`verification:`")
                        && message.contains("the success email")
                        && message.contains("the issue email"),
                    "{kind} when {}: {message}",
                    case.name
                ),
            }
        }
    }
}

#[test]
fn the_refusal_says_why_in_the_words_of_the_state() {
    let why = |yaml: &str, kind| judge(yaml, kind).unwrap_err().message("send", "x-1.0.0");
    assert_eq!(
        why("deployment: {status: rolled-back}\n", Kind::Success),
        "the release was rolled back: the issue email is owed, not success (golive send x-1.0.0 issue)"
    );
    assert_eq!(
        why(
            "deployment: {status: deployed}\nverification: {passed: 7, failed: 3}\nmetrics: [{name: p95, value: 250ms, target: '< 200ms'}]\n",
            Kind::Success
        ),
        "the release is deployed but 3 verification checks failed and 1 success criterion was missed: \
         the issue email is owed, not success (golive send x-1.0.0 issue)"
    );
    assert!(
        why(
            "deployment: {status: deployed}\nverification: {failed: 1}\n",
            Kind::Success
        )
        .starts_with("the release is deployed but 1 verification check failed:")
    );
    assert!(
        why(
            "deployment: {status: in-progress, expected_end: 2026-12-04 10:30}\n",
            Kind::Readiness
        )
        .starts_with("the deployment is in progress: the started email is owed")
    );
}

#[test]
fn a_postponed_release_without_a_new_date_owes_the_postponement_not_a_readiness_summary() {
    let yaml = POSTPONED.replace("  new_target: 2026-12-11 09:00\n", "");
    let refusal = judge(&yaml, Kind::Readiness).unwrap_err();
    assert_eq!(refusal.owed, Some(Kind::Postponement));
    assert!(refusal.why.contains("no new date"), "{}", refusal.why);
    assert_eq!(judge(&yaml, Kind::Postponement), Ok(()));
}

#[test]
fn an_allowed_kind_still_needs_what_its_email_says() {
    let started = judge("deployment: {status: in-progress}\n", Kind::Started).unwrap_err();
    assert_eq!(started.owed, None);
    assert!(
        started.why.contains("`deployment.expected_end`"),
        "{}",
        started.why
    );

    let no_plan = POSTPONED.replace("  remediation: [{action: Fix migration 042}]\n", "");
    let refusal = judge(&no_plan, Kind::Postponement).unwrap_err();
    assert!(
        refusal.why.contains("`postponement.remediation`"),
        "{}",
        refusal.why
    );

    let no_block = judge("deployment: {status: postponed}\n", Kind::Postponement).unwrap_err();
    assert!(no_block.why.contains("`postponement:`"), "{}", no_block.why);
}
