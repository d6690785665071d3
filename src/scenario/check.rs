//! Checks across records once names are resolved: message receivers able to reply, trigger
//! cycles (errors), and the warnings of `ttx validate` — what is legal but almost certainly not
//! meant. Every check here is linear in the size of the scenario: a file of 100,000 injects is
//! checked as quickly as it is read.

use super::duration::format_secs;
use super::model::*;
use super::raw::{RawAction, RawInject, RawRecipients};
use super::resolve::{Resolved, team_names};
use crate::ron_file::diagnostic::is_bidi_control;
use crate::ron_file::{Errors, Got, list_names};

/// Every team that may take a message-action must reach only receivers that may take the reply.
pub fn replies(errors: &mut Errors, resolved: &Resolved, raw_actions: &[Option<&RawAction>]) {
    let scenario = &resolved.scenario;
    let actions_known = &resolved.actions_known;
    let team_count = scenario.teams.len();
    for (ix, (action, raw)) in scenario.actions.iter().zip(raw_actions).enumerate() {
        let (Some(spec), Some(raw_message)) =
            (&action.message, raw.and_then(|r| r.message.given()))
        else {
            continue;
        };
        let (Some(reply), Some(raw_reply)) = (&spec.reply, raw_message.reply.given()) else {
            continue;
        };
        let Some(reply_name) = raw_reply.action.given() else {
            continue;
        };
        let recipients_known = match raw_message.to.given() {
            Some(RawRecipients::Others) => true,
            Some(RawRecipients::Teams(names)) => {
                matches!(&spec.to, Recipients::Teams(t) if t.len() == names.len())
            }
            None => false,
        };
        let reply_known = resolved.refs.actions.get(&reply_name.value) == Some(reply.action.0);
        if !actions_known[ix] || !recipients_known || !reply_known || !actions_known[reply.action.0]
        {
            continue;
        }
        let reply_action = scenario.action(reply.action);
        let mut refused: Vec<TeamIx> = Vec::new();
        for sender in (0..team_count).map(TeamIx).filter(|t| action.allows(*t)) {
            for receiver in scenario.recipients(spec, sender) {
                if !reply_action.allows(receiver) && !refused.contains(&receiver) {
                    refused.push(receiver);
                }
            }
        }
        if !refused.is_empty() {
            refused.sort();
            let names = list_names(refused.iter().map(|t| scenario.team(*t).id.as_str()));
            let message = format!(
                "team(s) {names} receive `{}` messages but may not take the reply action `{}` (its teams: {})",
                action.id,
                reply_action.id,
                team_names(scenario, reply_action)
            );
            errors.push(reply_name.span, message);
        }
    }
}

/// A cycle of this many injects or fewer is named in full; a longer one by its ends.
const CYCLE_SHOWN: usize = 8;

/// Injects whose triggers wait on each other in a cycle: each cycle is reported once, at the
/// `when` of its first inject in file order, naming the cycle (shortened when long). Every
/// inject waits on at most one other, so following the edges once from each finds every cycle
/// in linear time.
pub fn cycles(errors: &mut Errors, resolved: &Resolved, raw_injects: &[Option<&RawInject>]) {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let waits_on = &resolved.waits_on;
    let scenario = &resolved.scenario;
    let mut state = vec![NEW; waits_on.len()];
    let mut path = Vec::new();
    for start in 0..waits_on.len() {
        path.clear();
        let mut node = Some(start);
        while let Some(n) = node.filter(|n| state.get(*n) == Some(&NEW)) {
            state[n] = ON_PATH;
            path.push(n);
            node = waits_on[n];
        }
        if let Some(n) = node.filter(|n| state.get(*n) == Some(&ON_PATH)) {
            let from = path.iter().position(|p| *p == n).unwrap_or(0);
            let cycle = &path[from..];
            // Named from its first inject in file order.
            let first = cycle
                .iter()
                .enumerate()
                .min_by_key(|(_, ix)| **ix)
                .map_or(0, |(k, _)| k);
            let at = raw_injects
                .get(cycle[first])
                .copied()
                .flatten()
                .and_then(|raw| raw.when.given())
                .map(|when| when.span);
            if let Some(at) = at {
                errors.push_with(at, || {
                    let name = |k: usize| scenario.injects[cycle[k % cycle.len()]].id.as_str();
                    if cycle.len() == 1 {
                        return format!("inject `{}` waits on itself", name(first));
                    }
                    let order: Vec<&str> = if cycle.len() <= CYCLE_SHOWN {
                        (first..=first + cycle.len()).map(name).collect()
                    } else {
                        let last = first + cycle.len();
                        [name(first), name(first + 1), name(first + 2), "…"]
                            .into_iter()
                            .chain([name(last - 2), name(last - 1), name(last)])
                            .collect()
                    };
                    let count = if cycle.len() > CYCLE_SHOWN {
                        format!(" of {} injects", cycle.len())
                    } else {
                        String::new()
                    };
                    format!(
                        "injects wait on each other in a cycle{count}: {}",
                        order.join(" → ")
                    )
                });
            }
        }
        for n in &path {
            state[*n] = DONE;
        }
    }
}

/// When an inject can be released at the earliest, or why it never can.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Earliest {
    At(Secs),
    Never,
}

/// The warnings of a valid scenario (see docs/scenario-format.md, "Warnings").
pub fn warnings(
    warnings: &mut Errors,
    source: &str,
    scenario: &Scenario,
    raw_injects: &[Option<&RawInject>],
    waits_on: &[Option<usize>],
) {
    bidi_controls(warnings, source);
    let earliest = earliest_releases(scenario, waits_on);
    let end = scenario.end;
    let end_text = || end.map(format_secs).unwrap_or_default();
    for (ix, (inject, raw)) in scenario.injects.iter().zip(raw_injects).enumerate() {
        let Some(raw) = raw else { continue };
        unless_never_fires(warnings, scenario, InjectIx(ix), raw, &earliest);
        let Some(when) = raw.when.given() else {
            continue;
        };
        // The inject waited on is itself never released (or always skipped).
        let target_never = |target: InjectIx| {
            earliest[target.0] == Earliest::Never || never_drawn(scenario.inject(target))
        };
        let released = |target: InjectIx| never_released(scenario.inject(target));
        match (&inject.when, earliest[ix], end) {
            (Trigger::At(t), _, Some(end)) if t.saturating_add(inject.delay) >= end => {
                let message = format!(
                    "inject `{}` is released at {}, at or after the scenario's `end` ({}): \
                     no team can act on it",
                    inject.id,
                    format_secs(t.saturating_add(inject.delay)),
                    end_text()
                );
                warnings.push(when.span, message);
                continue;
            }
            (Trigger::At(t), _, Some(end)) => {
                at_deadlines(warnings, scenario, inject, raw, *t, end);
            }
            (_, Earliest::At(_), _) => {}
            (Trigger::Released(target), Earliest::Never, _) if target_never(*target) => {
                let why = released(*target);
                warnings.push(
                    when.span,
                    format!("inject `{}` can never be released: {why}", inject.id),
                );
            }
            (
                Trigger::Met(target) | Trigger::Missed(target) | Trigger::Incomplete(target),
                Earliest::Never,
                _,
            ) if target_never(target.inject) => {
                let why = released(target.inject);
                warnings.push(
                    when.span,
                    format!("inject `{}` can never be released: {why}", inject.id),
                );
            }
            (Trigger::Missed(target), Earliest::Never, Some(_)) => {
                let owner = scenario.inject(target.inject);
                let expectation = &owner.expect[target.expectation];
                let message = format!(
                    "inject `{}` can never be released: the deadline of `{}.{}` is never \
                     before the scenario's `end` ({}), so it is never missed",
                    inject.id,
                    owner.id,
                    expectation.name(scenario),
                    end_text()
                );
                warnings.push(when.span, message);
            }
            (Trigger::Taken { action, team }, Earliest::Never, _)
                if !may_be_taken(scenario, *action, *team) =>
            {
                let message = format!(
                    "inject `{}` can never be released: no team may take action `{}`",
                    inject.id,
                    scenario.action(*action).id
                );
                warnings.push(when.span, message);
            }
            (_, Earliest::Never, Some(_)) => {
                let message = format!(
                    "inject `{}` can never be released before the scenario's `end` ({})",
                    inject.id,
                    end_text()
                );
                warnings.push(when.span, message);
            }
            (_, Earliest::Never, None) => {}
        }
    }
}

/// An inject's `unless` that can never skip it: its trigger never fires, waits on the inject
/// itself (and so cannot fire before the release it would prevent), or fires only after an `At`
/// inject's latest release.
fn unless_never_fires(
    warnings: &mut Errors,
    scenario: &Scenario,
    ix: InjectIx,
    raw: &RawInject,
    earliest: &[Earliest],
) {
    let inject = scenario.inject(ix);
    let (Some(unless), Some(written)) = (&inject.unless, raw.unless.given()) else {
        return;
    };
    let waits_on = match unless {
        Trigger::Released(target) => Some(*target),
        Trigger::Met(r) | Trigger::Missed(r) | Trigger::Incomplete(r) => Some(r.inject),
        Trigger::At(_) | Trigger::Taken { .. } | Trigger::Manual => None,
    };
    if waits_on == Some(ix) {
        let message = format!(
            "the `unless` of inject `{}` waits on the inject itself: it cannot fire before the \
             inject is released, so it never skips it",
            inject.id
        );
        warnings.push(written.span, message);
        return;
    }
    let end_text = || scenario.end.map(format_secs).unwrap_or_default();
    let why = match fires(scenario, unless, |target| earliest.get(target.0).copied()) {
        Earliest::At(t) => {
            let Trigger::At(at) = inject.when else {
                return;
            };
            let latest = at
                .saturating_add(inject.delay)
                .saturating_add(inject.jitter);
            if t > latest {
                let message = format!(
                    "the `unless` of inject `{}` never skips it: its trigger fires at {} at the \
                     earliest, after the inject's release (at {} at the latest)",
                    inject.id,
                    format_secs(t),
                    format_secs(latest)
                );
                warnings.push(written.span, message);
            }
            return;
        }
        Earliest::Never => match unless {
            Trigger::Released(target)
            | Trigger::Met(ExpectationRef { inject: target, .. })
            | Trigger::Missed(ExpectationRef { inject: target, .. })
            | Trigger::Incomplete(ExpectationRef { inject: target, .. })
                if earliest[target.0] == Earliest::Never
                    || never_drawn(scenario.inject(*target)) =>
            {
                never_released(scenario.inject(*target))
            }
            Trigger::Missed(target) if scenario.end.is_some() => {
                let owner = scenario.inject(target.inject);
                format!(
                    "the deadline of `{}.{}` is never before the scenario's `end` ({}), so it is \
                     never missed",
                    owner.id,
                    owner.expect[target.expectation].name(scenario),
                    end_text()
                )
            }
            Trigger::Taken { action, team } if !may_be_taken(scenario, *action, *team) => {
                format!("no team may take action `{}`", scenario.action(*action).id)
            }
            _ => format!("not before the scenario's `end` ({})", end_text()),
        },
    };
    let message = format!(
        "the `unless` of inject `{}` can never fire: {why}",
        inject.id
    );
    warnings.push(written.span, message);
}

/// Why an inject that others wait on is never released.
fn never_released(target: &Inject) -> String {
    if never_drawn(target) {
        format!("`{}` has `chance: 0` and is never released", target.id)
    } else {
        format!("`{}` is never released", target.id)
    }
}

/// The expectations of an inject released `At` a time before `end` whose deadline falls after
/// it: they can only ever be `not_due`.
fn at_deadlines(
    warnings: &mut Errors,
    scenario: &Scenario,
    inject: &Inject,
    raw: &RawInject,
    at: Secs,
    end: Secs,
) {
    let released = at.saturating_add(inject.delay);
    let written = raw.expect.given().map(|e| e.readable().collect::<Vec<_>>());
    for (expectation, raw) in inject.expect.iter().zip(written.unwrap_or_default()) {
        let due = released.saturating_add(expectation.within);
        let Got::Given(within) = &raw.within else {
            continue;
        };
        if due > end {
            let message = format!(
                "the deadline of `{}.{}` is {} (released at {}, within {}), after the \
                 scenario's `end` ({}): it can only ever be `not_due`",
                inject.id,
                expectation.name(scenario),
                format_secs(due),
                format_secs(released),
                format_secs(expectation.within),
                format_secs(end)
            );
            warnings.push(within.span, message);
        }
    }
}

/// An inject whose `chance` is 0 is skipped whenever its trigger fires, so what waits on it never
/// follows; a `Manual` inject is released by hand, which ignores `chance`.
fn never_drawn(inject: &Inject) -> bool {
    inject.chance == 0.0 && inject.when != Trigger::Manual
}

fn may_be_taken(scenario: &Scenario, action: ActionIx, team: Option<TeamIx>) -> bool {
    let action = scenario.action(action);
    match team {
        Some(team) => action.allows(team),
        None => (0..scenario.teams.len()).any(|t| action.allows(TeamIx(t))),
    }
}

/// The earliest time each inject's trigger can fire and release it (with no jitter), following
/// what it waits on; `Never` when that can never happen before `end`. Linear: each inject is
/// settled once, following its chain iteratively (a chain may be 100,000 injects long).
fn earliest_releases(scenario: &Scenario, waits_on: &[Option<usize>]) -> Vec<Earliest> {
    let count = scenario.injects.len();
    let mut settled: Vec<Option<Earliest>> = vec![None; count];
    let mut chain = Vec::new();
    for start in 0..count {
        // Down the unsettled waits to a settled inject or one that waits on none; the bound
        // keeps this finite even on a cycle (an error, reported before any warning).
        let mut node = start;
        while settled[node].is_none() && chain.len() <= count {
            chain.push(node);
            match waits_on[node] {
                Some(next) if next < count => node = next,
                _ => break,
            }
        }
        while let Some(n) = chain.pop() {
            let earliest = earliest_of(scenario, n, &settled);
            settled[n] = Some(earliest);
        }
    }
    settled
        .into_iter()
        .map(|e| e.unwrap_or(Earliest::Never))
        .collect()
}

/// One inject's earliest release, given those of the injects it waits on.
fn earliest_of(scenario: &Scenario, ix: usize, settled: &[Option<Earliest>]) -> Earliest {
    let inject = &scenario.injects[ix];
    // A `Manual` inject is released by hand, at any time and without delay.
    if inject.when == Trigger::Manual {
        return Earliest::At(0);
    }
    let released = |target: InjectIx| settled.get(target.0).copied().flatten();
    match fires(scenario, &inject.when, released) {
        Earliest::At(t) => before_end(scenario, t.saturating_add(inject.delay)),
        Earliest::Never => Earliest::Never,
    }
}

/// The earliest time a trigger can fire, given the earliest release of each inject it may wait
/// on (`None`: not known, taken as never); `Never` when it cannot fire by `end`.
fn fires(
    scenario: &Scenario,
    trigger: &Trigger,
    released: impl Fn(InjectIx) -> Option<Earliest>,
) -> Earliest {
    let of = |target: InjectIx| -> Earliest {
        if never_drawn(scenario.inject(target)) {
            return Earliest::Never;
        }
        released(target).unwrap_or(Earliest::Never)
    };
    let fires = match trigger {
        Trigger::Manual => Earliest::At(0),
        Trigger::At(t) => Earliest::At(*t),
        Trigger::Released(target)
        | Trigger::Met(ExpectationRef { inject: target, .. })
        | Trigger::Incomplete(ExpectationRef { inject: target, .. }) => of(*target),
        Trigger::Missed(reference) => match of(reference.inject) {
            Earliest::At(t) => {
                let expectation = scenario
                    .inject(reference.inject)
                    .expect
                    .get(reference.expectation);
                Earliest::At(t.saturating_add(expectation.map_or(0, |e| e.within)))
            }
            Earliest::Never => Earliest::Never,
        },
        Trigger::Taken { action, team } if !may_be_taken(scenario, *action, *team) => {
            Earliest::Never
        }
        Trigger::Taken { .. } => Earliest::At(0),
    };
    match fires {
        Earliest::At(t) => before_end(scenario, t),
        Earliest::Never => Earliest::Never,
    }
}

/// `At(t)`, or `Never` when `t` is after the scenario's `end`.
fn before_end(scenario: &Scenario, t: Secs) -> Earliest {
    match scenario.end {
        Some(end) if t > end => Earliest::Never,
        _ => Earliest::At(t),
    }
}

/// Bidirectional controls reorder how a line reads on the screen, so that what the facilitator
/// sees is not what the file says; ttx shows them escaped, and `validate` warns, once per line.
fn bidi_controls(warnings: &mut Errors, source: &str) {
    // Every bidirectional control is encoded from a 0xD8 or a 0xE2 byte: most files have
    // neither, and a vectorised byte search is much cheaper than decoding every character (a
    // byte-at-a-time scan took a sixteenth of validating a big scenario).
    if memchr::memchr2(0xD8, 0xE2, source.as_bytes()).is_none() {
        return;
    }
    let mut line = 0;
    let mut warned_line = None;
    for (at, c) in source.char_indices() {
        if c == '\n' {
            line += 1;
        } else if is_bidi_control(c) && warned_line != Some(line) {
            warned_line = Some(line);
            warnings.push(
                at,
                format!(
                    "invisible bidirectional control U+{:04X}: it reorders how the text around \
                     it reads; ttx shows it as `\\u{{{:x}}}`",
                    c as u32, c as u32
                ),
            );
        }
    }
}
