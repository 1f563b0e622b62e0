//! Load: a site folder's files become typed, validated data.
//!
//! `load` reads `content/site.yaml`, `people.yaml`, `checklists/*.yaml`, the runbook
//! names and `releases/**/*.yaml`, then checks every reference between them. It
//! returns every problem of every file at once, or a `LoadedSite` that later stages
//! can trust: references resolve, times exist in their zone, slugs are unique.

pub mod checklist;
pub mod release;
pub mod runbook;
pub mod schema;
pub mod time;
mod validate;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::people::People;
use crate::config::site::SiteConfig;
use crate::diagnostic::{Diagnostic, Diagnostics, InvalidSite, Location, display_path};
use crate::yaml::{self, Source};
use checklist::Checklist;
use release::Release;
use runbook::Runbook;

/// Everything in a site's `content/`, validated.
#[derive(Debug)]
pub struct LoadedSite {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub people: People,
    pub checklists: BTreeMap<String, Checklist>,
    /// The runbooks of content/runbooks/, by name (file stem).
    pub runbooks: BTreeMap<String, Runbook>,
    pub releases: Vec<LoadedRelease>,
    /// A hash of every input shared by all releases' pages: settings, people,
    /// checklists and runbooks.
    pub shared_fingerprint: u64,
}

/// One release file, parsed and validated.
#[derive(Debug)]
pub struct LoadedRelease {
    /// `<product-slug>-<version>`, the folder of its pages.
    pub slug: String,
    /// The file, relative to the site root.
    pub path: PathBuf,
    pub release: Arc<Release>,
    /// A hash of the file's text: what its pages depend on, besides shared inputs.
    pub fingerprint: u64,
}

/// Parsed release files kept from one load to the next (by `serve`), so that a
/// file whose modification time and size are unchanged is not read or parsed
/// again. A fresh cache makes a cold load.
#[derive(Default)]
pub struct ReleaseCache {
    files: HashMap<PathBuf, CachedRelease>,
}

struct CachedRelease {
    stamp: (Option<SystemTime>, u64),
    parsed: Result<(Arc<Source>, Arc<Release>), Diagnostic>,
}

impl ReleaseCache {
    /// Parses `path`, or returns what it parsed last time if the file is unchanged.
    fn get(&mut self, root: &Path, path: &Path) -> Result<(Arc<Source>, Arc<Release>), Diagnostic> {
        let stamp = std::fs::metadata(path).map_or((None, 0), |m| (m.modified().ok(), m.len()));
        if let Some(cached) = self.files.get(path)
            && cached.stamp == stamp
            && stamp.0.is_some()
        {
            return cached.parsed.clone();
        }
        let parsed =
            parse_file::<Release>(root, path, "a release").and_then(|(source, mut release)| {
                validate::load_verification_file(path, &source, &mut release)?;
                Ok((Arc::new(source), Arc::new(release)))
            });
        self.files.insert(
            path.to_path_buf(),
            CachedRelease {
                stamp,
                parsed: parsed.clone(),
            },
        );
        parsed
    }

    /// Whether `path` is cached and unchanged on disk.
    fn is_fresh(&self, path: &Path) -> bool {
        let stamp = std::fs::metadata(path).map_or((None, 0), |m| (m.modified().ok(), m.len()));
        self.files
            .get(path)
            .is_some_and(|c| c.stamp == stamp && stamp.0.is_some())
    }

    /// Forgets files that no longer exist.
    fn retain(&mut self, present: &[PathBuf]) {
        let keep: HashSet<&PathBuf> = present.iter().collect();
        self.files.retain(|p, _| keep.contains(p));
    }
}

/// Loads and validates the site in `root`.
pub fn load(root: &Path) -> Result<LoadedSite, InvalidSite> {
    load_with(root, &mut ReleaseCache::default())
}

/// Loads and validates the site in `root`, reusing what `cache` parsed before.
pub fn load_with(root: &Path, cache: &mut ReleaseCache) -> Result<LoadedSite, InvalidSite> {
    let content = root.join("content");
    let mut problems = Diagnostics::default();
    if !content.is_dir() {
        problems.push(
            Diagnostic::new(
                display_path(root, &content),
                Location::START,
                "no content/ folder here",
            )
            .with_help(
                "run golive in a site folder, pass --root DIR, or create one with `golive init`",
            ),
        );
        return Err(InvalidSite {
            diagnostics: problems.into_sorted(),
        });
    }

    let config = load_one::<SiteConfig>(
        root,
        &content.join("site.yaml"),
        "the site's settings",
        &mut problems,
    );
    let people_path = content.join("people.yaml");
    let people = if people_path.exists() {
        load_one::<People>(root, &people_path, "people and groups", &mut problems)
    } else {
        let shown = display_path(root, &people_path);
        Some((
            Source {
                shown,
                text: String::new(),
            },
            People::default(),
        ))
    };

    // Checklists that exist but do not parse: releases using them get no second error.
    let mut broken_checklists = BTreeSet::new();
    let checklists: BTreeMap<String, (Source, Checklist)> =
        files_with_extension(&content.join("checklists"), &["yaml", "yml"], 1)
            .into_par_iter()
            .map(|path| {
                (
                    stem(&path),
                    parse_file::<Checklist>(root, &path, "a checklist"),
                )
            })
            .collect::<Vec<_>>()
            .into_iter()
            .filter_map(|(name, r)| match r {
                Ok(ok) => Some((name, ok)),
                Err(d) => {
                    problems.push(d);
                    broken_checklists.insert(name);
                    None
                }
            })
            .collect();

    let runbook_files = files_with_extension(&content.join("runbooks"), &["md"], 1);
    // Every file counts as existing for references, even one with errors of its own.
    let runbook_names: BTreeSet<String> = runbook_files.iter().map(|p| stem(p)).collect();
    let runbooks: BTreeMap<String, Runbook> = runbook_files
        .par_iter()
        .map(|path| {
            yaml::read(path, display_path(root, path))
                .and_then(|source| runbook::parse(stem(path), source))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|r| match r {
            Ok(runbook) => Some((runbook.name.clone(), runbook)),
            Err(d) => {
                problems.push(d);
                None
            }
        })
        .collect();

    let release_files = yaml_files(&content.join("releases"));
    cache.retain(&release_files);
    // Unchanged files come from the cache; the rest are parsed in parallel.
    let stale: Vec<&PathBuf> = release_files
        .iter()
        .filter(|p| !cache.is_fresh(p))
        .collect();
    let fresh: Vec<(PathBuf, CachedRelease)> = stale
        .par_iter()
        .map(|path| {
            let mut one = ReleaseCache::default();
            let _ = one.get(root, path);
            let (path, cached) = one.files.into_iter().next().expect("one file parsed");
            (path, cached)
        })
        .collect();
    cache.files.extend(fresh);
    let releases: Vec<(Arc<Source>, Arc<Release>)> = release_files
        .iter()
        .filter_map(|path| match cache.get(root, path) {
            Ok(parsed) => Some(parsed),
            Err(d) => {
                problems.push(d);
                None
            }
        })
        .collect();

    let (Some((config_source, config)), Some((people_source, people))) = (config, people) else {
        // Without settings and people no reference can be checked; report what we have.
        return Err(InvalidSite {
            diagnostics: problems.into_sorted(),
        });
    };

    let checked = validate::Context {
        config: &config,
        people: &people,
        checklists: checklists
            .iter()
            .map(|(k, (_, c))| (k.as_str(), c))
            .collect(),
        broken_checklists: &broken_checklists,
        runbooks: &runbook_names,
    };
    problems.extend(validate::site_problems(&config_source, &config));
    problems.extend(validate::people_problems(&people_source, &people));
    for runbook in runbooks.values() {
        problems.extend(validate::runbook_problems(
            runbook,
            &runbooks,
            &runbook_names,
            &people,
        ));
    }
    for (name, (source, list)) in &checklists {
        problems.extend(validate::checklist_problems(name, source, list, &people));
    }
    let per_release: Vec<Vec<Diagnostic>> = releases
        .par_iter()
        .map(|(source, release)| validate::release_problems(&checked, source, release))
        .collect();
    problems.extend(per_release.into_iter().flatten());

    let loaded: Vec<LoadedRelease> = releases
        .iter()
        .map(|(source, release)| LoadedRelease {
            slug: slug_of(release),
            path: source.shown.clone(),
            release: release.clone(),
            fingerprint: fingerprint(&source.text),
        })
        .collect();
    // Everything a release's pages depend on besides the release itself.
    let mut shared = vec![config_source.text.as_str(), people_source.text.as_str()];
    shared.extend(checklists.values().map(|(s, _)| s.text.as_str()));
    shared.extend(runbooks.values().map(|r| r.source.text.as_str()));
    let shared_fingerprint = fingerprint(&shared.join("\u{0}"));
    problems.extend(validate::duplicate_slugs(root, &loaded));

    if !problems.is_empty() {
        return Err(InvalidSite {
            diagnostics: problems.into_sorted(),
        });
    }
    Ok(LoadedSite {
        root: root.to_path_buf(),
        config,
        people,
        checklists: checklists.into_iter().map(|(k, (_, c))| (k, c)).collect(),
        runbooks,
        releases: loaded,
        shared_fingerprint,
    })
}

/// A stable 64-bit hash (SipHash with fixed keys: the same across runs).
pub fn fingerprint(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// `Acme ERP` + `2.0.0` -> `acme-erp-2.0.0`.
pub fn slug_of(release: &Release) -> String {
    let version = release.version.to_string().replace('+', "-");
    format!("{}-{version}", slugify(&release.product))
}

/// Lower-case ASCII letters and digits, other runs of characters become one `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn load_one<T: serde::de::DeserializeOwned>(
    root: &Path,
    path: &Path,
    what: &str,
    problems: &mut Diagnostics,
) -> Option<(Source, T)> {
    if !path.exists() {
        problems.push(
            Diagnostic::new(
                display_path(root, path),
                Location::START,
                format!("missing file; it holds {what}"),
            )
            .with_help("create it; `golive init` writes an example"),
        );
        return None;
    }
    match parse_file::<T>(root, path, what) {
        Ok(parsed) => Some(parsed),
        Err(d) => {
            problems.push(d);
            None
        }
    }
}

fn parse_file<T: serde::de::DeserializeOwned>(
    root: &Path,
    path: &Path,
    what: &str,
) -> Result<(Source, T), Diagnostic> {
    let source = yaml::read(path, display_path(root, path))?;
    let value = yaml::parse::<T>(&source, what)?;
    Ok((source, value))
}

/// YAML files below `dir`, at any depth (releases may be kept in folders by year).
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    files_with_extension(dir, &["yaml", "yml"], usize::MAX)
}

/// Files below `dir` with one of `extensions`, sorted; hidden files are skipped.
/// Named things (checklists, runbooks) are read from `dir` itself only
/// (`max_depth` 1), so two files can never claim the same name.
pub fn files_with_extension(dir: &Path, extensions: &[&str], max_depth: usize) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .max_depth(max_depth)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| extensions.contains(&x))
        })
        .collect()
}

/// A file's name without its extension.
pub fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_and_dashed() {
        assert_eq!(slugify("Acme ERP"), "acme-erp");
        assert_eq!(slugify("  Billing / Payments v2 "), "billing-payments-v2");
    }
}
