//! The deployment request's own keys of a release file: links to the pull
//! request or issue, the team's confidence, test results, the deployment window.
//!
//! All optional; the deployment request page (and, where natural, the readiness
//! report) shows each only when it is present. Kept apart from `release` so the
//! contract's core stays readable.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::time::Span;

/// A link to a pull request, an issue, a design document.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// What the link is, e.g. `PR #1234`.
    pub title: String,
    /// http, https, mailto or relative.
    pub url: String,
}

/// How confident the team is in the release: low, medium, high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// Results of the test suites and of the validation on staging.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Testing {
    /// Tests passing, e.g. `3206`.
    #[serde(default)]
    pub passed: Option<u32>,
    /// Tests failing.
    #[serde(default)]
    pub failed: Option<u32>,
    /// Line coverage in percent, 0 to 100, e.g. `88`.
    #[serde(default)]
    #[schemars(range(min = 0, max = 100))]
    pub coverage: Option<f64>,
    /// How the release was validated on staging, e.g. `Full regression on staging, 2 days`.
    #[serde(default)]
    pub staging: Option<String>,
}

/// The deployment window.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// How long the deployment is expected to take, e.g. `90m`.
    #[serde(default)]
    pub duration: Option<Span>,
    /// Whether it needs a maintenance window.
    #[serde(default)]
    pub maintenance: Option<bool>,
}
