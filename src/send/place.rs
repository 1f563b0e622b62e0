//! Where the send ledger lives, and with it its lock (`<ledger>.lock`) and the
//! calendars' memory (`calendar.json`, in the ledger's folder).
//!
//! The place is, first found: `--ledger FILE`, the `GOLIVE_LEDGER` environment
//! variable, `ledger:` in site.yaml, else `.golive/sent.jsonl`. A relative path
//! is taken from the site folder (as `--out` is), whichever of the three gives
//! it. Messages name the ledger as the user wrote it; `Origin` says who chose it,
//! which the CI rule (`super::ci`) needs: a ledger nobody chose is thrown away
//! with a CI job's checkout.

use std::path::{Path, PathBuf};

/// The place when nobody chooses one, relative to the site folder.
pub const DEFAULT: &str = ".golive/sent.jsonl";

/// The environment variable that chooses the place when `--ledger` is not given.
pub const VARIABLE: &str = "GOLIVE_LEDGER";

/// The calendars' memory, in the ledger's folder.
pub const CALENDAR_MEMORY: &str = "calendar.json";

/// Who chose the ledger's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Variable,
    SiteYaml,
    Default,
}

impl Origin {
    /// The source, in words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Origin::Flag => "from --ledger",
            Origin::Variable => "from GOLIVE_LEDGER",
            Origin::SiteYaml => "from `ledger:` in site.yaml",
            Origin::Default => "the default place",
        }
    }
}

/// The place the command line chose (the flag or the environment variable),
/// which wins over site.yaml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub path: PathBuf,
    pub origin: Origin,
}

impl Chosen {
    /// `--ledger`'s value if given, else `GOLIVE_LEDGER`'s if set and not empty.
    /// A bad variable is an error naming it and the fix.
    pub fn from_command_line(flag: Option<&Path>) -> Result<Option<Chosen>, String> {
        if let Some(path) = flag {
            return Ok(Some(Chosen {
                path: path.to_path_buf(),
                origin: Origin::Flag,
            }));
        }
        let Some(value) = std::env::var_os(VARIABLE) else {
            return Ok(None);
        };
        if value.is_empty() {
            return Ok(None);
        }
        let text = value.to_string_lossy();
        check(&text).map_err(|why| {
            format!(
                "{VARIABLE}: {why}\n  = help: set it to the ledger's file, such as /mnt/golive/sent.jsonl, or unset it"
            )
        })?;
        Ok(Some(Chosen {
            path: PathBuf::from(value),
            origin: Origin::Variable,
        }))
    }
}

/// What is wrong with a ledger path as written, if anything: the one rule for
/// the flag, the variable and site.yaml.
pub fn check(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("the ledger's path is empty".into());
    }
    if text.chars().any(char::is_control) {
        return Err(format!(
            "the ledger's path {:?} has a control character in it",
            text
        ));
    }
    if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
        return Err(format!(
            "`{text}` names a folder; the ledger is a file: name it, such as {text}sent.jsonl"
        ));
    }
    let path = Path::new(text);
    if path.file_name().is_none() {
        return Err(format!(
            "`{text}` names a folder; the ledger is a file: name it, such as {}",
            path.join("sent.jsonl").display()
        ));
    }
    Ok(())
}

/// A value of `--ledger`, checked (for clap).
pub fn parse_flag(text: &str) -> Result<PathBuf, String> {
    check(text).map(|()| PathBuf::from(text))
}

/// Where the ledger of one site is, and how to name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file, the site folder joined in front of a relative path.
    path: PathBuf,
    /// The path as written (or the default, relative to the site), for messages.
    shown: PathBuf,
    origin: Origin,
}

impl Place {
    /// The place for the site in `root`: `chosen` (the command line), else
    /// `configured` (site.yaml's `ledger:`), else the default.
    pub fn resolve(root: &Path, chosen: Option<&Chosen>, configured: Option<&Path>) -> Place {
        let (shown, origin) = match (chosen, configured) {
            (Some(c), _) => (c.path.clone(), c.origin),
            (None, Some(path)) => (path.to_path_buf(), Origin::SiteYaml),
            (None, None) => (PathBuf::from(DEFAULT), Origin::Default),
        };
        Place {
            path: root.join(&shown),
            shown,
            origin,
        }
    }

    /// The default place of the site in `root`.
    pub fn default_in(root: &Path) -> Place {
        Place::resolve(root, None, None)
    }

    /// The ledger file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The ledger as the user wrote it.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// Whether someone chose the place (flag, variable or site.yaml).
    pub fn is_configured(&self) -> bool {
        self.origin != Origin::Default
    }

    /// A file in the ledger's folder.
    pub fn beside(&self, name: &str) -> PathBuf {
        beside(&self.path, name)
    }

    /// A file in the ledger's folder, as the user would write it.
    pub fn shown_beside(&self, name: &str) -> PathBuf {
        beside(&self.shown, name)
    }
}

fn beside(file: &Path, name: &str) -> PathBuf {
    match file.parent() {
        Some(dir) => dir.join(name),
        None => PathBuf::from(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins_then_site_yaml_then_the_default_and_relative_paths_are_the_sites() {
        let root = Path::new("/site");
        let flag = Chosen {
            path: "ops/sent.jsonl".into(),
            origin: Origin::Flag,
        };
        let yaml = Path::new("/mnt/golive/sent.jsonl");
        let place = Place::resolve(root, Some(&flag), Some(yaml));
        assert_eq!(place.path(), Path::new("/site/ops/sent.jsonl"));
        assert_eq!(place.shown(), Path::new("ops/sent.jsonl"));
        assert_eq!(place.origin(), Origin::Flag);
        assert_eq!(
            place.shown_beside(CALENDAR_MEMORY),
            Path::new("ops/calendar.json")
        );

        let place = Place::resolve(root, None, Some(yaml));
        assert_eq!(place.path(), yaml, "an absolute path stays as it is");
        assert_eq!(place.origin(), Origin::SiteYaml);
        assert_eq!(
            place.beside(CALENDAR_MEMORY),
            Path::new("/mnt/golive/calendar.json")
        );

        let place = Place::default_in(root);
        assert_eq!(place.path(), Path::new("/site/.golive/sent.jsonl"));
        assert_eq!(place.shown(), Path::new(DEFAULT));
        assert!(!place.is_configured());
        assert_eq!(
            place.shown_beside(CALENDAR_MEMORY),
            Path::new(".golive/calendar.json")
        );
    }

    #[test]
    fn a_bare_file_name_keeps_its_memory_beside_it_in_the_site_folder() {
        let place = Place::resolve(Path::new("/site"), None, Some(Path::new("sent.jsonl")));
        assert_eq!(
            place.beside(CALENDAR_MEMORY),
            Path::new("/site/calendar.json")
        );
        assert_eq!(
            place.shown_beside(CALENDAR_MEMORY),
            Path::new("calendar.json")
        );
    }

    #[test]
    fn empty_control_characters_and_folders_are_refused_with_the_fix() {
        assert!(check("ops/sent.jsonl").is_ok());
        assert!(check("/mnt/golive/sent.jsonl").is_ok());
        assert!(check("").unwrap_err().contains("empty"));
        assert!(check("  ").unwrap_err().contains("empty"));
        assert!(check("a\tb").unwrap_err().contains("control character"));
        assert!(
            check("a\u{1b}[31m")
                .unwrap_err()
                .contains("control character")
        );
        let folder = check("ops/golive/").unwrap_err();
        assert!(folder.contains("ops/golive/sent.jsonl"), "{folder}");
        assert!(check("ops/..").unwrap_err().contains("names a folder"));
        assert!(check("..").unwrap_err().contains("names a folder"));
    }
}
