//! One email of one release, from its state to a message: the step shared by
//! `build` (previews), `golive email` and `golive send`.

use std::path::PathBuf;

use super::{
    Attachment, EmailContext, Envelope, Kind, Refusal, Rendered, build_message, content_hash,
    guard, message_id, preview_date, recipients, render,
};
use crate::content::{LoadedRelease, Shared};
use crate::diagnostic::Diagnostic;
use crate::evaluate::Report;
use crate::evaluate::changes::Changes;
use crate::evaluate::snapshot::Snapshot;
use crate::render::{OutputFile, Theme};

/// Why an email cannot be composed.
#[derive(Debug)]
pub enum ComposeError {
    /// The release's state does not allow this kind (the refusal says why, and what is owed).
    Refused(Refusal),
    /// A template failed to render.
    Template(Diagnostic),
}

/// A rendered email and, when it can be addressed, its envelope.
pub struct Composed {
    pub rendered: Rendered,
    /// Fingerprint of subject and both bodies.
    pub hash: String,
    /// Why there is no envelope: no recipients, or no sender in site.yaml.
    pub envelope: Result<Envelope, String>,
    /// What the email tells of the release, for the send ledger.
    pub snapshot: Snapshot,
}

impl Composed {
    /// The RFC 5322 bytes of the message, if it can be addressed.
    pub fn eml(&self) -> Result<Vec<u8>, String> {
        let envelope = self.envelope.as_ref().map_err(Clone::clone)?;
        Ok(build_message(&self.rendered, envelope)?.formatted())
    }
}

/// Renders `kind` for a release and addresses it, dated and identified as a
/// preview (`send` restamps both). `context` is the release's
/// (`render::release_context`). `changes` is what changed since the audience's
/// last email (`history`), shown by the postponement email as `changes`.
/// `calendar` is the release's `calendar.ics`, which the readiness email and
/// the postponement notice carry as a `text/calendar` part (`message`;
/// `Kind::carries_calendar`); other kinds do not.
#[allow(clippy::too_many_arguments)]
pub fn compose(
    theme: &Theme,
    site: &Shared,
    loaded: &LoadedRelease,
    report: &Report,
    kind: Kind,
    changes: Option<&Changes>,
    calendar: Option<&[u8]>,
    context: &mut tera::Context,
) -> Result<Composed, ComposeError> {
    let mut emails = EmailContext::new(theme, site, loaded, context);
    compose_in(
        theme,
        site,
        loaded,
        report,
        kind,
        changes,
        calendar,
        &mut emails,
    )
}

/// `compose`, from the release's email context, which the release's emails share.
#[allow(clippy::too_many_arguments)]
fn compose_in(
    theme: &Theme,
    site: &Shared,
    loaded: &LoadedRelease,
    report: &Report,
    kind: Kind,
    changes: Option<&Changes>,
    calendar: Option<&[u8]>,
    emails: &mut EmailContext,
) -> Result<Composed, ComposeError> {
    let release = &loaded.release;
    guard(kind, release, report).map_err(ComposeError::Refused)?;
    emails.start(changes);
    let rendered = render(theme, kind, emails);
    let mut rendered = rendered.map_err(ComposeError::Template)?;
    if kind.carries_calendar() {
        rendered.calendar = calendar.map(|ics| Attachment {
            name: format!("{}.ics", loaded.slug),
            bytes: ics.to_vec(),
        });
    }
    let hash = content_hash(&rendered);
    let envelope = (|| {
        let email = site
            .config
            .email
            .as_ref()
            .ok_or("site.yaml has no `email.from`, so the message has no sender")?;
        Ok(Envelope {
            from: email.from.clone(),
            reply_to: email.reply_to.clone(),
            recipients: recipients(kind, release, &site.people)?,
            date: preview_date(kind, release, report),
            message_id: message_id(&loaded.slug, kind, &hash, None, &email.from),
        })
    })();
    Ok(Composed {
        rendered,
        hash,
        envelope,
        snapshot: Snapshot::from(report),
    })
}

/// `releases/<slug>/emails/<kind>.{html,txt,eml}` for every kind the release's
/// state allows; the .eml only when the email can be addressed. `changes` goes to
/// the postponement email, `calendar` to the kinds that carry it (see `compose`).
pub fn preview_files(
    theme: &Theme,
    site: &Shared,
    loaded: &LoadedRelease,
    report: &Report,
    changes: Option<&Changes>,
    calendar: Option<&[u8]>,
    context: &mut tera::Context,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let dir = PathBuf::from("releases").join(&loaded.slug).join("emails");
    let mut files = Vec::new();
    let mut emails = EmailContext::new(theme, site, loaded, context);
    for kind in Kind::ALL {
        let changes = changes.filter(|_| kind == Kind::Postponement);
        let composed = match compose_in(
            theme,
            site,
            loaded,
            report,
            kind,
            changes,
            calendar,
            &mut emails,
        ) {
            Ok(c) => c,
            Err(ComposeError::Refused(_)) => continue,
            Err(ComposeError::Template(d)) => return Err(d),
        };
        if let Ok(eml) = composed.eml() {
            files.push(OutputFile {
                path: dir.join(format!("{kind}.eml")),
                bytes: eml,
            });
        }
        files.push(OutputFile {
            path: dir.join(format!("{kind}.html")),
            bytes: composed.rendered.html.into_bytes(),
        });
        files.push(OutputFile {
            path: dir.join(format!("{kind}.txt")),
            bytes: composed.rendered.text.into_bytes(),
        });
    }
    Ok(files)
}
