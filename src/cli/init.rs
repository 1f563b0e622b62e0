//! `golive init [DIR]`: a new site with settings, people, a shared checklist, a
//! runbook and one example release that builds at once.
//!
//! The files are the ones in the repository's `scaffold/site/`, compiled in. `init`
//! never overwrites: if any file it would write exists, it writes none of them.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{Cli, exit};
use crate::content::schema;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder for the new site; created if missing. Default: the --root folder (".").
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The files of a new site, relative to its folder, with what each one is for.
const FILES: &[(&str, &str, &str)] = &[
    (
        "content/site.yaml",
        include_str!("../../scaffold/site/content/site.yaml"),
        "settings: title, time zone, readiness policy, approval matrix, email",
    ),
    (
        "content/people.yaml",
        include_str!("../../scaffold/site/content/people.yaml"),
        "people and groups that releases refer to",
    ),
    (
        "content/checklists/production-deployment.yaml",
        include_str!("../../scaffold/site/content/checklists/production-deployment.yaml"),
        "a shared checklist (`use: production-deployment`)",
    ),
    (
        "content/runbooks/service-unavailable.md",
        include_str!("../../scaffold/site/content/runbooks/service-unavailable.md"),
        "a troubleshooting runbook",
    ),
    (
        "content/releases/acme-portal-1.4.0.yaml",
        include_str!("../../scaffold/site/content/releases/acme-portal-1.4.0.yaml"),
        "an example release",
    ),
];

pub fn run(cli: &Cli, args: &Args) -> i32 {
    let dir = args.dir.as_deref().unwrap_or(&cli.root);
    let mut err = anstream::stderr().lock();

    let mut paths: Vec<&str> = FILES.iter().map(|(path, _, _)| *path).collect();
    paths.push(schema::SITE_PATH);
    let conflicts = conflicts(dir, &paths);
    if !conflicts.is_empty() {
        let _ = writeln!(
            err,
            "error: golive init would overwrite {} in {}:",
            if conflicts.len() == 1 {
                "a file that exists"
            } else {
                "files that exist"
            },
            dir.display()
        );
        for path in &conflicts {
            let _ = writeln!(err, "  {path}");
        }
        let _ = writeln!(
            err,
            "  = help: nothing was written; choose an empty folder (`golive init NEW-DIR`) or move these away"
        );
        return exit::FAILED;
    }

    let mut written: Vec<PathBuf> = Vec::new();
    let result = FILES
        .iter()
        .try_for_each(|(path, text, _)| write_new(&dir.join(path), text, &mut written))
        .and_then(|()| {
            written.push(dir.join(schema::SITE_PATH));
            schema::write_into_site(dir)
                .map_err(|e| format!("cannot write {}: {e}", schema::SITE_PATH))
        });
    if let Err(message) = result {
        // Leave the folder as it was: remove what this run wrote.
        for path in written.iter().rev() {
            let _ = std::fs::remove_file(path);
        }
        let _ = writeln!(err, "error: {message}");
        let _ = writeln!(
            err,
            "  = help: nothing was kept; fix the cause and run golive init again"
        );
        return exit::FAILED;
    }

    if !cli.quiet {
        let mut out = anstream::stdout().lock();
        let _ = writeln!(out, "created a golive site in {}:", dir.display());
        let width = paths.iter().map(|p| p.len()).max().unwrap_or(0);
        for (path, _, what) in FILES {
            let _ = writeln!(out, "  {path:<width$}  {what}");
        }
        let _ = writeln!(
            out,
            "  {:<width$}  the JSON Schema of release files, for editors",
            schema::SITE_PATH
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "next steps:");
        let cd = if dir == Path::new(".") || dir.as_os_str().is_empty() {
            String::new()
        } else {
            format!("cd {} && ", shell_quote(&dir.display().to_string()))
        };
        let steps = [
            (format!("{cd}golive build"), "build the site into public/"),
            (
                "open public/index.html".to_string(),
                "the dashboard; every release has its own pages",
            ),
            (
                "golive check".to_string(),
                "validate, and print each release's go/no-go",
            ),
            (
                "golive new <product> <version>".to_string(),
                "start the next release file",
            ),
        ];
        let width = steps.iter().map(|(s, _)| s.len()).max().unwrap_or(0);
        for (step, what) in steps {
            let _ = writeln!(out, "  {step:<width$}  {what}");
        }
    }
    exit::OK
}

/// The paths (relative, as given) that are in the way: files that exist, and
/// anything that is not a folder where a folder is needed.
fn conflicts(dir: &Path, paths: &[&str]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for path in paths {
        let full = dir.join(path);
        if full.symlink_metadata().is_ok() {
            found.push((*path).to_string());
            continue;
        }
        // A file where one of its folders should be (e.g. `content` is a file).
        let mut folder = PathBuf::new();
        let parent = Path::new(path).parent().unwrap_or(Path::new(""));
        for part in parent.components() {
            folder.push(part);
            if dir.join(&folder).is_file() {
                let shown = folder.display().to_string();
                if !found.contains(&shown) {
                    found.push(shown);
                }
                break;
            }
        }
    }
    found
}

/// Writes a file that must not exist yet, creating its folders; records it.
fn write_new(path: &Path, text: &str, written: &mut Vec<PathBuf>) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    written.push(path.to_path_buf());
    file.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `text` as one shell word (for the printed next steps).
fn shell_quote(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./+:@".contains(c));
    if plain && !text.is_empty() {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_release_starts_with_the_schema_modeline() {
        let (_, text, _) = FILES
            .iter()
            .find(|(p, _, _)| p.starts_with("content/releases/"))
            .unwrap();
        assert_eq!(text.lines().next(), Some(schema::modeline().as_str()));
    }

    #[test]
    fn folder_names_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(shell_quote("my-site"), "my-site");
        assert_eq!(shell_quote("my site"), "'my site'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
