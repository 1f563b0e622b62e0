//! Test helpers: releases, sites and checklists from YAML text, and instants.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::config::site::SiteConfig;
use crate::content::LoadedRelease;
use crate::content::checklist::Checklist;
use crate::content::release::Release;

pub fn site(yaml: &str) -> SiteConfig {
    serde_yaml::from_str(yaml).unwrap()
}

pub fn loaded(yaml: &str) -> LoadedRelease {
    let release: Release = serde_yaml::from_str(yaml).unwrap();
    LoadedRelease {
        slug: crate::content::slug_of(&release),
        path: "r.yaml".into(),
        release: std::sync::Arc::new(release),
        depends: Vec::new(),
    }
}

/// Shared checklists by name.
pub fn checklists(lists: &[(&str, &str)]) -> BTreeMap<String, Checklist> {
    lists
        .iter()
        .map(|(name, yaml)| (name.to_string(), serde_yaml::from_str(yaml).unwrap()))
        .collect()
}

/// An RFC 3339 instant.
pub fn utc(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
}
