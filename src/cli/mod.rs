//! The command line: one file per subcommand, each a thin layer over the pipeline.

mod build;
mod check;
mod clock;
mod completions;
mod email;
mod init;
mod ledger;
mod man;
mod new;
mod schema;
mod send;
mod serve;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use std::sync::Arc;

use crate::content::LoadedSite;
use crate::diagnostic::{InvalidSite, did_you_mean};
use crate::email::history::postponement_changes;
use crate::email::{ComposeError, Composed, Kind, compose, guard};
use crate::render::Theme;

/// Exit codes, stable for pipelines.
pub mod exit {
    /// Success; for `check`, every checked release is GO.
    pub const OK: i32 = 0;
    /// `check`: some release is not GO.
    pub const NOT_GO: i32 = 1;
    /// Other commands: the work failed for a reason other than the content (I/O).
    pub const FAILED: i32 = 1;
    /// The content is invalid; every problem was printed.
    pub const INVALID: i32 = 2;
}

#[derive(Parser, Debug)]
#[command(
    name = "golive",
    // With the commit it was built from (build.rs).
    version = env!("GOLIVE_VERSION"),
    about = "Release readiness reports, runbooks and go-live emails from one YAML file per release",
    long_about = "golive turns content/releases/*.yaml into an internal site (readiness report, \
                  checklist, dashboard) and checks releases for go/no-go.\n\n\
                  Run it in a site folder (one with content/), or pass --root."
)]
pub struct Cli {
    /// The site folder (the one that holds content/).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,

    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more: how long each stage of a build took.
    #[arg(long, short, global = true)]
    pub verbose: bool,

    /// The time to judge deadlines at (the warnings, the approval phases), instead
    /// of the system clock: 2026-12-04, 2026-12-04 09:00 (in the site's zone) or
    /// RFC 3339. Also GOLIVE_NOW. The go/no-go verdict never depends on it.
    #[arg(long, global = true, value_name = "DATETIME")]
    pub now: Option<crate::content::time::When>,

    /// Where the send ledger is (its lock and the calendars' memory go in the same
    /// folder), instead of site.yaml's `ledger:` or .golive/sent.jsonl; a relative
    /// path is taken from the site folder. Also GOLIVE_LEDGER. Read by build, serve,
    /// email and send.
    #[arg(long, global = true, value_name = "FILE", value_parser = crate::send::place::parse_flag)]
    pub ledger: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into public/ (or --out), replacing it only when the build succeeds.
    Build(build::Args),
    /// Validate the content and print each release's go/no-go verdict and warnings.
    ///
    /// Warnings are deadlines passed at the clock's time (--now, GOLIVE_NOW); they
    /// leave the exit status alone unless --strict is given.
    /// Exit status: 0 when every checked release is GO (and, with --strict, none
    /// has a warning), 1 when any is not, 2 when the content is invalid.
    Check(check::Args),
    /// Render one email of a release to stdout or a file.
    ///
    /// Exit status: 0 written, 1 refused (the release's state does not allow this
    /// kind, or it has no recipients), 2 invalid content or unknown release.
    Email(email::Args),
    /// Send one email of a release over SMTP (a dry run unless --send is given).
    ///
    /// The server comes from site.yaml's smtp block; the login from the environment
    /// variables it names. Every recipient's outcome is recorded in the send ledger:
    /// the same email is not sent twice (unless --resend), and a run that failed
    /// half-way sends only to those still owed.
    ///
    /// The ledger is --ledger FILE, else GOLIVE_LEDGER, else `ledger:` in site.yaml,
    /// else .golive/sent.jsonl (relative paths from the site folder). Under CI (the
    /// CI variable set, not `false` or `0`), --send refuses before connecting when
    /// the ledger would be thrown away with the checkout: at its default place, or
    /// ignored by git. Keep it where the next run finds it (committed by the job,
    /// or on a shared volume), or pass --ephemeral-ledger; a dry run only warns.
    ///
    /// Exit status: 0 all delivered (or dry run), 1 refused or some failed, 2 invalid content.
    Send(send::Args),
    /// Print the JSON Schema of the release file (for editors and CI).
    Schema(schema::Args),
    /// Create a new site with an example release, people, a checklist and a runbook.
    Init(init::Args),
    /// Write a new release file for a product, from its latest release or a template.
    New(new::Args),
    /// Build, serve on 127.0.0.1, and rebuild and reload pages when files change.
    Serve(serve::Args),
    /// Print the shell completion script for bash, zsh, fish, elvish or PowerShell.
    #[command(long_about = completions::LONG_ABOUT)]
    Completions(completions::Args),
    /// Print the manual page, or write one page per command into a folder.
    #[command(long_about = man::LONG_ABOUT)]
    Man(man::Args),
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match &cli.command {
        Command::Build(args) => build::run(&cli, args),
        Command::Check(args) => check::run(&cli, args),
        Command::Email(args) => email::run(&cli, args),
        Command::Send(args) => send::run(&cli, args),
        Command::Schema(args) => schema::run(&cli, args),
        Command::Init(args) => init::run(&cli, args),
        Command::New(args) => new::run(&cli, args),
        Command::Serve(args) => serve::run(&cli, args),
        Command::Completions(args) => completions::run(&cli, args),
        Command::Man(args) => man::run(&cli, args),
    }
}

/// The index of the release named by its slug or its file's path, or an error
/// message with a suggestion.
fn find_release(root: &Path, site: &LoadedSite, wanted: &str) -> Result<usize, String> {
    let same_file = |path: &Path| {
        let a = std::fs::canonicalize(root.join(path));
        let b = std::fs::canonicalize(wanted).or_else(|_| std::fs::canonicalize(root.join(wanted)));
        matches!((a, b), (Ok(a), Ok(b)) if a == b)
    };
    if let Some(i) = site
        .releases
        .iter()
        .position(|r| r.slug == wanted || same_file(&r.path))
    {
        return Ok(i);
    }
    let slugs = site.releases.iter().map(|r| r.slug.as_str());
    let help = match did_you_mean(wanted, slugs.clone()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("releases: {}", slugs.collect::<Vec<_>>().join(", ")),
    };
    Err(format!("error: no release `{wanted}`\n  = help: {help}"))
}

/// Where releases were looked for and not found, for `check` (an error: a gate
/// that passes on nothing would pass a pipeline run with the wrong `--root`)
/// and `build` (a warning: an empty site is a site).
fn no_releases(root: &Path) -> String {
    let site = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let dir = crate::content::releases_dir(&site);
    let patterns: Vec<String> = crate::content::RELEASE_EXTENSIONS
        .iter()
        .map(|x| format!("*.{x}"))
        .collect();
    if dir.is_dir() {
        format!(
            "no release files in {} (looked for {}, in subfolders too, skipping hidden ones)",
            dir.display(),
            patterns.join(" and ")
        )
    } else {
        let what = if dir.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        format!(
            "no release files: {} {what} (releases are {} files in it)",
            dir.display(),
            patterns.join(" and ")
        )
    }
}

/// What to do when there are no releases.
const NO_RELEASES_HELP: &str = "check that --root names the site folder (the one that holds content/); start a release with `golive new <product> <version>`";

/// One email of one release, composed: where `email` and `send` start. On
/// failure the problem is printed and the exit code comes back instead.
/// `command` (`email` or `send`) is the one a refusal suggests for the owed kind.
fn compose_email(
    cli: &Cli,
    command: &str,
    wanted: &str,
    kind: Kind,
) -> Result<(LoadedSite, usize, Composed), i32> {
    // One instant for the report and the postponement's original plan.
    let clock = clock::clock(cli)?.frozen();
    let (site, reports) =
        crate::site::load_and_evaluate_at(&cli.root, &clock).map_err(|invalid| {
            print_invalid(&invalid);
            exit::INVALID
        })?;
    let index = find_release(&cli.root, &site, wanted).map_err(|message| {
        let _ = writeln!(anstream::stderr(), "{message}");
        exit::INVALID
    })?;
    let place = ledger::place(cli, &site.config)?;
    let theme = Theme::load(&cli.root, Arc::new(site.people.clone())).map_err(|diagnostics| {
        print_invalid(&InvalidSite { diagnostics });
        exit::INVALID
    })?;
    let release = &site.releases[index];
    let report = &reports[index];
    // The postponement email says what changed since the audience's last email,
    // which the send ledger knows: the preview and the send read it alike.
    let changes = if kind == Kind::Postponement && guard(kind, &release.release, report).is_ok() {
        let zone = site.config.timezone.0;
        let today = crate::site::today(clock.now(zone), zone);
        match postponement_changes(&place, &site, release, report, today) {
            Ok((changes, warnings)) => {
                for warning in warnings {
                    let _ = writeln!(anstream::stderr(), "warning: {warning}");
                }
                Some(changes)
            }
            Err(message) => {
                let _ = writeln!(anstream::stderr(), "error: {message}");
                return Err(exit::FAILED);
            }
        }
    } else {
        None
    };
    // The readiness and postponement emails carry the release's calendar,
    // numbered as a build would number it now (the memory is read here,
    // never written).
    let calendar = kind.carries_calendar().then(|| {
        let reading = crate::calendar::memory::read(&place);
        if let Some(warning) = &reading.warning {
            let _ = writeln!(anstream::stderr(), "warning: {warning}");
        }
        let now = clock.now(site.config.timezone.0);
        let (_, ics) =
            crate::calendar::for_release(report, &site.config, &site.people, &reading.memory, now);
        ics
    });
    let mut context = crate::render::release_context(&release.release, report);
    match compose(
        &theme,
        &site,
        release,
        report,
        kind,
        changes.as_ref(),
        calendar.as_deref(),
        &mut context,
    ) {
        Ok(composed) => Ok((site, index, composed)),
        Err(ComposeError::Refused(refusal)) => {
            let _ = writeln!(
                anstream::stderr(),
                "error: no {kind} email for {}: {}",
                release.slug,
                refusal.message(command, &release.slug)
            );
            Err(exit::FAILED)
        }
        Err(ComposeError::Template(d)) => {
            let _ = write!(anstream::stderr(), "{}", d.render());
            Err(exit::INVALID)
        }
    }
}

/// Writes a command's output to `out`, or to stdout; the exit code.
fn write_output(out: Option<&Path>, bytes: &[u8]) -> i32 {
    let written = match out {
        Some(path) => {
            std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => std::io::stdout()
            .write_all(bytes)
            .map_err(|e| e.to_string()),
    };
    match written {
        Ok(()) => exit::OK,
        Err(e) => {
            let _ = writeln!(anstream::stderr(), "error: {e}");
            exit::FAILED
        }
    }
}

/// Prints every problem and the closing count to stderr, the `error:` headers in
/// colour when stderr is a terminal (anstream drops colour otherwise, and under NO_COLOR).
fn print_invalid(invalid: &InvalidSite) {
    let mut err = anstream::stderr().lock();
    let red = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Red.into()));
    let bold = anstyle::Style::new().bold();
    for d in &invalid.diagnostics {
        let text = d.render();
        let (head, rest) = text.split_once('\n').unwrap_or((&text, ""));
        let styled = match head.split_once(": error: ") {
            Some((place, message)) => {
                format!("{bold}{place}{bold:#}: {red}error{red:#}: {bold}{message}{bold:#}")
            }
            None => head.to_string(),
        };
        let _ = write!(err, "{styled}\n{rest}");
    }
    let n = invalid.diagnostics.len();
    let _ = writeln!(err, "{n} problem{} found", if n == 1 { "" } else { "s" });
}
