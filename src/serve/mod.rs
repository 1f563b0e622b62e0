//! Serve: build, serve the site on a loopback address, rebuild on every change,
//! and reload open pages.
//!
//! It builds into the output folder (`public/` unless `--out` says otherwise)
//! and serves files from there. The server never exits on a content error: it
//! keeps serving the last good build, prints the problems in the terminal and
//! shows them in the browser as an overlay (the injected reload script polls
//! `/__golive/state`). Rebuilds go through `site::Builder`, whose cache makes an
//! edit of one release render only that release and the pages that list releases.
//!
//! Lifecycle: serve holds the output folder's lock from before its first build
//! until it stops (a `golive build` into that folder is refused meanwhile). A
//! rebuild is reported (the log line, the state's version) only after its last
//! write. The quick path leaves the manifest and cache unwritten; Ctrl-C or
//! SIGTERM stops the server after writing them, so the next build is cheap.

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode, Watcher};

use crate::site::{BuildError, Builder, interrupt};

const RELOAD_JS: &str = include_str!("reload.js");

pub struct Options {
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub quiet: bool,
    /// The output folder it builds into and serves from.
    pub out: PathBuf,
}

/// What the server shows: the output folder of the last good build, and the
/// current error if any.
struct State {
    out: PathBuf,
    error: Option<String>,
    version: u64,
}

/// What the watch loop hears: a file event, or the user's request to stop.
enum Message {
    File(notify::Result<notify::Event>),
    Stop,
}

/// What changed in one burst of file events.
#[derive(Default)]
struct Burst {
    paths: Vec<PathBuf>,
    /// The watcher lost events (its queue overflowed) or failed: only a full
    /// build can tell what changed.
    rescan: bool,
}

/// Builds once, reports it, and records the outcome in `state`. An edit of
/// release files takes the quick path (`Builder::rebuild_releases`); anything
/// else a full, incremental build. Both have written their last file when they
/// return, so the report never comes before the writes it reports.
fn rebuild(builder: &mut Builder, burst: &Burst, state: &RwLock<State>, quiet: bool) {
    // A panic inside a build (a bug) rolls its writes back while unwinding;
    // the server reports it and goes on serving the last good build.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let quick = if burst.rescan {
            Ok(None)
        } else {
            builder.rebuild_releases(&burst.paths)
        };
        match quick {
            Ok(None) => (builder.build(), "built"),
            Ok(Some(summary)) => (Ok(summary), "updated"),
            Err(e) => (Err(e), "updated"),
        }
    }));
    let mut s = state.write().expect("state lock");
    s.version += 1;
    let Ok((outcome, verb)) = built else {
        let message = "the rebuild stopped on an internal error in golive (a bug: the message is in the terminal); still serving the last good build";
        eprintln!("error: {message}");
        s.error = Some(message.to_string());
        return;
    };
    match outcome {
        Ok(summary) => {
            s.error = None;
            if !quiet {
                println!(
                    "{verb} in {} ms ({} of {} releases rendered, {} files written)",
                    summary.elapsed.as_millis(),
                    summary.rendered,
                    summary.releases,
                    summary.written
                );
            }
        }
        Err(BuildError::Invalid(invalid)) => {
            eprintln!("{invalid}\n(still serving the last good build)");
            s.error = Some(invalid.to_string());
        }
        Err(BuildError::Io(e)) => {
            eprintln!("error: cannot write the output: {e}");
            s.error = Some(format!("cannot write the output: {e}"));
        }
        Err(BuildError::Busy(message)) => {
            eprintln!("error: {message}");
            s.error = Some(message);
        }
        // Stopping: the watch loop ends next.
        Err(BuildError::Interrupted) => {}
    }
    drop(s);
    let _ = std::io::stdout().flush();
}

/// Runs until interrupted.
pub fn run(root: &Path, options: Options) -> Result<(), String> {
    // The watcher reports absolute, resolved paths; the builder must name files
    // the same way for `rebuild_releases` to recognise them.
    let root = &root
        .canonicalize()
        .map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    let options = Options {
        out: std::path::absolute(&options.out).unwrap_or(options.out),
        ..options
    };
    let state = Arc::new(RwLock::new(State {
        out: options.out.clone(),
        error: None,
        version: 0,
    }));
    // Watch before the first build and before announcing the address, so that
    // no change made after "serving ..." is missed.
    let (tx, events) = std::sync::mpsc::channel();
    let _watcher = watcher(root, tx.clone())?;
    interrupt::install(move || {
        let _ = tx.send(Message::Stop);
    })?;
    let mut builder = Builder::new(root, &options.out).serving();
    match builder.lock_output() {
        Ok(()) => {}
        Err(BuildError::Busy(message)) => return Err(message),
        Err(BuildError::Interrupted) => return Ok(()),
        Err(BuildError::Io(e)) => {
            return Err(format!("cannot lock {}: {e}", options.out.display()));
        }
        Err(BuildError::Invalid(invalid)) => return Err(invalid.to_string()),
    }
    rebuild(&mut builder, &Burst::default(), &state, options.quiet);

    let address = SocketAddr::new(options.bind, options.port);
    let server =
        tiny_http::Server::http(address).map_err(|e| format!("cannot listen on {address}: {e}"))?;
    let local = server
        .server_addr()
        .to_ip()
        .ok_or("the server has no IP address")?;
    let url = format!("http://{local}/");
    println!("serving {url} (Ctrl-C to stop)");
    let _ = std::io::stdout().flush();
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {} — anyone who can reach this address can read the site",
            options.bind
        );
    }
    if options.open {
        open_browser(&url);
    }
    let server = Arc::new(server);
    for _ in 0..4 {
        let server = server.clone();
        let state = state.clone();
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let _ = respond(request, &state);
            }
        });
    }
    watch(&events, &mut builder, &state, options.quiet);
    // Stopped: write what the quick path left behind, then let go of the folder.
    builder.persist().map_err(|e| {
        format!(
            "cannot write the manifest or the build cache into {}: {e}; the next build checks every file",
            options.out.display()
        )
    })?;
    if !options.quiet {
        println!("stopped; {} is up to date", options.out.display());
    }
    Ok(())
}

/// Watches content/, layouts/ and emails/; events arrive on `tx`.
fn watcher(root: &Path, tx: Sender<Message>) -> Result<notify::RecommendedWatcher, String> {
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(Message::File(event));
    })
    .map_err(|e| format!("cannot watch files: {e}"))?;
    for dir in ["content", "layouts", "emails"]
        .iter()
        .map(|d| root.join(d))
        .filter(|d| d.is_dir())
    {
        watcher
            .watch(&dir, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
    }
    Ok(watcher)
}

/// Rebuilds after every burst of changes, until asked to stop. Only creations,
/// modifications and removals count: reading the files during a rebuild must
/// not trigger another.
fn watch(events: &Receiver<Message>, builder: &mut Builder, state: &RwLock<State>, quiet: bool) {
    let changes = |e: &notify::Event| {
        matches!(
            e.kind,
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
        ) && !matches!(e.kind, EventKind::Modify(ModifyKind::Metadata(_)))
    };
    let add = |event: notify::Result<notify::Event>, burst: &mut Burst| match event {
        Err(_) => burst.rescan = true,
        Ok(e) if e.need_rescan() || matches!(e.kind, EventKind::Other) => burst.rescan = true,
        Ok(e) if changes(&e) => {
            burst
                .paths
                .extend(e.paths.into_iter().filter(|p| !is_scratch(p)));
        }
        Ok(_) => {}
    };
    while let Ok(Message::File(event)) = events.recv() {
        let mut burst = Burst::default();
        add(event, &mut burst);
        if burst.paths.is_empty() && !burst.rescan {
            continue;
        }
        // An editor's save is often several events within a millisecond or
        // two; take them all as one change.
        while let Ok(message) = events.recv_timeout(Duration::from_millis(5)) {
            match message {
                Message::File(event) => add(event, &mut burst),
                Message::Stop => return,
            }
        }
        rebuild(builder, &burst, state, quiet);
    }
}

/// Editors' scratch files, which golive never reads: Vim's swap files and its
/// `4913` write test, backups ending in `~`, Emacs lock files (`.#name`).
/// Changes to them alone do not rebuild.
fn is_scratch(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.ends_with('~')
        || name == "4913"
        || name.starts_with(".#")
        || (name.starts_with('.') && (name.ends_with(".swp") || name.ends_with(".swx")))
}

fn respond(request: tiny_http::Request, state: &RwLock<State>) -> std::io::Result<()> {
    let path = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    let path = percent_encoding::percent_decode_str(&path)
        .decode_utf8_lossy()
        .into_owned();
    let header = |name: &str, value: &str| {
        tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
    };
    if path == "/__golive/state" {
        let s = state.read().expect("state lock");
        let body = serde_json::json!({ "version": s.version, "error": s.error }).to_string();
        return request.respond(
            tiny_http::Response::from_string(body)
                .with_header(header("Content-Type", "application/json"))
                .with_header(header("Cache-Control", "no-store")),
        );
    }
    if path == "/__golive/reload.js" {
        return request.respond(
            tiny_http::Response::from_string(RELOAD_JS)
                .with_header(header("Content-Type", "text/javascript")),
        );
    }
    let wanted = if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path
    };
    let s = state.read().expect("state lock");
    // Only plain names below the output folder: no `..`, no absolute paths.
    let relative = Path::new(wanted.trim_start_matches('/'));
    let safe = relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    let candidates = [
        s.out.join(relative),
        s.out.join(relative).join("index.html"),
    ];
    let found = candidates
        .into_iter()
        .filter(|_| safe)
        .find(|f| f.is_file())
        .and_then(|f| std::fs::read(&f).ok().map(|data| (f, data)));
    let Some((file, data)) = found else {
        let body = format!(
            "<!DOCTYPE html><title>Not found</title><p>No page at {}. <a href=\"/\">All releases</a></p>",
            crate::render::escape_html(&wanted)
        );
        return request.respond(
            tiny_http::Response::from_string(body)
                .with_status_code(404)
                .with_header(header("Content-Type", "text/html; charset=utf-8")),
        );
    };
    let content_type = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("eml") => "message/rfc822",
        _ => "application/octet-stream",
    };
    let bytes = if content_type.starts_with("text/html") {
        inject(&data, s.error.as_deref())
    } else {
        data
    };
    drop(s);
    request.respond(
        tiny_http::Response::from_data(bytes)
            .with_header(header("Content-Type", content_type))
            .with_header(header("Cache-Control", "no-store")),
    )
}

/// The reload script, and the current error as an overlay, added to a page.
fn inject(page: &[u8], error: Option<&str>) -> Vec<u8> {
    let page = String::from_utf8_lossy(page);
    let mut extra = String::from("<script src=\"/__golive/reload.js\"></script>");
    if let Some(error) = error {
        extra.insert_str(
            0,
            &format!(
                "<pre id=\"golive-error\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1rem;background:#2b0b0b;color:#ffe3e3;white-space:pre-wrap;z-index:99999\">golive: the content has problems; showing the last good build.\n\n{}</pre>",
                crate::render::escape_html(error)
            ),
        );
    }
    match page.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &page[..at], &page[at..]).into_bytes(),
        None => format!("{page}{extra}").into_bytes(),
    }
}

fn open_browser(url: &str) {
    for opener in ["xdg-open", "open"] {
        if std::process::Command::new(opener).arg(url).spawn().is_ok() {
            return;
        }
    }
    eprintln!("could not open a browser; visit {url}");
}

#[cfg(test)]
mod tests {
    use super::is_scratch;
    use std::path::Path;

    #[test]
    fn editor_scratch_files_are_told_from_content() {
        for scratch in [
            "content/releases/.erp-2.4.0.yaml.swp",
            "content/releases/.erp-2.4.0.yaml.swx",
            "content/releases/erp-2.4.0.yaml~",
            "content/releases/4913",
            "content/runbooks/.#disk-full.md",
        ] {
            assert!(is_scratch(Path::new(scratch)), "{scratch}");
        }
        for content in [
            "content/releases/erp-2.4.0.yaml",
            "content/people.yaml",
            "layouts/base.html",
            "content/releases/results.json",
            "content/releases/.hidden.yaml",
        ] {
            assert!(!is_scratch(Path::new(content)), "{content}");
        }
    }
}
