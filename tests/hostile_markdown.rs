//! Hostile Markdown (issue 11, drill 7): every construct a writer could nest or
//! repeat, at 100 KB, renders to HTML and to email text without crashing,
//! nests at most `MAX_DEPTH` elements deep (measured on the HTML parsed with
//! scraper), and keeps the text a reader needs. The last tests run the drill's
//! inputs through `golive build`, `email` and `send` end to end.
//!
//! Nothing here measures time: linear time is shown by
//! `examples/markdown_scaling.rs` (see BENCHMARKS.md).

mod common;

use common::{Site, replace_once};
use golive::render::markdown::{Base, MAX_DEPTH, runbook_to_html, to_html, to_text};
use mail_parser::MessageParser;
use scraper::Html;

/// The size of each hostile input.
const SIZE: usize = 100_000;

/// `unit` repeated to about `SIZE` bytes.
fn repeated(unit: &str) -> String {
    unit.repeat(SIZE / unit.len())
}

/// The deepest element of an HTML fragment, counted from the fragment's top
/// (so `<p>x</p>` is 1). Counting stops a little past the bound, which keeps
/// the measure cheap however deep the input is.
fn max_depth(fragment: &Html) -> usize {
    let cap = MAX_DEPTH + 8;
    fragment
        .root_element()
        .descendants()
        .filter(|n| n.value().is_element())
        .map(|n| {
            n.ancestors()
                .take(cap)
                .filter(|a| a.value().is_element())
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// The words of the visible text (every element boundary separates words).
fn text_of(fragment: &Html) -> String {
    words(&fragment.root_element().text().collect::<Vec<_>>().join(" ")).join(" ")
}

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

/// Renders `source` to HTML and to email text, and checks both bounds: the
/// HTML nests at most `MAX_DEPTH` deep, and no text line is indented more than
/// the flattened lists allow.
fn render_both(source: &str) -> (Html, String) {
    let html = Html::parse_fragment(&to_html(source, &Base::page("")));
    let depth = max_depth(&html);
    assert!(
        depth <= MAX_DEPTH,
        "nested {depth} deep, more than {MAX_DEPTH}"
    );
    let email_text = to_text(source, &Base::Nowhere);
    let widest_indent = email_text
        .lines()
        .map(|l| l.len() - l.trim_start().len())
        .max()
        .unwrap_or(0);
    assert!(
        widest_indent <= 2 * MAX_DEPTH,
        "text indented {widest_indent} deep"
    );
    (html, email_text)
}

/// `render_both`, and every word of `kept` is still in the page and in the
/// email text.
fn renders_bounded(source: &str, kept: &[&str]) -> Html {
    let (html, email_text) = render_both(source);
    let page_text = text_of(&html);
    for word in kept {
        assert!(page_text.contains(word), "`{word}` lost from the HTML");
        assert!(
            email_text.contains(word),
            "`{word}` lost from the email text"
        );
    }
    html
}

/// `render_both`, and every word of `kept` is still in the page. For text
/// inside raw HTML blocks, which the email text leaves out.
fn renders_bounded_html(source: &str, kept: &[&str]) -> Html {
    let (html, _) = render_both(source);
    let page_text = text_of(&html);
    for word in kept {
        assert!(page_text.contains(word), "`{word}` lost from the HTML");
    }
    html
}

#[test]
fn block_quotes() {
    renders_bounded(&format!("{}quoted", repeated("> ")), &["quoted"]);
}

#[test]
fn block_quotes_one_per_line() {
    let source: String = (1..SIZE / 40)
        .map(|i| format!("{}q{i}\n", "> ".repeat(i % 40)))
        .collect();
    renders_bounded(&source, &["q1", "q39", &format!("q{}", SIZE / 40 - 1)]);
}

#[test]
fn ordered_lists() {
    renders_bounded(&format!("{}item", repeated("1. ")), &["item"]);
}

#[test]
fn bullet_lists() {
    renders_bounded(&format!("{}item", repeated("- ")), &["item"]);
}

#[test]
fn mixed_lists() {
    renders_bounded(&format!("{}item", repeated("- 1. * 2) + ")), &["item"]);
}

#[test]
fn lists_nested_by_indentation() {
    let mut source = String::new();
    let mut level = 0;
    while source.len() < SIZE {
        source.push_str(&format!("{}- item{level}\n", "  ".repeat(level)));
        level += 1;
    }
    let last = format!("item{}", level - 1);
    let html = renders_bounded(&source, &["item0", "item40", &last]);
    // Every item's text is there, in order, each once.
    let words: Vec<String> = text_of(&html).split(' ').map(str::to_string).collect();
    let expected: Vec<String> = (0..level).map(|l| format!("item{l}")).collect();
    assert_eq!(words, expected);
}

#[test]
fn emphasis() {
    let stars = "*".repeat(SIZE / 2);
    renders_bounded(&format!("{stars}inner{stars}"), &["inner"]);
}

#[test]
fn emphasis_underscores_and_strong_mixed() {
    renders_bounded(&format!("{}inner", repeated("**_~~")), &["inner"]);
}

#[test]
fn links_with_nested_brackets() {
    let n = SIZE / 10;
    let source = format!("{}text{}", "[".repeat(n), "](https://x.example)".repeat(n));
    renders_bounded(&source, &["text"]);
}

#[test]
fn nested_links_and_images() {
    let n = SIZE / 30;
    let source = format!(
        "{}alt{}",
        "[![".repeat(n),
        "](https://x.example/i.png)](https://x.example)".repeat(n)
    );
    renders_bounded(&source, &[]);
}

#[test]
fn inline_html_bold() {
    // The drill's input: 60 KB of <b>, then text.
    renders_bounded(&format!("{}bold", "<b>".repeat(20_000)), &["bold"]);
    renders_bounded(&format!("text {}bold", repeated("<b>")), &["text", "bold"]);
}

#[test]
fn inline_html_span_with_attributes() {
    let source: String = (0..SIZE / 30)
        .map(|i| format!("<span title=\"{i}\">s{i} "))
        .collect();
    renders_bounded(&format!("start {source}"), &["start", "s0", "s99"]);
}

#[test]
fn block_html_div() {
    renders_bounded_html(&format!("{}\n\nafter", repeated("<div>")), &["after"]);
}

#[test]
fn unclosed_html_in_many_paragraphs() {
    renders_bounded_html(&repeated("<div><b>para\n\n"), &["para"]);
}

#[test]
fn misnested_html() {
    renders_bounded(&format!("{}end", repeated("<b><i>x</b>")), &["end"]);
}

#[test]
fn misnested_formatting_with_distinct_attributes() {
    // Distinct attributes defeat the parser's own limit on reopened formatting tags.
    let source: String = (0..SIZE / 40)
        .map(|i| format!("<b title={i}><p>x{i}<i title={i}></p>"))
        .collect();
    renders_bounded(&source, &["x0", &format!("x{}", SIZE / 40 - 1)]);
}

#[test]
fn raw_tables_in_cells() {
    renders_bounded_html(&format!("{}cell", repeated("<table><tr><td>")), &["cell"]);
}

#[test]
fn html_comments() {
    renders_bounded(&format!("text {}", repeated("<!-- c -->")), &["text"]);
    renders_bounded(&format!("text\n\n{}", repeated("<!--")), &["text"]);
}

#[test]
fn tables_with_many_columns() {
    let n = SIZE / 8;
    let source = format!(
        "{}|\n{}|\n{}|\n",
        "| head ".repeat(n),
        "|---".repeat(n),
        "| cell ".repeat(n)
    );
    // The email text leaves out the header row.
    let html = renders_bounded_html(&source, &["head", "cell"]);
    assert_eq!(to_text(&source, &Base::Nowhere).matches("cell").count(), n);
    let cells = html
        .select(&scraper::Selector::parse("td").unwrap())
        .count();
    assert_eq!(cells, n);
}

#[test]
fn tables_with_many_rows() {
    let mut source = String::from("| a | b |\n| --- | --- |\n");
    let mut rows = 0;
    while source.len() < SIZE {
        source.push_str(&format!("| r{rows} | v |\n"));
        rows += 1;
    }
    let html = renders_bounded(&source, &["r0", &format!("r{}", rows - 1)]);
    let trs = html
        .select(&scraper::Selector::parse("tbody tr").unwrap())
        .count();
    assert_eq!(trs, rows);
}

#[test]
fn tables_inside_deep_quotes() {
    let quotes = "> ".repeat(MAX_DEPTH);
    let rows: String = (0..SIZE / 120)
        .map(|i| format!("{quotes}| t{i} | u{i} |\n"))
        .collect();
    let source = format!("{quotes}| a | b |\n{quotes}| - | - |\n{rows}");
    renders_bounded(&source, &["t0", "u0", &format!("u{}", SIZE / 120 - 1)]);
}

#[test]
fn footnote_definitions() {
    renders_bounded(&format!("{}note", repeated("[^a]: ")), &["note"]);
}

#[test]
fn footnote_references() {
    renders_bounded(
        &format!("text{}\n\n[^a]: note\n", repeated("[^a]")),
        &["text", "note"],
    );
}

#[test]
fn nested_footnote_definitions() {
    let nested: String = (0..SIZE / 12).map(|i| format!("[^{i}]: > ")).collect();
    renders_bounded(&format!("{nested}deep"), &["deep"]);
}

#[test]
fn headings() {
    renders_bounded(&format!("{}title", repeated("> # ")), &["title"]);
    renders_bounded(&format!("{} title", "#".repeat(SIZE)), &["title"]);
}

#[test]
fn code_spans_and_backticks() {
    renders_bounded(&format!("text {}", repeated("`a")), &["text"]);
    let runs: String = (1..450).map(|n| format!("{} ", "`".repeat(n))).collect();
    renders_bounded(&format!("text {runs}"), &["text"]);
    renders_bounded(&format!("{}code", repeated("> ```\n")), &["code"]);
}

#[test]
fn entity_references() {
    renders_bounded(
        &format!("{} end", repeated("&amp;&#169;&#x1F600;&bogus;&#")),
        &["&©😀&bogus;&#&", "end"],
    );
}

#[test]
fn one_paragraph_of_ampersands_and_latin_1() {
    let html = renders_bounded(&repeated("R&D © µ½ "), &["R&D © µ½"]);
    let text = text_of(&html);
    assert_eq!(text.matches("R&D").count(), SIZE / "R&D © µ½ ".len());
}

#[test]
fn long_inline_code_and_raw_html_text() {
    renders_bounded(&format!("`{}`", repeated("a&b ")), &["a&b a&b"]);
    renders_bounded_html(
        &format!("<div>\n{}\n</div>", repeated("a&b ")),
        &["a&b a&b"],
    );
}

#[test]
fn link_addresses_and_titles_longer_than_4_kib_are_dropped() {
    let long = format!("https://x.example/?{}", "a=1&".repeat(1100));
    let source = format!(
        "[long]({long}) [titled](https://x.example/t \"{}\") [short](https://x.example/s)",
        "t".repeat(5000)
    );
    let html = renders_bounded(&source, &["long", "titled", "short"]);
    let hrefs: Vec<&str> = html
        .select(&scraper::Selector::parse("a").unwrap())
        .map(|a| a.value().attr("href").unwrap_or(""))
        .collect();
    assert_eq!(hrefs, ["https://x.example/t", "https://x.example/s"]);
    let titled = html
        .select(&scraper::Selector::parse("a").unwrap())
        .next()
        .unwrap();
    assert_eq!(titled.value().attr("title"), None);
}

#[test]
fn control_characters_everywhere() {
    // Runbook bodies are read as they are: every C0 and C1 control, bidi
    // overrides and U+FFFF, in text, code, link addresses, raw HTML and ids.
    let controls: String = (0u32..0x20)
        .chain(0x7f..0xa0)
        .chain([0x202e, 0x2066, 0xfeff, 0xffff])
        .filter_map(char::from_u32)
        .collect();
    let unit = format!(
        "{controls} `{controls}` [a{controls}](https://x.example/{controls}) <b title=\"{controls}\">{controls}</b>\n\n## h{controls} {{#i{controls}}}\n\n"
    );
    renders_bounded(&repeated(&unit), &[]);
    let (headings, _) = golive::content::runbook::scan(&unit, 1);
    runbook_to_html(&unit, &headings);
}

#[test]
fn a_runbook_body_of_quotes_with_headings() {
    let body = format!("## Top\n\n{}## Deep heading\n\nfix it\n", repeated("> "));
    let (headings, _) = golive::content::runbook::scan(&body, 1);
    let html = Html::parse_fragment(&runbook_to_html(&body, &headings));
    assert!(max_depth(&html) <= MAX_DEPTH);
    let text = text_of(&html);
    assert!(text.contains("Top") && text.contains("Deep heading") && text.contains("fix it"));
    assert!(
        html.select(&scraper::Selector::parse("h2#top").unwrap())
            .next()
            .is_some()
    );
}

#[test]
fn sanitising_still_applies_beyond_the_bound() {
    let deep = repeated("> ");
    let source = format!(
        "{deep}text <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) <a href=\"javascript:alert(2)\">y</a> <svg><script>alert(3)</script></svg>"
    );
    let html = to_html(&source, &Base::page(""));
    for banned in [
        "<script",
        "alert(",
        "javascript:",
        "<img",
        "onerror",
        "<svg",
    ] {
        assert!(!html.contains(banned), "`{banned}` in {html}");
    }
}

// ---------------------------------------------------------------------------
// end to end: the drill's summaries through the binary
// ---------------------------------------------------------------------------

/// The mail fixture with its upcoming release's summary replaced by `summary`.
fn site_with_summary(summary: &str) -> Site {
    let site = Site::copy_of("mail");
    let file = "content/releases/upcoming.yaml";
    let indented: String = summary.lines().map(|l| format!("  {l}\n")).collect();
    let old = "  Search moves to the new **index**. A long sentence that goes on well past the seventy-two column limit of plain-text email bodies, to be wrapped.\n";
    site.write(file, replace_once(&site.read(file), old, &indented));
    site
}

/// `golive build`, `email` and `send` (dry run) with `summary` as a release's
/// summary: all succeed, and `last_word` reaches the page and both parts of
/// the email.
fn builds_emails_and_sends(summary: &str, last_word: &str) {
    builds_emails_and_sends_showing(summary, last_word, Some(last_word))
}

/// The same, with the word the email shows: the email carries the summary's
/// first block only (`None`: that block has no words).
fn builds_emails_and_sends_showing(summary: &str, last_word: &str, in_email: Option<&str>) {
    let site = site_with_summary(summary);
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "build\n{}", out.describe());
    let page = Html::parse_document(&site.read("public/releases/mail-app-3.1.0/index.html"));
    assert!(
        text_of(&page).contains(last_word),
        "summary text missing from the page"
    );

    let out = site.run(&["email", "mail-app-3.1.0", "readiness", "--format", "eml"]);
    assert_eq!(out.code, Some(0), "email\n{}", out.describe());
    let message = MessageParser::default()
        .parse(out.stdout.as_bytes())
        .expect("a parseable message");
    let html = Html::parse_document(&message.body_html(0).expect("an HTML part"));
    let text = message.body_text(0).expect("a text part");
    if let Some(word) = in_email {
        assert!(
            text_of(&html).contains(word),
            "summary missing from the HTML part"
        );
        assert!(text.contains(word), "summary missing from the text part");
    }

    let out = site.run(&["send", "mail-app-3.1.0", "readiness"]);
    assert_eq!(out.code, Some(0), "send (dry run)\n{}", out.describe());
}

// The drill's inputs, each of which aborted build, email and send (exit 134).

#[test]
fn drill_bold_tags_build_email_and_send() {
    builds_emails_and_sends(&("<b>".repeat(20_000) + "bold"), "bold");
}

#[test]
fn drill_emphasis_builds_emails_and_sends() {
    let stars = "*".repeat(40_000);
    builds_emails_and_sends(&format!("{stars}inner{stars}"), "inner");
}

#[test]
fn drill_block_quotes_build_email_and_send() {
    builds_emails_and_sends(&("> ".repeat(25_000) + "quoted"), "quoted");
}

#[test]
fn drill_div_tags_build_email_and_send() {
    // The email shows the first block, which holds only the tags.
    builds_emails_and_sends_showing(&("<div>".repeat(40_000) + "\n\nafter"), "after", None);
}

#[test]
fn drill_ordered_lists_build_email_and_send() {
    builds_emails_and_sends(&("1. ".repeat(30_000) + "item"), "item");
}
