//! `golive build`: the site into public/.
//!
//! Ctrl-C, SIGTERM and SIGHUP stop the build at its next safe point: its
//! changes are undone and it exits with 130. A panic inside the build is
//! caught here too: the build's changes are undone while unwinding, and the
//! command reports an internal error instead of crashing.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{Cli, NO_RELEASES_HELP, exit, no_releases, print_invalid};
use crate::render::count;
use crate::site::{self, BuildError, BuildSummary, interrupt, output};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output folder; relative paths are taken from the site folder.
    #[arg(long, value_name = "DIR", default_value = "public")]
    pub out: PathBuf,
}

/// The exit code of a build stopped by the user, as shells report SIGINT.
pub(super) const INTERRUPTED: i32 = 130;

pub fn run(cli: &Cli, args: &Args) -> i32 {
    let out = cli.root.join(&args.out);
    let clock = match super::clock::clock(cli) {
        Ok(clock) => clock,
        Err(code) => return code,
    };
    if let Err(e) = interrupt::install(|| {}) {
        let _ = writeln!(anstream::stderr(), "warning: {e}");
    }
    let ledger = match super::ledger::chosen(cli) {
        Ok(ledger) => ledger,
        Err(code) => return code,
    };
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        site::build_at(&cli.root, &out, !cli.quiet, clock, ledger)
    }));
    let mut err = anstream::stderr();
    match built {
        Ok(Ok(summary)) => {
            report(cli, &out, &summary);
            if interrupt::requested() {
                let _ = writeln!(
                    err,
                    "interrupted after the build was complete; {} holds the new build",
                    out.display()
                );
                return INTERRUPTED;
            }
            exit::OK
        }
        Ok(Err(BuildError::Invalid(invalid))) => {
            print_invalid(&invalid);
            let _ = writeln!(err, "{}", left(&out));
            exit::INVALID
        }
        Ok(Err(BuildError::Io(e))) => {
            let _ = writeln!(err, "error: cannot write {}: {e}", out.display());
            let _ = writeln!(err, "{}", left(&out));
            exit::FAILED
        }
        Ok(Err(BuildError::Busy(message))) => {
            let _ = writeln!(err, "error: {message}");
            exit::FAILED
        }
        // While it waited, the folder was another build's: say only what this one did.
        Ok(Err(BuildError::Interrupted { waiting: true })) => {
            let _ = writeln!(
                err,
                "interrupted while waiting for the other build; this build wrote nothing to {}",
                out.display()
            );
            INTERRUPTED
        }
        Ok(Err(BuildError::Interrupted { waiting: false })) => {
            let _ = writeln!(err, "interrupted; {}", left(&out));
            INTERRUPTED
        }
        Err(_) => {
            // The panic's message is already on stderr.
            let _ = writeln!(
                err,
                "error: the build stopped on an internal error in golive (the message above; please report it)"
            );
            let _ = writeln!(err, "{}", left(&out));
            exit::FAILED
        }
    }
}

/// What a failed build left in `out`, as one exact sentence.
fn left(out: &Path) -> String {
    if output::is_unfinished(out) {
        format!(
            "{} is partly written; the next build checks every file in it and finishes it",
            out.display()
        )
    } else {
        format!("{} is as it was before this build", out.display())
    }
}

/// The summary line, the stages with `--verbose`, and a note when the build
/// had to check a folder an interrupted build left unfinished.
fn report(cli: &Cli, out: &Path, summary: &BuildSummary) {
    for warning in &summary.warnings {
        let _ = writeln!(anstream::stderr(), "warning: {warning}");
    }
    if cli.quiet {
        return;
    }
    if summary.releases == 0 {
        let _ = writeln!(
            anstream::stderr(),
            "warning: the site was built without releases: {}\n  = help: {NO_RELEASES_HELP}",
            no_releases(&cli.root)
        );
    }
    if let Some(checked) = summary.checked {
        let why = if checked.unfinished {
            "was left unfinished by an interrupted build"
        } else {
            "had no manifest golive could trust"
        };
        let _ = writeln!(
            anstream::stderr(),
            "note: {} {why}; checked all {}: {} did not match the manifest, {} deleted; this build rewrote or deleted what differed",
            out.display(),
            count(checked.files as u64, "file"),
            checked.mismatched,
            count(checked.temporary as u64, "temporary file")
        );
    }
    let _ = writeln!(
        anstream::stdout(),
        "built {} ({} rendered): {}, {}; {} of {} written ({:.1} KiB), {} deleted, in {} ms -> {}",
        count(summary.releases as u64, "release"),
        summary.rendered,
        count(summary.pages as u64, "page"),
        count(summary.emails as u64, "email"),
        summary.written,
        count(summary.files as u64, "file"),
        summary.bytes_written as f64 / 1024.0,
        summary.deleted,
        summary.elapsed.as_millis(),
        out.display()
    );
    if cli.verbose {
        for (stage, took) in &summary.timings {
            let _ = writeln!(
                anstream::stdout(),
                "  {stage:<28} {:>8.1} ms",
                took.as_secs_f64() * 1000.0
            );
        }
    }
}
