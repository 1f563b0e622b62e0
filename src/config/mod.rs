//! Site-wide settings (`site.yaml`) and the people directory (`people.yaml`).

pub mod calendar;
pub mod people;
pub mod site;
pub mod support;
