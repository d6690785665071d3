//! The scenario library: the exercises compiled into the binary, so that a facilitator who
//! installs ttx has them without the source tree. `ttx scenarios` lists them; `ttx new --from
//! NAME FILE` copies one to edit.

use crate::scenario::{Diagnostic, Scenario, format_secs, load_scenario};

/// One exercise of the library.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// The name used by `ttx new --from` (the file's stem in `scenarios/`).
    pub name: &'static str,
    /// What the exercise is about, in a few words, for choosing one.
    pub themes: &'static str,
    /// The scenario file, as shipped.
    pub source: &'static str,
}

impl Entry {
    /// The file name it is shipped as, used in diagnostics.
    pub fn file_name(&self) -> String {
        format!("{}.ron", self.name)
    }

    /// The scenario, loaded. Every entry loads without a diagnostic (the test suite checks it).
    pub fn load(&self) -> Result<Scenario, Vec<Diagnostic>> {
        load_scenario(&self.file_name(), self.source)
    }
}

macro_rules! entry {
    ($name:literal, $themes:literal) => {
        Entry {
            name: $name,
            themes: $themes,
            source: include_str!(concat!("../scenarios/", $name, ".ron")),
        }
    };
}

/// The library, the built-in default first, then the smallest (the tutorial), then the others.
pub const LIBRARY: [Entry; 10] = [
    entry!(
        "cross-border-breach",
        "two countries, requests for assistance, hotline, joint investigation"
    ),
    entry!("tutorial", "learning the format, lost laptop"),
    entry!(
        "ransomware",
        "hospital, ransomware, pay or refuse, legal advice"
    ),
    entry!(
        "insider-contractor",
        "insider threat, contractor, data theft, police, covert monitoring"
    ),
    entry!(
        "vendor-update",
        "supply chain, poisoned update, disclosure, national CERT"
    ),
    entry!(
        "water-utility",
        "industrial control, drinking water, public health, regulator"
    ),
    entry!(
        "election-night",
        "elections, DDoS, defacement, disinformation, police"
    ),
    entry!(
        "data-breach-two-dpas",
        "personal data breach, two regulators, notification deadlines"
    ),
    entry!(
        "bank-ddos",
        "DDoS extortion, bank, internet providers, financial sector"
    ),
    entry!(
        "cloud-keys",
        "cloud, stolen access keys, shared responsibility, extortion"
    ),
];

/// The names of the library's exercises, in library order.
pub fn names() -> Vec<&'static str> {
    LIBRARY.iter().map(|entry| entry.name).collect()
}

/// The exercise called `name`, if the library has it.
pub fn find(name: &str) -> Option<&'static Entry> {
    LIBRARY.iter().find(|entry| entry.name == name)
}

/// What `ttx new` writes: the library exercise `from`, or else the starter.
pub fn text_for_new(from: Option<&str>, starter: &'static str) -> Result<&'static str, String> {
    match from {
        None => Ok(starter),
        Some(name) => find(name).map(|entry| entry.source).ok_or_else(|| {
            format!(
                "no exercise called {name} in the library; `ttx scenarios` lists: {}",
                names().join(", ")
            )
        }),
    }
}

/// One line of `ttx scenarios`.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub name: &'static str,
    pub title: String,
    pub teams: Vec<String>,
    /// Scenario time to the planned end, and the wall-clock time that takes at the scenario's
    /// speed; "open-ended" for a scenario without `end`.
    pub length: String,
    pub injects: usize,
    pub themes: &'static str,
}

impl Listing {
    fn of(entry: &Entry, scenario: &Scenario) -> Listing {
        let length = match scenario.end {
            Some(end) => {
                // Whole minutes of play are precise enough to plan a room booking.
                let wall = (end as f64 / scenario.speed / 60.0).round() as u64 * 60;
                format!("{} ({} of play)", format_secs(end), format_secs(wall))
            }
            None => "open-ended".to_string(),
        };
        Listing {
            name: entry.name,
            title: scenario.title.clone(),
            teams: scenario.teams.iter().map(|t| t.id.clone()).collect(),
            length,
            injects: scenario.injects.len(),
            themes: entry.themes,
        }
    }
}

/// Every exercise of the library, loaded; the first that fails to load is an error naming it,
/// with its diagnostics (a build that ships a broken scenario must say so, not list less).
pub fn listings() -> Result<Vec<Listing>, String> {
    LIBRARY
        .iter()
        .map(|entry| {
            entry
                .load()
                .map(|scenario| Listing::of(entry, &scenario))
                .map_err(|diagnostics| {
                    let shown: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
                    format!(
                        "the built-in scenario {} does not load:\n{}",
                        entry.name,
                        shown.join("\n")
                    )
                })
        })
        .collect()
}

/// The text of `ttx scenarios`: one block per exercise, then how to copy one.
pub fn render(listings: &[Listing]) -> String {
    let mut out = String::new();
    for listing in listings {
        out.push_str(&format!("{}\n", listing.name));
        out.push_str(&format!("    {}\n", listing.title));
        out.push_str(&format!(
            "    teams: {} · {} injects · {}\n",
            listing.teams.join(", "),
            listing.injects,
            listing.length
        ));
        out.push_str(&format!("    themes: {}\n", listing.themes));
    }
    out.push_str(
        "\nCopy one to edit with: ttx new --from NAME FILE (then: ttx validate FILE, ttx run FILE)\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_the_default_comes_first() {
        let mut names = names();
        assert_eq!(names[0], "cross-border-breach");
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), LIBRARY.len());
    }

    #[test]
    fn find_knows_every_name_and_nothing_else() {
        for entry in &LIBRARY {
            assert_eq!(find(entry.name).map(|e| e.name), Some(entry.name));
        }
        assert!(find("no-such-exercise").is_none());
    }

    #[test]
    fn new_copies_the_named_exercise_or_the_starter() {
        assert_eq!(text_for_new(None, "starter"), Ok("starter"));
        assert_eq!(
            text_for_new(Some("bank-ddos"), "starter").map(|t| t.contains("Payday DDoS")),
            Ok(true)
        );
        let unknown = text_for_new(Some("bank"), "starter").unwrap_err();
        assert!(unknown.contains("bank-ddos"), "{unknown}");
    }

    #[test]
    fn every_entry_lists_with_its_teams_and_length() {
        let listings = listings().unwrap_or_else(|e| panic!("{e}"));
        let breach = &listings[0];
        assert_eq!(breach.teams, ["aldera", "brevia"]);
        assert_eq!(breach.length, "2d (4h of play)");
        assert!(
            listings
                .iter()
                .all(|l| !l.teams.is_empty() && l.injects > 0)
        );
    }

    #[test]
    fn the_rendering_shows_every_name_title_and_theme() {
        let listings = listings().unwrap_or_else(|e| panic!("{e}"));
        let text = render(&listings);
        for listing in &listings {
            assert!(text.contains(listing.name), "{text}");
            assert!(text.contains(&listing.title), "{text}");
            assert!(text.contains(listing.themes), "{text}");
        }
        assert!(text.contains("ttx new --from NAME FILE"));
    }
}
