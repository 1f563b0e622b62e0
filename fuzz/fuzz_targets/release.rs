//! Any bytes as a release file: reading, parsing, every check, evaluation.
//! Nothing may panic, whatever the file says.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = golive_fuzz::load(text);
    }
});
