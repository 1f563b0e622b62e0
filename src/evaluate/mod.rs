//! Evaluate: scores, the go/no-go verdict with its reasons, and absolute times.
//!
//! Pure functions of validated data: no I/O, no templates, no clock. The same
//! input always gives the same `Report`, which is what `readiness.json` holds and
//! what every page and email is rendered from. The time, where it matters (the
//! approval phases and the warnings, never the verdict), is passed in.

pub mod approval;
pub mod changes;
pub mod criteria;
pub mod deadline;
pub mod expedited;
pub mod freshness;
pub mod relations;
pub mod score;
pub mod snapshot;
pub mod support;
pub mod verdict;
pub mod warnings;
pub mod window;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::config::people::People;
use crate::config::site::SiteConfig;
use crate::content::LoadedRelease;
use crate::content::checklist::Checklist;
use crate::content::release::{
    Blocker, BlockerStatus, DeploymentStatus, PersonRef, Severity, Status,
};
use crate::content::time::{Offset, When};
pub use approval::{ApprovalCount, ApprovalReport};
pub use expedited::ExpeditedReport;
pub use relations::{ChainLink, Collision, CollisionKind, Dependency, Footprint, Related};
pub use score::{CategoryReport, GroupReport, ItemReport, Standing, Tally};
pub use verdict::{Reason, Rule, Verdict};
pub use warnings::Warning;
pub use window::DeploymentWindow;

/// The evaluated release.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub slug: String,
    pub product: String,
    pub version: String,
    pub title: Option<String>,
    pub change_type: String,
    /// The approval level of the change type (site.yaml's `approval_matrix`
    /// object form, e.g. `CTO + Security`), if it has one.
    pub approval_level: Option<String>,
    /// Where the release stands: scheduled, in-progress, deployed, postponed, rolled-back.
    pub state: DeploymentStatus,
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    /// Overall readiness in percent (one decimal); `None` when nothing is applicable.
    pub score: Option<f64>,
    pub threshold: f64,
    pub tally: Tally,
    /// Critical items not yet done (nor n/a).
    pub critical_open: usize,
    pub categories: Vec<CategoryReport>,
    pub timezone: String,
    /// Go-live (T+0): `target`, or `postponement.new_target` once postponed.
    pub target: Moment,
    /// The target before a postponement moved it.
    pub original_target: Option<Moment>,
    /// `postponement.new_target`, whatever the state.
    pub new_target: Option<Moment>,
    /// The approval phases, counted back from go-live, as they stand today;
    /// none on the expedited path.
    pub phases: Vec<approval::PhaseReport>,
    /// The expedited path of an emergency change: verbal approvals and the
    /// documentation and review deadlines.
    pub expedited: Option<ExpeditedReport>,
    /// When the deployment ran, if it did.
    pub deployment: Option<DeploymentReport>,
    /// The go/no-go deadline: `decision_due`, or, for a postponed release whose
    /// deadline belonged to the old date, that deadline moved to the new one (`deadline`).
    pub decision_due: Option<Moment>,
    /// The deadline as written, when it was moved with a postponement ("was Tue 10 Nov").
    pub original_decision_due: Option<Moment>,
    pub timeline: Vec<TimelineEntry>,
    pub approvals: Vec<ApprovalReport>,
    /// Required approvals that count, of those required.
    pub approval_count: ApprovalCount,
    pub blockers: Vec<BlockerReport>,
    pub open_blockers: usize,
    /// The highest severity among the risks.
    pub risk_level: Option<Severity>,
    /// Every metric, judged against its target (`criteria`).
    pub criteria: Vec<criteria::CriterionReport>,
    /// How many criteria were missed.
    pub criteria_missed: usize,
    /// The release owner: a people.yaml key or an inline person.
    pub owner: PersonRef,
    /// Monitoring and support around go-live: the site's `support:` with the
    /// release's on top, and the on-call shifts of the week after go-live.
    pub support: support::SupportReport,
    /// What has gone overdue at the time of evaluation (see `warnings`); empty
    /// from `evaluate`, filled in by `evaluate_at`.
    pub warnings: Vec<Warning>,
    /// Every moment at which `warnings` changes, whatever the time: pages
    /// rendered from this report are current until the clock passes the next one.
    #[serde(skip)]
    pub deadlines: Vec<DateTime<Utc>>,
    /// When the release is planned to occupy production.
    pub window: DeploymentWindow,
    /// The releases it depends on (`depends_on`), as they stand.
    pub dependencies: Vec<Dependency>,
    /// The whole chain below it (its dependencies' dependencies too), depth first.
    pub dependency_chain: Vec<relations::ChainLink>,
    /// Its collisions on the release calendar.
    pub collisions: Vec<Collision>,
}

/// What pages that list releases show of each: the dashboard and the runbook
/// pages. Small on purpose: a site may list thousands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub slug: String,
    pub product: String,
    pub version: String,
    pub title: Option<String>,
    pub state: DeploymentStatus,
    pub verdict: Verdict,
    pub score: Option<f64>,
    pub threshold: f64,
    pub target: Moment,
    pub original_target: Option<Moment>,
    pub open_blockers: usize,
    pub decision_due: Option<Moment>,
    pub owner: PersonRef,
    pub warnings: Vec<Warning>,
    pub window: DeploymentWindow,
    /// Its first [`SUMMARY_COLLISIONS`] collisions: lists show a count and link
    /// to the release's report for the rest, so a release that collides with
    /// hundreds stays small in the cache and on every list.
    pub collisions: Vec<Collision>,
    /// How many collisions it has in all.
    #[serde(default)]
    pub collision_count: usize,
}

/// How many of a release's collisions its [`Summary`] keeps.
pub const SUMMARY_COLLISIONS: usize = 3;

impl From<&Report> for Summary {
    fn from(r: &Report) -> Summary {
        Summary {
            slug: r.slug.clone(),
            product: r.product.clone(),
            version: r.version.clone(),
            title: r.title.clone(),
            state: r.state,
            verdict: r.verdict,
            score: r.score,
            threshold: r.threshold,
            target: r.target.clone(),
            original_target: r.original_target.clone(),
            open_blockers: r.open_blockers,
            decision_due: r.decision_due.clone(),
            owner: r.owner.clone(),
            warnings: r.warnings.clone(),
            window: r.window.clone(),
            collisions: r.collisions[..r.collisions.len().min(SUMMARY_COLLISIONS)].to_vec(),
            collision_count: r.collisions.len(),
        }
    }
}

/// A day as pages and emails show it: `Sun 20 Dec 2026`.
pub fn day_text(day: NaiveDate) -> String {
    day.format("%a %-d %b %Y").to_string()
}

/// An instant, in the release's zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moment {
    /// RFC 3339, for machines and `<time datetime>`.
    pub iso: String,
    /// For people: `Fri 4 Dec 2026, 09:00 IST`, or only the day for dates.
    pub display: String,
    /// Seconds since 1970 UTC, for sorting.
    pub unix: i64,
    /// The same time in UTC, for readers in other zones: `03:30 UTC`, with the
    /// day when it differs (`Thu 3 Dec 2026, 21:30 UTC`). None for a day
    /// without a time, or a time already in UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utc: Option<String>,
}

impl Moment {
    pub fn new(at: DateTime<Tz>, date_only: bool) -> Self {
        let display = if date_only {
            day_text(at.date_naive())
        } else {
            at.format("%a %-d %b %Y, %H:%M %Z").to_string()
        };
        let in_utc = at.with_timezone(&Utc);
        let off_utc = chrono::Offset::fix(at.offset()).local_minus_utc() != 0;
        let utc = (!date_only && off_utc).then(|| {
            if in_utc.date_naive() == at.date_naive() {
                in_utc.format("%H:%M UTC").to_string()
            } else {
                in_utc.format("%a %-d %b %Y, %H:%M UTC").to_string()
            }
        });
        Moment {
            iso: at.to_rfc3339(),
            display,
            unix: at.timestamp(),
            utc,
        }
    }

    /// How emails show a time: `Fri 4 Dec 2026, 09:00 IST (03:30 UTC)`; a day,
    /// or a time in UTC, as `display`.
    pub fn with_utc(&self) -> String {
        match &self.utc {
            Some(utc) => format!("{} ({utc})", self.display),
            None => self.display.clone(),
        }
    }

    /// The instant, in UTC.
    pub fn instant(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.unix, 0).unwrap_or_default()
    }

    /// The instant in `zone`.
    pub fn in_zone(&self, zone: Tz) -> DateTime<Tz> {
        self.instant().with_timezone(&zone)
    }

    /// The day in the moment's own zone (the release's).
    pub fn local_date(&self) -> NaiveDate {
        DateTime::parse_from_rfc3339(&self.iso)
            .map(|t| t.date_naive())
            .unwrap_or_else(|_| self.instant().date_naive())
    }

    fn of(when: &When, zone: Tz) -> Self {
        Moment::new(when.instant(zone), when.is_date_only())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DeploymentReport {
    pub started: Option<Moment>,
    pub finished: Option<Moment>,
    /// Whole minutes from start to finish.
    pub duration_minutes: Option<i64>,
    pub downtime: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub offset: Offset,
    pub at: Moment,
    pub activity: String,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockerReport {
    pub title: String,
    pub status: BlockerStatus,
    pub owner: Option<String>,
    pub eta: Option<Moment>,
    pub open: bool,
    /// Open, and expected to be resolved before go-live.
    pub before_go_live: bool,
}

/// Evaluates one release under the site's policy at the moment `now`: the
/// report, with the warnings that hold then. `now` gives the approval phases
/// their "today" (in the site's zone) and the warnings; never the verdict.
/// `people` names the people and groups that reasons refer to.
pub fn evaluate_at(
    loaded: &LoadedRelease,
    site: &SiteConfig,
    checklists: &BTreeMap<String, Checklist>,
    people: &People,
    now: DateTime<Utc>,
) -> Report {
    let today = crate::clock::today(now, site.timezone.0);
    let mut report = evaluate(loaded, site, checklists, people, today);
    let facts = warnings::Facts {
        release: &loaded.release,
        report: &report,
        zone: loaded.release.timezone.unwrap_or(site.timezone).0,
    };
    let deadlines = warnings::deadlines(&facts);
    report.warnings = warnings::at(&deadlines, now);
    report.deadlines = deadlines.iter().map(|d| d.from).collect();
    report
}

/// Evaluates one release under the site's policy. `today` matters only to the
/// approval phases (which are late); the verdict never depends on it. The
/// report has no warnings: `evaluate_at` adds them.
pub fn evaluate(
    loaded: &LoadedRelease,
    site: &SiteConfig,
    checklists: &BTreeMap<String, Checklist>,
    people: &People,
    today: NaiveDate,
) -> Report {
    let release = &loaded.release;
    let zone = release.timezone.unwrap_or(site.timezone).0;
    // A postponed release is judged, and its timeline laid out, for its new date.
    let postponed_to = release
        .postponement
        .as_ref()
        .and_then(|p| p.new_target.as_ref())
        .filter(|_| {
            release
                .deployment
                .as_ref()
                .is_some_and(|d| d.status == DeploymentStatus::Postponed)
        });
    let effective_target = postponed_to.unwrap_or(&release.target);
    let target = effective_target.instant(zone);
    let categories = score::categories(
        release,
        checklists,
        site.readiness.fresh_for,
        site.readiness.go_threshold,
    );
    let score = score::overall(&categories);
    let entry = site.approval_matrix.get(&release.change_type);
    let required_roles: &[String] = entry.map_or(&[], |e| e.roles.as_slice());
    // The expedited path has no phases: approvals are verbal, and documented after.
    let expedited_path = entry.is_some_and(|e| e.is_expedited()) || release.expedited.is_some();
    let configured: &[_] = if expedited_path {
        &[]
    } else {
        &site.approval_phases
    };
    let schedule = approval::schedule(configured, target.date_naive());
    let approvals = approval::approvals(
        release,
        &approval::Rules {
            required: required_roles,
            zone,
            four_eyes: site.four_eyes,
            phases: configured,
            schedule: &schedule,
        },
    );

    let facts = verdict::Facts {
        release,
        policy: site.readiness,
        zone,
        target,
        categories: &categories,
        score,
        approvals: &approvals,
        people,
    };
    let (verdict, reasons) = verdict::decide(&facts);

    let mut tally = Tally::default();
    let mut critical_open = 0;
    for c in &categories {
        tally.merge(&c.tally);
        critical_open += c
            .groups
            .iter()
            .flat_map(|g| &g.items)
            .filter(|i| i.critical && !matches!(i.status, Status::Done | Status::NotApplicable))
            .count();
    }

    let mut timeline: Vec<TimelineEntry> = release
        .timeline
        .iter()
        .map(|step| TimelineEntry {
            offset: step.at.clone(),
            at: Moment::new((target + step.at.delta()).with_timezone(&zone), false),
            activity: step.activity.clone(),
            owner: step.owner.clone(),
        })
        .collect();
    timeline.sort_by_key(|t| t.offset.seconds);

    // Validation has refused a deadline that cannot fit; keep the written one if not.
    let deadline = deadline::decision_due(release, zone)
        .unwrap_or_else(|_| deadline::Deadline::AsWritten(release.decision_due.clone()));
    let criteria = criteria::judge_all(&release.metrics);
    let criteria_missed = criteria
        .iter()
        .filter(|c| c.outcome == criteria::Outcome::Missed)
        .count();

    let blockers: Vec<BlockerReport> = release
        .blockers
        .iter()
        .map(|b| blocker_report(b, zone, target))
        .collect();

    Report {
        slug: loaded.slug.clone(),
        product: release.product.clone(),
        version: release.version.to_string(),
        title: release.title.clone(),
        change_type: release.change_type.clone(),
        approval_level: entry.and_then(|e| e.level.clone()),
        state: release
            .deployment
            .as_ref()
            .map(|d| d.status)
            .unwrap_or_default(),
        verdict,
        reasons,
        score,
        threshold: site.readiness.go_threshold,
        tally,
        critical_open,
        timezone: zone.name().to_string(),
        target: Moment::of(effective_target, zone),
        original_target: postponed_to.map(|_| Moment::of(&release.target, zone)),
        new_target: release
            .postponement
            .as_ref()
            .and_then(|p| p.new_target.as_ref())
            .map(|w| Moment::of(w, zone)),
        phases: approval::phases(&approvals, configured, &schedule, today),
        expedited: release
            .expedited
            .as_ref()
            .map(|e| expedited::report(e, entry.and_then(|e| e.level.clone()), zone, today)),
        deployment: release.deployment.as_ref().map(|d| DeploymentReport {
            started: d.started.as_ref().map(|w| Moment::of(w, zone)),
            finished: d.finished.as_ref().map(|w| Moment::of(w, zone)),
            duration_minutes: d
                .started
                .as_ref()
                .zip(d.finished.as_ref())
                .map(|(a, b)| (b.instant(zone) - a.instant(zone)).num_minutes()),
            downtime: d.downtime.clone(),
        }),
        decision_due: match &deadline {
            deadline::Deadline::AsWritten(w) => w.as_ref().map(|w| Moment::of(w, zone)),
            deadline::Deadline::Moved { due, .. } => Some(Moment::of(due, zone)),
        },
        original_decision_due: match &deadline {
            deadline::Deadline::Moved { was, .. } => Some(Moment::of(was, zone)),
            deadline::Deadline::AsWritten(_) => None,
        },
        timeline,
        approval_count: approval::count(&approvals),
        approvals,
        open_blockers: blockers.iter().filter(|b| b.open).count(),
        blockers,
        risk_level: release.risks.iter().map(|r| r.severity).max(),
        categories,
        criteria,
        criteria_missed,
        owner: release.owner.clone(),
        support: support::report(
            &site.support,
            release.support.as_ref(),
            target,
            site.timezone.0,
            zone,
        ),
        warnings: Vec::new(),
        deadlines: Vec::new(),
        window: window::deployment_window(
            target,
            effective_target.is_date_only(),
            release.window.as_ref(),
            zone,
        ),
        dependencies: Vec::new(),
        dependency_chain: Vec::new(),
        collisions: Vec::new(),
    }
}

fn blocker_report(b: &Blocker, zone: Tz, target: DateTime<Tz>) -> BlockerReport {
    let open = b.status != BlockerStatus::Resolved;
    BlockerReport {
        title: b.title.clone(),
        status: b.status,
        owner: b.owner.clone(),
        eta: b.eta.as_ref().map(|w| Moment::of(w, zone)),
        open,
        before_go_live: open && b.eta.as_ref().is_some_and(|w| w.instant(zone) <= target),
    }
}

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod wording_tests;

#[cfg(test)]
mod properties;
