//! Where a relative link written in content Markdown points.
//!
//! A relative link in a release's summary, a runbook or any other content is
//! relative to the **site root** (`runbooks/db-errors.html`,
//! `releases/northwind-erp-2.3.0/index.html`), whatever page or email it ends
//! up in: the same Markdown is shown on pages at different depths and in
//! emails, so the root is the one place it can mean the same thing
//! everywhere. `..` never climbs above the root, the way a browser resolves
//! `../../x` against `https://host/`, so a link written relative to a release
//! page (`../../runbooks/x.html`) lands on the same file.
//!
//! [`Base`] says where the root is seen from: a page (a relative prefix such as
//! `../../`), an email with a `base_url` (absolute links), or an email without
//! one (no link at all: the text is shown, since no address would work in a
//! mail client).

/// Where the site root is, seen from the output a link is rendered into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// A page: the relative path from the page to the site root (`""`, `"../"`,
    /// `"../../"`), and the page's folder from the root (`"runbooks/"`), whose
    /// pages it links to directly (`other.html` rather than `../runbooks/other.html`).
    Page { root: String, dir: String },
    /// An email of a site with a `base_url`: the root's absolute address, ending in `/`.
    Url(String),
    /// An email of a site without a `base_url`: relative links become plain text.
    Nowhere,
    /// Runbook `name` inside a release's war-room pack (`warroom.html`), where
    /// every runbook of `packed` is a section `#rb-<name>`: a link to one of
    /// them, or to a place on the runbook's own page (`#fix`), stays in the
    /// file; any other link resolves from `other` (the site's address, or the
    /// release folder's way to the root).
    Pack {
        name: String,
        packed: Vec<String>,
        other: Box<Base>,
    },
}

impl Base {
    /// A page `prefix` (`root` in the layouts) away from the site root.
    pub fn page(prefix: &str) -> Self {
        Base::page_in(prefix, "")
    }

    /// A page in folder `dir` of the site, `prefix` away from its root.
    pub fn page_in(prefix: &str, dir: &str) -> Self {
        let folder = |s: &str| {
            let mut p = s.to_string();
            if !p.is_empty() && !p.ends_with('/') {
                p.push('/');
            }
            p
        };
        Base::Page {
            root: folder(prefix),
            dir: folder(dir),
        }
    }

    /// Runbook `name` in a war-room pack holding `packed`: other pages are
    /// absolute against `base_url` when the site has one, else relative from
    /// a release folder.
    pub fn pack(name: &str, packed: &[String], base_url: Option<&str>) -> Self {
        let other = match Base::email(base_url) {
            Base::Nowhere => Base::page("../../"),
            url => url,
        };
        Base::Pack {
            name: name.to_string(),
            packed: packed.to_vec(),
            other: Box::new(other),
        }
    }

    /// The id prefix of the runbook's own ids in a pack (`rb-<name>--`), so
    /// that two runbooks' `#symptoms` stay apart.
    pub fn id_prefix(&self) -> Option<String> {
        match self {
            Base::Pack { name, .. } => Some(pack_id(name, Some(""))),
            _ => None,
        }
    }

    /// An email: absolute against `base_url`, or plain text without one.
    pub fn email(base_url: Option<&str>) -> Self {
        match base_url.map(str::trim).filter(|b| !b.is_empty()) {
            Some(b) => Base::Url(format!("{}/", b.trim_end_matches('/'))),
            None => Base::Nowhere,
        }
    }

    /// Where `dest` (as written in content) points from here; `None` when it
    /// cannot point anywhere (shown as plain text). Absolute addresses
    /// (`https:`, `mailto:`) are returned as they are; the sanitiser decides
    /// which schemes stay.
    pub fn resolve(&self, dest: &str) -> Option<String> {
        let dest = dest.trim();
        if let Base::Pack {
            name,
            packed,
            other,
        } = self
        {
            if has_scheme(dest) || dest.starts_with("//") {
                return other.resolve(dest);
            }
            if let Some(anchor) = dest.strip_prefix('#') {
                return Some(format!("#{}", pack_id(name, Some(anchor))));
            }
            let split = dest.find('#').unwrap_or(dest.len());
            let (path, anchor) = dest.split_at(split);
            let anchor = anchor.strip_prefix('#').filter(|a| !a.is_empty());
            let target = normalise(path.split('?').next().unwrap_or_default());
            let in_pack = target
                .strip_prefix("runbooks/")
                .and_then(|t| t.strip_suffix(".html"))
                .filter(|t| packed.iter().any(|p| p == t));
            return match in_pack {
                Some(target) => Some(format!("#{}", pack_id(target, anchor))),
                None => other.resolve(dest),
            };
        }
        if has_scheme(dest) {
            return Some(dest.to_string());
        }
        if let Some(rest) = dest.strip_prefix("//") {
            // A host without a scheme: a page keeps it; an email needs the scheme.
            return Some(match self {
                Base::Page { .. } => dest.to_string(),
                _ => format!("https://{rest}"),
            });
        }
        if dest.starts_with('#') || dest.is_empty() {
            // A place on the same page: meaningless once the text is in an email.
            return match self {
                Base::Page { .. } => Some(dest.to_string()),
                _ => None,
            };
        }
        let split = dest.find(['?', '#']).unwrap_or(dest.len());
        let (path, tail) = dest.split_at(split);
        let path = normalise(path);
        match self {
            Base::Page { root, dir } => Some(match path.strip_prefix(dir.as_str()) {
                Some(here) if !dir.is_empty() && !here.is_empty() => format!("{here}{tail}"),
                _ => format!("{root}{path}{tail}"),
            }),
            Base::Url(url) => Some(format!("{url}{path}{tail}")),
            Base::Nowhere | Base::Pack { .. } => None,
        }
    }
}

/// The id of runbook `name`'s section in a war-room pack (`rb-<name>`), or of
/// the place `anchor` in it (`rb-<name>--<anchor>`).
pub fn pack_id(name: &str, anchor: Option<&str>) -> String {
    match anchor {
        Some(a) => format!("rb-{name}--{a}"),
        None => format!("rb-{name}"),
    }
}

/// `https:`, `mailto:`, `javascript:`: a URL scheme as RFC 3986 spells it.
fn has_scheme(dest: &str) -> bool {
    let Some((scheme, _)) = dest.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !scheme.contains('/')
}

/// `a/./b/../c` -> `a/c`; `..` above the root and a leading `/` are dropped.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let trailing = path.ends_with('/') && !path.trim_matches('/').is_empty();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if trailing {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_are_relative_to_the_site_root() {
        let page = Base::page("../../");
        assert_eq!(
            page.resolve("runbooks/x.html").as_deref(),
            Some("../../runbooks/x.html")
        );
        // Written relative to a release page: `..` stops at the root.
        assert_eq!(
            page.resolve("../../runbooks/x.html#fix").as_deref(),
            Some("../../runbooks/x.html#fix")
        );
        assert_eq!(
            page.resolve("/releases/a/./b/../index.html?x=1").as_deref(),
            Some("../../releases/a/index.html?x=1")
        );
        assert_eq!(page.resolve("#top").as_deref(), Some("#top"));
        assert_eq!(Base::page("").resolve("x.html").as_deref(), Some("x.html"));
        // A page links to its own folder's pages directly.
        let runbook = Base::page_in("../", "runbooks");
        assert_eq!(
            runbook.resolve("runbooks/x.html#a").as_deref(),
            Some("x.html#a")
        );
        assert_eq!(
            runbook.resolve("releases/a/index.html").as_deref(),
            Some("../releases/a/index.html")
        );
        assert_eq!(
            runbook.resolve("runbooks/").as_deref(),
            Some("../runbooks/")
        );
    }

    #[test]
    fn in_emails_they_are_absolute_or_nothing() {
        let mail = Base::email(Some("https://releases.example/hub/"));
        assert_eq!(
            mail.resolve("../../runbooks/x.html").as_deref(),
            Some("https://releases.example/hub/runbooks/x.html")
        );
        assert_eq!(mail.resolve("#top"), None);
        assert_eq!(
            mail.resolve("//cdn.example/a").as_deref(),
            Some("https://cdn.example/a")
        );
        assert_eq!(
            mail.resolve("mailto:a@b.example").as_deref(),
            Some("mailto:a@b.example")
        );
        let none = Base::email(None);
        assert_eq!(none.resolve("runbooks/x.html"), None);
        assert_eq!(
            none.resolve("https://x.example/a").as_deref(),
            Some("https://x.example/a")
        );
        assert_eq!(Base::email(Some("  ")), Base::Nowhere);
    }

    #[test]
    fn in_a_war_room_pack_packed_runbooks_are_places_in_the_file() {
        let packed = ["db".to_string(), "slow".to_string()];
        let pack = Base::pack("db", &packed, Some("https://hub.example"));
        assert_eq!(pack.resolve("#fix").as_deref(), Some("#rb-db--fix"));
        assert_eq!(
            pack.resolve("runbooks/slow.html#check").as_deref(),
            Some("#rb-slow--check")
        );
        assert_eq!(
            pack.resolve("../runbooks/slow.html").as_deref(),
            Some("#rb-slow")
        );
        // A runbook not in the pack, and any other page: on the site.
        assert_eq!(
            pack.resolve("runbooks/auth.html#a").as_deref(),
            Some("https://hub.example/runbooks/auth.html#a")
        );
        assert_eq!(
            pack.resolve("https://x.example/a").as_deref(),
            Some("https://x.example/a")
        );
        // Without a base_url, relative from the release folder.
        let local = Base::pack("db", &packed, None);
        assert_eq!(
            local.resolve("runbooks/auth.html").as_deref(),
            Some("../../runbooks/auth.html")
        );
        assert_eq!(pack.id_prefix().as_deref(), Some("rb-db--"));
    }

    #[test]
    fn only_a_real_scheme_counts_as_absolute() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("runbooks/a:b.html"));
        assert!(!has_scheme("9x:y"));
        assert!(!has_scheme("a.html"));
    }
}
