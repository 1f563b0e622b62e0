//! Inlining the email CSS once, when the email templates are loaded, instead
//! of parsing and re-serialising every rendered email (css-inline on the whole
//! document cost about a twentieth of a cold build).
//!
//! Each HTML email template (the layout, the macros and the five emails) is
//! inlined with `emails/email.css` as it is loaded: every Tera tag is first
//! replaced by a placeholder that an HTML parser keeps where it stands (an HTML
//! comment between elements and in text, a private-use-character token inside
//! attribute values, `<title>` and comments), the template is inlined with
//! css-inline, and the Tera tags are put back. The `@media` rules stay in the
//! `<style>` element of the layout, as whole-document inlining leaves them.
//! HTML made while rendering (the `markdown` filter's output) is inlined
//! when it is made (`inline_fragment`).
//!
//! A template this cannot handle safely makes the whole site fall back to
//! inlining each rendered email (`prepare` says why): a Tera tag inside a start
//! tag outside an attribute value, or inside a `class`, `id` or `style` value
//! (a class known only when rendering), a `{{ }}` directly inside a table
//! outside a cell, a `{% raw %}` block, a `| safe` value that is not Markdown,
//! a Tera tag in `email.css`, a selector on an attribute's value, or a
//! selector that looks at surrounding elements (`.data td`) that an overridden
//! template could change the match of, or a result that does not come back
//! with every tag and element where it was.

use std::sync::LazyLock;

/// Starts and ends a placeholder token: private-use characters that no email
/// template holds (a template holding one falls back).
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// Inlines fragments (child templates, macros, Markdown) with a given CSS.
static FRAGMENT: LazyLock<css_inline::CSSInliner<'static>> = LazyLock::new(|| {
    css_inline::CSSInliner::options()
        .keep_at_rules(false)
        .load_remote_stylesheets(false)
        .build()
});

/// Inlines `css` into a fragment of HTML made while rendering (Markdown).
pub fn fragment(html: &str, css: &str) -> Result<String, String> {
    FRAGMENT
        .inline_fragment(html, css)
        .map_err(|e| format!("cannot inline CSS: {e}"))
}

/// The email templates (`emails/<file>`, as read: the site's or the built-in
/// ones) with the CSS inlined into the HTML ones, or why the site must fall
/// back to inlining each email. `builtin` is the built-in text of each file
/// (by name below `emails/`), to know which ones a site overrides.
pub fn prepare(
    sources: &[(String, String)],
    builtin: &[(&str, &str)],
) -> Result<Vec<(String, String)>, String> {
    let css = sources
        .iter()
        .find(|(n, _)| n == "emails/email.css")
        .map(|(_, t)| t.as_str())
        .ok_or("no emails/email.css")?;
    if ["{{", "{%", "{#"].iter().any(|t| css.contains(t)) {
        return Err("emails/email.css holds a Tera tag".into());
    }
    let overridden = |name: &str, text: &str| {
        let short = name.trim_start_matches("emails/");
        builtin
            .iter()
            .find(|(n, _)| *n == short)
            .is_none_or(|(_, b)| *b != text)
    };
    let css_overridden = overridden("emails/email.css", css);
    let selectors = selectors(css);
    if let Some(s) = selectors
        .iter()
        .find(|s| s.contains('[') && s.contains('='))
    {
        return Err(format!(
            "emails/email.css selects on an attribute's value (`{s}`)"
        ));
    }
    let complex: Vec<&String> = selectors.iter().filter(|s| is_complex(s)).collect();
    if css_overridden && let Some(s) = complex.first() {
        return Err(format!(
            "emails/email.css has a selector that looks at surrounding elements (`{s}`)"
        ));
    }
    let mut out = Vec::with_capacity(sources.len());
    for (name, text) in sources {
        if !name.ends_with(".html") {
            out.push((name.clone(), text.clone()));
            continue;
        }
        let own = overridden(name, text);
        if own {
            // The last part of a selector such as `.data td`: a template of
            // the site's holding such an element could sit inside the other
            // part in another template, which inlining one template cannot see.
            for s in &complex {
                let last = s.rsplit([' ', '>', '+', '~']).next().unwrap_or("");
                let (tag, classes) = compound(last);
                let holds = tag.is_some_and(|t| text.contains(&format!("<{t}")))
                    || classes.iter().any(|c| text.contains(c.as_str()));
                if holds {
                    return Err(format!(
                        "{name} holds elements that the selector `{s}` of emails/email.css matches depending on the elements around them"
                    ));
                }
            }
        }
        let inlined = template(text, css, own).map_err(|why| format!("{name}: {why}"))?;
        out.push((name.clone(), inlined));
    }
    Ok(out)
}

/// The selectors of the rules outside `@` blocks, comments removed.
fn selectors(css: &str) -> Vec<String> {
    let mut text = String::new();
    let mut rest = css;
    while let Some(i) = rest.find("/*") {
        text.push_str(&rest[..i]);
        rest = rest[i + 2..].split_once("*/").map_or("", |(_, r)| r);
    }
    text.push_str(rest);
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut start = 0;
    while let Some((i, c)) = chars.next() {
        if c == '{' {
            let head = text[start..i].trim();
            // Skip the block, nested ones included.
            let mut depth = 1;
            let mut end = text.len();
            for (j, c) in chars.by_ref() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = j + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if !head.starts_with('@') {
                out.extend(head.split(',').map(|s| s.trim().to_string()));
            }
            start = end;
        } else if c == ';' && text[start..i].trim_start().starts_with('@') {
            start = i + 1;
        }
    }
    out
}

/// Whether a selector depends on more than the element it selects.
fn is_complex(selector: &str) -> bool {
    selector.contains([' ', '>', '+', '~', ':'])
}

/// The element name and classes of a compound selector (`td.x.y`).
fn compound(selector: &str) -> (Option<&str>, Vec<String>) {
    let end = selector
        .find(['.', '#', '[', ':'])
        .unwrap_or(selector.len());
    let tag = Some(&selector[..end]).filter(|t| !t.is_empty() && *t != "*");
    let classes = selector[end..]
        .split('.')
        .skip(1)
        .map(|c| c.split(['#', '[', ':']).next().unwrap_or("").to_string())
        .filter(|c| !c.is_empty())
        .collect();
    (tag, classes)
}

/// Where the HTML around a Tera tag is.
#[derive(Debug, Clone, PartialEq)]
enum State {
    /// Text, or between elements; `raw` is the element whose text is not HTML.
    Text,
    Raw(String),
    Comment,
    /// `<!DOCTYPE ...>` and the like.
    Declaration,
    /// Inside a start or end tag, not in an attribute value.
    InTag,
    /// In the value of attribute `name`; `quote` is `'`, `"` or none.
    Value {
        name: String,
        quote: Option<char>,
    },
}

/// A small HTML scanner: enough to know where each Tera tag stands, and the
/// start tags in order (outside comments), to check that inlining kept them.
struct Scanner {
    state: State,
    /// The open elements, as far as start and end tags say.
    open: Vec<String>,
    /// Every start tag's name, in order.
    starts: Vec<String>,
    /// The tag being read: its name, whether an end tag, the attribute name.
    name: String,
    end: bool,
    naming: bool,
    attr: String,
    after_attr: bool,
    recent: String,
    /// Where the text is read to, in bytes, and where each `<table ...>`
    /// start tag ends.
    pos: usize,
    table_ends: Vec<usize>,
}

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param",
];

impl Scanner {
    fn new() -> Scanner {
        Scanner {
            state: State::Text,
            open: Vec::new(),
            starts: Vec::new(),
            name: String::new(),
            end: false,
            naming: false,
            attr: String::new(),
            after_attr: false,
            recent: String::new(),
            pos: 0,
            table_ends: Vec::new(),
        }
    }

    fn feed(&mut self, text: &str) {
        for c in text.chars() {
            self.step(c);
            self.pos += c.len_utf8();
        }
    }

    fn step(&mut self, c: char) {
        self.recent.push(c);
        if self.recent.len() > 16 {
            let cut = self.recent.len() - 12;
            let cut = (cut..self.recent.len())
                .find(|i| self.recent.is_char_boundary(*i))
                .unwrap_or(0);
            self.recent.drain(..cut);
        }
        match self.state.clone() {
            State::Text => {
                if c == '<' {
                    self.name.clear();
                    self.attr.clear();
                    self.end = false;
                    self.naming = true;
                    self.after_attr = false;
                    self.state = State::InTag;
                }
            }
            State::Raw(element) => {
                if self
                    .recent
                    .to_ascii_lowercase()
                    .ends_with(&format!("</{element}>"))
                {
                    self.open.pop();
                    self.state = State::Text;
                }
            }
            State::Comment => {
                if self.recent.ends_with("-->") {
                    self.state = State::Text;
                }
            }
            State::Declaration => {
                if self.recent.ends_with("<!--") {
                    self.state = State::Comment;
                } else if c == '>' {
                    self.state = State::Text;
                }
            }
            State::InTag => self.in_tag(c),
            State::Value { quote, .. } => match quote {
                Some(q) if c == q => {
                    self.state = State::InTag;
                    self.attr.clear();
                }
                None if c.is_whitespace() => {
                    self.state = State::InTag;
                    self.attr.clear();
                }
                None if c == '>' => self.close_tag(),
                _ => {}
            },
        }
    }

    fn in_tag(&mut self, c: char) {
        if self.naming {
            if self.name.is_empty() && !self.end && c == '/' {
                self.end = true;
            } else if self.name.is_empty() && !self.end && c == '!' {
                self.state = State::Declaration;
                self.naming = false;
            } else if c.is_ascii_alphanumeric() || (!self.name.is_empty() && c == '-') {
                self.name.push(c.to_ascii_lowercase());
            } else if self.name.is_empty() {
                // `a < b`: text, as HTML parsers read it.
                self.naming = false;
                self.state = State::Text;
            } else if c == '>' {
                self.naming = false;
                self.close_tag();
            } else {
                self.naming = false;
            }
            return;
        }
        match c {
            '>' => self.close_tag(),
            '=' => {
                self.after_attr = true;
            }
            '"' | '\'' if self.after_attr => {
                self.state = State::Value {
                    name: std::mem::take(&mut self.attr),
                    quote: Some(c),
                };
                self.after_attr = false;
            }
            c if c.is_whitespace() => {}
            c if self.after_attr => {
                self.state = State::Value {
                    name: std::mem::take(&mut self.attr),
                    quote: None,
                };
                self.after_attr = false;
                let _ = c;
            }
            '/' => {}
            c => {
                if self.recent.len() >= 2 {
                    let before = self.recent[..self.recent.len() - c.len_utf8()]
                        .chars()
                        .last()
                        .unwrap_or(' ');
                    if before.is_whitespace() || before == '"' || before == '\'' {
                        self.attr.clear();
                    }
                }
                self.attr.push(c.to_ascii_lowercase());
            }
        }
    }

    fn close_tag(&mut self) {
        self.state = State::Text;
        let name = std::mem::take(&mut self.name);
        if name.is_empty() {
            return;
        }
        if self.end {
            if let Some(i) = self.open.iter().rposition(|n| *n == name) {
                self.open.truncate(i);
            }
            return;
        }
        self.starts.push(name.clone());
        if name == "table" {
            self.table_ends.push(self.pos + 1);
        }
        if VOID.contains(&name.as_str()) || self.recent.ends_with("/>") {
            return;
        }
        if matches!(name.as_str(), "style" | "script" | "title" | "textarea") {
            self.state = State::Raw(name.clone());
        }
        self.open.push(name);
    }
}

/// The Tera tags of `text`: `{{ }}`, `{% %}` and `{# #}`, as byte ranges.
fn tera_tags(text: &str) -> Result<Vec<(usize, usize)>, String> {
    let bytes = text.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] != b'{' || !matches!(bytes[i + 1], b'{' | b'%' | b'#') {
            i += 1;
            continue;
        }
        let close = match bytes[i + 1] {
            b'{' => b'}',
            b'%' => b'%',
            _ => b'#',
        };
        let mut j = i + 2;
        let mut quote: Option<u8> = None;
        loop {
            if j + 1 >= bytes.len() {
                return Err("a Tera tag is not closed".into());
            }
            let b = bytes[j];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if close != b'#' && matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
                None if b == close && bytes[j + 1] == b'}' => break,
                None => {}
            }
            j += 1;
        }
        let tag = &text[i..j + 2];
        if close == b'%' {
            let inner = tag[2..tag.len() - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
            if inner.starts_with("raw") {
                return Err("it has a `{% raw %}` block".into());
            }
        }
        tags.push((i, j + 2));
        i = j + 2;
    }
    Ok(tags)
}

/// Whether a Tera tag is `{% include "emails/email.css" %}`.
fn includes_css(tag: &str) -> bool {
    let inner = tag[2..tag.len() - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
    let words: Vec<&str> = inner.split_whitespace().collect();
    words.len() == 2
        && words[0] == "include"
        && matches!(words[1], "\"emails/email.css\"" | "'emails/email.css'")
}

/// Whether a `{{ }}` tag writes its value unescaped without it being Markdown.
fn unsafe_safe(tag: &str) -> bool {
    if !tag.starts_with("{{") {
        return false;
    }
    let filters: Vec<&str> = tag[2..tag.len() - 2]
        .split('|')
        .map(|f| f.trim().split('(').next().unwrap_or("").trim())
        .collect();
    filters
        .iter()
        .enumerate()
        .any(|(i, f)| *f == "safe" && (i == 0 || filters[i - 1] != "markdown"))
}

/// One template inlined (see the module's documentation). `own`: a site's
/// override, held to the stricter rules a test cannot check beforehand.
fn template(text: &str, css: &str, own: bool) -> Result<String, String> {
    if text.contains([OPEN, CLOSE]) {
        return Err("it holds a private-use character golive uses as a placeholder".into());
    }
    let tags = tera_tags(text)?;
    let document = {
        let lower = text.to_ascii_lowercase();
        lower.contains("<html") || lower.contains("<!doctype")
    };
    let mut source = String::with_capacity(text.len() + css.len());
    let mut scanner = Scanner::new();
    let mut at = 0;
    let mut kept = Vec::new();
    for (start, end) in tags {
        let html = &text[at..start];
        scanner.feed(html);
        source.push_str(html);
        let tag = &text[start..end];
        at = end;
        if own && unsafe_safe(tag) {
            return Err(format!(
                "`{tag}` writes HTML that is not Markdown, which only inlining the rendered email can style"
            ));
        }
        let token = format!("{OPEN}{}{CLOSE}", kept.len());
        match &scanner.state {
            State::Text => {
                let top = scanner.open.last().map(String::as_str);
                if tag.starts_with("{{")
                    && matches!(top, Some("table" | "tbody" | "thead" | "tfoot" | "tr"))
                {
                    return Err(format!(
                        "`{tag}` stands inside a table outside any cell, where HTML parsers move text"
                    ));
                }
                source.push_str(&format!("<!--{token}-->"));
            }
            State::Raw(element) if element == "title" || element == "textarea" => {
                source.push_str(&token);
            }
            State::Raw(element) if element == "style" && document && includes_css(tag) => {
                // The CSS itself, for css-inline to inline and to keep the
                // `@media` rules of in the `<style>` it writes.
                source.push_str(css);
                continue;
            }
            State::Comment => source.push_str(&token),
            State::Value { name, .. } if !matches!(name.as_str(), "class" | "id" | "style") => {
                source.push_str(&token);
            }
            State::Value { name, .. } => {
                return Err(format!(
                    "`{tag}` is inside a `{name}` attribute, which is known only when rendering"
                ));
            }
            State::Raw(element) => {
                return Err(format!("`{tag}` is inside a `<{element}>` element"));
            }
            State::InTag | State::Declaration => {
                return Err(format!(
                    "`{tag}` is inside a tag outside any attribute value"
                ));
            }
        }
        kept.push(tag);
    }
    source.push_str(&text[at..]);
    scanner.feed(&text[at..]);
    if !matches!(scanner.state, State::Text) {
        return Err("it ends inside a tag or comment".into());
    }
    if !document && text.to_ascii_lowercase().contains("<style") {
        return Err("it has a `<style>` element but is not a whole document".into());
    }
    let source = with_tbody(&source);
    let inlined = if document {
        // Whole documents the way a fallback inlines each email.
        super::message::inline_css(&source)
    } else {
        FRAGMENT.inline_fragment(&source, css)
    }
    .map_err(|e| format!("cannot inline CSS: {e}"))?;
    let restored = restore(&inlined, &kept)?;
    // Every start tag where it was (the parser adds `tbody`, and the layout's
    // `<style>` becomes the one css-inline writes).
    let starts = |html: &str| {
        let mut s = Scanner::new();
        s.feed(html);
        s.starts
            .into_iter()
            .filter(|n| !matches!(n.as_str(), "tbody" | "html" | "head" | "body" | "style"))
            .collect::<Vec<_>>()
    };
    if starts(&source) != starts(&inlined) {
        return Err("inlining it moved or dropped elements".into());
    }
    Ok(restored)
}

/// `<tbody>` written out in each table that has no row group: HTML parsers
/// add it before the first row, which in a template can be inside a loop
/// (`{% for %}<tr>`), where it would be repeated with the rows.
fn with_tbody(source: &str) -> String {
    let mut scanner = Scanner::new();
    scanner.feed(source);
    let mut out = source.to_string();
    for &end in scanner.table_ends.iter().rev() {
        let rest = source[end..].to_ascii_lowercase();
        let until = ["<table", "</table"]
            .iter()
            .filter_map(|t| rest.find(t))
            .min()
            .unwrap_or(rest.len());
        let inside = &rest[..until];
        if !["<tbody", "<thead", "<tfoot", "<caption", "<col"]
            .iter()
            .any(|t| inside.contains(t))
        {
            out.insert_str(end, "<tbody>");
        }
    }
    out
}

/// Puts the Tera tags back where the placeholders came through, checking
/// that each came through once and in order.
fn restore(inlined: &str, tags: &[&str]) -> Result<String, String> {
    let mut out =
        String::with_capacity(inlined.len() + tags.iter().map(|t| t.len()).sum::<usize>());
    let mut rest = inlined;
    let mut next = 0;
    while let Some(i) = rest.find(OPEN) {
        let after = &rest[i + OPEN.len_utf8()..];
        let Some(j) = after.find(CLOSE) else {
            return Err("a placeholder did not come back whole".into());
        };
        let n: usize = after[..j]
            .parse()
            .map_err(|_| "a placeholder did not come back whole")?;
        if n != next {
            return Err("inlining moved a Tera tag".into());
        }
        let mut head = &rest[..i];
        let mut tail = &after[j + CLOSE.len_utf8()..];
        if head.ends_with("<!--") && tail.starts_with("-->") {
            head = &head[..head.len() - 4];
            tail = &tail[3..];
        }
        out.push_str(head);
        out.push_str(tags[n]);
        next += 1;
        rest = tail;
    }
    out.push_str(rest);
    if next != tags.len() {
        return Err("inlining dropped a Tera tag".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSS: &str = "p { margin: 0; } .badge { color: red; } .data td { padding: 1px; } @media (max-width: 1px) { p { color: blue; } }";

    #[test]
    fn tera_tags_survive_and_styles_are_inlined() {
        let out = template(
            "<p title=\"{{ t }}\">Hi {{ name }}{% if x %}, <b>there</b>{% endif %}</p>\n<table class=\"data\">{% for r in rows %}<tr><td>{{ r }}</td></tr>{% endfor %}</table>",
            CSS,
            true,
        )
        .unwrap();
        assert!(out.contains("<p title=\"{{ t }}\" style=\"margin: 0;\">Hi {{ name }}{% if x %}, <b>there</b>{% endif %}</p>"), "{out}");
        assert!(out.contains("<tbody>{% for r in rows %}<tr><td style=\"padding: 1px;\">{{ r }}</td></tr>{% endfor %}</tbody>"), "{out}");
    }

    #[test]
    fn what_cannot_be_inlined_once_is_refused() {
        for bad in [
            "<span class=\"badge {% if x %}go{% endif %}\">x</span>",
            "<td{% if x %} class=\"a\"{% endif %}>x</td>",
            "<table>{{ x }}<tr><td>1</td></tr></table>",
            "<p>{{ x | safe }}</p>",
            "{% raw %}{{ x }}{% endraw %}",
            "<p>\u{E000}</p>",
        ] {
            assert!(template(bad, CSS, true).is_err(), "{bad}");
        }
        assert!(template("<p>{{ x | markdown | safe }}</p>", CSS, true).is_ok());
    }

    #[test]
    fn selectors_skip_media_blocks_and_comments() {
        assert_eq!(
            selectors(CSS.replace("p {", "/* a { */ p {").as_str()),
            vec!["p", ".badge", ".data td"]
        );
        assert_eq!(
            compound("td.x.y"),
            (Some("td"), vec!["x".into(), "y".into()])
        );
    }
}
