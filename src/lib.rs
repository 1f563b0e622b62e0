//! golive: release YAML in; readiness site, runbooks and go-live emails out.
//!
//! The modules follow the data: `content` loads and validates files (with
//! `config` for site settings and people, `input` for the one rule by which any
//! file is read, `yaml` for safe parsing), `evaluate`
//! scores releases and decides go/no-go, `render` fills templates, `site` writes
//! the output folder, and `cli` wires them to commands.

pub mod calendar;
pub mod cli;
pub mod clock;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod email;
pub mod evaluate;
pub mod input;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod send;
pub mod serve;
pub mod site;
pub mod yaml;
