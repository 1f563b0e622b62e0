//! golive's bookkeeping files in an output folder, and what it can trust of them.
//!
//! - `.golive-output` marks a folder as golive's (see `output::Output::open`).
//! - `.golive-manifest` lists every file of the last complete build with the
//!   XXH3 hash of its bytes. Its first line names the format; paths are
//!   percent-encoded where they hold control characters or `%`, so any file
//!   name survives a round trip.
//! - `.golive-dirty` exists while the folder may differ from the manifest: a
//!   build creates it (synced) before its first write and removes it after
//!   writing the manifest and the cache. A build that finds it, or no readable
//!   manifest, does not trust the manifest: it reads and hashes every file
//!   instead (`scan`) and deletes leftover temporary files.
//! - Temporary files are named `<name>.<pid>-<n>.golive-tmp`, unique per
//!   process and write, beside the file they will replace.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, percent_encode};
use rayon::prelude::*;

/// Marks a folder as golive's output, so that a build never writes into a folder
/// it did not make (say, `--out content` by mistake).
pub const MARKER: &str = ".golive-output";
/// Every file of the last complete build, with the hash of its bytes.
pub const MANIFEST: &str = ".golive-manifest";
/// Present while the folder may not match its manifest.
pub const DIRTY: &str = ".golive-dirty";
/// The first line of a manifest in this format.
const HEADER: &str = "golive manifest 2";
/// How golive's temporary files end.
pub const TEMPORARY: &str = ".golive-tmp";

/// Every file of a build and the hash of its bytes: what the manifest lists.
pub type Manifest = HashMap<PathBuf, u64>;

/// A stable hash of a file's bytes: XXH3, which is specified (std's
/// DefaultHasher may change between Rust releases, which would make every
/// build after a toolchain update rewrite every file) and about ten times
/// faster than SipHash on the multi-megabyte pages of a large site.
pub fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// The hash recorded for what is not a regular file (a link, a device):
/// never equal to a page's, so the build replaces or deletes it.
const NOT_A_FILE: u64 = 0;

/// Whether `name`, at the top of an output folder, is one of golive's own files
/// rather than a page. (`cache::FILE`, `index::FILE` and `lock::FILE` are the
/// other three.)
pub fn is_bookkeeping(name: &Path) -> bool {
    [
        MARKER,
        MANIFEST,
        DIRTY,
        super::cache::FILE,
        super::index::FILE,
        super::lock::FILE,
    ]
    .iter()
    .any(|b| name == Path::new(b))
}

/// A new name beside `path` for writing it aside: unique to this process and
/// call, so two writers never share one.
pub fn temporary(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}-{n}{TEMPORARY}", std::process::id()));
    path.with_file_name(name)
}

/// Writes `bytes` to `path` through a temporary file renamed over it, so a
/// reader sees the old or the new file, never half of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let aside = temporary(path);
    let written = fs::write(&aside, bytes).and_then(|()| fs::rename(&aside, path));
    if written.is_err() {
        let _ = fs::remove_file(&aside);
    }
    written
}

/// Writes `path` through a temporary file renamed over it, as `write_atomically`
/// does, with `write` streaming the bytes into it (buffered): nothing holds
/// the whole file in memory.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
) -> io::Result<()> {
    let aside = temporary(path);
    let written = fs::File::create(&aside)
        .and_then(|file| {
            let mut out = io::BufWriter::with_capacity(256 * 1024, file);
            write(&mut out)?;
            io::Write::flush(&mut out)
        })
        .and_then(|()| fs::rename(&aside, path));
    if written.is_err() {
        let _ = fs::remove_file(&aside);
    }
    written
}

/// The manifest of `dir`, if it has one that golive of this format wrote and
/// the folder is not marked dirty: only then does it describe the files.
pub fn read_trusted(dir: &Path) -> Option<Manifest> {
    if dir.join(DIRTY).exists() {
        return None;
    }
    parse(&fs::read_to_string(dir.join(MANIFEST)).ok()?)
}

/// Writes `manifest` as the manifest of `dir`, atomically.
pub fn record(dir: &Path, manifest: &Manifest) -> io::Result<()> {
    let mut lines: Vec<String> = manifest
        .iter()
        .map(|(p, h)| format!("{h:016x}\t{}", encode(p)))
        .collect();
    lines.sort_unstable();
    let mut text = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum::<usize>() + 32);
    text.push_str(HEADER);
    text.push('\n');
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    write_atomically(&dir.join(MANIFEST), text.as_bytes())
}

fn parse(text: &str) -> Option<Manifest> {
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        // Written by an older golive, which had no dirty marker: not trusted.
        return None;
    }
    lines
        .map(|l| {
            let (h, p) = l.split_once('\t')?;
            Some((decode(p), u64::from_str_radix(h, 16).ok()?))
        })
        .collect()
}

/// Control characters (a newline would end the line), `%` itself, and bytes
/// outside ASCII are escaped.
const ESCAPED: &AsciiSet = &CONTROLS.add(b'%');

fn encode(path: &Path) -> String {
    percent_encode(path.as_os_str().as_encoded_bytes(), ESCAPED).to_string()
}

fn decode(text: &str) -> PathBuf {
    let bytes: Vec<u8> = percent_decode_str(text).collect();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Creates the dirty marker and makes it durable (the file and its folder
/// synced) before the build's first write.
pub fn mark_dirty(dir: &Path) -> io::Result<()> {
    let mut marker = fs::File::create(dir.join(DIRTY))?;
    marker.write_all(
        b"golive is writing this folder, or was stopped while writing it; the next build checks every file\n",
    )?;
    marker.sync_all()?;
    sync_folder(dir)
}

/// Removes the dirty marker: the folder matches its manifest again.
pub fn mark_clean(dir: &Path) -> io::Result<()> {
    match fs::remove_file(dir.join(DIRTY)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn sync_folder(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// What `scan` found in a folder that was not trusted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checked {
    /// Files in the folder (not counting golive's own).
    pub files: usize,
    /// Files whose bytes differ from what the manifest says, that it does not
    /// list, or that it lists but are gone.
    pub mismatched: usize,
    /// Leftover temporary files deleted.
    pub temporary: usize,
    /// Whether the folder was marked dirty (else it had no trusted manifest).
    pub unfinished: bool,
}

/// Reads and hashes every file under `dir` (but golive's bookkeeping), and
/// deletes leftover temporary files and empty folders (a clean build leaves
/// none): what the folder really holds, and how
/// that compares with `listed` (the manifest on disk, if any). Only safe while
/// holding the folder's lock, since it deletes other writers' temporary files.
pub fn scan(dir: &Path, listed: &Manifest) -> io::Result<(Manifest, Checked)> {
    let mut entries = Vec::new();
    let mut temporary = 0;
    // Contents first, so that a folder left empty (by an interrupted build, or
    // by deleting its temporary files) can be removed when the walk reaches it.
    for entry in walkdir::WalkDir::new(dir).min_depth(1).contents_first(true) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            let _ = fs::remove_dir(entry.path());
            continue;
        }
        let relative = entry.path().strip_prefix(dir).map_err(io::Error::other)?;
        if entry.depth() == 1 && is_bookkeeping(relative) {
            continue;
        }
        if entry
            .file_name()
            .as_encoded_bytes()
            .ends_with(TEMPORARY.as_bytes())
        {
            fs::remove_file(entry.path())?;
            temporary += 1;
            continue;
        }
        entries.push((relative.to_path_buf(), entry.file_type().is_file()));
    }
    let found: Manifest = entries
        .into_par_iter()
        .map(|(relative, is_file)| {
            let h = if is_file {
                hash(&fs::read(dir.join(&relative))?)
            } else {
                NOT_A_FILE
            };
            Ok((relative, h))
        })
        .collect::<io::Result<_>>()?;
    let differ = found
        .iter()
        .filter(|(p, h)| listed.get(*p) != Some(*h))
        .count();
    let gone = listed.keys().filter(|p| !found.contains_key(*p)).count();
    let checked = Checked {
        files: found.len(),
        mismatched: differ + gone,
        temporary,
        unfinished: dir.join(DIRTY).exists(),
    };
    Ok((found, checked))
}

/// The manifest on disk, trusted or not, for `scan` to compare with.
pub fn read_any(dir: &Path) -> Manifest {
    let Ok(text) = fs::read_to_string(dir.join(MANIFEST)) else {
        return Manifest::new();
    };
    // Older manifests had no header line and plain paths.
    text.lines()
        .filter(|l| *l != HEADER)
        .filter_map(|l| {
            let (h, p) = l.split_once('\t')?;
            Some((decode(p), u64::from_str_radix(h, 16).ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_file_name_survives_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let mut manifest = Manifest::new();
        for name in [
            "index.html",
            "runbooks/a\nb.html",
            "runbooks/tab\there.html",
            "runbooks/100%.html",
            "runbooks/déploiement.html",
        ] {
            manifest.insert(PathBuf::from(name), hash(name.as_bytes()));
        }
        record(dir.path(), &manifest).unwrap();
        assert_eq!(read_trusted(dir.path()), Some(manifest.clone()));
        assert_eq!(read_any(dir.path()), manifest);
        mark_dirty(dir.path()).unwrap();
        assert_eq!(read_trusted(dir.path()), None, "a dirty folder's manifest");
        mark_clean(dir.path()).unwrap();
        assert!(read_trusted(dir.path()).is_some());
    }

    #[test]
    fn a_manifest_without_the_header_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(MANIFEST), "0000000000000001\tindex.html\n").unwrap();
        assert_eq!(read_trusted(dir.path()), None);
        assert_eq!(read_any(dir.path()).len(), 1);
    }

    #[test]
    fn temporary_names_are_unique_and_recognisable() {
        let a = temporary(Path::new("out/index.html"));
        let b = temporary(Path::new("out/index.html"));
        assert_ne!(a, b);
        for t in [a, b] {
            assert_eq!(t.parent(), Some(Path::new("out")));
            assert!(t.to_str().unwrap().ends_with(TEMPORARY), "{t:?}");
        }
    }
}
