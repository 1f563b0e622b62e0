//! The last guard on depth: sanitised HTML flattened below a fixed nesting.
//!
//! [`super::nesting`] keeps what reaches the sanitiser shallow, but the HTML
//! parser adds elements of its own (`<tbody>` and `<tr>` in a raw table, a
//! formatting element reopened after a misnested tag), so the exact bound is
//! enforced here, on the sanitiser's output: an element deeper than the limit
//! loses its tags and keeps its text. Normal documents never reach the limit
//! and come out byte for byte as they went in.
//!
//! The input is the sanitiser's serialisation, which is regular: no comments,
//! no raw-text elements, `<` escaped in text, attribute values in double
//! quotes with `"` escaped, and an end tag for every element that is not void.

/// Elements the serialiser writes without an end tag.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// `html` with every element nested deeper than `max` replaced by its content.
pub fn flatten_below(html: &str, max: usize) -> String {
    let mut out = String::with_capacity(html.len());
    // For each open element: whether its tags were kept.
    let mut open: Vec<bool> = Vec::new();
    let mut depth: usize = 0;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tag_len = tag_length(&rest[lt..]);
        let tag = &rest[lt..lt + tag_len];
        rest = &rest[lt + tag_len..];
        if tag.starts_with("</") {
            if open.pop().unwrap_or(true) {
                out.push_str(tag);
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        let fits = depth < max;
        if fits {
            out.push_str(tag);
        }
        if !VOID.contains(&tag_name(tag)) {
            open.push(fits);
            depth += usize::from(fits);
        }
    }
    out.push_str(rest);
    out
}

/// The length of the tag at the start of `html` (which starts with `<`): up to
/// the first `>` outside a double-quoted attribute value.
fn tag_length(html: &str) -> usize {
    let mut quoted = false;
    for (i, b) in html.bytes().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'>' if !quoted => return i + 1,
            _ => {}
        }
    }
    html.len()
}

/// `div` of `<div class="x">`.
fn tag_name(tag: &str) -> &str {
    let name = tag.trim_start_matches('<');
    let end = name
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .unwrap_or(name.len());
    &name[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_html_is_unchanged() {
        let html = "<p>a <a href=\"x?a=1&amp;b=&quot;>&quot;\">b</a><br>c</p>\n<ul><li>d</li></ul>";
        assert_eq!(flatten_below(html, 3), html);
    }

    #[test]
    fn deeper_elements_keep_their_text_only() {
        let html = "<div><b><i>x<br>y</i></b>z</div><p>w</p>";
        assert_eq!(flatten_below(html, 2), "<div><b>xy</b>z</div><p>w</p>");
        assert_eq!(flatten_below(html, 0), "xyzw");
    }
}
