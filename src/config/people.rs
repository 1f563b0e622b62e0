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

    /// A readable name for a key: the person's name, else the key itself (groups).
    pub fn display_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.people.get(key).map_or(key, |p| p.name.as_str())
    }
}
