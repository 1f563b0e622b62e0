//! Raw HTML in Markdown, rewritten so that it cannot nest without bound.
//!
//! Writers may put HTML in Markdown (`<b>`, `<details>`, `<br>`). The sanitiser's
//! parser (html5ever) slows down with every element it holds open (each start
//! tag scans the open elements), and whatever it builds is later walked
//! recursively (css-inline for emails), so `<b>` × 20,000 took seconds and then
//! overflowed the stack. This module reads every raw fragment with html5ever's
//! own tokenizer, so tags are split exactly where the sanitiser will split them,
//! and writes back only what can nest in a known way:
//!
//! - tags the sanitiser would remove anyway are dropped here, before they can
//!   switch the parser into a mode this model does not follow (`<svg>`,
//!   `<textarea>`, `<template>`, `<plaintext>`, ...); comments go too;
//! - `<script>` and `<style>` are kept, so the sanitiser removes their content;
//! - a start tag opens an element only while there is room (`room` elements);
//!   beyond it the tag is dropped and its text kept;
//! - an end tag closes its element and, explicitly, every element opened after
//!   it; an end tag that matches nothing open is dropped;
//! - when the Markdown container a raw element was opened in ends, the element
//!   is closed there ([`RawHtml::close_owned_by`]), so nothing stays open to be
//!   reopened later by the parser's formatting-element rules.
//!
//! Long text and attribute values are limited as [`super::long_values`] says.
//! Well-formed HTML comes out as it went in (the same tags and text, possibly
//! re-quoted, with text set apart by elements the sanitiser removes), so
//! normal documents render as before.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt::Write as _;

use html5ever::LocalName;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::long_values::{Chunk, MAX_ATTRIBUTE, SPLIT, split_text};

/// Elements that never have content, as the HTML parser knows them.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose end tag the parser supplies itself when an ancestor closes
/// (its "implied end tags"); writing it again would add an empty element.
const IMPLIED_END: &[&str] = &["p", "li", "dd", "dt", "rb", "rp", "rt", "rtc"];

/// Start tags that close a `p` open in the current node (the parser's list of
/// block elements that end a paragraph).
const ENDS_PARAGRAPH: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "search",
    "section",
    "summary",
    "table",
    "ul",
    "xmp",
];

/// Whether the parser ends an `open` element that is the current node when
/// a `start` tag comes: end tags that HTML lets writers leave out (`<p>`,
/// `<li>`, `<dt>`, `<dd>`, table cells, rows and sections). Only the current
/// node is considered, so this never ends more than the parser does.
fn is_ended_by(open: &str, start: &str) -> bool {
    match open {
        "p" => ENDS_PARAGRAPH.contains(&start),
        "li" => start == "li",
        "dt" | "dd" => matches!(start, "dt" | "dd"),
        "td" | "th" => matches!(start, "td" | "th" | "tr" | "tbody" | "thead" | "tfoot"),
        "tr" => matches!(start, "tr" | "tbody" | "thead" | "tfoot"),
        "tbody" | "thead" | "tfoot" => matches!(start, "tbody" | "thead" | "tfoot"),
        _ => false,
    }
}

/// Elements whose content is raw text up to their end tag (the sanitiser
/// removes them with their content).
fn raw_text_kind(name: &str) -> Option<RawKind> {
    match name {
        "script" => Some(RawKind::ScriptData),
        "style" => Some(RawKind::Rawtext),
        _ => None,
    }
}

/// One element opened by raw HTML and not closed yet.
struct Open {
    name: LocalName,
    /// The Markdown nesting level (number of open containers) it was opened at.
    owner: usize,
}

/// The raw HTML elements open at a point of the Markdown document.
pub struct RawHtml {
    open: Vec<Open>,
    /// Tags written through: those the sanitiser keeps, plus `script`/`style`.
    allowed: &'static HashSet<&'static str>,
}

impl RawHtml {
    /// `allowed`: the tags the sanitiser keeps (others are dropped here).
    pub fn new(allowed: &'static HashSet<&'static str>) -> RawHtml {
        RawHtml {
            open: Vec::new(),
            allowed,
        }
    }

    /// How many raw elements are open.
    pub fn len(&self) -> usize {
        self.open.len()
    }

    /// Rewrites one fragment: an inline tag or a whole HTML block, met at
    /// Markdown nesting level `owner`. At most `room` raw elements may be open
    /// at once (script and style always pass: the sanitiser drops them whole).
    pub fn rewrite(&mut self, fragment: &str, owner: usize, room: usize) -> String {
        let mut out = String::with_capacity(fragment.len());
        // Inside <script> or <style> a fragment continues their raw text.
        let continues = self
            .open
            .last()
            .filter(|o| raw_text_kind(&o.name).is_some())
            .map(|o| o.name.clone());
        // The text written since the last tag (see `long_values`).
        let mut run = 0;
        let mut wrote_tag = false;
        let mut last_tag_end = 0;
        let mut words_since_tag = false;
        for token in tokenize(fragment, continues.as_deref()) {
            let written = out.len();
            match token {
                Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                    self.start_tag(&tag, owner, room, &mut out)
                }
                Token::TagToken(tag) => self.end_tag(&tag.name, &mut out),
                Token::CharacterTokens(text) if continues_raw_text(&self.open) => {
                    out.push_str(&text);
                }
                Token::CharacterTokens(text) => {
                    let words = !text.trim_ascii().is_empty();
                    // Text before the first tag is set apart from the text
                    // before the fragment.
                    if words && !wrote_tag && !words_since_tag {
                        out.insert_str(0, SPLIT);
                    }
                    words_since_tag |= words;
                    split_text(&text, &mut run, |chunk| match chunk {
                        Chunk::Text(piece) => escape_text(piece, &mut out),
                        Chunk::Split => out.push_str(SPLIT),
                    });
                    continue;
                }
                // Comments, doctypes, NUL characters and parse errors: the
                // sanitiser drops them all.
                _ => {}
            }
            if out.len() > written {
                run = 0;
                wrote_tag = true;
                last_tag_end = out.len();
                words_since_tag = false;
            }
        }
        // Text after the last tag is set apart from the text after the
        // fragment; the split goes before trailing white space, so that a
        // fragment that ended with a line break still does.
        if words_since_tag {
            let at = out
                .trim_end_matches(|c: char| c.is_ascii_whitespace())
                .len();
            out.insert_str(at.max(last_tag_end), SPLIT);
        }
        out
    }

    /// End tags for the elements opened at nesting level `owner` (or deeper)
    /// that are still open, innermost first. Called as that container ends.
    pub fn close_owned_by(&mut self, owner: usize) -> String {
        let keep = self.open.partition_point(|o| o.owner < owner);
        let mut out = String::new();
        self.close_from(keep, false, &mut out);
        out
    }

    fn start_tag(&mut self, tag: &Tag, owner: usize, room: usize, out: &mut String) {
        let name: &str = &tag.name;
        let raw_text = raw_text_kind(name).is_some();
        if !raw_text && !self.allowed.contains(name) {
            return;
        }
        // `<li>a<li>b`: the parser ends the first item itself.
        while self
            .open
            .last()
            .is_some_and(|top| top.owner == owner && is_ended_by(&top.name, name))
        {
            self.open.pop();
        }
        let void = VOID.contains(&name);
        if !void && !raw_text && self.open.len() >= room {
            return;
        }
        write_start_tag(tag, out);
        if !void {
            self.open.push(Open {
                name: tag.name.clone(),
                owner,
            });
        }
    }

    fn end_tag(&mut self, name: &LocalName, out: &mut String) {
        if let Some(at) = self.open.iter().rposition(|o| o.name == *name) {
            self.close_from(at, true, out);
        }
    }

    /// Closes the open elements from index `at` upwards, innermost first.
    /// `asked`: the element at `at` was named by an end tag, which is always
    /// written; other end tags the parser implies are left to it.
    fn close_from(&mut self, at: usize, asked: bool, out: &mut String) {
        for (index, open) in self.open.drain(at..).enumerate().rev() {
            if (asked && index == 0) || !IMPLIED_END.contains(&&*open.name) {
                let _ = write!(out, "</{}>", &*open.name);
            }
        }
    }
}

/// True while the innermost open element reads raw text.
fn continues_raw_text(open: &[Open]) -> bool {
    open.last()
        .is_some_and(|o| raw_text_kind(&o.name).is_some())
}

/// The tokens of `fragment`; `inside` names a raw-text element (`script`) the
/// fragment continues, so its text is read as that element's content.
fn tokenize(fragment: &str, inside: Option<&str>) -> Vec<Token> {
    let sink = Collect::default();
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    if let Some(name) = inside {
        // A start tag puts the tokenizer in the element's raw-text state; the
        // token it makes is not part of the fragment and is skipped below.
        input.push_back(StrTendril::from(format!("<{name}>")));
    }
    input.push_back(StrTendril::from(fragment));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let tokens = tokenizer.sink.tokens.take();
    let skip = usize::from(inside.is_some());
    tokens.into_iter().skip(skip).collect()
}

/// Collects tokens, and switches the tokenizer into raw text after `<script>`
/// and `<style>` the way the sanitiser's parser does.
#[derive(Default)]
struct Collect {
    tokens: RefCell<Vec<Token>>,
}

impl TokenSink for Collect {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let raw = match &token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => raw_text_kind(&tag.name),
            _ => None,
        };
        self.tokens.borrow_mut().push(token);
        match raw {
            Some(kind) => TokenSinkResult::RawData(kind),
            None => TokenSinkResult::Continue,
        }
    }
}

/// `<name attr="value">`: the tag as the parser will read it (the self-closing
/// slash means nothing on HTML elements and is left out). Values longer than
/// `MAX_ATTRIBUTE` are left out (see `long_values`).
fn write_start_tag(tag: &Tag, out: &mut String) {
    out.push('<');
    out.push_str(&tag.name);
    for attr in tag.attrs.iter().filter(|a| a.value.len() <= MAX_ATTRIBUTE) {
        out.push(' ');
        out.push_str(&attr.name.local);
        out.push_str("=\"");
        for c in attr.value.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push('>');
}

fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static ALLOWED: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| ["b", "i", "div", "p", "br", "a", "details"].into());

    fn raw() -> RawHtml {
        RawHtml::new(&ALLOWED)
    }

    /// The tags and text of a rewrite, without the text splits.
    fn tags(r: &mut RawHtml, html: &str, owner: usize, room: usize) -> String {
        r.rewrite(html, owner, room).replace(SPLIT, "")
    }

    #[test]
    fn well_formed_html_passes_unchanged() {
        let mut r = raw();
        let html = "<div>\n<b>bold</b> &amp; <a href=\"https://x.example/?a=1&amp;b=2\">x</a><br>\n</div>\n";
        assert_eq!(r.rewrite(html, 0, 8), html);
        assert_eq!(r.len(), 0);
    }

    #[test]
    fn start_tags_beyond_the_room_are_dropped_and_their_end_tags_too() {
        let mut r = raw();
        let out = r.rewrite(&"<b>".repeat(10), 1, 3);
        assert_eq!(out, "<b><b><b>");
        assert_eq!(r.len(), 3);
        assert_eq!(r.rewrite(&"</b>".repeat(10), 1, 3), "</b></b></b>");
        assert_eq!(r.len(), 0);
    }

    #[test]
    fn misnested_and_unclosed_tags_are_closed_innermost_first() {
        let mut r = raw();
        assert_eq!(tags(&mut r, "<b><i>x</b>y</i>", 1, 8), "<b><i>x</i></b>y");
        assert_eq!(tags(&mut r, "<div><b>z", 1, 8), "<div><b>z");
        assert_eq!(r.close_owned_by(1), "</b></div>");
        assert_eq!(r.len(), 0);
    }

    #[test]
    fn a_container_closes_only_what_was_opened_inside_it() {
        let mut r = raw();
        assert_eq!(r.rewrite("<details>", 0, 8), "<details>");
        assert_eq!(r.rewrite("<b>", 2, 8), "<b>");
        assert_eq!(r.close_owned_by(2), "</b>");
        assert_eq!(r.rewrite("</details>", 0, 8), "</details>");
    }

    #[test]
    fn implied_end_tags_are_left_to_the_parser() {
        let mut r = raw();
        assert_eq!(
            r.rewrite("<div><p>a<p>b</div>", 0, 8),
            "<div><p>a<p>b</div>"
        );
    }

    #[test]
    fn unknown_tags_and_comments_are_dropped_script_is_kept_whole() {
        let mut r = raw();
        assert_eq!(
            tags(&mut r, "<svg><g>x</g></svg><!-- c --><textarea><b>", 0, 8),
            "x<b>"
        );
        let mut r = raw();
        assert_eq!(
            r.rewrite("<script>if (a<b) x()</script>", 0, 8),
            "<script>if (a<b) x()</script>"
        );
        // A script left open swallows the following fragments as its text.
        assert_eq!(r.rewrite("<script>", 1, 0), "<script>");
        assert_eq!(r.rewrite("<b>", 1, 8), "<b>");
        assert_eq!(r.len(), 1);
        assert_eq!(r.close_owned_by(1), "</script>");
    }

    #[test]
    fn text_at_the_edges_is_set_apart_and_long_text_is_split() {
        let mut r = raw();
        assert_eq!(
            r.rewrite("a <b>b</b> c\n", 0, 8),
            format!("{SPLIT}a <b>b</b> c{SPLIT}\n")
        );
        assert_eq!(r.rewrite("<b>b</b>\n", 0, 8), "<b>b</b>\n");
        let long = r.rewrite(&format!("<div>{}</div>", "&amp;".repeat(3000)), 0, 8);
        assert_eq!(long.matches(SPLIT).count(), 2);
        assert_eq!(
            long.replace(SPLIT, ""),
            format!("<div>{}</div>", "&amp;".repeat(3000))
        );
        let attribute = format!(
            "<a title=\"{}\" href=\"#x\">",
            "t".repeat(MAX_ATTRIBUTE + 1)
        );
        assert_eq!(r.rewrite(&attribute, 0, 8), "<a href=\"#x\">");
    }

    #[test]
    fn end_tags_html_lets_writers_leave_out_do_not_nest() {
        static TABLES: LazyLock<HashSet<&'static str>> =
            LazyLock::new(|| ["p", "ul", "li", "table", "tbody", "tr", "td", "div"].into());
        let mut r = RawHtml::new(&TABLES);
        let items = format!("<ul>{}</ul>", "<li>item".repeat(100));
        assert_eq!(tags(&mut r, &items, 0, 8), items);
        let rows = "<tr><td>a<td>b".repeat(100);
        assert_eq!(
            tags(&mut r, &format!("<table>{rows}</table>"), 0, 8),
            format!("<table>{rows}</td></tr></table>")
        );
        let paragraphs = "<p>one<p>two<div>three</div>".repeat(50);
        assert_eq!(tags(&mut r, &paragraphs, 0, 8), paragraphs);
        assert_eq!(r.len(), 0, "every paragraph was ended by the next block");
    }
}
