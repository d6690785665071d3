use crate::report::Report;
use crate::scenario::Scenario;

pub fn to_html(_report: &Report, _scenario: &Scenario) -> String {
    String::new()
}
