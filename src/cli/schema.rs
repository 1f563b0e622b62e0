//! `golive schema`: the JSON Schema of the release file.

use std::path::PathBuf;

use super::{Cli, write_output};
use crate::content::schema;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write it to this file instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(_cli: &Cli, args: &Args) -> i32 {
    let text = schema::release_schema();
    write_output(args.out.as_deref(), text.as_bytes())
}
