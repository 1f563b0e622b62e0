//! Serve: build, serve the site on a loopback address, rebuild on every change,
//! and reload open pages.
//!
//! It builds into the output folder (`public/` unless `--out` says otherwise)
//! and serves files from there. The server never exits on a content error: it
//! keeps serving the last good build, prints the problems in the terminal and
//! shows them in the browser as an overlay (the injected reload script polls
//! `/__golive/state`). Rebuilds go through `site::Builder`, whose cache makes an
//! edit of one release render only that release and the pages that list releases.
//! The HTTP side (what is answered, what is refused) is in `http`.

mod http;

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode, Watcher};

use crate::site::{BuildError, Builder};

pub struct Options {
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub quiet: bool,
    /// The output folder it builds into and serves from.
    pub out: PathBuf,
    /// Host names or addresses to answer besides this server's own (`--allow-host`).
    pub allow_hosts: Vec<String>,
}

/// What the server shows: the output folder of the last good build, and the
/// current error if any.
struct State {
    out: PathBuf,
    error: Option<String>,
    version: u64,
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
/// else a full, incremental build.
fn rebuild(builder: &mut Builder, burst: &Burst, state: &RwLock<State>, quiet: bool) {
    let quick = if burst.rescan {
        Ok(None)
    } else {
        builder.rebuild_releases(&burst.paths)
    };
    let (outcome, verb) = match quick {
        Ok(None) => (builder.build(), "built"),
        Ok(Some(summary)) => (Ok(summary), "updated"),
        Err(e) => (Err(e), "updated"),
    };
    let mut s = state.write().expect("state lock");
    s.version += 1;
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
    }
    drop(s);
    let _ = std::io::stdout().flush();
    // The pages are served already; now the bookkeeping a later build reads.
    if let Err(e) = builder.persist() {
        let message = format!("cannot write the manifest or the build cache: {e}");
        eprintln!("error: {message}");
        let mut s = state.write().expect("state lock");
        s.version += 1;
        s.error = Some(message);
    }
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
    let (_watcher, events) = watcher(root)?;
    let mut builder = Builder::new(root, &options.out);
    rebuild(&mut builder, &Burst::default(), &state, options.quiet);

    let local = server
        .local_addr()
        .map_err(|e| format!("cannot read the server's address: {e}"))?;
    server
        .start(state.clone(), hosts)
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let url = format!("http://{local}/");
    println!("serving {url} (Ctrl-C to stop)");
    let _ = std::io::stdout().flush();
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {} — anyone who can reach this address can read the site \
             (requests must name this machine by an IP address, or by a name given with --allow-host)",
            options.bind
        );
    }
    if options.open {
        open_browser(&url);
    }
    watch(&events, &mut builder, &state, options.quiet);
    Ok(())
}

/// Watches content/, layouts/ and emails/; events arrive on the returned channel.
fn watcher(
    root: &Path,
) -> Result<
    (
        notify::RecommendedWatcher,
        Receiver<notify::Result<notify::Event>>,
    ),
    String,
> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher =
        notify::recommended_watcher(tx).map_err(|e| format!("cannot watch files: {e}"))?;
    for dir in ["content", "layouts", "emails"]
        .iter()
        .map(|d| root.join(d))
        .filter(|d| d.is_dir())
    {
        watcher
            .watch(&dir, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
    }
    Ok((watcher, rx))
}

/// Rebuilds after every burst of changes. Only creations, modifications and
/// removals count: reading the files during a rebuild must not trigger another.
fn watch(
    events: &Receiver<notify::Result<notify::Event>>,
    builder: &mut Builder,
    state: &RwLock<State>,
    quiet: bool,
) {
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
    while let Ok(event) = events.recv() {
        let mut burst = Burst::default();
        add(event, &mut burst);
        if burst.paths.is_empty() && !burst.rescan {
            continue;
        }
        // An editor's save is often several events within a millisecond or
        // two; take them all as one change.
        while let Ok(event) = events.recv_timeout(Duration::from_millis(5)) {
            add(event, &mut burst);
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
