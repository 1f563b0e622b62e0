//! A valid release with hostile strings: its pages, email previews and
//! dashboard rows, rendered as a build renders them. Nothing may panic.
#![no_main]

use golive::evaluate::Summary;
use golive_fuzz::{Edits, SITE, load, today};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|edits: Edits| {
    let Some((loaded, report)) = load(&edits.apply()) else {
        return;
    };
    let site = &*SITE;
    let mut context = golive::render::release_context(&loaded.release, &report);
    let Ok(previews) = golive::email::preview_files(&site.theme, &site.shared, &loaded, &report, None, None, &mut context) else {
        return;
    };
    let _ = golive::render::release_pages(&site.theme, &site.shared, &loaded, &report, today(), &previews, &mut context);
    let _ = golive::render::rows(&site.theme, &Summary::from(&report));
});
