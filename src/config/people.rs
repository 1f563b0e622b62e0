//! `content/people.yaml`: the people and groups that releases refer to by key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct People {
    #[serde(default)]
    pub people: BTreeMap<String, Person>,
    /// Group key -> member keys (people or other groups).
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub chat: Option<String>,
}

/// Every text of people.yaml is one line: names and addresses go into email headers.
impl crate::yaml::Document for People {
    const MULTILINE: &'static [&'static str] = &[];
}

impl People {
    /// Whether `key` names a person or a group.
    pub fn knows(&self, key: &str) -> bool {
        self.people.contains_key(key) || self.groups.contains_key(key)
    }

    /// Every key, people first, for "did you mean" suggestions.
    pub fn keys(&self) -> impl Iterator<Item = &str> + Clone {
        self.people
            .keys()
            .chain(self.groups.keys())
            .map(String::as_str)
    }

    /// The people behind a person or group key, in order: groups expanded
    /// (groups in groups too), each person once, loops cut.
    pub fn members<'a>(&'a self, key: &'a str) -> Vec<&'a Person> {
        let mut out = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![key];
        while let Some(k) = stack.pop() {
            if !seen.insert(k) {
                continue;
            }
            if let Some(p) = self.people.get(k) {
                out.push(p);
            } else if let Some(members) = self.groups.get(k) {
                stack.extend(members.iter().rev().map(String::as_str));
            }
        }
        out
    }

    /// A readable name for a key: the person's name, else the key itself (groups).
    pub fn display_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.people.get(key).map_or(key, |p| p.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_expand_groups_in_order_once() {
        let people: People = serde_yaml::from_str(
            "people:\n  a: {name: A}\n  b: {name: B}\n  c: {name: C}\ngroups:\n  ab: [a, b]\n  all: [ab, c, a, all]\n",
        )
        .unwrap();
        let names: Vec<&str> = people
            .members("all")
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert_eq!(people.members("c").len(), 1);
        assert!(people.members("nobody").is_empty());
    }
}
