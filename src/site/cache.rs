//! What a build remembers for the next one, in `.golive-cache.json` in the output
//! folder (MessagePack after a header with the format's `VERSION`, despite the
//! name, which older output folders and the tools that skip it know): for every release file, the stamp (modification time and size) it had,
//! what the pages that list releases show of it (its summary and rows of HTML),
//! and the files it produced.
//!
//! A release whose file has the same stamp, built with the same shared inputs,
//! theme, date, golive version and cache `VERSION` (the cache `key`), and
//! with none of its warnings' deadlines passed in between, is neither parsed
//! nor rendered again: its files are kept as they are, unless its relations to
//! the other releases (`evaluate::relations`) come out different this build.
//! Anything else is rebuilt.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::content::Identity;
use crate::evaluate::{Footprint, Related, Summary};
use crate::render::Rows;
use crate::site::manifest;

pub const FILE: &str = ".golive-cache.json";

/// Part of the cache key: bumped whenever what a cache entry holds changes
/// meaning (2: summaries with decision due, owner and warnings; 4: each
/// release's footprint and relations, see `evaluate::relations`; 5: and
/// its calendar events; 6: rows with the release calendar's entry; 7: the
/// relations as a hash; 8: each release's search groups and the index's shards;
/// 9: postings mark title terms; 10: MessagePack instead of JSON, with
/// compact calendar events; 11: summaries keep a count of collisions and
/// the first few, rows link relative to the output folder).
pub const VERSION: u32 = 11;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct BuildCache {
    /// Changes whenever anything shared changes; then nothing cached is used.
    pub key: String,
    /// By release file, relative to the site root.
    pub releases: HashMap<PathBuf, CachedRelease>,
    /// The search index: the releases' document ids and the shards written.
    #[serde(default)]
    pub search: SearchState,
}

/// What the search index needs from one build to the next (see `search`).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct SearchState {
    /// The shards the output holds: name -> hash of the file.
    pub shards: std::collections::BTreeMap<String, u64>,
}

/// What the search index holds of a release.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Searched {
    /// Its document id (`search/docs/<id>.js`, see `search::ids`).
    pub id: u32,
    /// The shard groups its terms are in, with the hash of its postings in
    /// each: the groups to update when it changes (those whose hash changed)
    /// or goes (all).
    pub groups: Vec<(String, u64)>,
}

impl Searched {
    /// The groups to update when this entry is replaced by `new` (`None`: the
    /// release is gone).
    pub fn changed_groups<'a>(&'a self, new: Option<&'a Searched>) -> Vec<&'a String> {
        let Some(new) = new.filter(|n| n.id == self.id) else {
            // Gone, or under another id: its old postings go from every group.
            let mut all: Vec<&String> = self.groups.iter().map(|(g, _)| g).collect();
            all.extend(new.iter().flat_map(|n| n.groups.iter().map(|(g, _)| g)));
            all.sort();
            all.dedup();
            return all;
        };
        let mut changed: Vec<&String> = self
            .groups
            .iter()
            .filter(|g| !new.groups.contains(g))
            .chain(new.groups.iter().filter(|g| !self.groups.contains(g)))
            .map(|(g, _)| g)
            .collect();
        changed.sort();
        changed.dedup();
        changed
    }
}

/// What a build changes in the search index, gathered release by release:
/// the documents whose postings go (old ids) or come (new ids), and the shard
/// groups where that changes anything (`search::shards::Change`).
#[derive(Debug, Default)]
pub struct SearchEdits {
    pub replaced: HashSet<u32>,
    pub touched: BTreeSet<String>,
}

impl SearchEdits {
    /// A release's search entry went from `old` to `new` (`None`: it came, or went).
    pub fn record(&mut self, old: Option<&Searched>, new: Option<&Searched>) {
        match old {
            Some(old) => {
                self.replaced.insert(old.id);
                self.touched
                    .extend(old.changed_groups(new).into_iter().cloned());
            }
            None => self.touched.extend(
                new.iter()
                    .flat_map(|n| n.groups.iter().map(|(g, _)| g.clone())),
            ),
        }
        if let Some(new) = new {
            self.replaced.insert(new.id);
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedRelease {
    pub stamp: Stamp,
    /// Other files the release was read from, and their stamps then.
    pub depends: Vec<(PathBuf, Option<Stamp>)>,
    pub runbooks: Vec<String>,
    /// What pages that list releases show of it; also its slug, product and version.
    pub summary: Summary,
    /// Its row on the dashboard and its line on runbook pages, as HTML.
    pub rows: Rows,
    /// Output files and the hashes of their bytes.
    pub outputs: Vec<(PathBuf, u64)>,
    /// The time it was rendered at (seconds since 1970).
    pub rendered_at: i64,
    /// The moments (seconds since 1970) at which its warnings come or go.
    pub deadlines: Vec<i64>,
    /// What relating it to the other releases needs of it, so that it is
    /// related again without being read when another release changes.
    pub footprint: Footprint,
    /// The hash of its relations as its pages show them (`related_hash`):
    /// when relating gives something else (another release changed), it is
    /// rendered again. Only compared, so only the hash is kept.
    pub related: u64,
    /// Its calendar events as published, for the site's feed.
    #[serde(default)]
    pub calendar: crate::calendar::Published,
    /// What the search index holds of it.
    #[serde(default)]
    pub search: Searched,
}

/// What a cache entry keeps of a release's relations: the hash of their
/// serialised form. The JSON goes straight into a streaming hasher, which
/// gives the value that hashing the whole text would (`manifest::hash`), so
/// the caches written before stay valid, without building the text: a
/// serving builder hashes every release's relations after each edit. Most
/// releases relate to nothing: their hash is a constant, computed once.
pub fn related_hash(related: &Related) -> u64 {
    static NOTHING: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let hash = |related: &Related| {
        let mut hasher = HashWriter(xxhash_rust::xxh3::Xxh3::new());
        serde_json::to_writer(&mut hasher, related).expect("relations serialise");
        hasher.0.digest()
    };
    if *related == Related::default() {
        return *NOTHING.get_or_init(|| hash(&Related::default()));
    }
    hash(related)
}

/// Bytes written into it are hashed.
struct HashWriter(xxhash_rust::xxh3::Xxh3);

impl std::io::Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Modification time (nanoseconds since 1970) and size of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub modified: u128,
    pub size: u64,
}

impl CachedRelease {
    /// Whether the release file still has `stamp` and the other files it was
    /// read from are unchanged too.
    pub fn unchanged(&self, stamp: Option<Stamp>) -> bool {
        Some(self.stamp) == stamp && self.depends.iter().all(|(p, s)| Stamp::of(p) == *s)
    }

    /// Whether its pages, rendered at `rendered_at`, still show what they would
    /// show at `now`: no deadline lies between the two times (either way:
    /// `--now` may go back). A second either side is counted, to be safe.
    pub fn current_at(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        let now = now.timestamp();
        let (from, to) = (self.rendered_at.min(now) - 1, self.rendered_at.max(now) + 1);
        !self.deadlines.iter().any(|d| (from..=to).contains(d))
    }

    /// What identifies the release in the file `path`, for the duplicate check.
    pub fn identity(&self, path: &Path) -> Identity {
        Identity {
            slug: self.summary.slug.clone(),
            path: path.to_path_buf(),
            product: self.summary.product.clone(),
            version: self.summary.version.clone(),
            depends_on: self.footprint.depends_on.clone(),
        }
    }
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Stamp {
            modified,
            size: meta.len(),
        })
    }
}

/// What a cache file starts with: golive's mark and the format's number
/// (`VERSION`). A file without it (one from an older golive, JSON, a damaged
/// one) is not read: the build starts without a cache and writes a new one.
fn header() -> Vec<u8> {
    header_of(MAGIC, VERSION)
}

/// The start of one of golive's binary bookkeeping files: its mark, then the
/// number of its format.
pub(super) fn header_of(magic: &[u8], version: u32) -> Vec<u8> {
    let mut head = magic.to_vec();
    head.extend_from_slice(&version.to_le_bytes());
    head
}

const MAGIC: &[u8; 12] = b"golive-cache";

impl BuildCache {
    /// The cache of the output folder `out`, if it has a readable one of this
    /// format. It is decoded as it is read, not read whole first.
    pub fn read(out: &Path) -> Option<BuildCache> {
        use std::io::Read;
        let file = std::fs::File::open(out.join(FILE)).ok()?;
        let mut reader = std::io::BufReader::with_capacity(256 * 1024, file);
        let mut head = vec![0; header().len()];
        reader.read_exact(&mut head).ok()?;
        if head != header() {
            return None;
        }
        rmp_serde::from_read(reader).ok()
    }

    /// Writes it into `out`, atomically (a temporary file renamed over the old
    /// one), as MessagePack after the header, streamed to the file.
    pub fn write(&self, out: &Path) -> std::io::Result<()> {
        manifest::write_atomically_with(&out.join(FILE), |w| {
            w.write_all(&header())?;
            // Fields by name, so that a field skipped when empty is read right.
            rmp_serde::encode::write_named(w, self).map_err(std::io::Error::other)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::verdict::{Reason, Rule};

    /// The streamed hash is the hash of the JSON text, as caches written
    /// before hold it.
    #[test]
    fn related_hash_is_the_hash_of_the_json() {
        let reason = |message: &str| Reason {
            rule: Rule::NothingToScore,
            blocking: true,
            message: message.into(),
        };
        let some = Related {
            reasons: vec![reason("a freeze"), reason(&"long ".repeat(200))],
            ..Related::default()
        };
        for related in [Related::default(), some] {
            let json = serde_json::to_vec(&related).unwrap();
            assert_eq!(related_hash(&related), manifest::hash(&json));
        }
        assert_ne!(
            related_hash(&Related::default()),
            related_hash(&Related {
                reasons: vec![reason("x")],
                ..Related::default()
            })
        );
    }
}
