//! `golive email <release> <kind>`: one email, as HTML, text or a whole .eml.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use super::{Cli, exit, find_release, print_invalid, write_output};
use crate::email::{self, ComposeError, Kind};
use crate::render::Theme;
use crate::site;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The release: its slug (acme-erp-2.0.0) or its file's path.
    pub release: String,
    /// Which email.
    #[arg(value_enum)]
    pub kind: Kind,
    /// What to print: the HTML part, the text part, or the whole message (RFC 5322).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to this file instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Html,
    Text,
    Eml,
}

pub fn run(cli: &Cli, args: &Args) -> i32 {
    let (site, reports) = match site::load_and_evaluate(&cli.root) {
        Ok(ok) => ok,
        Err(invalid) => {
            print_invalid(&invalid);
            return exit::INVALID;
        }
    };
    let index = match find_release(&cli.root, &site, &args.release) {
        Ok(i) => i,
        Err(message) => {
            let _ = writeln!(anstream::stderr(), "{message}");
            return exit::INVALID;
        }
    };
    let theme = match Theme::load(&cli.root, Arc::new(site.people.clone())) {
        Ok(t) => t,
        Err(diagnostics) => {
            print_invalid(&crate::diagnostic::InvalidSite { diagnostics });
            return exit::INVALID;
        }
    };
    let release = &site.releases[index];
    let composed = match email::compose(&theme, &site, release, &reports[index], args.kind) {
        Ok(c) => c,
        Err(ComposeError::Refused(why)) => {
            let _ = writeln!(
                anstream::stderr(),
                "error: no {} email for {}: {why}",
                args.kind,
                release.slug
            );
            return exit::FAILED;
        }
        Err(ComposeError::Template(d)) => {
            let _ = write!(anstream::stderr(), "{}", d.render());
            return exit::INVALID;
        }
    };
    let bytes = match args.format {
        Format::Html => composed.rendered.html.into_bytes(),
        Format::Text => composed.rendered.text.into_bytes(),
        Format::Eml => match composed.eml() {
            Ok(b) => b,
            Err(why) => {
                let _ = writeln!(
                    anstream::stderr(),
                    "error: cannot address the {} email of {}: {why}",
                    args.kind,
                    release.slug
                );
                return exit::FAILED;
            }
        },
    };
    write_output(args.out.as_deref(), &bytes)
}
