//! Any text as a writer's Markdown: a summary rendered to HTML and to an
//! email's plain text, and a runbook file (front matter and body).
#![no_main]

use golive::render::markdown;
use golive::yaml::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = markdown::to_html(text, &markdown::Base::page("../../"));
    let _ = markdown::to_text(text, &markdown::Base::Nowhere);
    let source = Source {
        shown: "content/runbooks/fuzzed.md".into(),
        text: text.to_string(),
    };
    if let Ok(runbook) = golive::content::runbook::parse("fuzzed".into(), source) {
        let _ = markdown::runbook_to_html(&runbook.body, &runbook.headings);
    }
});
