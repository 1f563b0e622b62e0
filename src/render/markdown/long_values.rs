//! Long text and attribute values, kept within what the sanitiser serialises
//! in linear time.
//!
//! ammonia writes its result with html5ever's serialiser (0.40.1), which takes
//! time proportional to a text node's or attribute value's length times the
//! number of `&` and U+0080–U+00BF characters in it: for each of those it
//! searches on to the next `<`, `>` or `"`, or to the end. One 1.6 MB
//! paragraph of `R&D ` took 9 s, a link to a 1.6 MB address 22 s, four times
//! as long per doubling. So:
//!
//! - After every [`MAX_TEXT_RUN`] bytes of text without an element boundary,
//!   [`SPLIT`] is written: an element the sanitiser removes, which leaves the
//!   text on both sides in separate text nodes. The output is the same bytes.
//! - Attribute values longer than [`MAX_ATTRIBUTE`] bytes are dropped: a link
//!   to a longer address keeps its text and loses the address; a longer title
//!   or id is left out.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// The longest run of text written without a [`SPLIT`] in between.
pub const MAX_TEXT_RUN: usize = 1024;

/// The longest attribute value (a link's address, a title, an id) kept.
pub const MAX_ATTRIBUTE: usize = 4096;

/// An element that is in no allow-list: the sanitiser removes it, and its
/// place splits the text around it into two text nodes.
pub const SPLIT: &str = "<golive-split></golive-split>";

/// A part of a text as [`split_text`] cuts it.
#[derive(Debug, PartialEq)]
pub enum Chunk<'t> {
    Text(&'t str),
    /// Write [`SPLIT`] here.
    Split,
}

/// Cuts `text` so that no run of text grows longer than [`MAX_TEXT_RUN`]:
/// `run` is the length of the run so far, and is updated; `emit` receives the
/// parts in order.
pub fn split_text<'t>(text: &'t str, run: &mut usize, mut emit: impl FnMut(Chunk<'t>)) {
    let mut rest = text;
    while *run + rest.len() > MAX_TEXT_RUN {
        let mut cut = MAX_TEXT_RUN.saturating_sub(*run);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        if cut > 0 {
            emit(Chunk::Text(&rest[..cut]));
        }
        emit(Chunk::Split);
        *run = 0;
        rest = &rest[cut..];
    }
    if !rest.is_empty() {
        emit(Chunk::Text(rest));
        *run += rest.len();
    }
}

/// Markdown events with long text split and long attribute values dropped
/// (see the module doc). Raw HTML is done by [`super::raw_html`].
pub fn limit<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut run = 0;
    // Kept images open: their text is alt text, which the sanitiser removes.
    let mut images = 0usize;
    // For each open link: whether it was kept.
    let mut links: Vec<bool> = Vec::new();
    events.flat_map(move |event| {
        let mut out = Vec::with_capacity(1);
        match event {
            Event::Text(text) if images == 0 => {
                if run + text.len() <= MAX_TEXT_RUN {
                    run += text.len();
                    out.push(Event::Text(text));
                } else {
                    split_events(&text, &mut run, &mut out);
                }
            }
            Event::SoftBreak => {
                run += 1;
                out.push(Event::SoftBreak);
            }
            // Inline code is a text node of its own, inside <code>.
            Event::Code(code) if images == 0 && code.len() > MAX_TEXT_RUN => {
                out.push(Event::InlineHtml("<code>".into()));
                run = 0;
                split_events(&code, &mut run, &mut out);
                out.push(Event::InlineHtml("</code>".into()));
                run = 0;
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                images += 1;
                run = 0;
                out.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) => {
                images = images.saturating_sub(1);
                run = 0;
                out.push(Event::End(TagEnd::Image));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                run = 0;
                let kept = dest_url.len() <= MAX_ATTRIBUTE;
                links.push(kept);
                if kept {
                    let title = if title.len() <= MAX_ATTRIBUTE {
                        title
                    } else {
                        CowStr::from("")
                    };
                    out.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                run = 0;
                if links.pop().unwrap_or(true) {
                    out.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                run = 0;
                let id = id.filter(|id| id.len() <= MAX_ATTRIBUTE);
                out.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
            }
            other => {
                // Every other event writes an element (or raw HTML, which
                // ends its text with a SPLIT itself).
                run = 0;
                out.push(other);
            }
        }
        out
    })
}

/// `text` as Text events with SPLITs between them.
fn split_events<'a>(text: &str, run: &mut usize, out: &mut Vec<Event<'a>>) {
    split_text(text, run, |chunk| {
        out.push(match chunk {
            Chunk::Text(piece) => Event::Text(CowStr::from(piece.to_string())),
            Chunk::Split => Event::InlineHtml(SPLIT.into()),
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, mut run: usize) -> (Vec<Chunk<'_>>, usize) {
        let mut out = Vec::new();
        split_text(text, &mut run, |c| out.push(c));
        (out, run)
    }

    #[test]
    fn short_text_is_one_piece() {
        assert_eq!(pieces("abc", 0), (vec![Chunk::Text("abc")], 3));
    }

    #[test]
    fn long_text_is_cut_at_the_run_limit_on_character_boundaries() {
        let text = "é".repeat(MAX_TEXT_RUN);
        let (chunks, run) = pieces(&text, 10);
        let texts: Vec<&str> = chunks
            .iter()
            .filter_map(|c| match c {
                Chunk::Text(t) => Some(*t),
                Chunk::Split => None,
            })
            .collect();
        assert_eq!(texts.concat(), text);
        assert!(texts[0].len() <= MAX_TEXT_RUN - 10);
        assert!(texts.iter().all(|t| t.len() <= MAX_TEXT_RUN));
        assert_eq!(
            chunks.len(),
            2 * texts.len() - 1,
            "a split between each two"
        );
        assert_eq!(run, texts.last().unwrap().len());
    }

    #[test]
    fn a_full_run_splits_before_the_next_text() {
        assert_eq!(
            pieces("x", MAX_TEXT_RUN),
            (vec![Chunk::Split, Chunk::Text("x")], 1)
        );
    }
}
