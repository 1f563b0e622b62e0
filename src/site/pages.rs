//! What a build renders and writes: one release's pages and emails
//! (`Rendering::release`), and the pages that are not a release's (`site_pages`).

use std::collections::HashMap;
use std::path::PathBuf;

use super::BuildError;
use super::cache::{CachedRelease, Searched, Stamp};
use super::output::Output;
use crate::calendar;
use crate::content::{self, LoadedRelease, Shared};
use crate::diagnostic::{Diagnostic, InvalidSite};
use crate::email;
use crate::evaluate::{self, Footprint, Related, Summary};
use crate::render::{self, OutputFile, Theme};

/// The pages that are not a release's: the dashboard (what is in flight,
/// upcoming or recently changed at `now`), the product pages and the archive
/// by month, the release calendar (with `today`, in the site's zone, marked),
/// the runbook pages and their lists of uses (all of which join the rows each
/// release rendered), the runbook index, the theme's assets and the JSON
/// Schema. (The calendar feed is `calendars::feed_file`'s.)
pub(super) fn site_pages(
    theme: &Theme,
    shared: &Shared,
    releases: &HashMap<PathBuf, CachedRelease>,
    now: chrono::DateTime<chrono::Utc>,
    today: chrono::NaiveDate,
) -> Result<Vec<OutputFile>, InvalidSite> {
    let invalid = |d: Diagnostic| InvalidSite {
        diagnostics: vec![d],
    };
    let mut listed: Vec<render::Listed> = releases
        .values()
        .map(|e| render::Listed {
            summary: &e.summary,
            rows: &e.rows,
            runbooks: &e.runbooks,
        })
        .collect();
    listed.sort_by(|a, b| a.summary.slug.cmp(&b.summary.slug));
    let mut files =
        vec![render::dashboard_page(theme, &shared.config, &listed, now, today).map_err(invalid)?];
    files.extend(render::product_pages(theme, &shared.config, &listed).map_err(invalid)?);
    files.extend(render::archive_pages(theme, &shared.config, &listed).map_err(invalid)?);
    files.extend(render::calendar_pages(theme, &shared.config, &listed, today).map_err(invalid)?);
    let mut used = std::collections::BTreeMap::new();
    for runbook in shared.runbooks.values() {
        let by = render::used_by(&listed, &runbook.name);
        used.insert(runbook.name.as_str(), by.len());
        files.extend(render::runbook_pages(theme, shared, runbook, &by, now).map_err(invalid)?);
    }
    files.push(render::runbook_index(theme, shared, &used).map_err(invalid)?);
    files.push(render::search_page(theme, &shared.config).map_err(invalid)?);
    files.extend(theme.assets.iter().cloned());
    files.push(OutputFile {
        path: content::schema::SITE_PATH.into(),
        bytes: content::schema::release_schema().into_bytes(),
    });
    Ok(files)
}

/// What rendering one release needs.
pub(super) struct Rendering<'a> {
    pub shared: &'a Shared,
    pub theme: &'a Theme,
    /// The time the pages are rendered at, and the date then in the site's zone.
    pub now: chrono::DateTime<chrono::Utc>,
    pub today: chrono::NaiveDate,
    pub output: &'a Output,
    /// The send ledger, read the first time a postponed release needs it and
    /// then shared by every release of the build.
    pub ledger: std::sync::OnceLock<Result<crate::send::ledger::Reading, String>>,
    /// What the calendars published before (`calendar.json` beside the ledger).
    pub calendar: &'a crate::calendar::memory::Memory,
    /// Where the send ledger is (see `send::place`).
    pub place: &'a crate::send::place::Place,
    /// The search terms of the releases rendered, for the shards.
    pub collected: crate::search::shards::Collector,
}

impl Rendering<'_> {
    /// Evaluates and renders one release, writes its files, and returns what the
    /// next build needs to know of it.
    /// `related` is what relating it to the site's other releases found;
    /// `id` is its search document id.
    pub fn release(
        &self,
        loaded: &LoadedRelease,
        stamp: Option<Stamp>,
        related: &Related,
        id: u32,
    ) -> Result<(PathBuf, CachedRelease), BuildError> {
        let invalid = |d: Diagnostic| InvalidSite {
            diagnostics: vec![d],
        };
        let mut report = evaluate::evaluate_at(
            loaded,
            &self.shared.config,
            &self.shared.checklists,
            &self.shared.people,
            self.now,
        );
        let footprint = Footprint::of(&loaded.release, &report, &self.shared.config);
        evaluate::relations::apply(&mut report, related.clone());
        // The postponement preview compares with the audience's last email, as
        // `golive email` and `send` do; the ledger then is an input of the release.
        let postponed = email::guard(email::Kind::Postponement, &loaded.release, &report).is_ok();
        let changes = if postponed {
            let reading = self
                .ledger
                .get_or_init(|| email::history::read_ledger(self.place))
                .as_ref()
                .map_err(|e| BuildError::Io(std::io::Error::other(e.clone())))?;
            Some(email::history::changes_since(
                reading,
                self.shared,
                loaded,
                &report,
                self.today,
            ))
        } else {
            None
        };
        let ledger = postponed.then(|| self.place.path().to_path_buf());
        let (placed, ics) = calendar::for_release(
            &report,
            &self.shared.config,
            &self.shared.people,
            self.calendar,
            self.now,
        );
        let mut context = render::release_context(&loaded.release, &report);
        let previews = email::preview_files(
            self.theme,
            self.shared,
            loaded,
            &report,
            changes.as_ref(),
            Some(&ics),
            &mut context,
        )
        .map_err(invalid)?;
        let mut files = render::release_pages(
            self.theme,
            self.shared,
            loaded,
            &report,
            self.today,
            &previews,
            &mut context,
        )
        .map_err(invalid)?;
        files.push(
            render::warroom_page(self.theme, self.shared, loaded, &mut context).map_err(invalid)?,
        );
        files.extend(previews);
        let searched = crate::search::release_records(loaded, &report);
        files.push(searched.doc_file(id));
        self.collected.add(id, &searched);
        files.push(OutputFile {
            path: PathBuf::from("releases")
                .join(&loaded.slug)
                .join(calendar::FILE),
            bytes: ics,
        });
        let mut outputs = Vec::with_capacity(files.len());
        for file in &files {
            let h = self.output.put(file)?;
            outputs.push((file.path.clone(), h));
        }
        let release = &loaded.release;
        let summary = Summary::from(&report);
        Ok((
            loaded.path.clone(),
            CachedRelease {
                // A file without a readable stamp is never taken from the cache.
                stamp: stamp.unwrap_or(Stamp {
                    modified: 0,
                    size: u64::MAX,
                }),
                depends: loaded
                    .depends
                    .iter()
                    .chain(&ledger)
                    .map(|p| (p.clone(), Stamp::of(p)))
                    .collect(),
                runbooks: release
                    .runbooks
                    .iter()
                    .map(|r| r.strip_suffix(".md").unwrap_or(r).to_string())
                    .collect(),
                rows: render::rows(self.theme, &summary).map_err(invalid)?,
                summary,
                outputs,
                rendered_at: self.now.timestamp(),
                // The window's end too: the site's calendar feed drops the release then.
                deadlines: report
                    .deadlines
                    .iter()
                    .map(|d| d.timestamp())
                    .chain([report.window.end.unix])
                    .collect(),
                footprint,
                related: super::cache::related_hash(related),
                calendar: calendar::Published::of(&placed),
                search: Searched {
                    id,
                    groups: searched.groups(),
                },
            },
        ))
    }
}
