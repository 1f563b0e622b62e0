//! The search index (`search/` in the output): it says what the pages say,
//! a query evaluated over its files as `assets/search.js` does finds what it
//! should, an incremental build rewrites only what a change touches, and
//! hostile text neither breaks its files nor grows them without bound.
//!
//! The files are read as the browser gets them: the JavaScript wrapper is
//! stripped and the JSON parsed with serde_json.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use common::Site;
use scraper::{ElementRef, Html, Node};
use serde::Deserialize;

const EXAMPLE_RELEASE: &str = "content/releases/northwind-erp-2.4.0.yaml";

#[derive(Debug, Clone, Deserialize, PartialEq)]
struct Record {
    title: String,
    url: String,
    context: String,
    text: String,
}

/// Every file of an output's index, parsed.
#[derive(Debug)]
struct Index {
    shards: Vec<String>,
    stop: Vec<String>,
    terms: BTreeMap<String, BTreeMap<String, String>>,
    docs: BTreeMap<String, Vec<Record>>,
}

/// The JSON arguments of a script `golive.<function>.apply(null, [...]);`.
fn arguments(text: &str, function: &str) -> serde_json::Value {
    let json = text
        .strip_prefix(&format!("golive.{function}.apply(null, "))
        .and_then(|t| t.strip_suffix(");\n"))
        .unwrap_or_else(|| panic!("not a {function} script: {}", &text[..text.len().min(200)]));
    serde_json::from_str(json).unwrap_or_else(|e| panic!("bad JSON in a {function} script: {e}"))
}

fn hex(name: &str) -> String {
    name.bytes().map(|b| format!("{b:02x}")).collect()
}

fn read_index(out: &Path) -> Index {
    let dir = out.join("search");
    let index = arguments(
        &fs::read_to_string(dir.join("index.js")).unwrap(),
        "searchIndex",
    );
    let shards: Vec<String> = serde_json::from_value(index[0]["shards"].clone()).unwrap();
    let stop: Vec<String> = serde_json::from_value(index[0]["stop"].clone()).unwrap();
    let mut terms = BTreeMap::new();
    for name in &shards {
        let path = dir.join("shards").join(format!("{}.js", hex(name)));
        let args = arguments(&fs::read_to_string(&path).unwrap(), "searchShard");
        assert_eq!(args[0], serde_json::json!(name), "{}", path.display());
        terms.insert(
            name.clone(),
            serde_json::from_value(args[1].clone()).unwrap(),
        );
    }
    let files: BTreeSet<String> = fs::read_dir(dir.join("shards"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let listed: BTreeSet<String> = shards.iter().map(|n| format!("{}.js", hex(n))).collect();
    assert_eq!(files, listed, "every shard file is listed, and no other");
    let mut docs = BTreeMap::new();
    for entry in fs::read_dir(dir.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        let args = arguments(&fs::read_to_string(&path).unwrap(), "searchDocs");
        let id: String = serde_json::from_value(args[0].clone()).unwrap();
        assert_eq!(path.file_stem().unwrap().to_str().unwrap(), id);
        docs.insert(id, serde_json::from_value(args[1].clone()).unwrap());
    }
    Index {
        shards,
        stop,
        terms,
        docs,
    }
}

/// Words as golive and search.js split them (without dropping stop words).
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().chars().take(64).collect())
        .collect()
}

impl Index {
    /// The query words of `q`, as search.js takes them.
    fn words(&self, q: &str) -> Vec<String> {
        let mut seen = BTreeSet::new();
        tokens(q)
            .into_iter()
            .filter(|w| !self.stop.contains(w) && seen.insert(w.clone()))
            .collect()
    }

    /// The shards word `w` needs, as search.js chooses them.
    fn needed(&self, w: &str) -> Vec<&String> {
        let one = w.chars().count() == 1;
        self.shards
            .iter()
            .filter(|n| {
                if one {
                    *n == w
                } else {
                    n.chars().count() >= 2 && (w.starts_with(n.as_str()) || n.starts_with(w))
                }
            })
            .collect()
    }

    /// The records matching every word of `q`, in search.js's order: those
    /// whose title has every word, then those where every word is a whole
    /// term, then by kind (report, go-live runbook, deployment request,
    /// troubleshooting runbook, checklist item), then document id and record.
    fn query(&self, q: &str) -> Vec<&Record> {
        let words = self.words(q);
        if words.is_empty() {
            return Vec::new();
        }
        // Per word: record -> (a matching term is in its title, one is the word).
        let sets: Vec<BTreeMap<(u32, u32), (bool, bool)>> = words
            .iter()
            .map(|w| {
                let one = w.chars().count() == 1;
                let mut found: BTreeMap<(u32, u32), (bool, bool)> = BTreeMap::new();
                for name in self.needed(w) {
                    for (term, postings) in &self.terms[name] {
                        let hit = if one {
                            term == w
                        } else {
                            term.starts_with(w.as_str())
                        };
                        if !hit {
                            continue;
                        }
                        for entry in postings.split(' ') {
                            let (id, records) = entry.split_once(':').expect("id:records");
                            for n in records.split('.') {
                                let (n, title) = match n.strip_suffix('*') {
                                    Some(n) => (n, true),
                                    None => (n, false),
                                };
                                let key = (
                                    u32::from_str_radix(id, 36).unwrap(),
                                    u32::from_str_radix(n, 36).unwrap(),
                                );
                                let f = found.entry(key).or_default();
                                f.0 |= title;
                                f.1 |= term == w;
                            }
                        }
                    }
                }
                found
            })
            .collect();
        let mut keys: Vec<(u32, u32)> = sets[0]
            .keys()
            .filter(|k| sets.iter().all(|s| s.contains_key(k)))
            .copied()
            .collect();
        let kind = |(id, n): (u32, u32)| match (id, n) {
            (0, _) => 3,
            (_, n) if n < 3 => n,
            _ => 4,
        };
        keys.sort_by_key(|k| {
            (
                !sets.iter().all(|s| s[k].0),
                !sets.iter().all(|s| s[k].1),
                kind(*k),
                *k,
            )
        });
        keys.into_iter()
            .map(|(id, n)| &self.docs[&radix36(id)][n as usize])
            .collect()
    }

    fn urls(&self, q: &str) -> Vec<String> {
        self.query(q).into_iter().map(|r| r.url.clone()).collect()
    }

    /// The id of the document whose records are on `releases/<slug>/`.
    fn id_of(&self, slug: &str) -> Option<String> {
        let prefix = format!("releases/{slug}/");
        self.docs
            .iter()
            .find(|(_, records)| records.iter().any(|r| r.url.starts_with(&prefix)))
            .map(|(id, _)| id.clone())
    }
}

fn radix36(mut n: u32) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(digits[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

/// The words a reader sees in `element`: its text, element edges as spaces
/// (and no scripts).
fn visible_words(element: ElementRef) -> Vec<String> {
    fn walk(element: ElementRef, text: &mut String) {
        let name = element.value().name();
        if name == "script" || name == "style" {
            return;
        }
        // Every element's edge separates words: a tag and its message
        // (`<span>Blocks</span>Verification`) read as two words.
        text.push(' ');
        for child in element.children() {
            match child.value() {
                Node::Text(t) => text.push_str(t),
                Node::Element(_) => walk(ElementRef::wrap(child).expect("an element"), text),
                _ => {}
            }
        }
        text.push(' ');
    }
    let mut text = String::new();
    walk(element, &mut text);
    tokens(&text)
}

fn contains_run(haystack: &[String], needle: &[String]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Builds `site` into public/ (at a fixed time) and reads its index.
fn build(site: &Site) -> Index {
    let out = site.run(&["build", "--now", "2026-11-28 09:00"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    read_index(&site.path("public"))
}

fn example() -> Site {
    Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
}

#[test]
fn every_record_says_what_its_page_says() {
    let site = example();
    let index = build(&site);
    let mut pages: HashMap<String, Html> = HashMap::new();
    let mut checked = 0;
    let mut kinds = BTreeSet::new();
    for records in index.docs.values() {
        for r in records {
            let (file, anchor) = match r.url.split_once('#') {
                Some((f, a)) => (f.to_string(), Some(a.to_string())),
                None => (r.url.clone(), None),
            };
            let html = pages
                .entry(file.clone())
                .or_insert_with(|| Html::parse_document(&site.read(&format!("public/{file}"))));
            // An anchor names the item's own row; the record is checked against it.
            let scope = match &anchor {
                Some(a) => html
                    .select(&common::html::sel(&format!("[id=\"{a}\"]")))
                    .next()
                    .unwrap_or_else(|| panic!("{} has no #{a}", file)),
                None => html.root_element(),
            };
            let words = visible_words(scope);
            let page_words: BTreeSet<&String> = words.iter().collect();
            for w in tokens(&r.title) {
                assert!(
                    page_words.contains(&w),
                    "{}: title word {w:?} of {:?} not on the page",
                    r.url,
                    r.title
                );
            }
            for line in r.text.lines().take(4) {
                let sample: Vec<String> = tokens(line).into_iter().take(12).collect();
                assert!(
                    contains_run(&words, &sample),
                    "{}: {sample:?} is not what the page says",
                    r.url
                );
            }
            kinds.insert(
                r.url
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .split('#')
                    .next()
                    .unwrap()
                    .to_string(),
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} records");
    for page in [
        "index.html",
        "checklist.html",
        "runbook.html",
        "approval.html",
        "database-connection-errors.html",
    ] {
        assert!(kinds.contains(page), "no record of {page}: {kinds:?}");
    }
}

#[test]
fn a_query_finds_records_by_word_prefix_and_every_word_must_match() {
    let site = example();
    let index = build(&site);
    // Prefix: "rollb" finds the records that say rollback.
    let rollb = index.query("rollb");
    assert!(!rollb.is_empty());
    assert!(rollb.iter().all(|r| {
        tokens(&format!("{} {}", r.title, r.text))
            .iter()
            .any(|t| t.starts_with("rollb"))
            || r.text.len() >= 4000
    }));
    assert!(
        rollb
            .iter()
            .any(|r| r.url == "releases/northwind-erp-2.4.0/runbook.html")
    );
    // Several words: all of them, in any order; case does not matter.
    let both = index.urls("HSM ceremony");
    assert!(
        both.contains(&"releases/northwind-erp-2.4.0/index.html".to_string()),
        "{both:?}"
    );
    assert!(index.query("hsm").len() >= both.len());
    for r in index.query("HSM ceremony") {
        let words = tokens(&format!("{} {}", r.title, r.text));
        assert!(
            words.iter().any(|w| w.starts_with("hsm"))
                && words.iter().any(|w| w.starts_with("ceremony")),
            "{r:?}"
        );
    }
    // The runbooks are searched too, with their own context.
    let runbook = index.query("connection pool");
    assert!(
        runbook
            .iter()
            .any(|r| r.url == "runbooks/database-connection-errors.html"
                && r.context == "Troubleshooting runbook"),
        "{runbook:?}"
    );
    // A checklist item: its title is the item, its context the release and category.
    let items: Vec<&Record> = index
        .query("backup")
        .into_iter()
        .filter(|r| r.url.contains("checklist.html#item-"))
        .collect();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|r| r.context.starts_with("Northwind ERP ") && r.context.contains(" · "))
    );
    assert!(index.query("zzyzx nothing").is_empty());
    assert!(
        index.query("the").is_empty(),
        "stop words alone find nothing"
    );
}

/// Each file under `public/search`, with its bytes and modification time.
fn files(site: &Site) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let dir = site.path("public/search");
    walkdir::WalkDir::new(&dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().unwrap();
            (
                e.path().strip_prefix(&dir).unwrap().to_path_buf(),
                (fs::read(e.path()).unwrap(), meta.modified().unwrap()),
            )
        })
        .collect()
}

#[test]
fn an_edit_rewrites_only_its_release_document_and_the_shards_of_the_terms_it_changed() {
    let site = example();
    let index = build(&site);
    let id = index.id_of("northwind-erp-2.4.0").unwrap();
    let before = files(&site);
    let text = site.read(EXAMPLE_RELEASE);
    site.write(
        EXAMPLE_RELEASE,
        common::replace_once(
            &text,
            "closes the findings",
            "closes the zygomorphic findings",
        ),
    );
    let after_index = build(&site);
    let after = files(&site);
    let changed: BTreeSet<PathBuf> = after
        .iter()
        .filter(|(p, (bytes, _))| before.get(*p).is_none_or(|(b, _)| b != bytes))
        .map(|(p, _)| p.clone())
        .collect();
    let doc = PathBuf::from(format!("docs/{id}.js"));
    let shard = PathBuf::from(format!("shards/{}.js", hex("zy")));
    let index_js = PathBuf::from("index.js");
    assert!(
        changed.contains(&doc) && changed.contains(&shard),
        "{changed:?}"
    );
    assert!(
        changed
            .iter()
            .all(|p| [&doc, &shard, &index_js].contains(&p)),
        "{changed:?}"
    );
    // Files with the same bytes were not written again either.
    for (path, (bytes, modified)) in &after {
        if let Some((old, was)) = before.get(path)
            && old == bytes
        {
            assert_eq!(modified, was, "{} was rewritten unchanged", path.display());
        }
    }
    assert_eq!(
        after_index.urls("zygomorphic"),
        [
            "releases/northwind-erp-2.4.0/index.html",
            "releases/northwind-erp-2.4.0/approval.html"
        ]
    );
    // An unchanged rebuild writes nothing at all.
    build(&site);
    assert_eq!(files(&site), after);
}

#[test]
fn ids_stay_when_a_release_is_added_and_a_deleted_release_leaves_no_trace() {
    let site = example();
    let index = build(&site);
    let ids: BTreeMap<String, String> = index
        .docs
        .keys()
        .map(|id| (id.clone(), index.docs[id][0].url.clone()))
        .collect();
    // A new release (alphabetically first) does not renumber the others.
    let text = site.read("content/releases/northwind-erp-2.3.2.yaml");
    site.write(
        "content/releases/aardvark-1.0.0.yaml",
        text.replace("product: Northwind ERP", "product: Aardvark CRM")
            .replace("version: 2.3.2", "version: 1.0.0"),
    );
    let added = build(&site);
    for (id, url) in &ids {
        assert_eq!(&added.docs[id][0].url, url, "document {id} moved");
    }
    let new = added
        .id_of("aardvark-crm-1.0.0")
        .expect("the new release is indexed");
    assert!(!ids.contains_key(&new));
    assert!(
        added
            .urls("aardvark")
            .iter()
            .all(|u| u.starts_with("releases/aardvark-crm-1.0.0/"))
    );
    assert!(!added.query("aardvark").is_empty());

    // Deleted: no document, no posting, no result.
    let gone = added.id_of("northwind-erp-2.2.3").unwrap();
    site.remove("content/releases/northwind-erp-2.2.3.yaml");
    let deleted = build(&site);
    assert!(!deleted.docs.contains_key(&gone));
    assert!(deleted.id_of("northwind-erp-2.2.3").is_none());
    for terms in deleted.terms.values() {
        for postings in terms.values() {
            assert!(
                postings
                    .split(' ')
                    .all(|e| e.split(':').next() != Some(gone.as_str())),
                "a posting of the deleted release is left: {postings}"
            );
        }
    }
    assert!(deleted.urls("payroll").iter().all(|u| !u.contains("2.2.3")));
    // The same as a clean build of what is left, apart from the numbering.
    assert_eq!(deleted.query("payroll").len(), {
        let fresh = example();
        fresh.remove("content/releases/northwind-erp-2.2.3.yaml");
        fresh.write(
            "content/releases/aardvark-1.0.0.yaml",
            site.read("content/releases/aardvark-1.0.0.yaml"),
        );
        build(&fresh).query("payroll").len()
    });
}

#[test]
fn hostile_text_stays_inside_its_strings_and_is_capped() {
    let site = example();
    let long_word = "q".repeat(10_000);
    let sentence = "Quarterly reconciliation of ledger balances across every subsidiary. ";
    let huge = sentence.repeat(1_000);
    let text = site.read("content/releases/northwind-erp-2.3.2.yaml");
    let hostile = text
        .replace("version: 2.3.2", "version: 9.9.9")
        .replace(
            "{role: Tech Lead, who: arjun, status: approved, at: 2026-11-26 11:30}",
            "{role: Tech Lead, who: arjun, status: approved, at: 2026-11-26 11:30, note: \"split\\u2028here\\u2029and\\ttabbed\"}",
        )
        .replacen(
            "risks:\n",
            &format!(
                "risks:\n  - {{title: \"</script><script>alert(1)</script> \\\"quoted\\\" back\\\\slash {long_word}\", severity: low}}\n  - {{title: \"{huge}uniqueword\", severity: low}}\n"
            ),
            1,
        );
    assert_ne!(hostile, text, "the fixture has risks");
    site.write("content/releases/hostile-9.9.9.yaml", hostile);
    let index = build(&site);
    // No file of the index holds a `<`, or a raw line separator.
    for (path, (bytes, _)) in files(&site) {
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text.contains('<') && !text.contains('\u{2028}'),
            "{}",
            path.display()
        );
    }
    let found = index.query("alert script");
    let report = found
        .iter()
        .find(|r| r.url == "releases/northwind-erp-9.9.9/index.html")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(
        report
            .text
            .contains("</script><script>alert(1)</script> \"quoted\" back\\slash")
    );
    assert!(report.text.len() <= 4096);
    let request = index.query("split here tabbed");
    assert!(
        request
            .iter()
            .any(|r| r.url == "releases/northwind-erp-9.9.9/approval.html"),
        "{request:?}"
    );
    // The long word is found by its first 64 characters (and longer queries
    // are cut the same way); the end of a huge text is indexed too.
    assert!(!index.query(&"q".repeat(64)).is_empty());
    assert!(!index.query(&"q".repeat(500)).is_empty());
    assert!(index.shards.iter().all(|n| n.chars().count() <= 3));
    assert!(
        index
            .terms
            .values()
            .flat_map(|t| t.keys())
            .all(|t| t.chars().count() <= 64)
    );
    assert_eq!(
        index.urls("uniqueword"),
        ["releases/northwind-erp-9.9.9/index.html"]
    );
}

/// Results are ranked: title matches first, then whole-word matches before
/// prefix-only ones, then by kind; each fixture word is placed so that the
/// order would differ without its tier.
#[test]
fn results_rank_title_matches_then_whole_words_then_kind() {
    let site = example();
    // The example as it is: the checklist item titled with these words comes
    // before the report and runbooks that only mention them.
    let index = build(&site);
    let found = index.query("encryption master key");
    assert!(found.len() > 1, "{found:?}");
    assert_eq!(
        found[0].title, "Encryption master key created in the production HSM",
        "{found:?}"
    );
    let runbook = "content/runbooks/high-response-time.md";
    let text = site.read(runbook);
    site.write(
        runbook,
        format!("{text}\nThe quokka, the numbat and the wombat.\n"),
    );
    let text = site.read(EXAMPLE_RELEASE);
    let text = common::replace_once(
        &text,
        "created in the production HSM\"",
        "created in the production HSM quokka\"",
    );
    let text = common::replace_once(
        &text,
        "throughput below plan\"",
        "throughput below plan, wombat\"",
    );
    let text = common::replace_once(
        &text,
        "support macro ready\"",
        "support macro ready for wombats\"",
    );
    let text = common::replace_once(
        &text,
        "depends on the key ceremony\"",
        "depends on the key ceremony and the numbat\"",
    );
    site.write(EXAMPLE_RELEASE, text);
    let index = build(&site);
    let dir = "releases/northwind-erp-2.4.0";
    // 1. The item with quokka in its title, before the runbook (document 0,
    //    and a runbook's kind comes before a checklist item's) with it in its text.
    assert_eq!(
        index.urls("quokka"),
        [
            format!("{dir}/checklist.html#item-1-1-4"),
            "runbooks/high-response-time.html".to_string()
        ]
    );
    // 2. Whole word before prefix: the item's note says wombat and comes
    //    before the report (a kind before it) that only says wombats; the
    //    runbook says wombat too, and its kind is before the item's.
    assert_eq!(
        index.urls("wombat"),
        [
            "runbooks/high-response-time.html".to_string(),
            format!("{dir}/checklist.html#item-1-1-3"),
            format!("{dir}/index.html"),
        ]
    );
    // 3. Kind: the deployment request before the runbook, though the
    //    runbooks' document comes first in the index.
    assert_eq!(
        index.urls("numbat"),
        [
            format!("{dir}/approval.html"),
            "runbooks/high-response-time.html".to_string()
        ]
    );
    // The postings mark title terms, and only those.
    let postings = &index.terms["qu"]["quokka"];
    assert_eq!(postings.matches('*').count(), 1, "{postings}");
}

/// `serve`'s quick path (`rebuild_releases`) keeps the index current.
#[test]
fn serve_keeps_the_index_current_after_a_release_edit() {
    let site = example();
    let out = site.path("public");
    let mut builder = golive::site::Builder::new(&site.root, &out).serving();
    builder.build().unwrap();
    assert!(read_index(&out).query("zygomorphic").is_empty());
    let text = site.read(EXAMPLE_RELEASE);
    site.write(
        EXAMPLE_RELEASE,
        common::replace_once(
            &text,
            "closes the findings",
            "closes the zygomorphic findings",
        ),
    );
    builder
        .rebuild_releases(&[site.path(EXAMPLE_RELEASE)])
        .unwrap()
        .expect("a release edit takes the quick path");
    assert_eq!(
        read_index(&out).urls("zygomorphic"),
        [
            "releases/northwind-erp-2.4.0/index.html",
            "releases/northwind-erp-2.4.0/approval.html"
        ]
    );
    // And a deleted release leaves it.
    site.remove(EXAMPLE_RELEASE);
    builder
        .rebuild_releases(&[site.path(EXAMPLE_RELEASE)])
        .unwrap()
        .expect("a deletion takes the quick path");
    let index = read_index(&out);
    assert!(index.query("zygomorphic").is_empty());
    assert!(index.id_of("northwind-erp-2.4.0").is_none());
}
