//! `golive serve` over a real HTTP connection: it serves the site, reflects an
//! edit, and on broken content shows the error while the old pages stay served.
//! And the incremental rebuild underneath renders only what an edit touches.
//! Serve holds its output folder while it runs, reports a rebuild only after
//! its last write, and writes its bookkeeping when stopped.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Site;

/// A `golive serve` process, killed when dropped.
struct Serving {
    child: Child,
    address: String,
    /// What it prints after its address, line by line.
    log: std::sync::mpsc::Receiver<String>,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serving {
    /// The next line it prints (each rebuild prints one).
    fn next_line(&self) -> String {
        self.log
            .recv_timeout(common::HANG_LIMIT)
            .expect("serve reports each rebuild")
    }

    /// Stops it as Ctrl-C does; its exit code and the lines it printed last.
    fn interrupt(mut self) -> (Option<i32>, Vec<String>) {
        let sent = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = self.child.wait().unwrap();
        // Its stdout is closed now: the forwarding thread ends.
        let lines = self.log.iter().collect();
        (status.code(), lines)
    }
}

fn serve(site: &Site) -> Serving {
    serve_with(
        &["--root", site.root.to_str().unwrap()],
        &std::env::temp_dir(),
    )
}

/// Starts `golive [global] serve --port 0` in `cwd`.
fn serve_with(global: &[&str], cwd: &std::path::Path) -> Serving {
    serve_with_env(global, cwd, &[])
}

/// Starts `golive [global] serve --port 0` in `cwd`, with extra environment variables.
fn serve_with_env(global: &[&str], cwd: &std::path::Path, env: &[(&str, &str)]) -> Serving {
    let args: Vec<&str> = global
        .iter()
        .copied()
        .chain(["serve", "--port", "0"])
        .collect();
    let mut child = common::golive_command(&args, cwd)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start golive serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.strip_prefix("serving http://") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    // Keep reading stdout so the server never blocks on a full pipe.
    let (tx, log) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    Serving {
        child,
        address,
        log,
    }
}

/// A plain HTTP/1.0 GET: status code and body.
fn get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

fn state(address: &str) -> serde_json::Value {
    serde_json::from_str(&get(address, "/__golive/state").1).unwrap()
}

/// Waits (at most 20 s) for the server's state to satisfy `done`.
fn wait_for(
    address: &str,
    what: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let started = Instant::now();
    loop {
        let s = state(address);
        if done(&s) {
            return s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "gave up waiting for {what}; state: {s}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

const RELEASE: &str = "content/releases/pending.yaml";
const PAGE: &str = "/releases/fixture-app-1.1.0/index.html";

#[test]
fn serve_reflects_an_edit_and_shows_errors_over_the_last_good_build() {
    let site = Site::copy_of("verdicts");
    let server = serve(&site);
    let addr = &server.address;
    assert!(
        addr.starts_with("127.0.0.1:"),
        "serve binds to loopback by default: {addr}"
    );

    let (status, dashboard) = get(addr, "/");
    assert_eq!(status, 200);
    assert!(dashboard.contains("Fixture App 1.1.0"));
    assert!(
        dashboard.contains("/__golive/reload.js"),
        "pages get the reload script"
    );
    assert_eq!(get(addr, "/no/such/page.html").0, 404);
    let before = state(addr)["version"].as_u64().unwrap();

    // An edit shows up.
    let text = site.read(RELEASE);
    site.write(
        RELEASE,
        text.replace("version: 1.1.0", "version: 1.1.0\ntitle: Freshly edited"),
    );
    wait_for(addr, "the rebuild after an edit", |s| {
        s["version"].as_u64().unwrap() > before && s["error"].is_null()
    });
    let (_, page) = get(addr, PAGE);
    assert!(
        page.contains("Freshly edited"),
        "the edited title is served"
    );

    // Broken content: the error is shown, the last good pages stay served.
    let good = site.read(RELEASE);
    site.write(RELEASE, format!("{good}stauts: oops\n"));
    let failed = wait_for(addr, "the error after breaking the file", |s| {
        !s["error"].is_null()
    });
    let error = failed["error"].as_str().unwrap();
    assert!(
        error.contains("content/releases/pending.yaml:") && error.contains("unknown key `stauts`"),
        "{error}"
    );
    let (status, page) = get(addr, PAGE);
    assert_eq!(status, 200);
    assert!(
        page.contains("Freshly edited"),
        "the last good build is still served"
    );
    assert!(
        page.contains("id=\"golive-error\"") && page.contains("unknown key `stauts`"),
        "the page shows the error"
    );

    // Fixing it clears the error.
    site.write(RELEASE, good);
    wait_for(addr, "recovery", |s| s["error"].is_null());
    assert!(!get(addr, PAGE).1.contains("golive-error"));
}

/// Gives RELEASE a title. Returns another release's page, when it was last
/// written (to check it is not rewritten), and RELEASE's text before the edit.
fn retitle(site: &Site, title: &str) -> (std::path::PathBuf, std::time::SystemTime, String) {
    let other = site.path("public/releases/fixture-app-1.0.0/index.html");
    let untouched = std::fs::metadata(&other).unwrap().modified().unwrap();
    // The edit changes the file's size, so it is seen as a change whatever
    // the clock's resolution.
    let text = site.read(RELEASE);
    site.write(
        RELEASE,
        text.replace("version: 1.1.0", &format!("version: 1.1.0\ntitle: {title}")),
    );
    (other, untouched, text)
}

#[test]
fn an_edit_renders_only_that_release_again() {
    let site = Site::copy_of("verdicts");
    let out = site.path("public");
    let mut builder = golive::site::Builder::new(&site.root, &out);
    let first = builder.build().unwrap();
    assert_eq!(
        (first.rendered, first.written),
        (3, first.files),
        "a cold build renders and writes everything"
    );
    let again = builder.build().unwrap();
    assert_eq!(
        (again.rendered, again.written, again.deleted),
        (0, 0, 0),
        "nothing changed, nothing done"
    );

    // A fresh builder (a new `golive build`) finds the same in the output's cache.
    let cold = golive::site::Builder::new(&site.root, &out)
        .build()
        .unwrap();
    assert_eq!((cold.rendered, cold.written), (0, 0));

    let (other, untouched, _) = retitle(&site, "Edited");
    let after = builder.build().unwrap();
    assert_eq!(after.rendered, 1, "only the edited release is rendered");
    assert!(
        site.read("public/releases/fixture-app-1.1.0/index.html")
            .contains("Edited")
    );
    assert!(
        site.read("public/products/fixture-app.html")
            .contains("Edited"),
        "pages listing releases are rendered again"
    );
    // Its pages, emails and readiness.json change, and the lists that show it
    // (its product's page, its month in the archive, the dashboard); nothing else.
    assert!(
        after.written >= 3 && after.written <= 12,
        "{} files written",
        after.written
    );
    assert_eq!(
        std::fs::metadata(&other).unwrap().modified().unwrap(),
        untouched,
        "another release's page was rewritten"
    );

    // A shared input (people.yaml) renders everything again, but rewrites only what differs.
    let people = site.read("content/people.yaml");
    site.write(
        "content/people.yaml",
        people.replace("Ana Lima", "Ana M. Lima"),
    );
    let shared = builder.build().unwrap();
    assert_eq!(shared.rendered, 3);
    assert!(
        shared.written < shared.files,
        "unchanged files are not rewritten"
    );

    // A removed release's files disappear.
    site.remove("content/releases/nogo.yaml");
    let removed = builder.build().unwrap();
    assert_eq!(removed.releases, 2);
    assert!(removed.deleted >= 3, "{} deleted", removed.deleted);
    assert!(
        !site
            .path("public/releases/fixture-script-alert-x-script-app-2.0.0-rc.1")
            .exists()
    );
}

/// The output folder without golive's bookkeeping files (whose JSON key order
/// may differ between two equal builds).
fn pages(dir: &std::path::Path) -> common::Snapshot {
    let mut all = common::snapshot(dir);
    all.retain(|p, _| !golive::site::manifest::is_bookkeeping(p));
    all
}

/// The pages of `served` and `cold` (bookkeeping aside) are byte for byte the same.
fn assert_same_pages(served: &std::path::Path, cold: &std::path::Path, label: &str) {
    let (served, cold) = (pages(served), pages(cold));
    let differ: Vec<_> = served
        .keys()
        .chain(cold.keys())
        .filter(|p| served.get(*p) != cold.get(*p))
        .collect();
    assert!(
        differ.is_empty(),
        "{label}: serve's output differs from a cold build: {differ:?}"
    );
}

/// A serving builder (what `golive serve` runs) after its first build.
fn serving(site: &Site) -> golive::site::Builder {
    let mut builder = golive::site::Builder::new(&site.root, &site.path("public")).serving();
    builder.build().unwrap();
    builder
}

/// What `serve` does on a release edit (`rebuild_releases`, then `persist`)
/// must leave exactly what a cold build of the same content leaves, and
/// bookkeeping that a later `golive build` agrees with.
#[test]
fn a_release_edit_in_serve_matches_a_cold_build() {
    let site = Site::copy_of("verdicts");
    let out = site.path("public");
    let mut builder = serving(&site);
    // Serve stopping (`persist`, then letting go of the folder), then a new
    // `golive build`, which must find nothing to do; then serve again.
    let cold_matches = |mut builder: golive::site::Builder, label: &str| {
        builder.persist().unwrap();
        drop(builder);
        assert!(!golive::site::output::is_unfinished(&out), "{label}");
        let fresh = site.path(&format!("cold-{label}"));
        golive::site::build(&site.root, &fresh, false).unwrap();
        assert_same_pages(&out, &fresh, label);
        let again = golive::site::build(&site.root, &out, false).unwrap();
        assert_eq!(
            (again.rendered, again.written, again.deleted, again.checked),
            (0, 0, 0, None),
            "{label}: a build after serve redid work"
        );
        serving(&site)
    };

    // An edit: only that release is rendered.
    let manifest_before = site.read("public/.golive-manifest");
    let (other, untouched, text) = retitle(&site, "Quick edit");
    // `sed -i` and editors' safe saves write a temporary file and rename it over
    // the release: the watcher names both.
    let quick = builder
        .rebuild_releases(&[site.path("content/releases/sedX1a2b3"), site.path(RELEASE)])
        .unwrap()
        .expect("a release edit takes the quick path");
    assert_eq!((quick.releases, quick.rendered), (3, 1));
    assert!(
        site.read("public/products/fixture-app.html")
            .contains("Quick edit"),
        "the product page lists the edit"
    );
    // The bookkeeping waits for `persist`; until then the folder is marked,
    // so that a build after a crash checks every file instead of trusting it.
    assert_eq!(site.read("public/.golive-manifest"), manifest_before);
    assert!(golive::site::output::is_unfinished(&out));
    assert_eq!(
        std::fs::metadata(&other).unwrap().modified().unwrap(),
        untouched
    );
    let mut builder = cold_matches(builder, "edit");

    // A new release file, and a removed one.
    site.write(
        "content/releases/pending-2.yaml",
        text.replace("version: 1.1.0", "version: 1.2.0"),
    );
    site.remove("content/releases/nogo.yaml");
    let quick = builder
        .rebuild_releases(&[
            site.path("content/releases/pending-2.yaml"),
            site.path("content/releases/nogo.yaml"),
        ])
        .unwrap()
        .expect("added and removed release files take the quick path");
    // The copy goes live with 1.1.0, in the same window and with the same
    // people: 1.1.0 gains collisions (issue 14) and is rendered again too.
    assert_eq!((quick.releases, quick.rendered), (3, 2));
    assert!(quick.deleted >= 3, "{} deleted", quick.deleted);
    assert!(
        site.path("public/releases/fixture-app-1.2.0/index.html")
            .exists()
    );
    let mut builder = cold_matches(builder, "add-remove");

    // An edit that changes the slug moves the release's pages.
    let moved = site
        .read("content/releases/pending-2.yaml")
        .replace("version: 1.2.0", "version: 1.3.0");
    site.write("content/releases/pending-2.yaml", moved);
    builder
        .rebuild_releases(&[site.path("content/releases/pending-2.yaml")])
        .unwrap()
        .expect("quick path");
    assert!(
        site.path("public/releases/fixture-app-1.3.0/index.html")
            .exists()
    );
    assert!(
        !site.path("public/releases/fixture-app-1.2.0").exists(),
        "the old slug's pages are gone"
    );
    let mut builder = cold_matches(builder, "slug");

    // Invalid content writes nothing; a duplicate release names the other file.
    let before = pages(&out);
    site.write("content/releases/copy.yaml", text.clone());
    let Err(golive::site::BuildError::Invalid(invalid)) =
        builder.rebuild_releases(&[site.path("content/releases/copy.yaml")])
    else {
        panic!("a second file for fixture-app 1.1.0 must be refused");
    };
    assert!(
        invalid.to_string().contains("content/releases/copy.yaml"),
        "{invalid}"
    );
    assert!(invalid.to_string().contains("pending.yaml"), "{invalid}");
    assert!(pages(&out) == before, "an invalid edit changed the output");
    // While a file is broken, any edit takes the full build, which still reports it.
    let unrelated = site.path("content/releases/go.yaml");
    let go = site.read("content/releases/go.yaml");
    site.write("content/releases/go.yaml", format!("{go}\n# touched\n"));
    assert!(
        builder
            .rebuild_releases(std::slice::from_ref(&unrelated))
            .unwrap()
            .is_none()
    );
    let Err(golive::site::BuildError::Invalid(still)) = builder.build() else {
        panic!("the full build must still refuse the duplicate");
    };
    assert!(
        still.to_string().contains("content/releases/copy.yaml"),
        "{still}"
    );
    site.remove("content/releases/copy.yaml");
    builder.build().unwrap();
    assert!(
        builder.rebuild_releases(&[unrelated]).unwrap().is_some(),
        "a good full build opens the quick path again"
    );

    // Anything but a release file is left to the full build: a file that exists,
    // or one a release reads.
    site.write("content/releases/notes.txt", "kept beside the releases");
    assert!(
        builder
            .rebuild_releases(&[site.path("content/releases/notes.txt")])
            .unwrap()
            .is_none()
    );
    assert!(
        builder
            .rebuild_releases(&[site.path("content/people.yaml")])
            .unwrap()
            .is_none()
    );
    assert!(
        builder
            .rebuild_releases(&[site.path("layouts/base.html")])
            .unwrap()
            .is_none()
    );
}

/// The site's feed (`calendar.ics`) after quick rebuilds: an edit that
/// leaves every event as it was leaves the feed file alone (it is not made
/// again), an edit that moves a release's events changes it; both times the
/// output is a cold build's.
#[test]
fn the_feed_after_quick_edits_matches_a_cold_build() {
    let site = Site::copy_of("verdicts");
    let out = site.path("public");
    let feed = site.path("public/calendar.ics");
    let mut builder = serving(&site);
    let matches_cold = |builder: &mut golive::site::Builder, label: &str| {
        builder.persist().unwrap();
        let fresh = site.path(&format!("cold-{label}"));
        golive::site::build(&site.root, &fresh, false).unwrap();
        assert_same_pages(&out, &fresh, label);
        std::fs::remove_dir_all(&fresh).unwrap();
    };
    let before = site.read("public/calendar.ics");
    assert!(!before.contains(":20261211T"), "{before}");
    let written = std::fs::metadata(&feed).unwrap().modified().unwrap();

    // A new title: the events (named by product and version) stay.
    let (_, _, text) = retitle(&site, "Feed edit");
    builder
        .rebuild_releases(&[site.path(RELEASE)])
        .unwrap()
        .expect("quick path");
    assert!(
        site.read("public/products/fixture-app.html")
            .contains("Feed edit")
    );
    assert_eq!(site.read("public/calendar.ics"), before);
    assert_eq!(
        std::fs::metadata(&feed).unwrap().modified().unwrap(),
        written,
        "the feed was written again"
    );
    matches_cold(&mut builder, "title");

    // A new go-live: the release's events move, in the feed too.
    assert!(text.contains("target: 2026-12-10 09:00"));
    site.write(
        RELEASE,
        text.replace("target: 2026-12-10 09:00", "target: 2026-12-11 10:30"),
    );
    builder
        .rebuild_releases(&[site.path(RELEASE)])
        .unwrap()
        .expect("quick path");
    let after = site.read("public/calendar.ics");
    assert_ne!(after, before);
    assert!(after.contains(":20261211T"), "{after}");
    matches_cold(&mut builder, "target");
}

/// `golive serve` run inside the site with no `--root` (the README's way) takes
/// the quick path for a release edit, reports it only when every write is done,
/// and a deleted output folder is rebuilt whole, not patched.
#[test]
fn serve_in_the_site_folder_takes_the_quick_path() {
    let site = Site::copy_of("verdicts");
    let server = serve_with(&[], &site.root);
    let addr = &server.address;
    let manifest = site.read("public/.golive-manifest");

    let before = state(addr)["version"].as_u64().unwrap();
    retitle(&site, "Edited in place");
    let line = server.next_line();
    assert!(
        line.starts_with("updated in "),
        "not the quick path: {line}"
    );
    // Reported after the last write: the pages are in place, no temporary file
    // is left, and the bookkeeping is not being written behind the report (it
    // waits for serve to stop; the folder is marked until then).
    assert!(
        site.read(&format!("public{PAGE}"))
            .contains("Edited in place")
    );
    let files = common::snapshot(&site.path("public"));
    assert!(
        !files
            .keys()
            .any(|p| p.to_string_lossy().ends_with(".golive-tmp")),
        "{:?}",
        files.keys()
    );
    assert_eq!(site.read("public/.golive-manifest"), manifest);
    assert!(site.path("public/.golive-dirty").is_file());
    assert!(state(addr)["version"].as_u64().unwrap() > before);
    assert!(get(addr, PAGE).1.contains("Edited in place"));

    // The output folder deleted under the server: the next edit builds it all again.
    std::fs::remove_dir_all(site.path("public")).unwrap();
    let text = site
        .read(RELEASE)
        .replace("Edited in place", "After the wipe");
    site.write(RELEASE, text);
    let line = server.next_line();
    assert!(
        line.starts_with("built in "),
        "a wiped output needs the full build: {line}"
    );
    let (status, _) = get(addr, "/assets/golive.css");
    assert_eq!(status, 200, "the whole site is back");
    assert!(get(addr, PAGE).1.contains("After the wipe"));

    // Another quick edit, then Ctrl-C: serve writes its bookkeeping as it
    // stops, so the next build trusts the folder and has nothing to do.
    let text = site
        .read(RELEASE)
        .replace("After the wipe", "Before stopping");
    site.write(RELEASE, text);
    let line = server.next_line();
    assert!(line.starts_with("updated in "), "{line}");
    let (code, last) = server.interrupt();
    assert_eq!(code, Some(0), "{last:?}");
    assert!(last.iter().any(|l| l.starts_with("stopped;")), "{last:?}");
    assert!(!site.path("public/.golive-dirty").exists());
    let again = site.run(&["build"]);
    assert_eq!(again.code, Some(0), "{}", again.describe());
    assert!(
        again.stdout.contains("(0 rendered)") && again.stdout.contains("; 0 of "),
        "{}",
        again.describe()
    );
    assert!(!again.stderr.contains("note:"), "{}", again.describe());
}

/// While `golive serve` runs, it holds its output folder: a `golive build`
/// into it is refused at once, naming the server, and changes nothing.
#[test]
fn a_build_into_the_folder_serve_holds_is_refused() {
    let site = Site::copy_of("verdicts");
    let server = serve(&site);
    let before = site.snapshot("public");
    let refused = site.run(&["build"]);
    assert_eq!(refused.code, Some(1), "{}", refused.describe());
    assert!(
        refused.stderr.contains(&format!(
            "in use by golive serve (pid {})",
            server.child.id()
        )),
        "{}",
        refused.describe()
    );
    assert!(
        site.snapshot("public") == before,
        "the refused build changed the output"
    );
    // Another folder is fine.
    let elsewhere = site.run(&["build", "--out", "elsewhere"]);
    assert_eq!(elsewhere.code, Some(0), "{}", elsewhere.describe());
}

/// serve's quick path leaves the bookkeeping for later; if serve is killed
/// (kill -9) instead of stopped, the next build checks every file, and after
/// the edit is undone its output is exactly a clean build's.
#[test]
fn the_build_after_serve_is_killed_matches_a_clean_build() {
    let site = Site::copy_of("verdicts");
    let mut server = serve(&site);
    let original = site.read(RELEASE);
    retitle(&site, "Edited then killed");
    let line = server.next_line();
    assert!(line.starts_with("updated in "), "{line}");
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    drop(server);

    site.write(RELEASE, original);
    let after = site.run(&["build"]);
    assert_eq!(after.code, Some(0), "{}", after.describe());
    assert!(
        after
            .stderr
            .contains("left unfinished by an interrupted build"),
        "{}",
        after.describe()
    );
    let clean = site.run(&["build", "--out", "clean"]);
    assert_eq!(clean.code, Some(0), "{}", clean.describe());
    assert!(
        pages(&site.path("public")) == pages(&site.path("clean")),
        "the build after the kill differs from a clean build\n{}",
        after.describe()
    );
    assert!(
        !site
            .read(&format!("public{PAGE}"))
            .contains("Edited then killed")
    );
}

/// A release that reads its verification results from a file is built again
/// when that file changes, though the release file itself did not.
#[test]
fn a_changed_verification_file_rebuilds_its_release() {
    let site = Site::copy_of("verdicts");
    let release = "content/releases/go.yaml";
    let text = site.read(release);
    site.write(
        release,
        text.replace(
            "verification: {passed: 12, failed: 0, warnings: 1, duration_seconds: 30}",
            "verification: {file: results.json}",
        ),
    );
    let results = "content/releases/results.json";
    site.write(results, r#"{"passed": 12, "failed": 0}"#);
    let out = site.path("public");
    let mut builder = serving(&site);
    let runbook = "public/releases/fixture-app-1.0.0/runbook.html";
    assert!(site.read(runbook).contains("12 passed"));

    // A different size, so the change is seen whatever the clock's resolution.
    site.write(results, r#"{"passed": 13, "failed": 1, "warnings": 0}"#);
    assert!(
        builder
            .rebuild_releases(&[site.path(results)])
            .unwrap()
            .is_none(),
        "not a release file: the full build"
    );
    let after = builder.build().unwrap();
    assert_eq!(
        after.rendered, 1,
        "the release that reads the file is rendered again"
    );
    assert!(
        site.read(runbook).contains("13 passed, 1 failed"),
        "{}",
        site.read(runbook)
    );
    // And a new `golive build`, once serve let go, agrees nothing else is due.
    builder.persist().unwrap();
    drop(builder);
    let again = golive::site::build(&site.root, &out, false).unwrap();
    assert_eq!((again.rendered, again.written), (0, 0));
    let mut builder = serving(&site);

    // Deleting the file is not a passing temporary file: the full build reports it.
    site.remove(results);
    assert!(
        builder
            .rebuild_releases(&[site.path(results)])
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        builder.build(),
        Err(golive::site::BuildError::Invalid(_))
    ));
}

/// A panic inside a rebuild (a bug; here the fault hook's) does not stop the
/// server: the rebuild's writes are rolled back, the error is shown, the last
/// good build stays served, and the next edit builds again.
#[test]
fn a_panic_in_a_rebuild_keeps_the_last_good_build_served() {
    let site = Site::copy_of("verdicts");
    // Built first, so that serve's own first build writes nothing and the
    // hook's count starts with the edit.
    let built = site.run(&["build"]);
    assert_eq!(built.code, Some(0), "{}", built.describe());
    let server = serve_with_env(
        &["--root", site.root.to_str().unwrap()],
        &std::env::temp_dir(),
        &[("GOLIVE_FAULT_AFTER_WRITES", "2:panic")],
    );
    let addr = &server.address;
    let before = pages(&site.path("public"));
    let (_, _, text) = retitle(&site, "Panicked edit");
    let failed = wait_for(addr, "the error of the panicked rebuild", |s| {
        !s["error"].is_null()
    });
    assert!(
        failed["error"].as_str().unwrap().contains("internal error"),
        "{failed}"
    );
    assert!(
        pages(&site.path("public")) == before,
        "the panicked rebuild's writes were not rolled back"
    );
    let (status, page) = get(addr, PAGE);
    assert_eq!(status, 200);
    assert!(!page.contains("Panicked edit") && page.contains("golive-error"));

    site.write(
        RELEASE,
        text.replace("version: 1.1.0", "version: 1.1.0\ntitle: After the panic"),
    );
    wait_for(addr, "the next rebuild", |s| s["error"].is_null());
    assert!(get(addr, PAGE).1.contains("After the panic"));
}
