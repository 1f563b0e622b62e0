//! `golive schema`: the JSON Schema of the release file.

use std::io::Write as _;
use std::path::PathBuf;

use super::{Cli, exit};
use crate::content::schema;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write it to this file instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(_cli: &Cli, args: &Args) -> i32 {
    let text = schema::release_schema();
    let written = match &args.out {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => std::io::stdout()
            .write_all(text.as_bytes())
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
