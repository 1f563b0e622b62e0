//! The filters and functions golive adds to Tera's own, for pages and emails:
//! `markdown`, `markdown_text`, `when`, `count`, `percent`, `name`, `person`.

use std::collections::HashMap;
use std::sync::Arc;

use tera::Value;

use super::markdown;
use super::markdown::memo::Form;
use crate::config::people::People;

/// `{{ release.summary | markdown(root=root) | safe }}` on a page,
/// `{{ release.summary | markdown(url=base_url) | safe }}` in an email: relative
/// links in the Markdown are relative to the site root (`markdown::Base`), and
/// links to `other.md` go to the built runbook.
/// The same text with the same base, on the next page of the release, comes
/// from `markdown::memo` rather than being converted again.
pub(super) fn markdown_filter(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let source = value.as_str().unwrap_or_default();
    let base = link_base(args);
    markdown::memo::cached(Form::Html, 0, source, &base, || {
        Ok(markdown::to_html(source, &base))
    })
    .map(Value::String)
}

/// `markdown` in an email whose templates had `css` inlined when loaded: the
/// HTML with the same CSS inlined (`email::inline::fragment`), converted once
/// per text and base like `markdown` on a page. `css_hash` tells the memo one
/// theme's CSS from another's.
pub(super) fn email_markdown_filter(
    value: &Value,
    args: &HashMap<String, Value>,
    css: &str,
    css_hash: u64,
) -> tera::Result<Value> {
    let source = value.as_str().unwrap_or_default();
    let base = link_base(args);
    markdown::memo::cached(Form::EmailHtml, css_hash, source, &base, || {
        crate::email::inline::fragment(&markdown::to_html(source, &base), css)
    })
    .map(Value::String)
    .map_err(tera::Error::msg)
}

/// `{{ release.summary | markdown_text(url=base_url) }}`: the Markdown as plain
/// text for an email's text part, links resolved as `markdown` does.
pub(super) fn markdown_text_filter(
    value: &Value,
    args: &HashMap<String, Value>,
) -> tera::Result<Value> {
    let source = value.as_str().unwrap_or_default();
    let base = link_base(args);
    markdown::memo::cached(Form::Text, 0, source, &base, || {
        Ok(markdown::to_text(source, &base))
    })
    .map(Value::String)
}

/// Where the site root is for the `markdown` filters: `root="../../"` on a
/// page; `url=` in an email (the site's `base_url`, empty when it has none);
/// `runbooks=` is the older spelling of `root` with `runbooks/` added (an
/// absolute one, or an empty one, came from an email). Without any: an email
/// without `base_url`.
fn link_base(args: &HashMap<String, Value>) -> markdown::Base {
    let arg = |k: &str| args.get(k).map(|v| v.as_str().unwrap_or_default());
    if let Some(root) = arg("root") {
        return markdown::Base::page(root);
    }
    if let Some(url) = arg("url") {
        return markdown::Base::email(Some(url));
    }
    match arg("runbooks") {
        Some(r) if !r.is_empty() => {
            let root = r.trim_end_matches('/').trim_end_matches("runbooks");
            if root.contains("://") {
                markdown::Base::email(Some(root))
            } else {
                markdown::Base::page(root)
            }
        }
        _ => markdown::Base::Nowhere,
    }
}

/// `{{ item.due | when(zone=report.timezone) }}`: a date as the release file has it
/// becomes `Tue 1 Dec 2026` or `Tue 1 Dec 2026, 09:00 IST`, like every other time;
/// in emails (`utc`) a time also in UTC: `Tue 1 Dec 2026, 09:00 IST (03:30 UTC)`.
pub(super) fn when_filter(
    value: &Value,
    args: &HashMap<String, Value>,
    utc: bool,
) -> tera::Result<Value> {
    let Some(text) = value.as_str() else {
        return Ok(value.clone());
    };
    let zone = args
        .get("zone")
        .and_then(Value::as_str)
        .and_then(|z| z.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    Ok(match text.parse::<crate::content::time::When>() {
        Ok(when) => {
            let moment = crate::evaluate::Moment::new(when.instant(zone), when.is_date_only());
            Value::String(if utc {
                moment.with_utc()
            } else {
                moment.display
            })
        }
        Err(_) => value.clone(),
    })
}

/// `{{ n | count(word="warning") }}` -> `1 warning`, `2 warnings`, `0 warnings`;
/// `plural=` for a word that does not take an `s` (`count(word="criterion",
/// plural="criteria")`).
pub(super) fn count_filter(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let word = args
        .get("word")
        .and_then(Value::as_str)
        .ok_or_else(|| tera::Error::msg("`count` needs `word=\"...\"`"))?;
    let n = match value {
        Value::Number(n) => n.as_f64().unwrap_or_default(),
        Value::Null => 0.0,
        other => {
            return Err(tera::Error::msg(format!(
                "`count` needs a number, not {other}"
            )));
        }
    };
    let plural = args
        .get("plural")
        .and_then(Value::as_str)
        .map_or_else(|| format!("{word}s"), str::to_string);
    let shown = if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        n.to_string()
    };
    Ok(Value::String(format!(
        "{shown} {}",
        if n == 1.0 { word } else { &plural }
    )))
}

/// `count(1, "page")` -> `1 page`, `count(2, "page")` -> `2 pages`: a count
/// with its noun, for messages (the templates' `count` filter does the same).
pub fn count(n: impl Into<u64>, word: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `{{ 72.5 | percent }}` -> `72.5%`, `{{ 85.0 | percent }}` -> `85%`.
pub(super) fn percent_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(match value.as_f64() {
        Some(x) if x.fract() == 0.0 => format!("{x:.0}%"),
        Some(x) => format!("{x:.1}%"),
        None => "—".into(),
    }))
}

/// `{{ item.owner | name }}`: a people.yaml key becomes the person's or the
/// group's name (see `People::display_name`); an inline person gives its
/// `name`; anything else is shown as it is.
pub(super) fn name_filter(people: Arc<People>) -> impl tera::Filter {
    move |value: &Value, _: &HashMap<String, Value>| -> tera::Result<Value> {
        Ok(match value {
            Value::String(key) => Value::String(people.display_name(key)),
            Value::Object(map) => map.get("name").cloned().unwrap_or(Value::Null),
            other => other.clone(),
        })
    }
}

/// `person(key=..., at=report.target.iso)`: whom a key names, with the
/// contacts a reader needs to reach them: for a person the people.yaml entry
/// (name, email, role, phone, chat, timezone); for a group its name, its own
/// email, chat and phone, and `members` (names), with `group: true`; for an
/// inline person the entry as written; for an unknown key `{name: key}`. With
/// `at` (an RFC 3339 time) and a person's `timezone` other than `zone` (the
/// release's), `local` is that time in their zone (`Thu 3 Dec 2026, 22:30
/// EST`), for contact lists.
pub(super) fn person_function(people: Arc<People>) -> impl tera::Function {
    move |args: &HashMap<String, Value>| -> tera::Result<Value> {
        let at = args
            .get("at")
            .and_then(Value::as_str)
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
        match args.get("key") {
            Some(Value::String(key)) => Ok(if let Some(p) = people.people.get(key) {
                let mut value = tera::to_value(p)?;
                let release_zone = args.get("zone").and_then(Value::as_str);
                if let (Some(at), Some(zone)) = (at, p.timezone)
                    && release_zone != Some(zone.0.name())
                {
                    value["local"] = Value::String(
                        crate::evaluate::Moment::new(at.with_timezone(&zone.0), false).display,
                    );
                }
                value
            } else if let Some(g) = people.groups.get(key) {
                serde_json::json!({
                    "name": people.display_name(key),
                    "email": g.email,
                    "chat": g.chat,
                    "phone": g.phone,
                    "group": true,
                    "members": people.members(key).iter().map(|p| &p.name).collect::<Vec<_>>(),
                    // Each member with their contacts, for an escalation tree
                    // that must reach someone when the group's channel is down.
                    "people": people.members(key),
                })
            } else {
                serde_json::json!({ "name": key })
            }),
            Some(inline @ Value::Object(_)) => Ok(inline.clone()),
            _ => Ok(Value::Null),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(n: serde_json::Value, word: &str, plural: Option<&str>) -> String {
        let mut args = HashMap::from([("word".to_string(), Value::from(word))]);
        if let Some(p) = plural {
            args.insert("plural".into(), Value::from(p));
        }
        count_filter(&n, &args)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn a_count_takes_the_plural_of_its_number() {
        assert_eq!(counted(1.into(), "warning", None), "1 warning");
        assert_eq!(counted(2.into(), "warning", None), "2 warnings");
        assert_eq!(counted(0.into(), "warning", None), "0 warnings");
        assert_eq!(
            counted(1.into(), "category", Some("categories")),
            "1 category"
        );
        assert_eq!(
            counted(3.into(), "category", Some("categories")),
            "3 categories"
        );
        assert_eq!(count(1u64, "page"), "1 page");
        assert_eq!(count(33u64, "page"), "33 pages");
    }

    #[test]
    fn escaping_replaces_each_special_character_and_keeps_the_rest() {
        use crate::render::escape_html;
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain · text/ok"), "plain · text/ok");
        assert_eq!(
            escape_html("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#x27;s&lt;/a&gt;"
        );
        assert_eq!(escape_html("é<ü>"), "é&lt;ü&gt;");
        assert_eq!(escape_html("&"), "&amp;");
    }

    #[test]
    fn markdown_on_a_page_and_in_an_email_text_gives_the_same_twice() {
        let page = HashMap::from([("root".to_string(), Value::from("../../"))]);
        let source = Value::from("See [the runbook](db.md) *now*.");
        let first = markdown_filter(&source, &page).unwrap();
        assert_eq!(markdown_filter(&source, &page).unwrap(), first);
        assert!(first.as_str().unwrap().contains("../../runbooks/db.html"));
        let email = HashMap::from([("url".to_string(), Value::from("https://x.example/"))]);
        let text = markdown_text_filter(&source, &email).unwrap();
        assert_eq!(markdown_text_filter(&source, &email).unwrap(), text);
        assert!(
            text.as_str()
                .unwrap()
                .contains("https://x.example/runbooks/db.html")
        );
    }
}
