//! A site for the release-calendar tests (collisions and dependencies): the
//! `basic` fixture's people, a year-end freeze, business hours, and releases
//! written by each test.

use super::Site;

/// site.yaml: UTC, a year-end freeze, Mon-Fri 09:00-18:00, and an
/// emergency change type on the expedited path.
pub const SITE_YAML: &str = "title: Calendar Hub
base_url: https://releases.calendar.example
organisation: Calendar Corp
timezone: UTC
readiness: {go_threshold: 80, require_critical: true, require_approvals: true}
approval_matrix:
  feature: [Tech Lead, Product Owner]
  emergency: {roles: [CTO], level: Expedited}
freezes:
  - {from: 2026-12-20, to: 2027-01-04, reason: Year-end freeze}
business_hours: {days: Mon-Fri, from: \"09:00\", to: \"18:00\"}
";

/// people.yaml: the `basic` fixture's people and three more, so that two
/// releases can be run by different people.
pub const PEOPLE_YAML: &str = "people:
  priya: {name: Priya Sharma, email: priya@basic.example, role: Release Manager}
  dana: {name: Dana Kim, email: dana@basic.example, role: CTO}
  omar: {name: Omar Haddad, email: omar@basic.example, role: Tech Lead}
  lena: {name: Lena Berg, email: lena@basic.example, role: Security Officer}
  kenji: {name: Kenji Watanabe, email: kenji@basic.example, role: Tech Lead}
  sofia: {name: Sofia Rossi, email: sofia@basic.example, role: Product Owner}
groups:
  dba-team: [omar]
  stakeholders: [priya, dana, omar, lena]
";

/// Who runs a release: its owner, its Tech Lead and its Product Owner.
pub const TEAM_A: [&str; 3] = ["priya", "omar", "dana"];
pub const TEAM_B: [&str; 3] = ["lena", "kenji", "sofia"];

/// A copy of the `basic` fixture with `SITE_YAML`, `PEOPLE_YAML` and no releases.
pub fn site() -> Site {
    let site = Site::copy_of("basic");
    site.write("content/site.yaml", SITE_YAML);
    site.write("content/people.yaml", PEOPLE_YAML);
    for name in ["acme-erp-2.0.0.yaml", "billing-1.4.0.yaml"] {
        site.remove(&format!("content/releases/{name}"));
    }
    site
}

/// The file of release `product-version`.
pub fn file(slug: &str) -> String {
    format!("content/releases/{slug}.yaml")
}

/// A release that passes every rule of its own: `Product version` going live
/// at `target` for `duration`, run by `team` (see `TEAM_A`), followed by
/// `extra` (top-level YAML lines).
pub fn release(
    product: &str,
    version: &str,
    target: &str,
    duration: &str,
    team: [&str; 3],
    extra: &str,
) -> String {
    let [owner, lead, po] = team;
    format!(
        "product: {product}
version: {version}
change_type: feature
target: {target}
owner: {owner}
window: {{duration: {duration}}}
readiness:
  - category: Quality
    items:
      - {{check: Regression suite passed, status: done, critical: true}}
approvals:
  - {{role: Tech Lead, who: {lead}, status: approved}}
  - {{role: Product Owner, who: {po}, status: approved}}
{extra}
"
    )
}

/// Writes `release(...)` as the file of its slug (`<product>-<version>`,
/// product in lower case); returns the slug.
pub fn add(
    site: &Site,
    product: &str,
    version: &str,
    target: &str,
    duration: &str,
    team: [&str; 3],
    extra: &str,
) -> String {
    let slug = format!("{}-{version}", product.to_lowercase());
    site.write(
        &file(&slug),
        release(product, version, target, duration, team, extra),
    );
    slug
}
