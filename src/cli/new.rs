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
//! - `blockers`, `verification`, `deployment`, `postponement` and `expedited` (an
//!   emergency change's verbal approvals and deadlines) are removed: they
//!   describe how the earlier release went.
//! - `metrics` keeps its success criteria (metrics with a `target`), without
//!   their measured `value`s; metrics without a target go.
//! - Everything else is kept as it was, for the writer to bring up to date.
//!
//! The copy goes through `serde_yaml::Value`, so the earlier file's comments are
//! lost; the new file says where it came from instead. Without an earlier release
//! the file comes from the commented template `scaffold/new-release.yaml`.

use std::io::Write as _;
use std::path::Path;

use super::{Cli, exit, print_invalid};
use crate::content::{self, schema, slugify};
use crate::diagnostic::{InvalidSite, display_path};
use crate::scaffold::{Earlier, copied_release, same_product, scan_releases, template_release};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The product, as its releases name it (`Northwind ERP`), in any letter case, or
    /// its slug (`northwind-erp`). A product without releases gets the template.
    pub product: String,
    /// The new release's semantic version: MAJOR.MINOR.PATCH, e.g. 2.5.0 or 2.5.0-rc.1.
    pub version: String,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_checked_with_help() {
        assert!(parse_version("2.5.0").is_ok());
        assert!(parse_version("2.5.0-rc.1").is_ok());
        let e = parse_version("v2.5.0").unwrap_err();
        assert!(e.contains("without the `v`: 2.5.0"), "{e}");
        let e = parse_version("2.5").unwrap_err();
        assert!(e.contains("not a semantic version"), "{e}");
    }
}
