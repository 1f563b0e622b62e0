//! A bound on how deep Markdown nests, applied to pulldown-cmark's events.
//!
//! pulldown-cmark nests without limit (`> ` × 25,000 is 25,000 block quotes),
//! and everything after it pays for depth: the sanitiser's parser slows down
//! with every open element, and recursive walkers (css-inline) overflow the
//! stack. [`Nesting`] lets through containers (block quotes, lists, emphasis,
//! links, tables, ...) and raw HTML elements while the elements they open fit
//! in [`BUDGET`]; a deeper container is flattened: its start and end are
//! dropped, its text is kept (block boundaries become a line break), and so is
//! everything inside it. Raw HTML counts against the same budget (see
//! [`super::raw_html`]). One pass, constant work per event: linear time.
//!
//! Normal documents are far below the budget and pass unchanged.

use std::collections::{HashSet, VecDeque};

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::raw_html::RawHtml;

/// How many elements deep the rendered Markdown may nest.
pub const MAX_DEPTH: usize = 32;

/// Elements containers and raw HTML may open: [`MAX_DEPTH`] less the two that
/// a leaf can add inside the deepest one (a footnote reference is `<sup><a>`).
const BUDGET: usize = MAX_DEPTH - 2;

/// How many elements a container opens around its content when rendered.
fn weight(tag: &Tag) -> usize {
    match tag {
        // <table> <thead>|<tbody> <tr> <th>|<td>: the parts inside cost nothing more.
        Tag::Table(_) => 4,
        Tag::TableHead | Tag::TableRow | Tag::TableCell => 0,
        // <pre><code>; <div class="footnote-definition"><sup>.
        Tag::CodeBlock(_) | Tag::FootnoteDefinition(_) => 2,
        Tag::HtmlBlock | Tag::MetadataBlock(_) => 0,
        _ => 1,
    }
}

/// Whether text on either side of the container is set apart from it.
fn is_block(tag: &Tag) -> bool {
    !matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// One open container.
struct Frame {
    /// Elements it opened; 0 when it was flattened.
    weight: usize,
    kept: bool,
    block: bool,
    image: bool,
}

/// Events of a Markdown document with nesting bounded (see the module doc).
pub struct Nesting<'a, I> {
    events: I,
    frames: Vec<Frame>,
    /// Elements opened by the kept containers.
    depth: usize,
    /// Set while inside a flattened container: the number of frames outside it.
    flattened_at: Option<usize>,
    /// Kept images open: their content is alt text, raw HTML there is text too.
    images: usize,
    raw: RawHtml,
    /// The HTML of the block being read, rewritten as a whole at its end.
    html_block: Option<String>,
    /// A flattened block ended or began: separate the next text from the last.
    pending_break: bool,
    queue: VecDeque<Event<'a>>,
    finished: bool,
}

impl<'a, I: Iterator<Item = Event<'a>>> Nesting<'a, I> {
    /// `allowed_html`: the tags the sanitiser keeps; other raw tags are dropped.
    pub fn new(events: I, allowed_html: &'static HashSet<&'static str>) -> Self {
        Nesting {
            events,
            frames: Vec::new(),
            depth: 0,
            flattened_at: None,
            images: 0,
            raw: RawHtml::new(allowed_html),
            html_block: None,
            pending_break: false,
            queue: VecDeque::new(),
            finished: false,
        }
    }

    fn start(&mut self, tag: Tag<'a>) {
        let weight = weight(&tag);
        let kept = match tag {
            // A table's parts go with the table.
            Tag::TableHead | Tag::TableRow | Tag::TableCell => {
                self.frames.last().is_some_and(|f| f.kept)
            }
            _ => self.flattened_at.is_none() && self.depth + self.raw.len() + weight <= BUDGET,
        };
        let block = is_block(&tag);
        let image = kept && matches!(tag, Tag::Image { .. });
        if kept {
            self.depth += weight;
            self.images += usize::from(image);
            self.pending_break = false;
            self.queue.push_back(Event::Start(tag));
        } else {
            self.flattened_at.get_or_insert(self.frames.len());
            self.pending_break |= block;
        }
        self.frames.push(Frame {
            weight: if kept { weight } else { 0 },
            kept,
            block,
            image,
        });
    }

    fn end(&mut self, tag: TagEnd) {
        self.close_raw_owned_by(self.frames.len());
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if self.flattened_at == Some(self.frames.len()) {
            self.flattened_at = None;
        }
        if frame.kept {
            self.depth -= frame.weight;
            self.images -= usize::from(frame.image);
            self.pending_break = false;
            self.queue.push_back(Event::End(tag));
        } else {
            self.pending_break |= frame.block;
        }
    }

    /// Rewrites raw HTML met at the current level (see [`RawHtml::rewrite`]).
    fn raw_html(&mut self, html: &str) -> String {
        let room = BUDGET.saturating_sub(self.depth);
        self.raw.rewrite(html, self.frames.len(), room)
    }

    fn close_raw_owned_by(&mut self, owner: usize) {
        let closing = self.raw.close_owned_by(owner);
        if !closing.is_empty() {
            self.queue.push_back(Event::InlineHtml(closing.into()));
        }
    }

    /// Text and other leaves: after a flattened block, first a line break.
    fn leaf(&mut self, event: Event<'a>) {
        if std::mem::take(&mut self.pending_break) {
            self.queue.push_back(Event::SoftBreak);
        }
        self.queue.push_back(event);
    }

    fn handle(&mut self, event: Event<'a>) {
        match event {
            // Block HTML comes a line at a time; a tag may span lines, so the
            // block is rewritten as a whole at its end.
            Event::Start(Tag::HtmlBlock) => {
                self.html_block = Some(String::new());
                self.queue.push_back(Event::Start(Tag::HtmlBlock));
            }
            Event::Html(html) if self.html_block.is_some() => {
                if let Some(block) = self.html_block.as_mut() {
                    block.push_str(&html);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                let block = self.html_block.take().unwrap_or_default();
                let html = self.raw_html(&block);
                if !html.is_empty() {
                    self.leaf(Event::Html(html.into()));
                }
                self.queue.push_back(Event::End(TagEnd::HtmlBlock));
            }
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Html(html) | Event::InlineHtml(html) if self.images == 0 => {
                let html = self.raw_html(&html);
                if !html.is_empty() {
                    self.leaf(Event::InlineHtml(CowStr::from(html)));
                }
            }
            other => self.leaf(other),
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Nesting<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(event);
            }
            if self.finished {
                return None;
            }
            match self.events.next() {
                Some(event) => self.handle(event),
                None => {
                    // Raw HTML left open at the top level closes at the end.
                    self.close_raw_owned_by(0);
                    self.finished = true;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::runbook::markdown_options;
    use pulldown_cmark::Parser;
    use std::sync::LazyLock;

    static ALLOWED: LazyLock<HashSet<&'static str>> = LazyLock::new(|| ["b", "div"].into());

    fn bounded(source: &str) -> Vec<Event<'_>> {
        Nesting::new(Parser::new_ext(source, markdown_options()), &ALLOWED).collect()
    }

    /// The deepest nesting of Start/End events, and the text (a space at
    /// every container boundary and line break).
    fn depth_and_text(events: &[Event]) -> (usize, String) {
        let (mut depth, mut max, mut text) = (0usize, 0, String::new());
        for event in events {
            match event {
                Event::Start(_) => {
                    depth += 1;
                    max = max.max(depth);
                    text.push(' ');
                }
                Event::End(_) => {
                    depth -= 1;
                    text.push(' ');
                }
                Event::Text(t) => text.push_str(t),
                Event::SoftBreak => text.push(' '),
                _ => {}
            }
        }
        assert_eq!(depth, 0, "unbalanced events");
        (max, text)
    }

    #[test]
    fn block_quotes_beyond_the_budget_are_flattened_and_keep_their_text() {
        let source = format!("{}deep\n", "> ".repeat(1000));
        let (depth, text) = depth_and_text(&bounded(&source));
        assert_eq!(depth, BUDGET);
        assert_eq!(text.trim(), "deep");
    }

    #[test]
    fn flattened_list_items_stay_apart() {
        let source: String = (0..100)
            .map(|level| format!("{}- item{level}\n", "  ".repeat(level)))
            .collect();
        let (depth, text) = depth_and_text(&bounded(&source));
        assert!(depth <= BUDGET, "{depth}");
        let words: Vec<&str> = text.split_whitespace().collect();
        let expected: Vec<String> = (0..100).map(|l| format!("item{l}")).collect();
        assert_eq!(words, expected);
    }

    #[test]
    fn a_table_that_does_not_fit_is_flattened_whole() {
        let quotes = "> ".repeat(BUDGET - 2);
        let source = format!("{quotes}| a | b |\n{quotes}| - | - |\n{quotes}| c | d |\n");
        let events = bounded(&source);
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::Start(Tag::Table(_))))
        );
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::Start(Tag::TableCell)))
        );
        let (_, text) = depth_and_text(&events);
        assert_eq!(
            text.split_whitespace().collect::<Vec<_>>(),
            ["a", "b", "c", "d"]
        );
    }

    #[test]
    fn raw_html_shares_the_budget() {
        let source = format!("{}\n\ntext\n", "<div>".repeat(1000));
        let html: String = bounded(&source)
            .iter()
            .filter_map(|e| match e {
                Event::Html(h) | Event::InlineHtml(h) => Some(h.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(html.matches("<div>").count(), BUDGET);
        assert_eq!(html.matches("</div>").count(), BUDGET);
        // Inside BUDGET open divs, no Markdown container fits: the paragraph is flattened.
        let (depth, text) = depth_and_text(&bounded(&source));
        assert_eq!((depth, text.trim()), (1, "text"));
    }
}
