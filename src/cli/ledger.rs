//! `--ledger` and `GOLIVE_LEDGER`: the one place that reads them. Where the
//! ledger ends up is `send::place`'s rule (flag, variable, site.yaml, default).

use std::io::Write as _;

use super::{Cli, exit};
use crate::config::site::SiteConfig;
use crate::send::place::{Chosen, Place};

/// The place the command line chose, if any. A bad `GOLIVE_LEDGER` is
/// printed and gives the exit code.
pub fn chosen(cli: &Cli) -> Result<Option<Chosen>, i32> {
    Chosen::from_command_line(cli.ledger.as_deref()).map_err(|message| {
        let _ = writeln!(anstream::stderr(), "error: {message}");
        exit::INVALID
    })
}

/// Where the ledger of the site in `--root`, configured by `config`, is.
pub fn place(cli: &Cli, config: &SiteConfig) -> Result<Place, i32> {
    let chosen = chosen(cli)?;
    Ok(Place::resolve(
        &cli.root,
        chosen.as_ref(),
        config.ledger.as_deref(),
    ))
}
