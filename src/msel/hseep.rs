//! HSEEP's MSEL columns (the Homeland Security Exercise and Evaluation Program's template), which
//! is also what `ttx msel export` writes.

use super::role::{Aliases, Role};

pub const ALIASES: Aliases = &[
    (Role::Id, &["id", "inject id"]),
    (
        Role::Number,
        &[
            "#",
            "no.",
            "event #",
            "event number",
            "inject #",
            "inject number",
            "msel #",
            "control number",
        ],
    ),
    (
        Role::Time,
        &[
            "scenario time",
            "time",
            "designated scenario time",
            "exercise time",
            "delivery time",
        ],
    ),
    (Role::Trigger, &["trigger"]),
    (Role::Timing, &["openbas timing"]),
    (Role::EventType, &["event type", "type of event"]),
    (Role::Unless, &["unless"]),
    (Role::From, &["from", "sender", "originator"]),
    (
        Role::To,
        &[
            "to",
            "recipient",
            "recipients",
            "player",
            "players",
            "responder",
            "audience",
        ],
    ),
    (
        Role::Method,
        &[
            "method",
            "inject mode",
            "inject method",
            "mode",
            "delivery method",
            "delivery mode",
        ],
    ),
    (
        Role::Subject,
        &["subject", "title", "inject title", "event title", "event"],
    ),
    (
        Role::Body,
        &[
            "inject",
            "message",
            "description",
            "inject description",
            "event description",
            "details",
            "content",
        ],
    ),
    (
        Role::Expected,
        &[
            "expected action",
            "expected actions",
            "expected player action",
            "expected player actions",
            "expected participant response",
            "expected response",
            "expected outcome",
        ],
    ),
    (
        Role::Objective,
        &[
            "objective",
            "objectives",
            "exercise objective",
            "objective/capability",
            "capability",
        ],
    ),
    (
        Role::Notes,
        &[
            "notes",
            "note",
            "controller notes",
            "facilitator notes",
            "remarks",
        ],
    ),
];

/// An HSEEP MSEL names at least its recipients and its message.
pub fn recognises(headers: &[String]) -> bool {
    let has = |role: Role| {
        ALIASES
            .iter()
            .filter(|(r, _)| *r == role)
            .any(|(_, names)| headers.iter().any(|h| names.contains(&h.as_str())))
    };
    has(Role::To) && (has(Role::Body) || has(Role::Subject))
}
