//! A valid release with hostile strings: every kind of email its state
//! allows, composed and encoded as a message. Nothing may panic.
#![no_main]

use golive::email::{self, Kind};
use golive_fuzz::{Edits, SITE, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|edits: Edits| {
    let Some((loaded, report)) = load(&edits.apply()) else {
        return;
    };
    let mut context = golive::render::release_context(&loaded.release, &report);
    for kind in Kind::ALL {
        if let Ok(composed) = email::compose(&SITE.theme, &SITE.shared, &loaded, &report, kind, None, None, &mut context) {
            let _ = composed.eml();
        }
    }
});
