//! `golive build`: the site into public/.

use std::io::Write as _;
use std::path::PathBuf;

use super::{Cli, NO_RELEASES_HELP, exit, no_releases, print_invalid};
use crate::site::{self, BuildError};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output folder; relative paths are taken from the site folder.
    #[arg(long, value_name = "DIR", default_value = "public")]
    pub out: PathBuf,
}

pub fn run(cli: &Cli, args: &Args) -> i32 {
    let out = cli.root.join(&args.out);
    match site::build(&cli.root, &out, !cli.quiet) {
        Ok(summary) => {
            if summary.releases == 0 && !cli.quiet {
                let _ = writeln!(
                    anstream::stderr(),
                    "warning: the site was built without releases: {}\n  = help: {NO_RELEASES_HELP}",
                    no_releases(&cli.root)
                );
            }
            if !cli.quiet {
                let _ = writeln!(
                    anstream::stdout(),
                    "built {} release{} ({} rendered): {} pages, {} emails; {} of {} files written ({:.1} KiB), {} deleted, in {} ms -> {}",
                    summary.releases,
                    if summary.releases == 1 { "" } else { "s" },
                    summary.rendered,
                    summary.pages,
                    summary.emails,
                    summary.written,
                    summary.files,
                    summary.bytes_written as f64 / 1024.0,
                    summary.deleted,
                    summary.elapsed.as_millis(),
                    out.display()
                );
            }
            if cli.verbose {
                for (stage, took) in &summary.timings {
                    let _ = writeln!(
                        anstream::stdout(),
                        "  {stage:<28} {:>8.1} ms",
                        took.as_secs_f64() * 1000.0
                    );
                }
            }
            exit::OK
        }
        Err(BuildError::Invalid(invalid)) => {
            print_invalid(&invalid);
            let _ = writeln!(
                anstream::stderr(),
                "nothing was written; {} is as it was",
                out.display()
            );
            exit::INVALID
        }
        Err(BuildError::Io(e)) => {
            let _ = writeln!(
                anstream::stderr(),
                "error: cannot write {}: {e}",
                out.display()
            );
            exit::FAILED
        }
    }
}
