//! `depends_on` across the site: each slug must name another release of the
//! site, and dependencies must not go round in a cycle. Each problem points
//! at the `depends_on[i]` entry to fix (the file is read again to find it,
//! only when there is a problem, as for duplicate slugs).

use std::collections::{HashMap, VecDeque};
use std::path::Path;

use super::Identity;
use crate::diagnostic::Diagnostic;
use crate::yaml::locate::Positions;

/// How many slugs an unknown one's help suggests.
const SUGGESTED: usize = 3;

/// The problems of every release's `depends_on`, given every release of the site.
pub fn dependency_problems(root: &Path, releases: &[Identity]) -> Vec<Diagnostic> {
    if releases.iter().all(|r| r.depends_on.is_empty()) {
        return Vec::new();
    }
    let index: HashMap<&str, usize> = releases
        .iter()
        .enumerate()
        .map(|(i, r)| (r.slug.as_str(), i))
        .collect();
    let looped = in_or_behind_cycles(&index, releases);
    let mut found = Vec::new();
    for (i, r) in releases.iter().enumerate() {
        let mut problems = Vec::new();
        for (k, slug) in r.depends_on.iter().enumerate() {
            let problem = match index.get(slug.as_str()) {
                Some(&j) if j == i => Some((
                    format!("`{slug}` is this release itself: a release cannot depend on itself"),
                    "remove it from depends_on".to_string(),
                )),
                // Only an edge between releases that waiting can never settle
                // may close a cycle: the search runs for those alone.
                Some(&j) if looped[i] && looped[j] => cycle(&index, releases, j, i).map(|path| {
                    let mut names: Vec<&str> = vec![r.slug.as_str()];
                    names.extend(path.iter().map(|&n| releases[n].slug.as_str()));
                    (
                        format!(
                            "depending on `{slug}` makes a cycle: {}",
                            names.join(" → ")
                        ),
                        "remove one of these dependencies; a release can only wait for releases that do not wait for it".to_string(),
                    )
                }),
                Some(_) => None,
                None => Some((
                    format!("no release of this site has the slug `{slug}`"),
                    closest(slug, &r.slug, releases),
                )),
            };
            problems.extend(problem.map(|p| (k, p)));
        }
        if problems.is_empty() {
            continue;
        }
        // Read once per release with problems, to place each of them.
        let text = crate::yaml::read(root, &root.join(&r.path))
            .map(|s| s.text)
            .unwrap_or_default();
        let positions = Positions::of(&text);
        for (k, (message, help)) in problems {
            let at = positions.value(&format!("depends_on[{k}]"));
            found.push(
                Diagnostic::new(&r.path, at, message)
                    .with_source(&text)
                    .with_help(help),
            );
        }
    }
    found
}

/// Which releases are in a cycle of `depends_on` or wait on one: those left
/// when releases whose dependencies are all settled are taken away in turn
/// (Kahn's algorithm, linear in releases and dependencies). Unknown slugs
/// and a release naming itself do not count here; they are problems of their own.
fn in_or_behind_cycles(index: &HashMap<&str, usize>, releases: &[Identity]) -> Vec<bool> {
    let edges = |i: usize| {
        releases[i]
            .depends_on
            .iter()
            .filter_map(|slug| index.get(slug.as_str()).copied())
            .filter(move |&j| j != i)
    };
    let mut waiting_on: Vec<usize> = (0..releases.len()).map(|i| edges(i).count()).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); releases.len()];
    for i in 0..releases.len() {
        for j in edges(i) {
            dependents[j].push(i);
        }
    }
    let mut looped = vec![true; releases.len()];
    let mut settled: Vec<usize> = (0..releases.len())
        .filter(|&i| waiting_on[i] == 0)
        .collect();
    while let Some(j) = settled.pop() {
        looped[j] = false;
        for &i in &dependents[j] {
            waiting_on[i] -= 1;
            if waiting_on[i] == 0 {
                settled.push(i);
            }
        }
    }
    looped
}

/// The path from release `from` back to `to` along `depends_on`, if there is
/// one (breadth first: the shortest), ending with `to`.
fn cycle(
    index: &HashMap<&str, usize>,
    releases: &[Identity],
    from: usize,
    to: usize,
) -> Option<Vec<usize>> {
    let mut came_from: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::from([from]);
    came_from.insert(from, from);
    while let Some(at) = queue.pop_front() {
        if at == to {
            let mut path = vec![to];
            let mut step = to;
            while step != from {
                step = came_from[&step];
                path.push(step);
            }
            path.reverse();
            return Some(path);
        }
        for slug in &releases[at].depends_on {
            if let Some(&next) = index.get(slug.as_str())
                && !came_from.contains_key(&next)
            {
                came_from.insert(next, at);
                queue.push_back(next);
            }
        }
    }
    None
}

/// `did you mean …?` with the slugs closest to `slug` (other than `own`).
fn closest(slug: &str, own: &str, releases: &[Identity]) -> String {
    let lower = slug.to_lowercase();
    let mut scored: Vec<(f64, &str)> = releases
        .iter()
        .filter(|r| r.slug != own)
        .map(|r| {
            (
                strsim::jaro_winkler(&lower, &r.slug.to_lowercase()),
                r.slug.as_str(),
            )
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let names: Vec<String> = scored
        .iter()
        .take(SUGGESTED)
        .map(|(_, s)| format!("`{s}`"))
        .collect();
    if names.is_empty() {
        "depends_on names releases by slug (`<product>-<version>`, the folder of their pages)"
            .to_string()
    } else {
        format!(
            "did you mean {}? depends_on names releases by slug (`<product>-<version>`, the folder of their pages)",
            names.join(", ")
        )
    }
}
