//! The output folder, updated in place.
//!
//! Replacing a whole output tree after each build costs more than the build once
//! a site has thousands of releases (deleting 140,000 files takes about 20 s), so
//! golive updates the folder instead, keeping the same guarantees:
//!
//! - Nothing is touched unless the whole build succeeded in memory first
//!   (content and templates are all checked before the first write).
//! - A file is written only when its bytes differ from what the manifest says
//!   is there; it is written to a temporary name and renamed over the old one,
//!   so a reader sees the old page or the new page, never half of one.
//! - Files the new build does not produce (a removed release's pages) are
//!   deleted, and the manifest, which lists every file and its hash, is written
//!   last. A build that fails half-way leaves the old manifest, and the next
//!   build rewrites whatever differs from it.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::render::OutputFile;

/// Marks a folder as golive's output, so that a build never writes into a folder
/// it did not make (say, `--out content` by mistake).
pub const MARKER: &str = ".golive-output";
/// Every file of the last complete build, with the hash of its bytes.
pub const MANIFEST: &str = ".golive-manifest";

/// A stable hash of a file's bytes: XXH3, which is specified (std's
/// DefaultHasher may change between Rust releases, which would make every
/// build after a toolchain update rewrite every file) and about ten times
/// faster than SipHash on the multi-megabyte pages of a large site.
pub fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Every file of a build and the hash of its bytes: what the manifest lists.
pub type Manifest = HashMap<PathBuf, u64>;

/// An output folder being updated; `put` may be called from many threads.
pub struct Output {
    dir: PathBuf,
    old: Manifest,
    new: Mutex<Manifest>,
    /// A partial update (`resume`): files not put are kept, unless `drop`ped.
    partial: Option<Mutex<Vec<PathBuf>>>,
    made_dirs: Mutex<HashSet<PathBuf>>,
    written: AtomicUsize,
    bytes_written: AtomicU64,
}

/// What an update did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Files in the output.
    pub files: usize,
    /// Files written because they were new or changed.
    pub written: usize,
    pub bytes_written: u64,
    /// Files deleted because the build no longer produces them.
    pub deleted: usize,
}

impl Output {
    /// Opens `dir` for an update, creating it if needed. Refuses a file, or a
    /// non-empty folder that golive did not make.
    pub fn open(dir: &Path) -> io::Result<Output> {
        let foreign = dir.is_file()
            || (dir.is_dir() && !dir.join(MARKER).exists() && fs::read_dir(dir)?.next().is_some());
        if foreign {
            return Err(io::Error::other(format!(
                "{} exists and was not made by golive; refusing to write into it (choose another --out, or empty it first)",
                dir.display()
            )));
        }
        fs::create_dir_all(dir)?;
        let marker = dir.join(MARKER);
        if !marker.exists() {
            fs::write(
                &marker,
                b"built by golive; files here are replaced by every build\n",
            )?;
        }
        let old = match fs::read_to_string(dir.join(MANIFEST)) {
            Ok(text) => parse_manifest(&text),
            // No manifest (an interrupted first build): every file already there is
            // unknown, so it is rewritten if produced and deleted if not.
            Err(_) => existing_files(dir),
        };
        Ok(Output::with(dir, old, None))
    }

    /// Opens `dir` for a partial update by a builder that holds its manifest
    /// (`golive serve` between two builds): every file listed stays unless it is
    /// put again or dropped. The manifest on disk is removed first and written
    /// again by `persist`, so that if golive stops in between, the next build
    /// finds no manifest and rewrites every file instead of trusting a stale one.
    pub fn resume(dir: &Path, manifest: Manifest) -> io::Result<Output> {
        match fs::remove_file(dir.join(MANIFEST)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        Ok(Output::with(dir, manifest, Some(Mutex::new(Vec::new()))))
    }

    fn with(dir: &Path, old: Manifest, partial: Option<Mutex<Vec<PathBuf>>>) -> Output {
        Output {
            dir: dir.to_path_buf(),
            old,
            new: Mutex::new(HashMap::new()),
            partial,
            made_dirs: Mutex::new(HashSet::new()),
            written: AtomicUsize::new(0),
            bytes_written: AtomicU64::new(0),
        }
    }

    /// In a partial update, marks a file of the last build as no longer produced.
    pub fn drop_file(&self, path: &Path) {
        if let Some(dropped) = &self.partial {
            dropped
                .lock()
                .expect("dropped lock")
                .push(path.to_path_buf());
        }
    }

    /// Ends a partial update: deletes the dropped files and returns the manifest
    /// of the folder now, which the caller writes with `persist` when it likes.
    pub fn finish_partial(self) -> io::Result<(Written, Manifest)> {
        let mut manifest = self.old;
        let new = self.new.into_inner().expect("manifest lock");
        let dropped = self
            .partial
            .map(|d| d.into_inner().expect("dropped lock"))
            .unwrap_or_default();
        let mut deleted = 0;
        for path in dropped {
            if new.contains_key(&path) || manifest.remove(&path).is_none() {
                continue;
            }
            match fs::remove_file(self.dir.join(&path)) {
                Ok(()) => deleted += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            remove_empty_parents(&self.dir, &path);
        }
        manifest.extend(new);
        Ok((
            Written {
                files: manifest.len(),
                written: self.written.into_inner(),
                bytes_written: self.bytes_written.into_inner(),
                deleted,
            },
            manifest,
        ))
    }

    /// Writes `file` unless the output already holds these exact bytes; returns
    /// the hash of its bytes (what the manifest records).
    pub fn put(&self, file: &OutputFile) -> io::Result<u64> {
        let h = hash(&file.bytes);
        if self.old.get(&file.path) != Some(&h) {
            let path = self.dir.join(&file.path);
            if let Some(parent) = path.parent() {
                let fresh = self
                    .made_dirs
                    .lock()
                    .expect("dirs lock")
                    .insert(parent.to_path_buf());
                if fresh {
                    fs::create_dir_all(parent)?;
                }
            }
            if self.old.contains_key(&file.path) {
                // Replacing a page readers may be loading: write aside, then rename.
                let temporary = path.with_extension(format!(
                    "{}.golive-tmp",
                    path.extension()
                        .map(|e| e.to_string_lossy())
                        .unwrap_or_default()
                ));
                fs::write(&temporary, &file.bytes)?;
                fs::rename(&temporary, &path)?;
            } else {
                // A new file: nobody can be reading it yet.
                fs::write(&path, &file.bytes)?;
            }
            self.written.fetch_add(1, Ordering::Relaxed);
            self.bytes_written
                .fetch_add(file.bytes.len() as u64, Ordering::Relaxed);
        }
        self.new
            .lock()
            .expect("manifest lock")
            .insert(file.path.clone(), h);
        Ok(h)
    }

    /// Keeps a file of the last build that this build did not render again
    /// (its inputs are unchanged). False if the last build did not have it.
    pub fn keep(&self, path: &Path, h: u64) -> bool {
        if self.old.get(path) != Some(&h) {
            return false;
        }
        self.new
            .lock()
            .expect("manifest lock")
            .insert(path.to_path_buf(), h);
        true
    }

    /// The hash the last build recorded for `path`.
    pub fn previous(&self, path: &Path) -> Option<u64> {
        self.old.get(path).copied()
    }

    /// Deletes what the build no longer produces and writes the manifest, last;
    /// returns the manifest too.
    pub fn finish(self) -> io::Result<(Written, Manifest)> {
        let new = self.new.into_inner().expect("manifest lock");
        let mut deleted = 0;
        for path in self.old.keys().filter(|p| !new.contains_key(*p)) {
            match fs::remove_file(self.dir.join(path)) {
                Ok(()) => deleted += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            remove_empty_parents(&self.dir, path);
        }
        let written = self.written.into_inner();
        let unchanged = written == 0 && deleted == 0 && new.len() == self.old.len();
        let written = Written {
            files: new.len(),
            written,
            bytes_written: self.bytes_written.into_inner(),
            deleted,
        };
        if !(unchanged && self.dir.join(MANIFEST).exists()) {
            persist(&self.dir, &new)?;
        }
        Ok((written, new))
    }
}

/// Writes `manifest` as the manifest of `dir`, atomically.
pub fn persist(dir: &Path, manifest: &Manifest) -> io::Result<()> {
    let mut lines: Vec<String> = manifest
        .iter()
        .map(|(p, h)| format!("{h:016x}\t{}", p.display()))
        .collect();
    lines.sort_unstable();
    let temporary = dir.join(format!("{MANIFEST}.golive-tmp"));
    fs::write(&temporary, lines.join("\n") + "\n")?;
    fs::rename(&temporary, dir.join(MANIFEST))
}

fn parse_manifest(text: &str) -> HashMap<PathBuf, u64> {
    text.lines()
        .filter_map(|l| {
            let (h, p) = l.split_once('\t')?;
            Some((PathBuf::from(p), u64::from_str_radix(h, 16).ok()?))
        })
        .collect()
}

/// Files already in `dir` (but golive's own bookkeeping), with an impossible hash.
fn existing_files(dir: &Path) -> HashMap<PathBuf, u64> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.path().strip_prefix(dir).ok().map(Path::to_path_buf))
        .filter(|p| p != Path::new(MARKER) && p != Path::new(MANIFEST))
        .map(|p| (p, 0))
        .collect()
}

/// Removes the folders above a deleted file that are now empty.
fn remove_empty_parents(dir: &Path, path: &Path) {
    let mut parent = path.parent();
    while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
        if fs::remove_dir(dir.join(p)).is_err() {
            break;
        }
        parent = p.parent();
    }
}
