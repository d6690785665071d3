//! Who may join a served exercise, as which role: public keys and/or join codes per seat.
//!
//! A join code is five words from a list of 256 (40 bits), easy to read over the phone, and is
//! compared in constant time (both sides hashed first, so that not even its length leaks).

use std::fmt::Write as _;

use russh::keys::PublicKey;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::ron_file::SourceMap;
use crate::ron_file::parse::{self as ron_tree, Kind, Value};
use crate::scenario::{Scenario, TeamIx};
use crate::tui::seat::Role;

/// Connections beyond this many are refused, unless the roster says otherwise.
pub const DEFAULT_MAX_SEATS: usize = 64;

#[derive(Debug, Clone)]
pub struct RosterSeat {
    pub user: String,
    pub role: Role,
    pub keys: Vec<PublicKey>,
    pub code: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Roster {
    pub seats: Vec<RosterSeat>,
    pub max_seats: usize,
}

impl Roster {
    /// A roster made for a run without one: a join code for each team, the observer and the
    /// evaluator, and
    /// for the facilitator too when there is no local console.
    pub fn generated(scenario: &Scenario, facilitator_seat: bool) -> Result<Roster, String> {
        let mut seats: Vec<RosterSeat> = scenario
            .teams
            .iter()
            .enumerate()
            .map(|(t, team)| {
                Ok(RosterSeat {
                    user: team.id.clone(),
                    role: Role::Team(TeamIx(t)),
                    keys: Vec::new(),
                    code: Some(join_code()?),
                })
            })
            .collect::<Result<_, String>>()?;
        if facilitator_seat {
            seats.push(RosterSeat {
                user: "facilitator".into(),
                role: Role::Facilitator,
                keys: Vec::new(),
                code: Some(join_code()?),
            });
        }
        seats.push(RosterSeat {
            user: "observer".into(),
            role: Role::Observer,
            keys: Vec::new(),
            code: Some(join_code()?),
        });
        seats.push(RosterSeat {
            user: "evaluator".into(),
            role: Role::Evaluator,
            keys: Vec::new(),
            code: Some(join_code()?),
        });
        Ok(Roster {
            seats,
            max_seats: DEFAULT_MAX_SEATS,
        })
    }

    /// The seat `user` joins with `key`, if the roster lists that key for that user.
    pub fn by_key(&self, user: &str, key: &PublicKey) -> Option<&RosterSeat> {
        self.seats
            .iter()
            .find(|s| s.user == user && s.keys.iter().any(|k| k.key_data() == key.key_data()))
    }

    /// The seat `user` joins with `code`, compared in constant time.
    pub fn by_code(&self, user: &str, code: &str) -> Option<&RosterSeat> {
        let typed = Sha256::digest(code.trim().as_bytes());
        // Every seat's code is compared, so the time taken says nothing about which matched.
        let mut found = None;
        for seat in &self.seats {
            if let Some(expected) = &seat.code {
                let expected = Sha256::digest(expected.as_bytes());
                let same: bool = expected.as_slice().ct_eq(typed.as_slice()).into();
                if same && seat.user == user && found.is_none() {
                    found = Some(seat);
                }
            }
        }
        found
    }

    /// Reads a roster file; every error names its line and column.
    pub fn parse(file: &str, source: &str, scenario: &Scenario) -> Result<Roster, Vec<String>> {
        let map = SourceMap::new(file, source);
        let error = |at: usize, message: String| {
            let (line, col) = map.line_col(at);
            format!("{file}:{line}:{col}: {message}")
        };
        let tree = ron_tree::parse(source).map_err(|e| vec![error(e.at, e.message)])?;
        let mut errors = Vec::new();
        let mut roster = Roster {
            seats: Vec::new(),
            max_seats: DEFAULT_MAX_SEATS,
        };
        let Kind::Struct { fields, .. } = &tree.kind else {
            return Err(vec![error(
                tree.at,
                format!(
                    "expected `Roster(seats: [...])`, found {}",
                    tree.kind.describe()
                ),
            )]);
        };
        for field in fields {
            match field.name.as_str() {
                "seats" => match &field.value.kind {
                    Kind::List(items) => {
                        for item in items {
                            match read_seat(item, scenario) {
                                Ok(seat) => roster.seats.push(seat),
                                Err((at, message)) => errors.push(error(at, message)),
                            }
                        }
                    }
                    other => errors.push(error(
                        field.value.at,
                        format!("`seats` is a list, found {}", other.describe()),
                    )),
                },
                "max_seats" => match field.value.kind {
                    Kind::Int(n) if n > 0 => roster.max_seats = n.min(10_000) as usize,
                    _ => errors.push(error(
                        field.value.at,
                        "`max_seats` is a positive whole number".into(),
                    )),
                },
                other => errors.push(error(
                    field.at,
                    format!("unknown field `{other}`: a roster has `seats` and `max_seats`"),
                )),
            }
        }
        let mut users: Vec<&str> = Vec::new();
        for seat in &roster.seats {
            if users.contains(&seat.user.as_str()) {
                errors.push(format!(
                    "{file}: user `{}` is listed twice; one entry per user, with all its keys",
                    seat.user
                ));
            }
            users.push(&seat.user);
        }
        if errors.is_empty() {
            Ok(roster)
        } else {
            Err(errors)
        }
    }

    /// The roster as a file, for `ttx roster`.
    pub fn to_ron(&self, scenario: &Scenario) -> String {
        let mut out = String::from(
            "// Who may join `ttx serve`: each seat joins with one of its public keys\n\
             // (`ssh-ed25519 AAAA... name`) or its join code typed as the password.\n\
             // A seat with neither keys nor code cannot be joined.\n\
             Roster(\n    seats: [\n",
        );
        for seat in &self.seats {
            let role = match seat.role {
                Role::Team(t) => format!("Team({:?})", scenario.team(t).id),
                Role::Facilitator | Role::Local => "Facilitator".into(),
                Role::Observer => "Observer".into(),
                Role::Evaluator => "Evaluator".into(),
            };
            let keys: Vec<String> = seat
                .keys
                .iter()
                .filter_map(|k| k.to_openssh().ok())
                .map(|k| format!("{k:?}"))
                .collect();
            let _ = write!(
                out,
                "        (user: {:?}, role: {role}, keys: [{}]",
                seat.user,
                keys.join(", ")
            );
            if let Some(code) = &seat.code {
                let _ = write!(out, ", code: {code:?}");
            }
            out.push_str("),\n");
        }
        let _ = write!(out, "    ],\n    max_seats: {},\n)\n", self.max_seats);
        out
    }
}

fn read_seat(value: &Value, scenario: &Scenario) -> Result<RosterSeat, (usize, String)> {
    let Kind::Struct { fields, .. } = &value.kind else {
        return Err((
            value.at,
            format!(
                "a seat is `(user: \"...\", role: ..., keys: [...], code: \"...\")`, found {}",
                value.kind.describe()
            ),
        ));
    };
    let mut user = None;
    let mut role = None;
    let mut keys = Vec::new();
    let mut code = None;
    for field in fields {
        let v = &field.value;
        match (field.name.as_str(), &v.kind) {
            ("user", Kind::Str(s)) if !s.is_empty() => user = Some(s.clone()),
            ("role", Kind::Unit(name)) if name == "Facilitator" => role = Some(Role::Facilitator),
            ("role", Kind::Unit(name)) if name == "Observer" => role = Some(Role::Observer),
            ("role", Kind::Unit(name)) if name == "Evaluator" => role = Some(Role::Evaluator),
            (
                "role",
                Kind::Tuple {
                    name: Some(n),
                    items,
                },
            ) if n == "Team" && items.len() == 1 => {
                let Kind::Str(id) = &items[0].kind else {
                    return Err((items[0].at, "a team is named by its id, a string".into()));
                };
                let Some(t) = scenario.teams.iter().position(|t| &t.id == id) else {
                    let ids: Vec<&str> = scenario.teams.iter().map(|t| t.id.as_str()).collect();
                    return Err((
                        items[0].at,
                        format!("no team `{id}` in the scenario (teams: {})", ids.join(", ")),
                    ));
                };
                role = Some(Role::Team(TeamIx(t)));
            }
            ("role", _) => {
                return Err((
                    v.at,
                    "a role is `Team(\"id\")`, `Facilitator`, `Observer` or `Evaluator`".into(),
                ));
            }
            ("keys", Kind::List(items)) => {
                for item in items {
                    let Kind::Str(text) = &item.kind else {
                        return Err((item.at, "a key is a string".into()));
                    };
                    let key = PublicKey::from_openssh(text.trim()).map_err(|e| {
                        (
                            item.at,
                            format!("not an OpenSSH public key (`ssh-ed25519 AAAA...`): {e}"),
                        )
                    })?;
                    keys.push(key);
                }
            }
            ("code", Kind::Str(s)) if s.trim().chars().count() >= 8 => {
                code = Some(s.trim().to_string())
            }
            ("code", _) => {
                return Err((
                    v.at,
                    "a join code is a string of at least 8 characters (ttx roster makes good ones)"
                        .into(),
                ));
            }
            (name @ ("user" | "keys"), _) => {
                return Err((
                    v.at,
                    format!("`{name}` has the wrong type: {}", v.kind.describe()),
                ));
            }
            (other, _) => {
                return Err((
                    field.at,
                    format!("unknown field `{other}`: a seat has user, role, keys, code"),
                ));
            }
        }
    }
    let user = user.ok_or((value.at, "a seat needs a `user`".to_string()))?;
    let role = role.ok_or((value.at, format!("seat `{user}` needs a `role`")))?;
    Ok(RosterSeat {
        user,
        role,
        keys,
        code,
    })
}

/// A fresh join code: five words of a 256-word list, 40 bits from the system's generator.
pub fn join_code() -> Result<String, String> {
    let mut bytes = [0u8; 5];
    // Without system randomness, no code: a guessable one would be worse.
    getrandom::fill(&mut bytes)
        .map_err(|e| format!("the system gives no randomness for join codes: {e}"))?;
    Ok(bytes
        .iter()
        .map(|b| WORDS[*b as usize])
        .collect::<Vec<_>>()
        .join("-"))
}

/// Short, distinct words that are hard to mishear.
const WORDS: [&str; 256] = [
    "acid", "acorn", "actor", "adobe", "agent", "alarm", "album", "alder", "alpha", "amber",
    "angle", "apple", "apron", "arch", "arena", "arrow", "aspen", "atlas", "attic", "audio",
    "badge", "bagel", "baker", "bamboo", "banjo", "barge", "basil", "beach", "beacon", "bench",
    "berry", "bison", "blade", "blaze", "bloom", "board", "bonus", "boots", "brick", "bridge",
    "brook", "brush", "bucket", "buffalo", "bugle", "cabin", "cable", "cactus", "camel", "candle",
    "canoe", "canyon", "cargo", "carpet", "castle", "cedar", "cello", "chalk", "cherry", "chess",
    "cider", "cinema", "circle", "citrus", "clover", "cobalt", "cocoa", "comet", "copper", "coral",
    "cotton", "cradle", "crane", "crater", "cricket", "crystal", "cube", "dahlia", "daisy",
    "delta", "denim", "desert", "diesel", "dingo", "dolphin", "domino", "donkey", "dragon", "drum",
    "eagle", "easel", "echo", "elbow", "elder", "ember", "emerald", "engine", "falcon", "fence",
    "fern", "ferry", "fiddle", "field", "flame", "flute", "forest", "fossil", "fox", "galaxy",
    "garden", "garlic", "gecko", "geyser", "ginger", "glacier", "globe", "goose", "granite",
    "grape", "gravel", "guitar", "hammer", "harbor", "harp", "hazel", "helmet", "heron", "hockey",
    "honey", "hornet", "husky", "igloo", "indigo", "iris", "island", "ivory", "jacket", "jaguar",
    "jasmine", "jelly", "jigsaw", "juggle", "jungle", "kayak", "kettle", "kiwi", "koala", "ladder",
    "lagoon", "lantern", "laser", "lemon", "lentil", "lilac", "lion", "lizard", "lobster", "lotus",
    "magnet", "mango", "maple", "marble", "meadow", "melon", "meteor", "mint", "mirror", "monsoon",
    "moose", "mosaic", "nectar", "needle", "nickel", "nutmeg", "oasis", "ocean", "olive", "onion",
    "orbit", "orchid", "otter", "oyster", "paddle", "panda", "papaya", "parrot", "pebble",
    "pelican", "pepper", "piano", "pigeon", "pillow", "pilot", "planet", "plum", "pocket", "pony",
    "poppy", "prism", "puffin", "pumpkin", "quartz", "quiver", "rabbit", "radar", "radish",
    "raven", "reef", "ribbon", "river", "robin", "rocket", "saddle", "salmon", "sapphire",
    "satchel", "scarf", "seal", "shovel", "silver", "sixty", "sketch", "sleigh", "spider",
    "spruce", "squid", "stable", "statue", "summit", "sunset", "swan", "tango", "teapot",
    "thistle", "thunder", "tiger", "timber", "tomato", "topaz", "tractor", "trumpet", "tulip",
    "tundra", "turtle", "umbrella", "valley", "velvet", "violin", "volcano", "walnut", "walrus",
    "whale", "willow", "wizard", "yacht", "zebra",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        crate::tui::testing::phishing()
    }

    #[test]
    fn the_word_list_has_256_distinct_words() {
        let mut words = WORDS.to_vec();
        words.sort();
        words.dedup();
        assert_eq!(words.len(), 256);
    }

    #[test]
    fn codes_are_five_words_and_differ() {
        let a = join_code().unwrap();
        assert_eq!(a.split('-').count(), 5);
        assert_ne!(a, join_code().unwrap());
    }

    #[test]
    fn a_written_roster_reads_back_and_checks_codes() {
        let scenario = scenario();
        let roster = Roster::generated(&scenario, true).unwrap();
        let text = roster.to_ron(&scenario);
        let read = Roster::parse("roster.ron", &text, &scenario).unwrap();
        // The teams, the facilitator, the observer and the evaluator.
        assert_eq!(read.seats.len(), scenario.teams.len() + 3);
        assert!(
            read.seats
                .iter()
                .any(|s| s.user == "evaluator" && s.role == Role::Evaluator)
        );
        let soc = &read.seats[0];
        let code = soc.code.clone().unwrap();
        assert!(read.by_code("soc", &code).is_some());
        assert!(read.by_code("cert", &code).is_none());
        assert!(read.by_code("soc", "wrong-code-entirely").is_none());
    }

    #[test]
    fn errors_name_their_line() {
        let errors = Roster::parse(
            "r.ron",
            "Roster(seats: [\n (user: \"x\", role: Team(\"nobody\")),\n])",
            &scenario(),
        )
        .unwrap_err();
        assert!(errors[0].starts_with("r.ron:2:"), "{errors:?}");
        assert!(errors[0].contains("no team `nobody`"), "{errors:?}");
    }
}
