//! Load: a site folder's files become typed, validated data.
//!
//! `load` reads `content/site.yaml`, `people.yaml`, `checklists/*.yaml`, the runbook
//! names and `releases/**/*.yaml`, then checks every reference between them. It
//! returns every problem of every file at once, or a `LoadedSite` that later stages
//! can trust: references resolve, times exist in their zone, slugs are unique.

pub mod checklist;
mod depends;
pub mod packed;
pub mod release;
pub mod request;
pub mod runbook;
pub mod schema;
pub mod schema_doc;
pub mod threshold;
pub mod time;
mod validate;
mod verification;

pub use depends::dependency_problems;
pub use validate::{duplicate_slugs, slugs_clash};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::people::People;
use crate::config::site::SiteConfig;
use crate::diagnostic::{Diagnostic, Diagnostics, InvalidSite, Location, display_path};
use crate::yaml::{self, Source};
use checklist::Checklist;
use release::Release;
use runbook::Runbook;

/// Everything in a site's `content/`, validated: the shared inputs (reached
/// through `Deref`: `site.config`, `site.people`, ...) and every release.
pub struct LoadedSite {
    pub root: PathBuf,
    pub shared: Shared,
    pub releases: Vec<LoadedRelease>,
}

impl std::ops::Deref for LoadedSite {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.shared
    }
}

/// One release file, parsed and validated.
#[derive(Debug)]
pub struct LoadedRelease {
    /// `<product-slug>-<version>`, the folder of its pages.
    pub slug: String,
    /// The file, relative to the site root.
    pub path: PathBuf,
    pub release: Arc<Release>,
    /// Other files it was read from (a verification results file), so that a
    /// build notices when they change.
    pub depends: Vec<PathBuf>,
}

impl LoadedRelease {
    /// The release read from the file `path` (shown to the user as `shown`).
    fn new(path: &Path, shown: PathBuf, release: Release) -> LoadedRelease {
        LoadedRelease {
            slug: slug_of(&release),
            path: shown,
            depends: verification::file(path, &release).into_iter().collect(),
            release: Arc::new(release),
        }
    }
}

/// Everything releases refer to (settings, people, checklists, runbooks),
/// validated, and a fingerprint of it: what every release's pages depend on
/// besides the release itself.
pub struct Shared {
    /// The site folder, for files that releases name (verification results).
    root: PathBuf,
    pub config: SiteConfig,
    pub people: People,
    pub checklists: BTreeMap<String, Checklist>,
    pub runbooks: BTreeMap<String, Runbook>,
    /// Every runbook file, also those whose own errors kept them out of `runbooks`.
    runbook_names: BTreeSet<String>,
    /// Checklists that exist but do not parse: releases using them get no second error.
    broken_checklists: BTreeSet<String>,
    pub fingerprint: u64,
}

impl Shared {
    /// The site folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Reads and checks `path`, one release file, against the shared inputs.
    pub fn release(&self, root: &Path, path: &Path) -> Result<LoadedRelease, Vec<Diagnostic>> {
        let source = yaml::read(root, path).map_err(|d| vec![d])?;
        self.release_from(path, source).map(|(loaded, _)| loaded)
    }

    /// Checks the release whose text is `source` (read from `path`), and gives
    /// the text back.
    pub fn release_from(
        &self,
        path: &Path,
        source: Source,
    ) -> Result<(LoadedRelease, Source), Vec<Diagnostic>> {
        let mut release = yaml::parse::<Release>(&source, "a release").map_err(|d| vec![d])?;
        verification::load(&self.root, path, &source, &mut release).map_err(|d| vec![d])?;
        let context = validate::Context {
            config: &self.config,
            people: &self.people,
            checklists: self
                .checklists
                .iter()
                .map(|(k, c)| (k.as_str(), c))
                .collect(),
            broken_checklists: &self.broken_checklists,
            runbooks: &self.runbook_names,
        };
        let problems = validate::release_problems(&context, &source, &release);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok((
            LoadedRelease::new(path, source.shown.clone(), release),
            source,
        ))
    }
}

/// Loads and validates the site in `root`: every file, every reference.
pub fn load(root: &Path) -> Result<LoadedSite, InvalidSite> {
    let mut problems = Diagnostics::default();
    let shared = load_shared_into(root, &mut problems);
    let files = release_files(root);
    let results: Vec<Result<LoadedRelease, Vec<Diagnostic>>> = match &shared {
        Some(shared) => files
            .par_iter()
            .map(|path| shared.release(root, path))
            .collect(),
        // Without settings and people no reference can be checked; report what
        // does not even parse.
        None => files
            .par_iter()
            .filter_map(|path| parse_file::<Release>(root, path, "a release").err())
            .map(|d| Err(vec![d]))
            .collect(),
    };
    let mut releases = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(r) => releases.push(r),
            Err(d) => problems.extend(d),
        }
    }
    let identities: Vec<Identity> = releases.iter().map(Identity::of).collect();
    problems.extend(validate::duplicate_slugs(root, &identities));
    problems.extend(depends::dependency_problems(root, &identities));
    match shared {
        Some(shared) if problems.is_empty() => Ok(LoadedSite::new(root, shared, releases)),
        _ => Err(InvalidSite {
            diagnostics: problems.into_sorted(),
        }),
    }
}

/// Loads the settings, people, checklists and runbooks of the site in `root`.
pub fn load_shared(root: &Path) -> Result<Shared, InvalidSite> {
    let mut problems = Diagnostics::default();
    match load_shared_into(root, &mut problems) {
        Some(shared) if problems.is_empty() => Ok(shared),
        _ => Err(InvalidSite {
            diagnostics: problems.into_sorted(),
        }),
    }
}

/// The release files of the site in `root`, sorted.
pub fn release_files(root: &Path) -> Vec<PathBuf> {
    files_with_extension(&releases_dir(root), RELEASE_EXTENSIONS, usize::MAX)
}

/// Release files are YAML, at any depth below `content/releases/` (releases
/// may be kept in folders by year).
pub const RELEASE_EXTENSIONS: &[&str] = &["yaml", "yml"];

pub fn releases_dir(root: &Path) -> PathBuf {
    root.join("content").join("releases")
}

/// Whether `path` names a release file of the site in `root` (as
/// `release_files` would list it, were it a file), whether or not it exists.
pub fn is_release_path(root: &Path, path: &Path) -> bool {
    is_listed(&releases_dir(root), path, RELEASE_EXTENSIONS)
}

/// What identifies a release file, for the check that no two describe the
/// same release, and what it depends on.
pub struct Identity {
    pub slug: String,
    pub path: PathBuf,
    pub product: String,
    pub version: String,
    /// Its `depends_on`, for the check that each names another release.
    pub depends_on: Vec<String>,
}

impl Identity {
    pub fn of(r: &LoadedRelease) -> Identity {
        Identity {
            slug: r.slug.clone(),
            path: r.path.clone(),
            product: r.release.product.clone(),
            version: r.release.version.to_string(),
            depends_on: r.release.depends_on.clone(),
        }
    }
}

impl LoadedSite {
    fn new(root: &Path, shared: Shared, releases: Vec<LoadedRelease>) -> LoadedSite {
        LoadedSite {
            root: root.to_path_buf(),
            shared,
            releases,
        }
    }
}

/// Reads the shared inputs; their problems go to `problems`. `None` when
/// site.yaml or people.yaml cannot be used.
fn load_shared_into(root: &Path, problems: &mut Diagnostics) -> Option<Shared> {
    let content = root.join("content");
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
        return None;
    }
    let config = load_one::<SiteConfig>(
        root,
        &content.join("site.yaml"),
        "the site's settings",
        problems,
    );
    let people_path = content.join("people.yaml");
    let people = if crate::input::exists(&people_path) {
        load_one::<People>(root, &people_path, "people and groups", problems)
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
    let runbook_names: BTreeSet<String> = runbook_files.iter().map(|p| stem(p)).collect();
    let runbooks: BTreeMap<String, Runbook> = runbook_files
        .par_iter()
        .map(|path| yaml::read(root, path).and_then(|source| runbook::parse(stem(path), source)))
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

    let (Some((config_source, config)), Some((people_source, people))) = (config, people) else {
        return None;
    };
    problems.extend(validate::site_problems(&config_source, &config));
    problems.extend(validate::site_support_problems(
        &config_source,
        &config,
        &people,
    ));
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
    let mut texts = vec![config_source.text.as_str(), people_source.text.as_str()];
    texts.extend(checklists.values().map(|(s, _)| s.text.as_str()));
    texts.extend(runbooks.values().map(|r| r.source.text.as_str()));
    Some(Shared {
        root: root.to_path_buf(),
        fingerprint: fingerprint(&texts.join("\u{0}")),
        config,
        people,
        checklists: checklists.into_iter().map(|(k, (_, c))| (k, c)).collect(),
        runbooks,
        runbook_names,
        broken_checklists,
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

fn load_one<T: yaml::Document>(
    root: &Path,
    path: &Path,
    what: &str,
    problems: &mut Diagnostics,
) -> Option<(Source, T)> {
    if !crate::input::exists(path) {
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

fn parse_file<T: yaml::Document>(
    root: &Path,
    path: &Path,
    what: &str,
) -> Result<(Source, T), Diagnostic> {
    let source = yaml::read(root, path)?;
    let value = yaml::parse::<T>(&source, what)?;
    Ok((source, value))
}

/// Entries below `dir` named with one of `extensions`, sorted; hidden ones are
/// skipped. Named things (checklists, runbooks) are read from `dir` itself only
/// (`max_depth` 1), so two files can never claim the same name.
///
/// Symbolic links are followed (a loop is walked once), and every entry with
/// such a name is listed, whatever it is: a link that leads outside the site or
/// nowhere, a folder or a named pipe called `x.yaml` is then refused, with its
/// name, by the reader (`input::read`) instead of being skipped in silence.
pub fn files_with_extension(dir: &Path, extensions: &[&str], max_depth: usize) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .follow_links(true)
        .max_depth(max_depth)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()))
        .filter_map(|entry| match entry {
            Ok(e) => (e.depth() > 0).then(|| e.into_path()),
            // A dangling link or one that loops: the reader says which.
            Err(e) => e
                .path()
                .filter(|p| !p.file_name().is_some_and(is_hidden))
                .map(Path::to_path_buf),
        })
        .filter(|p| has_extension(p, extensions))
        .collect()
}

/// Whether `path` is one `files_with_extension(dir, extensions, ..)` takes, by
/// its name alone: below `dir`, nothing on the way hidden, a listed extension.
fn is_listed(dir: &Path, path: &Path, extensions: &[&str]) -> bool {
    path.strip_prefix(dir)
        .is_ok_and(|inside| !inside.iter().any(is_hidden))
        && has_extension(path, extensions)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| extensions.contains(&x))
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
