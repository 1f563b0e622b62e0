//! How long `golive serve` takes to reflect an edit of one release.
//! `cargo run --release --example serve_latency -- GOLIVE SITE [EDITS [OUT]]`
//!
//! Starts `GOLIVE --root SITE serve --port 0 --out OUT` (default: a temporary
//! folder, deleted at the end; a given OUT is left as it is), waits for the first
//! build, then EDITS times (default 9): changes the title of one release (a
//! different one each time), and polls `/__golive/state` until the server says
//! it rebuilt. Prints each latency, from the write of the file to the new state,
//! and the median. That is the file event, the 5 ms burst window and the
//! rebuild (pages written to disk, served from there). After each edit the
//! file is restored and the example waits for that rebuild too, so that no
//! edit is timed while the server still rebuilds the last restore.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(golive), Some(site)) = (args.first(), args.get(1)) else {
        eprintln!("usage: serve_latency GOLIVE SITE [EDITS [OUT]]");
        std::process::exit(2);
    };
    let edits: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(9).max(1);
    let site = Path::new(site);
    let temporary = args.get(3).is_none();
    let out = match args.get(3) {
        Some(out) => PathBuf::from(out),
        None => std::env::temp_dir().join(format!("golive-serve-latency-{}", std::process::id())),
    };
    let mut child = Command::new(golive)
        .arg("--root")
        .arg(site)
        .args(["serve", "--port", "0", "--out"])
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start golive serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("serve printed its address")
            .expect("utf-8");
        if let Some(rest) = line.strip_prefix("serving http://") {
            break rest.split('/').next().unwrap_or(rest).to_string();
        }
        eprintln!("{line}");
    };
    std::thread::spawn(move || lines.for_each(drop));

    let releases: Vec<PathBuf> = {
        let mut all: Vec<PathBuf> = std::fs::read_dir(site.join("content/releases"))
            .expect("content/releases")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        all.sort();
        all
    };
    if releases.is_empty() {
        eprintln!("{} has no releases to edit", site.display());
        std::process::exit(2);
    }
    let mut latencies = Vec::new();
    for i in 0..edits {
        let file = &releases[(i * 7919) % releases.len()];
        let text = std::fs::read_to_string(file).expect("read release");
        let edited = match text.find("\ntitle: ") {
            Some(at) => format!("{}\ntitle: \"Edit {i}\"\n#{}", &text[..at], &text[at + 1..]),
            None => format!("{text}title: \"Edit {i}\"\n"),
        };
        // The last round's restore has been rebuilt (below); a short pause
        // lets the watcher's burst window close too.
        std::thread::sleep(Duration::from_millis(50));
        let before = version(&address);
        let started = Instant::now();
        std::fs::write(file, &edited).expect("write release");
        // Poll every millisecond: a busy loop would take a core from the server.
        while version(&address) == before {
            assert!(started.elapsed() < Duration::from_secs(30), "no rebuild");
            std::thread::sleep(Duration::from_millis(1));
        }
        let took = started.elapsed();
        // Not timed: check that the served page says what was written.
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let page = get(&address, &format!("/releases/{stem}/index.html"));
        assert!(
            page.contains(&format!("Edit {i}")),
            "{stem}: the served page lacks the edit"
        );
        latencies.push(took);
        println!("edit {i}: {} ms ({})", took.as_millis(), file.display());
        // Wait for the restore's rebuild, so that the next edit's time is
        // its own: at 10,000 releases a rebuild can take longer than any
        // fixed pause.
        let restored = version(&address);
        let since = Instant::now();
        std::fs::write(file, &text).expect("restore release");
        while version(&address) == restored {
            assert!(since.elapsed() < Duration::from_secs(30), "no rebuild");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    if temporary {
        let _ = std::fs::remove_dir_all(&out);
    }
    latencies.sort();
    let median = latencies[latencies.len() / 2];
    println!(
        "median {:.1} ms over {} edits (min {:.1}, max {:.1})",
        median.as_secs_f64() * 1000.0,
        latencies.len(),
        latencies[0].as_secs_f64() * 1000.0,
        latencies[latencies.len() - 1].as_secs_f64() * 1000.0
    );
}

/// The server's build counter, from `/__golive/state`.
fn version(address: &str) -> u64 {
    let state: serde_json::Value =
        serde_json::from_str(&get(address, "/__golive/state")).expect("state JSON");
    state["version"].as_u64().expect("version")
}

/// The body of a plain HTTP/1.0 GET.
fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
}
