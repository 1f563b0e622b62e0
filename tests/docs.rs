//! The manual (README.md and docs/) cannot drift from the code:
//!
//! - the key and command references are generated (from the JSON Schemas and
//!   the clap definition) and must equal what is committed;
//! - every workflow in docs/ci.md is valid YAML of the right shape, and every
//!   `golive` command in it parses with the real command line;
//! - every relative link resolves to a file, and every `#anchor` to a heading.
//!
//! `GOLIVE_BLESS=1 cargo test --test docs` rewrites the generated files.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser as _};
use golive::cli::Cli;
use golive::content::schema_doc::{self, BLESS, anchor};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_yaml::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Compares a generated file with the committed one; with GOLIVE_BLESS=1,
/// writes it instead.
fn generated(relative: &str, text: &str) {
    let path = repo().join(relative);
    if std::env::var_os("GOLIVE_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != text {
        let line = committed
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || committed.lines().count().min(text.lines().count()) + 1,
                |i| i + 1,
            );
        panic!("{relative} is out of date: run `{BLESS}` (first difference at line {line})");
    }
}

#[test]
fn release_keys_reference_is_generated_from_the_schema() {
    generated(
        "docs/reference/release-keys.md",
        &schema_doc::release_keys(),
    );
}

#[test]
fn site_keys_reference_is_generated_from_the_config_types() {
    generated("docs/reference/site-keys.md", &schema_doc::site_keys());
}

#[test]
fn commands_reference_is_generated_from_the_command_line() {
    generated("docs/reference/commands.md", &commands());
}

#[test]
fn the_key_reference_covers_every_key_of_the_schema() {
    // Every property name anywhere in the schema appears as a key path.
    let schema: serde_json::Value =
        serde_json::from_str(&golive::content::schema::release_schema()).unwrap();
    let doc = schema_doc::release_keys();
    let mut names = BTreeSet::new();
    collect_property_names(&schema, &mut names);
    for name in names {
        assert!(
            doc.contains(&format!("`{name}`")) || doc.contains(&format!(".{name}`")),
            "release-keys.md does not document `{name}`"
        );
    }
}

fn collect_property_names(value: &serde_json::Value, names: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                names.extend(props.keys().cloned());
            }
            for v in map.values() {
                collect_property_names(v, names);
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                collect_property_names(v, names);
            }
        }
        _ => {}
    }
}

/// The site keys the reference documents are the keys site.yaml accepts: a
/// deny_unknown_fields struct lists them in its error for an unknown key.
#[test]
fn the_site_reference_lists_exactly_the_keys_site_yaml_accepts() {
    let error = serde_yaml::from_str::<golive::config::site::SiteConfig>("zz_probe: 1")
        .unwrap_err()
        .to_string();
    let expected: BTreeSet<String> = error
        .split("expected one of ")
        .nth(1)
        .expect("serde lists the allowed keys")
        .split(", ")
        .map(|k| {
            k.trim_matches(|c: char| c == '`' || !c.is_ascii_graphic())
                .to_string()
        })
        .filter(|k| !k.is_empty())
        .map(|k| k.split('`').next().unwrap().to_string())
        .collect();
    let doc = schema_doc::site_keys();
    let documented: BTreeSet<String> = doc
        .split("## people.yaml")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|k| !k.contains('.') && !k.contains('['))
        .map(str::to_string)
        .collect();
    assert_eq!(documented, expected, "{error}");
}

// ---------------------------------------------------------------- commands

/// Every command's long help, usage and options, as `golive help <command>` prints it.
fn commands() -> String {
    let mut cli = Cli::command();
    cli.build();
    let mut out = String::from("# Commands\n\n");
    out.push_str(&format!(
        "<!-- Generated from the command line's definition (src/cli/) by tests/docs.rs; do not edit. To update: {BLESS} -->\n\n"
    ));
    out.push_str(
        "What `golive --help` and `golive help <command>` print. The guide explains each \
         command in use: [the tour](../../README.md#a-five-minute-tour), \
         [exit codes and output](../checking-and-building.md), \
         [emails and sending](../emails-and-sending.md), [CI recipes](../ci.md).\n\n",
    );
    let names: Vec<String> = cli
        .get_subcommands()
        .filter(|c| c.get_name() != "help")
        .map(|c| c.get_name().to_string())
        .collect();
    out.push_str("| command | what it does |\n| --- | --- |\n");
    for sub in cli.get_subcommands().filter(|c| c.get_name() != "help") {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "| [`golive {0}`](#golive-{0}) | {1} |\n",
            sub.get_name(),
            about.replace('|', "\\|")
        ));
    }
    out.push_str("\n## golive\n\n```text\n");
    out.push_str(&plain(cli.render_long_help().to_string()));
    out.push_str("```\n");
    for name in names {
        let sub = cli.find_subcommand_mut(&name).unwrap();
        out.push_str(&format!("\n## golive {name}\n\n```text\n"));
        out.push_str(&plain(sub.render_long_help().to_string()));
        out.push_str("```\n");
    }
    out
}

/// Help text without trailing spaces, ending in one newline.
fn plain(text: String) -> String {
    let mut out: String = text
        .lines()
        .map(|l| l.trim_end().to_string() + "\n")
        .collect();
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

// ---------------------------------------------------------------- CI recipes

#[test]
fn every_ci_recipe_is_valid_yaml_and_every_golive_command_parses() {
    let path = repo().join("docs/ci.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let blocks = code_blocks(&text, "yaml");
    assert!(
        blocks.len() >= 4,
        "docs/ci.md has {} yaml blocks",
        blocks.len()
    );
    let (mut github, mut gitlab, mut commands) = (0, 0, 0);
    for block in blocks {
        let first = block.lines().next().unwrap_or("").trim();
        let value: Value = serde_yaml::from_str(&block)
            .unwrap_or_else(|e| panic!("docs/ci.md: a yaml block does not parse: {e}\n{block}"));
        if first.contains(".github/workflows/") {
            github += 1;
            check_github(&value, &block);
        } else if first.contains(".gitlab-ci.yml") {
            gitlab += 1;
            check_gitlab(&value, &block);
        } else if first.contains("site.yaml") {
            check_site_yaml(&value, &block);
            continue;
        } else {
            panic!("docs/ci.md: each yaml block starts with a comment naming its file:\n{block}");
        }
        let mut scripts = Vec::new();
        collect_scripts(&value, false, &mut scripts);
        for script in scripts {
            for line in script.lines() {
                let line = line.trim();
                let Some(start) = line.find("golive ") else {
                    continue;
                };
                // A command at the start of a line or after `&&`, `||`, `;`, `if`.
                let before = line[..start].trim_end();
                if !(before.is_empty()
                    || before.ends_with("&&")
                    || before.ends_with("||")
                    || before.ends_with(';')
                    || before.ends_with("if")
                    || before.ends_with("then"))
                {
                    continue;
                }
                commands += 1;
                check_command(&line[start..]);
            }
        }
    }
    assert!(
        github >= 1 && gitlab >= 1,
        "github {github}, gitlab {gitlab}"
    );
    assert!(
        commands >= 6,
        "only {commands} golive commands found in docs/ci.md"
    );
}

/// The fenced code blocks of one language.
fn code_blocks(markdown: &str, language: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new_ext(markdown, Options::all()) {
        match event {
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(lang)))
                if lang.as_ref() == language =>
            {
                current = Some(String::new());
            }
            Event::Text(t) if current.is_some() => current.as_mut().unwrap().push_str(&t),
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    blocks
}

fn check_github(value: &Value, block: &str) {
    assert!(
        value.get("on").is_some(),
        "a GitHub workflow needs `on:`\n{block}"
    );
    let jobs = value
        .get("jobs")
        .and_then(Value::as_mapping)
        .unwrap_or_else(|| panic!("a GitHub workflow needs `jobs:`\n{block}"));
    for (name, job) in jobs {
        assert!(
            job.get("runs-on").is_some() || job.get("uses").is_some(),
            "job {name:?} needs `runs-on:`\n{block}"
        );
        let steps = job.get("steps").and_then(Value::as_sequence);
        assert!(
            steps.is_some_and(|s| !s.is_empty()),
            "job {name:?} needs `steps:`"
        );
        for step in steps.unwrap() {
            assert!(
                step.get("run").is_some() || step.get("uses").is_some(),
                "a step of {name:?} needs `run:` or `uses:`: {step:?}"
            );
        }
    }
}

fn check_gitlab(value: &Value, block: &str) {
    let map = value.as_mapping().expect("a GitLab pipeline is a mapping");
    let stages: Vec<&str> = value
        .get("stages")
        .and_then(Value::as_sequence)
        .unwrap_or_else(|| panic!("a GitLab pipeline here lists its `stages:`\n{block}"))
        .iter()
        .filter_map(Value::as_str)
        .collect();
    const GLOBAL: &[&str] = &[
        "stages",
        "variables",
        "default",
        "include",
        "workflow",
        "image",
        "cache",
    ];
    let mut jobs = 0;
    for (key, job) in map {
        let key = key.as_str().unwrap();
        if GLOBAL.contains(&key) || key.starts_with('.') {
            continue;
        }
        jobs += 1;
        assert!(
            job.get("script").is_some() || job.get("extends").is_some(),
            "job {key} needs `script:`\n{block}"
        );
        if let Some(stage) = job.get("stage").and_then(Value::as_str) {
            assert!(
                stages.contains(&stage),
                "job {key}: stage {stage} is not in `stages:`"
            );
        }
    }
    assert!(jobs > 0, "no jobs\n{block}");
}

/// A site.yaml excerpt is read by the real type (with a title, if it has none).
fn check_site_yaml(value: &Value, block: &str) {
    let mut map = value.as_mapping().expect("site.yaml is a mapping").clone();
    map.entry("title".into()).or_insert("Example".into());
    if let Err(e) = serde_yaml::from_value::<golive::config::site::SiteConfig>(Value::Mapping(map))
    {
        panic!("docs/ci.md: a site.yaml excerpt is not valid: {e}\n{block}");
    }
}

/// The texts of every `run:` and `script:` (and `before_script:`, `after_script:`).
fn collect_scripts(value: &Value, in_script: bool, out: &mut Vec<String>) {
    match value {
        Value::String(s) if in_script => out.push(s.clone()),
        Value::Sequence(items) => items
            .iter()
            .for_each(|v| collect_scripts(v, in_script, out)),
        Value::Mapping(map) => {
            for (k, v) in map {
                let script = matches!(
                    k.as_str(),
                    Some("run" | "script" | "before_script" | "after_script")
                );
                collect_scripts(v, script, out);
            }
        }
        _ => {}
    }
}

/// Parses one `golive ...` line with the real command line definition.
fn check_command(line: &str) {
    let line = line.split(" #").next().unwrap();
    let line = line
        .split(&['|', '>'][..])
        .next()
        .unwrap()
        .split("&&")
        .next()
        .unwrap()
        .split("||")
        .next()
        .unwrap()
        .trim_end_matches(';')
        .trim();
    let words = shell_words(line);
    if let Err(e) = Cli::try_parse_from(&words) {
        panic!("docs/ci.md: `{line}` does not parse:\n{e}");
    }
}

/// Splits a command line into words the way a POSIX shell would for the
/// simple lines of the recipes: quotes group, `$VAR` stays as written.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

// ---------------------------------------------------------------- links

/// README.md and every Markdown file under docs/.
fn manual_files() -> Vec<PathBuf> {
    let mut files = vec![repo().join("README.md")];
    for entry in walkdir::WalkDir::new(repo().join("docs")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|x| x == "md") {
            files.push(entry.into_path());
        }
    }
    files.sort();
    files
}

/// The anchors GitHub gives a file's headings (repeats get `-1`, `-2`, ...).
fn anchors(markdown: &str) -> BTreeSet<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = BTreeSet::new();
    let mut heading: Option<String> = None;
    for event in Parser::new_ext(markdown, Options::all()) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                if let Some(id) = id {
                    out.insert(id.to_string());
                }
                heading = Some(String::new());
            }
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                heading.as_mut().unwrap().push_str(&t)
            }
            Event::End(TagEnd::Heading(_)) => {
                let base = anchor(heading.take().unwrap().trim());
                let n = seen.entry(base.clone()).or_insert(0);
                out.insert(if *n == 0 { base } else { format!("{base}-{n}") });
                *n += 1;
            }
            _ => {}
        }
    }
    out
}

/// The link and image targets of a file.
fn links(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, Options::all())
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn every_relative_link_of_the_manual_resolves() {
    let files = manual_files();
    assert!(files.len() >= 12, "README.md and docs/: {files:?}");
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.strip_prefix(repo()).unwrap().display().to_string();
        for link in links(&text) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (target, fragment) = match link.split_once('#') {
                Some((t, f)) => (t, Some(f)),
                None => (link.as_str(), None),
            };
            let target_path = if target.is_empty() {
                file.clone()
            } else {
                file.parent().unwrap().join(target)
            };
            if !target_path.exists() {
                problems.push(format!(
                    "{name}: `{link}`: no file {}",
                    target_path.display()
                ));
                continue;
            }
            if let Some(fragment) = fragment {
                if target_path.extension().is_none_or(|x| x != "md") {
                    problems.push(format!(
                        "{name}: `{link}`: an anchor into a file that is not Markdown"
                    ));
                    continue;
                }
                let target_text = std::fs::read_to_string(&target_path).unwrap();
                if !anchors(&target_text).contains(fragment) {
                    problems.push(format!("{name}: `{link}`: no heading `#{fragment}` there"));
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} relative links checked");
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_readme_is_a_front_door() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(readme.len() < 14_000, "README.md is {} bytes", readme.len());
    for must in [
        "cargo run --release -- build",
        "cargo test",
        "cargo install --path .",
        "docs/README.md",
    ] {
        assert!(readme.contains(must), "README.md lacks `{must}`");
    }
}
