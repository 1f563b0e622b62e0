//! `content/site.yaml`: the site's title, zone, readiness policy and approval matrix.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::calendar::{BusinessHours, Freeze};
use super::support::Support;
use crate::content::time::{Span, Zone};

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name: page titles, the dashboard, the calendar feed.
    pub title: String,
    /// Where the site is published; used for links in emails.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Shown in the footer.
    #[serde(default)]
    pub organisation: Option<String>,
    /// Zone of times without an offset, unless a release sets its own.
    #[serde(default = "utc")]
    pub timezone: Zone,
    /// The go/no-go policy: threshold, switches, evidence freshness.
    #[serde(default)]
    pub readiness: Policy,
    /// change_type -> roles whose approval is required: a list of roles, or
    /// `{roles, level}`.
    #[serde(default)]
    pub approval_matrix: BTreeMap<String, MatrixEntry>,
    /// Four-eyes: the release owner's own approval does not count. On unless
    /// set to false.
    #[serde(default = "yes")]
    pub four_eyes: bool,
    /// The phases of the approval process, in order, each with its length in
    /// business days and the roles that sign off in it.
    #[serde(default = "default_phases")]
    pub approval_phases: Vec<ApprovalPhase>,
    /// Monitoring and support after go-live: alert tiers, contacts, on-call
    /// rota; shown on every go-live runbook.
    #[serde(default)]
    pub support: Support,
    /// Change freezes: no go-live inside one unless the change is an emergency.
    #[serde(default)]
    pub freezes: Vec<Freeze>,
    /// When go-lives are expected; one outside them is a warning.
    #[serde(default)]
    pub business_hours: Option<BusinessHours>,
    /// Sender of the emails (`golive email`, `golive send`).
    #[serde(default)]
    pub email: Option<EmailConfig>,
    /// The SMTP server `golive send --send` delivers through.
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
    /// Where the send ledger lives (default `.golive/sent.jsonl`), relative to the
    /// site folder or absolute. The calendar memory (`calendar.json`) and the send
    /// lock live beside it. Point it at a place a CI job keeps (a committed path or
    /// a shared volume) so that a fresh checkout still knows what was sent.
    #[serde(default)]
    pub ledger: Option<std::path::PathBuf>,
}

/// Every text of site.yaml is one line.
impl crate::yaml::Document for SiteConfig {
    const MULTILINE: &'static [&'static str] = &[];
}

fn utc() -> Zone {
    Zone(chrono_tz::UTC)
}

/// The approvers of one change type: `[CTO, DBA]`, or `{roles: [CTO], level:
/// Expedited}`. The level is a label (e.g. `CTO + Security`) shown with the
/// change type; `Expedited` (any letter case) also selects the expedited path
/// of an emergency change instead of the approval phases.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixEntry {
    pub roles: Vec<String>,
    pub level: Option<String>,
    /// Written as `{roles, level}` rather than as a list: it serialises back
    /// the same way, so that key paths (`approval_matrix.x.roles[0]`, or
    /// `approval_matrix.x[0]`) match the file's.
    object_form: bool,
}

impl Serialize for MatrixEntry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Object<'a> {
            roles: &'a [String],
            #[serde(skip_serializing_if = "Option::is_none")]
            level: &'a Option<String>,
        }
        if self.object_form {
            Object {
                roles: &self.roles,
                level: &self.level,
            }
            .serialize(s)
        } else {
            self.roles.serialize(s)
        }
    }
}

/// A list of roles, or `{roles, level}`.
impl JsonSchema for MatrixEntry {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MatrixEntry".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let details = generator.subschema_for::<MatrixDetails>();
        schemars::json_schema!({
            "description": "The roles whose approval the change type requires: a non-empty list such as [CTO, DBA], or {roles, level}",
            "anyOf": [{"type": "array", "items": {"type": "string"}}, details]
        })
    }
}

impl MatrixEntry {
    /// Whether this change type takes the expedited path (verbal approvals,
    /// documentation and review afterwards).
    pub fn is_expedited(&self) -> bool {
        self.level
            .as_deref()
            .is_some_and(|l| l.trim().eq_ignore_ascii_case("expedited"))
    }
}

/// The object form of a matrix entry.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct MatrixDetails {
    /// The roles whose approval is required.
    roles: Vec<String>,
    /// The approval level, a label shown on the deployment request (e.g. `CTO +
    /// Security`); `Expedited` (any letter case) selects the expedited path of an
    /// emergency change.
    #[serde(default)]
    level: Option<String>,
}

/// A hand-written visitor keeps serde_yaml's error positions (an untagged enum
/// would lose them and say only "did not match any variant").
impl<'de> Deserialize<'de> for MatrixEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MatrixEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a list of roles, such as [CTO, DBA], or {roles: [CTO], level: Expedited}",
                )
            }
            fn visit_seq<S: SeqAccess<'de>>(self, s: S) -> Result<MatrixEntry, S::Error> {
                let roles = Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(s))?;
                Ok(MatrixEntry {
                    roles,
                    level: None,
                    object_form: false,
                })
            }
            fn visit_map<M: MapAccess<'de>>(self, m: M) -> Result<MatrixEntry, M::Error> {
                let d = MatrixDetails::deserialize(de::value::MapAccessDeserializer::new(m))?;
                Ok(MatrixEntry {
                    roles: d.roles,
                    level: d.level,
                    object_form: true,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// One phase of the approval process.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalPhase {
    /// The phase's name, e.g. `Technical review`.
    pub name: String,
    /// Its length (its SLA), in business days (Monday to Friday), at most 365.
    pub business_days: u32,
    /// Roles that approve in this phase.
    #[serde(default)]
    pub roles: Vec<String>,
    /// What the phase's reviewers check, in a few words each, e.g.
    /// `Rollback plan is solid`; shown per phase on the deployment request.
    #[serde(default)]
    pub checks: Vec<String>,
}

/// The phases of a formal production approval process: submission, technical
/// review, staging sign-off, security, executive approval.
fn default_phases() -> Vec<ApprovalPhase> {
    let phase = |name: &str, business_days, roles: &[&str]| ApprovalPhase {
        name: name.into(),
        business_days,
        roles: roles.iter().map(|r| r.to_string()).collect(),
        checks: Vec::new(),
    };
    vec![
        phase(
            "Pre-deployment submission",
            2,
            &["Tech Lead", "Product Manager"],
        ),
        phase("Technical review", 2, &["CTO", "DevOps Lead", "DBA"]),
        phase("Staging sign-off", 3, &["QA Lead"]),
        phase("Final security approval", 1, &["Security Officer"]),
        phase("Executive approval", 1, &["VP Engineering", "Director"]),
    ]
}

/// The rules that decide GO, GO-PENDING and NO-GO.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Percent of the weighted checklist that must be done (0 to 100); a score
    /// equal to it passes.
    #[serde(default = "default_threshold")]
    pub go_threshold: f64,
    /// Every critical item done (or n/a); false turns off the `critical-item-*` rules.
    #[serde(default = "yes")]
    pub require_critical: bool,
    /// Every role the approval matrix asks for approved; false turns off
    /// `approval-missing`, `approval-pending` and `approval-by-owner`.
    #[serde(default = "yes")]
    pub require_approvals: bool,
    /// How old an item's evidence (its `verified` date) may be at go-live; older
    /// evidence defers the verdict. No limit when unset.
    #[serde(default)]
    pub fresh_for: Option<Span>,
}

fn default_threshold() -> f64 {
    85.0
}

fn yes() -> bool {
    true
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            go_threshold: default_threshold(),
            require_critical: true,
            require_approvals: true,
            fresh_for: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    /// `Name <address>` the emails come from; must contain `@`.
    pub from: String,
    /// `Name <address>` replies go to.
    #[serde(default)]
    pub reply_to: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// The server's host name or address.
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    /// `starttls` (upgrade required), `tls` (implicit TLS, usually port 465), or
    /// `none` (only to `localhost` or a loopback address, for a test server).
    #[serde(default)]
    pub tls: Tls,
    /// Name of the environment variable holding the SMTP user name (the
    /// credentials never go in the file).
    #[serde(default)]
    pub username_env: Option<String>,
    /// Name of the environment variable holding the SMTP password.
    #[serde(default)]
    pub password_env: Option<String>,
}

impl SmtpConfig {
    /// Whether the server is on this machine: the only place `tls: none` may go.
    pub fn is_loopback(&self) -> bool {
        self.host == "localhost"
            || self
                .host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

fn default_port() -> u16 {
    587
}

/// starttls, tls (implicit), none (loopback hosts only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Tls {
    #[default]
    Starttls,
    Tls,
    None,
}
