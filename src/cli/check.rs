//! `golive check`: validate, then print each release's verdict with its reasons.

use std::io::Write as _;
use std::path::Path;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::{Cli, exit, print_invalid};
use crate::diagnostic::did_you_mean;
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
    releases: Vec<&'a Report>,
}

pub fn run(cli: &Cli, args: &Args) -> i32 {
    let (loaded, reports) = match site::load_and_evaluate(&cli.root) {
        Ok(ok) => ok,
        Err(invalid) => {
            print_invalid(&invalid);
            return exit::INVALID;
        }
    };
    let chosen: Vec<&Report> = match &args.release {
        None => reports.iter().collect(),
        Some(wanted) => {
            let by_path = |r: &&Report| {
                loaded
                    .releases
                    .iter()
                    .any(|l| l.slug == r.slug && same_file(&cli.root, &l.path, wanted))
            };
            let found: Vec<&Report> = reports
                .iter()
                .filter(|r| r.slug == *wanted || by_path(r))
                .collect();
            if found.is_empty() {
                let help = did_you_mean(wanted, reports.iter().map(|r| r.slug.as_str()))
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| {
                        let all: Vec<&str> = reports.iter().map(|r| r.slug.as_str()).collect();
                        format!("releases: {}", all.join(", "))
                    });
                let _ = writeln!(
                    anstream::stderr(),
                    "error: no release `{wanted}`\n  = help: {help}"
                );
                return exit::INVALID;
            }
            found
        }
    };

    let all_go = chosen.iter().all(|r| r.verdict == Verdict::Go);
    let mut out = anstream::stdout().lock();
    match args.format {
        Format::Json => {
            let body = Verdicts {
                go: all_go,
                releases: chosen,
            };
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&body).expect("reports serialise")
            );
        }
        Format::Text if !cli.quiet => {
            for r in &chosen {
                print_report(&mut out, r);
            }
        }
        Format::Text => {}
    }
    if all_go { exit::OK } else { exit::NOT_GO }
}

fn same_file(root: &Path, path: &Path, wanted: &str) -> bool {
    let wanted = Path::new(wanted);
    let a = std::fs::canonicalize(root.join(path));
    let b = std::fs::canonicalize(wanted).or_else(|_| std::fs::canonicalize(root.join(wanted)));
    matches!((a, b), (Ok(a), Ok(b)) if a == b)
}

fn print_report(out: &mut impl std::io::Write, r: &Report) {
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
}
