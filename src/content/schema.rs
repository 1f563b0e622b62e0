//! The JSON Schema of the release file, generated from the Rust types, so that
//! editors (VS Code and JetBrains with a YAML plugin) autocomplete keys and flag
//! wrong values as the writer types. Descriptions come from the doc comments.

use super::release::Release;

/// Where sites keep the schema for their editors, relative to the site root;
/// files made by `init` and `new` point at it.
pub const SITE_PATH: &str = "schema/release.schema.json";

/// The schema as pretty JSON, ending in a newline (generated once per process).
pub fn release_schema() -> String {
    static SCHEMA: std::sync::LazyLock<String> = std::sync::LazyLock::new(generate);
    SCHEMA.clone()
}

fn generate() -> String {
    let mut schema = schemars::schema_for!(Release);
    schema.insert("title".into(), "golive release file".into());
    schema.insert(
        "description".into(),
        "One release of one product: content/releases/*.yaml of a golive site".into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    text
}

/// The first line of release files: tells the YAML language server where the
/// schema is, relative to a file in `content/releases/`.
pub fn modeline() -> String {
    format!("# yaml-language-server: $schema=../../{SITE_PATH}")
}

/// Writes the schema into the site (for editors) if it is missing or stale.
pub fn write_into_site(root: &std::path::Path) -> std::io::Result<()> {
    let path = root.join(SITE_PATH);
    let schema = release_schema();
    if std::fs::read_to_string(&path).ok().as_deref() == Some(schema.as_str()) {
        return Ok(());
    }
    std::fs::create_dir_all(path.parent().expect("the schema path has a folder"))?;
    std::fs::write(path, schema)
}
