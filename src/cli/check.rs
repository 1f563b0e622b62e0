//! `golive check`: validate, then print each release's verdict with its reasons
//! and its warnings (deadlines passed at the clock's time) and calendar
//! collisions (with the release's file). A blocking collision (a change
//! freeze) is one of the verdict's reasons already; the others are warnings.
//! Warnings leave the exit code alone, unless `--strict` makes them fail the
//! check like a verdict that is not GO (exit 1).

use std::io::Write as _;
use std::path::Path;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::{Cli, NO_RELEASES_HELP, exit, find_release, no_releases, print_invalid};
use crate::evaluate::{Report, Verdict};
use crate::site;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Check only this release: its slug (acme-erp-2.0.0) or its file's path.
    #[arg(long, short, value_name = "R")]
    pub release: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Fail (exit 1, as for a verdict that is not GO) when any checked release has a warning.
    #[arg(long)]
    pub strict: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// One line of `--format json`.
#[derive(Serialize)]
struct Verdicts<'a> {
    go: bool,
    /// How many warnings the checked releases have in all.
    warnings: usize,
    /// How many calendar collisions they have that do not block (warnings
    /// too, for `--strict`); each report lists its `collisions`.
    collisions: usize,
    releases: Vec<&'a Report>,
}

pub fn run(cli: &Cli, args: &Args) -> i32 {
    let clock = match super::clock::clock(cli) {
        Ok(clock) => clock,
        Err(code) => return code,
    };
    let (loaded, reports) = match site::load_and_evaluate_at(&cli.root, &clock) {
        Ok(ok) => ok,
        Err(invalid) => {
            print_invalid(&invalid);
            return exit::INVALID;
        }
    };
    // A gate that passes on nothing would pass a pipeline with a wrong --root.
    if loaded.releases.is_empty() {
        let _ = writeln!(
            anstream::stderr(),
            "error: nothing to check: {}\n  = help: {NO_RELEASES_HELP}",
            no_releases(&cli.root)
        );
        return exit::INVALID;
    }
    let files: Vec<&Path> = loaded.releases.iter().map(|r| r.path.as_path()).collect();
    let (chosen, files): (Vec<&Report>, Vec<&Path>) = match &args.release {
        None => (reports.iter().collect(), files),
        Some(wanted) => match find_release(&cli.root, &loaded, wanted) {
            Ok(index) => (vec![&reports[index]], vec![files[index]]),
            Err(message) => {
                let _ = writeln!(anstream::stderr(), "{message}");
                return exit::INVALID;
            }
        },
    };

    let all_go = chosen.iter().all(|r| r.verdict == Verdict::Go);
    let warnings: usize = chosen.iter().map(|r| r.warnings.len()).sum();
    let collisions: usize = chosen
        .iter()
        .map(|r| r.collisions.iter().filter(|c| !c.blocks).count())
        .sum();
    let mut out = anstream::stdout().lock();
    match args.format {
        Format::Json => {
            let body = Verdicts {
                go: all_go,
                warnings,
                collisions,
                releases: chosen,
            };
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&body).expect("reports serialise")
            );
        }
        Format::Text if !cli.quiet => {
            for (r, file) in chosen.iter().zip(&files) {
                print_report(&mut out, r, file);
            }
        }
        Format::Text => {}
    }
    if all_go && (warnings + collisions == 0 || !args.strict) {
        exit::OK
    } else {
        exit::NOT_GO
    }
}

fn print_report(out: &mut impl std::io::Write, r: &Report, file: &Path) {
    let colour = match r.verdict {
        Verdict::Go => AnsiColor::Green,
        Verdict::GoPending => AnsiColor::Yellow,
        Verdict::NoGo => AnsiColor::Red,
    };
    let style = Style::new().bold().fg_color(Some(colour.into()));
    let score = r
        .score
        .map_or_else(|| "no score".to_string(), |s| format!("{s}%"));
    let _ = writeln!(
        out,
        "{style}{:<10}{style:#} {}  ({}, readiness {score}, target {})",
        r.verdict.label(),
        r.slug,
        r.state.label(),
        r.target.display
    );
    for reason in &r.reasons {
        let mark = if reason.blocking { "✗" } else { "…" };
        let _ = writeln!(out, "           {mark} {}", reason.message);
    }
    let yellow = Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()));
    for warning in &r.warnings {
        let _ = writeln!(
            out,
            "           {yellow}warning{yellow:#}: {}",
            warning.message
        );
    }
    let red = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    for c in &r.collisions {
        let (style, what) = if c.blocks {
            (red, "collision, blocks")
        } else {
            (yellow, "collision")
        };
        let _ = writeln!(
            out,
            "           {style}{what}{style:#}: {}: {}",
            file.display(),
            c.message
        );
    }
}
