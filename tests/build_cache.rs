//! The build cache (`.golive-cache.json`, MessagePack after a versioned
//! header) and what a rebuild takes from the output instead of the cache:
//! the site's calendar feed is built from the last feed, or the releases' own
//! `calendar.ics`, and comes out byte for byte what a cold build writes.

mod common;

use common::Site;

const NOW: &str = "2026-10-20 12:00";
const FEED: &str = "calendar.ics";

fn build(site: &Site, out: &str) -> common::Output {
    let done = site.run(&["--now", NOW, "build", "--out", out]);
    assert_eq!(done.code, Some(0), "{}", done.describe());
    done
}

/// Renames a milestone of one release: its event gets another UID and text.
fn edit(site: &Site, from: &str, to: &str) {
    let file = "content/releases/dst.yaml";
    site.write(file, common::replace_once(&site.read(file), from, to));
}

#[test]
fn a_rebuilt_feed_is_the_feed_of_a_cold_build() {
    let site = Site::copy_of("ics");
    build(&site, "public");
    edit(
        &site,
        "activity: Switch traffic",
        "activity: Switch all traffic",
    );
    let again = build(&site, "public");
    assert!(
        again.stdout.contains("(1 rendered)"),
        "{}",
        again.describe()
    );
    build(&site, "cold");
    let feed = site.read(&format!("public/{FEED}"));
    assert!(feed.contains("Switch all traffic"), "{feed}");
    assert_eq!(feed, site.read(&format!("cold/{FEED}")));
}

#[test]
fn a_feed_changed_by_hand_is_not_copied_from() {
    let site = Site::copy_of("ics");
    build(&site, "public");
    let feed = site.read(&format!("public/{FEED}"));
    // Someone edits the published feed: its events are not taken from it.
    site.write(
        &format!("public/{FEED}"),
        feed.replace("SUMMARY:", "SUMMARY:Tampered "),
    );
    edit(
        &site,
        "activity: Switch traffic",
        "activity: Switch traffic now",
    );
    build(&site, "public");
    build(&site, "cold");
    let rebuilt = site.read(&format!("public/{FEED}"));
    assert!(!rebuilt.contains("Tampered"), "{rebuilt}");
    assert_eq!(rebuilt, site.read(&format!("cold/{FEED}")));
}

#[test]
fn a_cache_of_another_format_is_ignored_and_replaced() {
    let site = Site::copy_of("ics");
    let first = build(&site, "public");
    let pages = site.snapshot("public");
    // What an older golive wrote (JSON), or a damaged file.
    // (The last: this format's header, then what is not MessagePack of a cache.)
    let damaged: [&[u8]; 3] = [
        b"{\"key\": \"old\", \"releases\": {}}",
        b"golive-cache\x01",
        b"golive-cache\x0a\x00\x00\x00\xc1garbage",
    ];
    for old in damaged {
        site.write("public/.golive-cache.json", old);
        let rebuilt = build(&site, "public");
        assert!(
            rebuilt.stdout.contains("(5 rendered)"),
            "{}\n(first: {})",
            rebuilt.describe(),
            first.stdout
        );
        let unchanged = build(&site, "public");
        assert!(
            unchanged.stdout.contains("(0 rendered)"),
            "the new cache is read: {}",
            unchanged.describe()
        );
    }
    let mut now = site.snapshot("public");
    let mut before = pages;
    now.retain(|p, _| !p.to_string_lossy().starts_with(".golive-"));
    before.retain(|p, _| !p.to_string_lossy().starts_with(".golive-"));
    assert_eq!(now, before);
}
