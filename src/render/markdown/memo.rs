//! The last few Markdown texts each render thread converted, with their
//! output: a release's summary and communication plan go through the
//! `markdown` filters on the report, the approval page, the war-room pack and
//! every email preview, with the same link base each time (`root="../../"` on
//! its pages, `url=base_url` in its emails). A release's pages and emails are
//! rendered one after another on one thread, so a handful of entries per
//! thread catches the repeats; the output is a pure function of the key, so a
//! hit is exactly what converting again would give.

use std::cell::RefCell;

use super::Base;

/// Entries kept per thread: a release's texts (summary, communication plan)
/// in each form (page HTML, email HTML, email text).
const ENTRIES: usize = 8;

/// Texts longer than this are converted each time rather than kept.
const MAX_KEPT: usize = 64 * 1024;

/// What a cached output was made by.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Form {
    /// `markdown` on a page: `to_html`.
    Html,
    /// `markdown` in an email: `to_html`, then the email CSS inlined.
    EmailHtml,
    /// `markdown_text`: `to_text`.
    Text,
}

struct Entry {
    form: Form,
    /// The hash of the email CSS for [`Form::EmailHtml`] (0 otherwise).
    salt: u64,
    base: Base,
    source: String,
    output: String,
}

thread_local! {
    static RECENT: RefCell<(Vec<Entry>, usize)> = const { RefCell::new((Vec::new(), 0)) };
}

/// `make()`'s output for `source` read from `base` as `form` (with `salt`,
/// the hash of the email CSS for [`Form::EmailHtml`]), from this thread's recent
/// conversions when the same text was converted the same way lately.
pub fn cached<E>(
    form: Form,
    salt: u64,
    source: &str,
    base: &Base,
    make: impl FnOnce() -> Result<String, E>,
) -> Result<String, E> {
    if source.len() > MAX_KEPT {
        return make();
    }
    let hit = RECENT.with_borrow(|(entries, _)| {
        entries
            .iter()
            .find(|e| e.form == form && e.source == source && e.base == *base && e.salt == salt)
            .map(|e| e.output.clone())
    });
    if let Some(output) = hit {
        return Ok(output);
    }
    let output = make()?;
    RECENT.with_borrow_mut(|(entries, next)| {
        let entry = Entry {
            form,
            salt,
            base: base.clone(),
            source: source.to_string(),
            output: output.clone(),
        };
        if entries.len() < ENTRIES {
            entries.push(entry);
        } else {
            entries[*next] = entry;
        }
        *next = (*next + 1) % ENTRIES;
    });
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made(form: Form, salt: u64, source: &str, base: &Base, calls: &mut u32) -> String {
        cached::<()>(form, salt, source, base, || {
            *calls += 1;
            Ok(format!("{form:?}:{salt}:{source}"))
        })
        .unwrap()
    }

    #[test]
    fn a_text_converted_again_the_same_way_is_not_converted_twice() {
        let page = Base::page("../../");
        let mut calls = 0;
        let first = made(Form::Html, 0, "a *b*", &page, &mut calls);
        assert_eq!(made(Form::Html, 0, "a *b*", &page, &mut calls), first);
        assert_eq!(calls, 1);
    }

    #[test]
    fn another_form_base_salt_or_text_is_converted_anew() {
        let page = Base::page("../../");
        let mut calls = 0;
        made(Form::Html, 0, "x", &page, &mut calls);
        made(Form::Text, 0, "x", &page, &mut calls);
        made(Form::Html, 0, "x", &Base::page("../"), &mut calls);
        made(Form::EmailHtml, 1, "x", &page, &mut calls);
        made(Form::EmailHtml, 2, "x", &page, &mut calls);
        made(Form::Html, 0, "y", &page, &mut calls);
        assert_eq!(calls, 6);
    }

    #[test]
    fn only_the_last_few_are_kept() {
        let page = Base::page("");
        let mut calls = 0;
        for i in 0..=ENTRIES {
            made(Form::Html, 0, &i.to_string(), &page, &mut calls);
        }
        // The first was pushed out by the ninth; the last is still there.
        made(Form::Html, 0, "0", &page, &mut calls);
        made(Form::Html, 0, &ENTRIES.to_string(), &page, &mut calls);
        assert_eq!(calls, ENTRIES as u32 + 2);
    }

    #[test]
    fn an_error_is_not_kept() {
        let page = Base::page("");
        assert!(cached(Form::Html, 0, "e", &page, || Err(())).is_err());
        let mut calls = 0;
        made(Form::Html, 0, "e", &page, &mut calls);
        assert_eq!(calls, 1);
    }
}
