//! Troubleshooting runbooks (Markdown rendering, links between runbooks, backlinks,
//! sanitising, located errors) and the deployment request page (approvals, phases
//! counted back in business days from go-live, sign-off), built from the fixture
//! site `tests/fixtures/runbooks` and checked with an HTML parser.
//!
//! Dates of the fixture: `ledger-3.0.0` (change type database-schema) goes live on
//! Mon 15 Mar 2027 09:00 Europe/Berlin. With the site's phases
//! (submission 2 days, technical review 2, staging 2, executive 1) counted back in
//! business days, the executive approval is due Fri 12 Mar (the weekend is
//! skipped), staging Wed 10 – Thu 11, technical review Mon 8 – Tue 9, submission
//! Thu 4 – Fri 5. "Today" is fixed with SOURCE_DATE_EPOCH.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::html::{page, rows, section, sel, text};
use common::{Site, line_of, replace_once};
use scraper::{ElementRef, Html};

const FIXTURE: &str = "runbooks";

/// Wed 10 Mar 2027, 12:00 UTC: technical review (due Tue 9 Mar) is late.
const WED_10_MAR_2027: &str = "1804680000";
/// Tue 9 Mar 2027, 12:00 UTC: the due day of the technical review itself.
const TUE_9_MAR_2027: &str = "1804593600";
/// Tue 9 Mar 2027, 23:30 UTC, which is already Wed 10 Mar 00:30 in Berlin.
const TUE_9_MAR_2027_2330_UTC: &str = "1804635000";
/// Mon 1 Mar 2027, 12:00 UTC: every phase is still ahead.
const MON_1_MAR_2027: &str = "1803902400";

const DB_RUNBOOK: &str = "content/runbooks/database-connection-errors.md";
const LATENCY_RUNBOOK: &str = "content/runbooks/high-response-time.md";
const AUTH_RUNBOOK: &str = "content/runbooks/authentication-failures.md";

fn hrefs(scope: ElementRef, css: &str) -> Vec<String> {
    scope
        .select(&sel(css))
        .filter_map(|a| a.value().attr("href"))
        .map(str::to_string)
        .collect()
}

/// A copy of the fixture, built with "today" fixed.
fn built_on(epoch: &str) -> Site {
    let site = Site::copy_of(FIXTURE);
    let out = build(&site, epoch);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    site
}

fn build(site: &Site, epoch: &str) -> common::Output {
    let root = site.root.to_str().unwrap();
    common::golive_with_env(
        &["--root", root, "build"],
        &site.root,
        &[("SOURCE_DATE_EPOCH", epoch)],
    )
}

/// Every `.html` file under `public/`, relative to it.
fn html_files(site: &Site) -> Vec<PathBuf> {
    let public = site.path("public");
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(&public)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().strip_prefix(&public).unwrap().to_path_buf())
        .collect();
    out.sort();
    out
}

/// `base/../x/./y` without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                assert!(out.pop(), "{} leaves public/", path.display());
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Whether `html` has an element with id `id`.
fn has_id(html: &Html, id: &str) -> bool {
    html.select(&sel("[id]"))
        .any(|e| e.value().attr("id") == Some(id))
}

/// Checks that a link `href` found on `from` (relative to public/) lands on an
/// existing file and, if it has a fragment, on an element with that id.
fn assert_resolves(site: &Site, from: &Path, href: &str) {
    let (file, fragment) = match href.split_once('#') {
        Some((f, a)) => (f, Some(a)),
        None => (href, None),
    };
    let target = if file.is_empty() {
        from.to_path_buf()
    } else {
        normalise(&from.parent().unwrap().join(file))
    };
    let on_disk = site.path("public").join(&target);
    assert!(
        on_disk.is_file(),
        "{} links to `{href}`, but public/{} does not exist",
        from.display(),
        target.display()
    );
    if let Some(id) = fragment {
        let html = Html::parse_document(&std::fs::read_to_string(&on_disk).unwrap());
        assert!(
            has_id(&html, id),
            "{} links to `{href}`, but public/{} has no element with id `{id}`",
            from.display(),
            target.display()
        );
    }
}

fn is_external(href: &str) -> bool {
    ["http://", "https://", "mailto:", "tel:"]
        .iter()
        .any(|p| href.starts_with(p))
}

/// The 1-based column of the only occurrence of `needle` on its line.
fn column_of(text: &str, needle: &str) -> usize {
    let line = text.lines().nth(line_of(text, needle) - 1).unwrap();
    line.find(needle).unwrap() + 1
}

/// Builds once (so public/ exists), applies `edit`, builds again and expects the
/// build to fail with exit 2 and public/ untouched. Returns stderr.
fn failing_build(edit: impl FnOnce(&Site)) -> (Site, String) {
    let site = built_on(WED_10_MAR_2027);
    let before = site.snapshot("public");
    assert!(!before.is_empty());
    edit(&site);
    let out = build(&site, WED_10_MAR_2027);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(
        site.snapshot("public") == before,
        "a failed build changed public/\n{}",
        out.describe()
    );
    (site, out.stderr)
}

/// The `path:line:col: error: ...` lines of stderr.
fn error_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(": error: ")).collect()
}

// ---------------------------------------------------------------------------
// 1. Markdown features of a runbook page
// ---------------------------------------------------------------------------

#[test]
fn runbook_page_renders_tables_task_lists_headings_code_footnotes_and_strikethrough() {
    let site = built_on(WED_10_MAR_2027);
    let html = page(&site, "public/runbooks/database-connection-errors.html");
    let article = html
        .select(&sel("article.markdown"))
        .next()
        .expect("the runbook body is in article.markdown");

    // Table with its header cells and three rows.
    let table = article.select(&sel("table")).next().expect("a <table>");
    let header: Vec<String> = table.select(&sel("thead th")).map(text).collect();
    assert_eq!(header, ["Signal", "Threshold", "Where"]);
    let body = rows(table);
    assert_eq!(body.len(), 3, "{body:?}");
    assert_eq!(
        body[1],
        ["Pool wait time", "> 2 s", "Grafana, DB pool panel"]
    );

    // Task list: disabled checkboxes, the first one checked.
    let items: Vec<ElementRef> = article
        .select(&sel("li"))
        .filter(|li| li.select(&sel("input")).next().is_some())
        .collect();
    assert_eq!(items.len(), 3, "three task list items");
    let mut checked = Vec::new();
    for li in &items {
        let input = li.select(&sel("input")).next().unwrap();
        assert_eq!(
            input.value().attr("type"),
            Some("checkbox"),
            "{}",
            li.html()
        );
        assert!(
            input.value().attr("disabled").is_some(),
            "task list checkboxes are disabled: {}",
            li.html()
        );
        checked.push((text(*li), input.value().attr("checked").is_some()));
    }
    assert_eq!(
        checked,
        [
            ("Page the on-call DBA".to_string(), true),
            ("Check the database service status".to_string(), false),
            (
                "Verify network connectivity to the database host".to_string(),
                false
            ),
        ]
    );

    // Headings: GitHub-style ids, duplicates numbered, the explicit id honoured,
    // each with a self link.
    let headings: Vec<ElementRef> = article.select(&sel("h1, h2, h3, h4")).collect();
    let ids: Vec<&str> = headings
        .iter()
        .map(|h| {
            h.value()
                .attr("id")
                .unwrap_or_else(|| panic!("heading without id: {}", h.html()))
        })
        .collect();
    assert_eq!(
        ids,
        [
            "symptoms",
            "immediate-actions",
            "verify",
            "investigation",
            "verify-1",
            "pool-settings",
            "resolution",
            "verify-2",
        ]
    );
    for h in &headings {
        let id = h.value().attr("id").unwrap();
        let anchors = hrefs(*h, "a.anchor");
        assert_eq!(anchors, [format!("#{id}")], "{}", h.html());
    }
    let pool = headings
        .iter()
        .find(|h| h.value().attr("id") == Some("pool-settings"))
        .unwrap();
    assert!(
        text(*pool).starts_with("Connection pool settings") && !text(*pool).contains("{#"),
        "the {{#id}} attribute is not shown: {}",
        pool.html()
    );

    // Fenced code keeps its language.
    let code = article
        .select(&sel("pre > code.language-sql"))
        .next()
        .expect("code.language-sql");
    assert!(
        text(code).contains("FROM pg_stat_activity"),
        "{}",
        code.html()
    );

    // Footnote: a reference that links to the definition.
    let reference = article
        .select(&sel("sup.footnote-reference a"))
        .next()
        .expect("a footnote reference");
    let target = reference
        .value()
        .attr("href")
        .unwrap()
        .strip_prefix('#')
        .expect("#fragment");
    let definition = article
        .select(&sel(".footnote-definition"))
        .find(|d| d.value().attr("id") == Some(target))
        .unwrap_or_else(|| panic!("no footnote definition with id {target}"));
    assert!(text(definition).contains("default max_connections is 100"));

    // Strikethrough.
    let del: Vec<String> = article.select(&sel("del")).map(text).collect();
    assert_eq!(del, ["Raise max_connections to 1000."]);

    // The other runbook's code block keeps its language too.
    let other = page(&site, "public/runbooks/high-response-time.html");
    assert_eq!(
        other
            .select(&sel("article pre > code.language-bash"))
            .count(),
        1
    );

    // No id is used twice on any runbook page.
    for name in [
        "database-connection-errors",
        "high-response-time",
        "authentication-failures",
    ] {
        let html = page(&site, &format!("public/runbooks/{name}.html"));
        let mut seen = BTreeSet::new();
        for e in html.select(&sel("[id]")) {
            let id = e.value().attr("id").unwrap();
            assert!(
                seen.insert(id.to_string()),
                "id `{id}` twice on runbooks/{name}.html"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// 2. Links between runbooks
// ---------------------------------------------------------------------------

#[test]
fn links_between_runbooks_are_rewritten_to_pages_and_every_link_resolves() {
    let site = built_on(WED_10_MAR_2027);
    let expected: BTreeMap<&str, Vec<&str>> = BTreeMap::from([
        (
            "database-connection-errors",
            vec![
                "high-response-time.html",
                "authentication-failures.html#immediate-actions",
                "#resolution",
                "#pool-settings",
                "#verify-1",
                "high-response-time.html#immediate-actions",
            ],
        ),
        (
            "high-response-time",
            vec![
                "database-connection-errors.html#pool-settings",
                "database-connection-errors.html",
            ],
        ),
        (
            "authentication-failures",
            vec![
                "database-connection-errors.html#verify-1",
                "high-response-time.html",
            ],
        ),
    ]);
    for (name, links) in &expected {
        let relative = format!("runbooks/{name}.html");
        let html = page(&site, &format!("public/{relative}"));
        let article = html.select(&sel("article.markdown")).next().unwrap();
        // Links written in the text (not heading self links nor footnote references).
        let written: Vec<String> = article
            .select(&sel("a[href]"))
            .filter(|a| {
                !a.value().classes().any(|c| c == "anchor")
                    && a.ancestors()
                        .filter_map(ElementRef::wrap)
                        .all(|p| !p.value().classes().any(|c| c == "footnote-reference"))
            })
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect();
        assert_eq!(&written, links, "links of {relative}");
        for href in &written {
            assert!(
                !href.contains(".md"),
                "{relative}: `{href}` still points at the source"
            );
            assert_resolves(&site, Path::new(&relative), href);
        }
    }

    // The release summary's runbook link, rewritten relative to the release pages.
    let summary = page(&site, "public/releases/ledger-3.0.0/index.html");
    assert!(
        hrefs(summary.root_element(), "a")
            .iter()
            .any(|h| h == "../../runbooks/database-connection-errors.html#pool-settings"),
        "the summary's link to database-connection-errors.md#pool-settings"
    );

    // Every internal link of every page lands on a file and, with a fragment, an id.
    for relative in html_files(&site) {
        if relative.components().any(|c| c.as_os_str() == "emails") {
            continue; // email previews link to the published site by absolute URL
        }
        let html = Html::parse_document(&site.read(&format!("public/{}", relative.display())));
        for href in hrefs(html.root_element(), "a[href]") {
            if !is_external(&href) {
                assert_resolves(&site, &relative, &href);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 3. Nothing that runs script reaches the output
// ---------------------------------------------------------------------------

#[test]
fn script_event_handlers_and_javascript_urls_never_reach_a_page() {
    let site = built_on(WED_10_MAR_2027);
    let files = html_files(&site);
    assert!(files.len() >= 13, "{files:?}");
    for relative in &files {
        let raw = site.read(&format!("public/{}", relative.display()));
        let html = Html::parse_document(&raw);
        let shown = relative.display();
        // The one script golive writes itself: search.html's, from a file.
        let scripts: Vec<(Option<&str>, String)> = html
            .select(&sel("script"))
            .map(|s| (s.value().attr("src"), s.text().collect()))
            .collect();
        let expected: &[(Option<&str>, String)] = if shown.to_string() == "search.html" {
            &[(Some("assets/search.js"), String::new())]
        } else {
            &[]
        };
        assert_eq!(scripts, expected, "<script> in {shown}");
        for element in html
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
        {
            for (name, value) in element.value().attrs() {
                assert!(
                    !name.to_ascii_lowercase().starts_with("on"),
                    "event handler `{name}` in {shown}: {}",
                    element.html()
                );
                let squeezed: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                assert!(
                    !squeezed.starts_with("javascript:") && !squeezed.starts_with("vbscript:"),
                    "`{name}=\"{value}\"` in {shown}"
                );
            }
        }
        let lower =
            raw.to_ascii_lowercase()
                .replacen("<script src=\"assets/search.js\"></script>", "", 1);
        for needle in ["<script", "onerror", "javascript:", "alert(1)"] {
            assert!(
                !lower.contains(needle),
                "`{needle}` in the source of {shown}"
            );
        }
    }

    // Not vacuous: the text around the attempts is there, the link without its URL.
    let html = page(&site, "public/runbooks/database-connection-errors.html");
    let article = html.select(&sel("article.markdown")).next().unwrap();
    assert!(text(article).contains("Pasted from a chat:"));
    let link = article
        .select(&sel("a"))
        .find(|a| text(*a) == "Do not click")
        .expect("the javascript: link's text is kept");
    assert_eq!(link.value().attr("href"), None, "{}", link.html());
    // Images are dropped altogether: golive publishes no image files, so one
    // could only be broken or fetched from another host.
    assert_eq!(article.select(&sel("img")).count(), 0);
    let report = page(&site, "public/releases/ledger-3.0.0/index.html");
    assert!(text(report.root_element()).contains("Splits the journal table by month."));
}

// ---------------------------------------------------------------------------
// 4. Backlinks and the runbook index
// ---------------------------------------------------------------------------

#[test]
fn runbook_pages_link_back_to_exactly_the_releases_that_use_them() {
    let site = built_on(WED_10_MAR_2027);
    let expected: [(&str, &[&str]); 3] = [
        ("database-connection-errors", &["ledger-3.0.0"]),
        // Listed as `high-response-time.md` by one release, without `.md` by the other.
        (
            "high-response-time",
            &["ledger-3.0.0", "ledger-portal-1.2.0"],
        ),
        ("authentication-failures", &[]),
    ];
    for (name, slugs) in expected {
        let relative = format!("runbooks/{name}.html");
        let html = page(&site, &format!("public/{relative}"));
        let used_by = section(&html, "golive-used-by");
        assert!(text(used_by).starts_with("Releases that use this runbook"));
        // The releases, and (when there are any) the link to the full list of uses.
        let (links, full): (BTreeSet<String>, BTreeSet<String>) = hrefs(used_by, "a[href]")
            .into_iter()
            .partition(|h| h.starts_with("../releases/"));
        let want: BTreeSet<String> = slugs
            .iter()
            .map(|s| format!("../releases/{s}/runbook.html"))
            .collect();
        assert_eq!(links, want, "backlinks of {relative}");
        assert_eq!(
            used_by.select(&sel("a[href^=\"../releases/\"]")).count(),
            slugs.len(),
            "each release once on {relative}"
        );
        let want_full: BTreeSet<String> = (!slugs.is_empty())
            .then(|| format!("{name}/uses.html"))
            .into_iter()
            .collect();
        assert_eq!(full, want_full, "the full list's link on {relative}");
        for href in links.iter().chain(&full) {
            assert_resolves(&site, Path::new(&relative), href);
        }
    }
}

#[test]
fn runbook_index_lists_every_runbook_with_tags_and_a_section_per_tag() {
    let site = built_on(WED_10_MAR_2027);
    let html = page(&site, "public/runbooks/index.html");
    let all = section(&html, "all-runbooks");
    let mut listed: BTreeMap<String, (String, String)> = BTreeMap::new();
    for tr in all.select(&sel("tbody tr")) {
        let cells: Vec<ElementRef> = tr.select(&sel("td")).collect();
        let href = hrefs(cells[0], "a[href]");
        assert_eq!(href.len(), 1, "{}", tr.html());
        listed.insert(href[0].clone(), (text(cells[0]), text(cells[2])));
    }
    assert_eq!(
        listed,
        BTreeMap::from([
            (
                "authentication-failures.html".to_string(),
                (
                    "Authentication failures".to_string(),
                    "security, Single Sign-On".to_string()
                )
            ),
            (
                "database-connection-errors.html".to_string(),
                (
                    "Database connection errors".to_string(),
                    "database, postgres".to_string()
                )
            ),
            (
                "high-response-time.html".to_string(),
                (
                    "High response time".to_string(),
                    "performance, database".to_string()
                )
            ),
        ])
    );

    // By tag: one heading with an id per tag, listing the runbooks that carry it.
    let by_tag = section(&html, "by-tag");
    let mut tags: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for h3 in by_tag.select(&sel("h3")) {
        let id = h3
            .value()
            .attr("id")
            .unwrap_or_else(|| panic!("no id: {}", h3.html()));
        let list = h3
            .next_siblings()
            .filter_map(ElementRef::wrap)
            .next()
            .unwrap_or_else(|| panic!("nothing after {}", h3.html()));
        assert_eq!(list.value().name(), "ul", "{}", by_tag.html());
        let names = hrefs(list, "a[href]").into_iter().collect();
        assert!(
            tags.insert(id.to_string(), names).is_none(),
            "id {id} twice"
        );
    }
    let set = |names: &[&str]| -> BTreeSet<String> {
        names.iter().map(|n| format!("{n}.html")).collect()
    };
    assert_eq!(
        tags,
        BTreeMap::from([
            (
                "tag-database".to_string(),
                set(&["database-connection-errors", "high-response-time"])
            ),
            ("tag-performance".to_string(), set(&["high-response-time"])),
            (
                "tag-postgres".to_string(),
                set(&["database-connection-errors"])
            ),
            (
                "tag-security".to_string(),
                set(&["authentication-failures"])
            ),
            (
                "tag-single-sign-on".to_string(),
                set(&["authentication-failures"])
            ),
        ])
    );

    // A runbook page's tags link to their section of the index.
    let runbook = page(&site, "public/runbooks/authentication-failures.html");
    let tag_links: Vec<String> = hrefs(runbook.root_element(), "dl.facts a[href]");
    assert_eq!(
        tag_links,
        ["index.html#tag-security", "index.html#tag-single-sign-on"]
    );
    for href in &tag_links {
        assert_resolves(
            &site,
            Path::new("runbooks/authentication-failures.html"),
            href,
        );
    }
}

// ---------------------------------------------------------------------------
// 5. Broken links and front matter mistakes fail the build, located
// ---------------------------------------------------------------------------

/// Builds a copy of the runbooks site with one replacement in `file`, which
/// must fail; the edited text and stderr.
fn failing_edit(file: &str, from: &str, to: &str) -> (String, String) {
    let mut edited = String::new();
    let (_site, stderr) = failing_build(|site| {
        edited = replace_once(&site.read(file), from, to);
        site.write(file, &edited);
    });
    (edited, stderr)
}

/// The build's only error, which must be at `file:line:column`.
fn only_error_at(stderr: &str, file: &str, line: usize, column: usize) -> String {
    let at = format!("{file}:{line}:{column}: error:");
    let errors = error_lines(stderr);
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].starts_with(&at), "expected `{at}`:\n{stderr}");
    errors[0].to_string()
}

#[test]
fn a_link_to_a_runbook_that_does_not_exist_fails_the_build_at_its_line() {
    let (edited, stderr) = failing_edit(
        DB_RUNBOOK,
        "Run the health check again after each action.",
        "Run the health check again after each action, or read [replicas](db-replicas.md).",
    );
    let line = line_of(&edited, "db-replicas.md");
    let column = column_of(&edited, "[replicas]");
    let error = only_error_at(&stderr, DB_RUNBOOK, line, column);
    assert!(error.contains("db-replicas.md"), "{stderr}");
}

#[test]
fn a_link_to_a_missing_heading_of_another_runbook_fails_the_build_at_its_line() {
    let (edited, stderr) = failing_edit(
        AUTH_RUNBOOK,
        "[high response time](high-response-time.md)",
        "[high response time](high-response-time.md#immediate-action)",
    );
    let line = line_of(&edited, "#immediate-action)");
    let column = column_of(&edited, "[high response time]");
    let error = only_error_at(&stderr, AUTH_RUNBOOK, line, column);
    assert!(error.contains("#immediate-action"), "{stderr}");
    assert!(
        stderr.contains("did you mean `#immediate-actions`"),
        "{stderr}"
    );
}

#[test]
fn a_same_page_link_to_a_missing_heading_fails_the_build_at_its_line() {
    let (edited, stderr) = failing_edit(
        LATENCY_RUNBOOK,
        "- Users complain about slow pages",
        "- Users complain about slow pages (see [the fix](#resolutoin))",
    );
    let line = line_of(&edited, "#resolutoin");
    let column = column_of(&edited, "[the fix]");
    let error = only_error_at(&stderr, LATENCY_RUNBOOK, line, column);
    assert!(error.contains("#resolutoin"), "{stderr}");
    assert!(stderr.contains("did you mean `#resolution`"), "{stderr}");
}

#[test]
fn every_broken_link_of_a_build_is_reported_with_its_own_line() {
    let mut edited = String::new();
    let (_site, stderr) = failing_build(|site| {
        let text = replace_once(
            &site.read(DB_RUNBOOK),
            "| Pool wait time | > 2 s | Grafana, DB pool panel |",
            "| Pool wait time | > 2 s | [pool panel](dashboards.md) |",
        );
        let text = replace_once(
            &text,
            "- [ ] Check the database service status",
            "- [ ] Check the database service status, see [status](#service-status)",
        );
        edited = replace_once(
            &text,
            "[^limits]: PostgreSQL's default max_connections is 100.",
            "[^limits]: PostgreSQL's default max_connections is 100, see [limits](postgres-limits.md#max).",
        );
        site.write(DB_RUNBOOK, &edited);
    });
    let errors = error_lines(&stderr);
    assert_eq!(errors.len(), 3, "{stderr}");
    for (needle, link) in [
        ("dashboards.md", "[pool panel]"),
        ("#service-status", "[status]"),
        ("postgres-limits.md#max", "[limits]"),
    ] {
        let at = format!(
            "{DB_RUNBOOK}:{}:{}: error:",
            line_of(&edited, needle),
            column_of(&edited, link)
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(&at) && e.contains(needle)),
            "expected `{at}` about {needle}:\n{stderr}"
        );
    }
}

#[test]
fn an_unknown_front_matter_key_is_reported_at_its_line_with_a_suggestion() {
    let (edited, stderr) = failing_edit(LATENCY_RUNBOOK, "severity: medium", "severty: medium");
    let at = format!(
        "{LATENCY_RUNBOOK}:{}:1: error:",
        line_of(&edited, "severty:")
    );
    let error = error_lines(&stderr)
        .into_iter()
        .find(|e| e.starts_with(&at))
        .unwrap_or_else(|| panic!("expected `{at}`:\n{stderr}"));
    assert!(error.contains("severty"), "{stderr}");
    assert!(stderr.contains("did you mean `severity`"), "{stderr}");
}

#[test]
fn an_unknown_runbook_owner_is_reported_at_its_line_with_a_suggestion() {
    let (edited, stderr) = failing_edit(AUTH_RUNBOOK, "owner: lena", "owner: lenna");
    let line = line_of(&edited, "owner: lenna");
    let column = column_of(&edited, "lenna");
    let error = only_error_at(&stderr, AUTH_RUNBOOK, line, column);
    assert!(error.contains("lenna"), "{stderr}");
    assert!(stderr.contains("did you mean `lena`"), "{stderr}");
}

/// One mistake, one message: a runbook whose front matter has a typo still
/// exists, so links to it from other runbooks must not be reported as links to a
/// runbook that does not exist (releases that list it are not reported either).
#[test]
fn a_front_matter_mistake_is_not_reported_again_as_links_to_a_missing_runbook() {
    let mut edited = String::new();
    let (_site, stderr) = failing_build(|site| {
        edited = replace_once(
            &site.read(LATENCY_RUNBOOK),
            "severity: medium",
            "severty: medium",
        );
        site.write(LATENCY_RUNBOOK, &edited);
    });
    let errors = error_lines(&stderr);
    assert!(
        !stderr.contains("there is no runbook `high-response-time.md`"),
        "content/runbooks/high-response-time.md exists; only its front matter is wrong:\n{stderr}"
    );
    assert_eq!(errors.len(), 1, "{stderr}");
}

// ---------------------------------------------------------------------------
// 6. The deployment request: approvals, phases and sign-off
// ---------------------------------------------------------------------------

/// (class, phase name, due text, due datetime) of each phase row.
fn phase_rows(html: &Html) -> Vec<(String, String, String, String)> {
    section(html, "phases")
        .select(&sel("tbody tr"))
        .map(|tr| {
            let class = tr.value().attr("class").unwrap_or_default().to_string();
            let name = text(tr.select(&sel("td")).next().unwrap());
            let due = tr
                .select(&sel("time"))
                .next()
                .unwrap_or_else(|| panic!("no due <time>: {}", tr.html()));
            (
                class,
                name,
                text(due),
                due.value().attr("datetime").unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn row_of<'a>(html: &'a Html, section_id: &str, first_cell: &str) -> ElementRef<'a> {
    section(html, section_id)
        .select(&sel("tbody tr"))
        .find(|tr| {
            tr.select(&sel("td"))
                .next()
                .is_some_and(|td| text(td) == first_cell)
        })
        .unwrap_or_else(|| panic!("no row `{first_cell}` in #{section_id}"))
}

#[test]
fn approval_page_shows_missing_and_rejected_approvers_late_phases_and_sign_off() {
    let site = built_on(WED_10_MAR_2027);
    let html = page(&site, "public/releases/ledger-3.0.0/approval.html");

    for (role, status) in [
        ("DBA", "missing"),
        ("Tech Lead", "approved"),
        ("CTO", "rejected"),
        ("DevOps Lead", "pending"),
    ] {
        let tr = row_of(&html, "approvers", role);
        assert_eq!(
            tr.value().attr("class"),
            Some(format!("approval-{status}").as_str()),
            "{}",
            tr.html()
        );
        let badge = tr.select(&sel(".badge")).next().expect("a status badge");
        assert!(text(badge).contains(status), "{}", tr.html());
    }
    let qa = section(&html, "approvers")
        .select(&sel("tbody tr"))
        .find(|tr| text(*tr).starts_with("QA Lead"))
        .expect("the QA Lead approval that was given anyway");
    assert!(text(qa).contains("(not required)"), "{}", qa.html());

    let phases = phase_rows(&html);
    let want = [
        (
            "phase-done",
            "1. Pre-deployment submission",
            "Fri 5 Mar 2027",
            "2027-03-05",
        ),
        (
            "phase-late",
            "2. Technical review",
            "Tue 9 Mar 2027",
            "2027-03-09",
        ),
        (
            "phase-not-required",
            "3. Staging sign-off",
            "Thu 11 Mar 2027",
            "2027-03-11",
        ),
        // Go-live is Monday 15 Mar: the last phase is due the Friday before.
        // The CTO, who signs off in it, has already rejected.
        (
            "phase-rejected",
            "4. Executive approval",
            "Fri 12 Mar 2027",
            "2027-03-12",
        ),
    ];
    let got: Vec<(&str, &str, &str, &str)> = phases
        .iter()
        .map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), d.as_str()))
        .collect();
    assert_eq!(got, want);
    let late = row_of(&html, "phases", "2. Technical review");
    assert!(
        text(late).contains("Mon 8 Mar 2027"),
        "window starts Monday: {}",
        late.html()
    );
    assert!(text(late).contains("late"), "{}", late.html());
    assert!(text(section(&html, "phases")).contains("As of Wed 10 Mar 2027"));

    let sign_off = html
        .select(&sel("section.sign-off"))
        .next()
        .expect("section.sign-off");
    let roles: Vec<String> = sign_off
        .select(&sel("tbody tr"))
        .map(|tr| text(tr.select(&sel("td")).next().unwrap()))
        .collect();
    assert_eq!(roles, ["DBA", "Tech Lead", "CTO", "DevOps Lead"]);

    // The feature release needs only the submission phase, which is done (its
    // owner is priya: under four-eyes her own approval would not count).
    let portal = page(&site, "public/releases/ledger-portal-1.2.0/approval.html");
    let classes: Vec<String> = phase_rows(&portal).into_iter().map(|r| r.0).collect();
    assert_eq!(
        classes,
        [
            "phase-done",
            "phase-not-required",
            "phase-not-required",
            "phase-not-required"
        ]
    );
}

#[test]
fn whether_a_phase_is_late_depends_on_today() {
    let status_of_review = |epoch: &str| -> String {
        let site = built_on(epoch);
        let html = page(&site, "public/releases/ledger-3.0.0/approval.html");
        let rows = phase_rows(&html);
        let review = rows.iter().find(|r| r.1 == "2. Technical review").unwrap();
        assert_eq!(
            review.2, "Tue 9 Mar 2027",
            "the due date does not depend on today"
        );
        review.0.clone()
    };
    assert_eq!(status_of_review(WED_10_MAR_2027), "phase-late");
    assert_eq!(status_of_review(MON_1_MAR_2027), "phase-upcoming");
    // On its due day a phase is not late yet.
    assert_eq!(status_of_review(TUE_9_MAR_2027), "phase-in-progress");
    // Today is the site's date (Europe/Berlin), not UTC's.
    assert_eq!(status_of_review(TUE_9_MAR_2027_2330_UTC), "phase-late");

    let early = built_on(MON_1_MAR_2027);
    let html = page(&early, "public/releases/ledger-3.0.0/approval.html");
    assert!(
        phase_rows(&html).iter().all(|r| r.0 != "phase-late"),
        "{:?}",
        phase_rows(&html)
    );
}

// ---------------------------------------------------------------------------
// 7. The go-live runbook of a release
// ---------------------------------------------------------------------------

#[test]
fn go_live_runbook_page_has_timeline_sequence_checks_rollback_escalation_and_runbooks() {
    let site = built_on(WED_10_MAR_2027);
    let relative = "releases/ledger-3.0.0/runbook.html";
    let html = page(&site, &format!("public/{relative}"));

    let timeline: Vec<(String, String, String, String)> = section(&html, "timeline")
        .select(&sel("tbody tr"))
        .map(|tr| {
            let cells: Vec<String> = tr.select(&sel("td")).map(text).collect();
            let time = tr.select(&sel("time")).next().expect("a <time>");
            (
                cells[0].clone(),
                cells[1].clone(),
                time.value().attr("datetime").unwrap().to_string(),
                cells[2].clone(),
            )
        })
        .collect();
    let row = |a: &str, b: &str, c: &str, d: &str| {
        (a.to_string(), b.to_string(), c.to_string(), d.to_string())
    };
    assert_eq!(
        timeline,
        [
            row(
                "T-24h",
                "Sun 14 Mar 2027, 09:00 CET",
                "2027-03-14T09:00:00+01:00",
                "Final backup of production DB"
            ),
            row(
                "T-1h",
                "Mon 15 Mar 2027, 08:00 CET",
                "2027-03-15T08:00:00+01:00",
                "Deployment freeze"
            ),
            row(
                "T+0",
                "Mon 15 Mar 2027, 09:00 CET",
                "2027-03-15T09:00:00+01:00",
                "Run migration 042"
            ),
            row(
                "T+30m",
                "Mon 15 Mar 2027, 09:30 CET",
                "2027-03-15T09:30:00+01:00",
                "Smoke tests"
            ),
        ]
    );

    let sequence: Vec<String> = section(&html, "sequence")
        .select(&sel("ol > li"))
        .map(text)
        .collect();
    assert_eq!(
        sequence,
        [
            "Put the application in maintenance mode",
            "Run migration 042 (partition journal)",
            "Deploy backend 3.0.0",
            "Run smoke tests and leave maintenance mode",
        ]
    );

    let checks = rows(section(&html, "verification"));
    assert_eq!(
        checks,
        [
            vec![
                "API health",
                "https://ledger.example/api/health",
                "status healthy"
            ],
            vec![
                "Database health",
                "https://ledger.example/api/health/database",
                "query_time < 1 s"
            ],
            vec!["Journal partitions", "—", "12 partitions"],
        ]
    );

    let rollback = section(&html, "rollback");
    assert!(text(rollback).contains("20 minutes"), "{}", rollback.html());
    let steps: Vec<String> = rollback.select(&sel("ol > li")).map(text).collect();
    assert_eq!(
        steps,
        [
            "Within 5m: Stop the application servers",
            "Within 15m: Restore the journal table from the backup",
            "Redeploy version 2.9.4",
        ]
    );
    assert_eq!(
        rows(rollback),
        [
            vec!["error rate > 5%", "automatic rollback"],
            vec!["migration runs longer than 15 minutes", "abort and restore"],
        ]
    );

    let escalation = section(&html, "escalation");
    let contacts: Vec<(String, String, String)> = escalation
        .select(&sel("tbody tr"))
        .map(|tr| {
            let cells: Vec<ElementRef> = tr.select(&sel("td")).collect();
            let tel = hrefs(cells[2], "a[href]").join(" ");
            (text(cells[0]), tel, text(cells[3]))
        })
        .collect();
    let contact = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        contacts,
        [
            contact("Primary", "tel:+493033334444", "@kai-ops"),
            contact("Secondary", "tel:+493055556666", "#dba-oncall"),
            contact("Management", "", "—"),
        ]
    );
    let primary = rows(escalation).remove(0);
    assert!(primary[1].starts_with("Kai Müller"), "{primary:?}");
    assert_eq!(primary[2], "+49 30 3333 4444");

    assert_eq!(
        hrefs(section(&html, "dashboards"), "a[href]"),
        [
            "https://grafana.example/d/ledger-db",
            "https://grafana.example/d/api"
        ]
    );

    let linked = hrefs(section(&html, "troubleshooting"), "a[href]");
    assert_eq!(
        linked,
        [
            "../../runbooks/database-connection-errors.html",
            "../../runbooks/high-response-time.html",
        ]
    );
    for href in &linked {
        assert_resolves(&site, Path::new(relative), href);
    }

    // Offsets are elapsed time: 48 hours before 09:00 CEST on Mon 29 Mar is
    // 08:00 CET on Sat 27 Mar, across the switch to summer time.
    let portal = page(&site, "public/releases/ledger-portal-1.2.0/runbook.html");
    let first = rows(section(&portal, "timeline")).remove(0);
    assert_eq!(
        &first[..3],
        [
            "T-48h",
            "Sat 27 Mar 2027, 08:00 CET",
            "Announce the release"
        ]
    );
}

// ---------------------------------------------------------------------------
// Ids that fragments land on, and files as editors save them
// ---------------------------------------------------------------------------

/// Ids used more than once on a page.
fn duplicate_ids(html: &Html) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut twice = BTreeSet::new();
    for e in html.select(&sel("[id]")) {
        let id = e.value().attr("id").unwrap().to_string();
        if !seen.insert(id.clone()) {
            twice.insert(id);
        }
    }
    twice.into_iter().collect()
}

/// The element a browser scrolls to for `#id`: the first with that id.
fn landing<'a>(html: &'a Html, id: &str) -> Option<ElementRef<'a>> {
    html.select(&sel("[id]"))
        .find(|e| e.value().attr("id") == Some(id))
}

#[test]
fn a_footnote_named_like_a_heading_does_not_share_its_id() {
    let site = Site::copy_of(FIXTURE);
    let original = replace_once(
        &site.read(LATENCY_RUNBOOK),
        "Restart the application if a memory leak is suspected.",
        "Restart the application if a memory leak is suspected.[^resolution]",
    );
    site.write(
        LATENCY_RUNBOOK,
        format!("{original}\n[^resolution]: Restarts clear the leak for about a day.\n"),
    );
    let out = build(&site, WED_10_MAR_2027);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let html = page(&site, "public/runbooks/high-response-time.html");
    assert_eq!(duplicate_ids(&html), Vec::<String>::new());
    // The heading's self link lands on the heading, the footnote reference on the note.
    let reference = html
        .select(&sel("sup.footnote-reference a[href]"))
        .next()
        .expect("a footnote reference");
    let href = reference.value().attr("href").unwrap();
    let note = landing(&html, href.trim_start_matches('#')).expect("the note's id exists");
    assert!(
        note.value().classes().any(|c| c == "footnote-definition"),
        "`{href}` lands on {}",
        note.html()
    );
    let heading = landing(&html, "resolution").expect("#resolution");
    assert_eq!(
        heading.value().name(),
        "h2",
        "#resolution lands on {}",
        heading.html()
    );
}

#[test]
fn runbook_heading_ids_do_not_collide_with_the_ids_of_the_page_around_them() {
    let site = Site::copy_of(FIXTURE);
    let original = site.read(AUTH_RUNBOOK);
    site.write(
        AUTH_RUNBOOK,
        format!("{original}\n## Used by\n\nEvery team with a login page.\n\n## Main\n\nThe main login flow.\n"),
    );
    let out = build(&site, WED_10_MAR_2027);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let html = page(&site, "public/runbooks/authentication-failures.html");
    assert_eq!(duplicate_ids(&html), Vec::<String>::new());
    // The page's own "Releases that use this runbook" heading is what its section
    // is labelled by, and each runbook heading's self link lands on that heading.
    let label = landing(&html, "golive-used-by").expect("#golive-used-by");
    assert_eq!(text(label), "Releases that use this runbook");
    for h in html.select(&sel("article.markdown h2")) {
        let id = h.value().attr("id").unwrap();
        let target = landing(&html, id).unwrap();
        assert_eq!(target.id(), h.id(), "#{id} lands on {}", target.html());
    }
}

/// Editors on Windows may save UTF-8 with a byte order mark; the `---` after it is
/// still the start of the front matter.
#[test]
fn a_runbook_saved_with_a_byte_order_mark_builds() {
    let site = Site::copy_of(FIXTURE);
    let original = site.read(LATENCY_RUNBOOK);
    site.write(LATENCY_RUNBOOK, format!("\u{feff}{original}"));
    let out = build(&site, WED_10_MAR_2027);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let html = page(&site, "public/runbooks/high-response-time.html");
    let h1 = html.select(&sel("header h1")).next().unwrap();
    assert_eq!(text(h1), "High response time");
}
