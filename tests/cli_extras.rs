//! What people expect of a command line: shell completions that their shell
//! accepts and that complete, a manual page that a real roff renders, a
//! version that names the commit, and help text on every command and flag.
//!
//! The shells and roff are real programs: a missing one skips its test with
//! the reason printed, except in CI (`CI` set), where `.ci/run` installs them
//! and a missing one fails.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use clap::CommandFactory as _;
use common::{Output, Site, golive, golive_with_env};
use golive::cli::{Cli, exit};

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "elvish", "powershell"];

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn ok(args: &[&str]) -> Output {
    let out = golive(args, here());
    assert_eq!(
        out.code,
        Some(0),
        "golive {}\n{}",
        args.join(" "),
        out.describe()
    );
    out
}

/// Whether `program` can be run; otherwise skips (outside CI) or fails (in CI).
fn have(program: &str, why: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        return true;
    }
    let message = format!("{program} is not installed ({why}); .ci/run installs it");
    if std::env::var_os("CI").is_some() {
        panic!("{message}");
    }
    eprintln!("SKIPPED (not in CI): {message}");
    false
}

/// Runs `program` with `args`, the script given as a file; its output, or a
/// failure naming what it printed.
fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {:?}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        out.status
    );
    stdout
}

/// The names of golive's subcommands, as the user types them.
fn subcommands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect()
}

// ---- completions ----

#[test]
fn every_shell_gets_a_completion_script_that_knows_every_subcommand() {
    for shell in SHELLS {
        let script = ok(&["completions", shell]).stdout;
        assert!(!script.trim().is_empty(), "{shell}: empty script");
        for sub in subcommands() {
            assert!(script.contains(&sub), "{shell}: no `{sub}` in\n{script}");
        }
    }
    let elvish = ok(&["completions", "elvish"]).stdout;
    assert!(
        elvish.contains("edit:completion:arg-completer[golive]"),
        "{elvish}"
    );
    let powershell = ok(&["completions", "powershell"]).stdout;
    assert!(
        powershell.contains("Register-ArgumentCompleter"),
        "{powershell}"
    );
}

#[test]
fn completions_out_writes_the_file_and_an_unknown_shell_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("golive.bash");
    let out = ok(&["completions", "bash", "--out", file.to_str().unwrap()]);
    assert_eq!(out.stdout, "");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        ok(&["completions", "bash"]).stdout
    );

    let out = golive(&["completions", "tcsh"], here());
    assert_eq!(out.code, Some(exit::INVALID), "{}", out.describe());
    assert!(
        out.stderr.contains("bash"),
        "lists the shells: {}",
        out.describe()
    );
}

/// Writes the bash script to a file, for bash to read.
fn bash_script() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("golive.bash");
    std::fs::write(&file, ok(&["completions", "bash"]).stdout).unwrap();
    let path = file.to_str().unwrap().to_string();
    (dir, path)
}

/// What bash's completion offers for the words `line` when the cursor is at
/// its end (an empty last word completes a new word): the script is sourced
/// into a non-interactive bash, which calls the function `complete -p golive`
/// names the way readline would.
fn bash_complete(script: &str, words: &[&str]) -> BTreeSet<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let line = words.join(" ");
    let program = format!(
        r#"set -u
source '{script}'
spec=$(complete -p golive) || {{ echo "no completion for golive" >&2; exit 1; }}
function=$(printf '%s\n' "$spec" | sed -n 's/.*-F \([^ ]*\).*/\1/p')
[ -n "$function" ] || {{ echo "no function in: $spec" >&2; exit 1; }}
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE='{line}'
COMP_POINT=${{#COMP_LINE}}
COMPREPLY=()
"$function" golive "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
        words = quoted.join(" ")
    );
    run("bash", &["--norc", "--noprofile", "-c", &program])
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn bash_accepts_the_script_and_registers_it_for_golive() {
    if !have("bash", "to check the bash completion script") {
        return;
    }
    let (_dir, script) = bash_script();
    run("bash", &["-n", &script]);
    let spec = run(
        "bash",
        &[
            "--norc",
            "--noprofile",
            "-c",
            &format!("source '{script}' && complete -p golive"),
        ],
    );
    assert!(
        spec.starts_with("complete ") && spec.contains("-F "),
        "{spec}"
    );
    assert!(spec.trim_end().ends_with(" golive"), "{spec}");
}

#[test]
fn bash_completes_subcommands_flags_and_shells() {
    if !have("bash", "to drive the bash completion function") {
        return;
    }
    let (_dir, script) = bash_script();

    let replies = bash_complete(&script, &["golive", "bu"]);
    assert!(replies.contains("build"), "golive bu<TAB>: {replies:?}");
    assert!(!replies.contains("check"), "golive bu<TAB>: {replies:?}");

    let replies = bash_complete(&script, &["golive", ""]);
    for sub in subcommands() {
        assert!(
            replies.contains(&sub),
            "golive <TAB> offers no {sub}: {replies:?}"
        );
    }

    let replies = bash_complete(&script, &["golive", "build", "--o"]);
    assert!(
        replies.contains("--out"),
        "golive build --o<TAB>: {replies:?}"
    );

    let replies = bash_complete(&script, &["golive", "completions", ""]);
    for shell in SHELLS {
        assert!(
            replies.contains(shell),
            "golive completions <TAB>: {replies:?}"
        );
    }
}

#[test]
fn zsh_accepts_its_script() {
    if !have("zsh", "to check the zsh completion script") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("_golive");
    std::fs::write(&file, ok(&["completions", "zsh"]).stdout).unwrap();
    run("zsh", &["-n", file.to_str().unwrap()]);
}

#[test]
fn fish_accepts_its_script() {
    if !have("fish", "to check the fish completion script") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("golive.fish");
    std::fs::write(&file, ok(&["completions", "fish"]).stdout).unwrap();
    run("fish", &["--no-execute", file.to_str().unwrap()]);
}

// ---- the manual page ----

/// The page as a reader sees it, rendered by the first roff found (groff,
/// mandoc, or man itself) at a width no line reaches and without hyphenation,
/// bold and underlining taken out, without the header and footer; None when
/// there is none (outside CI).
fn render_man(page: &Path) -> Option<String> {
    let page = page.to_str().unwrap();
    let text = if which("groff") {
        run(
            "groff",
            &["-man", "-Tutf8", "-rLL=250n", "-rHY=0", "-P-c", page],
        )
    } else if which("mandoc") {
        run("mandoc", &["-man", "-Tutf8", "-O", "width=250", page])
    } else if have("man", "to render the manual page (or groff, or mandoc)") {
        let out = Command::new("man")
            .args(["-l", page])
            .env("MANWIDTH", "250")
            .env("MAN_KEEP_FORMATTING", "")
            .env("MANPAGER", "cat")
            .output()
            .expect("run man");
        assert!(out.status.success(), "man -l {page}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    } else {
        return None;
    };
    Some(body(&plain(&text)))
}

/// The page without its header and footer lines (the page's name, the
/// version), which are no section's.
fn body(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(0);
    let last = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .unwrap_or(0);
    assert!(first < last, "an empty page:\n{text}");
    lines[first + 1..last].join("\n")
}

fn which(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `text` without overstrike (`b\bb`, `_\bx`) and SGR escapes.
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if chars.peek() == Some(&'\u{8}') {
            chars.next();
            continue;
        }
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// The lines of `text` from the heading `name` to the next heading.
fn section(text: &str, name: &str) -> String {
    let mut lines = text.lines().skip_while(|l| l.trim_end() != name);
    assert!(lines.next().is_some(), "no section {name} in:\n{text}");
    lines
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_manual_page_renders_with_every_command_and_the_exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("golive.1");
    std::fs::write(&file, ok(&["man"]).stdout).unwrap();
    let Some(text) = render_man(&file) else {
        return;
    };
    for heading in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "SUBCOMMANDS",
        "EXIT STATUS",
        "SEE ALSO",
    ] {
        assert!(
            text.lines().any(|l| l.trim_end() == heading),
            "no {heading} in:\n{text}"
        );
    }
    assert!(
        section(&text, "NAME").contains("golive - Release readiness"),
        "{text}"
    );
    let synopsis = section(&text, "SYNOPSIS");
    assert!(
        synopsis.contains("golive") && synopsis.contains("--root"),
        "{synopsis}"
    );

    let listed = section(&text, "SUBCOMMANDS");
    let see_also = section(&text, "SEE ALSO");
    for sub in subcommands() {
        assert!(
            listed.contains(&format!("golive-{sub}(1)")),
            "{sub} not in:\n{listed}"
        );
        assert!(
            see_also.contains(&format!("golive-{sub}(1)")),
            "{sub} not in:\n{see_also}"
        );
    }

    let statuses = section(&text, "EXIT STATUS");
    for (code, words) in [
        (exit::OK, "every checked release is GO"),
        (exit::NOT_GO, "some release is not GO"),
        (exit::FAILED, "the work failed"),
        (exit::INVALID, "The content is invalid"),
        (130, "stopped by Ctrl-C"),
    ] {
        // Each entry is one line at this width.
        let entry = statuses
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{code} ")))
            .unwrap_or_else(|| panic!("no exit status {code} in:\n{statuses}"));
        let entry = entry.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            entry.contains(words),
            "status {code}: `{words}` not in {entry}"
        );
    }
}

#[test]
fn man_out_writes_a_page_per_command_that_points_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let run = ok(&["man", "--out", out.to_str().unwrap()]);
    assert_eq!(run.stdout, "");
    let mut expected: BTreeSet<String> = subcommands()
        .iter()
        .map(|s| format!("golive-{s}.1"))
        .collect();
    expected.insert("golive.1".to_string());
    let written: BTreeSet<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, expected);
    assert_eq!(
        std::fs::read_to_string(out.join("golive.1")).unwrap(),
        ok(&["man"]).stdout,
        "golive.1 is the page `golive man` prints"
    );

    let Some(text) = render_man(&out.join("golive-check.1")) else {
        return;
    };
    assert!(
        section(&text, "NAME").contains("golive-check - Validate"),
        "{text}"
    );
    assert!(
        section(&text, "SYNOPSIS").contains("golive check"),
        "{text}"
    );
    assert!(section(&text, "OPTIONS").contains("--strict"), "{text}");
    assert!(
        section(&text, "EXIT STATUS").contains("some release is not GO"),
        "{text}"
    );
    let see_also = section(&text, "SEE ALSO");
    assert!(see_also.contains("golive(1)"), "{see_also}");
    assert!(see_also.contains("golive-build(1)"), "{see_also}");
    assert!(
        !see_also.contains("golive-check(1)"),
        "not itself: {see_also}"
    );

    // The install hints stay lines of their own, not filled into a paragraph.
    let text = render_man(&out.join("golive-completions.1")).unwrap();
    let hint = "golive completions fish > ~/.config/fish/completions/golive.fish";
    assert!(
        text.lines().any(|l| l.trim() == hint),
        "no line `{hint}` in:\n{text}"
    );
}

#[test]
fn man_out_into_a_file_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("taken");
    std::fs::write(&file, "").unwrap();
    let out = golive(&["man", "--out", file.to_str().unwrap()], here());
    assert_eq!(out.code, Some(exit::FAILED), "{}", out.describe());
    assert!(
        out.stderr.starts_with("error: cannot write"),
        "{}",
        out.describe()
    );
}

// ---- the version ----

/// `golive <x.y.z> (<hash>[-dirty] <yyyy-mm-dd>)`: the hash and the date, or a
/// message saying what does not match.
fn parse_version(line: &str) -> Result<(String, bool, String), String> {
    let rest = line
        .strip_prefix(&format!("golive {} (", env!("CARGO_PKG_VERSION")))
        .ok_or("no `golive <version> (`")?;
    let inside = rest.strip_suffix(')').ok_or("no closing `)`")?;
    let (hash, date) = inside
        .split_once(' ')
        .ok_or("no space between hash and date")?;
    let (hash, dirty) = match hash.strip_suffix("-dirty") {
        Some(hash) => (hash, true),
        None => (hash, false),
    };
    if hash.len() < 7
        || !hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return Err(format!("`{hash}` is not a short commit hash"));
    }
    let digits = |s: &str, n| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = date.split('-').collect();
    if !(parts.len() == 3 && digits(parts[0], 4) && digits(parts[1], 2) && digits(parts[2], 2)) {
        return Err(format!("`{date}` is not a yyyy-mm-dd date"));
    }
    Ok((hash.to_string(), dirty, date.to_string()))
}

#[test]
fn the_version_names_the_commit_it_was_built_from() {
    let line = ok(&["--version"]).stdout.trim_end().to_string();
    assert_eq!(ok(&["-V"]).stdout.trim_end(), line);

    if let Some(given) = option_env!("GOLIVE_BUILD_COMMIT") {
        // Built by a packager's override: that is what it shows.
        let expected = match given.trim() {
            "" => format!("golive {}", env!("CARGO_PKG_VERSION")),
            commit => format!("golive {} ({commit})", env!("CARGO_PKG_VERSION")),
        };
        assert_eq!(line, expected);
        return;
    }
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(here())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"]);
    let in_checkout = top
        .is_some_and(|top| std::fs::canonicalize(top).ok() == std::fs::canonicalize(here()).ok());
    if !in_checkout {
        // No git or no repository: the bare version.
        assert_eq!(line, format!("golive {}", env!("CARGO_PKG_VERSION")));
        return;
    }
    let (hash, _dirty, date) = parse_version(&line).unwrap_or_else(|e| panic!("`{line}`: {e}"));
    let head = git(&["rev-parse", "HEAD"]).unwrap();
    assert!(head.starts_with(&hash), "`{line}` is not HEAD {head}");
    assert_eq!(Some(date), git(&["log", "-1", "--format=%cs"]));
}

#[test]
fn the_version_pattern_is_checked() {
    assert!(
        parse_version(&format!(
            "golive {} (5d895bc 2026-12-01)",
            env!("CARGO_PKG_VERSION")
        ))
        .is_ok()
    );
    assert!(
        parse_version(&format!(
            "golive {} (5d895bc-dirty 2026-12-01)",
            env!("CARGO_PKG_VERSION")
        ))
        .is_ok()
    );
    for bad in [
        "5d895b 2026-12-01",
        "5D895BC 2026-12-01",
        "5d895bc 2026-12-1",
        "5d895bc",
    ] {
        let line = format!("golive {} ({bad})", env!("CARGO_PKG_VERSION"));
        assert!(parse_version(&line).is_err(), "{line}");
    }
}

#[test]
fn pages_name_the_version_without_the_commit() {
    // A new commit must not change the pages (nor the build cache's key).
    let site = Site::copy_of("basic");
    let out = golive_with_env(&["build"], &site.root, &[]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let html = common::html::page(&site, "public/index.html");
    let generator: Vec<String> = html
        .select(&common::html::sel(r#"meta[name="generator"]"#))
        .map(|m| m.value().attr("content").unwrap_or("").to_string())
        .collect();
    assert_eq!(generator, [format!("golive {}", env!("CARGO_PKG_VERSION"))]);
}

// ---- help text ----

/// Every subcommand and every argument, at every level, has help text.
#[test]
fn every_command_and_flag_has_help() {
    let mut missing = Vec::new();
    let mut command = Cli::command();
    command.build();
    walk(&command, &mut missing);
    assert!(
        missing.is_empty(),
        "no help text for:\n{}",
        missing.join("\n")
    );
}

fn walk(command: &clap::Command, missing: &mut Vec<String>) {
    let name = command.get_bin_name().unwrap_or(command.get_name());
    if command.get_about().is_none() && command.get_long_about().is_none() {
        missing.push(format!("the command `{name}`"));
    }
    for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
        if arg.get_help().is_none() && arg.get_long_help().is_none() {
            let shown = match arg.get_long() {
                Some(long) => format!("--{long}"),
                None => format!("<{}>", arg.get_id()),
            };
            missing.push(format!("`{shown}` of `{name}`"));
        }
    }
    for sub in command.get_subcommands() {
        walk(sub, missing);
    }
}

#[test]
fn the_help_walk_finds_what_has_no_help() {
    let mut command = clap::Command::new("x")
        .arg(clap::Arg::new("flag").long("flag"))
        .arg(clap::Arg::new("file"))
        .subcommand(clap::Command::new("y").about("Does y."));
    command.build();
    let mut missing = Vec::new();
    walk(&command, &mut missing);
    assert_eq!(
        missing,
        ["the command `x`", "`--flag` of `x`", "`<file>` of `x`"]
    );
}
