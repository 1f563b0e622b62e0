//! The output folder, updated in place, all or nothing.
//!
//! Replacing a whole output tree after each build costs more than the build once
//! a site has thousands of releases (deleting 140,000 files takes about 20 s), so
//! golive updates the folder instead. What it guarantees:
//!
//! - One writer at a time: the caller holds the folder's lock (`lock`).
//! - A file is written only when its bytes differ from what the folder holds.
//!   A file new to the folder is created in place (nobody can be reading it);
//!   a replacement is written aside under a temporary name and renamed over
//!   the old file only in `commit`, after every page of the build was
//!   rendered and written. Files the build no longer produces are deleted in
//!   `commit` too.
//! - A build that fails while golive is alive (invalid content found while
//!   rendering, an I/O error such as a full disk, Ctrl-C or SIGTERM, a panic)
//!   never reaches `commit`: `roll_back` (or, when unwinding, `Drop`) deletes
//!   the files it created and its temporary files, and the folder is exactly
//!   as it was.
//! - Before its first change to the folder a build creates the dirty marker
//!   (`manifest::DIRTY`, synced to disk); the caller removes it after writing
//!   the manifest and the cache. So a build stopped where nothing can clean
//!   up (kill -9, a crash) leaves the marker,
//!   and the next build does not trust the manifest: it hashes every file,
//!   deletes leftover temporary files, and then writes exactly what differs
//!   from a clean build and deletes what a clean build would not have.
//! - An unchanged rebuild writes nothing: no marker, no manifest, no walk.
//!
//! Files are not synced one by one (that would cost more than the build): after
//! a power cut the kernel may have lost pages that were written but not yet on
//! disk; only the marker is made durable before the first write.

use std::collections::{HashMap, HashSet};
use std::fs::{self, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::manifest::{self, Checked};
use super::{fault, interrupt};
use crate::render::OutputFile;

pub use super::manifest::{MANIFEST, MARKER, Manifest, hash};

/// What `prepare` made, to be removed again if the build fails.
#[derive(Debug, Default, Clone, Copy)]
pub struct Prepared {
    pub folder: bool,
    pub marker: bool,
}

/// Makes `dir` ready to be golive's output folder: creates it and its marker.
/// Refuses a file, or a non-empty folder without the marker, so that a build
/// never writes into a folder it did not make (say, `--out content`).
pub fn prepare(dir: &Path) -> io::Result<Prepared> {
    let marker = dir.join(MARKER);
    if marker.is_file() {
        return Ok(Prepared::default());
    }
    let foreign = dir.is_file() || (dir.is_dir() && fs::read_dir(dir)?.next().is_some());
    if foreign {
        return Err(io::Error::other(format!(
            "{} exists and was not made by golive; refusing to write into it (choose another --out, or empty it first)",
            dir.display()
        )));
    }
    let folder = !dir.exists();
    fs::create_dir_all(dir)?;
    let made = match OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&marker)
    {
        Ok(mut f) => {
            io::Write::write_all(
                &mut f,
                b"built by golive; files here are replaced by every build\n",
            )?;
            true
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => false,
        Err(e) => return Err(e),
    };
    Ok(Prepared {
        folder,
        marker: made,
    })
}

/// Whether `dir` is marked unfinished: a build stopped there before it could
/// clean up (or could not undo its changes), and the next build checks every
/// file. A folder without the mark matches its manifest.
pub fn is_unfinished(dir: &Path) -> bool {
    dir.join(manifest::DIRTY).exists()
}

/// An output folder being updated; `put` may be called from many threads.
pub struct Output {
    dir: PathBuf,
    /// What the folder held when the update began.
    old: Manifest,
    /// Set when `old` came from reading every file, not from a manifest.
    checked: Option<Checked>,
    new: Mutex<Manifest>,
    /// A partial update (`partial`): files not put are kept, unless dropped.
    dropped: Option<Mutex<Vec<PathBuf>>>,
    /// Folders (relative) known to be real folders.
    folders: Mutex<HashSet<PathBuf>>,
    journal: Mutex<Journal>,
    dirty: Mutex<Dirty>,
    written: AtomicUsize,
    bytes_written: AtomicU64,
    /// False once committed or rolled back; `Drop` rolls back an open update.
    open: bool,
}

/// What this update changed, to put into place or to undo.
#[derive(Default)]
struct Journal {
    /// New files written in place.
    created: Vec<PathBuf>,
    /// Replacements written aside: (temporary, final) paths.
    staged: Vec<(PathBuf, PathBuf)>,
    /// Folders this update created, parents first.
    folders: Vec<PathBuf>,
}

/// The dirty marker: whether it was there when the update began, and whether
/// it is there now.
#[derive(Clone, Copy)]
struct Dirty {
    was: bool,
    is: bool,
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

/// An update put into place: the files are final, the bookkeeping is not yet.
#[derive(Debug)]
pub struct Committed {
    pub written: Written,
    /// What the folder holds now.
    pub manifest: Manifest,
    /// Whether the manifest on disk no longer describes the folder (files
    /// changed, or it was not trusted to begin with).
    pub stale_manifest: bool,
    /// Whether the dirty marker is on disk, to be removed once the manifest
    /// and the cache are written.
    pub dirty: bool,
    /// Set when the folder was not trusted and every file was checked.
    pub checked: Option<Checked>,
}

impl Output {
    /// Opens the existing output folder `dir`, whose lock the caller holds, for
    /// a full update. `known` is what the folder holds, if the caller knows it
    /// (serve keeps it while holding the lock); otherwise the manifest says, if
    /// it is trusted, or every file is read and hashed.
    pub fn open(dir: &Path, known: Option<Manifest>) -> io::Result<Output> {
        let (old, checked) = match known.or_else(|| manifest::read_trusted(dir)) {
            Some(old) => (old, None),
            None => {
                let (found, checked) = manifest::scan(dir, &manifest::read_any(dir))?;
                // An empty folder (a first build) had nothing to check.
                let anything = checked.files + checked.temporary > 0 || checked.unfinished;
                (found, anything.then_some(checked))
            }
        };
        Ok(Output::with(dir, old, checked, None))
    }

    /// Opens `dir` for a partial update by a builder that knows what it holds
    /// (`golive serve` between two builds): every file of `manifest` stays
    /// unless it is put again or dropped.
    pub fn partial(dir: &Path, manifest: Manifest) -> Output {
        Output::with(dir, manifest, None, Some(Mutex::new(Vec::new())))
    }

    fn with(
        dir: &Path,
        old: Manifest,
        checked: Option<Checked>,
        dropped: Option<Mutex<Vec<PathBuf>>>,
    ) -> Output {
        let was = dir.join(manifest::DIRTY).exists();
        Output {
            dir: dir.to_path_buf(),
            old,
            checked,
            new: Mutex::new(HashMap::new()),
            dropped,
            folders: Mutex::new(HashSet::new()),
            journal: Mutex::new(Journal::default()),
            dirty: Mutex::new(Dirty { was, is: was }),
            written: AtomicUsize::new(0),
            bytes_written: AtomicU64::new(0),
            open: true,
        }
    }

    /// The output folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the folder was found to hold, when it had to be checked.
    pub fn checked(&self) -> Option<Checked> {
        self.checked
    }

    /// The files the folder held when the update began.
    pub fn previous_paths(&self) -> impl Iterator<Item = &Path> {
        self.old.keys().map(PathBuf::as_path)
    }

    /// In a partial update, marks a file of the last build as no longer produced.
    pub fn drop_file(&self, path: &Path) {
        if let Some(dropped) = &self.dropped {
            locked(dropped).push(path.to_path_buf());
        }
    }

    /// Writes `file` unless the output already holds these exact bytes; returns
    /// the hash of its bytes (what the manifest records). Fails with
    /// `ErrorKind::Interrupted` once the user asked to stop.
    pub fn put(&self, file: &OutputFile) -> io::Result<u64> {
        interrupt::check()?;
        let h = hash(&file.bytes);
        if self.old.get(&file.path) != Some(&h) {
            self.mark_dirty()?;
            self.make_folders(&file.path)?;
            let path = self.dir.join(&file.path);
            let in_place = !self.old.contains_key(&file.path) && self.create(&path, &file.bytes)?;
            if !in_place {
                self.stage(&path, &file.bytes)?;
            }
            self.written.fetch_add(1, Ordering::Relaxed);
            self.bytes_written
                .fetch_add(file.bytes.len() as u64, Ordering::Relaxed);
        }
        locked(&self.new).insert(file.path.clone(), h);
        Ok(h)
    }

    /// Keeps a file of the last build that this build did not render again
    /// (its inputs are unchanged). False if the folder does not hold it as it was.
    pub fn keep(&self, path: &Path, h: u64) -> bool {
        if self.old.get(path) != Some(&h) {
            return false;
        }
        locked(&self.new).insert(path.to_path_buf(), h);
        true
    }

    /// The hash the folder's file `path` had when the update began.
    pub fn previous(&self, path: &Path) -> Option<u64> {
        self.old.get(path).copied()
    }

    /// Creates `path` with `bytes` if nothing is there; false if something is.
    fn create(&self, path: &Path, bytes: &[u8]) -> io::Result<bool> {
        match OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(mut f) => {
                locked(&self.journal).created.push(path.to_path_buf());
                fault::write(&mut f, bytes)?;
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Writes the replacement of `path` aside, to be renamed over it in `commit`.
    fn stage(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let aside = manifest::temporary(path);
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&aside)?;
        locked(&self.journal)
            .staged
            .push((aside, path.to_path_buf()));
        fault::write(&mut f, bytes)
    }

    /// Makes sure the folders above `relative` exist and are real folders,
    /// not links that would carry the build's writes out of the output folder.
    fn make_folders(&self, relative: &Path) -> io::Result<()> {
        let Some(parent) = relative.parent().filter(|p| !p.as_os_str().is_empty()) else {
            return Ok(());
        };
        let mut known = locked(&self.folders);
        if known.contains(parent) {
            return Ok(());
        }
        let mut sofar = PathBuf::new();
        for part in parent.components() {
            sofar.push(part);
            if known.contains(&sofar) {
                continue;
            }
            let folder = self.dir.join(&sofar);
            match fs::symlink_metadata(&folder) {
                Ok(meta) if meta.is_dir() => {}
                Ok(meta) => {
                    let what = if meta.file_type().is_symlink() {
                        "a symbolic link; golive writes only into real folders inside its output folder"
                    } else {
                        "a file where golive needs a folder"
                    };
                    return Err(io::Error::other(format!(
                        "{} is {what}: remove it and build again",
                        folder.display()
                    )));
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(&folder) {
                    Ok(()) => locked(&self.journal).folders.push(folder),
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                    Err(e) => return Err(e),
                },
                Err(e) => return Err(e),
            }
            known.insert(sofar.clone());
        }
        Ok(())
    }

    /// Creates the dirty marker before the update's first change.
    fn mark_dirty(&self) -> io::Result<()> {
        let mut dirty = locked(&self.dirty);
        if !dirty.is {
            manifest::mark_dirty(&self.dir)?;
            dirty.is = true;
        }
        Ok(())
    }

    /// Puts the update into place: renames every replacement over its file and
    /// deletes what the build no longer produces. The user's interrupt is not
    /// looked at here: stopping half-way would mix two builds. On an error the
    /// folder stays marked dirty, for the next build to check.
    pub fn commit(mut self) -> io::Result<Committed> {
        self.open = false;
        let journal = std::mem::take(&mut *locked(&self.journal));
        let mut renamed = Ok(());
        for (aside, path) in &journal.staged {
            if renamed.is_ok() {
                renamed = fs::rename(aside, path);
                fault::step();
            }
            if renamed.is_err() {
                let _ = fs::remove_file(aside);
            }
        }
        renamed?;
        let new = std::mem::take(&mut *locked(&self.new));
        let mut manifest = std::mem::take(&mut self.old);
        let dropped = self.dropped.take();
        let full = dropped.is_none();
        let stale: Vec<PathBuf> = match dropped {
            Some(dropped) => dropped
                .into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .into_iter()
                .filter(|p| !new.contains_key(p) && manifest.contains_key(p))
                .collect(),
            None => manifest
                .keys()
                .filter(|p| !new.contains_key(*p))
                .cloned()
                .collect(),
        };
        if !stale.is_empty() {
            self.mark_dirty()?;
        }
        let mut deleted = 0;
        for path in &stale {
            manifest.remove(path);
            match fs::remove_file(self.dir.join(path)) {
                Ok(()) => deleted += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            remove_empty_parents(&self.dir, path);
        }
        let written = self.written.load(Ordering::Relaxed);
        let unchanged = written == 0 && stale.is_empty();
        let manifest = if full {
            new
        } else {
            manifest.extend(new);
            manifest
        };
        Ok(Committed {
            written: Written {
                files: manifest.len(),
                written,
                bytes_written: self.bytes_written.load(Ordering::Relaxed),
                deleted,
            },
            manifest,
            stale_manifest: !unchanged || self.checked.is_some(),
            dirty: locked(&self.dirty).is,
            checked: self.checked,
        })
    }

    /// Undoes the update: deletes the files it created, its temporary files
    /// and the folders it made, and the dirty marker if it made that too.
    /// Returns what the folder holds (again).
    pub fn roll_back(mut self) -> io::Result<Manifest> {
        self.open = false;
        self.undo()?;
        Ok(std::mem::take(&mut self.old))
    }

    fn undo(&self) -> io::Result<()> {
        let journal = std::mem::take(&mut *locked(&self.journal));
        let mut first_error = None;
        let mut note = |r: io::Result<()>| match r {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                first_error.get_or_insert(e);
            }
            _ => {}
        };
        for (aside, _) in &journal.staged {
            note(fs::remove_file(aside));
        }
        for path in &journal.created {
            note(fs::remove_file(path));
        }
        for folder in journal.folders.iter().rev() {
            note(fs::remove_dir(folder));
        }
        if let Some(e) = first_error {
            // The folder is not as it was: leave it marked for the next build.
            return Err(e);
        }
        let dirty = *locked(&self.dirty);
        if dirty.is && !dirty.was {
            manifest::mark_clean(&self.dir)?;
        }
        Ok(())
    }
}

impl Drop for Output {
    /// An update dropped without `commit` or `roll_back` (a panic unwinding
    /// through the build) is rolled back.
    fn drop(&mut self) {
        if self.open {
            let _ = self.undo();
        }
    }
}

/// Locks `mutex`, also after a panic on another thread: the data stays usable
/// for rolling back.
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: PathBuf::from(path),
            bytes: text.as_bytes().to_vec(),
        }
    }

    /// Every entry under `dir`: folders as `None`, files with their bytes.
    fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .map(|e| {
                let bytes = e.file_type().is_file().then(|| fs::read(e.path()).unwrap());
                (e.path().to_path_buf(), bytes)
            })
            .collect()
    }

    /// A folder after one complete build of `index.html` and `a/page.html`.
    fn built() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        prepare(dir.path()).unwrap();
        let output = Output::open(dir.path(), None).unwrap();
        output.put(&file("index.html", "one")).unwrap();
        output.put(&file("a/page.html", "two")).unwrap();
        let committed = output.commit().unwrap();
        manifest::record(dir.path(), &committed.manifest).unwrap();
        manifest::mark_clean(dir.path()).unwrap();
        dir
    }

    #[test]
    fn an_update_dropped_half_way_leaves_the_folder_as_it_was() {
        let dir = built();
        let before = snapshot(dir.path());
        {
            // As when a panic unwinds through the build.
            let output = Output::open(dir.path(), None).unwrap();
            output.put(&file("index.html", "changed")).unwrap();
            output.put(&file("b/c/new.html", "three")).unwrap();
            assert!(is_unfinished(dir.path()), "marked before the first write");
        }
        assert_eq!(snapshot(dir.path()), before);
        let output = Output::open(dir.path(), None).unwrap();
        output.put(&file("index.html", "changed")).unwrap();
        assert_eq!(output.roll_back().unwrap().len(), 2);
        assert_eq!(snapshot(dir.path()), before);
    }

    #[test]
    fn a_commit_puts_replacements_in_place_and_deletes_what_is_gone() {
        let dir = built();
        let output = Output::open(dir.path(), None).unwrap();
        output.put(&file("index.html", "changed")).unwrap();
        // Staged, not yet in place.
        assert_eq!(fs::read(dir.path().join("index.html")).unwrap(), b"one");
        let committed = output.commit().unwrap();
        assert_eq!(fs::read(dir.path().join("index.html")).unwrap(), b"changed");
        assert!(
            !dir.path().join("a").exists(),
            "a/page.html is no longer built"
        );
        assert_eq!(committed.written.deleted, 1);
        assert!(committed.dirty && committed.stale_manifest);
    }

    #[test]
    fn a_marked_folder_is_checked_not_trusted() {
        let dir = built();
        // What a build killed half-way leaves: a changed page, a temporary file.
        manifest::mark_dirty(dir.path()).unwrap();
        fs::write(dir.path().join("index.html"), "half").unwrap();
        fs::write(dir.path().join("a/page.html.1-0.golive-tmp"), "x").unwrap();
        let output = Output::open(dir.path(), None).unwrap();
        let checked = output.checked().unwrap();
        assert_eq!(
            (checked.files, checked.mismatched, checked.temporary),
            (2, 1, 1)
        );
        assert!(checked.unfinished);
        assert_eq!(
            output.previous(Path::new("index.html")),
            Some(hash(b"half"))
        );
        assert!(!dir.path().join("a/page.html.1-0.golive-tmp").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_the_output_is_not_written_through() {
        let dir = built();
        let elsewhere = tempfile::tempdir().unwrap();
        fs::remove_dir_all(dir.path().join("a")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("a")).unwrap();
        fs::remove_file(dir.path().join("index.html")).unwrap();
        let target = elsewhere.path().join("x");
        std::os::unix::fs::symlink(&target, dir.path().join("index.html")).unwrap();
        let output = Output::open(dir.path(), None).unwrap();
        // A file that is a link is replaced by a file, its target untouched.
        output.put(&file("index.html", "changed")).unwrap();
        let refused = output.put(&file("a/page.html", "changed")).unwrap_err();
        assert!(refused.to_string().contains("symbolic link"), "{refused}");
        output.commit().unwrap();
        assert_eq!(fs::read(dir.path().join("index.html")).unwrap(), b"changed");
        assert!(!target.exists());
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
