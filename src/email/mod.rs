//! The five go-live emails: readiness summary, "deployment started" notice,
//! success confirmation, "issue detected" notice and postponement notice,
//! rendered from `emails/` templates.
//!
//! Each kind is allowed only in some states of a release (`guard`, which names
//! the kind owed instead), goes to the
//! people and groups of the release's `audience` (`recipients`), and is rendered
//! as a subject, a preheader, an HTML part with inlined CSS and a plain-text part
//! written for reading (`render`). `message` turns that into an RFC 5322 message.

mod compose;
mod context;
mod guard;
pub mod history;
pub mod inline;
mod message;
mod text;

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use crate::config::people::People;
use crate::config::site::SiteConfig;
use crate::content::release::{Recipients, Release};
use crate::diagnostic::Diagnostic;
use crate::render::Theme;
pub use compose::{ComposeError, Composed, compose, preview_files};
pub use context::{BuildKeys, EmailContext};
pub use guard::{Refusal, guard};
pub use message::{Envelope, build_message, content_hash, message_id, preview_date};

/// Which email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Before go-live: readiness, risks, blockers, the decision needed.
    Readiness,
    /// While the deployment runs: what is happening, the expected end, whom to call.
    Started,
    /// After a successful deployment: results, metrics, whom to call.
    Success,
    /// When checks fail, a criterion is missed or the release is rolled back:
    /// what happened, the impact, the rollback state, the next update.
    Issue,
    /// When go-live moves: why, the remediation plan, the new dates.
    Postponement,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Readiness,
        Kind::Started,
        Kind::Success,
        Kind::Issue,
        Kind::Postponement,
    ];

    /// Whether the email carries the release's calendar: the readiness email
    /// (add the milestones in one click) and the postponement notice (the
    /// same events, moved to the new dates with a higher SEQUENCE, so the
    /// calendars that took them from the readiness email move them).
    pub fn carries_calendar(self) -> bool {
        matches!(self, Kind::Readiness | Kind::Postponement)
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Readiness => "readiness",
            Kind::Started => "started",
            Kind::Success => "success",
            Kind::Issue => "issue",
            Kind::Postponement => "postponement",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A recipient with a display name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Address {
    pub name: String,
    pub email: String,
}

/// To and Cc, with groups expanded and duplicates removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Resolved {
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
}

impl Resolved {
    pub fn all(&self) -> impl Iterator<Item = &Address> {
        self.to.iter().chain(&self.cc)
    }
}

/// The recipients of `kind` from `audience.<kind>`, or why there are none.
pub fn recipients(kind: Kind, release: &Release, people: &People) -> Result<Resolved, String> {
    let list: Option<&Recipients> = match kind {
        Kind::Readiness => release.audience.readiness.as_ref(),
        Kind::Started => release.audience.started.as_ref(),
        Kind::Success => release.audience.success.as_ref(),
        Kind::Issue => release.audience.issue.as_ref(),
        Kind::Postponement => release.audience.postponement.as_ref(),
    };
    let key = format!("audience.{kind}");
    let Some(list) = list else {
        return Err(format!(
            "`{key}` is not set, so the {kind} email has no recipients"
        ));
    };
    let mut seen = BTreeSet::new();
    let mut expand = |keys: &[String]| -> Vec<Address> {
        keys.iter()
            .flat_map(|k| expand_key(k, people))
            .filter(|a| seen.insert(a.email.to_lowercase()))
            .collect()
    };
    let to = expand(&list.to);
    let cc = expand(&list.cc);
    if to.is_empty() {
        return Err(format!(
            "`{key}.to` resolves to nobody; list at least one person or group with an email"
        ));
    }
    Ok(Resolved { to, cc })
}

/// The addresses an email to a person or group key goes to, in order: see
/// `People::recipients` (a group with its own `email` receives there as one).
pub fn expand_key(key: &str, people: &People) -> Vec<Address> {
    people
        .recipients(key)
        .into_iter()
        .filter_map(|r| {
            r.email.map(|email| Address {
                name: r.name,
                email,
            })
        })
        .collect()
}

/// An email rendered for one release, before addressing.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub kind: Kind,
    pub subject: String,
    pub preheader: String,
    /// With CSS inlined, ready for mail clients.
    pub html: String,
    /// Wrapped at 72 columns.
    pub text: String,
    /// The release's calendar, for the kinds that carry it (`Kind::carries_calendar`).
    pub calendar: Option<Attachment>,
}

/// A file the message carries besides its text and HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// The file name offered to the reader: `<slug>.ics`.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Links from an email back to the site, when the site says where it lives.
#[derive(Serialize)]
pub(crate) struct Links {
    report: String,
    checklist: String,
    dashboard: String,
}

pub(crate) fn links(site: &SiteConfig, slug: &str) -> Option<Links> {
    let base = site.base_url.as_deref()?.trim_end_matches('/');
    Some(Links {
        report: format!("{base}/releases/{slug}/index.html"),
        checklist: format!("{base}/releases/{slug}/checklist.html"),
        dashboard: format!("{base}/index.html"),
    })
}

/// The day of a moment of the report (`pointer` to its `iso`) for a subject
/// line, `Fri 26 Mar`, in the release's zone; empty without one.
pub(crate) fn day_of(context: &tera::Context, pointer: &str) -> String {
    context
        .get("report")
        .and_then(|r| r.pointer(pointer))
        .and_then(|v| v.as_str())
        .and_then(|iso| chrono::DateTime::parse_from_rfc3339(iso).ok())
        .map(|at| at.format("%a %-d %b").to_string())
        .unwrap_or_default()
}

/// When a running deployment should end, for the `started` subject line:
/// `10:30 IST` in the release's zone, with the day when it is not the day it
/// started (`Sat 5 Dec, 01:30 IST`); empty without `deployment.expected_end`.
pub(crate) fn expected_end_time(release: &Release, site: &SiteConfig) -> String {
    let zone = release.timezone.unwrap_or(site.timezone).0;
    let Some(deployment) = &release.deployment else {
        return String::new();
    };
    let Some(end) = deployment.expected_end.as_ref().map(|w| w.instant(zone)) else {
        return String::new();
    };
    let start_day = deployment
        .started
        .as_ref()
        .unwrap_or(&release.target)
        .instant(zone)
        .date_naive();
    if end.date_naive() == start_day {
        end.format("%H:%M %Z").to_string()
    } else {
        end.format("%a %-d %b, %H:%M %Z").to_string()
    }
}

/// Renders `kind` for a release from the theme's `emails/` templates, from
/// the release's email context (`EmailContext`, started for this email).
pub(crate) fn render(
    theme: &Theme,
    kind: Kind,
    emails: &mut EmailContext,
) -> Result<Rendered, Diagnostic> {
    let context = &mut emails.context;
    let text_template = format!("emails/{kind}.txt");
    let raw_text = theme.render(&text_template, context)?;
    let (headers, body) = text::split_headers(&raw_text);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let subject = header("Subject").ok_or_else(|| {
        Diagnostic::new(
            &text_template,
            crate::diagnostic::Location::START,
            "the template has no `Subject:` line",
        )
        .with_help(
            "start the text template with `Subject: ...`, then `Preheader: ...`, then a blank line",
        )
    })?;
    let preheader = header("Preheader").unwrap_or_default();
    context.insert("subject", &subject);
    context.insert("preheader", &preheader);
    let html = theme.render(&format!("emails/{kind}.html"), context)?;
    // The templates were inlined when loaded (`inline`), unless the site's
    // overrides made that unsafe: then each email is inlined here.
    let html = if theme.email_css_inlined() {
        html
    } else {
        message::inline_css(&html).map_err(|e| {
            Diagnostic::new(
                format!("emails/{kind}.html"),
                crate::diagnostic::Location::START,
                format!("cannot inline CSS: {e}"),
            )
        })?
    };
    Ok(Rendered {
        kind,
        subject,
        preheader,
        html,
        text: text::wrap(body, 72),
        calendar: None,
    })
}

#[cfg(test)]
mod tests {
    use super::expected_end_time;
    use crate::config::site::SiteConfig;
    use crate::content::release::Release;

    fn release(deployment: &str) -> Release {
        serde_yaml::from_str(&format!(
            "product: A\nversion: 1.0.0\nchange_type: x\ntarget: 2026-12-04 22:00\ntimezone: Asia/Kolkata\nowner: a\ndeployment: {deployment}\n"
        ))
        .unwrap()
    }

    #[test]
    fn the_expected_end_names_its_day_only_when_it_is_not_the_start_day() {
        let site: SiteConfig = serde_yaml::from_str("title: T\n").unwrap();
        let same = release(
            "{status: in-progress, started: 2026-12-04 22:05, expected_end: 2026-12-04 23:30}",
        );
        assert_eq!(expected_end_time(&same, &site), "23:30 IST");
        let next = release(
            "{status: in-progress, started: 2026-12-04 22:05, expected_end: 2026-12-05 01:30}",
        );
        assert_eq!(expected_end_time(&next, &site), "Sat 5 Dec, 01:30 IST");
        let none = release("{status: in-progress}");
        assert_eq!(expected_end_time(&none, &site), "");
    }
}
