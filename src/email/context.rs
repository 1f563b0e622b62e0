//! The template context the emails of one release render from, made so that
//! each value is serialised once.
//!
//! A release's pages and emails share its `release` and `report` values
//! (`render::release_context`). The emails show every time in the release's
//! zone and in UTC (`times_in_utc`), and set their own keys. Rather than copy
//! the report for each email (and serialise the page form back afterwards),
//! `EmailContext` moves `release` and `report` out of the page context into
//! a context of its own, swaps the `display` of each time in place, renders
//! every email of the release from it, and, when dropped, swaps the displays
//! back and moves both values back into the page context. The keys that are
//! the same for every email of a build (`site`, `base_url`, `runbooks_url`)
//! are serialised once per build (`BuildKeys`).

use std::sync::{Arc, Mutex};

use serde::Deserialize;
use serde_json::Value;

use super::{Links, day_of, expected_end_time, links};
use crate::config::site::SiteConfig;
use crate::content::release::PersonRef;
use crate::content::{LoadedRelease, Shared};
use crate::evaluate::Moment;
use crate::render::Theme;

/// The keys every email of a build shows alike, serialised once: kept by the
/// theme, keyed by the site's fingerprint (`Shared::fingerprint`, which
/// covers site.yaml).
#[derive(Default)]
pub struct BuildKeys(Mutex<Option<(u64, Arc<tera::Context>)>>);

impl BuildKeys {
    fn context(&self, site: &Shared) -> tera::Context {
        let shared = {
            let mut cached = self.0.lock().unwrap_or_else(|e| e.into_inner());
            match &*cached {
                Some((fingerprint, context)) if *fingerprint == site.fingerprint => context.clone(),
                _ => {
                    let context = Arc::new(build_keys(&site.config));
                    *cached = Some((site.fingerprint, context.clone()));
                    context
                }
            }
        };
        (*shared).clone()
    }
}

fn build_keys(site: &SiteConfig) -> tera::Context {
    let mut context = tera::Context::new();
    context.insert("site", site);
    // Where relative links in content Markdown point: `markdown(url=base_url)`
    // makes them absolute, or plain text when empty (see `markdown::Base`).
    context.insert("base_url", site.base_url.as_deref().unwrap_or_default());
    // The older spelling, for a site's own templates: `markdown(runbooks=runbooks_url)`.
    let runbooks_url = site
        .base_url
        .as_deref()
        .map(|b| format!("{}/runbooks/", b.trim_end_matches('/')));
    context.insert("runbooks_url", &runbooks_url.unwrap_or_default());
    context
}

/// The keys an email sets for itself alone; removed before the next one.
const KIND_KEYS: [&str; 3] = ["subject", "preheader", "changes"];

/// The context of one release's emails; see the module's documentation.
/// Dropping it gives the page context its values back, as they were.
pub struct EmailContext<'a> {
    page: &'a mut tera::Context,
    pub(super) context: tera::Context,
    /// Per object of the report that has a string `utc`, in the order
    /// `times_in_utc` met them: the page form of the `display` it replaced,
    /// or `None` where the object was not a time.
    undo: Vec<Option<String>>,
}

impl<'a> EmailContext<'a> {
    /// Takes `release` and `report` from `page` (the release's context,
    /// `render::release_context`) for the emails of `loaded`.
    pub fn new(
        theme: &Theme,
        site: &Shared,
        loaded: &LoadedRelease,
        page: &'a mut tera::Context,
    ) -> Self {
        let mut context = theme.email_keys.context(site);
        let mut undo = Vec::new();
        if let Some(release) = page.remove("release") {
            put(&mut context, "release", release);
        }
        if let Some(mut report) = page.remove("report") {
            times_in_utc(&mut report, &mut undo);
            put(&mut context, "report", report);
        }
        let release = &loaded.release;
        let links: Option<Links> = links(&site.config, &loaded.slug);
        context.insert("links", &links);
        let sender = match &release.owner {
            PersonRef::Key(key) => site
                .people
                .people
                .get(key)
                .map(|p| p.name.as_str())
                .unwrap_or(key),
            PersonRef::Inline(p) => p.name.as_str(),
        };
        context.insert("sender", sender);
        let decision_day = day_of(&context, "/decision_due/iso");
        context.insert("decision_day", &decision_day);
        let new_target_day = day_of(&context, "/new_target/iso");
        context.insert("new_target_day", &new_target_day);
        context.insert(
            "expected_end_time",
            &expected_end_time(release, &site.config),
        );
        EmailContext {
            page,
            context,
            undo,
        }
    }

    /// Starts the next email: without the keys the one before set, and with
    /// `changes` (the postponement email's), its times in both forms.
    pub(super) fn start(&mut self, changes: Option<&crate::evaluate::changes::Changes>) {
        for key in KIND_KEYS {
            self.context.remove(key);
        }
        if let Some(changes) = changes {
            let mut value = serde_json::to_value(changes).expect("changes serialise");
            times_in_utc(&mut value, &mut Vec::new());
            put(&mut self.context, "changes", value);
        }
    }
}

impl Drop for EmailContext<'_> {
    fn drop(&mut self) {
        if let Some(release) = self.context.remove("release") {
            put(self.page, "release", release);
        }
        if let Some(mut report) = self.context.remove("report") {
            let mut undo = std::mem::take(&mut self.undo).into_iter();
            restore(&mut report, &mut undo);
            put(self.page, "report", report);
        }
    }
}

/// Sets `key` to `value` without serialising it again (`insert` would copy it).
fn put(context: &mut tera::Context, key: &str, value: Value) {
    let mut map = serde_json::Map::new();
    map.insert(key.to_string(), value);
    context.extend(tera::Context::from_value(Value::Object(map)).expect("an object"));
}

/// Emails are read in every time zone of the audience: each time they show is
/// given in the release's zone and in UTC (`Fri 4 Dec 2026, 09:00 IST (03:30
/// UTC)`, `Moment::with_utc`). This swaps the `display` of every `Moment` in a
/// context value for that form, and notes in `undo` what `restore` needs to
/// swap them back; the templates' `when` filter does the same for dates
/// written in the release file.
fn times_in_utc(value: &mut Value, undo: &mut Vec<Option<String>>) {
    if value.get("utc").is_some_and(Value::is_string) {
        if let Ok(moment) = Moment::deserialize(&*value) {
            let page = value
                .as_object_mut()
                .expect("an object")
                .insert("display".into(), moment.with_utc().into());
            undo.push(Some(match page {
                Some(Value::String(s)) => s,
                _ => moment.display,
            }));
            return;
        }
        undo.push(None);
    }
    match value {
        Value::Object(map) => map.values_mut().for_each(|v| times_in_utc(v, undo)),
        Value::Array(items) => items.iter_mut().for_each(|v| times_in_utc(v, undo)),
        _ => {}
    }
}

/// Undoes `times_in_utc`: the same walk, taking back each page form.
fn restore(value: &mut Value, undo: &mut impl Iterator<Item = Option<String>>) {
    if value.get("utc").is_some_and(Value::is_string)
        && let Some(page) = undo.next().flatten()
    {
        value
            .as_object_mut()
            .expect("an object")
            .insert("display".into(), page.into());
        return;
    }
    match value {
        Value::Object(map) => map.values_mut().for_each(|v| restore(v, undo)),
        Value::Array(items) => items.iter_mut().for_each(|v| restore(v, undo)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_swapped_for_emails_are_swapped_back_exactly() {
        let page = serde_json::json!({
            "target": {"iso": "2026-12-04T09:00:00+05:30", "display": "Fri 4 Dec 2026, 09:00 IST",
                       "unix": 1796356800, "utc": "03:30 UTC"},
            "day": {"iso": "2026-12-04", "display": "Fri 4 Dec 2026", "unix": 1796342400},
            "odd": {"utc": "not a time", "inner": [{"iso": "x", "display": "d", "unix": 1, "utc": "u"}]},
            "list": [1, "two", null]
        });
        let mut value = page.clone();
        let mut undo = Vec::new();
        times_in_utc(&mut value, &mut undo);
        assert_eq!(
            value["target"]["display"],
            "Fri 4 Dec 2026, 09:00 IST (03:30 UTC)"
        );
        assert_eq!(value["day"]["display"], "Fri 4 Dec 2026");
        assert_eq!(value["odd"]["inner"][0]["display"], "d (u)");
        restore(&mut value, &mut undo.into_iter());
        assert_eq!(value, page);
    }
}
