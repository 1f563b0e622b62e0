//! `golive new <product> <version>`: the next release file of a product.
//!
//! With an earlier release of the product in the site, the new file is a copy of
//! the latest one before the new version (or, when the new version is older than
//! all of them, of the latest one), with what belonged to that release reset:
//!
//! - `target` and `decision_due` become the placeholder `YYYY-MM-DD HH:MM` with a
//!   `# TODO` comment. It is not a date, so `golive check` stops at that line
//!   until the writer fills it in; a copied go-live date would pass silently.
//! - Every checklist status becomes `pending` (inline items and the values of
//!   `use:` entries' `status:` maps). Due dates, evidence and notes go; owners stay.
//! - `approvals` keeps each role and its approver (`who`), with `status: pending`
//!   and without `at` and `note`: the list still says who must sign off.
//! - `blockers`, `verification`, `deployment`, `metrics` and `postponement` are
//!   removed: they describe how the earlier release went.
//! - Everything else is kept as it was, for the writer to bring up to date.
//!
//! The copy goes through `serde_yaml::Value`, so the earlier file's comments are
//! lost; the new file says where it came from instead. Without an earlier release
//! the file comes from the commented template `scaffold/new-release.yaml`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use super::{Cli, exit, print_invalid};
use crate::content::{self, schema, slugify};
use crate::diagnostic::{InvalidSite, display_path};
use crate::yaml;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The product, as its releases name it (`Northwind ERP`), in any letter case, or
    /// its slug (`northwind-erp`). A product without releases gets the template.
    pub product: String,
    /// The new release's semantic version: MAJOR.MINOR.PATCH, e.g. 2.5.0 or 2.5.0-rc.1.
    pub version: String,
}

/// The release template, for a product without releases (a Tera template).
const TEMPLATE: &str = include_str!("../../scaffold/new-release.yaml");
/// The head of a copied release; the copied keys follow it (a Tera template).
const COPIED: &str = include_str!("../../scaffold/copied-release.yaml");

/// Written where the writer must give a date: not a date, so checking fails there.
const DATE_PLACEHOLDER: &str = "YYYY-MM-DD HH:MM";
/// The comments after the placeholders of a copied release.
const TARGET_TODO: &str = "TODO: the go-live time (T+0), e.g. 2027-01-15 09:00";
const DECISION_TODO: &str = "TODO: when the go/no-go decision is due, e.g. 2027-01-13 17:00";

/// Keys that record how the earlier release went; a copy leaves them out.
const REMOVED: &[&str] = &[
    "blockers",
    "verification",
    "deployment",
    "metrics",
    "postponement",
];
/// Keys a copy keeps that most likely describe the earlier release's content.
const TO_REVIEW: &[&str] = &[
    "title", "summary", "changes", "risks", "timeline", "rollback",
];

/// An existing release of the product.
struct Earlier {
    /// Relative to the site root.
    path: PathBuf,
    product: String,
    /// `None` when it does not parse (only in a site with errors).
    version: Option<semver::Version>,
}

pub fn run(cli: &Cli, args: &Args) -> i32 {
    let root = cli.root.as_path();
    let mut err = anstream::stderr().lock();
    let version = match parse_version(&args.version) {
        Ok(v) => v,
        Err(message) => {
            let _ = writeln!(err, "{message}");
            return exit::INVALID;
        }
    };
    let product = args.product.trim();
    if slugify(product).is_empty() || product.chars().any(char::is_control) {
        let _ = writeln!(
            err,
            "error: `{}` cannot name a product: it needs letters or digits, on one line\n  = help: e.g. golive new \"Acme ERP\" {version}",
            args.product.escape_debug()
        );
        return exit::INVALID;
    }
    if !root.join("content").is_dir() {
        let _ = writeln!(
            err,
            "error: no content/ folder in {}\n  = help: run golive in a site folder, pass --root DIR, or create a site with `golive init`",
            root.display()
        );
        return exit::INVALID;
    }

    let (releases, invalid) = match content::load(root) {
        Ok(site) => (
            site.releases
                .into_iter()
                .filter(|r| same_product(&r.release.product, product))
                .map(|r| Earlier {
                    path: r.path,
                    product: r.release.product.clone(),
                    version: Some(r.release.version.clone()),
                })
                .collect::<Vec<_>>(),
            None,
        ),
        // Only the release to copy must be sound; problems elsewhere are noted.
        Err(invalid) => (scan_releases(root, product), Some(invalid)),
    };
    let problems_of = |path: &Path| InvalidSite {
        diagnostics: invalid
            .iter()
            .flat_map(|i| &i.diagnostics)
            .filter(|d| d.file == path)
            .cloned()
            .collect(),
    };

    let mut known = Vec::new();
    for release in &releases {
        match &release.version {
            Some(v) => known.push((release, v)),
            None => {
                let problems = problems_of(&release.path);
                if !problems.diagnostics.is_empty() {
                    print_invalid(&problems);
                }
                let _ = writeln!(
                    err,
                    "error: cannot tell which release of {product} is the latest: {} has no valid version\n  = help: fix it (`golive check` shows why), then run golive new again",
                    release.path.display()
                );
                return exit::INVALID;
            }
        }
    }
    if let Some((same, _)) = known.iter().find(|(_, v)| **v == version) {
        let _ = writeln!(
            err,
            "error: {} {version} exists already: {}\n  = help: edit that file, or choose another version",
            same.product,
            same.path.display()
        );
        return exit::FAILED;
    }
    let source = known
        .iter()
        .filter(|(_, v)| **v < version)
        .max_by_key(|(_, v)| *v)
        .or_else(|| known.iter().max_by_key(|(_, v)| *v))
        .map(|(r, v)| (*r, *v));
    if let Some((source, _)) = source {
        let problems = problems_of(&source.path);
        if !problems.diagnostics.is_empty() {
            print_invalid(&problems);
            let _ = writeln!(
                err,
                "error: cannot copy {}, the latest release of {}, while it has errors\n  = help: fix them, then run golive new again",
                source.path.display(),
                source.product
            );
            return exit::INVALID;
        }
    }
    let problems = invalid.as_ref().map(|i| i.diagnostics.len());

    let product = source.map_or(product, |(s, _)| s.product.as_str());
    let file_name = format!(
        "{}-{}.yaml",
        slugify(product),
        version.to_string().replace('+', "-")
    );
    let path = root.join("content").join("releases").join(&file_name);
    let shown = display_path(root, &path);
    if path.symlink_metadata().is_ok() {
        let _ = writeln!(
            err,
            "error: {} exists already\n  = help: edit it, or remove it first to start over",
            shown.display()
        );
        return exit::FAILED;
    }

    let text = match source {
        Some((source, from)) => match copied_release(root, source, from, &version) {
            Ok(text) => text,
            Err(message) => {
                let _ = writeln!(err, "error: {message}");
                return exit::INVALID;
            }
        },
        None => template_release(root, product, &version),
    };

    if let Err(e) = schema::write_into_site(root) {
        let _ = writeln!(err, "error: cannot write {}: {e}", schema::SITE_PATH);
        return exit::FAILED;
    }
    if let Err(e) = write_new(&path, &text) {
        let _ = writeln!(err, "error: cannot write {}: {e}", shown.display());
        return exit::FAILED;
    }

    if !cli.quiet {
        let mut out = anstream::stdout().lock();
        match source {
            Some((source, _)) => {
                let _ = writeln!(
                    out,
                    "wrote {} (a copy of {}, statuses and approvals reset)",
                    shown.display(),
                    source.path.display()
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "wrote {} (from the template: no release of {product} yet)",
                    shown.display()
                );
            }
        }
        let _ = writeln!(
            out,
            "next: fill in the dates marked TODO (`golive check` points at them until you do)"
        );
        if let Some(count) = problems {
            let _ = writeln!(
                err,
                "note: the site has {count} problem{} elsewhere; `golive check` lists them",
                if count == 1 { "" } else { "s" }
            );
        }
    }
    exit::OK
}

/// The version, or an error message with help.
fn parse_version(text: &str) -> Result<semver::Version, String> {
    semver::Version::parse(text.trim()).map_err(|e| {
        let trimmed = text.trim();
        let help = match trimmed.strip_prefix(['v', 'V']).map(semver::Version::parse) {
            Some(Ok(v)) => format!("write it without the `v`: {v}"),
            _ => "write MAJOR.MINOR.PATCH, e.g. 2.5.0, or with a pre-release, 2.5.0-rc.1".into(),
        };
        format!("error: `{trimmed}` is not a semantic version ({e})\n  = help: {help}")
    })
}

/// Whether a release's product is the one asked for: the same name in any letter
/// case, or the same slug (`northwind-erp` for `Northwind ERP`).
fn same_product(name: &str, wanted: &str) -> bool {
    name.trim().to_lowercase() == wanted.trim().to_lowercase() || slugify(name) == slugify(wanted)
}

/// The releases of `product` in a site that does not load: each file read on its
/// own, as far as it goes (a file that does not parse names no product).
fn scan_releases(root: &Path, product: &str) -> Vec<Earlier> {
    let dir = root.join("content").join("releases");
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .filter_map(|path| {
            let shown = display_path(root, &path);
            let source = yaml::read(&path, shown.clone()).ok()?;
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
fn copied_release(
    root: &Path,
    source: &Earlier,
    from: &semver::Version,
    version: &semver::Version,
) -> Result<String, String> {
    let file = root.join(&source.path);
    let read = yaml::read(&file, source.path.clone())
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
    let body = emit::document(&release, &comments);
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
    context.insert("removed", &reset.removed.join(", "));
    context.insert("review", &present(TO_REVIEW));
    context.insert("body", body.trim_end());
    Ok(render(COPIED, &context))
}

/// What `reset` found and changed, for the header of the copy.
#[derive(Default)]
struct Reset {
    decision_due: bool,
    readiness: bool,
    approvals: bool,
    removed: Vec<&'static str>,
    /// Top-level keys of the copy.
    present: Vec<String>,
}

/// Turns a copy of an earlier release into the start of the next one.
fn reset(release: &mut Mapping, version: &semver::Version) -> Reset {
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
            let source = yaml::read(&path, display_path(root, &path)).ok()?;
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
            hints.change_types = keys(site.get("approval_matrix"))
                .into_iter()
                .map(|(k, roles)| (k, strings(&roles)))
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
        for path in files(&content.join("checklists"), &["yaml", "yml"]) {
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
            hints.checklists.push((stem(&path), ids));
        }
        hints.runbooks = files(&content.join("runbooks"), &["md"])
            .iter()
            .map(|p| stem(p))
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
            Some((key, _)) => emit::scalar(&Value::from(key.as_str()), false),
            None => "{name: TODO}".to_string(),
        }
    }
}

/// The text of a new release of a product without releases, from the template.
fn template_release(root: &Path, product: &str, version: &semver::Version) -> String {
    let hints = Hints::read(root);
    let (change_type, roles) = hints
        .change_types
        .first()
        .cloned()
        .unwrap_or_else(|| ("feature".to_string(), Vec::new()));
    let yaml = |text: &str, flow: bool| emit::scalar(&Value::from(text), flow);
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

/// Writes a file that must not exist yet, creating its folder.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(text.as_bytes())
}

/// Files directly in `dir` with one of `extensions`, sorted; hidden ones skipped.
fn files(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .filter(|p| {
            p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| extensions.contains(&x))
        })
        .collect();
    found.sort();
    found
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// YAML text in the style writers use: block mappings at the top, one flow
/// mapping per list item (`- {check: ..., status: done}`), short lists and
/// mappings on one line, Markdown as literal blocks.
mod emit {
    use serde_yaml::{Mapping, Value};

    use crate::content::time::When;

    /// Collections whose one-line form is at most this long stay on one line.
    const FLOW_WIDTH: usize = 100;

    /// A whole document; `comments` go after the top-level scalar of that key.
    pub fn document(map: &Mapping, comments: &[(&str, &str)]) -> String {
        let mut out = String::new();
        let mut previous_multiline = false;
        for (i, (key, value)) in map.iter().enumerate() {
            let mut entry = String::new();
            mapping_entry(&mut entry, 0, key, value);
            let multiline = entry.lines().count() > 1;
            if i > 0 && (multiline || previous_multiline) {
                out.push('\n');
            }
            if let Some((_, comment)) = comments.iter().find(|(k, _)| key.as_str() == Some(k))
                && !multiline
            {
                entry.pop();
                entry.push_str(&format!("  # {comment}\n"));
            }
            out.push_str(&entry);
            previous_multiline = multiline;
        }
        out
    }

    fn pad(out: &mut String, indent: usize) {
        out.extend(std::iter::repeat_n(' ', indent));
    }

    fn mapping_entry(out: &mut String, indent: usize, key: &Value, value: &Value) {
        pad(out, indent);
        out.push_str(&scalar(key, false));
        out.push(':');
        match value {
            Value::String(s) if s.contains('\n') => literal(out, indent, s),
            Value::Mapping(m) if !inline(value, false) => {
                out.push('\n');
                for (k, v) in m {
                    mapping_entry(out, indent + 2, k, v);
                }
            }
            Value::Sequence(items) if !inline(value, false) => {
                out.push('\n');
                sequence(out, indent + 2, items);
            }
            _ => {
                out.push(' ');
                out.push_str(&flow(value));
                out.push('\n');
            }
        }
    }

    fn sequence(out: &mut String, indent: usize, items: &[Value]) {
        for item in items {
            pad(out, indent);
            out.push('-');
            let mut nested = String::new();
            match item {
                Value::Mapping(m) if !inline(item, true) => {
                    for (k, v) in m {
                        mapping_entry(&mut nested, indent + 2, k, v);
                    }
                }
                Value::Sequence(s) if !inline(item, true) => sequence(&mut nested, indent + 2, s),
                _ => {
                    out.push(' ');
                    out.push_str(&flow(item));
                    out.push('\n');
                    continue;
                }
            }
            // The first line of the nested block goes right after the dash.
            out.push(' ');
            out.push_str(&nested[indent + 2..]);
        }
    }

    /// A multi-line string as a literal block (`|`), as serde_yaml chooses its
    /// header (`|`, `|-`, `|2`), indented below the key.
    fn literal(out: &mut String, indent: usize, text: &str) {
        let emitted = serde_yaml::to_string(&Value::from(text)).expect("a string serialises");
        let mut lines = emitted.lines();
        let header = lines.next().unwrap_or_default();
        // `|+` keeps trailing blank lines, which would swallow the blank line
        // written between keys: such text is quoted instead.
        if !header.starts_with('|') || header.contains('+') {
            // serde_yaml chose a quoted form; a JSON string is a valid YAML one.
            out.push(' ');
            out.push_str(&serde_json::to_string(text).expect("a string serialises"));
            out.push('\n');
            return;
        }
        out.push(' ');
        out.push_str(header);
        out.push('\n');
        for line in lines {
            if !line.is_empty() {
                pad(out, indent);
                out.push_str(line);
            }
            out.push('\n');
        }
    }

    /// Whether a collection is written on one line: every list item that holds
    /// only scalars (the writers' `- {check: ..., status: done}`), and anything
    /// else of at most two levels whose one-line form is short, except a list of
    /// mappings, which gets one line per item.
    fn inline(value: &Value, in_sequence: bool) -> bool {
        if let Value::Sequence(items) = value
            && items.iter().any(Value::is_mapping)
        {
            return false;
        }
        match depth(value) {
            None => false,
            Some(0) => true,
            Some(1) if in_sequence => true,
            Some(1 | 2) => flow(value).chars().count() <= FLOW_WIDTH,
            Some(_) => false,
        }
    }

    /// Levels of nesting (0 for a scalar); `None` when it holds a multi-line
    /// string, which needs a block.
    fn depth(value: &Value) -> Option<usize> {
        match value {
            Value::String(s) if s.contains('\n') => None,
            Value::Sequence(items) => items
                .iter()
                .try_fold(0, |d, v| Some(d.max(depth(v)?)))
                .map(|d| d + 1),
            Value::Mapping(m) => m
                .iter()
                .try_fold(0, |d, (k, v)| Some(d.max(depth(k)?).max(depth(v)?)))
                .map(|d| d + 1),
            Value::Tagged(_) => None,
            _ => Some(0),
        }
    }

    /// The one-line (flow) form of a value.
    fn flow(value: &Value) -> String {
        match value {
            Value::Sequence(items) => {
                let parts: Vec<String> = items.iter().map(flow_item).collect();
                format!("[{}]", parts.join(", "))
            }
            Value::Mapping(m) => {
                let parts: Vec<String> = m
                    .iter()
                    .map(|(k, v)| format!("{}: {}", scalar(k, true), flow_item(v)))
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
            other => scalar(other, false),
        }
    }

    fn flow_item(value: &Value) -> String {
        match value {
            Value::Sequence(_) | Value::Mapping(_) => flow(value),
            other => scalar(other, true),
        }
    }

    /// Text of three words or more, which writers quote inside `{...}`; dates
    /// (`2026-12-04 09:00`) stay plain.
    fn sentence(text: &str) -> bool {
        text.split_whitespace().count() >= 3 && text.parse::<When>().is_err()
    }

    /// A scalar on one line; plain where YAML allows it, else quoted. Inside
    /// `[...]` or `{...}` (`in_flow`) text with `,:#[]{}`, and sentences, are
    /// double-quoted.
    pub fn scalar(value: &Value, in_flow: bool) -> String {
        let json = |s: &str| serde_json::to_string(s).expect("a string serialises");
        match value {
            Value::String(s) if s.contains(['\n', '\r']) => json(s),
            Value::String(s) => {
                let emitted = serde_yaml::to_string(value).expect("a string serialises");
                let emitted = emitted.trim_end_matches('\n');
                if emitted.contains('\n') {
                    json(s)
                } else if emitted != s {
                    emitted.to_string()
                } else if in_flow
                    && (s.contains([',', ':', '#', '[', ']', '{', '}']) || sentence(s))
                {
                    json(s)
                } else {
                    s.clone()
                }
            }
            other => {
                let emitted = serde_yaml::to_string(other).expect("a value serialises");
                let emitted = emitted.trim_end_matches('\n');
                if emitted.contains('\n') {
                    // Only a tagged value can get here; keep it as text.
                    json(emitted)
                } else {
                    emitted.to_string()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) {
        let value: Value = serde_yaml::from_str(text).unwrap();
        let emitted = emit::document(value.as_mapping().unwrap(), &[]);
        let back: Value = serde_yaml::from_str(&emitted)
            .unwrap_or_else(|e| panic!("emitted YAML does not parse: {e}\n{emitted}"));
        assert_eq!(back, value, "emitted:\n{emitted}");
    }

    #[test]
    fn the_example_releases_survive_the_emitter() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/releases");
        for path in files(&dir, &["yaml"]) {
            round_trip(&std::fs::read_to_string(path).unwrap());
        }
        round_trip(include_str!(
            "../../scaffold/site/content/releases/acme-portal-1.4.0.yaml"
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
        let emitted = emit::document(value.as_mapping().unwrap(), &[]);
        assert_eq!(
            emitted,
            "readiness:\n  - category: A\n    items:\n      - {check: \"x, y\", status: done}\n\nrunbooks: [a, b]\n"
        );
    }

    #[test]
    fn versions_are_checked_with_help() {
        assert!(parse_version("2.5.0").is_ok());
        assert!(parse_version("2.5.0-rc.1").is_ok());
        let e = parse_version("v2.5.0").unwrap_err();
        assert!(e.contains("without the `v`: 2.5.0"), "{e}");
        let e = parse_version("2.5").unwrap_err();
        assert!(e.contains("not a semantic version"), "{e}");
    }

    #[test]
    fn products_match_by_name_in_any_case_or_by_slug() {
        assert!(same_product("Northwind ERP", "northwind erp"));
        assert!(same_product("Northwind ERP", "northwind-erp"));
        assert!(!same_product("Northwind ERP", "Northwind CRM"));
    }
}
