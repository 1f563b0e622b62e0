//! Maps key paths (`readiness[1].items[0].owner`) back to lines and columns.
//!
//! serde_yaml forgets positions once a value is deserialised, so problems found
//! afterwards (an unknown person, a missing checklist item) would have no place to
//! point at. Re-reading the file with yaml-rust2's event parser, which keeps a marker
//! per event, recovers them. It runs only when there is an error to report, so the
//! happy path pays nothing for it.

use std::collections::HashSet;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostic::Location;

/// Where each node of a YAML document starts, by key path.
#[derive(Debug, Default)]
pub struct Positions {
    /// `(path, location of the key, location of the value)`; the root has path "".
    nodes: Vec<(String, Location, Location)>,
    /// The first key that appears twice in the same mapping.
    duplicate_key: Option<(String, Location)>,
}

impl Positions {
    /// Reads `source`; a document yaml-rust2 cannot parse yields no positions.
    pub fn of(source: &str) -> Positions {
        let mut walker = Walker::default();
        let mut parser = Parser::new_from_str(source);
        let _ = parser.load(&mut walker, false);
        walker.positions
    }

    /// The location of the value at `path`, or of its closest ancestor that exists.
    pub fn value(&self, path: &str) -> Location {
        self.find(path, |(_, _, value)| *value)
    }

    /// The location of the key at `path` (the value's for sequence items).
    pub fn key(&self, path: &str) -> Location {
        self.find(path, |(_, key, _)| *key)
    }

    /// The path of the entry (key and value, or list item) that starts last
    /// at or before `at`: the one whose text holds `at`.
    pub fn path_at(&self, at: Location) -> Option<&str> {
        self.nodes
            .iter()
            .filter(|(_, key, _)| *key <= at)
            .max_by_key(|(_, key, _)| *key)
            .map(|(path, _, _)| path.as_str())
    }

    /// The duplicated key, if some mapping repeats one.
    pub fn duplicate_key(&self) -> Option<&(String, Location)> {
        self.duplicate_key.as_ref()
    }

    fn find(
        &self,
        path: &str,
        pick: impl Fn(&(String, Location, Location)) -> Location,
    ) -> Location {
        let mut wanted = normalise(path);
        loop {
            if let Some(node) = self.nodes.iter().find(|(p, _, _)| *p == wanted) {
                return pick(node);
            }
            match parent(&wanted) {
                Some(up) => wanted = up,
                None => return Location::START,
            }
        }
    }
}

/// serde_path_to_error writes the root as "." and may start with "."; we use "".
fn normalise(path: &str) -> String {
    path.trim_start_matches('.').to_string()
}

/// `a.b[2].c` -> `a.b[2]`; the root's parent is the root.
pub fn parent_path(path: &str) -> String {
    parent(path).unwrap_or_default()
}

fn parent(path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(path[..cut].to_string())
}

#[derive(Debug)]
enum Frame {
    Mapping {
        path: String,
        /// Index of this mapping's own entry in `Positions::nodes`, if recorded.
        node: Option<usize>,
        pending_key: Option<(String, Location)>,
        seen: HashSet<String>,
    },
    Sequence {
        path: String,
        next_index: usize,
    },
}

#[derive(Default)]
struct Walker {
    stack: Vec<Frame>,
    positions: Positions,
}

fn location(mark: Marker) -> Location {
    // yaml-rust2 counts columns from 0 and lines from 1.
    Location::new(mark.line(), mark.col() + 1)
}

impl Walker {
    /// Called at the start of every value: records it and returns its path, or
    /// `None` when the event is a mapping key rather than a value.
    fn enter_value(&mut self, key_text: Option<&str>, at: Location) -> Option<String> {
        match self.stack.last_mut() {
            None => {
                self.positions.nodes.push((String::new(), at, at));
                Some(String::new())
            }
            Some(Frame::Sequence { path, next_index }) => {
                let child = format!("{path}[{next_index}]");
                *next_index += 1;
                self.positions.nodes.push((child.clone(), at, at));
                Some(child)
            }
            Some(Frame::Mapping {
                path,
                node,
                pending_key,
                seen,
            }) => match pending_key.take() {
                Some((key, key_at)) => {
                    let child = if path.is_empty() {
                        key
                    } else {
                        format!("{path}.{key}")
                    };
                    self.positions.nodes.push((child.clone(), key_at, at));
                    Some(child)
                }
                None => {
                    // This event is a key. Complex keys (a mapping as a key) get a
                    // placeholder text: nothing in golive's files uses them.
                    let text = key_text.unwrap_or("?").to_string();
                    // yaml-rust2 marks a block mapping where its first value
                    // starts; a reader expects its first key.
                    if seen.is_empty()
                        && let Some(entry) = node.and_then(|i| self.positions.nodes.get_mut(i))
                        && at < entry.2
                    {
                        entry.2 = at;
                        if entry.1 > at {
                            entry.1 = at;
                        }
                    }
                    if !seen.insert(text.clone()) && self.positions.duplicate_key.is_none() {
                        self.positions.duplicate_key = Some((text.clone(), at));
                    }
                    *pending_key = Some((text, at));
                    None
                }
            },
        }
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let at = location(mark);
        match event {
            Event::Scalar(text, ..) => {
                self.enter_value(Some(&text), at);
            }
            Event::Alias(_) => {
                self.enter_value(Some("*alias"), at);
            }
            Event::SequenceStart(..) => {
                if let Some(path) = self.enter_value(None, at) {
                    self.stack.push(Frame::Sequence {
                        path,
                        next_index: 0,
                    });
                } else {
                    self.stack.push(Frame::Sequence {
                        path: "?".into(),
                        next_index: 0,
                    });
                }
            }
            Event::MappingStart(..) => {
                let entered = self.enter_value(None, at);
                let node = entered.as_ref().map(|_| self.positions.nodes.len() - 1);
                self.stack.push(Frame::Mapping {
                    path: entered.unwrap_or_else(|| "?".into()),
                    node,
                    pending_key: None,
                    seen: HashSet::new(),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "product: Acme\nreadiness:\n  - category: Security\n    items:\n      - {check: a, owner: bob}\n      - check: b\n        owner: eve\n";

    #[test]
    fn finds_nested_values_and_keys() {
        let p = Positions::of(DOC);
        assert_eq!(p.value("product"), Location::new(1, 10));
        assert_eq!(p.key("readiness[0].items[0].owner"), Location::new(5, 20));
        assert_eq!(p.value("readiness[0].items[1].owner"), Location::new(7, 16));
        assert_eq!(p.key("readiness[0].items[1].owner"), Location::new(7, 9));
    }

    #[test]
    fn falls_back_to_the_closest_ancestor() {
        let p = Positions::of(DOC);
        assert_eq!(p.value("readiness[0].items[1].due"), Location::new(6, 9));
        assert_eq!(p.value("."), Location::new(1, 1));
    }

    #[test]
    fn finds_the_entry_that_holds_a_place() {
        let p = Positions::of(DOC);
        assert_eq!(
            p.path_at(Location::new(5, 14)),
            Some("readiness[0].items[0].check")
        );
        assert_eq!(
            p.path_at(Location::new(7, 18)),
            Some("readiness[0].items[1].owner")
        );
        assert_eq!(p.path_at(Location::new(1, 12)), Some("product"));
    }

    #[test]
    fn reports_the_duplicate_key_where_it_repeats() {
        let p = Positions::of("a: 1\nb:\n  c: 1\n  c: 2\n");
        assert_eq!(
            p.duplicate_key(),
            Some(&("c".to_string(), Location::new(4, 3)))
        );
    }
}
