//! Render: evaluated releases become pages, from Tera templates.
//!
//! The default theme (`layouts/` of this repository) is compiled into the binary;
//! a site's own `layouts/<name>` replaces the built-in file of the same name, the
//! way a Hugo or Zola theme is overridden. Templates are parsed once per build.

mod calendar;
mod filters;
pub(crate) mod lists;
pub mod markdown;
mod pages;
mod warroom;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Tera, Value};

use crate::config::people::People;
use crate::diagnostic::{Diagnostic, Location, display_path};
pub use calendar::{CALENDAR_PATH, calendar_pages};
pub use filters::count;
use filters::{
    count_filter, email_markdown_filter, markdown_filter, markdown_text_filter, name_filter,
    percent_filter, person_function, when_filter,
};
pub use lists::dashboard::dashboard_page;
pub use lists::is_list_page;
pub use lists::paged::{archive_pages, product_pages};
pub use lists::runbooks::{runbook_index, runbook_pages, runbook_path, used_by};
pub use pages::{Listed, Rows, release_pages, rows, search_page};
pub use warroom::warroom_page;

/// The built-in page templates, by name.
pub const LAYOUTS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../layouts/base.html")),
    ("macros.html", include_str!("../../layouts/macros.html")),
    (
        "dashboard.html",
        include_str!("../../layouts/dashboard.html"),
    ),
    ("release.html", include_str!("../../layouts/release.html")),
    (
        "checklist.html",
        include_str!("../../layouts/checklist.html"),
    ),
    ("runbook.html", include_str!("../../layouts/runbook.html")),
    ("support.html", include_str!("../../layouts/support.html")),
    ("approval.html", include_str!("../../layouts/approval.html")),
    (
        "troubleshooting.html",
        include_str!("../../layouts/troubleshooting.html"),
    ),
    ("runbooks.html", include_str!("../../layouts/runbooks.html")),
    (
        "dashboard_row.html",
        include_str!("../../layouts/dashboard_row.html"),
    ),
    (
        "runbook_use.html",
        include_str!("../../layouts/runbook_use.html"),
    ),
    (
        "runbook_parts.html",
        include_str!("../../layouts/runbook_parts.html"),
    ),
    ("warroom.html", include_str!("../../layouts/warroom.html")),
    (
        "assets/warroom.css",
        include_str!("../../layouts/assets/warroom.css"),
    ),
    ("calendar.html", include_str!("../../layouts/calendar.html")),
    ("search.html", include_str!("../../layouts/search.html")),
    (
        "calendar_entry.html",
        include_str!("../../layouts/calendar_entry.html"),
    ),
    (
        "release_list.html",
        include_str!("../../layouts/release_list.html"),
    ),
    (
        "products_index.html",
        include_str!("../../layouts/products_index.html"),
    ),
    (
        "archive_index.html",
        include_str!("../../layouts/archive_index.html"),
    ),
    (
        "runbook_uses.html",
        include_str!("../../layouts/runbook_uses.html"),
    ),
];

/// The built-in email templates, by name below `emails/`.
pub const EMAILS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../emails/base.html")),
    ("macros.html", include_str!("../../emails/macros.html")),
    ("email.css", include_str!("../../emails/email.css")),
    (
        "readiness.html",
        include_str!("../../emails/readiness.html"),
    ),
    ("readiness.txt", include_str!("../../emails/readiness.txt")),
    ("started.html", include_str!("../../emails/started.html")),
    ("started.txt", include_str!("../../emails/started.txt")),
    ("success.html", include_str!("../../emails/success.html")),
    ("success.txt", include_str!("../../emails/success.txt")),
    ("issue.html", include_str!("../../emails/issue.html")),
    ("issue.txt", include_str!("../../emails/issue.txt")),
    (
        "postponement.html",
        include_str!("../../emails/postponement.html"),
    ),
    (
        "postponement.txt",
        include_str!("../../emails/postponement.txt"),
    ),
];

/// Static files copied to the output as they are, by path below `layouts/`.
pub const ASSETS: &[(&str, &str)] = &[
    (
        "assets/golive.css",
        include_str!("../../layouts/assets/golive.css"),
    ),
    (
        "assets/search.js",
        include_str!("../../layouts/assets/search.js"),
    ),
];

/// The template context every page and email of one release starts from: the
/// release and its report, serialised once and shared by all of them (each
/// page or email then sets its own few keys, such as `site` and `page`).
pub fn release_context(
    release: &crate::content::release::Release,
    report: &crate::evaluate::Report,
) -> tera::Context {
    let mut context = tera::Context::new();
    context.insert("release", release);
    context.insert("report", report);
    context
}

/// A file of the output, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Parsed templates and assets, with the site's overrides applied.
pub struct Theme {
    /// The page templates.
    tera: Tera,
    /// The email templates (`emails/...`).
    emails: Tera,
    /// Why the email templates could not have their CSS inlined when loaded
    /// (`email::inline`), so that each email is inlined when rendered; `None`
    /// when they were.
    pub email_inline_fallback: Option<String>,
    pub assets: Vec<OutputFile>,
    /// A hash of every template, to know when pages must be rendered again.
    pub fingerprint: u64,
    /// Runbook bodies as war-room packs show them, rendered once per build
    /// (see `warroom::pack_body`).
    pack_bodies: warroom::PackBodies,
    /// The keys every email of a build shares, serialised once (`email::BuildKeys`).
    pub(crate) email_keys: crate::email::BuildKeys,
}

impl Theme {
    /// Loads the built-in theme, replacing any file the site's `layouts/` overrides.
    pub fn load(root: &Path, people: Arc<People>) -> Result<Theme, Vec<Diagnostic>> {
        let layouts = root.join("layouts");
        let mut problems = Vec::new();
        let mut sources: Vec<(String, String)> = Vec::new();
        for (name, builtin) in LAYOUTS {
            sources.push((
                name.to_string(),
                override_or(&layouts.join(name), builtin, root, &mut problems),
            ));
        }
        // Email templates are named `emails/<file>` so they cannot clash with pages.
        let emails = root.join("emails");
        for (name, builtin) in EMAILS {
            sources.push((
                format!("emails/{name}"),
                override_or(&emails.join(name), builtin, root, &mut problems),
            ));
        }
        let assets = ASSETS
            .iter()
            .map(|(name, builtin)| OutputFile {
                path: PathBuf::from(name),
                bytes: override_or(&layouts.join(name), builtin, root, &mut problems).into_bytes(),
            })
            .collect();

        // What the rendered pages depend on: every template as read.
        let fingerprint = crate::content::fingerprint(
            &sources
                .iter()
                .map(|(n, t)| format!("{n}\u{0}{t}"))
                .collect::<Vec<_>>()
                .join("\u{0}"),
        );
        // Pages and emails are two sets of templates: emails are read across
        // time zones, so their `when` also gives the time in UTC.
        let (email_sources, page_sources): (Vec<_>, Vec<_>) = sources
            .into_iter()
            .partition(|(name, _)| name.starts_with("emails/"));
        let tera = templates(page_sources, &people, false, root, &layouts, &mut problems);
        // The email CSS is inlined into the templates once, here; the HTML
        // that rendering makes (Markdown) is inlined when it is made.
        let (email_sources, fallback, css) =
            match crate::email::inline::prepare(&email_sources, EMAILS) {
                Ok(inlined) => {
                    let css = inlined
                        .iter()
                        .find(|(n, _)| n == "emails/email.css")
                        .map(|(_, t)| t.clone());
                    (inlined, None, css)
                }
                Err(why) => (email_sources, Some(why), None),
            };
        let mut emails = templates(email_sources, &people, true, root, &layouts, &mut problems);
        if let Some(css) = css {
            let css_hash = crate::site::manifest::hash(css.as_bytes());
            emails.register_filter(
                "markdown",
                move |v: &Value, args: &HashMap<String, Value>| {
                    email_markdown_filter(v, args, &css, css_hash)
                },
            );
        }
        if problems.is_empty() {
            Ok(Theme {
                tera,
                emails,
                email_inline_fallback: fallback,
                assets,
                fingerprint,
                pack_bodies: Default::default(),
                email_keys: Default::default(),
            })
        } else {
            Err(problems)
        }
    }

    /// Whether the email templates had their CSS inlined when loaded.
    pub fn email_css_inlined(&self) -> bool {
        self.email_inline_fallback.is_none()
    }

    /// Renders template `name`; errors name the template the way a writer sees it.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        let tera = if name.starts_with("emails/") {
            &self.emails
        } else {
            &self.tera
        };
        tera.render(name, context).map_err(|e| {
            let file = if name.starts_with("emails/") {
                PathBuf::from(name)
            } else {
                PathBuf::from("layouts").join(name)
            };
            Diagnostic::new(file, Location::START, error_chain(&e))
                .with_help("fix the template, or delete the site's copy to use the built-in one")
        })
    }
}

/// One set of templates (pages, or emails) with golive's filters and functions.
/// `utc`: times from `when` also in UTC (`Fri 4 Dec 2026, 09:00 IST (03:30 UTC)`).
fn templates(
    sources: Vec<(String, String)>,
    people: &Arc<People>,
    utc: bool,
    root: &Path,
    layouts: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Tera {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape_html);
    if let Err(e) = tera.add_raw_templates(sources) {
        problems.push(template_error(root, layouts, &e));
    }
    tera.register_filter("markdown", markdown_filter);
    tera.register_filter("percent", percent_filter);
    tera.register_filter("count", count_filter);
    tera.register_filter("when", move |v: &Value, args: &HashMap<String, Value>| {
        when_filter(v, args, utc)
    });
    tera.register_filter("slug", |v: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(crate::content::slugify(
            v.as_str().unwrap_or_default(),
        )))
    });
    tera.register_filter("markdown_text", markdown_text_filter);
    tera.register_filter("name", name_filter(people.clone()));
    tera.register_function("person", person_function(people.clone()));
    tera
}

/// The site's copy of a template, read like every other file of the site (a
/// regular file inside it, at most 4 MiB, UTF-8: see `input::read`), or the
/// built-in one when the site has none.
fn override_or(path: &Path, builtin: &str, root: &Path, problems: &mut Vec<Diagnostic>) -> String {
    if !crate::input::exists(path) {
        return builtin.to_string();
    }
    crate::yaml::read(root, path)
        .map(|source| source.text)
        .unwrap_or_else(|d| {
            problems.push(d);
            builtin.to_string()
        })
}

fn template_error(root: &Path, layouts: &Path, e: &tera::Error) -> Diagnostic {
    let text = error_chain(e);
    // Tera names the template in its message: "Failed to parse 'release.html'".
    let file = LAYOUTS
        .iter()
        .map(|(n, _)| *n)
        .find(|n| text.contains(&format!("'{n}'")))
        .map(|n| layouts.join(n))
        .or_else(|| {
            EMAILS
                .iter()
                .find(|(n, _)| text.contains(&format!("'emails/{n}'")))
                .map(|(n, _)| root.join("emails").join(n))
        })
        .unwrap_or_else(|| layouts.to_path_buf());
    Diagnostic::new(display_path(root, &file), Location::START, text)
}

/// HTML escaping without Tera's escaping of `/` (`&#x2F;`), which makes URLs and
/// dates in pages and emails needlessly hard to read in source and in tests.
/// Tera calls it on every `{{ ... }}` of an HTML template, so it copies the
/// runs between special characters whole (most values have none).
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    let mut start = 0;
    for (i, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.push_str(&input[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&input[start..]);
    out
}

/// Tera nests the useful part of an error in its sources.
fn error_chain(e: &tera::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
