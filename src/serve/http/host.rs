//! Which Host a request may name. A web page on another name whose DNS now
//! points at this machine (DNS rebinding) could otherwise read the preview
//! from the victim's browser: its requests arrive with that other name in
//! Host, so only names of this server are answered.
//!
//! Accepted: `localhost`, `127.0.0.1`, `[::1]`, the address serve was bound
//! to, the address the connection arrived on (an IP address cannot be
//! rebound, and a client that typed it reached this server by it), and the
//! names and addresses given with `--allow-host`. Any port, since a port
//! forward (`ssh -L 9000:localhost:8008`) changes it; names without case.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The hosts this server answers to.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    bound: IpAddr,
    names: Vec<String>,
    addresses: Vec<IpAddr>,
}

/// The outcome of checking a Host.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Well formed, but not a name of this server.
    Foreign,
    /// Not `host[:port]`.
    Malformed,
}

/// A parsed `host[:port]`.
#[derive(Debug, PartialEq, Eq)]
enum Host {
    Ip(IpAddr),
    /// Lower case, without a trailing dot.
    Name(String),
}

impl AllowedHosts {
    /// `extra` are the `--allow-host` values: host names or IP addresses.
    pub fn new(bound: IpAddr, extra: &[String]) -> Result<AllowedHosts, String> {
        let mut allowed = AllowedHosts {
            bound: bound.to_canonical(),
            names: vec!["localhost".to_string()],
            addresses: vec![
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(Ipv6Addr::LOCALHOST),
            ],
        };
        for given in extra {
            let host = match given.parse::<IpAddr>() {
                Ok(ip) => Some(Host::Ip(ip)),
                Err(_) => parse_host(given),
            };
            match host {
                Some(Host::Ip(ip)) => allowed.addresses.push(ip.to_canonical()),
                Some(Host::Name(name)) if !given.contains(':') => allowed.names.push(name),
                _ => {
                    return Err(format!(
                        "--allow-host {given:?} is not a host name or an IP address \
                         (give the name alone, without a port or a scheme)"
                    ));
                }
            }
        }
        Ok(allowed)
    }

    /// Checks the authority a request names (its Host field, or the host of
    /// an absolute target) for a connection that arrived on `arrived_on`.
    pub fn check(&self, authority: &[u8], arrived_on: Option<IpAddr>) -> Verdict {
        let Some(host) = std::str::from_utf8(authority).ok().and_then(parse_host) else {
            return Verdict::Malformed;
        };
        let allowed = match host {
            Host::Name(name) => self.names.contains(&name),
            Host::Ip(ip) => {
                let ip = ip.to_canonical();
                ip == self.bound
                    || self.addresses.contains(&ip)
                    || arrived_on.is_some_and(|a| a.to_canonical() == ip)
            }
        };
        if allowed {
            Verdict::Allowed
        } else {
            Verdict::Foreign
        }
    }

    /// For the refusal's message: what would have been accepted.
    pub fn describe(&self) -> String {
        let mut all: Vec<String> = self.names.clone();
        all.extend(self.addresses.iter().map(|ip| bracketed(*ip)));
        if !self.addresses.contains(&self.bound) {
            all.push(bracketed(self.bound));
        }
        if self.bound.is_unspecified() {
            all.push("the address the request arrived on".to_string());
        }
        all.join(", ")
    }
}

fn bracketed(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// Parses `host[:port]` as RFC 9110 has it: a bracketed IPv6 address, an IPv4
/// address or a name (letters, digits, `-`, `.`, `_`), then an optional port
/// of digits. `None` for anything else.
fn parse_host(authority: &str) -> Option<Host> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => {
            let (inside, after) = rest.split_once(']')?;
            let ip: Ipv6Addr = inside.parse().ok()?;
            return valid_port(after.strip_prefix(':').unwrap_or(after))
                .then_some(Host::Ip(IpAddr::V6(ip)));
        }
        None => authority
            .split_once(':')
            .map_or((authority, ""), |(h, p)| (h, p)),
    };
    if !valid_port(port) {
        return None;
    }
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return Some(Host::Ip(IpAddr::V4(ip)));
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
    valid.then(|| Host::Name(name.to_ascii_lowercase()))
}

/// Empty (RFC 9110 allows `host:`) or a number up to 65535.
fn valid_port(port: &str) -> bool {
    port.is_empty()
        || (port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u16>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> AllowedHosts {
        AllowedHosts::new("127.0.0.1".parse().unwrap(), &[]).unwrap()
    }

    fn check(hosts: &AllowedHosts, host: &str, via: &str) -> Verdict {
        hosts.check(host.as_bytes(), Some(via.parse().unwrap()))
    }

    #[test]
    fn loopback_names_with_or_without_a_port() {
        let hosts = loopback();
        for host in [
            "localhost",
            "LOCALHOST:8008",
            "localhost.",
            "localhost:",
            "127.0.0.1",
            "127.0.0.1:1",
            "[::1]",
            "[::1]:8008",
            "[0:0:0:0:0:0:0:1]",
            "[::ffff:127.0.0.1]:80",
        ] {
            assert_eq!(check(&hosts, host, "127.0.0.1"), Verdict::Allowed, "{host}");
        }
    }

    #[test]
    fn other_names_are_foreign_and_nonsense_is_malformed() {
        let hosts = loopback();
        for host in [
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "2130706433",
            "0x7f.0.0.1",
            "[::2]",
            "0.0.0.0",
            "10.0.0.1:8008",
        ] {
            assert_eq!(check(&hosts, host, "127.0.0.1"), Verdict::Foreign, "{host}");
        }
        for host in [
            "",
            ":8008",
            "localhost:http",
            "localhost:99999",
            "localhost:8008:1",
            "::1",
            "[::1",
            "[::1]x",
            "[fe80::1%25eth0]",
            "local host",
            "user@localhost",
            "localhost/x",
            "http://localhost",
        ] {
            assert_eq!(
                check(&hosts, host, "127.0.0.1"),
                Verdict::Malformed,
                "{host}"
            );
        }
        assert_eq!(
            hosts.check(b"local\xffhost", None),
            Verdict::Malformed,
            "not UTF-8"
        );
    }

    #[test]
    fn a_wildcard_bind_takes_the_arrival_address_and_given_names() {
        let given = ["MyBox.lan".to_string(), "203.0.113.9".to_string()];
        let hosts = AllowedHosts::new("::".parse().unwrap(), &given).unwrap();
        assert_eq!(check(&hosts, "[::]:8008", "::1"), Verdict::Allowed);
        assert_eq!(
            check(&hosts, "192.168.1.5:8008", "::ffff:192.168.1.5"),
            Verdict::Allowed
        );
        assert_eq!(
            check(&hosts, "192.168.1.6", "192.168.1.5"),
            Verdict::Foreign
        );
        assert_eq!(
            check(&hosts, "mybox.LAN:8008", "192.168.1.5"),
            Verdict::Allowed
        );
        assert_eq!(
            check(&hosts, "203.0.113.9", "192.168.1.5"),
            Verdict::Allowed
        );
        assert_eq!(
            check(&hosts, "otherbox.lan", "192.168.1.5"),
            Verdict::Foreign
        );
        assert!(hosts.describe().contains("mybox.lan"));
    }

    #[test]
    fn allow_host_takes_names_and_addresses_only() {
        let bound = "127.0.0.1".parse().unwrap();
        for bad in ["", "mybox.lan:8008", "http://mybox.lan", "my box", "[::1"] {
            assert!(
                AllowedHosts::new(bound, &[bad.to_string()]).is_err(),
                "{bad}"
            );
        }
        let good = ["[::1]", "::1", "box", "10.1.2.3"].map(String::from);
        assert!(AllowedHosts::new(bound, &good).is_ok());
    }
}
