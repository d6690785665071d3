//! Scenario files: the model, loading with positioned diagnostics, and validation.

mod check;
pub mod duration;
pub mod load;
pub mod model;
pub mod raw;
mod resolve;

pub use crate::ron_file::Diagnostic;
pub use duration::{format_secs, parse_duration};
pub use load::{Validated, load_scenario, load_scenario_in, validate_scenario};
pub use model::*;
pub use resolve::{MAX_METHOD_CHARS, MAX_REF_CHARS};
