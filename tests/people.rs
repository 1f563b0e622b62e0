//! People, not keys: every person or group a release refers to is shown by
//! name, with contacts where the reader must act; groups have their own name,
//! address and chat channel; a person's time zone shows them go-live in their
//! own time; emails give times in UTC too; counts take the right plural.
//! Checked on the example site (content/ of this repository) by visible text.

mod common;

use std::path::Path;

use common::html::{page, rows, section, sel, text, texts};
use common::smtp::{Behaviour, SmtpServer};
use common::{Site, reported_places};
use mail_parser::MessageParser;
use scraper::Html;

/// The example site, built at a fixed time.
fn example() -> Site {
    let site = Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let out = site.run(&["build", "--now", "2026-12-01 10:00"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    site
}

/// The visible text of a whole page, whitespace collapsed.
fn visible(html: &Html) -> String {
    text(html.select(&sel("main")).next().expect("<main>"))
}

/// Group keys of the example's people.yaml; none may show on a page.
const GROUP_KEYS: [&str; 6] = [
    "security-team",
    "dba-team",
    "release-managers",
    "all-stakeholders",
    "devops",
    "oncall",
];

fn assert_no_keys(visible: &str, what: &str) {
    for key in GROUP_KEYS.iter().chain(&["kenji", "tomas", "sofia"]) {
        // Keys are lower-case words; names and chat handles (`@kenji.dba`,
        // `#dba`) are not matched as whole words here.
        let shown = visible
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',' || c == '·')
            .any(|w| w == *key);
        assert!(!shown, "{what} shows the key `{key}`:\n{visible}");
    }
}

#[test]
fn the_report_names_owners_of_blockers_risks_items_and_steps_with_contacts() {
    let site = example();
    let html = page(&site, "public/releases/northwind-erp-2.4.0/index.html");

    // Blockers: the owning group by name, with its chat channel to act on it.
    let blockers = rows(section(&html, "blockers"));
    let hsm = blockers
        .iter()
        .find(|r| r[0].starts_with("Production HSM key ceremony"))
        .expect("the HSM blocker");
    assert_eq!(hsm[2], "Security team · #sec-response", "{blockers:?}");

    // Risks show their owner (they were accepted but never shown).
    let risks = rows(section(&html, "risks"));
    let owners: Vec<(&str, &str)> = risks
        .iter()
        .map(|r| (r[0].as_str(), r[3].as_str()))
        .collect();
    assert!(
        owners.contains(&("RLS slows down month-end reports", "DBA team")),
        "{owners:?}"
    );
    assert!(
        owners.contains(&(
            "Encryption key unavailable makes PAN and bank data unreadable",
            "Security team"
        )),
        "{owners:?}"
    );

    // Checklist items and timeline steps: names of groups, read from their `name`
    // or, for the list form, a readable form of the key.
    let items = texts(&html, "ul.checklist-items li");
    assert!(
        items
            .iter()
            .any(|i| i.contains("Pre-release backup taken") && i.contains("· DBA team")),
        "{items:?}"
    );
    assert!(items.iter().any(|i| i.ends_with("· Support")), "{items:?}");
    let timeline = rows(section(&html, "timeline"));
    assert!(
        timeline
            .iter()
            .any(|r| r[2].starts_with("Go/no-go meeting") && r[3] == "Release managers"),
        "{timeline:?}"
    );
    assert_no_keys(&visible(&html), "the 2.4.0 report");

    let checklist = page(&site, "public/releases/northwind-erp-2.4.0/checklist.html");
    assert_no_keys(&visible(&checklist), "the 2.4.0 checklist");
}

#[test]
fn a_rejection_names_the_person_and_remediation_says_how_to_reach_the_owner() {
    let site = example();
    let html = page(&site, "public/releases/northwind-erp-2.3.1/index.html");
    let reasons = texts(&html, "ul.reasons li");
    assert!(
        reasons
            .iter()
            .any(|r| r.ends_with("Approval rejected by DBA (Kenji Watanabe)")),
        "{reasons:?}"
    );
    let remediation = rows(section(&html, "postponement"));
    let migration = remediation
        .iter()
        .find(|r| r[0].starts_with("Rewrite 2.3.1-02"))
        .expect("the migration remediation");
    assert_eq!(
        migration[1], "DBA team · dba@northwind.example · #dba",
        "{remediation:?}"
    );
    assert_no_keys(&visible(&html), "the 2.3.1 report");

    // `golive check` prints the same reasons.
    let out = site.run(&["check", "--release", "northwind-erp-2.3.1"]);
    assert!(
        out.stdout
            .contains("Approval rejected by DBA (Kenji Watanabe)"),
        "{}",
        out.describe()
    );
}

#[test]
fn reasons_and_warnings_write_dates_as_the_page_does() {
    let site = example();
    for slug in ["northwind-erp-2.4.0", "northwind-erp-2.3.1"] {
        let html = page(&site, &format!("public/releases/{slug}/index.html"));
        let mut sentences = texts(&html, "ul.reasons li");
        sentences.extend(texts(&html, "ul.warnings li"));
        assert!(!sentences.is_empty());
        let iso = sentences.iter().find(|s| {
            s.split(|c: char| !c.is_ascii_digit() && c != '-')
                .any(|w| w.len() == 10 && w.as_bytes()[4] == b'-' && w.as_bytes()[7] == b'-')
        });
        assert_eq!(iso, None, "an ISO date in {slug}: {sentences:?}");
    }
    let html = page(&site, "public/releases/northwind-erp-2.4.0/index.html");
    let reasons = texts(&html, "ul.reasons li");
    assert!(
        reasons.iter().any(|r| r.contains(
            "Open blocker, ETA Mon 7 Dec 2026 is after go-live: Production HSM key ceremony"
        )),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("Critical item pending (due Wed 2 Dec 2026, before go-live)")),
        "{reasons:?}"
    );
}

#[test]
fn the_runbook_gives_contacts_and_each_ones_own_time_of_go_live() {
    let site = example();
    let html = page(&site, "public/releases/northwind-erp-2.4.0/runbook.html");
    let escalation = rows(section(&html, "escalation"));
    // Tomás works from Madrid (people.yaml `timezone: Europe/Madrid`).
    let primary = &escalation[0];
    assert_eq!(primary[0], "Primary");
    assert_eq!(
        primary[1],
        "Tomás Herrera (Site Reliability Engineer) · go-live is Fri 4 Dec 2026, 04:30 CET for them"
    );
    // Someone in the release's own zone gets no second time.
    assert_eq!(escalation[1][1], "Nisha Kapoor (Platform Engineer)");

    // The steps' owners with the contacts to reach them during the go-live.
    let timeline = rows(section(&html, "timeline"));
    let backup = timeline
        .iter()
        .find(|r| r[2].starts_with("Final backup of production database"))
        .expect("the backup step");
    assert_eq!(backup[3], "DBA team · dba@northwind.example · #dba");
    let staging = timeline
        .iter()
        .find(|r| r[2].starts_with("Run migrations on staging"))
        .expect("the staging step");
    assert_eq!(staging[3], "DevOps · #devops");
    assert_no_keys(&visible(&html), "the 2.4.0 runbook");
}

#[test]
fn emails_give_times_in_the_release_zone_and_in_utc() {
    let site = example();
    let raw = std::fs::read(site.path("public/releases/northwind-erp-2.4.0/emails/readiness.eml"))
        .unwrap();
    let message = MessageParser::default().parse(&raw).expect("a message");
    let text = message.body_text(0).expect("a text part");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("Fri 4 Dec 2026, 09:00 IST (03:30 UTC)"),
        "{text}"
    );
    // The decision deadline too (a UTC day that differs is named: see
    // evaluate::wording_tests).
    assert!(
        text.contains("decision needed by Wed 2 Dec 2026, 17:00 IST (11:30 UTC)"),
        "{text}"
    );
    let html = message.body_html(0).expect("an HTML part");
    let body = Html::parse_document(&html);
    let shown = body.root_element().text().collect::<String>();
    let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        shown.contains("Fri 4 Dec 2026, 09:00 IST (03:30 UTC)"),
        "{shown}"
    );
    // Pages keep the one zone.
    let report = page(&site, "public/releases/northwind-erp-2.4.0/index.html");
    assert!(!visible(&report).contains("UTC)"));

    // The postponement notice names remediation owners with the contacts to reach them.
    let postponement = site.read("public/releases/northwind-erp-2.3.1/emails/postponement.txt");
    let postponement = postponement
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        postponement.contains("owner DBA team, #dba, dba@northwind.example; ETA Wed 18 Nov 2026"),
        "{postponement}"
    );

    // Dates written in the release file (`when`) too, in the started notice.
    let raw =
        std::fs::read(site.path("public/releases/northwind-erp-2.3.2/emails/started.eml")).unwrap();
    let message = MessageParser::default().parse(&raw).expect("a message");
    let text = message.body_text(0).expect("a text part");
    assert!(text.contains(" UTC)"), "{text}");
}

#[test]
fn a_group_with_its_own_address_receives_the_email_there() {
    let server = SmtpServer::start(Behaviour::default());
    let site = Site::copy_of("mail");
    let config = site.read("content/site.yaml");
    let start = config.find("smtp:").unwrap();
    site.write(
        "content/site.yaml",
        format!(
            "{}smtp:\n  host: 127.0.0.1\n  port: {}\n  tls: none\n",
            &config[..start],
            server.port
        ),
    );
    let people = site.read("content/people.yaml").replace(
        "leads: [cto, ana]",
        "leads: {name: Release leads, email: leads@mail.example, chat: \"#leads\", members: [cto, ana]}",
    );
    site.write("content/people.yaml", people);
    let out = site.run(&[
        "send",
        "mail-app-3.0.0",
        "success",
        "--send",
        "--timeout",
        "10",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    // `everyone: [leads, bo, zoë, ana]`: the leads' list once, then each person.
    let to: Vec<String> = server
        .messages()
        .iter()
        .flat_map(|m| m.to.clone())
        .collect();
    assert_eq!(
        to,
        [
            "leads@mail.example",
            "bo@mail.example",
            "zoe@mail.example",
            "ana@mail.example"
        ]
    );
    let first = server.messages()[0].data.clone();
    let message = MessageParser::default().parse(&first).unwrap();
    let header = message.to().unwrap().first().unwrap();
    assert_eq!(header.name(), Some("Release leads"));
}

/// The example's people.yaml with `from` replaced by `to`, built; the errors.
fn people_error(from: &str, to: &str) -> (String, Vec<String>) {
    let site = Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let people = site.read("content/people.yaml");
    assert!(people.contains(from), "{from}");
    site.write("content/people.yaml", people.replace(from, to));
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(!out.stderr.contains("panicked"), "{}", out.describe());
    let places = reported_places(&out.stderr);
    (out.stderr, places)
}

/// The line of the example's people.yaml holding `needle`, counted from 1.
fn line_of(needle: &str) -> usize {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("content/people.yaml"))
            .unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn bad_people_entries_are_located_errors_that_name_the_fix() {
    let dba = line_of("dba-team:");
    let at = format!("content/people.yaml:{dba}");

    let (stderr, places) = people_error("members: [kenji, olu]", "members: [kenji, oluu]");
    assert_eq!(places, std::slice::from_ref(&at), "{stderr}");
    assert!(
        stderr.contains("unknown person or group `oluu`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `olu`?"), "{stderr}");

    let (stderr, places) = people_error("email: dba@northwind.example", "email: dba-northwind");
    assert_eq!(places, std::slice::from_ref(&at), "{stderr}");
    assert!(
        stderr.contains("`dba-northwind` is not an email address"),
        "{stderr}"
    );

    let (stderr, places) = people_error("chat: \"#dba\"", "channel: \"#dba\"");
    assert_eq!(places, [at], "{stderr}");
    assert!(stderr.contains("channel"), "{stderr}");

    let tomas = line_of("tomas:");
    let (stderr, places) = people_error("timezone: Europe/Madrid", "timezone: Europe/Madird");
    assert_eq!(places, [format!("content/people.yaml:{tomas}")], "{stderr}");
    assert!(stderr.contains("did you mean `Europe/Madrid`?"), "{stderr}");
}

#[test]
fn counts_take_the_plural_of_their_number() {
    // 2.3.0 (deployed) has one verification warning and a 15-minute rollback.
    let site = Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let file = "content/releases/northwind-erp-2.3.0.yaml";
    let release = site.read(file);
    assert!(release.contains("  warnings: 1\n") && release.contains("estimated_minutes: 15\n"));
    let runbook = |warnings: u32, minutes: u32| -> String {
        site.write(
            file,
            release
                .replace("  warnings: 1\n", &format!("  warnings: {warnings}\n"))
                .replace(
                    "estimated_minutes: 15\n",
                    &format!("estimated_minutes: {minutes}\n"),
                ),
        );
        let out = site.run(&["build"]);
        assert_eq!(out.code, Some(0), "{}", out.describe());
        visible(&page(
            &site,
            "public/releases/northwind-erp-2.3.0/runbook.html",
        ))
    };
    let one = runbook(1, 1);
    assert!(one.contains("48 passed, 0 failed, 1 warning"), "{one}");
    assert!(one.contains("1 minute"), "{one}");
    assert!(
        !one.contains("1 warnings") && !one.contains("1 minutes"),
        "{one}"
    );
    let two = runbook(2, 2);
    assert!(two.contains("48 passed, 0 failed, 2 warnings"), "{two}");
    assert!(two.contains("2 minutes"), "{two}");
}

#[test]
fn the_build_summary_counts_one_release_in_the_singular() {
    let site = Site::copy_of("basic");
    site.remove("content/releases/billing-1.4.0.yaml");
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(
        out.stdout.starts_with("built 1 release (1 rendered): "),
        "{}",
        out.stdout
    );
}
