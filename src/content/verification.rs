//! `verification: {file: results.json}`: counts read from a JSON file that a
//! test run wrote inside the site.
//!
//! The file is read through the same gate as every other file (`input::read`:
//! inside the site, a regular file, at most 4 MiB), and its errors name places
//! (line, column, key) but never quote its values: it is a machine's output,
//! and whatever it holds stays out of terminals and CI logs.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::release::{Release, Verification};
use crate::diagnostic::{Diagnostic, snippet};
use crate::yaml::{Positions, Source};

/// The keys of a results file, and what each holds.
const KEYS: &str = "passed, failed, warnings (whole numbers), duration_seconds (a number)";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Results {
    passed: Option<u32>,
    failed: Option<u32>,
    warnings: Option<u32>,
    duration_seconds: Option<f64>,
}

/// The file `verification: {file: results.json}` names, relative to the release file.
pub fn file(release_path: &Path, release: &Release) -> Option<PathBuf> {
    let file = release.verification.as_ref()?.file.as_ref()?;
    Some(beside(release_path, file))
}

/// `file`, named relative to the release file at `release_path`.
fn beside(release_path: &Path, file: &str) -> PathBuf {
    release_path.parent().unwrap_or(Path::new(".")).join(file)
}

/// Fills in the counts of `verification: {file: ...}` from the file, which
/// must be inside the site in `root`. Errors are placed at `verification.file`
/// in the release file.
pub fn load(
    root: &Path,
    release_path: &Path,
    source: &Source,
    release: &mut Release,
) -> Result<(), Diagnostic> {
    let Some(v) = &release.verification else {
        return Ok(());
    };
    let Some(file) = &v.file else { return Ok(()) };
    let error = |message: String, help: &str| {
        let at = Positions::of(&source.text).value("verification.file");
        source.error(at, message).with_help(help)
    };
    if v.passed.is_some()
        || v.failed.is_some()
        || v.warnings.is_some()
        || v.duration_seconds.is_some()
    {
        return Err(error(
            "verification has both `file:` and inline counts".into(),
            "keep one of them",
        ));
    }
    let named = snippet(file);
    let bytes = crate::input::read(root, &beside(release_path, file)).map_err(|refused| {
        let help = format!(
            "{}; the path is relative to the release file",
            refused.help()
        );
        error(
            format!("cannot use verification file `{named}`: {refused}"),
            &help,
        )
    })?;
    let mut json = serde_json::Deserializer::from_slice(&bytes);
    let results: Results = serde_path_to_error::deserialize(&mut json)
        .map_err(|e| error(format!("verification file `{named}` {}", problem(&e)), KEYS))?;
    release.verification = Some(Verification {
        passed: results.passed,
        failed: results.failed,
        warnings: results.warnings,
        duration_seconds: results.duration_seconds,
        file: Some(file.clone()),
        checks: v.checks.clone(),
    });
    Ok(())
}

/// What is wrong with the file and where, in golive's words: serde_json's own
/// messages quote the offending value.
fn problem(e: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let inner = e.inner();
    let place = format!("line {}, column {}", inner.line(), inner.column());
    let key = e.path().to_string();
    match inner.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("is not valid JSON ({place})")
        }
        serde_json::error::Category::Io => format!("cannot be read ({place})"),
        serde_json::error::Category::Data => {
            let known = ["passed", "failed", "warnings", "duration_seconds"];
            if inner.to_string().starts_with("unknown field") {
                format!("has a key that is not one of its keys ({place})")
            } else if key == "duration_seconds" {
                format!("has a `duration_seconds` that is not a number ({place})")
            } else if known.contains(&key.as_str()) {
                format!("has a `{key}` that is not a whole number of at least 0 ({place})")
            } else {
                format!("must hold one JSON object with its keys ({place})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem_of(json: &str) -> String {
        let mut de = serde_json::Deserializer::from_str(json);
        let e = serde_path_to_error::deserialize::<_, Results>(&mut de)
            .err()
            .expect("an error");
        problem(&e)
    }

    #[test]
    fn problems_name_the_key_and_place_but_never_the_value() {
        let secret = "s3cr3t-value";
        for (json, expected) in [
            (
                format!("{{\"passed\": \"{secret}\"}}"),
                "has a `passed` that is not a whole number",
            ),
            (
                format!("{{\"duration_seconds\": \"{secret}\"}}"),
                "`duration_seconds` that is not a number",
            ),
            (
                format!("{{\"{secret}\": 1}}"),
                "has a key that is not one of its keys",
            ),
            (format!("[\"{secret}\"]"), "must hold one JSON object"),
            (format!("{{\"passed\": {secret}}}"), "is not valid JSON"),
        ] {
            let text = problem_of(&json);
            assert!(text.contains(expected), "{json}: {text}");
            assert!(text.contains("line 1, column"), "{json}: {text}");
            assert!(!text.contains(secret), "{json}: {text}");
        }
    }
}
