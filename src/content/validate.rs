//! Checks that serde cannot make: references between files, value ranges, times
//! that must exist in their zone, and one file per product and version.
//!
//! Each check records the key path of what it found wrong; paths become lines
//! and columns only when there is something to report (see `yaml::locate`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use chrono_tz::Tz;

use super::Identity;
use super::checklist::Checklist;
use super::release::{PersonRef, Release};
use super::runbook::{self, Runbook};
use super::time::{Span, When};
use crate::config::people::People;
use crate::config::site::{SiteConfig, Tls};
use crate::diagnostic::{Diagnostic, Location, did_you_mean};
use crate::yaml::{Positions, Source};

mod expedited;
mod metrics;
mod request;
mod support;

/// What a release may refer to.
pub struct Context<'a> {
    pub config: &'a SiteConfig,
    pub people: &'a People,
    pub checklists: BTreeMap<&'a str, &'a Checklist>,
    /// Checklists whose own file has errors (already reported).
    pub broken_checklists: &'a BTreeSet<String>,
    pub runbooks: &'a BTreeSet<String>,
}

/// Collects the problems of one file; positions are computed on the first one.
struct Checker<'a> {
    source: &'a Source,
    positions: Option<Positions>,
    found: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn new(source: &'a Source) -> Self {
        Checker {
            source,
            positions: None,
            found: Vec::new(),
        }
    }

    fn positions(&mut self) -> &Positions {
        self.positions
            .get_or_insert_with(|| Positions::of(&self.source.text))
    }

    fn report(&mut self, path: &str, message: String, help: Option<String>) {
        let at = self.positions().value(path);
        self.found
            .push(self.source.error(at, message).with_help_opt(help));
    }

    /// A key that must name something in `known`; `what` names the kind for the message.
    fn reference<'k>(
        &mut self,
        path: &str,
        key: &str,
        what: &str,
        known: impl IntoIterator<Item = &'k str> + Clone,
    ) {
        if known.clone().into_iter().any(|k| k == key) {
            return;
        }
        let help = match did_you_mean(key, known.clone()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => {
                let all: Vec<&str> = known.into_iter().take(12).collect();
                if all.is_empty() {
                    format!("there are none yet; add `{key}` first")
                } else {
                    format!("known: {}", all.join(", "))
                }
            }
        };
        self.report(path, format!("unknown {what} `{key}`"), Some(help));
    }

    fn time(&mut self, path: &str, when: &When, zone: Tz) {
        if let Err(message) = when.resolve(zone) {
            self.report(
                path,
                message,
                Some("pick a time that exists in this zone".into()),
            );
        }
    }

    /// Links shown on pages: web, mail or relative, never `javascript:` and the like.
    fn link(&mut self, path: &str, url: &str) {
        let scheme = url
            .split_once(':')
            .map(|(s, _)| s)
            .filter(|s| !s.contains(['/', '?', '#']));
        if let Some(scheme) = scheme
            && !["http", "https", "mailto"].contains(&scheme.to_ascii_lowercase().as_str())
        {
            self.report(
                path,
                format!("links may be http, https, mailto or relative, not `{scheme}:`"),
                Some("write the full address, such as https://ci.example.com/run/42".into()),
            );
        }
    }

    /// A limit on the age of evidence: zero would make all evidence stale.
    fn fresh_for(&mut self, path: &str, limit: Option<Span>) {
        if limit.is_some_and(|l| l.seconds <= 0) {
            self.report(
                path,
                "a fresh_for of zero would make all evidence stale".to_string(),
                Some("use a length such as 7d, or leave fresh_for out for no limit".into()),
            );
        }
    }

    fn weight(&mut self, path: &str, weight: Option<f64>) {
        if let Some(w) = weight
            && !(w.is_finite() && w > 0.0 && w <= 1000.0)
        {
            self.report(
                path,
                format!("weight {w} is out of range"),
                Some("use a number above 0, such as 1 or 2".into()),
            );
        }
    }
}

/// The longest approval phase, in business days: the schedule is counted back
/// from go-live day by day, and dates do not go back forever.
const MAX_PHASE_DAYS: u32 = 365;

pub fn site_problems(source: &Source, config: &SiteConfig) -> Vec<Diagnostic> {
    let mut c = Checker::new(source);
    let threshold = config.readiness.go_threshold;
    if !(0.0..=100.0).contains(&threshold) {
        c.report(
            "readiness.go_threshold",
            format!("go_threshold {threshold} is not a percentage"),
            Some("use a number from 0 to 100, such as 85".into()),
        );
    }
    c.fresh_for("readiness.fresh_for", config.readiness.fresh_for);
    for (change_type, entry) in &config.approval_matrix {
        if entry.roles.is_empty() {
            c.report(
                &format!("approval_matrix.{change_type}"),
                format!("change type `{change_type}` lists no approver roles"),
                Some("list at least one role, such as [CTO]".into()),
            );
        }
    }
    for (i, phase) in config.approval_phases.iter().enumerate() {
        if phase.business_days > MAX_PHASE_DAYS {
            c.report(
                &format!("approval_phases[{i}].business_days"),
                format!(
                    "a phase of {} business days is longer than a year",
                    phase.business_days
                ),
                Some(format!("use at most {MAX_PHASE_DAYS}")),
            );
        }
    }
    for (i, freeze) in config.freezes.iter().enumerate() {
        if freeze.from > freeze.to {
            c.report(
                &format!("freezes[{i}].to"),
                format!(
                    "this freeze ends ({}) before it starts ({})",
                    freeze.to, freeze.from
                ),
                Some("give `from` the first day of the freeze and `to` its last day".into()),
            );
        }
    }
    if let Some(hours) = &config.business_hours
        && hours.from >= hours.to
    {
        c.report(
                "business_hours.to",
                format!(
                    "business hours end ({}) no later than they start ({})",
                    hours.to, hours.from
                ),
                Some("give `from` the start of the working day and `to` its end, on the same day (09:00 to 18:00)".into()),
            );
    }
    if let Some(smtp) = &config.smtp
        && smtp.tls == Tls::None
        && !smtp.is_loopback()
    {
        c.report(
            "smtp.tls",
            format!("tls: none sends passwords in clear text; allowed only to a loopback host, not `{}`", smtp.host),
            Some("use tls: starttls or tls: tls".into()),
        );
    }
    if let Some(ledger) = &config.ledger
        && let Err(why) = crate::send::place::check(&ledger.to_string_lossy())
    {
        c.report(
            "ledger",
            why,
            Some("give the send ledger's file, relative to the site folder or absolute, such as ops/golive/sent.jsonl or /mnt/golive/sent.jsonl; or leave `ledger:` out for .golive/sent.jsonl".into()),
        );
    }
    if let Some(email) = &config.email
        && !email.from.contains('@')
    {
        c.report(
            "email.from",
            format!("`{}` is not an email address", email.from),
            Some("write `Name <address@example.com>`".into()),
        );
    }
    c.found
}

/// `support:` of site.yaml: the people it names are checked against people.yaml.
pub fn site_support_problems(
    source: &Source,
    config: &SiteConfig,
    people: &People,
) -> Vec<Diagnostic> {
    let mut c = Checker::new(source);
    support::check(
        &mut c,
        "support",
        &config.support,
        people,
        config.timezone.0,
    );
    c.found
}

pub fn people_problems(source: &Source, people: &People) -> Vec<Diagnostic> {
    let mut c = Checker::new(source);
    for (key, person) in &people.people {
        if let Some(email) = &person.email
            && !email.contains('@')
        {
            c.report(
                &format!("people.{key}.email"),
                format!("`{email}` is not an email address"),
                None,
            );
        }
        if people.groups.contains_key(key) {
            c.report(
                &format!("groups.{key}"),
                format!("`{key}` is both a person and a group"),
                Some("rename one of them".into()),
            );
        }
    }
    for (group, entry) in &people.groups {
        // The list form's members sit at `groups.x[i]`, the object form's at `groups.x.members[i]`.
        let at = if entry.object_form {
            format!("groups.{group}.members")
        } else {
            format!("groups.{group}")
        };
        for (i, member) in entry.members.iter().enumerate() {
            c.reference(
                &format!("{at}[{i}]"),
                member,
                "person or group",
                people.keys(),
            );
        }
        if let Some(email) = &entry.email
            && !email.contains('@')
        {
            c.report(
                &format!("groups.{group}.email"),
                format!("`{email}` is not an email address"),
                Some("write the team's address, e.g. dba@example.com, or leave `email:` out to reach each member".into()),
            );
        }
        if entry.members.is_empty() && entry.email.is_none() {
            c.report(
                &format!("groups.{group}"),
                format!("group `{group}` has no members and no email address"),
                Some("add `members: [...]` (or write the group as a list of keys), or its own `email:`".into()),
            );
        }
        if reaches_itself(people, group) {
            c.report(
                &format!("groups.{group}"),
                format!("group `{group}` contains itself"),
                Some("remove the loop".into()),
            );
        }
    }
    c.found
}

/// Names of whom an email to `key` (a person or a group) reaches that have no
/// email address; a group with its own address is reached there.
fn without_email(people: &People, key: &str) -> Vec<String> {
    people
        .recipients(key)
        .into_iter()
        .filter(|r| r.email.is_none())
        .map(|r| r.name)
        .collect()
}

fn reaches_itself(people: &People, group: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = people
        .groups
        .get(group)
        .into_iter()
        .flat_map(|g| &g.members)
        .map(String::as_str)
        .collect();
    while let Some(next) = todo.pop() {
        if next == group {
            return true;
        }
        if seen.insert(next) {
            todo.extend(
                people
                    .groups
                    .get(next)
                    .into_iter()
                    .flat_map(|g| &g.members)
                    .map(String::as_str),
            );
        }
    }
    false
}

/// Front matter references and links between runbooks (file and anchor).
/// `names` holds every runbook file, also those whose own errors kept them out of `all`.
pub fn runbook_problems(
    runbook: &Runbook,
    all: &BTreeMap<String, Runbook>,
    names: &BTreeSet<String>,
    people: &People,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let source = &runbook.source;
    if let Some(owner) = &runbook.front.owner
        && !people.knows(owner)
    {
        let at = Positions::of(&source.text).value("owner");
        let help = did_you_mean(owner, people.keys()).map(|s| format!("did you mean `{s}`?"));
        found.push(
            source
                .error(at, format!("unknown person or group `{owner}`"))
                .with_help_opt(help),
        );
    }
    let has_anchor = |r: &Runbook, anchor: &str| r.headings.iter().any(|h| h.id == anchor);
    for link in &runbook.links {
        let problem = if let Some(anchor) = link.url.strip_prefix('#') {
            (!has_anchor(runbook, anchor)).then(|| {
                let ids: Vec<&str> = runbook.headings.iter().map(|h| h.id.as_str()).collect();
                (
                    format!("no heading `#{anchor}` in this runbook"),
                    did_you_mean(anchor, ids.iter().copied())
                        .map(|s| format!("did you mean `#{s}`?")),
                )
            })
        } else if let Some((name, anchor)) = runbook::runbook_target(&link.url) {
            match all.get(name) {
                None if names.contains(name) => None,
                None => Some((
                    format!(
                        "link to `{}`, but there is no runbook `{name}.md`",
                        link.url
                    ),
                    did_you_mean(name, names.iter().map(String::as_str))
                        .map(|s| format!("did you mean `{s}.md`?")),
                )),
                Some(target) => anchor.filter(|a| !has_anchor(target, a)).map(|a| {
                    let ids: Vec<&str> = target.headings.iter().map(|h| h.id.as_str()).collect();
                    (
                        format!(
                            "link to `{}`, but `{name}.md` has no heading `#{a}`",
                            link.url
                        ),
                        did_you_mean(a, ids.iter().copied())
                            .map(|s| format!("did you mean `#{s}`?")),
                    )
                }),
            }
        } else {
            None
        };
        if let Some((message, help)) = problem {
            found.push(source.error(link.location, message).with_help_opt(help));
        }
    }
    found
}

pub fn checklist_problems(
    name: &str,
    source: &Source,
    list: &Checklist,
    people: &People,
) -> Vec<Diagnostic> {
    let mut c = Checker::new(source);
    let mut sections = BTreeSet::new();
    for (s, section) in list.sections.iter().enumerate() {
        c.fresh_for(&format!("sections[{s}].fresh_for"), section.fresh_for);
        if !sections.insert(&section.id) {
            c.report(
                &format!("sections[{s}].id"),
                format!(
                    "section id `{}` is used twice in checklist `{name}`",
                    section.id
                ),
                None,
            );
        }
        let mut items = BTreeSet::new();
        for (i, item) in section.items.iter().enumerate() {
            let path = format!("sections[{s}].items[{i}]");
            if !items.insert(&item.id) {
                c.report(
                    &format!("{path}.id"),
                    format!(
                        "item id `{}` is used twice in section `{}`",
                        item.id, section.id
                    ),
                    None,
                );
            }
            for id in [&section.id, &item.id] {
                if id.is_empty() || id.contains(['.', ' ']) {
                    c.report(
                        &path,
                        format!("id `{id}` must be non-empty, without dots or spaces"),
                        Some("use-dashes-like-this".into()),
                    );
                }
            }
            c.weight(&format!("{path}.weight"), item.weight);
            if let Some(owner) = &item.owner {
                c.reference(
                    &format!("{path}.owner"),
                    owner,
                    "person or group",
                    people.keys(),
                );
            }
        }
    }
    c.found
}

pub fn release_problems(ctx: &Context, source: &Source, release: &Release) -> Vec<Diagnostic> {
    let mut c = Checker::new(source);
    let people = ctx.people;
    let zone = release.timezone.map_or(ctx.config.timezone.0, |z| z.0);
    let person_keys = || people.people.keys().map(String::as_str);
    let owner_keys = || people.keys();

    if slug_part_is_empty(&release.product) {
        c.report(
            "product",
            "product name has no letters or digits to name its pages by".into(),
            None,
        );
    }
    if !ctx.config.approval_matrix.is_empty() {
        c.reference(
            "change_type",
            &release.change_type,
            "change type",
            ctx.config.approval_matrix.keys().map(String::as_str),
        );
    }
    if let PersonRef::Key(key) = &release.owner {
        c.reference("owner", key, "person", person_keys());
    }

    let mut times: Vec<(String, &When)> = vec![("target".into(), &release.target)];
    times.extend(
        release
            .decision_due
            .iter()
            .map(|w| ("decision_due".into(), w)),
    );

    for (kind, list) in [
        ("readiness", &release.audience.readiness),
        ("started", &release.audience.started),
        ("success", &release.audience.success),
        ("issue", &release.audience.issue),
        ("postponement", &release.audience.postponement),
    ] {
        for (field, keys) in list.iter().flat_map(|r| [("to", &r.to), ("cc", &r.cc)]) {
            for (i, key) in keys.iter().enumerate() {
                let path = format!("audience.{kind}.{field}[{i}]");
                c.reference(&path, key, "person or group", owner_keys());
                let unreachable = without_email(people, key);
                if !unreachable.is_empty() {
                    c.report(
                        &path,
                        format!("`{key}` includes people with no email address: `{}`", unreachable.join("`, `")),
                        Some("add `email:` to them in people.yaml, or leave them out of the audience".into()),
                    );
                }
            }
        }
    }

    for (e, entry) in release.readiness.iter().enumerate() {
        let path = format!("readiness[{e}]");
        c.weight(&format!("{path}.weight"), entry.weight);
        c.fresh_for(&format!("{path}.fresh_for"), entry.fresh_for);
        match (&entry.category, &entry.use_checklist) {
            (Some(_), Some(_)) | (None, None) => c.report(
                &path,
                "a readiness entry needs either `category:` (with `items:`) or `use:` (a shared checklist)".into(),
                Some("split it into two entries, or add the missing key".into()),
            ),
            (Some(category), None) => {
                if !entry.status.is_empty() {
                    c.report(&format!("{path}.status"), "`status:` fills in a shared checklist; use it with `use:`".into(), Some("give inline items their own `status`".into()));
                }
                if entry.items.is_empty() {
                    c.report(&path, format!("category `{category}` has no items"), Some("add `items:` or remove the category".into()));
                }
                for (i, item) in entry.items.iter().enumerate() {
                    let item_path = format!("{path}.items[{i}]");
                    if let Some(owner) = &item.owner {
                        c.reference(&format!("{item_path}.owner"), owner, "person or group", owner_keys());
                    }
                    c.weight(&format!("{item_path}.weight"), item.weight);
                    if let Some(url) = &item.evidence {
                        c.link(&format!("{item_path}.evidence"), url);
                    }
                    times.extend(item.due.iter().map(|w| (format!("{item_path}.due"), w)));
                    times.extend(item.verified.iter().map(|w| (format!("{item_path}.verified"), w)));
                }
            }
            (None, Some(name)) => {
                if !entry.items.is_empty() {
                    c.report(&format!("{path}.items"), "`items:` belongs to an inline category, not to `use:`".into(), Some("fill in shared items with `status:`".into()));
                }
                match ctx.checklists.get(name.as_str()) {
                    None if ctx.broken_checklists.contains(name) => {}
                    None => c.reference(&format!("{path}.use"), name, "checklist", ctx.checklists.keys().copied()),
                    Some(list) => {
                        let ids: Vec<String> = list.item_ids().collect();
                        for (id, state) in &entry.status {
                            let item_path = format!("{path}.status.{id}");
                            c.reference(&item_path, id, &format!("`{name}` checklist item"), ids.iter().map(String::as_str));
                            if let Some(owner) = &state.owner {
                                c.reference(&item_path, owner, "person or group", owner_keys());
                            }
                            if let Some(url) = &state.evidence {
                                c.link(&item_path, url);
                            }
                            times.extend(state.due.iter().map(|w| (item_path.clone(), w)));
                            times.extend(state.verified.iter().map(|w| (item_path.clone(), w)));
                        }
                    }
                }
            }
        }
    }

    let owned = release
        .risks
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.owner.as_ref().map(|o| (format!("risks[{i}].owner"), o)))
        .chain(release.blockers.iter().enumerate().filter_map(|(i, b)| {
            b.owner
                .as_ref()
                .map(|o| (format!("blockers[{i}].owner"), o))
        }))
        .chain(release.timeline.iter().enumerate().filter_map(|(i, t)| {
            t.owner
                .as_ref()
                .map(|o| (format!("timeline[{i}].owner"), o))
        }))
        .chain(release.postponement.iter().flat_map(|p| {
            p.remediation.iter().enumerate().filter_map(|(i, r)| {
                r.owner
                    .as_ref()
                    .map(|o| (format!("postponement.remediation[{i}].owner"), o))
            })
        }))
        .collect::<Vec<_>>();
    for (path, owner) in owned {
        c.reference(&path, owner, "person or group", owner_keys());
    }
    times.extend(
        release
            .blockers
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.eta.as_ref().map(|w| (format!("blockers[{i}].eta"), w))),
    );

    let mut roles_seen: HashMap<String, usize> = HashMap::new();
    for (i, approval) in release.approvals.iter().enumerate() {
        if let Some(who) = &approval.who {
            c.reference(&format!("approvals[{i}].who"), who, "person", person_keys());
        }
        if let Some(first) = roles_seen.insert(approval.role.to_lowercase(), i) {
            c.report(
                &format!("approvals[{i}].role"),
                format!(
                    "role `{}` already has an approval (approvals[{first}])",
                    approval.role
                ),
                Some("keep one entry per role and update its status".into()),
            );
        }
        times.extend(
            approval
                .at
                .iter()
                .map(|w| (format!("approvals[{i}].at"), w)),
        );
    }
    expedited::check(&mut c, ctx, release, &mut times);
    request::check(&mut c, ctx, release, &mut times);
    for (i, d) in release.dashboards.iter().enumerate() {
        c.link(&format!("dashboards[{i}].url"), &d.url);
    }
    for (i, check) in release
        .verification
        .iter()
        .flat_map(|v| &v.checks)
        .enumerate()
    {
        if let Some(url) = &check.url {
            c.link(&format!("verification.checks[{i}].url"), url);
        }
    }
    for (i, e) in release.escalation.iter().enumerate() {
        if let PersonRef::Key(key) = &e.who {
            c.reference(
                &format!("escalation[{i}].who"),
                key,
                "person",
                person_keys(),
            );
        }
    }
    // `summary` may link to runbooks by file name, like runbooks do to each other.
    if let Some(summary) = &release.summary {
        let (_, links) = runbook::scan(summary, 1);
        for link in links {
            if let Some((name, _)) = runbook::runbook_target(&link.url)
                && !ctx.runbooks.contains(name)
            {
                // The link's place in the file: where the summary's text starts
                // (for `|` blocks, its first line), plus the link's place in it.
                let start = c.positions().value("summary");
                let at = Location::new(
                    start.line + link.location.line - 1,
                    start.column + link.location.column - 1,
                );
                let help = did_you_mean(name, ctx.runbooks.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}.md`?"));
                let message = format!(
                    "summary links to `{}`, but there is no runbook `{name}.md`",
                    link.url
                );
                c.found.push(source.error(at, message).with_help_opt(help));
            }
        }
    }
    for (i, name) in release.runbooks.iter().enumerate() {
        let name = name.strip_suffix(".md").unwrap_or(name);
        c.reference(
            &format!("runbooks[{i}]"),
            name,
            "runbook",
            ctx.runbooks.iter().map(String::as_str),
        );
    }
    if let Some(d) = &release.deployment {
        times.extend(d.started.iter().map(|w| ("deployment.started".into(), w)));
        times.extend(d.finished.iter().map(|w| ("deployment.finished".into(), w)));
        times.extend(
            d.expected_end
                .iter()
                .map(|w| ("deployment.expected_end".into(), w)),
        );
        times.extend(
            d.incident
                .iter()
                .filter_map(|i| i.next_update.as_ref())
                .map(|w| ("deployment.incident.next_update".into(), w)),
        );
        if let (Some(start), Some(end)) = (&d.started, &d.expected_end)
            && end.instant(zone) < start.instant(zone)
        {
            c.report(
                "deployment.expected_end",
                format!("the deployment is expected to end ({end}) before it started ({start})"),
                Some("give the time the deployment should be finished by".into()),
            );
        }
        if let (Some(start), Some(end)) = (&d.started, &d.finished)
            && end.instant(zone) < start.instant(zone)
        {
            c.report(
                "deployment.finished",
                format!("deployment finished ({end}) before it started ({start})"),
                None,
            );
        }
    }
    if let Some(p) = &release.postponement {
        if p.reasons.is_empty() {
            c.report(
                "postponement.reasons",
                "a postponement needs at least one reason".into(),
                None,
            );
        }
        times.extend(
            p.new_target
                .iter()
                .map(|w| ("postponement.new_target".into(), w)),
        );
        times.extend(p.remediation.iter().enumerate().filter_map(|(i, r)| {
            r.eta
                .as_ref()
                .map(|w| (format!("postponement.remediation[{i}].eta"), w))
        }));
        times.extend(
            p.milestones
                .iter()
                .enumerate()
                .map(|(i, m)| (format!("postponement.milestones[{i}].at"), &m.at)),
        );
    }
    metrics::check(&mut c, &release.metrics);
    if let Some(own) = &release.support {
        support::check(&mut c, "support", own, people, zone);
    }
    for (path, when) in times {
        c.time(&path, when, zone);
    }
    if let Err(p) = crate::evaluate::deadline::decision_due(release, zone) {
        c.report("decision_due", p.message, Some(p.help));
    }
    c.found
}

fn slug_part_is_empty(product: &str) -> bool {
    super::slugify(product).is_empty()
}

/// Two files may not describe the same product and version: their pages would
/// collide. Slugs that differ only in letter case (`1.0.0-RC.1`, `1.0.0-rc.1`)
/// collide too, on the case-insensitive file systems of macOS and Windows.
pub fn duplicate_slugs(root: &Path, releases: &[Identity]) -> Vec<Diagnostic> {
    let mut first: HashMap<String, &Identity> = HashMap::new();
    let mut found = Vec::new();
    for r in releases {
        let Some(earlier) = first.get(&slug_key(&r.slug)).copied() else {
            first.insert(slug_key(&r.slug), r);
            continue;
        };
        let text = crate::yaml::read(root, &root.join(&r.path))
            .map(|s| s.text)
            .unwrap_or_default();
        let at = Positions::of(&text).value("version");
        let message = if earlier.slug == r.slug {
            format!(
                "`{} {}` is already described by {}",
                r.product,
                r.version,
                earlier.path.display()
            )
        } else {
            format!(
                "`{} {}` differs only in letter case from `{} {}` in {}: their pages (`{}`, `{}`) would be one folder on macOS and Windows",
                r.product,
                r.version,
                earlier.product,
                earlier.version,
                earlier.path.display(),
                r.slug,
                earlier.slug
            )
        };
        found.push(
            Diagnostic::new(&r.path, at, message)
                .with_source(&text)
                .with_help("give this release its own version, or delete one of the two files"),
        );
    }
    found
}

/// Whether two release slugs name the same folder on some file system.
pub fn slugs_clash(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// What `slugs_clash` compares.
fn slug_key(slug: &str) -> String {
    slug.to_ascii_lowercase()
}
