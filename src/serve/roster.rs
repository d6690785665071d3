//! Who may join a served exercise, as which role: public keys and/or join codes per seat.
//!
//! A join code is five words from a list of 256 (40 bits), easy to read over the phone, and is
//! compared in constant time (both sides hashed first, so that not even its length leaks).

use std::fmt::{self, Write as _};
use std::time::Duration;

use russh::keys::PublicKey;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::debrief::{person_name, seat_user};
use crate::role::Role;
use crate::ron_file::{
    Arena, Diagnostic, Each, Errors, FromValue, Got, Kind, SourceMap, Spanned, Value, list_names,
    parse_file, record,
};
use crate::scenario::{Scenario, TeamIx};

/// Connections beyond this many are refused, unless the roster says otherwise (or has more
/// teams, facilitators and evaluators, who each have a seat kept).
pub const DEFAULT_MAX_SEATS: usize = 64;

/// The most seats one roster user may hold at once, unless the roster says otherwise: enough
/// for a team of 25 sharing its join code, not enough for one code to take every seat.
pub const DEFAULT_MAX_SEATS_PER_USER: usize = 32;

/// A connection that has not become a seat this long after it was taken is closed, unless the
/// roster says otherwise: OpenSSH's `LoginGraceTime`.
pub const DEFAULT_LOGIN_GRACE_S: u64 = 120;
const MAX_LOGIN_GRACE_S: u64 = 3600;

/// The shortest join code a roster may give: a code is typed as a password, so a short one is
/// guessed.
const MIN_CODE_CHARS: usize = 8;

#[derive(Debug, Clone)]
pub struct RosterSeat {
    pub user: String,
    /// Who holds this seat, as the report's Appendix B names them ("Dana Reyes, CERT duty
    /// officer"); `None` where the roster gives none.
    pub name: Option<String>,
    pub role: Role,
    pub keys: Vec<PublicKey>,
    pub code: Option<String>,
}

impl RosterSeat {
    /// Whom a seat is kept for when this seat's user joins: its team, or a facilitator or
    /// evaluator user; nobody for an observer or a seat that cannot be joined.
    fn kept_for(&self) -> Option<Keeper<'_>> {
        if self.keys.is_empty() && self.code.is_none() {
            return None;
        }
        match self.role {
            Role::Team(t) => Some(Keeper::Team(t)),
            Role::Facilitator | Role::Evaluator => Some(Keeper::Staff(&self.user)),
            Role::Observer | Role::Local => None,
        }
    }
}

/// Whom a seat is kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keeper<'a> {
    Team(TeamIx),
    Staff(&'a str),
}

/// Why a user gets no seat now: said on the channel, which limit and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// `max_seats` are taken.
    Server,
    /// The user holds `max_seats_per_user` seats already.
    User(usize),
    /// The seats left are kept for teams, facilitators and evaluators without one yet.
    Reserved,
}

impl fmt::Display for Full {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Full::Server => write!(f, "every seat is taken; try again later"),
            Full::User(n) => write!(
                f,
                "this user already holds {n} seats, the most one user may hold; leave one first"
            ),
            Full::Reserved => write!(
                f,
                "the seats left are kept for the teams, facilitators and evaluators not here yet; \
                 try again later"
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Roster {
    pub seats: Vec<RosterSeat>,
    pub max_seats: usize,
    pub max_seats_per_user: usize,
    /// How long a connection may take from being taken to showing its seat: logging in,
    /// typing a code, asking for the screen.
    pub login_grace: Duration,
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
                    name: None,
                    role: Role::Team(TeamIx(t)),
                    keys: Vec::new(),
                    code: Some(join_code()?),
                })
            })
            .collect::<Result<_, String>>()?;
        if facilitator_seat {
            seats.push(RosterSeat {
                user: "facilitator".into(),
                name: None,
                role: Role::Facilitator,
                keys: Vec::new(),
                code: Some(join_code()?),
            });
        }
        seats.push(RosterSeat {
            user: "observer".into(),
            name: None,
            role: Role::Observer,
            keys: Vec::new(),
            code: Some(join_code()?),
        });
        seats.push(RosterSeat {
            user: "evaluator".into(),
            name: None,
            role: Role::Evaluator,
            keys: Vec::new(),
            code: Some(join_code()?),
        });
        let mut roster = Roster {
            seats,
            max_seats: DEFAULT_MAX_SEATS,
            max_seats_per_user: DEFAULT_MAX_SEATS_PER_USER,
            login_grace: Duration::from_secs(DEFAULT_LOGIN_GRACE_S),
        };
        roster.max_seats = roster.max_seats.max(roster.keepers().len());
        Ok(roster)
    }

    /// Whether `user` may take one more seat while `seated` (each seat's user) are taken. A
    /// seat is kept free for each team and each facilitator and evaluator user that holds none
    /// yet, so that one team filling the server never locks out another or the staff; an
    /// observer has none kept.
    pub fn admits(&self, user: &str, seated: &[&str]) -> Result<(), Full> {
        if seated.len() >= self.max_seats {
            return Err(Full::Server);
        }
        if seated.iter().filter(|u| **u == user).count() >= self.max_seats_per_user {
            return Err(Full::User(self.max_seats_per_user));
        }
        let own = self.seat(user).and_then(RosterSeat::kept_for);
        let held: Vec<Keeper> = seated
            .iter()
            .filter_map(|u| self.seat(u).and_then(RosterSeat::kept_for))
            .collect();
        let kept = self
            .keepers()
            .into_iter()
            .filter(|k| Some(*k) != own && !held.contains(k))
            .count();
        if self.max_seats - seated.len() - 1 < kept {
            return Err(Full::Reserved);
        }
        Ok(())
    }

    fn seat(&self, user: &str) -> Option<&RosterSeat> {
        self.seats.iter().find(|s| s.user == user)
    }

    /// The name the roster gives `user`'s seat, if any.
    pub fn name_of(&self, user: &str) -> Option<&str> {
        self.seat(user).and_then(|s| s.name.as_deref())
    }

    /// Everyone a seat is kept for, once each.
    fn keepers(&self) -> Vec<Keeper<'_>> {
        let mut keepers: Vec<Keeper> = Vec::new();
        for keeper in self.seats.iter().filter_map(RosterSeat::kept_for) {
            if !keepers.contains(&keeper) {
                keepers.push(keeper);
            }
        }
        keepers
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

    /// Reads a roster file. Every mistake is reported, each with its line and column: unknown,
    /// missing, repeated and mistyped fields, unknown teams, keys that do not parse.
    pub fn parse(file: &str, source: &str, scenario: &Scenario) -> Result<Roster, Vec<Diagnostic>> {
        let map = SourceMap::new(file, source);
        let arena = Arena::new();
        let tree = parse_file(&map, source, &arena)?;
        let mut errors = Errors::default();
        let raw = RawRoster::from_value(&tree, "", &mut errors);
        let roster = raw.and_then(|raw| resolve(&raw, scenario, &mut errors));
        match roster {
            Some(roster) if errors.is_empty() => Ok(roster),
            _ => Err(errors.into_diagnostics(&map)),
        }
    }

    /// The roster as a file, for `ttx roster`.
    pub fn to_ron(&self, scenario: &Scenario) -> String {
        let mut out = String::from(
            "// Who may join `ttx serve`: each seat joins with one of its public keys\n\
             // (`ssh-ed25519 AAAA... name`) or its join code typed as the password.\n\
             // A seat with neither keys nor code cannot be joined. `name` (optional) is who\n\
             // holds the seat, as the report's list of participants names them.\n\
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
                "        (user: {:?}, name: {:?}, role: {role}, keys: [{}]",
                seat.user,
                seat.name.as_deref().unwrap_or_default(),
                keys.join(", ")
            );
            if let Some(code) = &seat.code {
                let _ = write!(out, ", code: {code:?}");
            }
            out.push_str("),\n");
        }
        let _ = write!(
            out,
            "    ],\n    max_seats: {},\n    max_seats_per_user: {},\n    login_grace_s: {},\n)\n",
            self.max_seats,
            self.max_seats_per_user,
            self.login_grace.as_secs()
        );
        out
    }
}

record! {
    /// A roster file as written.
    struct RawRoster as "Roster", "the roster" {
        seats: Each<RawSeat> = Required,
        max_seats: Spanned<u64> = Optional,
        max_seats_per_user: Spanned<u64> = Optional,
        login_grace_s: Spanned<u64> = Optional,
    }
}

record! {
    struct RawSeat as "Seat", "a seat" {
        user: Spanned<String> = Required,
        name: Spanned<String> = Optional,
        role: Spanned<RawRole> = Required,
        keys: Vec<Spanned<String>> = Optional,
        code: Spanned<String> = Optional,
    }
}

/// A seat's `role` as written, its team named by id.
#[derive(Debug, Clone, PartialEq)]
enum RawRole {
    Team(Spanned<String>),
    Facilitator,
    Observer,
    Evaluator,
}

impl FromValue for RawRole {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        match &value.kind {
            Kind::Unit(name) if *name == "Facilitator" => Some(RawRole::Facilitator),
            Kind::Unit(name) if *name == "Observer" => Some(RawRole::Observer),
            Kind::Unit(name) if *name == "Evaluator" => Some(RawRole::Evaluator),
            Kind::Tuple {
                name: Some(name),
                items,
            } if *name == "Team" && items.len() == 1 => {
                Spanned::<String>::from_value(&items[0], field, errors).map(RawRole::Team)
            }
            other => {
                errors.push(
                    value.span(),
                    format!(
                        "`{field}`: expected `Team(\"id\")`, `Facilitator`, `Observer` or `Evaluator`, found {}",
                        other.describe()
                    ),
                );
                None
            }
        }
    }
}

/// The roster the file describes, each remaining mistake reported: an unknown team, a key that
/// does not parse, a short code, a user listed twice, `max_seats` of 0 or fewer than the seats
/// kept, `max_seats_per_user` of 0, a login grace time of 0 or over an hour.
fn resolve(raw: &RawRoster, scenario: &Scenario, errors: &mut Errors) -> Option<Roster> {
    let mut roster = Roster {
        seats: Vec::new(),
        max_seats: DEFAULT_MAX_SEATS,
        max_seats_per_user: DEFAULT_MAX_SEATS_PER_USER,
        login_grace: Duration::from_secs(DEFAULT_LOGIN_GRACE_S),
    };
    if let Got::Given(max) = &raw.max_seats_per_user {
        if max.value == 0 {
            errors.push(max.span, "`max_seats_per_user` must be at least 1");
        } else {
            roster.max_seats_per_user = usize::try_from(max.value).unwrap_or(usize::MAX);
        }
    }
    if let Got::Given(grace) = &raw.login_grace_s {
        if (1..=MAX_LOGIN_GRACE_S).contains(&grace.value) {
            roster.login_grace = Duration::from_secs(grace.value);
        } else {
            errors.push(
                grace.span,
                format!("`login_grace_s` must be from 1 to {MAX_LOGIN_GRACE_S} (seconds)"),
            );
        }
    }
    if let Got::Given(max) = &raw.max_seats {
        if max.value == 0 {
            errors.push(max.span, "`max_seats` must be at least 1");
        } else {
            roster.max_seats = usize::try_from(max.value).unwrap_or(usize::MAX).min(10_000);
        }
    }
    let Got::Given(seats) = &raw.seats else {
        return None;
    };
    for raw_seat in seats.readable() {
        if let Some(seat) = resolve_seat(raw_seat, scenario, errors) {
            if let Some(first) = roster.seats.iter().find(|s| s.user == seat.user) {
                errors.push(
                    raw_seat.user.given().map_or(raw_seat.span, |u| u.span),
                    format!(
                        "user `{}` is listed twice; one entry per user, with all its keys",
                        first.user.escape_debug()
                    ),
                );
                continue;
            }
            roster.seats.push(seat);
        }
    }
    let kept = roster.keepers().len();
    match &raw.max_seats {
        Got::Given(max) if max.value != 0 && roster.max_seats < kept => errors.push(
            max.span,
            format!(
                "`max_seats` must be at least {kept}: a seat is kept for each team, facilitator \
                 and evaluator"
            ),
        ),
        _ => roster.max_seats = roster.max_seats.max(kept),
    }
    seats.complete().then_some(roster)
}

fn resolve_seat(raw: &RawSeat, scenario: &Scenario, errors: &mut Errors) -> Option<RosterSeat> {
    let user = raw.user.given().and_then(|user| {
        if user.value.is_empty() {
            errors.push(
                user.span,
                "`user` must not be empty: it is the SSH user name",
            );
            None
        } else if let Err(message) = seat_user(&user.value) {
            errors.push(user.span, message);
            None
        } else {
            Some(user.value.clone())
        }
    });
    let role = raw.role.given().and_then(|role| match &role.value {
        RawRole::Facilitator => Some(Role::Facilitator),
        RawRole::Observer => Some(Role::Observer),
        RawRole::Evaluator => Some(Role::Evaluator),
        RawRole::Team(id) => match scenario.team_ix(&id.value) {
            Some(t) => Some(Role::Team(t)),
            None => {
                errors.push_with(id.span, || {
                    format!(
                        "no team `{}` in the scenario (teams: {})",
                        id.value.escape_debug(),
                        list_names(scenario.teams.iter().map(|t| t.id.as_str()))
                    )
                });
                None
            }
        },
    });
    let mut keys = Vec::new();
    let mut keys_read = true;
    for text in raw.keys.given().into_iter().flatten() {
        match PublicKey::from_openssh(text.value.trim()) {
            Ok(key) => keys.push(key),
            Err(e) => {
                keys_read = false;
                errors.push(
                    text.span,
                    format!("not an OpenSSH public key (`ssh-ed25519 AAAA... name`): {e}"),
                );
            }
        }
    }
    let code = raw.code.given().and_then(|code| {
        let trimmed = code.value.trim();
        if trimmed.chars().count() >= MIN_CODE_CHARS {
            Some(trimmed.to_string())
        } else {
            errors.push(
                code.span,
                format!(
                    "a join code has at least {MIN_CODE_CHARS} characters (ttx roster makes good \
                     ones)"
                ),
            );
            None
        }
    });
    let code_read = raw.code.is_absent() || code.is_some();
    let name = match raw.name.given() {
        Some(name) => match person_name(&name.value) {
            Ok(name) => name,
            Err(message) => {
                errors.push(name.span, message);
                return None;
            }
        },
        None => None,
    };
    if !keys_read || !code_read || raw.keys.is_bad() || raw.name.is_bad() {
        return None;
    }
    Some(RosterSeat {
        user: user?,
        name,
        role: role?,
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
        crate::session::testing::phishing()
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

    fn errors(source: &str) -> Vec<String> {
        Roster::parse("r.ron", source, &scenario())
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// A seat's `name` is who holds it, for the report; `ttx roster` writes it blank for the
    /// facilitator to fill in, and blank is no name.
    #[test]
    fn a_seat_names_its_person_and_a_blank_name_is_none() {
        let scenario = scenario();
        let roster = Roster::generated(&scenario, true).unwrap();
        let text = roster.to_ron(&scenario);
        assert!(
            text.contains("(user: \"soc\", name: \"\", role: Team(\"soc\")"),
            "{text}"
        );
        let named = text.replacen("name: \"\"", "name: \" Dana Reyes, SOC lead \"", 1);
        let read = Roster::parse("roster.ron", &named, &scenario).unwrap();
        assert_eq!(read.name_of("soc"), Some("Dana Reyes, SOC lead"));
        assert_eq!(read.name_of("cert"), None);
        let again = Roster::parse("roster.ron", &read.to_ron(&scenario), &scenario).unwrap();
        assert_eq!(again.name_of("soc"), Some("Dana Reyes, SOC lead"));
    }

    #[test]
    fn a_bad_name_is_refused_where_it_is_written() {
        let seat = |name: &str| {
            format!(
                "Roster(seats: [\n (user: \"soc\", role: Team(\"soc\"), code: \"amber-tide-four\"),\n (user: \"cert\", name: {name}, role: Team(\"cert\"), code: \"amber-tide-five\"),\n])"
            )
        };
        let heads = |name: &str| -> Vec<String> {
            errors(&seat(name))
                .iter()
                .map(|e| e.lines().next().unwrap().to_string())
                .collect()
        };
        assert_eq!(
            heads("\"Ana\\u{1b}[2J\""),
            vec!["r.ron:3:23: `name` must not hold control characters (a tab, a line break)"]
        );
        assert_eq!(
            heads(&format!("{:?}", "x".repeat(121))),
            vec![
                "r.ron:3:23: `name` has at most 120 characters: it names the person in the report"
            ]
        );
        assert_eq!(
            heads("7"),
            vec!["r.ron:3:23: `name`: expected a string, found an integer"]
        );
    }

    /// A roster user reaches every seat line and report as written: one line, bounded, as the
    /// journal's reader requires of a seat line.
    #[test]
    fn a_user_with_a_control_character_or_too_long_is_refused() {
        for (user, message) in [
            (
                "\"so\\tc\"".to_string(),
                "`user` must not hold control characters",
            ),
            (
                format!("{:?}", "x".repeat(65)),
                "`user` has at most 64 characters",
            ),
        ] {
            let errors = errors(&format!(
                "Roster(seats: [\n (user: {user}, role: Team(\"soc\"), code: \"amber-tide-four\"),\n])"
            ));
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(errors[0].starts_with("r.ron:2:"), "{errors:?}");
            assert!(errors[0].contains(message), "{errors:?}");
        }
    }

    #[test]
    fn errors_name_their_line() {
        let errors = errors("Roster(seats: [\n (user: \"x\", role: Team(\"nobody\")),\n])");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("r.ron:2:25: no team `nobody`"),
            "{errors:?}"
        );
    }

    /// Every mistake of a bad roster is reported at once, each where it is written.
    #[test]
    fn a_bad_roster_reports_every_mistake_with_its_position() {
        let source = "Roster(\n\
            \x20   seats: [\n\
            \x20       (user: \"soc\", role: Team(\"soc\"), colour: \"red\"),\n\
            \x20       (role: Observer, code: \"amber-tide-four\"),\n\
            \x20       (user: 7, role: Facilitator),\n\
            \x20       (user: \"cert\", role: Boss, keys: [\"ssh-ed25519 nonsense\"], code: \"short\"),\n\
            \x20       (user: \"soc\", role: Observer),\n\
            \x20   ],\n\
            \x20   max_seats: 0,\n\
            \x20   theme: \"dark\",\n\
            )\n";
        let errors = errors(source);
        let heads: Vec<&str> = errors.iter().map(|e| e.lines().next().unwrap()).collect();
        let key = "r.ron:6:43: not an OpenSSH public key (`ssh-ed25519 AAAA... name`): ";
        assert!(
            heads.get(4).is_some_and(|h| h.starts_with(key)),
            "{heads:#?}"
        );
        let others: Vec<&str> = heads
            .iter()
            .enumerate()
            .filter(|(n, _)| *n != 4)
            .map(|(_, h)| *h)
            .collect();
        assert_eq!(
            others,
            vec![
                "r.ron:3:42: unknown field `colour` in a seat (fields: user, name, role, keys, code)",
                "r.ron:4:9: missing field `user` in a seat",
                "r.ron:5:16: `user`: expected a string, found an integer",
                "r.ron:6:30: `role`: expected `Team(\"id\")`, `Facilitator`, `Observer` or `Evaluator`, found `Boss`",
                "r.ron:6:74: a join code has at least 8 characters (ttx roster makes good ones)",
                "r.ron:7:16: user `soc` is listed twice; one entry per user, with all its keys",
                "r.ron:9:16: `max_seats` must be at least 1",
                "r.ron:10:5: unknown field `theme` in the roster (fields: seats, max_seats, max_seats_per_user, login_grace_s)",
            ],
            "{errors:#?}"
        );
        // Each is shown with its line and a caret under the value.
        assert!(errors[0].contains("colour: \"red\"),\n"), "{}", errors[0]);
    }

    #[test]
    fn the_login_grace_time_is_two_minutes_unless_the_roster_says_otherwise() {
        let seats = "seats: [(user: \"soc\", role: Team(\"soc\"), code: \"amber-tide-four\")]";
        let read = |fields: &str| {
            Roster::parse("r.ron", &format!("Roster({seats}, {fields})"), &scenario())
        };
        assert_eq!(read("").unwrap().login_grace, Duration::from_secs(120));
        assert_eq!(
            read("login_grace_s: 5").unwrap().login_grace,
            Duration::from_secs(5)
        );
        for wrong in ["login_grace_s: 0", "login_grace_s: 3601"] {
            let errors: Vec<String> = read(wrong)
                .unwrap_err()
                .iter()
                .map(ToString::to_string)
                .collect();
            assert!(
                errors[0].contains("`login_grace_s` must be from 1 to 3600 (seconds)"),
                "{errors:?}"
            );
        }
    }

    /// Two users of team soc, one of cert, a facilitator, an evaluator, an observer, and a
    /// facilitator seat nobody can join; then the roster's own `fields`.
    fn staffed(fields: &str) -> Roster {
        let source = format!(
            "Roster(seats: [\n\
             (user: \"alice\", role: Team(\"soc\"), code: \"alice-code-1\"),\n\
             (user: \"bob\", role: Team(\"soc\"), code: \"bob-code-12\"),\n\
             (user: \"cert\", role: Team(\"cert\"), code: \"cert-code-1\"),\n\
             (user: \"facilitator\", role: Facilitator, code: \"control-desk\"),\n\
             (user: \"anna\", role: Evaluator, code: \"anna-code-1\"),\n\
             (user: \"observer\", role: Observer, code: \"watch-code\"),\n\
             (user: \"nobody\", role: Facilitator),\n\
             ], {fields})"
        );
        Roster::parse("r.ron", &source, &scenario()).unwrap()
    }

    #[test]
    fn one_user_holds_at_most_max_seats_per_user() {
        assert_eq!(staffed("").max_seats_per_user, 32);
        let roster = staffed("max_seats_per_user: 2");
        assert_eq!(roster.admits("alice", &["alice"]), Ok(()));
        assert_eq!(
            roster.admits("alice", &["alice", "alice"]),
            Err(Full::User(2))
        );
        // Another user of the same team is another user.
        assert_eq!(roster.admits("bob", &["alice", "alice"]), Ok(()));
    }

    /// With 6 seats and 4 kept (soc, cert, the facilitator, anna; not the observer, not a seat
    /// nobody can join), soc may take 3 and then only the others may join, each to their own.
    #[test]
    fn a_seat_is_kept_for_each_team_and_each_facilitator_and_evaluator() {
        let roster = staffed("max_seats: 6");
        let mut seated = vec!["alice", "alice"];
        assert_eq!(roster.admits("bob", &seated), Ok(()));
        seated.push("bob");
        for other in ["alice", "bob", "observer"] {
            assert_eq!(
                roster.admits(other, &seated),
                Err(Full::Reserved),
                "{other}"
            );
        }
        for keeper in ["cert", "facilitator", "anna"] {
            assert_eq!(roster.admits(keeper, &seated), Ok(()), "{keeper}");
        }
        seated.extend(["cert", "facilitator"]);
        assert_eq!(roster.admits("cert", &seated), Err(Full::Reserved));
        assert_eq!(roster.admits("anna", &seated), Ok(()));
        seated.push("anna");
        assert_eq!(roster.admits("anna", &seated), Err(Full::Server));
        assert_eq!(
            Full::Reserved.to_string(),
            "the seats left are kept for the teams, facilitators and evaluators not here yet; \
             try again later"
        );
    }

    /// A roster whose `max_seats` cannot keep a seat for each is refused; without `max_seats`,
    /// there are enough.
    #[test]
    fn max_seats_covers_the_seats_kept() {
        let source = "Roster(seats: [\n\
             (user: \"soc\", role: Team(\"soc\"), code: \"soc-code-1\"),\n\
             (user: \"cert\", role: Team(\"cert\"), code: \"cert-code-1\"),\n\
             (user: \"anna\", role: Evaluator, code: \"anna-code-1\"),\n\
             ], max_seats: 2, max_seats_per_user: 0)";
        let errors: Vec<String> = Roster::parse("r.ron", source, &scenario())
            .unwrap_err()
            .iter()
            .map(|e| e.to_string().lines().next().unwrap_or_default().to_string())
            .collect();
        assert_eq!(
            errors,
            vec![
                "r.ron:5:15: `max_seats` must be at least 3: a seat is kept for each team, \
                 facilitator and evaluator",
                "r.ron:5:38: `max_seats_per_user` must be at least 1",
            ]
        );
        let generated = Roster::generated(&scenario(), true).unwrap();
        assert_eq!(generated.max_seats, DEFAULT_MAX_SEATS);
        assert_eq!(generated.max_seats_per_user, DEFAULT_MAX_SEATS_PER_USER);
    }

    #[test]
    fn a_roster_without_seats_or_with_a_syntax_error_says_so() {
        assert!(errors("Roster(max_seats: 4)")[0].contains("missing field `seats` in the roster"));
        assert!(errors("Roster(seats: [(user: \"soc\"")[0].starts_with("r.ron:1:"));
        assert!(errors("[1, 2]")[0].contains("expected the roster `Roster(...)`"));
    }
}
