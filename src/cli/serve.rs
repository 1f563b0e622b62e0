//! `golive serve`: build, serve on 127.0.0.1, rebuild and reload on change.

use std::io::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;

use super::{Cli, exit};
use crate::serve::{self, Options};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, short, default_value_t = 8008)]
    pub port: u16,
    /// Address to listen on. Anything but a loopback address exposes the site to the network.
    ///
    /// Requests are answered only when their Host names this server: localhost,
    /// 127.0.0.1, [::1], the bound address, or (bound to 0.0.0.0 or ::) the address
    /// the request arrived on; any port. Others get 421, which keeps web pages that
    /// rebind their own name to this machine (DNS rebinding) from reading the site.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Also answer requests for this host name or address (repeatable), e.g. the
    /// machine's name on the network when bound to 0.0.0.0.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_hosts: Vec<String>,
    /// Open the dashboard in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Output folder to build into and serve from; relative paths are taken from the site folder.
    #[arg(long, value_name = "DIR", default_value = "public")]
    pub out: PathBuf,
}

pub fn run(cli: &Cli, args: &Args) -> i32 {
    let clock = match super::clock::clock(cli) {
        Ok(clock) => clock,
        Err(code) => return code,
    };
    let ledger = match super::ledger::chosen(cli) {
        Ok(ledger) => ledger,
        Err(code) => return code,
    };
    let options = Options {
        clock,
        ledger,
        bind: args.bind,
        port: args.port,
        open: args.open,
        quiet: cli.quiet,
        out: cli.root.join(&args.out),
        allow_hosts: args.allow_hosts.clone(),
    };
    match serve::run(&cli.root, options) {
        Ok(()) => exit::OK,
        Err(e) => {
            let _ = writeln!(anstream::stderr(), "error: {e}");
            exit::FAILED
        }
    }
}
