//! Dependencies between releases (`depends_on`): whether each holds, the
//! reasons that defer a dependent, and the chain below each release (see the
//! parent module for the rules).
//!
//! Verdicts are settled in dependency order (Kahn's algorithm, without
//! recursion, so a long chain cannot exhaust the stack): a release is judged
//! only once every release it depends on has its final verdict.

use std::collections::{HashMap, HashSet, VecDeque};

use super::{ChainLink, Dependency, Footprint, Related, verdict_of};
use crate::content::release::DeploymentStatus;
use crate::evaluate::verdict::{Reason, Rule, Verdict};

/// Fills in each release's dependencies, the reasons they add, and its chain.
/// `related` already holds the collisions' reasons (a freeze), which count
/// toward the verdict a dependent sees.
pub(super) fn settle(releases: &[Footprint], related: &mut [Related]) {
    let n = releases.len();
    let index: HashMap<&str, usize> = releases
        .iter()
        .enumerate()
        .map(|(i, r)| (r.slug.as_str(), i))
        .collect();
    let known = |i: usize| -> Vec<usize> {
        releases[i]
            .depends_on
            .iter()
            .filter_map(|s| index.get(s.as_str()).copied())
            .filter(|&j| j != i)
            .collect()
    };
    let mut waiting: Vec<usize> = (0..n).map(|i| known(i).len()).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for j in known(i) {
            dependents[j].push(i);
        }
    }
    let mut verdicts: Vec<Option<Verdict>> = vec![None; n];
    let mut ready: VecDeque<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    while let Some(i) = ready.pop_front() {
        verdicts[i] = Some(judge(i, releases, &index, &verdicts, &mut related[i]));
        for &d in &dependents[i] {
            waiting[d] -= 1;
            if waiting[d] == 0 {
                ready.push_back(d);
            }
        }
    }
    // Left over: releases in a cycle, or waiting on one. Loading refuses
    // cycles; should one get here, its links simply do not hold.
    for i in 0..n {
        if verdicts[i].is_none() {
            verdicts[i] = Some(judge(i, releases, &index, &verdicts, &mut related[i]));
        }
    }
    let chains: Vec<Vec<ChainLink>> = (0..n)
        .map(|i| chain(i, releases, &index, related))
        .collect();
    for (r, links) in related.iter_mut().zip(chains) {
        r.chain = links;
    }
}

/// Judges release `i`'s dependencies (those settled have their final
/// verdict in `verdicts`) and returns its own final verdict.
fn judge(
    i: usize,
    releases: &[Footprint],
    index: &HashMap<&str, usize>,
    verdicts: &[Option<Verdict>],
    related: &mut Related,
) -> Verdict {
    let me = &releases[i];
    let mut added = Vec::new();
    for slug in &me.depends_on {
        let (dependency, because) = match index.get(slug.as_str()) {
            None => unknown(slug, "is not a release of this site"),
            Some(&j) if j == i => unknown(slug, "is this release itself"),
            Some(&j) => match verdicts[j] {
                Some(verdict) => holds(me, &releases[j], verdict),
                None => {
                    let mut d = described(&releases[j], releases[j].verdict);
                    let problem = "depends on this release in turn (a cycle)";
                    d.problem = Some(problem.into());
                    (d, Some(problem.to_string()))
                }
            },
        };
        if let Some(because) = because
            && !me.history()
        {
            added.push(Reason {
                rule: Rule::DependencyNotReady,
                blocking: false,
                message: format!("Waits for {}, which {because}", dependency.label),
            });
        }
        related.dependencies.push(dependency);
    }
    related.reasons.extend(added);
    if me.history() {
        me.verdict
    } else {
        verdict_of(me.verdict, &related.reasons)
    }
}

/// A dependency on a slug no release has (or on itself).
fn unknown(slug: &str, problem: &str) -> (Dependency, Option<String>) {
    (
        Dependency {
            slug: slug.to_string(),
            label: slug.to_string(),
            verdict: None,
            state: None,
            target: None,
            holds: false,
            problem: Some(problem.to_string()),
        },
        Some(problem.to_string()),
    )
}

/// `dependency` as it stands, with its final `verdict`; not yet judged.
fn described(dependency: &Footprint, verdict: Verdict) -> Dependency {
    Dependency {
        slug: dependency.slug.clone(),
        label: dependency.label.clone(),
        verdict: Some(verdict),
        state: Some(dependency.state),
        target: Some(dependency.target.clone()),
        holds: true,
        problem: None,
    }
}

/// Whether `dependency` (final verdict `verdict`) holds for `me`; when it does
/// not, the end of the reason's sentence ("which …").
fn holds(me: &Footprint, dependency: &Footprint, verdict: Verdict) -> (Dependency, Option<String>) {
    let mut d = described(dependency, verdict);
    let (problem, because) = match dependency.state {
        DeploymentStatus::Deployed => return (d, None),
        DeploymentStatus::RolledBack => ("was rolled back".to_string(), None),
        DeploymentStatus::Postponed if dependency.undated => {
            ("is postponed without a new date".to_string(), None)
        }
        _ if verdict != Verdict::Go => (format!("is {}", verdict.label()), None),
        _ if dependency.target.unix > me.target.unix => (
            format!(
                "goes live later, {}, after {}",
                dependency.target.display, me.label
            ),
            Some(format!(
                "goes live later, {}, after this release",
                dependency.target.display
            )),
        ),
        _ => return (d, None),
    };
    d.holds = false;
    let because = because.unwrap_or_else(|| problem.clone());
    d.problem = Some(problem);
    (d, Some(because))
}

/// At most this many links of a chain are listed: a page listing thousands
/// of releases below one would help nobody, and cost the square of the
/// releases to build.
pub const MAX_CHAIN: usize = 50;

/// The chain below release `i`, depth first, each release once, cut after
/// `MAX_CHAIN` links (then the last link is marked `more`).
fn chain(
    i: usize,
    releases: &[Footprint],
    index: &HashMap<&str, usize>,
    related: &[Related],
) -> Vec<ChainLink> {
    let mut links: Vec<ChainLink> = Vec::new();
    let mut seen = HashSet::from([i]);
    // (release, depth of its dependencies), the next dependency to visit last.
    let mut stack: Vec<(usize, usize)> = vec![(i, 1)];
    let mut pending: Vec<Vec<&Dependency>> = vec![related[i].dependencies.iter().rev().collect()];
    while let Some(&(at, depth)) = stack.last() {
        let Some(dependency) = pending.last_mut().and_then(Vec::pop) else {
            stack.pop();
            pending.pop();
            continue;
        };
        if links.len() == MAX_CHAIN {
            // There is a link more than the page lists.
            if let Some(last) = links.last_mut() {
                last.more = true;
            }
            break;
        }
        links.push(ChainLink {
            depth,
            dependent: releases[at].slug.clone(),
            dependent_label: releases[at].label.clone(),
            dependency: dependency.clone(),
            more: false,
        });
        if let Some(&j) = index.get(dependency.slug.as_str())
            && seen.insert(j)
        {
            stack.push((j, depth + 1));
            pending.push(related[j].dependencies.iter().rev().collect());
        }
    }
    links
}
