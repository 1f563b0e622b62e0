//! The plain-text part: headers at the top of the template, and wrapping at
//! 72 columns that keeps list items and indented blocks readable.

/// `Subject: ...` and `Preheader: ...` lines before the first blank line; the rest is the body.
pub fn split_headers(raw: &str) -> (Vec<(String, String)>, &str) {
    let mut headers = Vec::new();
    let mut rest = raw.trim_start_matches(['\n', '\r']);
    while let Some((line, after)) = rest.split_once('\n') {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            rest = after;
            break;
        }
        match line.split_once(':') {
            Some((name, value)) if !name.contains(' ') && !name.is_empty() => {
                headers.push((name.to_string(), value.trim().to_string()));
                rest = after;
            }
            _ => break,
        }
    }
    (headers, rest)
}

/// Wraps every line longer than `width`. Continuation lines are indented under the
/// text of a list item (`- `, `* `, `1. `), and blank-line runs are collapsed so
/// template whitespace does not leak into the message.
pub fn wrap(body: &str, width: usize) -> String {
    let mut out = String::with_capacity(body.len() + body.len() / 16);
    let mut blank_run = 0;
    for line in body.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run == 1 && !out.is_empty() {
                out.push('\n');
            }
            continue;
        }
        blank_run = 0;
        if textwrap::core::display_width(line) <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let marker = list_marker(&line[indent..]);
        let hanging = " ".repeat(indent + marker);
        // Break only at spaces: never inside a URL or a hyphenated name.
        let options = textwrap::Options::new(width)
            .subsequent_indent(&hanging)
            .break_words(false)
            .word_separator(textwrap::WordSeparator::AsciiSpace)
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        for piece in textwrap::wrap(line, options) {
            out.push_str(piece.trim_end());
            out.push('\n');
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The width of a list marker at the start of `text`: `- `, `* `, `12. `; else 0.
fn list_marker(text: &str) -> usize {
    if text.starts_with("- ") || text.starts_with("* ") {
        return 2;
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && text[digits..].starts_with(". ") {
        return digits + 2;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_headers_from_the_body() {
        let (headers, body) =
            split_headers("\nSubject: Acme 2.0 — ready\nPreheader: GO\n\nDear all,\n");
        assert_eq!(
            headers,
            vec![
                ("Subject".into(), "Acme 2.0 — ready".into()),
                ("Preheader".into(), "GO".into())
            ]
        );
        assert_eq!(body, "Dear all,\n");
    }

    #[test]
    fn wraps_long_lines_with_hanging_indents() {
        let long = format!("  - {}", "word ".repeat(30));
        let wrapped = wrap(&format!("Short line\n\n\n\n{long}\n"), 72);
        let lines: Vec<&str> = wrapped.lines().collect();
        assert_eq!(lines[0], "Short line");
        assert_eq!(lines[1], "", "blank runs collapse to one");
        assert!(lines[2].starts_with("  - word"));
        assert!(
            lines[3].starts_with("    word"),
            "continuation hangs under the text: {:?}",
            lines[3]
        );
        assert!(
            wrapped.lines().all(|l| l.chars().count() <= 72),
            "{wrapped}"
        );
    }

    #[test]
    fn urls_and_hyphenated_words_are_never_split() {
        let line = "Release report: https://releases.example.com/releases/northwind-erp-2.3.0/index.html and more";
        let wrapped = wrap(line, 72);
        assert!(
            wrapped
                .contains("https://releases.example.com/releases/northwind-erp-2.3.0/index.html"),
            "{wrapped}"
        );
    }

    #[test]
    fn a_single_overlong_word_is_kept_whole() {
        let url = format!("https://example.com/{}", "x".repeat(80));
        assert_eq!(wrap(&url, 72).trim_end(), url);
    }
}
