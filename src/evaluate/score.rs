//! Readiness scores: per category, the weighted share of applicable items done;
//! overall, the categories combined by their weights.
//!
//! Each category also gets a standing, the word the scorecard shows beside its
//! bar (see [`Standing`]).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::checklist::Checklist;
use crate::content::release::{Release, Status};
use crate::content::time::{Span, When};

/// A category of the readiness checklist with its items and score.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryReport {
    pub title: String,
    /// The shared checklist it comes from, if any.
    pub checklist: Option<String>,
    pub weight: f64,
    pub tally: Tally,
    /// Percent done of the applicable weight; `None` when every item is n/a.
    pub score: Option<f64>,
    /// On track, at risk or blocked (see [`Standing`]).
    pub standing: Standing,
    /// Inline categories have one group; shared checklists one per section.
    pub groups: Vec<GroupReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupReport {
    pub title: String,
    pub tally: Tally,
    pub score: Option<f64>,
    pub items: Vec<ItemReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemReport {
    /// `section.item` for items of shared checklists.
    pub id: Option<String>,
    pub check: String,
    pub status: Status,
    pub critical: bool,
    pub owner: Option<String>,
    pub due: Option<When>,
    pub evidence: Option<String>,
    /// When the evidence was last checked.
    pub verified: Option<When>,
    /// How old that evidence may be at go-live: the category's `fresh_for`, else
    /// the shared checklist section's, else the site's; `None`: no limit.
    pub fresh_for: Option<Span>,
    pub note: Option<String>,
    pub weight: f64,
}

/// Where a category stands, in one word beside its score, the first that applies:
///
/// 1. `blocked`: an item of the category is blocked;
/// 2. `at-risk`: its score is below the site's go threshold, or a critical item
///    is not done (nor n/a);
/// 3. `on-track`: otherwise (at or above the threshold, every critical item
///    done; also a category whose items are all n/a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    OnTrack,
    AtRisk,
    Blocked,
}

/// The standing of a category with `tally` and `score`, against `threshold`.
pub fn standing(
    tally: &Tally,
    score: Option<f64>,
    critical_open: bool,
    threshold: f64,
) -> Standing {
    if tally.blocked > 0 {
        Standing::Blocked
    } else if critical_open || score.is_some_and(|s| s < threshold) {
        Standing::AtRisk
    } else {
        Standing::OnTrack
    }
}

/// How many items are in each state, and the weights that make the score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Tally {
    pub total: usize,
    pub done: usize,
    pub in_progress: usize,
    pub pending: usize,
    pub blocked: usize,
    pub not_applicable: usize,
    pub done_weight: f64,
    pub applicable_weight: f64,
}

impl Tally {
    fn add(&mut self, item: &ItemReport) {
        self.total += 1;
        match item.status {
            Status::Done => self.done += 1,
            Status::InProgress => self.in_progress += 1,
            Status::Pending => self.pending += 1,
            Status::Blocked => self.blocked += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
        if item.status != Status::NotApplicable {
            self.applicable_weight += item.weight;
            if item.status == Status::Done {
                self.done_weight += item.weight;
            }
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.total += other.total;
        self.done += other.done;
        self.in_progress += other.in_progress;
        self.pending += other.pending;
        self.blocked += other.blocked;
        self.not_applicable += other.not_applicable;
        self.done_weight += other.done_weight;
        self.applicable_weight += other.applicable_weight;
    }

    /// Items that still need work (not done, not n/a).
    pub fn open(&self) -> usize {
        self.in_progress + self.pending + self.blocked
    }

    /// Percent of applicable weight done, rounded to one decimal.
    pub fn score(&self) -> Option<f64> {
        (self.applicable_weight > 0.0)
            .then(|| round1(100.0 * self.done_weight / self.applicable_weight))
    }
}

pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The release's categories, with shared checklists merged with their statuses.
/// `fresh_for` is the site's limit on the age of evidence; `threshold` its go
/// threshold, which each category's standing is judged against.
pub fn categories(
    release: &Release,
    checklists: &BTreeMap<String, Checklist>,
    fresh_for: Option<Span>,
    threshold: f64,
) -> Vec<CategoryReport> {
    release
        .readiness
        .iter()
        .map(|entry| {
            let weight = entry.weight.unwrap_or(1.0);
            let inline_fresh_for = entry.fresh_for.or(fresh_for);
            let (title, checklist, groups) = match (&entry.category, &entry.use_checklist) {
                (Some(title), _) => {
                    let items = entry
                        .items
                        .iter()
                        .map(|i| ItemReport {
                            id: None,
                            check: i.check.clone(),
                            status: i.status,
                            critical: i.critical,
                            owner: i.owner.clone(),
                            due: i.due.clone(),
                            evidence: i.evidence.clone(),
                            verified: i.verified.clone(),
                            fresh_for: inline_fresh_for,
                            note: i.note.clone(),
                            weight: i.weight.unwrap_or(1.0),
                        })
                        .collect();
                    (title.clone(), None, vec![group(title, items)])
                }
                (None, Some(name)) => {
                    // Validation guarantees the checklist exists.
                    let list = &checklists[name];
                    let groups = list
                        .sections
                        .iter()
                        .map(|section| {
                            let fresh_for = entry.fresh_for.or(section.fresh_for).or(fresh_for);
                            let items = section
                                .items
                                .iter()
                                .map(|i| {
                                    let id = format!("{}.{}", section.id, i.id);
                                    let state = entry.status.get(&id).cloned().unwrap_or_default();
                                    ItemReport {
                                        check: i.check.clone(),
                                        status: state.status,
                                        critical: i.critical,
                                        owner: state.owner.or_else(|| i.owner.clone()),
                                        due: state.due,
                                        evidence: state.evidence,
                                        verified: state.verified,
                                        fresh_for,
                                        note: state.note,
                                        weight: i.weight.unwrap_or(1.0),
                                        id: Some(id),
                                    }
                                })
                                .collect();
                            group(&section.title, items)
                        })
                        .collect();
                    (list.title.clone(), Some(name.clone()), groups)
                }
                (None, None) => (String::new(), None, Vec::new()),
            };
            let mut tally = Tally::default();
            for g in &groups {
                tally.merge(&g.tally);
            }
            let critical_open = groups
                .iter()
                .flat_map(|g| &g.items)
                .any(|i| i.critical && !matches!(i.status, Status::Done | Status::NotApplicable));
            let score = tally.score();
            CategoryReport {
                title,
                checklist,
                weight,
                score,
                standing: standing(&tally, score, critical_open, threshold),
                tally,
                groups,
            }
        })
        .collect()
}

fn group(title: &str, items: Vec<ItemReport>) -> GroupReport {
    let mut tally = Tally::default();
    for item in &items {
        tally.add(item);
    }
    GroupReport {
        title: title.to_string(),
        score: tally.score(),
        tally,
        items,
    }
}

/// Categories combined by weight; categories with no applicable item are left out.
pub fn overall(categories: &[CategoryReport]) -> Option<f64> {
    let (sum, weights) = categories
        .iter()
        .filter_map(|c| c.score.map(|s| (s * c.weight, c.weight)))
        .fold((0.0, 0.0), |(a, b), (s, w)| (a + s, b + w));
    (weights > 0.0).then(|| round1(sum / weights))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(done: usize, blocked: usize, pending: usize) -> Tally {
        let mut t = Tally {
            total: done + blocked + pending,
            done,
            blocked,
            pending,
            ..Tally::default()
        };
        t.done_weight = done as f64;
        t.applicable_weight = t.total as f64;
        t
    }

    #[test]
    fn a_blocked_item_blocks_the_category_whatever_its_score() {
        let t = tally(19, 1, 0);
        assert_eq!(standing(&t, t.score(), false, 85.0), Standing::Blocked);
    }

    #[test]
    fn below_the_threshold_or_with_a_critical_item_open_is_at_risk() {
        let t = tally(8, 0, 2);
        assert_eq!(standing(&t, t.score(), false, 85.0), Standing::AtRisk);
        let t = tally(19, 0, 1);
        assert_eq!(standing(&t, t.score(), true, 85.0), Standing::AtRisk);
    }

    #[test]
    fn at_the_threshold_with_critical_items_done_is_on_track() {
        let t = tally(17, 0, 3);
        assert_eq!(t.score(), Some(85.0));
        assert_eq!(standing(&t, t.score(), false, 85.0), Standing::OnTrack);
        // Every item n/a: nothing to do.
        assert_eq!(
            standing(&Tally::default(), None, false, 85.0),
            Standing::OnTrack
        );
    }
}
