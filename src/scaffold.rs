//! The starting points writers get: a release copied from the product's latest
//! one with what belonged to that release reset, or the commented template for a
//! product's first release (both used by `golive new`; see `cli/new.rs`).

use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use crate::content::{self, schema, slugify};
use crate::diagnostic::display_path;
use crate::yaml;

/// The release template, for a product without releases (a Tera template).
const TEMPLATE: &str = include_str!("../scaffold/new-release.yaml");
/// The head of a copied release; the copied keys follow it (a Tera template).
const COPIED: &str = include_str!("../scaffold/copied-release.yaml");

/// Written where the writer must give a date: not a date, so checking fails there.
pub(crate) const DATE_PLACEHOLDER: &str = "YYYY-MM-DD HH:MM";
/// The comments after the placeholders of a copied release.
const TARGET_TODO: &str = "TODO: the go-live time (T+0), e.g. 2027-01-15 09:00";
const DECISION_TODO: &str = "TODO: when the go/no-go decision is due, e.g. 2027-01-13 17:00";

/// Keys that record how the earlier release went; a copy leaves them out.
/// (`metrics` is kept as success criteria, without their measured values.)
const REMOVED: &[&str] = &[
    "requested",
    "testing",
    "blockers",
    "verification",
    "deployment",
    "postponement",
    "expedited",
];
/// Keys a copy keeps that most likely describe the earlier release's content.
const TO_REVIEW: &[&str] = &[
    "title",
    "summary",
    "links",
    "confidence",
    "changes",
    "risks",
    "timeline",
    "rollback",
    "window",
    "communication",
];

/// An existing release of the product.
pub(crate) struct Earlier {
    /// Relative to the site root.
    pub path: PathBuf,
    pub product: String,
    /// `None` when it does not parse (only in a site with errors).
    pub version: Option<semver::Version>,
}

/// Whether a release's product is the one asked for: the same name in any letter
/// case, or the same slug (`northwind-erp` for `Northwind ERP`).
pub(crate) fn same_product(name: &str, wanted: &str) -> bool {
    name.trim().to_lowercase() == wanted.trim().to_lowercase() || slugify(name) == slugify(wanted)
}

/// The releases of `product` in a site that does not load: each file read on its
/// own, as far as it goes (a file that does not parse names no product).
pub(crate) fn scan_releases(root: &Path, product: &str) -> Vec<Earlier> {
    content::release_files(root)
        .into_iter()
        .filter_map(|path| {
            let shown = display_path(root, &path);
            let source = yaml::read(root, &path).ok()?;
            let value: Value = yaml::parse(&source, "a release").ok()?;
            let name = value.get("product")?.as_str()?.to_string();
            let version = match value.get("version")? {
                Value::String(s) => semver::Version::parse(s.trim()).ok(),
                _ => None,
            };
            same_product(&name, product).then_some(Earlier {
                path: shown,
                product: name,
                version,
            })
        })
        .collect()
}

/// The text of a copy of `source` for `version`.
pub(crate) fn copied_release(
    root: &Path,
    source: &Earlier,
    from: &semver::Version,
    version: &semver::Version,
) -> Result<String, String> {
    let file = root.join(&source.path);
    let read = yaml::read(root, &file)
        .and_then(|s| yaml::parse::<Value>(&s, "a release"))
        .map_err(|d| d.render().trim_end().to_string())?;
    let Value::Mapping(mut release) = read else {
        return Err(format!(
            "{} is not a mapping of keys",
            source.path.display()
        ));
    };
    let reset = reset(&mut release, version);

    let mut comments = vec![("target", TARGET_TODO)];
    if reset.decision_due {
        comments.push(("decision_due", DECISION_TODO));
    }
    let body = yaml::emit::document(&release, &comments);
    // The emitter writes the writers' compact style; if it ever got a value wrong,
    // fall back to serde_yaml's own (longer) output, which is always right.
    let body = match serde_yaml::from_str::<Value>(&body) {
        Ok(back) if back == Value::Mapping(release.clone()) => body,
        _ => {
            let mut plain = serde_yaml::to_string(&release).expect("a YAML value serialises");
            for (key, comment) in &comments {
                let line = format!("{key}: {DATE_PLACEHOLDER}\n");
                plain = plain.replacen(
                    &line,
                    &format!("{key}: {DATE_PLACEHOLDER}  # {comment}\n"),
                    1,
                );
            }
            plain
        }
    };

    let present = |keys: &[&str]| {
        keys.iter()
            .filter(|k| reset.present.iter().any(|p| p == *k))
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut context = tera::Context::new();
    context.insert("modeline", &schema::modeline());
    context.insert("heading", &format!("{} {version}", source.product));
    context.insert("source", &source.path.display().to_string());
    context.insert("source_version", &from.to_string());
    context.insert("decision_due", &reset.decision_due);
    context.insert("readiness", &reset.readiness);
    context.insert("approvals", &reset.approvals);
    context.insert("criteria", &reset.criteria);
    context.insert("removed", &reset.removed.join(", "));
    context.insert("review", &present(TO_REVIEW));
    context.insert("body", body.trim_end());
    Ok(render(COPIED, &context))
}

/// What `reset` found and changed, for the header of the copy.
#[derive(Default)]
pub(crate) struct Reset {
    decision_due: bool,
    readiness: bool,
    approvals: bool,
    /// Success criteria kept, their measured values gone.
    criteria: bool,
    removed: Vec<&'static str>,
    /// Top-level keys of the copy.
    present: Vec<String>,
}

/// Turns a copy of an earlier release into the start of the next one.
pub(crate) fn reset(release: &mut Mapping, version: &semver::Version) -> Reset {
    let mut done = Reset::default();
    release.insert("version".into(), version.to_string().into());
    release.insert("target".into(), DATE_PLACEHOLDER.into());
    if let Some(due) = release.get_mut("decision_due") {
        *due = DATE_PLACEHOLDER.into();
        done.decision_due = true;
    }
    for key in REMOVED {
        if release.shift_remove(*key).is_some() {
            done.removed.push(key);
        }
    }
    let pending = || Value::from("pending");
    let forget = |map: &mut Mapping| {
        for key in ["due", "evidence", "note"] {
            map.shift_remove(key);
        }
    };

    if let Some(Value::Sequence(entries)) = release.get_mut("readiness") {
        done.readiness = !entries.is_empty();
        for entry in entries.iter_mut().filter_map(Value::as_mapping_mut) {
            if let Some(Value::Sequence(items)) = entry.get_mut("items") {
                for item in items.iter_mut().filter_map(Value::as_mapping_mut) {
                    if item.contains_key("status") {
                        item.insert("status".into(), pending());
                    }
                    forget(item);
                }
            }
            if let Some(Value::Mapping(states)) = entry.get_mut("status") {
                for (_, state) in states.iter_mut() {
                    match state {
                        Value::Mapping(details) => {
                            details.insert("status".into(), pending());
                            forget(details);
                            if details.len() == 1 {
                                *state = pending();
                            }
                        }
                        other => *other = pending(),
                    }
                }
            }
        }
    }

    // Metrics with a target are success criteria the next release is likely to
    // share; their values were measured on the earlier one. The others were
    // measurements only.
    if let Some(Value::Sequence(metrics)) = release.get_mut("metrics") {
        metrics.retain(|m| m.get("target").is_some());
        for metric in metrics.iter_mut().filter_map(Value::as_mapping_mut) {
            metric.shift_remove("value");
        }
        done.criteria = !metrics.is_empty();
    }
    if release.get("metrics").is_some() && !done.criteria {
        release.shift_remove("metrics");
        done.removed.push("metrics");
    }

    if let Some(Value::Sequence(approvals)) = release.get_mut("approvals") {
        done.approvals = !approvals.is_empty();
        for approval in approvals.iter_mut().filter_map(Value::as_mapping_mut) {
            approval.insert("status".into(), pending());
            approval.shift_remove("at");
            approval.shift_remove("note");
        }
    }
    done.present = release
        .keys()
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect();
    done
}

/// What the template needs to know of the site, read leniently from its files
/// (so it works while the site has errors), in the order the files list things.
#[derive(Default)]
struct Hints {
    /// approval_matrix: change type -> roles.
    change_types: Vec<(String, Vec<String>)>,
    /// people: key -> role.
    people: Vec<(String, Option<String>)>,
    groups: Vec<String>,
    /// checklist name -> `section.item` ids.
    checklists: Vec<(String, Vec<String>)>,
    runbooks: Vec<String>,
}

impl Hints {
    fn read(root: &Path) -> Hints {
        let content = root.join("content");
        let value = |path: PathBuf| -> Option<Value> {
            let source = yaml::read(root, &path).ok()?;
            yaml::parse::<Value>(&source, "YAML").ok()
        };
        let keys = |map: Option<&Value>| -> Vec<(String, Value)> {
            map.and_then(Value::as_mapping)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.clone())))
                        .collect()
                })
                .unwrap_or_default()
        };
        let strings = |v: &Value| -> Vec<String> {
            v.as_sequence()
                .map(|s| {
                    s.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };

        let mut hints = Hints::default();
        if let Some(site) = value(content.join("site.yaml")) {
            let mut types = keys(site.get("approval_matrix"));
            // An expedited (emergency) change type is never the template's default.
            types.sort_by_key(|(_, entry)| {
                entry
                    .get("level")
                    .and_then(Value::as_str)
                    .is_some_and(|l| l.trim().eq_ignore_ascii_case("expedited"))
            });
            hints.change_types = types
                .into_iter()
                // The list form, or the object form's `roles`.
                .map(|(k, entry)| (k, strings(entry.get("roles").unwrap_or(&entry))))
                .collect();
        }
        if let Some(people) = value(content.join("people.yaml")) {
            hints.people = keys(people.get("people"))
                .into_iter()
                .map(|(k, p)| {
                    let role = p.get("role").and_then(Value::as_str).map(str::to_string);
                    (k, role)
                })
                .collect();
            hints.groups = keys(people.get("groups"))
                .into_iter()
                .map(|(k, _)| k)
                .collect();
        }
        for path in content::files_with_extension(&content.join("checklists"), &["yaml", "yml"], 1)
        {
            let Some(list) = value(path.clone()) else {
                continue;
            };
            let mut ids = Vec::new();
            for section in list
                .get("sections")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
            {
                let Some(section_id) = section.get("id").and_then(Value::as_str) else {
                    continue;
                };
                for item in section
                    .get("items")
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                {
                    if let Some(id) = item.get("id").and_then(Value::as_str) {
                        ids.push(format!("{section_id}.{id}"));
                    }
                }
            }
            hints.checklists.push((content::stem(&path), ids));
        }
        hints.runbooks = content::files_with_extension(&content.join("runbooks"), &["md"], 1)
            .iter()
            .map(|p| content::stem(p))
            .collect();
        hints
    }

    /// The owner of a new release: whoever's role mentions releases, else the
    /// first person; an inline placeholder when the site lists nobody.
    fn owner(&self) -> String {
        let release_manager = self.people.iter().find(|(_, role)| {
            role.as_deref()
                .is_some_and(|r| r.to_lowercase().contains("release"))
        });
        match release_manager.or(self.people.first()) {
            Some((key, _)) => yaml::emit::scalar(&Value::from(key.as_str()), false),
            None => "{name: TODO}".to_string(),
        }
    }
}

/// The text of a new release of a product without releases, from the template.
pub(crate) fn template_release(root: &Path, product: &str, version: &semver::Version) -> String {
    let hints = Hints::read(root);
    let (change_type, roles) = hints
        .change_types
        .first()
        .cloned()
        .unwrap_or_else(|| ("feature".to_string(), Vec::new()));
    let yaml = |text: &str, flow: bool| yaml::emit::scalar(&Value::from(text), flow);
    let checklists: Vec<serde_json::Value> = hints
        .checklists
        .iter()
        .map(|(name, ids)| {
            serde_json::json!({
                "name": yaml(name, false),
                "items": ids.iter().map(|id| yaml(id, false)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut context = tera::Context::new();
    context.insert("modeline", &schema::modeline());
    context.insert("heading", &format!("{product} {version}"));
    context.insert("product", &yaml(product, false));
    context.insert("version", &version.to_string());
    context.insert("change_type", &yaml(&change_type, false));
    context.insert(
        "change_types",
        &hints
            .change_types
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    context.insert("owner", &hints.owner());
    context.insert("has_people", &!hints.people.is_empty());
    context.insert("groups", &hints.groups.join(", "));
    context.insert("checklists", &checklists);
    context.insert(
        "approvals",
        &roles.iter().map(|r| yaml(r, true)).collect::<Vec<_>>(),
    );
    context.insert("runbooks", &hints.runbooks.join(", "));
    context.insert(
        "runbook_example",
        &hints
            .runbooks
            .first()
            .map_or("service-unavailable".to_string(), |r| yaml(r, true)),
    );
    render(TEMPLATE, &context)
}

/// Renders one of the compiled-in templates (plain text, no escaping).
fn render(template: &str, context: &tera::Context) -> String {
    let mut text =
        tera::Tera::one_off(template, context, false).expect("the scaffold templates render");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) {
        let value: Value = serde_yaml::from_str(text).unwrap();
        let emitted = yaml::emit::document(value.as_mapping().unwrap(), &[]);
        let back: Value = serde_yaml::from_str(&emitted)
            .unwrap_or_else(|e| panic!("emitted YAML does not parse: {e}\n{emitted}"));
        assert_eq!(back, value, "emitted:\n{emitted}");
    }

    #[test]
    fn the_example_releases_survive_the_emitter() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/releases");
        for path in content::files_with_extension(&dir, &["yaml"], 1) {
            round_trip(&std::fs::read_to_string(path).unwrap());
        }
        round_trip(include_str!(
            "../scaffold/site/content/releases/acme-portal-1.4.0.yaml"
        ));
    }

    #[test]
    fn awkward_scalars_survive_the_emitter() {
        round_trip(
            r##"
a: ["a, b", "x: y", "#no", "it's", "[1]", "{k}", "", "null", "1.5", "yes", " lead", "tab	in"]
b: [{k: "a, b", "odd: key": 1, n: ~, t: true, f: 2.5}]
c: "  leading\nsecond\n"
d: "no trailing newline\nhere"
e: "trailing\n\n"
f: {nested: {deeper: {deepest: [1, 2, {x: "multi\nline"}]}}}
g: []
h: {}
i:
  - - a
    - b
  - [c]
"##,
        );
    }

    #[test]
    fn writers_style_is_kept() {
        let value: Value = serde_yaml::from_str(
            "readiness:\n  - category: A\n    items:\n      - {check: \"x, y\", status: done}\nrunbooks: [a, b]\n",
        )
        .unwrap();
        let emitted = yaml::emit::document(value.as_mapping().unwrap(), &[]);
        assert_eq!(
            emitted,
            "readiness:\n  - category: A\n    items:\n      - {check: \"x, y\", status: done}\n\nrunbooks: [a, b]\n"
        );
    }

    #[test]
    fn products_match_by_name_in_any_case_or_by_slug() {
        assert!(same_product("Northwind ERP", "northwind erp"));
        assert!(same_product("Northwind ERP", "northwind-erp"));
        assert!(!same_product("Northwind ERP", "Northwind CRM"));
    }
}
