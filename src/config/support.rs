//! Monitoring and support after go-live: the alert tiers (what pages whom, and
//! how fast they must respond), the support contact matrix and the on-call rota.
//!
//! Written once for the site under `support:` in site.yaml; a release may add
//! its own under `support:` in its file (see `merged`). The go-live runbook
//! shows the result (`evaluate::support`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::content::time::{Span, When};

/// `support:` of site.yaml or of a release file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Support {
    /// Alert tiers, most urgent first: P1, P2, P3.
    #[serde(default)]
    pub alert_tiers: Vec<AlertTier>,
    /// Who to contact, per kind of problem.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Who is on call when: shifts of one length that repeat in turn.
    #[serde(default)]
    pub rota: Option<Rota>,
}

/// One alert tier, e.g. P1: what triggers it, who is paged, how fast they respond.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertTier {
    /// Its short name: `P1`, `P2`, `P3`.
    pub tier: String,
    /// What it means, e.g. `Critical`.
    #[serde(default)]
    pub name: Option<String>,
    /// How soon the person paged must respond, e.g. `5m`.
    pub respond_within: Span,
    /// The response time counts business hours only (`1d`: the next business day).
    #[serde(default)]
    pub business_hours: bool,
    /// What raises an alert of this tier, e.g. `Error rate > 10% for 5 min`.
    #[serde(default)]
    pub triggers: Vec<String>,
    /// Who is paged: people or groups of people.yaml.
    #[serde(default)]
    pub page: Vec<String>,
    /// How they are reached, e.g. `PagerDuty call + #prod-alerts`.
    #[serde(default)]
    pub via: Option<String>,
}

/// One row of the support contact matrix.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The kind of problem, e.g. `Database issues`.
    pub area: String,
    /// Who answers: a person or group of people.yaml.
    pub who: String,
    /// How to reach them; without it, the page shows their phone, chat and email.
    #[serde(default)]
    pub reach: Option<String>,
    /// When they can be reached, e.g. `24/7` or `Mon–Fri 09:00–18:00 IST`.
    #[serde(default)]
    pub hours: Option<String>,
    /// How soon they respond, e.g. `30m`.
    #[serde(default)]
    pub respond_within: Option<Span>,
    /// Who to go to when they do not: a person or group of people.yaml.
    #[serde(default)]
    pub escalate_to: Option<String>,
}

/// The on-call rota: from `starts`, shifts of `length` each, taken by `shifts`
/// in turn and starting over after the last.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rota {
    /// When the first shift begins, e.g. `2026-09-07 09:00`.
    pub starts: When,
    /// The length of each shift, e.g. `7d`; at least 1h.
    pub length: Span,
    /// Who is on call in each shift, in turn.
    pub shifts: Vec<Shift>,
}

/// Who is on call during one shift.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    /// Paged first: a person or group of people.yaml.
    pub primary: String,
    /// Paged when the primary does not answer.
    #[serde(default)]
    pub secondary: Option<String>,
}

/// The shortest shift a rota may have: a rota is laid out shift by shift.
pub const SHORTEST_SHIFT: i64 = 3_600;

impl Support {
    /// The site's support with a release's on top: a release's tier replaces
    /// the site's of the same `tier`, a contact the site's of the same `area`
    /// (letter case aside), others are added after the site's; a release's rota
    /// replaces the site's.
    pub fn merged(site: &Support, release: Option<&Support>) -> Support {
        let Some(release) = release else {
            return site.clone();
        };
        Support {
            alert_tiers: overlay(&site.alert_tiers, &release.alert_tiers, |t| &t.tier),
            contacts: overlay(&site.contacts, &release.contacts, |c| &c.area),
            rota: release.rota.clone().or_else(|| site.rota.clone()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.alert_tiers.is_empty() && self.contacts.is_empty() && self.rota.is_none()
    }
}

/// `base` with each entry of `over` replacing the one of the same key in place,
/// or added at the end.
fn overlay<T: Clone>(base: &[T], over: &[T], key: impl Fn(&T) -> &String) -> Vec<T> {
    let same = |a: &T, b: &T| key(a).trim().eq_ignore_ascii_case(key(b).trim());
    let mut out: Vec<T> = base
        .iter()
        .map(|b| over.iter().find(|o| same(o, b)).unwrap_or(b).clone())
        .collect();
    out.extend(
        over.iter()
            .filter(|o| !base.iter().any(|b| same(o, b)))
            .cloned(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn support(yaml: &str) -> Support {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn a_release_replaces_tiers_and_contacts_by_name_and_adds_new_ones() {
        let site = support(
            "alert_tiers:\n  - {tier: P1, respond_within: 5m, page: [ops]}\n  - {tier: P2, respond_within: 30m}\ncontacts:\n  - {area: Database, who: dba}\nrota: {starts: 2026-01-05, length: 7d, shifts: [{primary: a}]}\n",
        );
        let release = support(
            "alert_tiers:\n  - {tier: p1, respond_within: 2m, page: [ops, sec]}\n  - {tier: P4, respond_within: 2d}\ncontacts:\n  - {area: Payments, who: pay}\n",
        );
        let merged = Support::merged(&site, Some(&release));
        let tiers: Vec<(&str, i64)> = merged
            .alert_tiers
            .iter()
            .map(|t| (t.tier.as_str(), t.respond_within.seconds))
            .collect();
        assert_eq!(tiers, [("p1", 120), ("P2", 1800), ("P4", 172_800)]);
        let areas: Vec<&str> = merged.contacts.iter().map(|c| c.area.as_str()).collect();
        assert_eq!(areas, ["Database", "Payments"]);
        assert_eq!(
            merged.rota, site.rota,
            "no rota in the release keeps the site's"
        );
        assert_eq!(Support::merged(&site, None), site);
    }
}
