//! The line format of events: what an event of the exercise, a debrief entry or a seat line
//! is in the journal, with teams, injects, actions and expectations named by their ids, and back.

use std::borrow::Cow;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Error as _, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::error::json_message;
use crate::debrief::{
    Answer, DebriefEvent, FactEntered, Feedback, PlanAdded, PlanDropped, PlanEdited, Rated,
    SeatEvent, Summary,
};
use crate::engine::{Answers, Event, Exercise, NoteKind, Outcome, Response};
use crate::scenario::{Secs, TeamIx};

/// One event line: its time, then its kind and content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct Record<'a> {
    pub(super) at_s: Secs,
    /// When it was written, by the wall clock (RFC 3339, UTC; format 3, absent in a scripted
    /// run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) wall: Option<String>,
    #[serde(flatten)]
    pub(super) kind: Kind<'a>,
}

/// A line's kind (its `event` key) and the content that kind has. Written by serde's derive;
/// read by `Kind::read`, one arm a kind, each reading its own struct.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub(super) enum Kind<'a> {
    Started,
    Paused,
    Resumed,
    Speed(SpeedLine),
    Scheduled(ScheduledLine<'a>),
    Skipped(SkippedLine<'a>),
    /// Format 5: a scheduled inject not released because its `unless` had fired.
    SkippedUnless(SkippedUnlessLine<'a>),
    Released(ReleasedLine<'a>),
    Deadline(DeadlineLine<'a>),
    Response(ResponseLine<'a>),
    Said(SaidLine<'a>),
    Message(MessageLine<'a>),
    Note(NoteLine<'a>),
    Ended,
    Clock,
    /// Format 5: fields of a done expectation found insufficient by an evaluator.
    Judged(JudgedLine<'a>),
    /// Format 5: the report was made final.
    Final,
    Rated(Rated),
    Summary(Summary),
    PlanAdded(PlanAdded),
    PlanEdited(PlanEdited),
    PlanDropped(PlanDropped),
    /// Format 6: a version of a team's answer to a discussion question.
    Answer(Answer),
    /// Format 6: a Participant Feedback Form.
    Feedback(Feedback),
    /// A fact about the exercise entered in the debrief (format 6, added later).
    Fact(FactEntered),
    Seat(SeatEvent),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct SpeedLine {
    pub(super) speed: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct ScheduledLine<'a> {
    #[serde(borrow)]
    pub(super) inject: Id<'a>,
    pub(super) chance_draw: f64,
    pub(super) jitter_s: Secs,
    pub(super) release_at_s: Secs,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct SkippedLine<'a> {
    #[serde(borrow)]
    pub(super) inject: Id<'a>,
    pub(super) chance_draw: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct SkippedUnlessLine<'a> {
    #[serde(borrow)]
    pub(super) inject: Id<'a>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct ReleasedLine<'a> {
    #[serde(borrow)]
    pub(super) inject: Id<'a>,
    pub(super) by_hand: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct DeadlineLine<'a> {
    #[serde(borrow)]
    pub(super) expectation: Id<'a>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct ResponseLine<'a> {
    #[serde(borrow)]
    pub(super) team: Id<'a>,
    #[serde(borrow)]
    pub(super) action: Id<'a>,
    pub(super) fields: Fields,
    pub(super) note: Option<String>,
    #[serde(borrow)]
    pub(super) answers: Option<AnswersLine<'a>>,
    #[serde(borrow)]
    pub(super) satisfies: Option<Id<'a>>,
    /// Done ahead of time: it satisfied nothing and stands ready (format 2).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(super) ready: bool,
    /// A clarification's insufficient fields (format 5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) insufficient: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct SaidLine<'a> {
    pub(super) n: u64,
    #[serde(borrow)]
    pub(super) from: Id<'a>,
    #[serde(borrow)]
    pub(super) to: Vec<Id<'a>>,
    pub(super) text: String,
    pub(super) in_reply_to: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct MessageLine<'a> {
    pub(super) n: u64,
    #[serde(borrow)]
    pub(super) from: Id<'a>,
    #[serde(borrow)]
    pub(super) action: Id<'a>,
    #[serde(borrow)]
    pub(super) to: Vec<Id<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct NoteLine<'a> {
    #[serde(borrow)]
    pub(super) team: Option<Id<'a>>,
    /// Only when the observation names an objective: earlier journals have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(borrow)]
    pub(super) objective: Option<Id<'a>>,
    pub(super) kind: NoteKind,
    pub(super) text: String,
    /// A point of the hot wash (format 6).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(super) hot_wash: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct JudgedLine<'a> {
    #[serde(borrow)]
    pub(super) expectation: Id<'a>,
    pub(super) insufficient: Vec<String>,
    pub(super) reason: Option<String>,
    pub(super) by: String,
}

/// An id as a line names it (a team, inject, action, objective or expectation), or a line's key
/// or kind: borrowed from the line when it holds no escapes, as they almost never do, so that
/// reading a journal makes no copy of every id on every line; and borrowed from the scenario
/// when a line is written.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Id<'a>(Cow<'a, str>);

impl<'a> Id<'a> {
    fn of(id: &'a str) -> Self {
        Id(Cow::Borrowed(id))
    }
}

impl From<String> for Id<'_> {
    fn from(id: String) -> Self {
        Id(Cow::Owned(id))
    }
}

impl std::ops::Deref for Id<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Serialize for Id<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Id<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl<'de> Visitor<'de> for IdVisitor {
            type Value = Id<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, id: &'de str) -> Result<Id<'de>, E> {
                Ok(Id::of(id))
            }
            fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<Id<'de>, E> {
                Ok(Id::from(id.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, id: String) -> Result<Id<'de>, E> {
                Ok(Id::from(id))
            }
        }
        deserializer.deserialize_str(IdVisitor)
    }
}

/// A line read in one pass when its time (and wall clock) come before its kind; `None` when
/// they do not, for a second reading.
struct InOrder;

impl<'de> Visitor<'de> for InOrder {
    type Value = Option<Record<'de>>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a journal line")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Record<'de>>, A::Error> {
        let mut at_s = None;
        let mut wall = None;
        // Keys and the kind are borrowed from the line as ids are: serde's `Cow` would copy
        // each into a `String`.
        while let Some(key) = map.next_key::<Id<'de>>()? {
            match &*key {
                "at_s" if at_s.is_none() => at_s = Some(map.next_value()?),
                "wall" if wall.is_none() => wall = map.next_value()?,
                "event" if at_s.is_some() => {
                    let event: Id<'de> = map.next_value()?;
                    let kind = Kind::read(&event, MapAccessDeserializer::new(map))?;
                    return Ok(at_s.map(|at_s| Record { at_s, wall, kind }));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    break;
                }
            }
        }
        // Not in ttx's order: the rest is skipped, and the line read again.
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

impl<'a> Kind<'a> {
    /// The kind of line `event` names, with its own fields from `rest`: one arm a kind.
    fn read<D: Deserializer<'a>>(event: &str, rest: D) -> Result<Kind<'a>, D::Error> {
        fn none<'a, D: Deserializer<'a>>(kind: Kind<'a>, rest: D) -> Result<Kind<'a>, D::Error> {
            IgnoredAny::deserialize(rest).map(|_| kind)
        }
        Ok(match event {
            "started" => none(Kind::Started, rest)?,
            "paused" => none(Kind::Paused, rest)?,
            "resumed" => none(Kind::Resumed, rest)?,
            "speed" => Kind::Speed(Deserialize::deserialize(rest)?),
            "scheduled" => Kind::Scheduled(Deserialize::deserialize(rest)?),
            "skipped" => Kind::Skipped(Deserialize::deserialize(rest)?),
            "skipped_unless" => Kind::SkippedUnless(Deserialize::deserialize(rest)?),
            "released" => Kind::Released(Deserialize::deserialize(rest)?),
            "deadline" => Kind::Deadline(Deserialize::deserialize(rest)?),
            "response" => Kind::Response(Deserialize::deserialize(rest)?),
            "said" => Kind::Said(Deserialize::deserialize(rest)?),
            "message" => Kind::Message(Deserialize::deserialize(rest)?),
            "note" => Kind::Note(Deserialize::deserialize(rest)?),
            "ended" => none(Kind::Ended, rest)?,
            "clock" => none(Kind::Clock, rest)?,
            "judged" => Kind::Judged(Deserialize::deserialize(rest)?),
            "final" => none(Kind::Final, rest)?,
            "rated" => Kind::Rated(Deserialize::deserialize(rest)?),
            "summary" => Kind::Summary(Deserialize::deserialize(rest)?),
            "plan_added" => Kind::PlanAdded(Deserialize::deserialize(rest)?),
            "plan_edited" => Kind::PlanEdited(Deserialize::deserialize(rest)?),
            "plan_dropped" => Kind::PlanDropped(Deserialize::deserialize(rest)?),
            "answer" => Kind::Answer(Deserialize::deserialize(rest)?),
            "feedback" => Kind::Feedback(Deserialize::deserialize(rest)?),
            "fact" => Kind::Fact(Deserialize::deserialize(rest)?),
            "seat" => Kind::Seat(Deserialize::deserialize(rest)?),
            other => return Err(D::Error::custom(format_args!("unknown event `{other}`"))),
        })
    }

    pub(super) fn of_debrief(event: DebriefEvent) -> Kind<'a> {
        match event {
            DebriefEvent::Rated(e) => Kind::Rated(e),
            DebriefEvent::Summary(e) => Kind::Summary(e),
            DebriefEvent::PlanAdded(e) => Kind::PlanAdded(e),
            DebriefEvent::PlanEdited(e) => Kind::PlanEdited(e),
            DebriefEvent::PlanDropped(e) => Kind::PlanDropped(e),
            DebriefEvent::Answer(e) => Kind::Answer(e),
            DebriefEvent::Feedback(e) => Kind::Feedback(e),
            DebriefEvent::Fact(e) => Kind::Fact(e),
        }
    }

    /// The debrief event this line records, if it is one.
    pub(super) fn debrief(&self) -> Option<DebriefEvent> {
        Some(match self {
            Kind::Rated(e) => DebriefEvent::Rated(e.clone()),
            Kind::Summary(e) => DebriefEvent::Summary(e.clone()),
            Kind::PlanAdded(e) => DebriefEvent::PlanAdded(e.clone()),
            Kind::PlanEdited(e) => DebriefEvent::PlanEdited(e.clone()),
            Kind::PlanDropped(e) => DebriefEvent::PlanDropped(e.clone()),
            Kind::Answer(e) => DebriefEvent::Answer(e.clone()),
            Kind::Feedback(e) => DebriefEvent::Feedback(e.clone()),
            Kind::Fact(e) => DebriefEvent::Fact(e.clone()),
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum AnswersLine<'a> {
    #[serde(borrow)]
    Inject(Id<'a>),
    Message(u64),
}

/// A response's fields as a JSON object, in the order given; a name given twice is kept twice,
/// so the replay refuses it as the engine did.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Fields(Vec<(String, String)>);

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, text) in &self.0 {
            map.serialize_entry(name, text)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of field names to texts")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, String>()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(FieldsVisitor)
    }
}

impl<'a> Record<'a> {
    /// Reads an event line. As ttx writes them, its time and wall clock come first, then its
    /// kind, then the kind's own fields: then the line is read in one pass, the rest of the
    /// object going to the kind's struct (which ignores keys not its own, a `wall` after the
    /// kind among them, which ttx never writes). Otherwise it is read in two: its time, wall
    /// clock and kind, skipping the rest, then the kind's struct from the same line. serde's
    /// flattened, tagged enum buffered every line twice instead. A message says what is wrong,
    /// with the column where serde says.
    pub(super) fn read(line: &'a [u8]) -> Result<Record<'a>, String> {
        // serde reads a struct from a list too; a line is an object.
        if !line.trim_ascii_start().starts_with(b"{") {
            return Err("not a JSON object; every line of a journal is one".into());
        }
        let mut one_pass = serde_json::Deserializer::from_slice(line);
        if let Some(record) = one_pass
            .deserialize_map(InOrder)
            .and_then(|record| one_pass.end().map(|()| record))
            .map_err(|e| json_message(&e))?
        {
            return Ok(record);
        }
        #[derive(Deserialize)]
        struct Head<'a> {
            at_s: Secs,
            #[serde(default)]
            wall: Option<String>,
            #[serde(borrow)]
            event: Cow<'a, str>,
        }
        let head: Head = serde_json::from_slice(line).map_err(|e| json_message(&e))?;
        let mut content = serde_json::Deserializer::from_slice(line);
        let kind = Kind::read(&head.event, &mut content)
            .and_then(|kind| content.end().map(|()| kind))
            .map_err(|e| json_message(&e))?;
        Ok(Record {
            at_s: head.at_s,
            wall: head.wall,
            kind,
        })
    }

    pub(super) fn of(event: &Event, exercise: &'a Exercise) -> Record<'a> {
        let scenario = exercise.scenario();
        let team = |t: TeamIx| Id::of(&scenario.team(t).id);
        let inject = |i| Id::of(&scenario.inject(i).id);
        let action = |a| Id::of(&scenario.action(a).id);
        let kind = match event {
            Event::Started { .. } => Kind::Started,
            Event::Paused { .. } => Kind::Paused,
            Event::Resumed { .. } => Kind::Resumed,
            Event::SpeedChanged { speed, .. } => Kind::Speed(SpeedLine { speed: *speed }),
            Event::Scheduled {
                inject: i,
                chance_draw,
                jitter_s,
                release_at,
                ..
            } => Kind::Scheduled(ScheduledLine {
                inject: inject(*i),
                chance_draw: *chance_draw,
                jitter_s: *jitter_s,
                release_at_s: *release_at,
            }),
            Event::Skipped {
                inject: i,
                chance_draw,
                ..
            } => Kind::Skipped(SkippedLine {
                inject: inject(*i),
                chance_draw: *chance_draw,
            }),
            Event::SkippedUnless { inject: i, .. } => {
                Kind::SkippedUnless(SkippedUnlessLine { inject: inject(*i) })
            }
            Event::Released {
                inject: i, by_hand, ..
            } => Kind::Released(ReleasedLine {
                inject: inject(*i),
                by_hand: *by_hand,
            }),
            Event::DeadlinePassed { expectation, .. } => Kind::Deadline(DeadlineLine {
                expectation: exercise.expectation_id(*expectation).into(),
            }),
            Event::Responded {
                response, outcome, ..
            } => Kind::Response(ResponseLine {
                team: team(response.team),
                action: action(response.action),
                fields: Fields(response.fields.clone()),
                note: response.note.clone(),
                answers: response.answers.map(|a| match a {
                    Answers::Inject(i) => AnswersLine::Inject(inject(i)),
                    Answers::Message(n) => AnswersLine::Message(n),
                }),
                satisfies: match outcome {
                    Outcome::Satisfied(ix) => Some(exercise.expectation_id(*ix).into()),
                    Outcome::Ready | Outcome::Unexpected => None,
                },
                ready: *outcome == Outcome::Ready,
                insufficient: response.insufficient.clone(),
            }),
            Event::Said {
                n,
                from,
                to,
                text,
                in_reply_to,
                ..
            } => Kind::Said(SaidLine {
                n: *n,
                from: team(*from),
                to: to.iter().map(|t| team(*t)).collect(),
                text: text.clone(),
                in_reply_to: *in_reply_to,
            }),
            Event::MessageSent {
                n,
                from,
                action: a,
                to,
                ..
            } => Kind::Message(MessageLine {
                n: *n,
                from: team(*from),
                action: action(*a),
                to: to.iter().map(|t| team(*t)).collect(),
            }),
            Event::Noted {
                team: t,
                objective,
                kind,
                text,
                hot_wash,
                ..
            } => Kind::Note(NoteLine {
                team: t.map(team),
                objective: objective.map(|o| Id::of(&scenario.objective(o).id)),
                kind: *kind,
                text: text.clone(),
                hot_wash: *hot_wash,
            }),
            Event::Ended { .. } => Kind::Ended,
            Event::Clock { .. } => Kind::Clock,
            Event::Judged {
                expectation,
                insufficient,
                reason,
                by,
                ..
            } => Kind::Judged(JudgedLine {
                expectation: exercise.expectation_id(*expectation).into(),
                insufficient: insufficient.clone(),
                reason: reason.clone(),
                by: by.clone(),
            }),
            Event::Finalised { .. } => Kind::Final,
        };
        Record {
            at_s: event.at(),
            wall: None,
            kind,
        }
    }

    /// The event this line records, with its ids resolved against the scenario and the exercise
    /// as replayed so far.
    pub(super) fn into_event(self, exercise: &Exercise) -> Result<Event, String> {
        let scenario = exercise.scenario();
        let at = self.at_s;
        let team = |id: &str| {
            scenario
                .team_ix(id)
                .ok_or_else(|| format!("there is no team `{id}` in the scenario"))
        };
        let inject = |id: &str| {
            scenario
                .inject_ix(id)
                .ok_or_else(|| format!("there is no inject `{id}` in the scenario"))
        };
        let action = |id: &str| {
            scenario
                .action_ix(id)
                .ok_or_else(|| format!("there is no action `{id}` in the scenario"))
        };
        let unknown_expectation =
            |id: &str| format!("there is no expectation `{id}` at this point of the exercise");
        Ok(match self.kind {
            Kind::Started => Event::Started { at },
            Kind::Paused => Event::Paused { at },
            Kind::Resumed => Event::Resumed { at },
            Kind::Speed(SpeedLine { speed }) => Event::SpeedChanged {
                at,
                speed: crate::clock::check_speed(speed)?,
            },
            Kind::Scheduled(ScheduledLine {
                inject: i,
                chance_draw,
                jitter_s,
                release_at_s,
            }) => Event::Scheduled {
                at,
                inject: inject(&i)?,
                chance_draw,
                jitter_s,
                release_at: release_at_s,
            },
            Kind::Skipped(SkippedLine {
                inject: i,
                chance_draw,
            }) => Event::Skipped {
                at,
                inject: inject(&i)?,
                chance_draw,
            },
            Kind::SkippedUnless(SkippedUnlessLine { inject: i }) => Event::SkippedUnless {
                at,
                inject: inject(&i)?,
            },
            Kind::Released(ReleasedLine { inject: i, by_hand }) => Event::Released {
                at,
                inject: inject(&i)?,
                by_hand,
            },
            Kind::Deadline(DeadlineLine { expectation }) => Event::DeadlinePassed {
                at,
                expectation: exercise
                    .expectation_by_id(&expectation)
                    .ok_or_else(|| unknown_expectation(&expectation))?,
            },
            Kind::Response(ResponseLine {
                team: t,
                action: a,
                fields,
                note,
                answers,
                satisfies,
                ready,
                insufficient,
            }) => {
                let outcome = match satisfies {
                    None if ready => Outcome::Ready,
                    None => Outcome::Unexpected,
                    Some(id) => Outcome::Satisfied(
                        exercise
                            .expectation_by_id(&id)
                            .ok_or_else(|| unknown_expectation(&id))?,
                    ),
                };
                Event::Responded {
                    at,
                    response: Response {
                        team: team(&t)?,
                        action: action(&a)?,
                        fields: fields.0,
                        note,
                        answers: match answers {
                            None => None,
                            Some(AnswersLine::Inject(i)) => Some(Answers::Inject(inject(&i)?)),
                            Some(AnswersLine::Message(n)) => Some(Answers::Message(n)),
                        },
                        insufficient,
                    },
                    outcome,
                }
            }
            Kind::Message(MessageLine {
                n,
                from,
                action: a,
                to,
            }) => Event::MessageSent {
                at,
                n,
                from: team(&from)?,
                action: action(&a)?,
                to: to.iter().map(|t| team(t)).collect::<Result<_, _>>()?,
            },
            Kind::Said(SaidLine {
                n,
                from,
                to,
                text,
                in_reply_to,
            }) => Event::Said {
                at,
                n,
                from: team(&from)?,
                to: to.iter().map(|t| team(t)).collect::<Result<_, _>>()?,
                text,
                in_reply_to,
            },
            Kind::Note(NoteLine {
                team: t,
                objective,
                kind,
                text,
                hot_wash,
            }) => Event::Noted {
                at,
                team: t.as_deref().map(team).transpose()?,
                objective: match objective {
                    Some(id) => Some(
                        exercise
                            .scenario()
                            .objective_ix(&id)
                            .ok_or_else(|| format!("unknown objective `{}`", &*id))?,
                    ),
                    None => None,
                },
                kind,
                text,
                hot_wash,
            },
            Kind::Ended => Event::Ended { at },
            Kind::Clock => Event::Clock { at },
            Kind::Judged(JudgedLine {
                expectation,
                insufficient,
                reason,
                by,
            }) => Event::Judged {
                at,
                expectation: exercise
                    .expectation_by_id(&expectation)
                    .ok_or_else(|| unknown_expectation(&expectation))?,
                insufficient,
                reason,
                by,
            },
            Kind::Final => Event::Finalised { at },
            Kind::Rated(_)
            | Kind::Summary(_)
            | Kind::PlanAdded(_)
            | Kind::PlanEdited(_)
            | Kind::PlanDropped(_)
            | Kind::Answer(_)
            | Kind::Feedback(_)
            | Kind::Fact(_) => {
                return Err("a debrief line is not an event of the exercise".into());
            }
            Kind::Seat(_) => return Err("a seat line is not an event of the exercise".into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_reads_whatever_the_order_of_its_keys() {
        let speed = Record {
            at_s: 5,
            wall: None,
            kind: Kind::Speed(SpeedLine { speed: 2.5 }),
        };
        assert_eq!(
            Record::read(br#"{"at_s":5,"event":"speed","speed":2.5,"chain":"ab"}"#),
            Ok(speed.clone())
        );
        assert_eq!(
            Record::read(br#"{"speed":2.5,"event":"speed","at_s":5}"#),
            Ok(speed)
        );
    }

    /// Ids are borrowed from the line; one written with an escape (no ttx writes one, an editor
    /// might) is read all the same.
    #[test]
    fn an_id_with_an_escape_reads_as_without() {
        let plain = Record::read(br#"{"at_s":5,"event":"released","inject":"i0","by_hand":false}"#);
        let escaped =
            Record::read(br#"{"at_s":5,"event":"released","inject":"i\u0030","by_hand":false}"#);
        assert_eq!(escaped, plain);
        let Ok(Record {
            kind: Kind::Released(ReleasedLine { inject, .. }),
            ..
        }) = escaped
        else {
            panic!("{escaped:?}")
        };
        assert_eq!(&*inject, "i0");
    }

    #[test]
    fn what_is_wrong_with_a_line_is_said() {
        let error = |line: &[u8]| Record::read(line).unwrap_err();
        assert!(
            error(br#"{"at_s":5,"event":"begun"}"#).starts_with("unknown event `begun`"),
            "{}",
            error(br#"{"at_s":5,"event":"begun"}"#)
        );
        assert!(
            error(br#"{"at_s":5,"event":"speed"}"#).starts_with("missing field `speed`"),
            "{}",
            error(br#"{"at_s":5,"event":"speed"}"#)
        );
        assert!(error(br#"{"event":"started"}"#).starts_with("missing field `at_s`"));
        // serde would read the head's fields from a list's items.
        assert_eq!(
            error(br#"[5,null,"started"]"#),
            "not a JSON object; every line of a journal is one"
        );
    }
}
