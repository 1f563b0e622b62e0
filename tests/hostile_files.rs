//! Hostile files in every place golive reads from: settings, people, releases,
//! checklists, runbooks, verification results and template overrides.
//!
//! One rule holds for all of them: a symbolic link whose target is inside the
//! site folder is followed; a file outside the site is refused with an error
//! that names the file and never shows its content (stdout, stderr and
//! public/ are checked for a secret planted there); folders, named pipes,
//! devices and files over 4 MiB are refused without hanging; a failed command
//! leaves public/ as it was.
#![cfg(unix)]

mod common;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use common::{Output, Site, Snapshot, line_of, reported_places};

const SECRET: &str = "GOLIVE_SMTP_PASSWORD=hunter2-planted-secret";
const RESULTS_RELEASE: &str = "content/releases/complete-app-1.1.0.yaml";

/// A file golive reads, and the command that reads it.
struct Kind {
    file: &'static str,
    /// `check` reads content; templates are read by `build` (and `email`).
    command: &'static str,
    /// Where the refusal is reported, if not at the file itself.
    reported_in: Option<&'static str>,
}

const KINDS: &[Kind] = &[
    Kind::content("content/site.yaml"),
    Kind::content("content/people.yaml"),
    Kind::content("content/releases/complete-app-1.0.0.yaml"),
    Kind::content("content/checklists/deploy.yaml"),
    Kind::content("content/runbooks/db-errors.md"),
    Kind {
        file: "content/releases/results.json",
        command: "check",
        reported_in: Some(RESULTS_RELEASE),
    },
    Kind::template("layouts/base.html"),
    Kind::template("layouts/assets/golive.css"),
    Kind::template("emails/readiness.txt"),
];

impl Kind {
    const fn content(file: &'static str) -> Kind {
        Kind {
            file,
            command: "check",
            reported_in: None,
        }
    }

    const fn template(file: &'static str) -> Kind {
        Kind {
            file,
            command: "build",
            reported_in: None,
        }
    }

    fn reported_in(&self) -> &'static str {
        self.reported_in.unwrap_or(self.file)
    }
}

/// The `complete` fixture, with every template overridden by a copy of the
/// built-in one, built once; and a folder beside the site for files outside it.
struct Built {
    site: Site,
    public: Snapshot,
    outside: PathBuf,
}

fn built() -> Built {
    let site = Site::copy_of("complete");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for kind in KINDS.iter().filter(|k| k.command == "build") {
        site.write(
            kind.file,
            std::fs::read(repo.join(kind.file)).expect("the built-in template"),
        );
    }
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let outside = site.root.parent().unwrap().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let public = site.snapshot("public");
    Built {
        site,
        public,
        outside,
    }
}

impl Built {
    /// Replaces `relative` with a symbolic link to `target`.
    fn link(&self, relative: &str, target: &Path) {
        let path = self.site.path(relative);
        let _ = std::fs::remove_file(&path);
        symlink(target, &path).unwrap_or_else(|e| panic!("link {relative}: {e}"));
    }

    /// Runs `args` and checks that it refused `kind`'s file for a reason that
    /// `says`: exit 2 with a located error at the right file, nothing printed
    /// or published from outside, public/ untouched.
    fn expect_refused(&self, args: &[&str], kind: &Kind, says: &str, context: &str) -> Output {
        let out = self.site.run(args);
        let context = format!("{context}: golive {}\n{}", args.join(" "), out.describe());
        assert!(
            !matches!(out.code, None | Some(101) | Some(134)) && !out.stderr.contains("panicked"),
            "crashed\n{context}"
        );
        assert_eq!(out.code, Some(2), "{context}");
        let file = kind.reported_in();
        let header = out
            .stderr
            .lines()
            .find(|l| common::is_header(l) && l.starts_with(&format!("{file}:")))
            .unwrap_or_else(|| {
                panic!(
                    "no error at {file} (reported: {:?})\n{context}",
                    reported_places(&out.stderr)
                )
            });
        assert!(
            header.contains(says),
            "the error does not say `{says}`\n{context}"
        );
        if kind.reported_in.is_none() {
            assert!(
                header.contains(&format!("error: {}", kind.file)),
                "the error does not name the file first\n{context}"
            );
        }
        for text in [&out.stdout, &out.stderr] {
            assert!(
                !text.contains("hunter2"),
                "the secret was printed\n{context}"
            );
            assert!(
                !text.contains("root:x:0"),
                "/etc/passwd was printed\n{context}"
            );
        }
        let now = self.site.snapshot("public");
        assert!(now == self.public, "public/ changed\n{context}");
        out
    }
}

/// The text of a file outside the site that would show its secret if read:
/// for YAML it does not parse, so an error would echo it; a template would
/// publish it; results would be counted.
fn planted(kind: &Kind) -> String {
    if kind.file.ends_with(".json") {
        format!("{{\"passed\": \"{SECRET}\"}}")
    } else if kind.file.ends_with(".html") || kind.file.ends_with(".txt") {
        format!("Subject: {SECRET}\n\n{SECRET}\n")
    } else {
        format!("{SECRET}\u{0}OTHER=1 [\n")
    }
}

#[test]
fn links_to_files_outside_the_site_are_refused_and_never_read() {
    let b = built();
    for kind in KINDS {
        let original = b.site.read(kind.file);
        let secret_file = b.outside.join(Path::new(kind.file).file_name().unwrap());
        std::fs::write(&secret_file, planted(kind)).unwrap();
        b.link(kind.file, &secret_file);
        b.expect_refused(
            &[kind.command],
            kind,
            "symbolic link to a file outside the site folder",
            kind.file,
        );
        if Path::new("/etc/passwd").is_file() {
            b.link(kind.file, Path::new("/etc/passwd"));
            b.expect_refused(
                &[kind.command],
                kind,
                "outside the site folder",
                &format!("{} -> /etc/passwd", kind.file),
            );
        }
        std::fs::remove_file(b.site.path(kind.file)).unwrap();
        b.site.write(kind.file, original);
    }
}

/// The drill's case: people.yaml pointing at the process's own environment,
/// which holds the SMTP password.
#[test]
fn people_yaml_linked_to_the_environment_never_prints_it() {
    if !Path::new("/proc/self/environ").exists() {
        return;
    }
    let b = built();
    b.link("content/people.yaml", Path::new("/proc/self/environ"));
    for command in ["check", "build"] {
        let out = common::golive_with_env(
            &["--root", b.site.root.to_str().unwrap(), command],
            &b.site.root,
            &[("GOLIVE_SMTP_PASSWORD", "hunter2-from-the-environment")],
        );
        let context = format!("golive {command}\n{}", out.describe());
        assert_eq!(out.code, Some(2), "{context}");
        assert!(
            out.stderr
                .contains("content/people.yaml is a symbolic link to a file outside"),
            "{context}"
        );
        assert!(
            !out.stdout.contains("hunter2") && !out.stderr.contains("hunter2"),
            "the environment was printed\n{context}"
        );
        assert!(b.site.snapshot("public") == b.public, "{context}");
    }
}

#[test]
fn links_to_files_inside_the_site_are_followed() {
    let b = built();
    for kind in KINDS {
        // The file moves to a folder golive does not read; a link takes its place.
        let moved = format!("kept/{}", kind.file.replace('/', "-"));
        let mut text = b.site.read(kind.file);
        if kind.file.ends_with("base.html") {
            text = text.replace("Generated by golive", "Generated through a link by golive");
        }
        b.site.write(&moved, &text);
        std::fs::remove_file(b.site.path(kind.file)).unwrap();
        let depth = Path::new(kind.file).components().count() - 1;
        let relative = PathBuf::from("../".repeat(depth)).join(&moved);
        b.link(kind.file, &relative);
        let out = b.site.run(&[kind.command]);
        assert!(
            matches!(out.code, Some(0 | 1)),
            "{} as a link inside the site\n{}",
            kind.file,
            out.describe()
        );
        std::fs::remove_file(b.site.path(kind.file)).unwrap();
        b.site.write(kind.file, &text);
    }
    // A linked release is built, not skipped; a linked template is used.
    let b = built();
    b.site.write(
        "drafts/app-3.0.0.yaml",
        b.site
            .read("content/releases/complete-app-1.1.0.yaml")
            .replace("version: 1.1.0", "version: 3.0.0")
            .replace("verification:\n  file: results.json\n", ""),
    );
    b.link(
        "content/releases/app-3.0.0.yaml",
        Path::new("../../drafts/app-3.0.0.yaml"),
    );
    b.site.write(
        "kept/base.html",
        b.site
            .read("layouts/base.html")
            .replace("Generated by golive", "Generated through a link by golive"),
    );
    std::fs::remove_file(b.site.path("layouts/base.html")).unwrap();
    b.link("layouts/base.html", Path::new("../kept/base.html"));
    let out = b.site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(
        b.site
            .path("public/releases/complete-app-3.0.0/index.html")
            .is_file(),
        "the linked release was not built\n{}",
        out.describe()
    );
    assert!(
        b.site
            .read("public/index.html")
            .contains("Generated through a link"),
        "the linked template was not used"
    );
}

#[test]
fn folders_pipes_devices_dangling_links_and_huge_files_are_refused_without_hanging() {
    let b = built();
    for kind in KINDS {
        let original = b.site.read(kind.file);
        let path = b.site.path(kind.file);
        let restore = || {
            let _ = std::fs::remove_file(&path);
            let _ = std::fs::remove_dir(&path);
            b.site.write(kind.file, &original);
        };

        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir(&path).unwrap();
        b.expect_refused(
            &[kind.command],
            kind,
            "is a folder, not a regular file",
            kind.file,
        );
        restore();

        std::fs::remove_file(&path).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if made.is_ok_and(|s| s.success()) {
            b.expect_refused(&[kind.command], kind, "named pipe", kind.file);
        }
        restore();

        b.link(kind.file, Path::new("/dev/zero"));
        b.expect_refused(&[kind.command], kind, "outside the site folder", kind.file);
        b.link(kind.file, Path::new("nowhere.yaml"));
        b.expect_refused(
            &[kind.command],
            kind,
            "to a file that does not exist",
            kind.file,
        );
        restore();

        // Over 4 MiB, inside the site: a comment line keeps it otherwise valid.
        let mut huge = original.clone();
        huge.push_str(&format!("\n# {}\n", "x".repeat(4 * 1024 * 1024)));
        b.site.write(kind.file, &huge);
        b.expect_refused(&[kind.command], kind, "larger than 4 MiB", kind.file);
        restore();
    }
}

#[test]
fn verification_files_are_read_only_from_inside_the_site() {
    let b = built();
    let kind = &KINDS[5];
    assert_eq!(kind.file, "content/releases/results.json");
    let release = b.site.read(RESULTS_RELEASE);
    let secret_json = b.outside.join("results.json");
    std::fs::write(&secret_json, format!("{{\"passed\": \"{SECRET}\"}}")).unwrap();
    let outside_relative = "../../../outside/results.json";
    assert!(
        b.site
            .path("content/releases")
            .join(outside_relative)
            .exists()
    );
    for (named, says) in [
        ("/etc/passwd", "is outside the site folder"),
        ("/dev/zero", "is outside the site folder"),
        (outside_relative, "is outside the site folder"),
        (secret_json.to_str().unwrap(), "is outside the site folder"),
    ] {
        let text = release.replace("file: results.json", &format!("file: \"{named}\""));
        b.site.write(RESULTS_RELEASE, &text);
        let out = b.expect_refused(&["check"], kind, says, named);
        let line = line_of(&text, "file: ");
        assert!(
            out.stderr.contains(&format!("{RESULTS_RELEASE}:{line}:")),
            "not reported at `verification.file`\n{}",
            out.describe()
        );
    }
    // Inside the site, but not beside the release: fine.
    b.site.write(
        "results/run.json",
        "{\"passed\": 7, \"failed\": 0, \"warnings\": 0}",
    );
    b.site.write(
        RESULTS_RELEASE,
        release.replace("file: results.json", "file: ../../results/run.json"),
    );
    let out = b.site.run(&["check"]);
    assert!(matches!(out.code, Some(0 | 1)), "{}", out.describe());
    b.site.write(RESULTS_RELEASE, &release);

    // Values of the wrong type are reported by key and place, never quoted.
    for json in [
        format!("{{\"passed\": \"{SECRET}\"}}"),
        format!("{{\"duration_seconds\": [\"{SECRET}\"]}}"),
        format!("{{\"{SECRET}\": 1}}"),
        format!("[\"{SECRET}\"]"),
    ] {
        b.site.write(kind.file, &json);
        b.expect_refused(&["check"], kind, "verification file `results.json`", &json);
    }
}

#[test]
fn release_folders_that_are_links_follow_the_same_rule() {
    let b = built();
    // A linked folder inside the site is read; a loop is walked once.
    b.site.write(
        "archive/2025/app-0.9.0.yaml",
        b.site
            .read("content/releases/complete-app-1.1.0.yaml")
            .replace("version: 1.1.0", "version: 0.9.0")
            .replace("verification:\n  file: results.json\n", ""),
    );
    b.link("content/releases/2025", Path::new("../../archive/2025"));
    b.link("content/releases/again", Path::new("."));
    let out = b.site.run(&["check"]);
    assert!(matches!(out.code, Some(0 | 1)), "{}", out.describe());
    assert!(
        out.stdout.contains("complete-app-0.9.0"),
        "{}",
        out.describe()
    );
    // A linked folder outside the site is not.
    std::fs::create_dir_all(b.outside.join("2024")).unwrap();
    std::fs::write(b.outside.join("2024/old.yaml"), SECRET).unwrap();
    b.link("content/releases/2024", &b.outside.join("2024"));
    let kind = Kind::content("content/releases/2024/old.yaml");
    b.expect_refused(
        &["check"],
        &kind,
        "is in a folder that is a symbolic link to a place outside the site folder",
        "linked folder",
    );
}
