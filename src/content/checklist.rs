//! Shared checklists, `content/checklists/<name>.yaml`, pulled into releases with `use:`.

use serde::{Deserialize, Serialize};

use super::time::Span;

/// A reusable checklist, e.g. the production-deployment checklist.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Checklist {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Referred to by releases as `<section id>.<item id>`.
    pub id: String,
    pub title: String,
    /// How old evidence (`verified`) of this section's items may be at go-live;
    /// replaces the site's `readiness.fresh_for` (a release's `fresh_for` replaces this).
    #[serde(default)]
    pub fresh_for: Option<Span>,
    pub items: Vec<ChecklistItem>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    pub id: String,
    pub check: String,
    #[serde(default)]
    pub critical: bool,
    /// Default owner: a person or group key.
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub weight: Option<f64>,
}

/// The description may span lines; every other text is one line.
impl crate::yaml::Document for Checklist {
    const MULTILINE: &'static [&'static str] = &["description"];
}

impl Checklist {
    /// Every `section.item` id, in order.
    pub fn item_ids(&self) -> impl Iterator<Item = String> + '_ {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| format!("{}.{}", s.id, i.id)))
    }
}
