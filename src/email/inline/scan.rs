//! Where each Tera tag of an email template stands in its HTML: a small
//! scanner, and the Tera tags themselves.

/// Where the HTML around a Tera tag is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum State {
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
pub(super) struct Scanner {
    pub(super) state: State,
    /// The open elements, as far as start and end tags say.
    pub(super) open: Vec<String>,
    /// Every start tag's name, in order.
    pub(super) starts: Vec<String>,
    /// The tag being read: its name, whether an end tag, the attribute name.
    name: String,
    end: bool,
    naming: bool,
    attr: String,
    after_attr: bool,
    recent: String,
    /// Where the text is read to, in bytes, and where each `<table ...>`
    /// start tag ends.
    pub(super) pos: usize,
    pub(super) table_ends: Vec<usize>,
}

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param",
];

impl Scanner {
    pub(super) fn new() -> Scanner {
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

    pub(super) fn feed(&mut self, text: &str) {
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
pub(super) fn tera_tags(text: &str) -> Result<Vec<(usize, usize)>, String> {
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
pub(super) fn includes_css(tag: &str) -> bool {
    let inner = tag[2..tag.len() - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
    let words: Vec<&str> = inner.split_whitespace().collect();
    words.len() == 2
        && words[0] == "include"
        && matches!(words[1], "\"emails/email.css\"" | "'emails/email.css'")
}

/// Whether a `{{ }}` tag writes its value unescaped without it being Markdown.
pub(super) fn unsafe_safe(tag: &str) -> bool {
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
