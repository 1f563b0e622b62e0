//! Reading the selectors of `email.css`: which rules a template's inlining
//! can be trusted with.

/// The selectors of the rules outside `@` blocks, comments removed.
pub(super) fn selectors(css: &str) -> Vec<String> {
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
pub(super) fn is_complex(selector: &str) -> bool {
    selector.contains([' ', '>', '+', '~', ':'])
}

/// The element name and classes of a compound selector (`td.x.y`).
pub(super) fn compound(selector: &str) -> (Option<&str>, Vec<String>) {
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
