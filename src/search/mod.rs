//! Search: an offline full-text index of the site, read by the browser with no
//! search server (`layouts/assets/search.js` on `search.html`).
//!
//! Records come from the data at render time, not from the HTML (`extract`):
//! per release its readiness report, go-live runbook, deployment request and
//! one record per checklist item; site-wide, one per troubleshooting runbook.
//! Each release's records go to its own document file (`search/docs/<id>.js`,
//! written with its pages and kept in the build cache like them); its terms
//! go to shards by the first two characters of a term (`shards`), so that an
//! incremental build rewrites only the shards whose terms changed, and a
//! query loads only the shards of its words and the document files of the
//! results it shows.
//!
//! golive writes this small index itself rather than use Pagefind: Pagefind
//! indexes the built HTML again on every build (a one-edit rebuild of 10,000
//! releases has a budget of a quarter second) and brings an async runtime.
//!
//! Every file is a script that hands JSON to a function (`golive.search*`),
//! so that it loads from `file://` too, where `fetch` is refused.

pub mod extract;
pub mod ids;
pub mod shards;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

pub use extract::{release_records, site_records};

/// The folder of the index in the output.
pub const DIR: &str = "search";

/// The most characters of a term; longer words are indexed (and searched) by
/// their first `MAX_TERM` characters.
pub const MAX_TERM: usize = 64;

/// The most distinct terms indexed per record; a record with more (a release
/// pasted a thousand times over) is indexed by the first ones it uses.
pub const MAX_TERMS_PER_RECORD: usize = 5_000;

/// The most bytes of a record's text kept for snippets (all of it is indexed).
pub const MAX_TEXT: usize = 4_096;

/// Words too common to narrow a search: not indexed, and skipped in queries
/// (the list is written into `search/index.js` for the browser).
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "the", "this", "that", "to", "was", "with",
];

/// The id of the site-wide records (runbooks); releases get 1, 2, 3...
pub const SITE_ID: u32 = 0;

/// One search result as the browser shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// The page (or item) title.
    pub title: String,
    /// Where it is, from the site's root (`releases/<slug>/checklist.html#item-1-1-2`).
    pub url: String,
    /// What it belongs to: the release, or "Troubleshooting runbook".
    pub context: String,
    /// Its text for snippets, at most [`MAX_TEXT`] bytes.
    pub text: String,
}

/// The records of one document file and their terms: term -> the records
/// that use it, each as its number (position in `records`) and whether the
/// term is in its title (search ranks title matches first).
#[derive(Debug, Default, Clone)]
pub struct Extracted {
    pub records: Vec<Record>,
    pub terms: BTreeMap<String, Vec<(u32, bool)>>,
}

impl Extracted {
    /// Adds a record; `full_text` is everything it says (indexed whole, kept
    /// for snippets up to [`MAX_TEXT`] bytes).
    pub fn add(&mut self, title: String, url: String, context: String, full_text: &str) {
        let n = self.records.len() as u32;
        // A term already has this record as its last posting when the record
        // used it before, so no set of the terms seen is needed; and a term's
        // first use is in the title exactly when it is in the title, which
        // comes first.
        let mut distinct = 0;
        let title_terms = terms(&title).count();
        for (i, term) in terms(&title).chain(terms(full_text)).enumerate() {
            if distinct >= MAX_TERMS_PER_RECORD {
                break;
            }
            let postings = self.terms.entry(term).or_default();
            if postings.last().is_none_or(|(last, _)| *last != n) {
                postings.push((n, i < title_terms));
                distinct += 1;
            }
        }
        self.records.push(Record {
            title,
            url,
            context,
            text: cap(full_text.trim(), MAX_TEXT).to_string(),
        });
    }

    /// The groups (`shards::group`) its terms fall in, each with the hash of
    /// its postings there: a group whose hash is unchanged after an edit
    /// needs no update.
    pub fn groups(&self) -> Vec<(String, u64)> {
        let mut groups: Vec<(String, u64)> = Vec::new();
        let mut text = String::new();
        let mut current: Option<String> = None;
        let mut finish = |current: &mut Option<String>, text: &mut String| {
            if let Some(g) = current.take() {
                groups.push((g, crate::site::output::hash(text.as_bytes())));
            }
            text.clear();
        };
        // Terms are sorted, so each group's terms come together.
        for (term, records) in &self.terms {
            let g = shards::group(term);
            if current.as_ref() != Some(&g) {
                finish(&mut current, &mut text);
                current = Some(g);
            }
            text.push_str(term);
            for (n, in_title) in records {
                text.push(' ');
                text.push_str(&n.to_string());
                if *in_title {
                    text.push(shards::TITLE_MARK);
                }
            }
            text.push('\n');
        }
        finish(&mut current, &mut text);
        groups
    }

    /// The document file of the records, for the document `id`.
    pub fn doc_file(&self, id: u32) -> crate::render::OutputFile {
        crate::render::OutputFile {
            path: doc_path(id),
            bytes: script("searchDocs", &(id_text(id), &self.records)).into_bytes(),
        }
    }
}

/// Where the document file of `id` goes.
pub fn doc_path(id: u32) -> PathBuf {
    PathBuf::from(DIR)
        .join("docs")
        .join(format!("{}.js", id_text(id)))
}

/// `id` as written in shards and file names: base 36.
pub fn id_text(id: u32) -> String {
    base36(id)
}

pub fn base36(mut n: u32) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII digits")
}

/// The terms of `text` as the browser splits a query: runs of alphanumeric
/// characters (Unicode `Alphabetic` or `Numeric`, as JavaScript's
/// `[\p{Alphabetic}\p{N}]`), lowercased, cut to [`MAX_TERM`] characters,
/// without stop words. Repeats are kept.
pub fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_lowercase();
            match lower.char_indices().nth(MAX_TERM) {
                Some((end, _)) => lower[..end].to_string(),
                None => lower,
            }
        })
        .filter(|t| !STOP_WORDS.contains(&t.as_str()))
}

/// At most `max` bytes of `text`, cut at a character boundary.
pub fn cap(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A script that calls `golive.<function>(...value)`: the JSON of `value`
/// (an array of the arguments) made safe inside a `<script>` element and in
/// JavaScript: `<` is written `\u003c` (no `</script>` or `<!--` can end or
/// bend the element), and U+2028 and U+2029 are escaped too.
pub fn script<T: Serialize>(function: &str, value: &T) -> String {
    let json = serde_json::to_string(value).expect("search data serialises");
    let mut out = String::with_capacity(json.len() + 64);
    out.push_str("golive.");
    out.push_str(function);
    out.push_str(".apply(null, ");
    let mut rest = json.as_str();
    while let Some(at) = rest.find(['<', '\u{2028}', '\u{2029}']) {
        out.push_str(&rest[..at]);
        let c = rest[at..].chars().next().expect("found");
        out.push_str(match c {
            '<' => "\\u003c",
            '\u{2028}' => "\\u2028",
            _ => "\\u2029",
        });
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
    out.push_str(");\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_lowercase_alphanumeric_runs_without_stop_words() {
        let t: Vec<String> = terms("The Rollback-plan: ÉTÉ 2.4.0, naïve_x").collect();
        assert_eq!(t, ["rollback", "plan", "été", "2", "4", "0", "naïve", "x"]);
    }

    #[test]
    fn a_huge_word_is_cut_to_the_term_limit() {
        let word = "é".repeat(10_000);
        let t: Vec<String> = terms(&word).collect();
        assert_eq!(t[0].chars().count(), MAX_TERM);
    }

    #[test]
    fn control_characters_split_words() {
        let t: Vec<String> = terms("db\u{0}migration\u{7}\tdone").collect();
        assert_eq!(t, ["db", "migration", "done"]);
    }

    #[test]
    fn a_script_cannot_be_broken_out_of() {
        let s = script("x", &("</script><!-- \u{2028}\u{2029} \" \\",));
        assert!(!s.contains('<') && !s.contains('\u{2028}') && !s.contains('\u{2029}'));
        let json = s
            .strip_prefix("golive.x.apply(null, ")
            .unwrap()
            .strip_suffix(");\n")
            .unwrap();
        let back: (String,) = serde_json::from_str(json).unwrap();
        assert_eq!(back.0, "</script><!-- \u{2028}\u{2029} \" \\");
    }

    #[test]
    fn stored_text_is_capped_at_a_character_boundary_but_all_of_it_is_indexed() {
        let mut e = Extracted::default();
        let text = format!("{} needle", "ü".repeat(MAX_TEXT));
        e.add("T".into(), "u".into(), "c".into(), &text);
        assert!(e.records[0].text.len() <= MAX_TEXT);
        assert!(e.terms.contains_key("needle"));
    }

    #[test]
    fn terms_of_the_title_are_marked() {
        let mut e = Extracted::default();
        e.add(
            "Rollback plan".into(),
            "u".into(),
            "c".into(),
            "rollback now",
        );
        e.add("Other".into(), "u".into(), "c".into(), "plan");
        assert_eq!(e.terms["rollback"], [(0, true)]);
        assert_eq!(e.terms["now"], [(0, false)]);
        assert_eq!(e.terms["plan"], [(0, true), (1, false)]);
    }

    #[test]
    fn an_edit_changes_the_hash_of_only_the_groups_it_touches() {
        let of = |text: &str| {
            let mut e = Extracted::default();
            e.add("Title".into(), "u".into(), "c".into(), text);
            e.groups()
        };
        let before = of("rollback plan rehearsed");
        let after = of("rollback plan zebra");
        let changed: Vec<&str> = before
            .iter()
            .filter(|g| !after.contains(g))
            .chain(after.iter().filter(|g| !before.contains(g)))
            .map(|(g, _)| g.as_str())
            .collect();
        assert_eq!(changed, ["re", "ze"]);
    }

    #[test]
    fn ids_are_base_36() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
    }
}
