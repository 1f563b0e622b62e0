//! The floor for a build: a plain program that writes the identical output tree.
//! `cargo run --release --example floor -- BUILT_DIR NEW_DIR`
//!
//! Reads every file of BUILT_DIR into memory first (not timed), then writes them
//! all under NEW_DIR, creating folders as it goes: what any generator must do at
//! the least to produce that output. Prints files, bytes and the write time.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(from), Some(to)) = (args.first(), args.get(1)) else {
        eprintln!("usage: floor BUILT_DIR NEW_DIR");
        std::process::exit(2);
    };
    let from = Path::new(from);
    let files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(from).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    let to = Path::new(to);
    let _ = std::fs::remove_dir_all(to);
    let started = Instant::now();
    let mut made = std::collections::HashSet::new();
    let mut bytes = 0;
    for (path, data) in &files {
        let target = to.join(path);
        let dir = target.parent().unwrap().to_path_buf();
        if made.insert(dir.clone()) {
            std::fs::create_dir_all(&dir).unwrap();
        }
        std::fs::write(&target, data).unwrap();
        bytes += data.len();
    }
    println!(
        "{} files, {bytes} bytes written in {} ms",
        files.len(),
        started.elapsed().as_millis()
    );
}
