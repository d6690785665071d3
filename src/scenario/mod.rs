//! Scenario files: the model, loading with positioned diagnostics, and validation.

pub mod diagnostic;
pub mod duration;
pub mod load;
pub mod model;
pub mod read;
pub mod ron_tree;

pub use diagnostic::Diagnostic;
pub use duration::{format_secs, parse_duration};
pub use load::load_scenario;
pub use model::*;
