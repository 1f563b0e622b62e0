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

mod scan;
mod selectors;

use std::sync::LazyLock;

use scan::{Scanner, State, includes_css, tera_tags, unsafe_safe};
use selectors::{compound, is_complex, selectors};

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
