//! A checked release kept compact between checking and rendering.
//!
//! A build checks every changed release before it writes anything, and renders
//! them afterwards; holding 10,000 parsed releases in between costs far more
//! memory than the build may use, and parsing their YAML a second time costs a
//! sixth of the build's CPU. A `Packed` release is the parsed release written as
//! compact JSON: about the size of its YAML text, and read back many times
//! faster than YAML (serde_json against serde_yaml). Every type of a release
//! writes what it reads (times, thresholds and versions as their text), so the
//! release read back is the one that was checked; `tests` holds that to the seeds.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::release::Release;
use super::{LoadedRelease, Shared};
use crate::diagnostic::Diagnostic;

/// A checked release as compact JSON, with what `LoadedRelease` adds to it.
pub struct Packed {
    slug: String,
    shown: PathBuf,
    depends: Vec<PathBuf>,
    json: Box<[u8]>,
}

impl Packed {
    /// Packs a checked release (the parsed form can go now).
    pub fn of(loaded: &LoadedRelease) -> Packed {
        let json = serde_json::to_vec(&*loaded.release).expect("a release always serialises");
        Packed {
            slug: loaded.slug.clone(),
            shown: loaded.path.clone(),
            depends: loaded.depends.clone(),
            json: json.into_boxed_slice(),
        }
    }

    /// The release read back, without the checks it already passed; if it
    /// somehow does not read back, the file `path` is read and checked again.
    pub fn unpack(self, shared: &Shared, path: &Path) -> Result<LoadedRelease, Vec<Diagnostic>> {
        match serde_json::from_slice::<Release>(&self.json) {
            Ok(release) => Ok(LoadedRelease {
                slug: self.slug,
                path: self.shown,
                release: Arc::new(release),
                depends: self.depends,
            }),
            Err(_) => shared.release(&shared.root, path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Packs and unpacks every release of the site in `root`, and checks each
    /// reads back exactly as parsed from YAML (every field, also those the
    /// templates never see); how many releases it checked.
    fn read_back(root: &Path) -> usize {
        let Ok(site) = crate::content::load(root) else {
            return 0;
        };
        for loaded in &site.releases {
            let before = format!("{loaded:?}");
            let path = root.join(&loaded.path);
            let again = Packed::of(loaded).unpack(&site.shared, &path).unwrap();
            assert_eq!(before, format!("{again:?}"), "{}", path.display());
        }
        site.releases.len()
    }

    #[test]
    fn releases_read_back_from_packed_as_parsed() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for dir in ["tests/fixtures", "content"] {
            for entry in walkdir::WalkDir::new(manifest.join(dir))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_name() == "site.yaml")
            {
                // <root>/content/site.yaml
                if let Some(root) = entry.path().parent().and_then(Path::parent) {
                    checked += read_back(root);
                }
            }
        }
        assert!(checked > 20, "only {checked} releases checked");
    }

    /// The same for a site named by `GOLIVE_PACKED_SITE` (a generated corpus:
    /// `cargo test --lib packed -- --ignored`).
    #[test]
    #[ignore]
    fn a_named_sites_releases_read_back_as_parsed() {
        let root = std::env::var("GOLIVE_PACKED_SITE").expect("GOLIVE_PACKED_SITE");
        assert!(read_back(Path::new(&root)) > 0);
    }
}
