//! The CI rule: under CI, a real send refuses when its ledger would be thrown
//! away with the checkout, because the next run (a rerun of the job, or the
//! next pipeline) starts from a fresh clone that knows nothing of this send and
//! would send the same email again.
//!
//! Two cases are known to be thrown away:
//! - the ledger is at its default place (`.golive/sent.jsonl`): nobody chose
//!   to keep it, and `.golive/` is git-ignored;
//! - the configured ledger is inside the site's git work tree and git ignores
//!   it (`git check-ignore`): it is never committed, so a clone lacks it.
//!
//! A configured ledger outside the work tree (a shared volume), or inside it
//! and not ignored (committed by the job), passes. Without git, or outside a
//! repository, the second case is not checked. `--ephemeral-ledger` accepts
//! the loss for one send; a dry run only warns.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::place::{Origin, Place};

/// The environment variable CI services set (GitHub Actions, GitLab CI, and most others).
pub const VARIABLE: &str = "CI";

/// Whether `CI`'s value means "running under CI": set, not empty, and not
/// `false` or `0`.
pub fn is_ci(value: Option<&OsStr>) -> bool {
    match value {
        None => false,
        Some(value) => {
            let text = value.to_string_lossy();
            let text = text.trim();
            !(text.is_empty() || text.eq_ignore_ascii_case("false") || text == "0")
        }
    }
}

/// Why the ledger would be thrown away with the checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loss {
    /// Nobody chose a place: it is the default, inside the checkout.
    DefaultPlace,
    /// git ignores it; `rule` is git's `source:line:pattern` when it said.
    Ignored { rule: Option<String> },
}

/// Whether the ledger at `place`, in the site in `root`, goes with the checkout.
pub fn loss(root: &Path, place: &Place) -> Option<Loss> {
    if place.origin() == Origin::Default {
        return Some(Loss::DefaultPlace);
    }
    ignored_by_git(root, place.path()).map(|rule| Loss::Ignored { rule })
}

/// `Some(rule)` when git says `file` is ignored in the work tree around
/// `root`; `None` when it is not, is outside the work tree, or git cannot say
/// (not installed, not a repository).
fn ignored_by_git(root: &Path, file: &Path) -> Option<Option<String>> {
    let file = resolved(file);
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["check-ignore", "--verbose", "--"])
        .arg(&file)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    // 0: ignored; 1: not ignored; 128: not a repository, or outside it.
    if output.status.code() != Some(0) {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let rule = text
        .lines()
        .next()
        .and_then(|line| line.split_once('\t'))
        .map(|(rule, _)| rule.to_string())
        .filter(|rule| !rule.is_empty() && !rule.chars().any(char::is_control));
    Some(rule)
}

/// `file` made absolute, its deepest existing folder resolved (symbolic links,
/// `..`), so git compares it with the work tree as the file system sees it.
fn resolved(file: &Path) -> PathBuf {
    let file = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let mut existing = file.as_path();
    let mut rest = Vec::new();
    while let Some(parent) = existing.parent() {
        if let Some(name) = existing.file_name() {
            rest.push(name.to_os_string());
        }
        existing = parent;
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |path, name| path.join(name));
        }
    }
    file
}

/// What to tell the user: the reason, the rule that fired and the fix, as the
/// lines after an `error:` or `warning:` header.
pub fn explain(place: &Place, loss: &Loss, ci_value: &str) -> (String, String, String) {
    let shown = place.shown().display();
    let reason = match loss {
        Loss::DefaultPlace => format!(
            "the send ledger is at its default place, {shown}, and the ledger in .golive/ is \
             thrown away with the checkout, so a rerun of this job would send this email again"
        ),
        Loss::Ignored { rule } => format!(
            "the send ledger {shown} ({}) is ignored by git{}, so it is never committed and is \
             thrown away with the checkout: a rerun of this job would send this email again",
            place.origin().describe(),
            rule.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()
        ),
    };
    let rule = match loss {
        Loss::DefaultPlace => format!(
            "CI is set (CI={ci_value}) and no ledger place is configured (no --ledger, no \
             GOLIVE_LEDGER, no `ledger:` in site.yaml)"
        ),
        Loss::Ignored { .. } => format!(
            "CI is set (CI={ci_value}) and `git check-ignore` says the configured ledger is ignored"
        ),
    };
    let keep = match loss {
        Loss::DefaultPlace => {
            "set `ledger:` in site.yaml to a path the job commits after sending (such as \
             ops/golive/sent.jsonl) or to a shared volume (such as /mnt/golive/sent.jsonl), \
             or give it with --ledger or GOLIVE_LEDGER"
        }
        Loss::Ignored { .. } => {
            "stop ignoring it (edit the rule above) and commit it after sending, or move it \
             to a shared volume outside the checkout (`ledger:` in site.yaml, --ledger or \
             GOLIVE_LEDGER)"
        }
    };
    let help = format!(
        "{keep}; or pass --ephemeral-ledger to send anyway, accepting that a rerun sends again"
    );
    (reason, rule, help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_is_any_value_but_empty_false_and_zero() {
        for yes in ["true", "1", "yes", "TRUE", "gitlab"] {
            assert!(is_ci(Some(OsStr::new(yes))), "{yes}");
        }
        for no in ["", " ", "false", "False", "0"] {
            assert!(!is_ci(Some(OsStr::new(no))), "{no:?}");
        }
        assert!(!is_ci(None));
    }

    #[test]
    fn the_default_place_is_lost_without_asking_git() {
        let place = Place::default_in(Path::new("/nonexistent-site"));
        assert_eq!(
            loss(Path::new("/nonexistent-site"), &place),
            Some(Loss::DefaultPlace)
        );
        let (reason, rule, help) = explain(&place, &Loss::DefaultPlace, "true");
        assert!(reason.contains(".golive/sent.jsonl"), "{reason}");
        assert!(reason.contains("thrown away with the checkout"), "{reason}");
        assert!(rule.contains("CI=true"), "{rule}");
        assert!(help.contains("`ledger:`") && help.contains("--ephemeral-ledger"));
    }

    #[test]
    fn a_configured_place_outside_any_repository_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let place = Place::resolve(dir.path(), None, Some(Path::new("ops/sent.jsonl")));
        assert_eq!(loss(dir.path(), &place), None);
    }

    #[test]
    fn a_path_below_missing_folders_is_resolved_from_the_deepest_existing_one() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        let file = dir.path().join("b/c/sent.jsonl");
        assert_eq!(resolved(&file), real.join("b/c/sent.jsonl"));
    }
}
