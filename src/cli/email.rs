//! `golive email <release> <kind>`: one email, as HTML, text or a whole .eml.

use std::io::Write as _;
use std::path::PathBuf;

use super::{Cli, compose_email, exit, write_output};
use crate::email::Kind;

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
    let (site, index, composed) = match compose_email(cli, "email", &args.release, args.kind) {
        Ok(ok) => ok,
        Err(code) => return code,
    };
    let release = &site.releases[index];
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
