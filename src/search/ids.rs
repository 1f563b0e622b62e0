//! Document ids: each release's records are `search/docs/<id>.js`, and the
//! shards name records `<id>:<n>`. An id is the hash of the release file's
//! path (32 bits, written in base 36), so it is the same in every build that
//! has the file, whatever came and went before: a cold build and a
//! long-running `serve` write the same index, and adding a release renumbers
//! nothing.
//!
//! Two paths with the same hash: the first in path order keeps it, the others
//! take the hash of their path and a counter, the first that is free. Which
//! path gets which id then depends on the set of paths, so `serve`'s quick
//! path leaves releases coming and going on such a site to the full build
//! (`settled`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::SITE_ID;

/// The id a path has unless another path has the same.
pub fn primary(path: &Path) -> u32 {
    hashed(path, 0)
}

fn hashed(path: &Path, round: u32) -> u32 {
    let text = path.to_string_lossy().replace('\\', "/");
    let key = if round == 0 {
        text
    } else {
        format!("{text}\u{0}{round}")
    };
    crate::site::output::hash(key.as_bytes()) as u32
}

/// The id of every path of `paths`.
pub fn assign<'a>(paths: impl IntoIterator<Item = &'a PathBuf>) -> BTreeMap<PathBuf, u32> {
    let mut sorted: Vec<&PathBuf> = paths.into_iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut primaries: HashMap<u32, usize> = HashMap::with_capacity(sorted.len());
    for path in &sorted {
        *primaries.entry(primary(path)).or_default() += 1;
    }
    let mut taken: HashSet<u32> = HashSet::from([SITE_ID]);
    let mut ids = BTreeMap::new();
    let mut later = Vec::new();
    for path in sorted {
        let id = primary(path);
        if id != SITE_ID && taken.insert(id) {
            ids.insert(path.clone(), id);
        } else {
            later.push(path);
        }
    }
    for path in later {
        let id = (1..)
            .map(|round| hashed(path, round))
            .find(|id| !taken.contains(id) && !primaries.contains_key(id))
            .expect("a free id");
        taken.insert(id);
        ids.insert(path.clone(), id);
    }
    ids
}

/// Whether every id of `ids` is its path's primary one: then a release can
/// come or go without moving another's id.
pub fn settled<'a>(ids: impl IntoIterator<Item = (&'a PathBuf, u32)>) -> bool {
    ids.into_iter().all(|(path, id)| id == primary(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_depend_on_the_path_only() {
        let a = PathBuf::from("content/releases/a.yaml");
        let b = PathBuf::from("content/releases/b.yaml");
        let one = assign([&a]);
        let two = assign([&b, &a]);
        assert_eq!(one[&a], two[&a]);
        assert_ne!(two[&a], two[&b]);
        assert!(settled(two.iter().map(|(p, i)| (p, *i))));
    }

    #[test]
    fn ids_are_unique_even_when_hashes_collide() {
        // Enough paths that 32-bit hashes are not relied on to differ: the
        // result is checked, not assumed.
        let paths: Vec<PathBuf> = (0..20_000)
            .map(|i| PathBuf::from(format!("content/releases/r{i}.yaml")))
            .collect();
        let ids = assign(&paths);
        let distinct: HashSet<u32> = ids.values().copied().collect();
        assert_eq!(distinct.len(), paths.len());
        assert!(!distinct.contains(&SITE_ID));
    }
}
