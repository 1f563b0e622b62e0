//! Writing the output folder so that readers never see half a build.
//!
//! Files go to a staging folder beside the output; only when every file is
//! written does the staging folder take the output's place (two renames on the
//! same file system). A failed build leaves the previous output as it was.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::OutputFile;

/// Marks a folder as golive's output, so that a build never replaces a folder
/// it did not make (say, `--out content` by mistake).
pub const MARKER: &str = ".golive-output";

/// Replaces `out` with exactly `files`.
pub fn replace_output(out: &Path, files: &[&OutputFile]) -> io::Result<()> {
    refuse_foreign_folder(out)?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);

    if let Err(e) = write_all(&staging, files) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let had_output = out.exists();
    if had_output {
        fs::rename(out, &retired)?;
    }
    if let Err(e) = fs::rename(&staging, out) {
        if had_output {
            let _ = fs::rename(&retired, out);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if had_output {
        let _ = fs::remove_dir_all(&retired);
    }
    Ok(())
}

fn write_all(staging: &Path, files: &[&OutputFile]) -> io::Result<()> {
    fs::create_dir_all(staging)?;
    fs::write(
        staging.join(MARKER),
        b"built by golive; this folder is replaced on every build\n",
    )?;
    let mut made: Vec<PathBuf> = Vec::new();
    for file in files {
        let path = staging.join(&file.path);
        if let Some(dir) = path.parent()
            && !made.iter().any(|m| m == dir)
        {
            fs::create_dir_all(dir)?;
            made.push(dir.to_path_buf());
        }
        fs::write(&path, &file.bytes)?;
    }
    Ok(())
}

fn refuse_foreign_folder(out: &Path) -> io::Result<()> {
    let foreign = out.is_file()
        || (out.is_dir() && !out.join(MARKER).exists() && fs::read_dir(out)?.next().is_some());
    if foreign {
        return Err(io::Error::other(format!(
            "{} exists and was not made by golive; refusing to replace it (choose another --out, or empty it first)",
            out.display()
        )));
    }
    Ok(())
}
