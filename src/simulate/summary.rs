//! What a simulation found, as the JSON of `--format json` (simulate.md fixes its keys) and the
//! source of the text and HTML pages; with the headline warnings a facilitator reads first.

use serde::Serialize;

use crate::scenario::{ExpectationRef, Scenario, Secs, Trigger, format_secs};
use crate::simulate::profile::{ActionKind, Profile, SCENARIO_OWN, Time};
use crate::simulate::tally::{
    Distribution, Layout, SCORE_SCALE, ScoreTally, Tallied, Tally, TeamTally, contingencies,
    scored_objectives, share,
};

/// A contingency that fires in at least this share of the runs is flagged.
const NEARLY_ALWAYS: f64 = 0.95;
/// An expectation answered in most of its copies but on time in fewer than this share of them
/// is flagged.
const RARELY_ON_TIME: f64 = 0.1;
/// ... provided it exists in at least this share of the runs.
const OFTEN_ENOUGH: f64 = 0.05;
/// A team with nothing to do for longer than this, in minutes of play, in half the runs or
/// more, is noted: players who wait that long stop following the exercise.
pub const IDLE_PLAY_MINUTES: f64 = 60.0;
/// An objective scored from a single expectation in more than this share of the runs where it
/// is scored is flagged: its rating is all or nothing.
const MOSTLY: f64 = 0.5;

pub const FLAG_NEVER_RELEASED: &str = "never released";
pub const FLAG_MANUAL: &str = "manual, not in the profile";
pub const FLAG_NOT_DUE: &str = "not due in most runs";
pub const FLAG_RARELY_ON_TIME: &str = "rarely on time";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub runs: u64,
    pub seed: u64,
    pub profile: String,
    pub duration_s: Percentiles,
    /// How the runs ended: the scenario's `end` cut them short, or they ran out of things to do.
    pub ends: Ends,
    /// When the last release, deadline or answer happened.
    pub last_activity_s: Percentiles,
    pub injects: Vec<InjectSummary>,
    pub expectations: Vec<ExpectationSummary>,
    pub contingencies: Vec<ContingencySummary>,
    /// Per objective scored in some run: how many critical tasks (scored expectations, all
    /// teams together) it had.
    pub objectives: Vec<ObjectiveTasks>,
    /// Format 3: what clarifications cost each kind of request; absent when the scenario has no
    /// clarifications.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<Vec<RequestSummary>>,
    pub teams: Vec<TeamSummary>,
    pub warnings: Vec<String>,
    /// Facts worth knowing that are not mistakes (manual injects left out, the built-in profile).
    pub notes: Vec<String>,
    /// What the HTML page draws; not a JSON key.
    #[serde(skip)]
    pub charts: Charts,
}

/// Histograms for the HTML page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Charts {
    /// Scenario seconds.
    pub duration: Chart,
    /// Per team, scores in thousandths.
    pub team_scores: Vec<Chart>,
}

/// What a figure's chart shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Chart {
    /// Nothing recorded.
    #[default]
    Empty,
    /// The same value in every run: one figure, not a histogram of one bar.
    Constant(u64),
    Bins(Bins),
}

impl Chart {
    fn of(d: &Distribution, low: u64, high: u64) -> Chart {
        match (d.min(), d.max()) {
            (Some(min), Some(max)) if min == max => Chart::Constant(min),
            (Some(_), Some(_)) => Chart::Bins(bins(d, low, high)),
            _ => Chart::Empty,
        }
    }
}

/// Counts in equal bins from `low` to `high`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bins {
    pub low: u64,
    pub high: u64,
    pub counts: Vec<u64>,
}

/// How many bars a histogram has.
const BINS: usize = 20;

fn bins(d: &Distribution, low: u64, high: u64) -> Bins {
    Bins {
        low,
        high,
        counts: d.bins(low, high, BINS),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Percentiles {
    pub p10: Secs,
    pub p50: Secs,
    pub p90: Secs,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ends {
    pub by_end: f64,
    pub ran_out: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InjectSummary {
    pub id: String,
    pub released: f64,
    pub release_s: Option<Percentiles>,
    pub flag: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectationSummary {
    pub id: String,
    pub met: f64,
    pub incomplete: f64,
    pub late: f64,
    pub missed: f64,
    pub not_due: f64,
    pub latency_p50_s: Option<Secs>,
    pub flag: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContingencySummary {
    pub id: String,
    pub fired: f64,
}

/// An objective's critical tasks: its expectations scored in a run, over all teams.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveTasks {
    pub id: String,
    /// How many, p10 / p50 / p90 over the runs in which it was scored.
    pub tasks: Percentiles,
    /// The share of those runs in which it had a single one.
    pub single: f64,
}

/// Format 3: the requests of one action from one team to another, and what clarifying them
/// cost. Shares of `clarified` are of the requests; `completed` and `held_at_end` of those
/// clarified.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestSummary {
    pub action: String,
    pub from: String,
    pub to: String,
    /// How many such requests a run sends, on average (one per receiver).
    pub per_run: f64,
    /// The share of them clarified at least once.
    pub clarified: f64,
    /// The share of the clarified ones amended into a version the receiver did not clarify;
    /// `None` when none was clarified.
    pub completed: Option<f64>,
    /// The share of the clarified ones whose reply is still on hold at the end (not due);
    /// `None` when none was clarified.
    pub held_at_end: Option<f64>,
    /// From the first version to the complete one, over the clarified requests completed.
    pub time_lost_s: Option<Percentiles>,
    /// From the first version to the reply.
    pub replied_s: Replied,
}

/// When replies came, from the first version of the request.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Replied {
    pub clarified: Option<Percentiles>,
    pub not_clarified: Option<Percentiles>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamSummary {
    pub id: String,
    pub score: Option<ScoreSummary>,
    pub objectives: Vec<ObjectiveSummary>,
    /// The longest stretch with nothing to do in a run (scenario seconds), p10 / p50 / p90.
    pub idle_s: Option<Percentiles>,
    /// The same in minutes of play at the scenario's speed.
    pub idle_play_min: Option<PlayMinutes>,
    /// When that stretch began.
    pub idle_from_s: Option<Percentiles>,
    /// The most expectations open at once in a run.
    pub open_peak: Option<Peak>,
}

/// Minutes of play (wall-clock time at the scenario's speed), to a tenth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PlayMinutes {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Peak {
    pub p50: u64,
    pub p90: u64,
    pub max: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoreSummary {
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveSummary {
    pub id: String,
    pub score: ScoreSummary,
    pub ratings: Ratings,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[allow(non_snake_case)] // HSEEP's rating codes are the JSON keys.
pub struct Ratings {
    pub P: f64,
    pub S: f64,
    pub M: f64,
    pub U: f64,
}

fn percentiles(d: &Distribution) -> Option<Percentiles> {
    Some(Percentiles {
        p10: d.quantile(0.1)?,
        p50: d.quantile(0.5)?,
        p90: d.quantile(0.9)?,
    })
}

fn score_summary(s: &ScoreTally) -> Option<ScoreSummary> {
    let d = &s.distribution;
    let at = |q| d.quantile(q).map(|v| v as f64 / SCORE_SCALE);
    Some(ScoreSummary {
        mean: s.mean()?,
        p10: at(0.1)?,
        p50: at(0.5)?,
        p90: at(0.9)?,
    })
}

/// A time for reading: to the minute from an hour on, where seconds are noise (the JSON's
/// figures keep them).
pub fn rough(secs: Secs) -> String {
    if secs >= 3600 {
        format_secs(secs.saturating_add(30) / 60 * 60)
    } else {
        format_secs(secs)
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

impl Summary {
    pub fn of(
        scenario: &Scenario,
        profile: &Profile,
        layout: &Layout,
        tally: &Tally,
        seed: u64,
    ) -> Summary {
        let runs = tally.runs;
        let mut warnings = Vec::new();
        let mut notes = Vec::new();
        if profile.is_built_in() {
            let requests = if layout.requests.is_empty() {
                ""
            } else {
                "; 20% of requests sent insufficient, 80% of those clarified"
            };
            notes.push(format!(
                "simulated with the built-in \"typical team\" profile (answers 90% of what is \
                 asked, in the time its kind of action takes; 10% of required fields \
                 blank{requests}); give your own with --profile"
            ));
        }
        if profile.is_scenario_own() {
            notes.push(
                "simulated with the scenario's own profile (its `profile` field); give another \
                 with --profile"
                    .to_string(),
            );
        }
        if profile.uses_kinds {
            notes.push(kinds_note(scenario));
        }
        let zero = Percentiles {
            p10: 0,
            p50: 0,
            p90: 0,
        };
        let injects = scenario
            .injects
            .iter()
            .zip(&tally.injects)
            .enumerate()
            .map(|(i, (inject, t))| {
                let manual_left_out =
                    inject.when == Trigger::Manual && !profile.manual.iter().any(|(m, _)| m.0 == i);
                let flag = match () {
                    _ if t.released > 0 => None,
                    _ if manual_left_out => Some(FLAG_MANUAL),
                    _ => {
                        warnings.push(format!(
                            "inject `{}` was never released in {runs} runs: {}",
                            inject.id,
                            why_never(scenario, i, t.fired > 0)
                        ));
                        Some(FLAG_NEVER_RELEASED)
                    }
                };
                if manual_left_out {
                    notes.push(format!(
                        "manual inject `{}` is never released in this simulation: list it under \
                         `manual` in a profile to say when the facilitator would release it",
                        inject.id
                    ));
                }
                InjectSummary {
                    id: inject.id.as_str().to_owned(),
                    released: share(t.released, runs),
                    release_s: percentiles(&t.release_at),
                    flag,
                }
            })
            .collect();
        let expectations = layout
            .rows
            .iter()
            .zip(&tally.rows)
            .filter(|(row, t)| row.always_listed || t.statuses.iter().sum::<u64>() > 0)
            .map(|(row, t)| {
                let of = |status: Tallied| share(t.statuses[status as usize], runs);
                let copies: u64 = t.statuses.iter().sum();
                let on_time =
                    t.statuses[Tallied::Met as usize] + t.statuses[Tallied::Incomplete as usize];
                // Only answers that come, but late, say the deadline is the problem; teams that
                // do not answer at all say nothing about it.
                let done = on_time + t.statuses[Tallied::Late as usize];
                let not_due = share(t.statuses[Tallied::NotDue as usize], runs);
                let flag = if not_due > 0.5 {
                    warnings.push(format!(
                        "`{}` is still running when the exercise ends in {} of runs: its deadline \
                         falls after the usual end, so it can only be not due",
                        row.id,
                        percent(not_due)
                    ));
                    Some(FLAG_NOT_DUE)
                } else if share(copies, runs) >= OFTEN_ENOUGH
                    && share(done, copies) >= 0.5
                    && share(on_time, copies) < RARELY_ON_TIME
                {
                    warnings.push(format!(
                        "`{}` is done on time in only {} of the runs where it is due, even by the \
                         profile's team: is its deadline feasible?",
                        row.id,
                        percent(share(on_time, copies))
                    ));
                    Some(FLAG_RARELY_ON_TIME)
                } else {
                    None
                };
                ExpectationSummary {
                    id: row.id.clone(),
                    met: of(Tallied::Met),
                    incomplete: of(Tallied::Incomplete),
                    late: of(Tallied::Late),
                    missed: of(Tallied::Missed),
                    not_due: of(Tallied::NotDue),
                    latency_p50_s: t.latency.quantile(0.5),
                    flag,
                }
            })
            .collect();
        let contingencies = contingencies(scenario)
            .into_iter()
            .map(|i| {
                let fired = share(tally.injects[i.0].fired, runs);
                let inject = scenario.inject(i);
                if runs > 0 && fired >= NEARLY_ALWAYS {
                    let on = match &inject.when {
                        Trigger::Missed(on) => expectation_name(scenario, on),
                        _ => String::new(),
                    };
                    warnings.push(format!(
                        "contingency `{}` fires in {} of runs: `{on}` is almost never done in \
                         time; is that the plan?",
                        inject.id,
                        percent(fired)
                    ));
                }
                ContingencySummary {
                    id: inject.id.as_str().to_owned(),
                    fired,
                }
            })
            .collect();
        let requests = (!layout.requests.is_empty()).then(|| {
            layout
                .requests
                .iter()
                .zip(&tally.requests)
                .filter(|(_, t)| t.sent > 0)
                .map(|(kind, t)| RequestSummary {
                    action: scenario.action(kind.action).id.clone(),
                    from: scenario.team(kind.from).id.clone(),
                    to: scenario.team(kind.to).id.clone(),
                    per_run: share(t.sent, runs),
                    clarified: share(t.clarified, t.sent),
                    completed: (t.clarified > 0).then(|| share(t.completed, t.clarified)),
                    held_at_end: (t.clarified > 0).then(|| share(t.held_at_end, t.clarified)),
                    time_lost_s: percentiles(&t.time_lost),
                    replied_s: Replied {
                        clarified: percentiles(&t.replied_clarified),
                        not_clarified: percentiles(&t.replied_not_clarified),
                    },
                })
                .collect()
        });
        let objectives = scenario
            .objectives
            .iter()
            .zip(&tally.objectives)
            .filter_map(|(objective, t)| {
                let scored = t.tasks.count();
                let summary = ObjectiveTasks {
                    id: objective.id.clone(),
                    tasks: percentiles(&t.tasks)?,
                    single: share(t.single, scored),
                };
                if summary.single > MOSTLY {
                    warnings.push(format!(
                        "objective `{}` rests on a single critical task in {} of the runs where it \
                         is scored{}: its rating is all or nothing; give it another task, or fold \
                         it into another objective",
                        objective.id,
                        percent(summary.single),
                        tasks_named(scenario, layout, objective.id.as_str())
                    ));
                }
                Some(summary)
            })
            .collect();
        for (team, t) in scenario.teams.iter().zip(&tally.teams) {
            if let Some(note) = idle_note(&team.id, t, scenario.speed) {
                notes.push(note);
            }
        }
        let teams = scenario
            .teams
            .iter()
            .zip(&tally.teams)
            .map(|(team, t)| TeamSummary {
                id: team.id.clone(),
                score: score_summary(&t.score),
                idle_s: percentiles(&t.idle),
                idle_play_min: percentiles(&t.idle).map(|p| PlayMinutes {
                    p10: play_minutes(p.p10, scenario.speed),
                    p50: play_minutes(p.p50, scenario.speed),
                    p90: play_minutes(p.p90, scenario.speed),
                }),
                idle_from_s: percentiles(&t.idle_from),
                open_peak: percentiles(&t.peak_open).and_then(|p| {
                    Some(Peak {
                        p50: p.p50,
                        p90: p.p90,
                        max: t.peak_open.max()?,
                    })
                }),
                objectives: scored_objectives(t)
                    .filter_map(|(objective, o)| {
                        let n = o.score.distribution.count();
                        let r = |k: usize| share(o.ratings[k], n);
                        Some(ObjectiveSummary {
                            id: scenario.objective(objective).id.clone(),
                            score: score_summary(&o.score)?,
                            ratings: Ratings {
                                P: r(0),
                                S: r(1),
                                M: r(2),
                                U: r(3),
                            },
                        })
                    })
                    .collect(),
            })
            .collect();
        let duration_s = percentiles(&tally.duration).unwrap_or(zero);
        let last_activity_s = percentiles(&tally.last_activity).unwrap_or(zero);
        if duration_s.p90 - duration_s.p10 > duration_s.p50 / 2 {
            warnings.push(format!(
                "the exercise's length varies by more than half its median: {} in one run of ten, \
                 {} at the median, {} in one run of ten at the other end",
                rough(duration_s.p10),
                rough(duration_s.p50),
                rough(duration_s.p90)
            ));
        }
        let ran_out = share(runs - tally.cut_by_end, runs);
        if let Some(end) = scenario.end {
            let idle = end.saturating_sub(last_activity_s.p90);
            if runs > 0 && ran_out > 0.5 && idle > end / 10 {
                warnings.push(format!(
                    "nothing happens after {} in nine runs of ten: the planned end at {} leaves \
                     {} with nothing to do",
                    rough(last_activity_s.p90),
                    rough(end),
                    rough(idle)
                ));
            }
        }
        let charts = Charts {
            duration: match (tally.duration.min(), tally.duration.max()) {
                (Some(low), Some(high)) => Chart::of(&tally.duration, low, high),
                _ => Chart::Empty,
            },
            team_scores: tally
                .teams
                .iter()
                .map(|t| Chart::of(&t.score.distribution, 0, SCORE_SCALE as u64))
                .collect(),
        };
        Summary {
            runs,
            seed,
            profile: profile.name.clone(),
            duration_s,
            ends: Ends {
                by_end: share(tally.cut_by_end, runs),
                ran_out: if runs == 0 { 0.0 } else { ran_out },
            },
            last_activity_s,
            injects,
            expectations,
            contingencies,
            objectives,
            requests,
            teams,
            warnings,
            notes,
            charts,
        }
    }

    /// The profile as a person reads it: the JSON's name, except the scenario's own.
    pub fn profile_label(&self) -> &str {
        if self.profile == SCENARIO_OWN {
            "the scenario's own"
        } else {
            &self.profile
        }
    }

    pub fn to_json(&self) -> String {
        // Plain numbers, strings and lists: serialising cannot fail.
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }
}

/// Scenario seconds as minutes of play at `speed` (scenario seconds per wall-clock second), to
/// a tenth.
pub fn play_minutes(secs: Secs, speed: f64) -> f64 {
    let minutes = secs as f64 / speed.max(f64::MIN_POSITIVE) / 60.0;
    (minutes * 10.0).round() / 10.0
}

/// A team that waits longer than `IDLE_PLAY_MINUTES` of play in half the runs or more, said
/// with when its wait usually begins.
fn idle_note(team: &str, t: &TeamTally, speed: f64) -> Option<String> {
    let idle = t.idle.quantile(0.5)?;
    let minutes = play_minutes(idle, speed);
    if minutes <= IDLE_PLAY_MINUTES {
        return None;
    }
    let from = t.idle_from.quantile(0.5).map_or(String::new(), |from| {
        format!(", usually from about {}", rough(from))
    });
    Some(format!(
        "team `{team}` has nothing to do for {minutes:.0} minutes of play ({} of scenario time{from}) \
         in half the runs: give it an inject in that stretch, seat it later, or say in the \
         facilitator's notes why it waits",
        rough(idle)
    ))
}

/// The critical tasks an objective can have, as the summary names them: up to three rows.
fn tasks_named(scenario: &Scenario, layout: &Layout, objective: &str) -> String {
    let Some(ix) = scenario.objectives.iter().position(|o| o.id == objective) else {
        return String::new();
    };
    let rows: Vec<&str> = layout
        .rows
        .iter()
        .filter(|row| row.objective.is_some_and(|o| o.0 == ix))
        .map(|row| row.id.as_str())
        .collect();
    match rows.as_slice() {
        [] => String::new(),
        rows if rows.len() <= 3 => format!(" ({})", rows.join(", ")),
        rows => format!(" ({} and {} more)", rows[..3].join(", "), rows.len() - 3),
    }
}

/// How the typical team times each kind of action, and which of the scenario's actions are of
/// each kind (messages, the most common, by their number only).
fn kinds_note(scenario: &Scenario) -> String {
    let parts: Vec<String> = ActionKind::ALL
        .iter()
        .filter_map(|kind| {
            let actions: Vec<&str> = scenario
                .actions
                .iter()
                .filter(|a| ActionKind::of(a) == *kind)
                .map(|a| a.id.as_str())
                .collect();
            if actions.is_empty() {
                return None;
            }
            let times = match kind.times() {
                (Time::Duration(median), Time::Duration(p90)) => {
                    format!("{} (p90 {})", format_secs(median), format_secs(p90))
                }
                _ => String::new(),
            };
            let which = if *kind == ActionKind::Message {
                let n = actions.len();
                format!("{n} action{}", if n == 1 { "" } else { "s" })
            } else {
                actions.join(", ")
            };
            Some(format!("{}s {times}: {which}", kind.name()))
        })
        .collect();
    format!(
        "response times at the median where the profile gives none, by kind of action: {}",
        parts.join("; ")
    )
}

/// `INJECT.ACTION` or `INJECT.ACTION@TEAM`, as a trigger names it.
fn expectation_name(scenario: &Scenario, on: &ExpectationRef) -> String {
    let inject = scenario.inject(on.inject);
    let action = inject.expect[on.expectation].name(scenario);
    match on.team {
        Some(team) => format!("{}.{action}@{}", inject.id, scenario.team(team).id),
        None => format!("{}.{action}", inject.id),
    }
}

/// Why an inject never came out, in the words of its trigger.
fn why_never(scenario: &Scenario, inject: usize, fired: bool) -> String {
    let spec = &scenario.injects[inject];
    if fired {
        return format!(
            "its trigger fired, but its chance ({}) failed every time",
            spec.chance
        );
    }
    match &spec.when {
        Trigger::At(at) => match scenario.end {
            Some(end) if *at > end => format!(
                "it is due at {}, after the end at {}",
                format_secs(*at),
                format_secs(end)
            ),
            _ => format!(
                "it is due at {}, after every run had ended",
                format_secs(*at)
            ),
        },
        Trigger::Released(on) => format!(
            "it waits on the release of `{}`, which never happened",
            scenario.inject(*on).id
        ),
        Trigger::Met(on) => format!(
            "it waits on `{}` being done, which never happened",
            expectation_name(scenario, on)
        ),
        Trigger::Missed(on) => format!(
            "it waits on `{}` being missed, which never happened",
            expectation_name(scenario, on)
        ),
        Trigger::Incomplete(on) => format!(
            "it waits on `{}` being done incomplete, which never happened",
            expectation_name(scenario, on)
        ),
        Trigger::Taken { action, team } => format!(
            "it waits on {} taking `{}`, and simulated teams only take what an inject or a \
             message asks of them",
            team.map_or("a team".to_string(), |t| format!(
                "team `{}`",
                scenario.team(t).id
            )),
            scenario.action(*action).id
        ),
        Trigger::Manual => "it is `Manual` and the facilitator never released it".to_string(),
    }
}
