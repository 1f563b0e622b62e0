//! `content/people.yaml`: the people and groups that releases refer to by key.
//!
//! A group is written either as a list of member keys (`qa: [lena]`) or as an
//! object with its own name and contacts (`dba-team: {name: DBA team, email:
//! dba@..., chat: "#dba", members: [kenji]}`). Pages show every key as a name
//! (`display_name`); emails go to a group's own address when it has one, else
//! to each of its members (`recipients`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::content::time::Zone;

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct People {
    /// Person key -> the person. Releases refer to people by key; pages and
    /// emails show their names.
    #[serde(default)]
    pub people: BTreeMap<String, Person>,
    /// Group key -> its members (people or other groups) and its own contacts.
    #[serde(default)]
    pub groups: BTreeMap<String, Group>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The name pages and emails show.
    pub name: String,
    /// Must contain `@`; needed by everyone an email reaches.
    #[serde(default)]
    pub email: Option<String>,
    /// e.g. `Release Manager`.
    #[serde(default)]
    pub role: Option<String>,
    /// e.g. `+91 80 5550 0110`.
    #[serde(default)]
    pub phone: Option<String>,
    /// A chat handle or channel, e.g. `@ananya`.
    #[serde(default)]
    pub chat: Option<String>,
    /// Where the person works (IANA), to show them go-live in their own time
    /// when it differs from the release's zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<Zone>,
}

/// A team: its members, and optionally a name and contacts of its own.
/// Serialised in the form it was written (text checks locate values by path).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    pub name: Option<String>,
    /// The team's own address (a mailing list): emails go there, not to each member.
    pub email: Option<String>,
    pub chat: Option<String>,
    pub phone: Option<String>,
    pub members: Vec<String>,
    /// Written as `{..., members: [...]}` rather than as a list: where the members are.
    pub object_form: bool,
}

impl Serialize for Group {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        if !self.object_form {
            return self.members.serialize(s);
        }
        let mut map = s.serialize_map(None)?;
        for (key, value) in [
            ("name", &self.name),
            ("email", &self.email),
            ("chat", &self.chat),
            ("phone", &self.phone),
        ] {
            if let Some(value) = value {
                map.serialize_entry(key, value)?;
            }
        }
        map.serialize_entry("members", &self.members)?;
        map.end()
    }
}

/// The object form of a group, as written.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct GroupObject {
    /// The team's name on pages and in emails; default: the key made readable
    /// (`security-team` -> `Security team`, `qa` -> `QA`).
    #[serde(default)]
    name: Option<String>,
    /// The team's own address (must contain `@`): emails to the group go there
    /// once instead of to each member.
    #[serde(default)]
    email: Option<String>,
    /// The team's channel, shown wherever the team owns something.
    #[serde(default)]
    chat: Option<String>,
    /// The team's number, shown wherever the team owns something.
    #[serde(default)]
    phone: Option<String>,
    /// Keys of people or other groups; a group needs members or its own `email`.
    #[serde(default)]
    members: Vec<String>,
}

/// A list of member keys, or the object form.
impl JsonSchema for Group {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Group".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let object = generator.subschema_for::<GroupObject>();
        schemars::json_schema!({
            "description": "The members (keys of people or other groups; a group may not contain itself, directly or through others), or {name, email, chat, phone, members}",
            "anyOf": [{"type": "array", "items": {"type": "string"}}, object]
        })
    }
}

/// `[kenji, olu]` or `{name, email, chat, phone, members}`. A hand-written
/// visitor keeps serde_yaml's error positions (an untagged enum would lose them).
impl<'de> Deserialize<'de> for Group {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Group;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of member keys, or {name, email, chat, phone, members}")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, s: S) -> Result<Group, S::Error> {
                let members = Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(s))?;
                Ok(Group {
                    members,
                    ..Group::default()
                })
            }
            fn visit_map<M: MapAccess<'de>>(self, m: M) -> Result<Group, M::Error> {
                let g = GroupObject::deserialize(de::value::MapAccessDeserializer::new(m))?;
                Ok(Group {
                    name: g.name,
                    email: g.email,
                    chat: g.chat,
                    phone: g.phone,
                    members: g.members,
                    object_form: true,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Every text of people.yaml is one line: names and addresses go into email headers.
impl crate::yaml::Document for People {
    const MULTILINE: &'static [&'static str] = &[];
}

/// Whom an email goes to for one key: a person, or a group's own address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub name: String,
    pub email: Option<String>,
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
            } else if let Some(group) = self.groups.get(k) {
                stack.extend(group.members.iter().rev().map(String::as_str));
            }
        }
        out
    }

    /// Whom an email to `key` reaches, in order, each once, loops cut: a person;
    /// a group with its own `email` as that one address (the team's list); any
    /// other group as its members, expanded the same way.
    pub fn recipients(&self, key: &str) -> Vec<Recipient> {
        let mut out = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![key];
        while let Some(k) = stack.pop() {
            if !seen.insert(k) {
                continue;
            }
            if let Some(p) = self.people.get(k) {
                out.push(Recipient {
                    name: p.name.clone(),
                    email: p.email.clone(),
                });
            } else if let Some(group) = self.groups.get(k) {
                match &group.email {
                    Some(email) => out.push(Recipient {
                        name: self.display_name(k),
                        email: Some(email.clone()),
                    }),
                    None => stack.extend(group.members.iter().rev().map(String::as_str)),
                }
            }
        }
        out
    }

    /// A readable name for a key: the person's name, the group's `name`, a
    /// group's key made readable (`security-team` -> `Security team`), else the
    /// key itself (an unknown key, which validation has refused).
    pub fn display_name(&self, key: &str) -> String {
        if let Some(p) = self.people.get(key) {
            return p.name.clone();
        }
        match self.groups.get(key) {
            Some(Group { name: Some(n), .. }) => n.clone(),
            Some(_) => readable(key),
            None => key.to_string(),
        }
    }
}

/// `security-team` -> `Security team`, `all_stakeholders` -> `All stakeholders`;
/// words of one or two letters are initials: `qa` -> `QA`, `ux-team` -> `UX team`.
pub fn readable(key: &str) -> String {
    let words: Vec<String> = key
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.chars().count() <= 2 {
                w.to_uppercase()
            } else {
                w.to_string()
            }
        })
        .collect();
    let spaced = words.join(" ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(yaml: &str) -> People {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn members_expand_groups_in_order_once() {
        let people = people(
            "people:\n  a: {name: A}\n  b: {name: B}\n  c: {name: C}\ngroups:\n  ab: [a, b]\n  all: [ab, c, a, all]\n",
        );
        let names: Vec<&str> = people
            .members("all")
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert_eq!(people.members("c").len(), 1);
        assert!(people.members("nobody").is_empty());
    }

    #[test]
    fn groups_take_the_list_or_the_object_form() {
        let people = people(
            "people:\n  kenji: {name: Kenji, email: k@x}\n  olu: {name: Olu, email: o@x}\ngroups:\n  dba-team: {name: DBA team, email: dba@x, chat: \"#dba\", members: [kenji]}\n  security-team: [olu]\n  all: [dba-team, security-team]\n",
        );
        assert_eq!(people.display_name("dba-team"), "DBA team");
        assert_eq!(people.display_name("security-team"), "Security team");
        assert_eq!(people.display_name("kenji"), "Kenji");
        assert_eq!(readable("qa"), "QA");
        assert_eq!(readable("all_stakeholders"), "All stakeholders");
        assert_eq!(readable("ux-team"), "UX team");
        assert_eq!(people.groups["dba-team"].chat.as_deref(), Some("#dba"));
        let names: Vec<String> = people
            .members("all")
            .iter()
            .map(|p| p.name.clone())
            .collect();
        assert_eq!(names, ["Kenji", "Olu"]);
    }

    #[test]
    fn a_group_with_its_own_address_receives_as_one() {
        let people = people(
            "people:\n  kenji: {name: Kenji, email: k@x}\n  olu: {name: Olu, email: o@x}\ngroups:\n  dba-team: {name: DBA team, email: dba@x, members: [kenji]}\n  sec: [olu]\n  all: [dba-team, sec, kenji]\n",
        );
        let to: Vec<(String, Option<String>)> = people
            .recipients("all")
            .into_iter()
            .map(|r| (r.name, r.email))
            .collect();
        assert_eq!(
            to,
            [
                ("DBA team".to_string(), Some("dba@x".to_string())),
                ("Olu".to_string(), Some("o@x".to_string())),
                ("Kenji".to_string(), Some("k@x".to_string())),
            ]
        );
    }

    #[test]
    fn a_person_may_have_a_time_zone() {
        let people = people("people:\n  a: {name: A, timezone: Asia/Kolkata}\n");
        assert_eq!(
            people.people["a"].timezone.map(|z| z.0),
            Some(chrono_tz::Asia::Kolkata)
        );
        let bad =
            serde_yaml::from_str::<People>("people:\n  a: {name: A, timezone: Asia/Kolkatta}\n")
                .unwrap_err()
                .to_string();
        assert!(bad.contains("did you mean `Asia/Kolkata`"), "{bad}");
    }

    #[test]
    fn a_bad_character_in_a_member_is_located_in_either_form() {
        for (text, line) in [
            ("groups:\n  qa:\n    - lena\n    - \"o\\u202Eli\"\n", 4),
            (
                "groups:\n  dba:\n    name: DBA\n    members:\n      - \"o\\u202Eli\"\n",
                5,
            ),
        ] {
            let source = crate::yaml::Source {
                shown: "people.yaml".into(),
                text: text.into(),
            };
            let d = crate::yaml::parse::<People>(&source, "people").unwrap_err();
            assert_eq!(d.location.line, line, "{text}: {}", d.message);
        }
    }
}
