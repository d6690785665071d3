//! Dialogs drawn over the screen: each form draws itself; here are the confirmations and the
//! inject opened from the console.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::forms::picker::Offer;
use super::keymap::{Action, Context};
use super::seat::{ConfirmKind, Dialog, Shown, Stage};
use super::text::{clock, fit, state, trigger};
use super::widgets::{centred, deadline, decision_text, key_span, popup};
use crate::scenario::InjectIx;

pub fn render(frame: &mut Frame, body: Rect, app: &Shown) {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    match &app.seat.dialog {
        None => {}
        Some(Dialog::Release(picker)) => picker.render(frame, body, exercise),
        Some(Dialog::Note(form)) => form.render(frame, body, scenario),
        Some(Dialog::Confirm(kind)) => confirm(frame, body, app, kind),
        Some(Dialog::Rating(form)) => form.render(frame, body),
        Some(Dialog::Summary(form)) => form.render(frame, body),
        Some(Dialog::Plan(form)) => form.render(frame, body, scenario),
        Some(Dialog::Facts(form)) => form.render(frame, body),
        Some(Dialog::Judge(form)) => form.render(frame, body, exercise),
        Some(Dialog::Inject(inject)) => inject_detail(frame, body, app, *inject),
        Some(Dialog::Message(form)) => form.render(frame, body, exercise),
        Some(Dialog::Seats) => seats(frame, body, app),
        Some(Dialog::Answer(form)) => form.render(frame, body, exercise),
        Some(Dialog::Answers(question)) => {
            super::discussion::render_answers(frame, body, app, *question)
        }
        Some(Dialog::HotWash(form)) => form.render(frame, body, exercise),
        Some(Dialog::Feedback(form)) => form.render(frame, body, exercise),
        Some(Dialog::Respond(dialog)) => match &dialog.stage {
            Stage::Pick(picker) => {
                let actions = dialog.offered(app.session, &picker.filter());
                let team = &scenario.team(dialog.team).id;
                let title = if dialog.choices.is_empty() {
                    format!("{team} responds: choose an action")
                } else {
                    format!("{team} decides: one of the options ◆, or another action")
                };
                let mut drafts: Vec<(crate::scenario::ActionIx, String)> = Vec::new();
                for (action, answering) in app.seat.draft_marks(dialog.team, dialog.answering) {
                    if drafts.iter().any(|(a, _)| *a == action) {
                        continue;
                    }
                    let mark = if answering == dialog.answering {
                        "draft".to_string()
                    } else {
                        format!("draft for {}", item_name(app, answering))
                    };
                    drafts.push((action, mark));
                }
                let offer = Offer {
                    actions: &actions,
                    choices: &dialog.choices,
                    drafts: &drafts,
                };
                picker.render(frame, body, &title, scenario, offer);
            }
            Stage::Form(form) => form.render(frame, body, exercise),
        },
    }
}

/// An inbox item as a draft's mark names it: `#3`, an inject's title (cut short), or `no item`.
fn item_name(app: &Shown, answering: Option<crate::engine::Answers>) -> String {
    match answering {
        None => "no item".into(),
        Some(crate::engine::Answers::Message(n)) => format!("#{n}"),
        Some(crate::engine::Answers::Inject(i)) => {
            format!(
                "\"{}\"",
                fit(&app.exercise().scenario().inject(i).title, 24)
            )
        }
    }
}

fn confirm(frame: &mut Frame, body: Rect, app: &Shown, kind: &ConfirmKind) {
    let mut lines = match kind {
        ConfirmKind::End => vec![
            // The clock goes on while the question is open: the end is when it is answered.
            Line::from(format!(
                "End now, at T+{}? Everything due by then happens first;",
                clock(app.exercise().now())
            )),
            Line::from("an expectation past its deadline becomes missed; one still"),
            Line::from("to come is not due, not scored. This cannot be undone."),
        ],
        ConfirmKind::DropItem(item) => vec![
            Line::from(format!("Drop {item} from the improvement plan?")),
            Line::from("The journal keeps the drop; the report no longer lists the item."),
        ],
        ConfirmKind::Finalise => vec![
            Line::from("The report stops saying \"draft\". After this, nothing more is"),
            Line::from("judged, rated, summarised or planned: the journal takes no more."),
            Line::from("This cannot be undone."),
        ],
        ConfirmKind::Close => {
            let mut lines = Vec::new();
            // Only a served exercise has seats to take down; `ttx run` just closes.
            if app.session.serving().is_some() {
                lines.push(Line::from(
                    "Every seat is disconnected and the server stops; a hot wash or",
                ));
                lines.push(Line::from("feedback form not yet submitted is lost."));
            }
            lines.push(Line::from("Everything recorded is in the journal:"));
            lines.push(Line::from(app.session.journal_location().to_string()));
            lines
        }
        ConfirmKind::Quit => vec![
            Line::from("The exercise is not finished. Everything so far is in the journal:"),
            Line::from(app.session.journal_location().to_string()),
            Line::from("`ttx resume` continues it later."),
        ],
    };
    let area = centred(body, 72, lines.len() as u16 + 4);
    let inner = popup(frame, area, kind.question(), Color::Red);
    lines.push(Line::from(""));
    lines.push(Line::from(vec![
        key_span(Context::Confirm, Action::Yes),
        Span::raw(" yes   "),
        key_span(Context::Confirm, Action::No),
        Span::raw(" no"),
    ]));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// Everything about one inject, for the facilitator: when, to whom, the text, the notes, and
/// what is expected of whom.
fn inject_detail(frame: &mut Frame, body: Rect, app: &Shown, ix: InjectIx) {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let inject = scenario.inject(ix);
    let to: Vec<&str> = inject
        .to
        .iter()
        .map(|t| scenario.team(*t).name.as_str())
        .collect();
    let mut lines = vec![
        Line::from(vec![
            "Trigger: ".bold(),
            Span::raw(trigger(scenario, &inject.when)),
            "  State: ".bold(),
            Span::raw(state(exercise.inject_state(ix), &inject.when)),
        ]),
        Line::from(vec!["To: ".bold(), Span::raw(to.join(", "))]),
    ];
    let msel: Vec<Span> = [("Ref: ", &inject.reference), ("Method: ", &inject.method)]
        .into_iter()
        .filter_map(|(label, value)| value.as_ref().map(|v| (label, v)))
        .flat_map(|(label, value)| [label.bold(), Span::raw(format!("{value}  "))])
        .collect();
    if !msel.is_empty() {
        lines.push(Line::from(msel));
    }
    if let Some(from) = &inject.from {
        lines.push(Line::from(vec!["From: ".bold(), Span::raw(from.clone())]));
    }
    if let Some(notes) = &inject.notes {
        lines.push(Line::from(vec![
            "Notes: ".bold().fg(Color::Yellow),
            Span::raw(notes.clone()),
        ]));
    }
    lines.push(Line::from(""));
    lines.extend(inject.body.lines().map(|l| Line::from(l.to_string())));
    let expected = exercise.expectations_of_inject(ix);
    if !expected.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from("Expected".bold()));
        for &e in expected {
            let expectation = exercise.expectation(e);
            lines.push(Line::from(format!(
                "  {} by {} — {}",
                exercise.expectation_id(e),
                deadline(exercise, e),
                exercise.status(e).as_str()
            )));
            if expectation.is_decision() {
                lines.push(Line::from(format!("    {}", decision_text(exercise, e))));
            }
        }
    }
    let area = centred(
        body,
        body.width.saturating_sub(4).clamp(76, 110),
        body.height,
    );
    let inner = popup(
        frame,
        area,
        &format!("{} · {}", inject.id, inject.title),
        Color::Cyan,
    );
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The facilitator's view of the server: where it listens, the host key to read out, each
/// seat's join code, and who is connected (since when, idle for how long).
fn seats(frame: &mut Frame, body: Rect, app: &Shown) {
    let session = app.session;
    let mut lines = Vec::new();
    match session.serving() {
        None => lines.push(Line::from(
            "Not served: this is ttx run. `ttx serve` lets teams join over SSH.",
        )),
        Some(serving) => {
            lines.push(Line::from(vec![
                "Listening: ".bold(),
                Span::raw(serving.address.clone()),
            ]));
            lines.push(Line::from(vec![
                "Host key: ".bold(),
                Span::raw(serving.fingerprint.clone()),
            ]));
            lines.push(Line::from(""));
            lines.push(Line::from("Join codes (typed as the ssh password)".bold()));
            if serving.codes.is_empty() {
                lines.push(Line::from("  none: seats join with their keys"));
            }
            for (user, code) in &serving.codes {
                lines.push(Line::from(format!("  {user:<14} {code}")));
            }
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(
        format!("Connected ({})", session.seats().len()).bold(),
    ));
    // The one screen drawn from the wall clock (`Seat::shows_wall`).
    let wall = session.wall();
    for seat in session.seats() {
        lines.push(Line::from(format!(
            "  {:<14} {:<16} {:<22} for {:<8} idle {}",
            seat.user,
            seat.role,
            seat.address,
            crate::text::short(wall.saturating_sub(seat.since).as_secs()),
            crate::text::short(wall.saturating_sub(seat.last_key).as_secs()),
        )));
    }
    let area = centred(
        body,
        body.width.saturating_sub(4).clamp(76, 110),
        body.height,
    );
    let inner = popup(frame, area, "Seats", Color::Cyan);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
