//! The records of the index, taken from the data the pages are rendered from
//! (reading them back out of the HTML would cost a second parse of every
//! page). Each record's text is what its page says, as plain text; a test
//! (`tests/search.rs`) checks that against the built pages.

use pulldown_cmark::{Event, Parser, TagEnd};

use super::Extracted;
use crate::content::runbook::{Runbook, markdown_options};
use crate::content::{LoadedRelease, Shared};
use crate::evaluate::Report;

/// The text of Markdown `source`: its words, blocks on lines of their own.
pub fn markdown_text(source: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(source, markdown_options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// Lines of text, one per non-empty part.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn add(&mut self, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.0.push_str(text);
            self.0.push('\n');
        }
    }

    /// The rollback plan's triggers and steps: on the report and the runbook.
    fn add_rollback(&mut self, release: &crate::content::release::Release) {
        if let Some(rb) = &release.rollback {
            for t in &rb.triggers {
                self.add(&format!("{} {}", t.when, t.action));
            }
            for s in &rb.steps {
                self.add(&s.action);
            }
        }
    }
}

/// The records of one release: its readiness report, go-live runbook,
/// deployment request, and each checklist item.
pub fn release_records(loaded: &LoadedRelease, report: &Report) -> Extracted {
    let release = &loaded.release;
    let dir = format!("releases/{}/", loaded.slug);
    let name = format!("{} {}", report.product, report.version);
    let context = match &report.title {
        Some(title) => format!("{name} — {title}"),
        None => name.clone(),
    };
    let summary = release
        .summary
        .as_deref()
        .map(markdown_text)
        .unwrap_or_default();
    let mut out = Extracted::default();

    let mut text = Lines::default();
    text.add(&summary);
    for r in &report.reasons {
        text.add(&r.message);
    }
    for w in &report.warnings {
        text.add(&w.message);
    }
    for c in &release.changes {
        text.add(&format!("{} {}", c.area, c.summary));
    }
    for r in &release.risks {
        text.add(&r.title);
        text.add(r.mitigation.as_deref().unwrap_or_default());
    }
    for b in &report.blockers {
        text.add(&b.title);
    }
    for t in &report.timeline {
        text.add(&t.activity);
    }
    text.add_rollback(release);
    out.add(
        format!("{name} — Readiness report"),
        format!("{dir}index.html"),
        context.clone(),
        &text.0,
    );

    let mut text = Lines::default();
    for t in &report.timeline {
        text.add(&t.activity);
    }
    if let Some(d) = &release.deployment {
        for step in &d.sequence {
            text.add(step);
        }
    }
    for c in &release.changes {
        text.add(&format!("{} {}", c.area, c.summary));
    }
    if let Some(v) = &release.verification {
        for c in &v.checks {
            text.add(&c.name);
        }
    }
    text.add_rollback(release);
    out.add(
        format!("{name} — Go-live runbook"),
        format!("{dir}runbook.html"),
        context.clone(),
        &text.0,
    );

    let mut text = Lines::default();
    text.add(&summary);
    for c in &release.changes {
        text.add(&c.summary);
    }
    for a in &report.approvals {
        text.add(&a.role);
        text.add(a.note.as_deref().unwrap_or_default());
    }
    out.add(
        format!("{name} — Deployment request"),
        format!("{dir}approval.html"),
        context.clone(),
        &text.0,
    );

    for (c, category) in report.categories.iter().enumerate() {
        for (g, group) in category.groups.iter().enumerate() {
            for (i, item) in group.items.iter().enumerate() {
                let mut text = Lines::default();
                text.add(&item.check);
                text.add(item.note.as_deref().unwrap_or_default());
                out.add(
                    item.check.clone(),
                    format!("{dir}checklist.html#{}", item_anchor(c, g, i)),
                    format!("{context} · {}", category.title),
                    &text.0,
                );
            }
        }
    }
    out
}

/// The id of a checklist item's row on `checklist.html` (0-based positions;
/// the page counts from 1, as `layouts/checklist.html` writes it).
pub fn item_anchor(category: usize, group: usize, item: usize) -> String {
    format!("item-{}-{}-{}", category + 1, group + 1, item + 1)
}

/// The site-wide records: each troubleshooting runbook.
pub fn site_records(shared: &Shared) -> Extracted {
    let mut out = Extracted::default();
    for runbook in shared.runbooks.values() {
        add_runbook(&mut out, runbook);
    }
    out
}

fn add_runbook(out: &mut Extracted, runbook: &Runbook) {
    out.add(
        runbook.front.title.clone(),
        crate::render::runbook_path(&runbook.name)
            .to_string_lossy()
            .replace('\\', "/"),
        "Troubleshooting runbook".to_string(),
        &markdown_text(&runbook.body),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_its_words() {
        let text =
            markdown_text("# Roll back\n\nRun `kubectl rollout undo` **now**.\n\n- one\n- two");
        assert_eq!(text, "Roll back\nRun kubectl rollout undo now.\none\ntwo\n");
    }
}
