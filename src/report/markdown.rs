use crate::report::Report;
use crate::scenario::Scenario;

pub fn to_markdown(_report: &Report, _scenario: &Scenario) -> String {
    String::new()
}
