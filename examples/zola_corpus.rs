//! Writes a Zola site with the same readiness content as a golive site, one
//! Markdown page per release, for `bench/compare.sh`:
//! `cargo run --release --example zola_corpus -- GOLIVE_SITE ZOLA_DIR`.
//!
//! Each release file becomes `content/<slug>.md`: its title and date as front
//! matter, then every top-level key of the release as a section. Lists of
//! mappings (checklist items, risks, timeline steps, approvals) become Markdown
//! tables, lists of plain values become bullet lists, text stays text, so the
//! page carries what golive's readiness report is built from. The templates are
//! a plain base layout with the page's title, date and content.

use std::fmt::Write as _;
use std::path::Path;

use serde_yaml::Value;

const CONFIG: &str = "base_url = \"https://releases.example\"\n\
title = \"Releases\"\n\
compile_sass = false\n\
build_search_index = false\n\
generate_feeds = false\n";

const BASE: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<title>{% block title %}{{ config.title }}{% endblock title %}</title>\n</head>\n<body>\n\
<header><a href=\"{{ config.base_url }}\">{{ config.title }}</a></header>\n\
<main>{% block content %}{% endblock content %}</main>\n</body>\n</html>\n";

const INDEX: &str = "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ config.title }}</h1>\n\
<p>{{ section.pages | length }} releases.</p>\n{% endblock content %}\n";

const SECTION: &str = INDEX;

const PAGE: &str = "{% extends \"base.html\" %}\n\
{% block title %}{{ page.title }} · {{ config.title }}{% endblock title %}\n\
{% block content %}\n<article>\n<h1>{{ page.title }}</h1>\n\
<p>Go-live: <time>{{ page.date }}</time></p>\n{{ page.content | safe }}\n</article>\n{% endblock content %}\n";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [site, out] = args.as_slice() else {
        eprintln!("usage: zola_corpus GOLIVE_SITE ZOLA_DIR");
        std::process::exit(2);
    };
    let out = Path::new(out);
    for (path, text) in [
        ("config.toml", CONFIG),
        ("templates/base.html", BASE),
        ("templates/index.html", INDEX),
        ("templates/section.html", SECTION),
        ("templates/page.html", PAGE),
        ("content/_index.md", "+++\ntitle = \"Releases\"\n+++\n"),
    ] {
        write(&out.join(path), text);
    }
    let releases = Path::new(site).join("content/releases");
    let mut files: Vec<_> = std::fs::read_dir(&releases)
        .unwrap_or_else(|e| panic!("{}: {e}", releases.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a readable release file");
        let release: Value = serde_yaml::from_str(&text).expect("a valid release file");
        let slug = file
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a UTF-8 name");
        write(
            &out.join("content").join(format!("{slug}.md")),
            &page(&release),
        );
    }
    println!("{} pages in {}", files.len(), out.display());
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("a writable folder");
    std::fs::write(path, text).expect("a writable file");
}

/// One release as a Markdown page with TOML front matter.
fn page(release: &Value) -> String {
    let field = |k: &str| release.get(k).map(plain).unwrap_or_default();
    let title = format!(
        "{} {} {}",
        field("product"),
        field("version"),
        field("title")
    );
    let date = field("target").chars().take(10).collect::<String>();
    let mut md = String::with_capacity(16_000);
    let _ = writeln!(md, "+++\ntitle = {:?}\ndate = {date}\n+++\n", title.trim());
    if let Value::Mapping(map) = release {
        for (key, value) in map {
            let key = plain(key);
            if ["product", "version", "title"].contains(&key.as_str()) {
                continue;
            }
            let _ = writeln!(md, "## {}\n", heading(&key));
            section(&mut md, value, 3);
            md.push('\n');
        }
    }
    md
}

fn heading(key: &str) -> String {
    let mut words = key.replace('_', " ");
    if let Some(first) = words.get(0..1) {
        words.replace_range(0..1, &first.to_uppercase());
    }
    words
}

/// A value below a heading of `level`: tables for lists of mappings, lists for
/// lists of values, sub-headings for mappings, text for the rest.
fn section(md: &mut String, value: &Value, level: usize) {
    match value {
        Value::Sequence(items) if items.iter().all(|i| i.is_mapping()) && !items.is_empty() => {
            let mut columns: Vec<String> = Vec::new();
            for item in items {
                for (k, v) in item.as_mapping().into_iter().flatten() {
                    let k = plain(k);
                    if !v.is_sequence() && !v.is_mapping() && !columns.contains(&k) {
                        columns.push(k);
                    }
                }
            }
            if !columns.is_empty() {
                let _ = writeln!(md, "| {} |", columns.join(" | "));
                let _ = writeln!(md, "|{}", " --- |".repeat(columns.len()));
                for item in items {
                    let cells: Vec<String> = columns
                        .iter()
                        .map(|c| item.get(c.as_str()).map(cell).unwrap_or_default())
                        .collect();
                    let _ = writeln!(md, "| {} |", cells.join(" | "));
                }
                md.push('\n');
            }
            // Nested lists (a category's items) get their own heading.
            for item in items {
                for (k, v) in item.as_mapping().into_iter().flatten() {
                    if v.is_sequence() || v.is_mapping() {
                        let name = item
                            .get("category")
                            .or_else(|| item.get("use"))
                            .map(plain)
                            .unwrap_or_else(|| plain(k));
                        let _ = writeln!(md, "{} {}\n", "#".repeat(level.min(6)), name);
                        section(md, v, level + 1);
                    }
                }
            }
        }
        Value::Sequence(items) => {
            for item in items {
                let _ = writeln!(md, "- {}", cell(item));
            }
        }
        Value::Mapping(map) => {
            for (k, v) in map {
                if v.is_sequence() || v.is_mapping() {
                    let _ = writeln!(md, "{} {}\n", "#".repeat(level.min(6)), heading(&plain(k)));
                    section(md, v, level + 1);
                } else {
                    let _ = writeln!(md, "- **{}**: {}", heading(&plain(k)), cell(v));
                }
            }
        }
        other => {
            let _ = writeln!(md, "{}", plain(other));
        }
    }
}

/// A value on one line, for a table cell or a list item.
fn cell(value: &Value) -> String {
    match value {
        Value::Mapping(map) => map
            .iter()
            .map(|(k, v)| format!("{}: {}", plain(k), cell(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Sequence(items) => items.iter().map(cell).collect::<Vec<_>>().join(", "),
        other => plain(other).replace('|', "\\|").replace('\n', " "),
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        Value::Tagged(t) => plain(&t.value),
        other => cell(other),
    }
}
