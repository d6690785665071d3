//! A team's view: its inbox, the selected item's full text, what it owes, what its last
//! response did. Never another team's injects; expected actions only if the facilitator shows
//! them.
//!
//! ```text
//! ┌ Inbox ──────────┬ Selected item (scrollable) ──────────────────┐
//! │ ● 00:12 title   │                                              │
//! │   00:05 ✉ #1    ├ Replies owed · expected actions ─────────────┤
//! │                 ├ Last response ───────────────────────────────┤
//! └─────────────────┴──────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::keymap::{Action, Context};
use super::seat::{InboxKey, Shown};
use super::text::{clock, fit, pad, short, width as width_of};
use super::widgets::{self, ON_HOLD, countdown, hint, took, urgency};
use crate::engine::{Clarified, ExpectationIx, InboxItem, Source};
use crate::role::Role;
use crate::scenario::TeamIx;
use crate::words::expectation_title;

pub fn render(frame: &mut Frame, area: Rect, app: &Shown, team: TeamIx) {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let ui = &app.seat.teams[team.0];
    let [title, main] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
    ]));
    let mut heading = vec![
        Span::styled(
            format!(" {} ", scenario.team(team).name),
            Style::new().bold().fg(Color::Cyan),
        ),
        Span::raw(format!("({})", scenario.team(team).id)),
    ];
    if exercise.ended_at().is_some() {
        heading.push(Span::styled(
            "  The exercise has ended.",
            Style::new().bold().fg(Color::Magenta),
        ));
        if app.session.report_released() && matches!(app.seat.role, Role::Team(_)) {
            heading.push(Span::raw(format!(
                " Your results: {}",
                widgets::key(Context::Team, Action::NextView)
            )));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(heading)), title);
    let [inbox_area, right] = main.layout(&Layout::horizontal([
        Constraint::Length(inbox_width(main.width)),
        Constraint::Min(0),
    ]));
    let inbox = exercise.inbox_threads(team);
    render_inbox(frame, inbox_area, app, team, &inbox);

    let owed = owed_lines(app, team, right.width.saturating_sub(2) as usize);
    let outcome = app.session.team_outcome(team);
    let owed_height = (owed.len() as u16 + 2).clamp(3, 8);
    // Room for every line of the outcome as wrapped, as long as the selected item keeps five
    // rows: what the last response did is what the team looks at right after sending it.
    let inner_width = right.width.saturating_sub(2).max(1);
    let outcome_paragraph = Paragraph::new(
        outcome
            .iter()
            .map(|l| Line::from(l.clone()))
            .collect::<Vec<_>>(),
    )
    .wrap(Wrap { trim: true });
    let outcome_height = if outcome.is_empty() {
        0
    } else {
        let most = right.height.saturating_sub(owed_height + 5).max(3);
        (outcome_paragraph.line_count(inner_width) as u16 + 2).clamp(3, most)
    };
    let [detail, owed_area, outcome_area] = right.layout(&Layout::vertical([
        Constraint::Min(5),
        Constraint::Length(owed_height),
        Constraint::Length(outcome_height),
    ]));
    render_detail(frame, detail, app, team);
    let owed_title = if ui.show_expected {
        " Owed, with expected actions "
    } else {
        " Decisions and replies owed "
    };
    frame.render_widget(
        Paragraph::new(owed).block(Block::default().borders(Borders::ALL).title(owed_title)),
        owed_area,
    );
    if !outcome.is_empty() {
        frame.render_widget(
            outcome_paragraph.block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(Style::new().fg(Color::Green))
                    .title(" Your last response "),
            ),
            outcome_area,
        );
    }
}

/// The inbox's width: 30 columns at 80, growing with the terminal to a third of it (titles and
/// threads need the room), at most 64.
pub fn inbox_width(columns: u16) -> u16 {
    (columns / 3).clamp(30, 64)
}

fn render_inbox(frame: &mut Frame, area: Rect, app: &Shown, team: TeamIx, inbox: &[InboxItem]) {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let ui = &app.seat.teams[team.0];
    let is_new = |key: InboxKey| app.seat.is_new(app.session, team, key);
    let unread = inbox.iter().filter(|i| is_new(i.item.into())).count();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" Inbox ({} · {unread} new) ", inbox.len()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inbox.is_empty() {
        frame.render_widget(
            Paragraph::new("Nothing yet. Injects and hotline messages for this team appear here.")
                .wrap(Wrap { trim: true })
                .fg(Color::DarkGray),
            inner,
        );
        return;
    }
    let height = inner.height.max(1) as usize;
    let selected = ui
        .selected
        .and_then(|key| inbox.iter().position(|i| InboxKey::from(i.item) == key))
        .unwrap_or(0);
    let first = selected / height * height;
    let lines: Vec<Line> = inbox
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, item)| {
            let key = InboxKey::from(item.item);
            let new = is_new(key);
            let mark = if new { "●" } else { " " };
            let title = match key {
                // A decision still to be made is marked as the options are in the picker.
                InboxKey::Inject(inject) => {
                    let title = &scenario.inject(inject).title;
                    if exercise
                        .open_decision(team, Some(crate::engine::Answers::Inject(inject)))
                        .is_some()
                    {
                        format!("◆ {title}")
                    } else {
                        title.clone()
                    }
                }
                InboxKey::Message(n) => message_title(app, team, n, item.threaded),
            };
            let clock = clock(item.at);
            let text = fit(
                &format!("{mark} {} {title}", &clock[..5]),
                inner.width as usize,
            );
            let mut style = Style::new();
            if new {
                style = style.bold();
            }
            if i == selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            Line::styled(text, style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A hotline message as the inbox lists it: who sent it to whom, and what it is. The first
/// message of a thread says what it is (`✉ #1 from a · Send a request`); a message under it says
/// what it does to the thread (`↳ #3 from a · asks to clarify #1`, `↳ #5 from a · reply`).
fn message_title(app: &Shown, team: TeamIx, n: u64, threaded: bool) -> String {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let Some(m) = exercise.message(n) else {
        return format!("✉ #{n}");
    };
    let who = if m.from == team {
        let to: Vec<&str> = m.to.iter().map(|t| scenario.team(*t).id.as_str()).collect();
        format!("#{n} to {}", to.join(", "))
    } else {
        format!("#{n} from {}", scenario.team(m.from).id)
    };
    let action = m.action.map(|a| scenario.action(a).name.as_str());
    let what = if let Some(thread) = exercise.clarified_thread(n) {
        let version = m.in_reply_to.unwrap_or(thread.message);
        format!("asks to clarify #{version}")
    } else if let Some(thread) =
        m.to.first()
            .and_then(|to| exercise.request_thread(n, *to))
            .filter(|t| t.message != n)
    {
        format!("amends #{}", thread.message)
    } else if let Some(k) = replied_to(app, n) {
        format!("reply to #{k}")
    } else {
        action.unwrap_or("message").to_string()
    };
    match (threaded, m.from == team) {
        (true, _) => format!("↳ {who} · {what}"),
        (false, true) => format!("→ {who} · {what}"),
        (false, false) => format!("✉ {who} · {what}"),
    }
}

/// The request message `n` is the reply to: the message whose reply expectation its response
/// satisfied.
pub fn replied_to(app: &Shown, n: u64) -> Option<u64> {
    let exercise = app.exercise();
    let response = exercise.message(n)?.response?;
    let satisfied = exercise.responses()[response].satisfied?;
    match exercise.expectation(satisfied).source {
        Source::Message(k) if exercise.clarified_thread(k).is_none() => Some(k),
        _ => None,
    }
}

fn render_detail(frame: &mut Frame, area: Rect, app: &Shown, team: TeamIx) {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let ui = &app.seat.teams[team.0];
    let mut lines: Vec<Line> = Vec::new();
    let title = match ui.selected {
        None => {
            lines.push(Line::from(if exercise.is_started() {
                "Injects and hotline messages for your team appear in the inbox as they arrive."
            } else {
                "The exercise has not started yet: the facilitator starts the clock."
            }));
            if exercise.is_started() {
                " Waiting for the first inject ".to_string()
            } else {
                " Not started ".to_string()
            }
        }
        Some(InboxKey::Inject(inject)) => {
            let spec = scenario.inject(inject);
            if let Some(from) = &spec.from {
                lines.push(Line::from(vec!["From: ".bold(), Span::raw(from.clone())]));
            }
            if let crate::engine::InjectState::Released { at, .. } = exercise.inject_state(inject) {
                lines.push(Line::from(vec![
                    "Received: ".bold(),
                    Span::raw(format!("T+{}", clock(at))),
                ]));
            }
            lines.push(Line::from(""));
            for paragraph in spec.body.lines() {
                lines.push(Line::from(paragraph.to_string()));
            }
            if ui.show_expected {
                lines.push(Line::from(""));
                lines.push(Line::from(
                    "Expected of you (shown by the facilitator):".italic(),
                ));
                for &ix in exercise.expectations_of_inject(inject) {
                    let e = exercise.expectation(ix);
                    if e.team == team {
                        let standard = widgets::standard(exercise, ix)
                            .map(|s| format!(" ({s})"))
                            .unwrap_or_default();
                        lines.push(Line::from(format!(
                            "  • {} by {}{standard} — {}",
                            expectation_title(exercise, ix),
                            clock(e.due_at),
                            exercise.status(ix).as_str()
                        )));
                    }
                }
            }
            let decision = exercise.decision_of(team, inject);
            if let Some(ix) = decision {
                lines.push(Line::from(""));
                lines.extend(decision_lines(app, ix));
            }
            lines.push(Line::from(""));
            let what = if decision.is_some_and(|ix| exercise.expectation(ix).done.is_none()) {
                "decide (or respond otherwise)"
            } else {
                "respond to this inject"
            };
            lines.push(Line::from(
                hint(Context::Team, Action::Respond, what).fg(Color::DarkGray),
            ));
            format!(" {} ", spec.title)
        }
        Some(InboxKey::Message(n)) => match exercise.message(n) {
            None => " ? ".to_string(),
            Some(message) => {
                let title = message
                    .action
                    .map_or("Hotline message", |a| scenario.action(a).name.as_str());
                let response = message.response.map(|r| &exercise.responses()[r].response);
                let fields: &[(String, String)] = response.map_or(&[], |r| &r.fields);
                lines.push(Line::from(vec![
                    "From: ".bold(),
                    Span::raw(scenario.team(message.from).name.clone()),
                ]));
                let to: Vec<&str> = message
                    .to
                    .iter()
                    .map(|t| scenario.team(*t).name.as_str())
                    .collect();
                lines.push(Line::from(vec!["To: ".bold(), Span::raw(to.join(", "))]));
                lines.push(Line::from(vec![
                    "Sent: ".bold(),
                    Span::raw(format!("T+{}", clock(message.sent_at))),
                ]));
                // The thread: what it answers, and what answered it.
                if let Some(earlier) = message.in_reply_to {
                    lines.push(Line::from(vec![
                        "In reply to: ".bold(),
                        Span::raw(format!("#{earlier}")),
                    ]));
                }
                let answers: Vec<String> = exercise
                    .messages()
                    .iter()
                    .filter(|m| m.in_reply_to == Some(message.n))
                    .filter(|m| m.from == team || m.to.contains(&team))
                    .map(|m| {
                        let what = if exercise.clarified_thread(m.n).is_some() {
                            " (asks to clarify)"
                        } else {
                            ""
                        };
                        format!("#{} from {}{what}", m.n, scenario.team(m.from).id)
                    })
                    .collect();
                if !answers.is_empty() {
                    lines.push(Line::from(vec![
                        "Answered by: ".bold(),
                        Span::raw(answers.join(", ")),
                    ]));
                }
                let clarified = message.response.and_then(|r| exercise.clarification(r));
                lines.extend(request_lines(app, team, message.n, clarified));
                lines.push(Line::from(""));
                // A clarification's text is what is missing, shown with the fields above.
                if let Some(text) = message.text.as_ref().filter(|_| clarified.is_none()) {
                    lines.push(Line::from(text.clone()));
                }
                for (name, text) in fields {
                    let mut first = true;
                    for line in text.lines() {
                        if first {
                            lines.push(Line::from(vec![
                                Span::styled(format!("{name}: "), Style::new().fg(Color::Cyan)),
                                Span::raw(line.to_string()),
                            ]));
                            first = false;
                        } else {
                            lines.push(Line::from(format!("  {line}")));
                        }
                    }
                    if first {
                        lines.push(Line::from(vec![
                            Span::styled(format!("{name}: "), Style::new().fg(Color::Cyan)),
                            "(blank)".fg(Color::DarkGray),
                        ]));
                    }
                }
                if let Some(note) = response
                    .and_then(|r| r.note.as_ref())
                    .filter(|_| clarified.is_none())
                {
                    lines.push(Line::from(vec!["Note: ".italic(), Span::raw(note.clone())]));
                }
                // What the team owes on this message: the reply to a request, the amendment a
                // clarification asks for; on an amendment, the reply to the request it amends.
                let amended = exercise
                    .request_thread(message.n, team)
                    .filter(|t| t.to == team && t.message != message.n)
                    .map(|t| t.reply);
                for ix in message.replies.iter().copied().chain(amended) {
                    if exercise.expectation(ix).team == team {
                        lines.push(Line::from(""));
                        lines.push(owed_line(app, ix, clarified.is_some()));
                    }
                }
                lines.push(Line::from(""));
                // A team answers what it received; after its own message it can only write again.
                let next = if message.from == team {
                    hint(Context::Team, Action::OpenMessage, "send another message")
                } else if clarified.is_some()
                    && message
                        .replies
                        .iter()
                        .any(|ix| exercise.expectation(*ix).done.is_none())
                {
                    hint(Context::Team, Action::Respond, "send the amended request")
                } else {
                    hint(Context::Team, Action::Respond, "reply to this message")
                };
                lines.push(Line::from(next.fg(Color::DarkGray)));
                format!(" Hotline #{} · {title} ", message.n)
            }
        },
    };
    widgets::wrapped(
        frame,
        area,
        lines,
        ui.scroll,
        Block::default().borders(Borders::ALL).title(title),
    );
}

/// What a message is in a request's thread: a clarification names the version it found
/// insufficient, the fields and what is missing; an amendment names the request it amends.
fn request_lines(
    app: &Shown,
    team: TeamIx,
    n: u64,
    clarified: Option<&Clarified>,
) -> Vec<Line<'static>> {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let Some(message) = exercise.message(n) else {
        return Vec::new();
    };
    if let Some(clarified) = clarified {
        let request = exercise.message(clarified.message).and_then(|m| m.action);
        let names: Vec<String> = request
            .map(|a| {
                let fields = &scenario.action(a).fields;
                clarified
                    .fields
                    .iter()
                    .map(|f| fields[*f].clone())
                    .collect()
            })
            .unwrap_or_default();
        let name = request.map_or(String::new(), |a| format!(" ({})", scenario.action(a).name));
        let mut lines = vec![
            Line::from(vec![
                "Asks to clarify: ".bold(),
                Span::raw(format!("#{}{name}", clarified.message)),
            ]),
            Line::from(vec![
                "Insufficient: ".bold(),
                Span::styled(names.join(", "), Style::new().fg(Color::Yellow)),
            ]),
        ];
        if let Some(text) = &message.text {
            lines.push(Line::from(vec![
                "What is missing: ".bold(),
                Span::raw(text.replace('\n', " / ")),
            ]));
        }
        return lines;
    }
    // An amendment goes to the one receiver that asked for it.
    let receiver = message.to.first().copied().unwrap_or(team);
    match exercise.request_thread(n, receiver) {
        Some(thread) if thread.message != n => {
            let asked = message
                .in_reply_to
                .map(|m| format!(", as asked in #{m}"))
                .unwrap_or_default();
            vec![Line::from(vec![
                "Amends: ".bold(),
                Span::raw(format!("request #{}{asked}", thread.message)),
            ])]
        }
        _ => Vec::new(),
    }
}

/// What the team owes on a message, with its deadline and time standard: the reply to a
/// request (on hold while the request waits for its amendment), or the amendment a
/// clarification asks for.
fn owed_line(app: &Shown, ix: ExpectationIx, amendment: bool) -> Line<'static> {
    let exercise = app.exercise();
    let e = exercise.expectation(ix);
    let status = exercise.status(ix);
    let title = expectation_title(exercise, ix);
    let what = if amendment {
        format!("an amendment \"{title}\"")
    } else {
        format!("\"{title}\"")
    };
    let standard = widgets::standard(exercise, ix);
    let Some(left) = widgets::left(exercise, ix) else {
        if e.done.is_some() {
            // Answered while its request waited for an amendment: on time, with no deadline.
            return Line::from(format!(
                "You owe {what}: replied while on hold ({})",
                status.as_str()
            ));
        }
        let held = if exercise.ended_at().is_some() {
            "not due: the amended request never arrived".to_string()
        } else {
            let then = standard.map(|s| format!(" (then {s})")).unwrap_or_default();
            format!("{ON_HOLD}{then}")
        };
        return Line::from(vec![
            Span::raw(format!("You owe {what}: ")),
            Span::styled(held, Style::new().fg(Color::Cyan)),
        ]);
    };
    let owed = if status.is_done() || e.done.is_some() {
        let done = if amendment { "amended" } else { "replied" };
        Span::raw(format!("{done} ({})", status.as_str()))
    } else {
        Span::styled(countdown(left), urgency(left, exercise.time_standard(ix)))
    };
    let standard = standard.map(|s| format!(" ({s})")).unwrap_or_default();
    Line::from(vec![
        Span::raw(format!(
            "You owe {what} by T+{}{standard}: ",
            clock(e.due_at)
        )),
        owed,
    ])
}

/// A decision as the team sees it: the options and the time left while it is to be made;
/// once made, what was chosen, when, and after how long.
fn decision_lines(app: &Shown, ix: crate::engine::ExpectationIx) -> Vec<Line<'static>> {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let e = exercise.expectation(ix);
    let name = |a: crate::scenario::ActionIx| scenario.action(a).name.clone();
    match (&e.done, e.action) {
        (Some(done), Some(chosen)) => vec![Line::from(vec![
            "Decision: ".bold(),
            Span::raw("you chose "),
            Span::styled(name(chosen), Style::new().bold().fg(Color::Green)),
            Span::raw(format!(
                " at T+{}, {} ({}).",
                clock(done.at),
                took(e),
                exercise.status(ix).as_str()
            )),
        ])],
        _ => {
            let left = e.due_at as i64 - exercise.now() as i64;
            let mut first = vec!["Decision: ".bold()];
            if exercise.ended_at().is_some() {
                first.push(Span::raw(format!(
                    "not made ({}).",
                    exercise.status(ix).as_str()
                )));
            } else {
                let standard = widgets::standard(exercise, ix)
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default();
                first.push(Span::raw(format!(
                    "choose one by T+{}{standard} · ",
                    clock(e.due_at)
                )));
                first.push(Span::styled(
                    countdown(left),
                    urgency(left, e.due_at - e.released_at),
                ));
            }
            let mut lines = vec![Line::from(first)];
            lines.extend(
                e.choices
                    .iter()
                    .map(|a| Line::from(format!("  ◆ {}", name(*a)))),
            );
            lines
        }
    }
}

/// The team's obligations that it knows of: the decisions its injects ask of it, replies owed
/// to hotline messages, and, if the facilitator shows them, its other open expected actions.
/// The countdown comes first, so that a narrow pane cuts the words, never "overdue".
fn owed_lines(app: &Shown, team: TeamIx, width: usize) -> Vec<Line<'static>> {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let show_expected = app.seat.teams[team.0].show_expected;
    let open: Vec<crate::engine::ExpectationIx> = exercise
        .open_expectations(team)
        .into_iter()
        .filter(|ix| {
            let e = exercise.expectation(*ix);
            show_expected || e.is_decision() || matches!(e.source, Source::Message(_))
        })
        .collect();
    if open.is_empty() {
        return vec![Line::from("Nothing owed.".fg(Color::DarkGray))];
    }
    open.into_iter()
        .map(|ix| {
            let e = exercise.expectation(ix);
            let standard = widgets::standard(exercise, ix)
                .map(|s| format!(" · {s}"))
                .unwrap_or_default();
            // A reply on hold has no deadline: it waits for the amended request.
            let Some(left) = widgets::left(exercise, ix) else {
                let what = match e.source {
                    Source::Message(n) => format!("reply to #{n}"),
                    Source::Inject(inject, _) => scenario.inject(inject).id.as_str().to_owned(),
                };
                let lead = match exercise.ended_at() {
                    Some(_) => pad("not due", 15),
                    None => pad("on hold", 15),
                };
                return Line::from(vec![
                    Span::styled(lead, Style::new().fg(Color::Cyan)),
                    Span::raw(" "),
                    Span::raw(fit(
                        &format!(
                            "{} ({what} · waits for its amendment)",
                            expectation_title(exercise, ix)
                        ),
                        width.saturating_sub(16),
                    )),
                ]);
            };
            let style = urgency(left, exercise.time_standard(ix));
            if e.is_decision() {
                let names: Vec<&str> = e
                    .choices
                    .iter()
                    .map(|a| scenario.action(*a).name.as_str())
                    .collect();
                let (lead, time) = if left < 0 {
                    ("Decide now, ", countdown(left))
                } else {
                    ("Decide within ", short(left as u64))
                };
                let rest = format!("{standard}: {}", names.join(" / "));
                let room = width.saturating_sub(width_of(lead) + width_of(&time));
                return Line::from(vec![
                    Span::raw(lead),
                    Span::styled(time, style.bold()),
                    Span::raw(fit(&rest, room)),
                ]);
            }
            // An amendment is owed on a clarification's message: it amends the version asked.
            let what = match e.source {
                Source::Message(m) => match exercise.clarified_thread(m) {
                    Some(_) => {
                        let version = exercise.message(m).and_then(|c| c.in_reply_to);
                        format!("amend #{} as asked in #{m}", version.unwrap_or(m))
                    }
                    None => format!("reply to #{m}"),
                },
                Source::Inject(inject, _) => scenario.inject(inject).id.as_str().to_owned(),
            };
            let countdown = pad(&countdown(left), 15);
            let room = width.saturating_sub(16);
            Line::from(vec![
                Span::styled(countdown, style),
                Span::raw(" "),
                Span::raw(fit(
                    &format!("{} ({what}{standard})", expectation_title(exercise, ix)),
                    room,
                )),
            ])
        })
        .collect()
}
