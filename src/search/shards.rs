//! The term shards of the index, and how a build updates them.
//!
//! A term belongs to the group of its first two characters (a one-character
//! term is its own group). A group is one shard, `search/shards/<hex>.js`
//! (the hex of the group's UTF-8 bytes), unless its JSON grows past
//! [`SPLIT_BYTES`]: then it is split by the third character (the group's
//! two-character terms stay in the shard named by the group). A shard maps
//! each term to its postings: `"<id>:<n>.<n>* <id>:<n>"`, document ids and
//! record numbers in base 36, sorted by id; a record number followed by
//! [`TITLE_MARK`] (`*`) has the term in its title, which search ranks first. `search/index.js` lists the
//! shards and the stop words.
//!
//! A build updates only the groups where a changed release's postings changed
//! (the cache keeps, per release, the hash of its postings in each group it
//! is in): it reads those shards back from the output, drops the changed
//! releases' postings, adds their new ones, and writes the shards (the output
//! skips a file whose bytes did not change). Other shards are kept as they
//! are: a release whose title changed touches none.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io;
use std::path::PathBuf;
use std::sync::Mutex;

use super::{DIR, Extracted, STOP_WORDS, base36, script};
use crate::render::OutputFile;
use crate::site::output::Output;

/// Follows a record number in a posting whose term is in the record's title
/// (not a base-36 digit, and left as it is by the script escaping).
pub const TITLE_MARK: char = '*';

/// A group's JSON larger than this is split into shards by three characters.
pub const SPLIT_BYTES: usize = 128 * 1024;

/// The group of `term`: its first two characters.
pub fn group(term: &str) -> String {
    term.chars().take(2).collect()
}

/// Where the shard `name` goes.
pub fn shard_path(name: &str) -> PathBuf {
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    PathBuf::from(DIR).join("shards").join(format!("{hex}.js"))
}

/// Where the list of shards goes.
pub fn index_path() -> PathBuf {
    PathBuf::from(DIR).join("index.js")
}

/// Postings collected from the releases rendered by a build, by group: each
/// group one byte buffer of `<term>\t<entry>\n` lines, an entry being one
/// document's `<id>:<n>.<n>`, in the order they came (gathered by term and
/// sorted when written). A buffer per group rather than a string per term
/// keeps a cold build of 10,000 releases small in memory: no allocation, map
/// slot or spare capacity per term.
#[derive(Default)]
pub struct Collector(Mutex<HashMap<String, Vec<u8>>>);

impl Collector {
    /// Adds the terms of the document `id`.
    pub fn add(&self, id: u32, extracted: &Extracted) {
        let id = base36(id);
        // Each group's lines are made before taking the lock.
        let mut lines: Vec<(String, Vec<u8>)> = Vec::new();
        for (term, records) in &extracted.terms {
            let g = group(term);
            // The terms come sorted, so a group's terms come together.
            if lines.last().is_none_or(|(name, _)| *name != g) {
                lines.push((g, Vec::new()));
            }
            let buf = &mut lines.last_mut().expect("just pushed").1;
            buf.extend_from_slice(term.as_bytes());
            buf.push(b'\t');
            buf.extend_from_slice(id.as_bytes());
            for (i, (n, in_title)) in records.iter().enumerate() {
                buf.push(if i == 0 { b':' } else { b'.' });
                buf.extend_from_slice(base36(*n).as_bytes());
                if *in_title {
                    buf.push(TITLE_MARK as u8);
                }
            }
            buf.push(b'\n');
        }
        let mut groups = self.0.lock().unwrap_or_else(|e| e.into_inner());
        for (g, buf) in lines {
            groups.entry(g).or_default().extend_from_slice(&buf);
        }
    }

    fn into_inner(self) -> HashMap<String, Vec<u8>> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes what was collected, leaving it empty.
    pub fn take(&self) -> Collector {
        let mut groups = self.0.lock().unwrap_or_else(|e| e.into_inner());
        Collector(Mutex::new(std::mem::take(&mut *groups)))
    }
}

/// The lines of a group's buffer (see `Collector`) as (term, entry).
fn collected_lines(buf: &[u8]) -> impl Iterator<Item = (&str, &str)> {
    buf.split(|b| *b == b'\n').filter_map(|line| {
        // Written from `String`s above: whole UTF-8, split at ASCII bytes.
        let line = std::str::from_utf8(line).ok()?;
        line.split_once('\t')
    })
}

/// What a build changes in the index.
pub struct Change<'a> {
    /// The shards as the last build left them: name -> hash of the file.
    pub previous: &'a BTreeMap<String, u64>,
    /// The documents whose postings are replaced (rendered again) or removed.
    pub replaced: HashSet<u32>,
    /// The groups where their postings changed: only these are updated (all
    /// collected groups too when `read_old` is false).
    pub touched: BTreeSet<String>,
    /// Their new postings.
    pub collected: Collector,
    /// False when every document was replaced: nothing old is read.
    pub read_old: bool,
}

/// Whether the output still holds every shard of `previous` as written; if
/// not, the index must be built again from every release.
pub fn intact(output: &Output, previous: &BTreeMap<String, u64>) -> bool {
    previous
        .iter()
        .all(|(name, h)| output.previous(&shard_path(name)) == Some(*h))
        && (previous.is_empty() || output.previous(&index_path()).is_some())
}

/// Writes the shards `change` touches and the shard list, keeps the others;
/// returns the shards the output holds now.
pub fn update(output: &Output, change: Change) -> io::Result<BTreeMap<String, u64>> {
    let mut collected = change.collected.into_inner();
    let mut touched: BTreeSet<String> = change.touched;
    if !change.read_old {
        touched.extend(collected.keys().cloned());
    }
    let mut shards = BTreeMap::new();
    for (name, h) in change.previous {
        if !touched.contains(&group(name)) {
            output.keep(&shard_path(name), *h);
            shards.insert(name.clone(), *h);
        }
    }
    for g in &touched {
        let mut terms: BTreeMap<String, String> = BTreeMap::new();
        let olds: Vec<&String> = change
            .previous
            .keys()
            .filter(|name| group(name) == *g)
            .collect();
        if change.read_old {
            for name in &olds {
                let path = output.dir().join(shard_path(name));
                let (_, old) = parse_shard(&std::fs::read_to_string(&path)?)
                    .ok_or_else(|| io::Error::other(format!("{} is damaged", path.display())))?;
                for (term, postings) in old {
                    let kept = without(&postings, &change.replaced);
                    if !kept.is_empty() {
                        terms.insert(term, kept);
                    }
                }
            }
        }
        let buf = collected.remove(g).unwrap_or_default();
        for (term, posting) in collected_lines(&buf) {
            let entry = match terms.get_mut(term) {
                Some(entry) => entry,
                None => terms.entry(term.to_string()).or_default(),
            };
            if !entry.is_empty() {
                entry.push(' ');
            }
            entry.push_str(posting);
        }
        drop(buf);
        for postings in terms.values_mut() {
            *postings = sorted(postings);
        }
        let files = split(g, terms);
        for name in olds {
            if !files.iter().any(|(n, _)| n == name) {
                output.drop_file(&shard_path(name));
            }
        }
        for (name, terms) in files {
            let file = OutputFile {
                path: shard_path(&name),
                bytes: script("searchShard", &(&name, &terms)).into_bytes(),
            };
            shards.insert(name, output.put(&file)?);
        }
    }
    output.put(&index_file(&shards))?;
    Ok(shards)
}

/// The shard list and the stop words, for the browser.
fn index_file(shards: &BTreeMap<String, u64>) -> OutputFile {
    let names: Vec<&String> = shards.keys().collect();
    let value = serde_json::json!({ "shards": names, "stop": STOP_WORDS });
    OutputFile {
        path: index_path(),
        bytes: script("searchIndex", &(value,)).into_bytes(),
    }
}

/// The shards of group `g`: one, or split by three characters if too large.
fn split(g: &str, terms: BTreeMap<String, String>) -> Vec<(String, BTreeMap<String, String>)> {
    if terms.is_empty() {
        return Vec::new();
    }
    let size: usize = terms.iter().map(|(t, p)| t.len() + p.len() + 6).sum();
    if size <= SPLIT_BYTES {
        return vec![(g.to_string(), terms)];
    }
    let mut parts: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (term, postings) in terms {
        let name: String = term.chars().take(3).collect();
        parts.entry(name).or_default().insert(term, postings);
    }
    parts.into_iter().collect()
}

/// `postings` without the entries of the documents in `replaced`.
fn without(postings: &str, replaced: &HashSet<u32>) -> String {
    postings
        .split(' ')
        .filter(|e| !replaced.contains(&entry_id(e)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The document id of a posting entry (`<id>:<n>...`).
/// Ids as golive writes them (`base36`: lowercase digits, at most six of
/// them, which cannot overflow) are read by hand; anything else as
/// `from_str_radix` reads it.
fn entry_id(entry: &str) -> u32 {
    let id = entry.split_once(':').map_or(entry, |(id, _)| id);
    if (1..=6).contains(&id.len()) {
        let mut n: u32 = 0;
        let mut plain = true;
        for b in id.bytes() {
            let digit = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'z' => b - b'a' + 10,
                _ => {
                    plain = false;
                    break;
                }
            };
            n = n * 36 + u32::from(digit);
        }
        if plain {
            return n;
        }
    }
    u32::from_str_radix(id, 36).unwrap_or(u32::MAX)
}

/// The entries of `postings` sorted by document id.
fn sorted(postings: &str) -> String {
    let mut entries: Vec<&str> = postings.split(' ').filter(|e| !e.is_empty()).collect();
    entries.sort_by_key(|e| entry_id(e));
    entries.join(" ")
}

/// The name and terms of a shard file's text.
pub fn parse_shard(text: &str) -> Option<(String, BTreeMap<String, String>)> {
    let json = text
        .strip_prefix("golive.searchShard.apply(null, ")?
        .strip_suffix(");\n")?;
    serde_json::from_str(json).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_are_read_as_from_str_radix_reads_them() {
        for entry in [
            "0", "z:1", "10:2.3*", "zzzzzz:0", "1000000", "ZZ:1", "+5:0", "", ":1", "a-b:1",
            "zzzzzzz",
        ] {
            let id = entry.split(':').next().unwrap();
            assert_eq!(
                entry_id(entry),
                u32::from_str_radix(id, 36).unwrap_or(u32::MAX),
                "{entry}"
            );
        }
    }

    #[test]
    fn groups_are_two_characters() {
        assert_eq!(group("rollback"), "ro");
        assert_eq!(group("été"), "ét");
        assert_eq!(group("x"), "x");
        assert_eq!(shard_path("ro"), PathBuf::from("search/shards/726f.js"));
    }

    #[test]
    fn postings_are_collected_per_term_and_sorted_by_document() {
        let c = Collector::default();
        let mut a = Extracted::default();
        a.add("Rollback".into(), "u".into(), "c".into(), "rollback plan");
        a.add("Other".into(), "u".into(), "c".into(), "rollback");
        c.add(40, &a);
        c.add(3, &a);
        let groups = c.into_inner();
        let postings = |g: &str, term: &str| {
            let entries: Vec<&str> = collected_lines(&groups[g])
                .filter(|(t, _)| *t == term)
                .map(|(_, e)| e)
                .collect();
            sorted(&entries.join(" "))
        };
        assert_eq!(postings("ro", "rollback"), "3:0*.1 14:0*.1");
        assert_eq!(postings("pl", "plan"), "3:0 14:0");
        assert_eq!(without("3:0*.1 14:0*.1", &HashSet::from([40])), "3:0*.1");
    }

    #[test]
    fn a_large_group_is_split_by_three_characters() {
        let mut terms = BTreeMap::new();
        for i in 0..20_000 {
            terms.insert(format!("re{}", base36(i)), "1:0".to_string());
        }
        terms.insert("re".into(), "1:0".into());
        let parts = split("re", terms);
        assert!(parts.len() > 1);
        assert!(parts.iter().any(|(n, t)| n == "re" && t.len() == 1));
        assert!(parts.iter().all(|(n, _)| n.starts_with("re")));
    }

    #[test]
    fn a_shard_file_parses_back() {
        let mut terms = BTreeMap::new();
        terms.insert("</script>".to_string(), "1:0".to_string());
        let text = script("searchShard", &("x", &terms));
        assert_eq!(parse_shard(&text), Some(("x".to_string(), terms)));
    }
}
