//! Live reload: the script every served page gets, the state it polls, and
//! the error overlay shown over the last good build.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

pub const RELOAD_JS: &str = include_str!("../reload.js");

/// How far from a page's end its `</body>` is looked for. golive's pages end
/// with it; a page without one near its end gets the markup appended.
const TAIL: u64 = 64 * 1024;

/// `/__golive/state`: the build's version, and its error if any.
pub fn state_json(version: u64, error: Option<&str>) -> String {
    serde_json::json!({ "version": version, "error": error }).to_string()
}

/// What goes into every page before `</body>`: the current error as an
/// overlay, and the reload script.
pub fn page_extra(error: Option<&str>) -> String {
    let script = "<script src=\"/__golive/reload.js\"></script>";
    match error {
        None => script.to_string(),
        Some(error) => format!(
            "<pre id=\"golive-error\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1rem;background:#2b0b0b;color:#ffe3e3;white-space:pre-wrap;z-index:99999\">golive: the content has problems; showing the last good build.\n\n{}</pre>{script}",
            crate::render::escape_html(error)
        ),
    }
}

/// The offset of the page's last `</body>` (or its end), read from the
/// file's tail only, so that a page of any size costs the same. Leaves the
/// file at its start.
pub fn insertion_point(file: &mut File, len: u64) -> std::io::Result<u64> {
    let from = len.saturating_sub(TAIL);
    file.seek(SeekFrom::Start(from))?;
    let mut tail = Vec::new();
    file.by_ref().take(len - from).read_to_end(&mut tail)?;
    file.seek(SeekFrom::Start(0))?;
    let at = tail
        .windows(b"</body>".len())
        .rposition(|w| w == b"</body>");
    Ok(at.map_or(from + tail.len() as u64, |at| from + at as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn point_in(contents: &[u8]) -> u64 {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(contents).unwrap();
        let len = contents.len() as u64;
        insertion_point(&mut file, len).unwrap()
    }

    #[test]
    fn before_the_last_body_end_tag_or_at_the_end() {
        assert_eq!(point_in(b"<p>a</p></body></html>"), 8);
        assert_eq!(point_in(b"<p>x</body></body>"), 11);
        assert_eq!(point_in(b"no tag"), 6);
        assert_eq!(point_in(b""), 0);
        let mut big = vec![b'x'; 3 * TAIL as usize];
        big.extend_from_slice(b"</body>\n");
        assert_eq!(point_in(&big), 3 * TAIL);
    }

    #[test]
    fn the_overlay_is_escaped() {
        let extra = page_extra(Some("<script>alert(1)</script>"));
        assert!(extra.contains("&lt;script&gt;alert(1)"));
        assert!(extra.ends_with("<script src=\"/__golive/reload.js\"></script>"));
        assert!(!page_extra(None).contains("golive-error"));
    }
}
