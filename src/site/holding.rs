//! How a builder holds its output folder: taking the lock, what it may trust
//! while holding it, and what it writes or undoes when a build ends.
//!
//! The bookkeeping files are written in this order after a build's files are
//! in place: the manifest, the cache, then the dirty marker is removed. Serve's
//! quick path skips all three (`behind`) until `persist` or the next full build.

use std::io;

use super::cache::BuildCache;
use super::lock::{LockError, OutputLock, Role};
use super::manifest::{self, MARKER};
use super::output::{self, Committed, Output};
use super::{BuildError, Builder};

impl Builder {
    /// Takes the output folder's lock now if the folder exists, so that a
    /// build into a folder `golive serve` holds is refused before anything
    /// else, and serve keeps the folder from its start.
    pub fn lock_output(&mut self) -> Result<(), BuildError> {
        self.hold(false)
    }

    /// Holds the output folder's lock: if the folder exists, or else if
    /// `create` (then the folder is made first, refusing a folder golive did
    /// not make). A lock lost with its folder (deleted under `serve`) is taken
    /// again, and what the builder knew of the old folder is forgotten.
    pub(super) fn hold(&mut self, create: bool) -> Result<(), BuildError> {
        if self.lock.as_ref().is_some_and(OutputLock::is_current) {
            return Ok(());
        }
        self.lock = None;
        self.manifest = None;
        self.behind = false;
        // A few rounds at most: each one follows a folder that another build
        // removed while this one waited for it (a failed first build does).
        for _ in 0..100 {
            if create {
                let made = output::prepare(&self.out)?;
                self.prepared.folder |= made.folder;
                self.prepared.marker |= made.marker;
            } else if !self.out.join(MARKER).is_file() {
                return Ok(());
            }
            match OutputLock::acquire(&self.out, self.role) {
                Ok(lock) => {
                    self.lock = Some(lock);
                    return Ok(());
                }
                Err(LockError::Io(e)) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(io::Error::other(format!(
            "{} keeps disappearing while golive waits for it",
            self.out.display()
        ))
        .into())
    }

    /// After a failed build that made the output folder (or its marker) and
    /// wrote nothing that stays: removes them, so the folder is as it was.
    pub(super) fn forget_folder(&mut self) {
        let made = std::mem::take(&mut self.prepared);
        if !made.marker || self.out.join(manifest::DIRTY).exists() {
            return;
        }
        if let Some(lock) = self.lock.take() {
            let _ = lock.remove_file();
        }
        let _ = std::fs::remove_file(self.out.join(MARKER));
        if made.folder {
            let _ = std::fs::remove_dir(&self.out);
        }
        self.manifest = None;
    }

    /// Undoes a build that failed after it began writing. The cache is
    /// dropped (its entries were moved out for the build); any cache is safe
    /// with a true manifest, and the next build reads the one on disk.
    pub(super) fn roll_back(&mut self, output: Output) {
        self.cache = None;
        match output.roll_back() {
            Ok(manifest) => {
                self.manifest = Some(manifest);
                self.forget_folder();
            }
            Err(e) => {
                eprintln!(
                    "error: cannot undo this build's changes to {}: {e}",
                    self.out.display()
                );
                self.manifest = None;
            }
        }
    }

    /// Writes the bookkeeping of a committed build: the manifest if it no
    /// longer describes the folder, the cache if it changed, then removes the
    /// dirty marker. An unchanged rebuild writes nothing here.
    pub(super) fn settle(
        &mut self,
        committed: Committed,
        cache: BuildCache,
        cache_changed: bool,
    ) -> io::Result<()> {
        let Committed {
            manifest,
            stale_manifest,
            dirty,
            ..
        } = committed;
        let out = &self.out;
        let write_manifest = stale_manifest || self.behind;
        let write_cache = cache_changed || self.behind || !out.join(super::cache::FILE).exists();
        let written = (|| {
            // Their temporary files too are written only while the folder is
            // marked, so that a kill between cannot leave one for good.
            if (write_manifest || write_cache) && !dirty {
                manifest::mark_dirty(out)?;
            }
            if write_manifest {
                manifest::record(out, &manifest)?;
            }
            if write_cache {
                cache.write(out)?;
            }
            if dirty || write_manifest || write_cache {
                manifest::mark_clean(out)?;
            }
            Ok(())
        })();
        // Either way this is what the folder holds; if the bookkeeping failed,
        // the folder stays marked and `persist` tries again.
        self.behind = written.is_err();
        self.manifest = Some(manifest);
        self.cache = Some(cache);
        written
    }

    /// Writes the manifest and the cache that the quick path left behind, and
    /// removes the dirty marker: what `golive serve` does before it stops, so
    /// that the next build trusts the folder instead of checking every file.
    pub fn persist(&mut self) -> io::Result<()> {
        if !self.behind {
            return Ok(());
        }
        let held = self.lock.as_ref().is_some_and(OutputLock::is_current);
        let (true, Some(manifest)) = (held, &self.manifest) else {
            // The folder went away, or is not known: the next build checks it.
            return Ok(());
        };
        // Marked already if the quick path wrote a file; if it only learned
        // new stamps, mark it now, for the temporary files below.
        if !super::output::is_unfinished(&self.out) {
            manifest::mark_dirty(&self.out)?;
        }
        manifest::record(&self.out, manifest)?;
        // Any cache is safe beside a true manifest; a missing one costs renders.
        if let Some(cache) = &self.cache {
            cache.write(&self.out)?;
        }
        manifest::mark_clean(&self.out)?;
        self.behind = false;
        Ok(())
    }

    /// Whether this builder serves (holds the folder between builds).
    pub(super) fn serves(&self) -> bool {
        self.role == Role::Serve
    }
}
