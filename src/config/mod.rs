//! Site-wide settings (`site.yaml`) and the people directory (`people.yaml`).

pub mod people;
pub mod site;
pub mod support;
