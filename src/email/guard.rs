//! Which email a release's state allows, and which one is owed instead.
//!
//! One table over the deployment state, the verification results and the
//! judged success criteria (docs/emails-and-sending.md shows it):
//!
//! | kind         | allowed when                                                          |
//! | ------------ | --------------------------------------------------------------------- |
//! | readiness    | scheduled; postponed with a `new_target`                              |
//! | started      | in-progress, with `deployment.expected_end`                           |
//! | success      | deployed, `verification.failed: 0`, no criterion missed               |
//! | issue        | deployed with failed checks or a missed criterion; rolled back        |
//! | postponement | postponed, with `postponement.reasons` and `remediation`              |
//!
//! Every refusal says why, and names the kind the state calls for instead, so
//! that `email`, `send` and the build's previews never announce the wrong thing
//! (a success email for a release whose checks failed, say).

use super::Kind;
use crate::content::release::{DeploymentStatus, Release};
use crate::evaluate::Report;

/// Why an email kind is refused, and the kind owed instead (if any is owed yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The kind asked for.
    pub kind: Kind,
    /// What in the release's state stands in the way.
    pub why: String,
    /// The kind the state calls for instead; `None` when the file must change
    /// first (missing results, a missing key).
    pub owed: Option<Kind>,
}

impl Refusal {
    /// The message for the writer, with the command that gives the owed email:
    /// "the release was rolled back: the issue email is owed, not success
    /// (golive email northwind-erp-2.5.0 issue)".
    pub fn message(&self, command: &str, slug: &str) -> String {
        match self.owed {
            Some(owed) => format!(
                "{}: the {owed} email is owed, not {} (golive {command} {slug} {owed})",
                self.why, self.kind
            ),
            None => self.why.clone(),
        }
    }
}

/// How the verification run came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checks {
    /// No `verification:`, or no `failed:` count in it.
    Unrecorded,
    Passed,
    Failed(u32),
}

/// Where a deployed release stands, for the emails that report outcomes.
enum Outcome {
    /// Every check passed and no criterion was missed.
    Good,
    /// Something failed: the issue email is owed. The text says what.
    Bad(String),
    /// Not known yet: the verification results are not recorded.
    Unknown,
}

fn checks(release: &Release) -> Checks {
    match release.verification.as_ref().and_then(|v| v.failed) {
        None => Checks::Unrecorded,
        Some(0) => Checks::Passed,
        Some(n) => Checks::Failed(n),
    }
}

fn outcome(release: &Release, report: &Report) -> Outcome {
    let missed = report.criteria_missed;
    let mut problems = Vec::new();
    let checks = checks(release);
    if let Checks::Failed(n) = checks {
        problems.push(format!(
            "{n} verification check{} failed",
            if n == 1 { "" } else { "s" }
        ));
    }
    if missed > 0 {
        problems.push(format!(
            "{missed} success criteri{} missed",
            if missed == 1 { "on was" } else { "a were" }
        ));
    }
    match (problems.is_empty(), checks) {
        (false, _) => Outcome::Bad(problems.join(" and ")),
        (true, Checks::Unrecorded) => Outcome::Unknown,
        (true, _) => Outcome::Good,
    }
}

/// What the email kinds a state rules out should say, and the kind it calls for.
fn state_owes(release: &Release, report: &Report) -> (String, Option<Kind>) {
    match report.state {
        DeploymentStatus::Scheduled => (
            "the release is scheduled and its deployment has not started".into(),
            Some(Kind::Readiness),
        ),
        DeploymentStatus::InProgress => ("the deployment is in progress".into(), Some(Kind::Started)),
        DeploymentStatus::Postponed => ("the release is postponed".into(), Some(Kind::Postponement)),
        DeploymentStatus::RolledBack => ("the release was rolled back".into(), Some(Kind::Issue)),
        DeploymentStatus::Deployed => match outcome(release, report) {
            Outcome::Good => (
                "the release is deployed, every verification check passed and no success criterion was missed"
                    .into(),
                Some(Kind::Success),
            ),
            Outcome::Bad(what) => (format!("the release is deployed but {what}"), Some(Kind::Issue)),
            Outcome::Unknown => (
                "the release is deployed but its verification results are not recorded: add `verification:` with `failed:` (then the success email is owed, or the issue email if checks failed)"
                    .into(),
                None,
            ),
        },
    }
}

/// Whether `kind` may be sent for a release in its current state; if not, why
/// and what is owed instead.
pub fn guard(kind: Kind, release: &Release, report: &Report) -> Result<(), Refusal> {
    use DeploymentStatus as S;
    let refuse = |why: String, owed: Option<Kind>| Err(Refusal { kind, why, owed });
    let missing = |why: &str| {
        Err(Refusal {
            kind,
            why: why.into(),
            owed: None,
        })
    };
    let state = report.state;
    let allowed = match kind {
        Kind::Readiness => {
            state == S::Scheduled || (state == S::Postponed && report.new_target.is_some())
        }
        Kind::Started => state == S::InProgress,
        Kind::Success => state == S::Deployed && matches!(outcome(release, report), Outcome::Good),
        Kind::Issue => {
            state == S::RolledBack
                || (state == S::Deployed && matches!(outcome(release, report), Outcome::Bad(_)))
        }
        Kind::Postponement => state == S::Postponed,
    };
    if !allowed {
        let (why, owed) = match (kind, state) {
            (Kind::Readiness, S::Postponed) => (
                "the release is postponed with no new date (`postponement.new_target`)".to_string(),
                Some(Kind::Postponement),
            ),
            _ => state_owes(release, report),
        };
        return refuse(why, owed);
    }
    // The state allows the kind; the email still needs what it will say.
    match kind {
        Kind::Started
            if release
                .deployment
                .as_ref()
                .is_none_or(|d| d.expected_end.is_none()) =>
        {
            missing(
                "the started email says when the deployment should end: add `deployment.expected_end`",
            )
        }
        Kind::Postponement => match &release.postponement {
            None => missing("the postponement email needs a `postponement:` block with reasons"),
            Some(p) if p.reasons.is_empty() => {
                missing("the postponement email needs `postponement.reasons`")
            }
            Some(p) if p.remediation.is_empty() => missing(
                "the postponement email needs a remediation plan (`postponement.remediation`)",
            ),
            Some(_) => Ok(()),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
