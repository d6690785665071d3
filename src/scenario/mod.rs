//! Scenario files: the model, loading with positioned diagnostics, and validation.

pub mod model;

pub use model::*;
