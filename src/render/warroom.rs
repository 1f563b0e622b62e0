//! A release's war-room pack, `warroom.html`: the go-live runbook's sections,
//! the escalation tree, health checks and dashboards, and the full text of
//! every troubleshooting runbook the release links to, in one file that loads
//! nothing (layouts/warroom.html inlines its stylesheet), so that it works
//! opened from disk when the intranet is down, and prints.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tera::Context;

use super::markdown;
use super::pages::{RunbookView, runbook_view};
use super::{OutputFile, Theme};
use crate::content::{LoadedRelease, Shared};
use crate::diagnostic::Diagnostic;

/// A linked runbook as the pack shows it: what every page shows of it, and
/// all of its text.
#[derive(Serialize)]
struct PackedRunbook<'a> {
    #[serde(flatten)]
    view: RunbookView<'a>,
    /// The body as sanitised HTML, its ids and links made to fit in the pack.
    body: Arc<str>,
}

/// Runbook bodies as packs show them: each depends only on the runbook, the
/// other runbooks in the same pack (links to them stay inside the pack) and
/// the site's inputs, so releases that link the same runbooks share one
/// rendering rather than each turning the same Markdown into HTML again.
/// Keyed by the shared inputs' fingerprint, the runbook and the pack's names.
#[derive(Default)]
pub(super) struct PackBodies(Mutex<HashMap<PackKey, Arc<str>>>);

/// The shared inputs' fingerprint, the runbook's name, the pack's runbook names.
type PackKey = (u64, String, Vec<String>);

impl PackBodies {
    fn body(&self, site: &Shared, name: &str, packed: &[String]) -> Arc<str> {
        let key = (site.fingerprint, name.to_string(), packed.to_vec());
        if let Some(body) = self.0.lock().expect("not poisoned").get(&key) {
            return body.clone();
        }
        let r = &site.runbooks[name];
        let base_url = site.config.base_url.as_deref();
        let body: Arc<str> =
            markdown::runbook_in_pack(&r.body, &r.headings, &r.name, packed, base_url).into();
        let mut bodies = self.0.lock().expect("not poisoned");
        bodies.entry(key).or_insert(body).clone()
    }
}

/// `releases/<slug>/warroom.html`. `context` is the release's, as the other
/// release pages left it (`release_pages`), with `today`: the build's date,
/// shown so that a printout's age is visible. The date, not the time: the
/// date is part of the build cache's key, so a page kept from an earlier
/// build of the day still tells the truth, and two builds of one day give the
/// same file.
pub fn warroom_page(
    theme: &Theme,
    site: &Shared,
    loaded: &LoadedRelease,
    context: &mut Context,
) -> Result<OutputFile, Diagnostic> {
    // The runbooks the release links to, once each, in the order written.
    let mut names: Vec<&str> = Vec::new();
    for name in &loaded.release.runbooks {
        let name = name.strip_suffix(".md").unwrap_or(name);
        if site.runbooks.contains_key(name) && !names.contains(&name) {
            names.push(name);
        }
    }
    let packed: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let runbooks: Vec<PackedRunbook> = names
        .iter()
        .map(|name| PackedRunbook {
            view: runbook_view(&site.runbooks[*name], 0),
            body: theme.pack_bodies.body(site, name, &packed),
        })
        .collect();
    context.insert("pack_runbooks", &runbooks);
    context.insert("page", "warroom");
    Ok(OutputFile {
        path: PathBuf::from("releases")
            .join(&loaded.slug)
            .join("warroom.html"),
        bytes: theme.render("warroom.html", context)?.into_bytes(),
    })
}
