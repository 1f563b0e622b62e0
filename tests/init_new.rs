//! `golive init` makes a site that builds at once and never overwrites anything;
//! `golive new` copies a product's latest release with its statuses reset (or
//! starts from the template) and leaves placeholders that `check` points at.

mod common;

use std::path::Path;

use common::{Site, golive, line_of, replace_once, snapshot};
use serde_yaml::Value;

const MODELINE: &str = "# yaml-language-server: $schema=../../schema/release.schema.json";
const PLACEHOLDER: &str = "YYYY-MM-DD HH:MM";

/// The files `init` writes, relative to the new site.
const INIT_FILES: &[&str] = &[
    "content/site.yaml",
    "content/people.yaml",
    "content/checklists/production-deployment.yaml",
    "content/runbooks/service-unavailable.md",
    "content/releases/acme-portal-1.4.0.yaml",
    "schema/release.schema.json",
];

/// A temporary folder with a fresh site made by `golive init` in `site/`.
fn init_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = golive(&["init", "site"], tmp.path());
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let root = tmp.path().join("site");
    (tmp, root)
}

fn run_in(root: &Path, args: &[&str]) -> common::Output {
    let mut all = vec!["--root", root.to_str().unwrap()];
    all.extend_from_slice(args);
    golive(&all, root)
}

/// `check` found no problem in the content: exit 0 (GO) or 1 (not GO), no error.
fn assert_valid(out: &common::Output) {
    assert!(
        matches!(out.code, Some(0 | 1)) && !out.stderr.contains("error:"),
        "expected valid content\n{}",
        out.describe()
    );
}

/// The `file:line:` of every error `check` printed.
fn error_places(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .map(|l| l.split(": error: ").next().unwrap().to_string())
        .map(|place| place.rsplit_once(':').unwrap().0.to_string())
        .collect()
}

fn schema_problems(root: &Path, release: &str) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schema/release.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let value: Value = serde_yaml::from_str(release).unwrap();
    let json = serde_json::to_value(value).unwrap();
    validator
        .iter_errors(&json)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

// ---- init ----------------------------------------------------------------------

#[test]
fn init_makes_a_site_that_builds_and_checks_at_once() {
    let (_tmp, root) = init_site();
    for file in INIT_FILES {
        assert!(root.join(file).is_file(), "{file} was not written");
    }
    let release =
        std::fs::read_to_string(root.join("content/releases/acme-portal-1.4.0.yaml")).unwrap();
    assert_eq!(release.lines().next(), Some(MODELINE));
    assert!(
        schema_problems(&root, &release).is_empty(),
        "{:?}",
        schema_problems(&root, &release)
    );

    let build = run_in(&root, &["build"]);
    assert_eq!(build.code, Some(0), "{}", build.describe());
    assert!(root.join("public/index.html").is_file());
    assert!(
        root.join("public/releases/acme-portal-1.4.0/index.html")
            .is_file()
    );
    assert!(
        root.join("public/runbooks/service-unavailable.html")
            .is_file()
    );

    let check = run_in(&root, &["check"]);
    assert_valid(&check);
    assert!(
        check.stdout.contains("acme-portal-1.4.0"),
        "{}",
        check.describe()
    );
}

#[test]
fn init_says_what_it_made_and_what_to_do_next() {
    let tmp = tempfile::tempdir().unwrap();
    let out = golive(&["init", "my-site"], tmp.path());
    assert_eq!(out.code, Some(0), "{}", out.describe());
    for file in INIT_FILES {
        assert!(
            out.stdout.contains(file),
            "{file} not listed:\n{}",
            out.stdout
        );
    }
    for step in [
        "cd my-site && golive build",
        "public/index.html",
        "golive new <product> <version>",
    ] {
        assert!(
            out.stdout.contains(step),
            "`{step}` missing:\n{}",
            out.stdout
        );
    }

    let quiet = golive(&["--quiet", "init", "quiet-site"], tmp.path());
    assert_eq!(quiet.code, Some(0), "{}", quiet.describe());
    assert_eq!(quiet.stdout, "");
    assert_eq!(quiet.stderr, "");
    assert!(tmp.path().join("quiet-site/content/site.yaml").is_file());
}

#[test]
fn init_without_a_folder_uses_the_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("from-root");
    let out = golive(&["--root", root.to_str().unwrap(), "init"], tmp.path());
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(root.join("content/site.yaml").is_file());

    // And in the current folder: no `cd` in the next steps.
    let here = tmp.path().join("here");
    std::fs::create_dir(&here).unwrap();
    let out = golive(&["init"], &here);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(here.join("content/site.yaml").is_file());
    assert!(!out.stdout.contains("cd "), "{}", out.stdout);
}

#[test]
fn init_refuses_to_overwrite_a_site() {
    let (tmp, root) = init_site();
    // The writer has changed a file since.
    std::fs::write(root.join("content/people.yaml"), "people: {}\n").unwrap();
    let before = snapshot(&root);

    let out = golive(&["init", "site"], tmp.path());
    assert_eq!(out.code, Some(1), "{}", out.describe());
    for file in INIT_FILES {
        assert!(
            out.stderr.contains(file),
            "{file} not named:\n{}",
            out.stderr
        );
    }
    assert_eq!(snapshot(&root), before, "init changed an existing site");
}

#[test]
fn init_refuses_when_one_file_is_in_the_way_and_writes_none_of_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content/runbooks")).unwrap();
    std::fs::write(
        root.join("content/runbooks/service-unavailable.md"),
        "mine\n",
    )
    .unwrap();
    let before = snapshot(&root);

    let out = golive(&["init", "site"], tmp.path());
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert!(
        out.stderr
            .contains("content/runbooks/service-unavailable.md"),
        "{}",
        out.describe()
    );
    assert!(!out.stderr.contains("content/site.yaml"), "{}", out.stderr);
    assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
    assert_eq!(snapshot(&root), before, "init wrote some files");
    assert!(!root.join("schema").exists());
}

#[test]
fn init_refuses_when_a_file_stands_where_a_folder_must_be() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("content"), "not a folder\n").unwrap();
    let before = snapshot(&root);

    let out = golive(&["init", "site"], tmp.path());
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert!(out.stderr.contains("content"), "{}", out.describe());
    assert_eq!(snapshot(&root), before);
}

// ---- new: a copy of the latest release ------------------------------------------

/// A copy of this repository's example site.
fn example_site() -> Site {
    Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap_or_else(|e| panic!("not YAML: {e}\n{text}"))
}

fn seq<'a>(value: &'a Value, key: &str) -> &'a Vec<Value> {
    value
        .get(key)
        .and_then(Value::as_sequence)
        .unwrap_or_else(|| panic!("no list `{key}`"))
}

#[test]
fn new_copies_the_latest_release_with_everything_of_its_go_live_reset() {
    let site = example_site();
    let source_before = site.read("content/releases/northwind-erp-2.4.0.yaml");
    let out = site.run(&["new", "Northwind ERP", "2.5.0"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(
        out.stdout
            .contains("content/releases/northwind-erp-2.5.0.yaml"),
        "{}",
        out.describe()
    );
    assert!(
        out.stdout
            .contains("content/releases/northwind-erp-2.4.0.yaml"),
        "the source is named: {}",
        out.describe()
    );
    assert_eq!(
        site.read("content/releases/northwind-erp-2.4.0.yaml"),
        source_before
    );
    assert!(site.path("schema/release.schema.json").is_file());

    let text = site.read("content/releases/northwind-erp-2.5.0.yaml");
    assert_eq!(text.lines().next(), Some(MODELINE));
    assert!(
        text.contains("northwind-erp-2.4.0.yaml"),
        "says where it came from"
    );
    let new = yaml(&text);
    let old = yaml(&source_before);

    assert_eq!(new["product"], Value::from("Northwind ERP"));
    assert_eq!(new["version"], Value::from("2.5.0"));
    assert_eq!(new["target"], Value::from(PLACEHOLDER));
    assert_eq!(new["decision_due"], Value::from(PLACEHOLDER));
    for gone in ["verification", "deployment", "postponement", "blockers"] {
        assert!(new.get(gone).is_none(), "`{gone}` was copied");
    }
    // The success criteria stay, without the values measured on 2.4.0.
    let criteria = new["metrics"].as_sequence().expect("metrics kept");
    let old_metrics = old["metrics"].as_sequence().unwrap();
    assert_eq!(criteria.len(), old_metrics.len());
    for (kept, was) in criteria.iter().zip(old_metrics) {
        assert_eq!(kept["name"], was["name"]);
        assert_eq!(kept["target"], was["target"]);
        assert!(
            kept.get("value").is_none(),
            "a measured value was copied: {kept:?}"
        );
    }
    assert!(
        text.contains("success criteria"),
        "the header says so:\n{text}"
    );
    // Everything else is kept as it was.
    for kept in [
        "title",
        "change_type",
        "timezone",
        "owner",
        "summary",
        "audience",
        "impact",
        "changes",
        "risks",
        "timeline",
        "rollback",
        "dashboards",
        "escalation",
        "runbooks",
    ] {
        assert_eq!(new.get(kept), old.get(kept), "`{kept}` changed");
    }

    // Every checklist status is pending: inline items and `use:` status maps.
    let mut items = 0;
    let mut states = 0;
    let old_readiness = seq(&old, "readiness");
    for (e, entry) in seq(&new, "readiness").iter().enumerate() {
        if let Some(list) = entry.get("items").and_then(Value::as_sequence) {
            for (i, item) in list.iter().enumerate() {
                items += 1;
                assert_eq!(item["status"], Value::from("pending"), "{item:?}");
                for gone in ["due", "evidence", "note"] {
                    assert!(item.get(gone).is_none(), "{gone} kept in {item:?}");
                }
                let before = &old_readiness[e]["items"][i];
                for kept in ["check", "critical", "owner", "weight"] {
                    assert_eq!(item.get(kept), before.get(kept), "{kept} of {item:?}");
                }
            }
        }
        if let Some(map) = entry.get("status").and_then(Value::as_mapping) {
            assert_eq!(
                map.len(),
                old_readiness[e]["status"].as_mapping().unwrap().len()
            );
            for (id, state) in map {
                states += 1;
                match state {
                    Value::String(s) => assert_eq!(s, "pending", "{id:?}"),
                    Value::Mapping(m) => {
                        assert_eq!(m.get("status"), Some(&Value::from("pending")), "{id:?}");
                        for gone in ["due", "evidence", "note"] {
                            assert!(m.get(gone).is_none(), "{gone} kept in {id:?}");
                        }
                    }
                    other => panic!("{id:?}: {other:?}"),
                }
            }
        }
    }
    assert!(
        items >= 10 && states >= 40,
        "{items} items, {states} states"
    );
    // A detailed state keeps its owner.
    assert!(
        text.contains("build.release-notes: {status: pending, owner: ananya}"),
        "owner of a detailed state kept"
    );

    // Approvals: the same roles and approvers, all pending again, without dates.
    let approvals = seq(&new, "approvals");
    let old_approvals = seq(&old, "approvals");
    assert_eq!(approvals.len(), old_approvals.len());
    for (a, before) in approvals.iter().zip(old_approvals) {
        assert_eq!(a["status"], Value::from("pending"), "{a:?}");
        assert_eq!(a.get("role"), before.get("role"));
        assert_eq!(a.get("who"), before.get("who"));
        assert!(a.get("at").is_none() && a.get("note").is_none(), "{a:?}");
    }
}

#[test]
fn check_points_at_the_placeholders_until_they_are_filled_in() {
    let site = example_site();
    let out = site.run(&["new", "Northwind ERP", "2.5.0"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let file = "content/releases/northwind-erp-2.5.0.yaml";
    let text = site.read(file);

    let check = site.run(&["check"]);
    assert_eq!(check.code, Some(2), "{}", check.describe());
    let target_line = line_of(&text, &format!("target: {PLACEHOLDER}"));
    assert_eq!(
        error_places(&check.stderr),
        vec![format!("{file}:{target_line}")],
        "{}",
        check.describe()
    );
    assert!(
        check.stderr.contains("# TODO"),
        "the line with its TODO is shown"
    );

    // One date at a time: serde stops at the first bad value of a file.
    let text = replace_once(
        &text,
        &format!("target: {PLACEHOLDER}"),
        "target: 2027-01-15 09:00 #",
    );
    site.write(file, &text);
    let check = site.run(&["check"]);
    assert_eq!(check.code, Some(2), "{}", check.describe());
    let due_line = line_of(&text, &format!("decision_due: {PLACEHOLDER}"));
    assert_eq!(
        error_places(&check.stderr),
        vec![format!("{file}:{due_line}")],
        "{}",
        check.describe()
    );

    let text = replace_once(
        &text,
        &format!("decision_due: {PLACEHOLDER}"),
        "decision_due: 2027-01-13 17:00 #",
    );
    site.write(file, &text);
    let check = site.run(&["check"]);
    assert_valid(&check);
    assert!(
        check.stdout.contains("northwind-erp-2.5.0"),
        "{}",
        check.describe()
    );
    assert!(
        schema_problems(&site.root, &text).is_empty(),
        "{:?}",
        schema_problems(&site.root, &text)
    );
    let build = site.run(&["build"]);
    assert_eq!(build.code, Some(0), "{}", build.describe());
}

#[test]
fn new_finds_the_product_by_slug_or_in_any_letter_case() {
    let site = example_site();
    let out = site.run(&["new", "northwind-erp", "2.6.0"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let new = yaml(&site.read("content/releases/northwind-erp-2.6.0.yaml"));
    assert_eq!(
        new["product"],
        Value::from("Northwind ERP"),
        "the product's own spelling"
    );

    let site = example_site();
    let out = site.run(&["--quiet", "new", "NORTHWIND erp", "3.0.0-rc.1"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert_eq!(out.stdout, "", "quiet");
    assert!(
        site.path("content/releases/northwind-erp-3.0.0-rc.1.yaml")
            .is_file()
    );
}

#[test]
fn a_patch_of_an_older_line_copies_the_release_before_it() {
    let site = example_site();
    let out = site.run(&["new", "Northwind ERP", "2.3.4"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(
        out.stdout.contains("northwind-erp-2.3.3.yaml"),
        "2.3.4 follows 2.3.3, not 2.4.0: {}",
        out.describe()
    );
}

#[test]
fn a_copy_can_be_made_while_another_file_has_errors_but_not_from_a_broken_release() {
    let site = example_site();
    // An unrelated broken release: copying 2.4.0 still works.
    site.write(
        "content/releases/other-1.0.0.yaml",
        "product: Other\nversion: 1.0.0\nchange_type: hotfix\ntarget: soon\nowner: ananya\n",
    );
    let out = site.run(&["new", "Northwind ERP", "2.5.0"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(
        out.stderr.contains("golive check"),
        "a note about the problems: {}",
        out.describe()
    );

    // 2.5.0 still has its placeholders: it cannot be the source of 2.6.0.
    let out = site.run(&["new", "Northwind ERP", "2.6.0"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(
        out.stderr
            .contains("content/releases/northwind-erp-2.5.0.yaml:"),
        "the source's problems are printed: {}",
        out.describe()
    );
    assert!(
        !site
            .path("content/releases/northwind-erp-2.6.0.yaml")
            .exists()
    );
}

// ---- new: the template -----------------------------------------------------------

#[test]
fn new_product_gets_the_template_and_builds_once_the_dates_are_filled_in() {
    let site = example_site();
    let out = site.run(&["new", "Billing Hub", "1.0.0"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let file = "content/releases/billing-hub-1.0.0.yaml";
    assert!(out.stdout.contains(file), "{}", out.describe());
    let text = site.read(file);
    assert_eq!(text.lines().next(), Some(MODELINE));
    let new = yaml(&text);
    assert_eq!(new["product"], Value::from("Billing Hub"));
    assert_eq!(new["version"], Value::from("1.0.0"));
    assert_eq!(new["target"], Value::from(PLACEHOLDER));
    assert!(text.contains("# TODO"), "placeholders are explained");
    assert!(
        text.contains("#   readiness: {to:"),
        "optional keys are shown commented out"
    );

    let check = site.run(&["check"]);
    assert_eq!(check.code, Some(2), "{}", check.describe());
    let target_line = line_of(&text, &format!("target: {PLACEHOLDER}"));
    assert_eq!(
        error_places(&check.stderr),
        vec![format!("{file}:{target_line}")]
    );

    let filled = text
        .replace(
            &format!("target: {PLACEHOLDER}"),
            "target: 2027-02-01 10:00 #",
        )
        .replace(
            &format!("decision_due: {PLACEHOLDER}"),
            "decision_due: 2027-01-29 #",
        );
    site.write(file, &filled);
    assert_valid(&site.run(&["check"]));
    assert!(
        schema_problems(&site.root, &filled).is_empty(),
        "{:?}",
        schema_problems(&site.root, &filled)
    );
    let build = site.run(&["build"]);
    assert_eq!(build.code, Some(0), "{}", build.describe());
    assert!(
        site.path("public/releases/billing-hub-1.0.0/index.html")
            .is_file()
    );
}

#[test]
fn the_template_fits_a_site_made_by_init() {
    let (_tmp, root) = init_site();
    let out = run_in(&root, &["new", "Acme Mobile", "0.9.0-beta.2"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let path = root.join("content/releases/acme-mobile-0.9.0-beta.2.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let filled = text
        .replace(
            &format!("target: {PLACEHOLDER}"),
            "target: 2027-05-03 09:00 #",
        )
        .replace(
            &format!("decision_due: {PLACEHOLDER}"),
            "decision_due: 2027-04-29 17:00 #",
        );
    std::fs::write(&path, filled).unwrap();
    assert_valid(&run_in(&root, &["check"]));
    let build = run_in(&root, &["build"]);
    assert_eq!(build.code, Some(0), "{}", build.describe());

    // And the example release of init can be copied.
    let out = run_in(&root, &["new", "Acme Portal", "1.5.0"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let copy = yaml(
        &std::fs::read_to_string(root.join("content/releases/acme-portal-1.5.0.yaml")).unwrap(),
    );
    assert!(copy.get("blockers").is_none() && copy.get("deployment").is_none());
}

#[test]
fn the_template_works_in_a_site_with_errors() {
    let site = example_site();
    site.write("content/releases/broken.yaml", "product: [\n");
    let out = site.run(&["new", "Billing Hub", "1.0.0"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(
        site.path("content/releases/billing-hub-1.0.0.yaml")
            .is_file()
    );
}

// ---- new: refusals ----------------------------------------------------------------

#[test]
fn new_refuses_to_overwrite_a_release() {
    let site = example_site();
    let before = site.snapshot("content");
    let out = site.run(&["new", "Northwind ERP", "2.4.0"]);
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert!(
        out.stderr.contains("northwind-erp-2.4.0.yaml"),
        "{}",
        out.describe()
    );
    assert!(out.stderr.contains("exists already"), "{}", out.describe());
    assert_eq!(site.snapshot("content"), before);

    // The same version under another file name is the same release.
    let text = site.read("content/releases/northwind-erp-2.4.0.yaml");
    site.remove("content/releases/northwind-erp-2.4.0.yaml");
    site.write("content/releases/2026/erp-security.yaml", &text);
    let out = site.run(&["new", "Northwind ERP", "2.4.0"]);
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert!(
        out.stderr.contains("erp-security.yaml"),
        "{}",
        out.describe()
    );
    assert!(
        !site
            .path("content/releases/northwind-erp-2.4.0.yaml")
            .exists()
    );

    // A file of that name that is not (yet) a release is not overwritten either.
    site.write("content/releases/billing-hub-1.0.0.yaml", "# draft\n");
    let out = site.run(&["new", "Billing Hub", "1.0.0"]);
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert_eq!(
        site.read("content/releases/billing-hub-1.0.0.yaml"),
        "# draft\n"
    );
}

#[test]
fn new_refuses_a_version_that_is_not_semver() {
    let site = example_site();
    let before = site.snapshot("content");
    for (bad, help) in [
        ("2.5", "MAJOR.MINOR.PATCH"),
        ("v2.5.0", "2.5.0"),
        ("next", "MAJOR.MINOR.PATCH"),
    ] {
        let out = site.run(&["new", "Northwind ERP", bad]);
        assert_eq!(out.code, Some(2), "{bad}: {}", out.describe());
        assert!(
            out.stderr
                .contains(&format!("`{bad}` is not a semantic version"))
                && out.stderr.contains(help),
            "{bad}: {}",
            out.describe()
        );
    }
    assert_eq!(site.snapshot("content"), before);
}

#[test]
fn new_needs_a_site_and_a_product_name() {
    let tmp = tempfile::tempdir().unwrap();
    let out = golive(&["new", "Acme", "1.0.0"], tmp.path());
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(out.stderr.contains("golive init"), "{}", out.describe());
    assert!(!tmp.path().join("content").exists());

    let site = example_site();
    let out = site.run(&["new", "--", "---", "1.0.0"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
}
