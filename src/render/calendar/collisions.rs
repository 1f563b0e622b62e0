//! The collisions a release calendar month lists under its grid: every
//! collision of every release on a day of the month, each once however many
//! of its releases report it, with the releases it involves.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::evaluate::relations::{Collision, CollisionKind};
use crate::evaluate::{Summary, day_text};

/// A collision, with every release it involves.
#[derive(Debug, Clone, Serialize)]
pub struct CollisionView {
    /// `overlap`, `same-person`, `freeze`, `outside-hours`.
    pub kind: CollisionKind,
    pub blocks: bool,
    /// `Fri 4 Dec 2026`.
    pub day: String,
    pub message: String,
    pub releases: Vec<Involved>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Involved {
    pub slug: String,
    /// `Product version`, or the slug of a release the site does not have.
    pub label: String,
    pub known: bool,
}

/// Collisions by day, each once however many of its releases report it.
pub(super) struct Collisions(BTreeMap<NaiveDate, Vec<CollisionView>>);

impl Collisions {
    pub(super) fn keys(&self) -> impl Iterator<Item = &NaiveDate> {
        self.0.keys()
    }

    pub(super) fn get_month(&self, (year, month): (i32, u32)) -> Vec<CollisionView> {
        self.0
            .iter()
            .filter(|(d, _)| d.year() == year && d.month() == month)
            .flat_map(|(_, list)| list.iter().cloned())
            .collect()
    }
}

pub(super) fn month_collisions(releases: &[&Summary]) -> Collisions {
    let labels: BTreeMap<&str, String> = releases
        .iter()
        .map(|r| (r.slug.as_str(), format!("{} {}", r.product, r.version)))
        .collect();
    let mut seen = BTreeSet::new();
    let mut by_day: BTreeMap<NaiveDate, Vec<CollisionView>> = BTreeMap::new();
    let mut all: Vec<(&Summary, &Collision)> = releases
        .iter()
        .flat_map(|r| r.collisions.iter().map(move |c| (*r, c)))
        .collect();
    all.sort_by(|a, b| (a.1.day, &a.0.slug).cmp(&(b.1.day, &b.0.slug)));
    for (summary, collision) in all {
        let mut slugs: Vec<&str> = std::iter::once(summary.slug.as_str())
            .chain(collision.others.iter().map(String::as_str))
            .collect();
        let mut key: Vec<&str> = slugs.clone();
        key.sort_unstable();
        key.dedup();
        if !seen.insert((collision.kind, collision.day, key)) {
            continue;
        }
        slugs.dedup();
        by_day
            .entry(collision.day)
            .or_default()
            .push(CollisionView {
                kind: collision.kind,
                blocks: collision.blocks,
                day: day_text(collision.day),
                message: collision.message.clone(),
                releases: slugs
                    .into_iter()
                    .map(|slug| Involved {
                        slug: slug.to_string(),
                        label: labels.get(slug).cloned().unwrap_or_else(|| slug.into()),
                        known: labels.contains_key(slug),
                    })
                    .collect(),
            });
    }
    Collisions(by_day)
}
