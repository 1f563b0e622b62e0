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
            Base::Nowhere => None,
        }
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
    fn only_a_real_scheme_counts_as_absolute() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("runbooks/a:b.html"));
        assert!(!has_scheme("9x:y"));
        assert!(!has_scheme("a.html"));
    }
}
