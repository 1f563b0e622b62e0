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
//! The HTTP side (what is answered, what is refused) is in `http`.

mod http;

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode, Watcher};

use crate::site::{BuildError, Builder, interrupt};

pub struct Options {
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub quiet: bool,
    /// The output folder it builds into and serves from.
    pub out: PathBuf,
    /// Host names or addresses to answer besides this server's own (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// The time the pages are rendered at.
    pub clock: crate::clock::Clock,
    /// The send ledger's place, if the command line chose one.
    pub ledger: Option<crate::send::place::Chosen>,
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
        let _ = writeln!(std::io::stderr(), "error: {message}");
        s.error = Some(message.to_string());
        return;
    };
    match outcome {
        Ok(summary) => {
            s.error = None;
            for warning in &summary.warnings {
                let _ = writeln!(std::io::stderr(), "warning: {warning}");
            }
            if !quiet {
                let _ = writeln!(
                    std::io::stdout(),
                    "{verb} in {} ms ({} of {} rendered, {} written)",
                    summary.elapsed.as_millis(),
                    summary.rendered,
                    crate::render::count(summary.releases as u64, "release"),
                    crate::render::count(summary.written as u64, "file")
                );
            }
        }
        Err(BuildError::Invalid(invalid)) => {
            let _ = writeln!(
                std::io::stderr(),
                "{invalid}\n(still serving the last good build)"
            );
            s.error = Some(invalid.to_string());
        }
        Err(BuildError::Io(e)) => {
            let _ = writeln!(std::io::stderr(), "error: cannot write the output: {e}");
            s.error = Some(format!("cannot write the output: {e}"));
        }
        Err(BuildError::Busy(message)) => {
            let _ = writeln!(std::io::stderr(), "error: {message}");
            s.error = Some(message);
        }
        // Stopping: the watch loop ends next.
        Err(BuildError::Interrupted { .. }) => {}
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
    let hosts = http::AllowedHosts::new(options.bind, &options.allow_hosts)?;
    // Take the port before building: a second serve on a port in use must
    // fail before it writes anything.
    let server = http::Server::bind(SocketAddr::new(options.bind, options.port))?;
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
    let mut builder = Builder::new(root, &options.out)
        .with_clock(options.clock.clone())
        .with_ledger(options.ledger.clone())
        .serving();
    match builder.lock_output() {
        Ok(()) => {}
        Err(BuildError::Busy(message)) => return Err(message),
        Err(BuildError::Interrupted { .. }) => return Ok(()),
        Err(BuildError::Io(e)) => {
            return Err(format!("cannot lock {}: {e}", options.out.display()));
        }
        Err(BuildError::Invalid(invalid)) => return Err(invalid.to_string()),
    }
    rebuild(&mut builder, &Burst::default(), &state, options.quiet);

    let local = server
        .local_addr()
        .map_err(|e| format!("cannot read the server's address: {e}"))?;
    server
        .start(state.clone(), hosts)
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let url = format!("http://{local}/");
    let _ = writeln!(std::io::stdout(), "serving {url} (Ctrl-C to stop)");
    let _ = std::io::stdout().flush();
    if !options.bind.is_loopback() {
        let _ = writeln!(
            std::io::stderr(),
            "warning: listening on {} — anyone who can reach this address can read the site \
             (requests must name this machine by an IP address, or by a name given with --allow-host)",
            options.bind
        );
    }
    if options.open {
        open_browser(&url);
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
        let _ = writeln!(
            std::io::stdout(),
            "stopped; {} is up to date",
            options.out.display()
        );
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

fn open_browser(url: &str) {
    for opener in ["xdg-open", "open"] {
        if std::process::Command::new(opener).arg(url).spawn().is_ok() {
            return;
        }
    }
    let _ = writeln!(std::io::stderr(), "could not open a browser; visit {url}");
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
