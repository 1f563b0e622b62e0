//! The release file, `content/releases/*.yaml`: the contract with writers.
//!
//! Field names here are the keys writers type; renaming one breaks their files.
//! Every struct rejects unknown keys so a typo is reported, not ignored.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::request::{Confidence, Link, Testing, Window};
use super::threshold::Threshold;
use super::time::{Offset, Span, When, Zone};

/// One release of one product.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Release {
    /// Product name, e.g. `Acme ERP`; with `version` it names the release's pages.
    pub product: String,
    /// A short title, e.g. `Security Hardening Release`.
    #[serde(default)]
    pub title: Option<String>,
    /// Semantic version, e.g. `2.0.0`.
    pub version: semver::Version,
    /// Kind of change; selects the required approvers from site.yaml's `approval_matrix`.
    pub change_type: String,
    /// Go-live time, "T+0".
    pub target: When,
    /// IANA zone for times without an offset; defaults to the site's.
    #[serde(default)]
    pub timezone: Option<Zone>,
    /// Release owner: a key of people.yaml, or an inline `{name, email}`.
    pub owner: PersonRef,
    /// Deadline for the go/no-go decision. When the release is postponed to a
    /// `postponement.new_target`, a deadline at or before the old target moves with
    /// it (same business days before go-live, same time of day); one after the old
    /// target is kept, and must not be after the new target.
    #[serde(default)]
    pub decision_due: Option<When>,
    /// Executive summary, in Markdown.
    #[serde(default)]
    pub summary: Option<String>,
    /// When the deployment request was filed.
    #[serde(default)]
    pub requested: Option<When>,
    /// The pull requests, issues and documents behind the release.
    #[serde(default)]
    pub links: Vec<Link>,
    /// How confident the team is: low, medium, high.
    #[serde(default)]
    pub confidence: Option<Confidence>,
    /// Test results and staging validation.
    #[serde(default)]
    pub testing: Option<Testing>,
    /// Expected duration of the deployment, and whether it needs a maintenance window.
    #[serde(default)]
    pub window: Option<Window>,
    /// How and when people are told, in Markdown.
    #[serde(default)]
    pub communication: Option<String>,
    /// Who is on call during and after go-live: people or groups from people.yaml.
    #[serde(default)]
    pub oncall: Vec<String>,
    /// Slugs (`<product>-<version>`, e.g. `northwind-erp-2.3.1`) of other
    /// releases of the site that must be GO (or deployed) and go live no later
    /// than this one; otherwise this release is deferred (GO-PENDING) with a reason.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Recipients of each email: people or groups from people.yaml.
    #[serde(default)]
    pub audience: Audience,
    /// Business impact.
    #[serde(default)]
    pub impact: Option<Impact>,
    /// What changes, by area.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// Readiness checklist: inline categories, or shared checklists with `use:`.
    #[serde(default)]
    pub readiness: Vec<ReadinessEntry>,
    /// Known risks and their mitigations.
    #[serde(default)]
    pub risks: Vec<Risk>,
    /// Things that stand in the way of go-live.
    #[serde(default)]
    pub blockers: Vec<Blocker>,
    /// Steps relative to go-live (`T-24h`, `T+0`, `T+30m`).
    #[serde(default)]
    pub timeline: Vec<TimelineStep>,
    /// How to undo the release.
    #[serde(default)]
    pub rollback: Option<Rollback>,
    /// Approvals given (or refused) so far.
    #[serde(default)]
    pub approvals: Vec<Approval>,
    /// Results of the verification run.
    #[serde(default)]
    pub verification: Option<Verification>,
    /// What happened at deployment.
    #[serde(default)]
    pub deployment: Option<Deployment>,
    /// Measurements after go-live.
    #[serde(default)]
    pub metrics: Vec<Metric>,
    /// Dashboards to watch.
    #[serde(default)]
    pub dashboards: Vec<Dashboard>,
    /// Who to call, in order.
    #[serde(default)]
    pub escalation: Vec<Escalation>,
    /// Names of troubleshooting runbooks in content/runbooks/ (without `.md`).
    #[serde(default)]
    pub runbooks: Vec<String>,
    /// Why and until when the go-live is postponed.
    #[serde(default)]
    pub postponement: Option<Postponement>,
    /// The expedited path of an emergency change: verbal approvals and the
    /// deadlines for writing the request up and reviewing the change. Goes with
    /// a `change_type` whose approval_matrix entry has `level: Expedited`.
    #[serde(default)]
    pub expedited: Option<Expedited>,
    /// Alert tiers and support contacts of this release, on top of the site's
    /// `support:` (same tier or area: this one replaces it); a `rota` here
    /// replaces the site's.
    #[serde(default)]
    pub support: Option<crate::config::support::Support>,
}

/// Markdown and notes may span lines; every other text is one line.
impl crate::yaml::Document for Release {
    const MULTILINE: &'static [&'static str] = &[
        "summary",
        "communication",
        "readiness[].items[].note",
        "readiness[].status.*.note",
        "approvals[].note",
    ];
}

/// A person: a key of people.yaml (or a group, where groups are allowed), or inline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PersonRef {
    Key(String),
    Inline(InlinePerson),
}

/// A person not listed in people.yaml.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InlinePerson {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub chat: Option<String>,
}

/// Recipients per email.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    #[serde(default)]
    pub readiness: Option<Recipients>,
    /// The "deployment in progress" notice.
    #[serde(default)]
    pub started: Option<Recipients>,
    #[serde(default)]
    pub success: Option<Recipients>,
    /// The "issue detected" notice: failed checks, missed criteria, a rollback.
    #[serde(default)]
    pub issue: Option<Recipients>,
    #[serde(default)]
    pub postponement: Option<Recipients>,
}

/// To and Cc lists of people or group keys.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipients {
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Impact {
    #[serde(default)]
    pub revenue: Option<Revenue>,
    #[serde(default)]
    pub customer: Option<Level>,
    #[serde(default)]
    pub visibility: Option<Visibility>,
    /// What users will notice, e.g. `Login unavailable for up to 5 minutes`.
    #[serde(default)]
    pub users: Option<String>,
    /// Expected effect on traffic and capacity, e.g. `No change expected`.
    #[serde(default)]
    pub scalability: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Revenue {
    Positive,
    Neutral,
    Negative,
}

/// none, low, medium, high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    None,
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Visibility {
    Internal,
    External,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// e.g. frontend, backend, database, infrastructure.
    pub area: String,
    pub summary: String,
    /// Whether the change includes a data or schema migration.
    #[serde(default)]
    pub migration: bool,
}

/// One entry of `readiness`: either an inline category with `items`, or a shared
/// checklist pulled in with `use:` and its statuses filled in with `status:`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadinessEntry {
    /// Title of an inline category (with `items`).
    #[serde(default)]
    pub category: Option<String>,
    /// Name of a checklist in content/checklists/ (with `status`).
    #[serde(default, rename = "use")]
    pub use_checklist: Option<String>,
    /// Weight of this category in the overall score; default 1.
    #[serde(default)]
    pub weight: Option<f64>,
    /// Items of an inline category.
    #[serde(default)]
    pub items: Vec<Item>,
    /// Statuses of a shared checklist's items, keyed `section.item`; unlisted items are pending.
    #[serde(default)]
    pub status: BTreeMap<String, ItemState>,
    /// How old evidence (`verified`) may be at go-live in this category, e.g. `3d`;
    /// replaces the shared checklist's and the site's `readiness.fresh_for`.
    #[serde(default)]
    pub fresh_for: Option<Span>,
}

/// One checklist item.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub check: String,
    #[serde(default)]
    pub status: Status,
    /// A critical item must be done (or n/a) for GO.
    #[serde(default)]
    pub critical: bool,
    /// A person or group key.
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub due: Option<When>,
    /// Link to proof: a test run, a ticket, a document.
    #[serde(default)]
    pub evidence: Option<String>,
    /// When the evidence was last checked; older than `fresh_for` at go-live defers the verdict.
    #[serde(default)]
    pub verified: Option<When>,
    #[serde(default)]
    pub note: Option<String>,
    /// Weight within its category; default 1.
    #[serde(default)]
    pub weight: Option<f64>,
}

/// The state of a shared checklist item: a bare status, or a status with details.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ItemState {
    pub status: Status,
    pub owner: Option<String>,
    pub due: Option<When>,
    pub evidence: Option<String>,
    pub verified: Option<When>,
    pub note: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ItemStateDetails {
    status: Status,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    due: Option<When>,
    /// Link to proof: a test run, a ticket, a document.
    #[serde(default)]
    evidence: Option<String>,
    /// When the evidence was last checked; older than `fresh_for` at go-live defers the verdict.
    #[serde(default)]
    verified: Option<When>,
    #[serde(default)]
    note: Option<String>,
}

/// Status of a checklist item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Done,
    InProgress,
    #[default]
    Pending,
    Blocked,
    #[serde(rename = "n/a")]
    NotApplicable,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::InProgress => "in-progress",
            Status::Pending => "pending",
            Status::Blocked => "blocked",
            Status::NotApplicable => "n/a",
        }
    }
}

/// low, medium, high, critical.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    pub title: String,
    pub severity: Severity,
    #[serde(default)]
    pub mitigation: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Blocker {
    pub title: String,
    pub status: BlockerStatus,
    #[serde(default)]
    pub owner: Option<String>,
    /// When it is expected to be resolved.
    #[serde(default)]
    pub eta: Option<When>,
}

/// open, in-progress, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BlockerStatus {
    Open,
    InProgress,
    Resolved,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineStep {
    /// Offset from go-live: `T-24h`, `T-2d`, `T+0`, `T+30m`.
    pub at: Offset,
    pub activity: String,
    #[serde(default)]
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rollback {
    #[serde(default)]
    pub estimated_minutes: Option<u32>,
    /// Whether rolling back also needs data restored.
    #[serde(default)]
    pub data_rollback: Option<bool>,
    /// Whether the rollback was rehearsed.
    #[serde(default)]
    pub tested: Option<bool>,
    #[serde(default)]
    pub triggers: Vec<RollbackTrigger>,
    #[serde(default)]
    pub steps: Vec<RollbackStep>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackTrigger {
    pub when: String,
    pub action: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackStep {
    /// How soon after the decision to roll back, e.g. `5m`.
    #[serde(default)]
    pub within: Option<Span>,
    pub action: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// A role from the approval matrix, e.g. `CTO`.
    pub role: String,
    /// A person key.
    #[serde(default)]
    pub who: Option<String>,
    pub status: ApprovalStatus,
    #[serde(default)]
    pub at: Option<When>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The expedited approval path of an emergency change (deploy first on verbal
/// approval, document and review afterwards).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expedited {
    /// Approvals given by phone or in person, with their timestamps; each counts
    /// as the approval of the role it names.
    #[serde(default)]
    pub verbal: Vec<VerbalApproval>,
    /// Deadline for writing up the full deployment request.
    pub documented_by: When,
    /// Deadline for the post-implementation review.
    pub review_due: When,
    /// When the full deployment request was written up; unset while it is not.
    #[serde(default)]
    pub documented: Option<When>,
    /// When the post-implementation review was held; unset while it was not.
    #[serde(default)]
    pub reviewed: Option<When>,
}

/// A verbal approval: who gave it for which role, and when.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerbalApproval {
    /// A role from the approval matrix, e.g. `CTO`.
    pub role: String,
    /// A person key.
    pub who: String,
    /// When the approval was given.
    pub at: When,
}

/// approved, pending, rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ApprovalStatus {
    Approved,
    Pending,
    Rejected,
}

/// Verification results, inline or from a JSON file beside the release file.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    #[serde(default)]
    pub passed: Option<u32>,
    #[serde(default)]
    pub failed: Option<u32>,
    #[serde(default)]
    pub warnings: Option<u32>,
    #[serde(default)]
    pub duration_seconds: Option<f64>,
    /// A JSON file with the keys above, relative to the release file.
    #[serde(default)]
    pub file: Option<String>,
    /// Health checks run after deployment.
    #[serde(default)]
    pub checks: Vec<HealthCheck>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub expect: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    pub status: DeploymentStatus,
    #[serde(default)]
    pub started: Option<When>,
    #[serde(default)]
    pub finished: Option<When>,
    /// When the deployment is expected to finish; the "started" notice says it.
    #[serde(default)]
    pub expected_end: Option<When>,
    /// e.g. `none`, `5 minutes`.
    #[serde(default)]
    pub downtime: Option<String>,
    /// Ordered steps of the deployment.
    #[serde(default)]
    pub sequence: Vec<String>,
    /// What went wrong, for the "issue" notice.
    #[serde(default)]
    pub incident: Option<Incident>,
}

/// A problem found during or after the deployment.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// What happened, e.g. `Checkout errors after cut-over`.
    pub summary: String,
    /// Who or what is affected, e.g. `5% of orders failed for 12 min`.
    #[serde(default)]
    pub impact: Option<String>,
    /// When the next update will be sent.
    #[serde(default)]
    pub next_update: Option<When>,
}

/// scheduled, in-progress, deployed, postponed, rolled-back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeploymentStatus {
    #[default]
    Scheduled,
    InProgress,
    Deployed,
    Postponed,
    RolledBack,
}

impl DeploymentStatus {
    pub fn label(self) -> &'static str {
        match self {
            DeploymentStatus::Scheduled => "scheduled",
            DeploymentStatus::InProgress => "in-progress",
            DeploymentStatus::Deployed => "deployed",
            DeploymentStatus::Postponed => "postponed",
            DeploymentStatus::RolledBack => "rolled-back",
        }
    }
}

/// A measurement, and with `target` a success criterion judged after go-live
/// (see `evaluate::criteria`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub name: String,
    /// The observed value, e.g. `180ms`; none before it is measured. With a
    /// `target` it must be a number with a unit (ms, s, min, %, rows/s or none).
    #[serde(default)]
    #[schemars(schema_with = "text_or_number")]
    pub value: Option<String>,
    /// The success criterion, e.g. `< 200ms`.
    #[serde(default)]
    pub target: Option<Threshold>,
    /// Missing the target but within this is a warning, not a miss, e.g. `< 300ms`.
    #[serde(default)]
    pub warning: Option<Threshold>,
    /// Reaching this is a miss whatever else holds, e.g. `>= 1%`.
    #[serde(default)]
    pub critical: Option<Threshold>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// e.g. primary, secondary, emergency.
    pub level: String,
    /// A person key, or an inline `{name, phone, chat}`.
    pub who: PersonRef,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Postponement {
    pub reasons: Vec<PostponementReason>,
    #[serde(default)]
    pub remediation: Vec<Remediation>,
    /// The new go-live: with `deployment.status: postponed` it becomes T+0, and a
    /// `decision_due` of the old plan moves with it.
    #[serde(default)]
    pub new_target: Option<When>,
    /// Further dates of the revised plan, e.g. a staging re-test.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostponementReason {
    pub issue: String,
    pub severity: Severity,
    #[serde(default)]
    pub impact: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    pub action: String,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub eta: Option<When>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub name: String,
    pub at: When,
}

/// `owner: priya` or `owner: {name: Priya, email: ...}`. A hand-written visitor
/// keeps serde_yaml's error positions (an untagged enum would lose them).
impl<'de> Deserialize<'de> for PersonRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PersonRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key of people.yaml or an inline {name, email}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PersonRef, E> {
                Ok(PersonRef::Key(v.to_string()))
            }
            fn visit_map<M: MapAccess<'de>>(self, m: M) -> Result<PersonRef, M::Error> {
                InlinePerson::deserialize(de::value::MapAccessDeserializer::new(m))
                    .map(PersonRef::Inline)
            }
        }
        d.deserialize_any(V)
    }
}

/// `done` or `{status: done, owner: dba-team, evidence: ..., verified: 2026-11-20}`.
impl<'de> Deserialize<'de> for ItemState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ItemState;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a status (done, in-progress, pending, blocked, n/a) or {status, owner, due, evidence, verified, note}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ItemState, E> {
                let status = Status::deserialize(de::value::StrDeserializer::<E>::new(v))?;
                Ok(ItemState {
                    status,
                    ..ItemState::default()
                })
            }
            fn visit_map<M: MapAccess<'de>>(self, m: M) -> Result<ItemState, M::Error> {
                let d = ItemStateDetails::deserialize(de::value::MapAccessDeserializer::new(m))?;
                Ok(ItemState {
                    status: d.status,
                    owner: d.owner,
                    due: d.due,
                    evidence: d.evidence,
                    verified: d.verified,
                    note: d.note,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A metric's value: YAML reads `value: 37` as a number, and golive takes it as
/// the text `37`, so the schema allows both.
fn text_or_number(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "The observed value, e.g. `180ms` or `37`",
        "type": ["string", "number", "null"]
    })
}

/// A key of people.yaml, or an inline person.
impl JsonSchema for PersonRef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PersonRef".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let inline = generator.subschema_for::<InlinePerson>();
        schemars::json_schema!({
            "description": "A key of people.yaml, or an inline {name, email}",
            "anyOf": [{"type": "string", "minLength": 1}, inline]
        })
    }
}

/// A status, or a status with details.
impl JsonSchema for ItemState {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ItemState".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let status = generator.subschema_for::<Status>();
        let details = generator.subschema_for::<ItemStateDetails>();
        schemars::json_schema!({
            "description": "A status (done, in-progress, pending, blocked, n/a), or {status, owner, due, evidence, verified, note}",
            "anyOf": [status, details]
        })
    }
}
