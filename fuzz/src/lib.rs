//! What the fuzz targets share: the example site's shared inputs and theme,
//! loaded once, and a structured input that edits a valid release's strings so
//! that hostile values reach rendering instead of stopping at the YAML parser.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use golive::content::{LoadedRelease, Shared};
use golive::evaluate::{self, Report};
use golive::render::Theme;
use golive::yaml::Source;
use arbitrary::Arbitrary;
use serde_yaml::Value;

/// The site the targets load releases into: the repository's example site.
pub struct Site {
    pub root: PathBuf,
    pub shared: Shared,
    pub theme: Theme,
    /// Its release files, parsed, as bases for `Edits`.
    pub releases: Vec<Value>,
}

pub static SITE: LazyLock<Site> = LazyLock::new(|| {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let shared = golive::content::load_shared(&root).expect("the example site is valid");
    let theme = Theme::load(&root, Arc::new(shared.people.clone())).expect("the built-in theme");
    let releases = golive::content::release_files(&root)
        .iter()
        .map(|p| serde_yaml::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect();
    Site {
        root,
        shared,
        theme,
        releases,
    }
});

/// The date every target evaluates for.
pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

/// Loads `text` as a release file of the example site, the way a build does
/// (parse, verification file, every check), and evaluates it if it is valid.
pub fn load(text: &str) -> Option<(LoadedRelease, Report)> {
    let site = &*SITE;
    let path = site.root.join("content/releases/fuzzed.yaml");
    let source = Source {
        shown: "content/releases/fuzzed.yaml".into(),
        text: text.to_string(),
    };
    let (loaded, _) = site.shared.release_from(&path, source).ok()?;
    let report = evaluate::evaluate(&loaded, &site.shared.config, &site.shared.checklists, today());
    Some((loaded, report))
}

/// One of the example site's releases with some of its string values replaced.
#[derive(Debug, Arbitrary)]
pub struct Edits {
    pub base: u8,
    /// (which string value, counted in document order; its new text)
    pub edits: Vec<(u16, String)>,
}

impl Edits {
    /// The edited release as YAML text.
    pub fn apply(&self) -> String {
        let releases = &SITE.releases;
        let mut doc = releases[self.base as usize % releases.len()].clone();
        let mut strings = Vec::new();
        collect_strings(&mut doc, &mut strings);
        if !strings.is_empty() {
            let count = strings.len();
            for (at, text) in &self.edits {
                *strings[*at as usize % count] = text.clone();
            }
        }
        serde_yaml::to_string(&doc).unwrap()
    }
}

fn collect_strings<'a>(value: &'a mut Value, out: &mut Vec<&'a mut String>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Sequence(items) => items.iter_mut().for_each(|v| collect_strings(v, out)),
        Value::Mapping(map) => map.values_mut().for_each(|v| collect_strings(v, out)),
        Value::Tagged(tagged) => collect_strings(&mut tagged.value, out),
        _ => {}
    }
}
