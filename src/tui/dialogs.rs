//! Dialogs drawn over the screen: release by hand, observation, confirmations, the response
//! form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui_textarea::TextArea;

use super::app::{App, ConfirmKind, Dialog, NoteForm, ResponseDialog, ResponseForm, Stage};
use super::text::{clock, short, state};
use super::ui::{centred, popup};
use crate::engine::{Answers, NoteKind, Source};
use crate::scenario::InjectIx;

pub fn render(frame: &mut Frame, body: Rect, app: &App) {
    match &app.dialog {
        None => {}
        Some(Dialog::Release { selected }) => release(frame, body, app, *selected),
        Some(Dialog::Note(form)) => note(frame, body, app, form),
        Some(Dialog::Confirm(kind)) => confirm(frame, body, app, *kind),
        Some(Dialog::Respond(dialog)) => respond(frame, body, app, dialog),
    }
}

fn release(frame: &mut Frame, body: Rect, app: &App, selected: usize) {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let wanted = scenario.injects.len() as u16 + 5;
    let area = centred(body, 76, wanted.min(body.height));
    let inner = popup(frame, area, "Release an inject by hand, now", Color::Yellow);
    let [list, help] = inner.layout(&Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(2),
    ]));
    let height = list.height.max(1) as usize;
    let first = selected / height * height;
    let lines: Vec<Line> = (first..scenario.injects.len().min(first + height))
        .map(|i| {
            let inject = &scenario.injects[i];
            let s = exercise.inject_state(InjectIx(i));
            let released = matches!(s, crate::engine::InjectState::Released { .. });
            let mut style = if released {
                Style::new().fg(Color::DarkGray)
            } else {
                Style::new()
            };
            if i == selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            Line::styled(
                format!(
                    "{:<14.14} {:<20.20} {}",
                    inject.id,
                    state(s, &inject.when),
                    inject.title
                ),
                style,
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    let notes = scenario
        .injects
        .get(selected)
        .and_then(|i| i.notes.clone())
        .map(|n| format!("Notes: {n}"))
        .unwrap_or_else(|| {
            format!(
                "Releases at T+{}; ignores delay, jitter and chance.",
                clock(exercise.now())
            )
        });
    frame.render_widget(
        Paragraph::new(notes).wrap(Wrap { trim: true }).italic(),
        help,
    );
}

fn field_line(label: &str, value: String, focused: bool) -> Line<'static> {
    let label_style = if focused {
        Style::new().fg(Color::Cyan).bold()
    } else {
        Style::new().bold()
    };
    Line::from(vec![
        Span::styled(format!("{label:<12}"), label_style),
        Span::raw(if focused {
            format!("◀ {value} ▶")
        } else {
            format!("  {value}")
        }),
    ])
}

fn text_area(frame: &mut Frame, area: Rect, text: &TextArea<'static>, focused: bool) {
    let mut text = text.clone();
    if focused {
        text.set_cursor_style(Style::new().add_modifier(Modifier::REVERSED));
        text.set_style(Style::new().bg(Color::Rgb(40, 40, 60)));
    } else {
        text.set_cursor_style(Style::new());
        text.set_style(Style::new().bg(Color::Rgb(30, 30, 30)));
    }
    frame.render_widget(&text, area);
}

fn note(frame: &mut Frame, body: Rect, app: &App, form: &NoteForm) {
    let scenario = app.exercise().scenario();
    let area = centred(body, 70, 12);
    let inner = popup(frame, area, "Add an observation", Color::Cyan);
    let [kind, team, label, text, error] = inner.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(1),
    ]));
    let kind_text = match form.kind {
        NoteKind::Strength => "strength",
        NoteKind::Improvement => "area for improvement",
    };
    frame.render_widget(field_line("Kind", kind_text.into(), form.focus == 0), kind);
    let team_text = form
        .team
        .map(|t| scenario.team(t).name.clone())
        .unwrap_or_else(|| "everyone (no team)".into());
    frame.render_widget(field_line("Team", team_text, form.focus == 1), team);
    frame.render_widget(
        Paragraph::new(Line::styled(
            "Observation (enter saves, ctrl-j new line)",
            if form.focus == 2 {
                Style::new().fg(Color::Cyan).bold()
            } else {
                Style::new().bold()
            },
        )),
        label,
    );
    text_area(frame, text, &form.text, form.focus == 2);
    if let Some(e) = &form.error {
        frame.render_widget(Paragraph::new(e.clone().fg(Color::Red)), error);
    }
}

fn confirm(frame: &mut Frame, body: Rect, app: &App, kind: ConfirmKind) {
    let exercise = app.exercise();
    let (title, lines) = match kind {
        ConfirmKind::End => (
            "End the exercise?",
            vec![
                Line::from(format!(
                    "End now, at T+{}? Everything due now happens first;",
                    clock(exercise.now())
                )),
                Line::from("every expectation not done becomes missed. This cannot be undone."),
            ],
        ),
        ConfirmKind::Quit => (
            "Quit while the exercise runs?",
            vec![
                Line::from("The exercise is not finished. Everything so far is in the journal:"),
                Line::from(app.journal_location.clone()),
                Line::from("`ttx resume` continues it later."),
            ],
        ),
    };
    let area = centred(body, 72, lines.len() as u16 + 4);
    let inner = popup(frame, area, title, Color::Red);
    let mut lines = lines;
    lines.push(Line::from(""));
    lines.push(Line::from(vec![
        Span::styled(" y ", Style::new().reversed()),
        Span::raw(" yes   "),
        Span::styled(" n ", Style::new().reversed()),
        Span::raw(" no"),
    ]));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn respond(frame: &mut Frame, body: Rect, app: &App, dialog: &ResponseDialog) {
    let scenario = app.exercise().scenario();
    let team = scenario.team(dialog.team);
    match &dialog.stage {
        Stage::Pick { filter, selected } => {
            let actions = app.actions_for(dialog.team, filter.value());
            let area = centred(body, 72, body.height);
            let inner = popup(
                frame,
                area,
                &format!("{} responds: choose an action", team.id),
                Color::Cyan,
            );
            let [filter_area, list, description] = inner.layout(&Layout::vertical([
                Constraint::Length(1),
                Constraint::Min(1),
                Constraint::Length(3),
            ]));
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    "Filter: ".bold(),
                    Span::raw(filter.value().to_string()),
                    Span::styled(" ", Style::new().reversed()),
                ])),
                filter_area,
            );
            let height = list.height.max(1) as usize;
            let first = selected / height * height;
            let lines: Vec<Line> = actions
                .iter()
                .enumerate()
                .skip(first)
                .take(height)
                .map(|(i, a)| {
                    let action = scenario.action(*a);
                    let hotline = if action.message.is_some() { " ✉" } else { "" };
                    let style = if i == *selected {
                        Style::new().add_modifier(Modifier::REVERSED)
                    } else {
                        Style::new()
                    };
                    Line::styled(format!("{:<14} {}{hotline}", action.id, action.name), style)
                })
                .collect();
            if lines.is_empty() {
                frame.render_widget(
                    Paragraph::new("No action matches the filter.".fg(Color::DarkGray)),
                    list,
                );
            } else {
                frame.render_widget(Paragraph::new(lines), list);
            }
            let text = actions
                .get(*selected)
                .map(|a| {
                    let action = scenario.action(*a);
                    let mut text = action.description.clone().unwrap_or_default();
                    if !action.fields.is_empty() {
                        text.push_str(&format!(" Fields: {}.", action.fields.join(", ")));
                    }
                    if action.message.is_some() {
                        text.push_str(" ✉ sends a hotline message.");
                    }
                    text
                })
                .unwrap_or_default();
            frame.render_widget(
                Paragraph::new(text.trim().to_string())
                    .wrap(Wrap { trim: true })
                    .italic(),
                description,
            );
        }
        Stage::Form(form) => response_form(frame, body, app, dialog, form),
    }
}

fn answers_text(app: &App, answers: Option<Answers>) -> String {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    match answers {
        None => "nothing in particular (the earliest due)".into(),
        Some(Answers::Inject(i)) => format!("inject: {}", scenario.inject(i).title),
        Some(Answers::Message(n)) => format!(
            "hotline #{n} from {}",
            exercise
                .message(n)
                .map(|m| scenario.team(m.from).id.as_str())
                .unwrap_or("?")
        ),
    }
}

/// The required fields of the expectation this response would most likely satisfy.
fn required_fields(app: &App, dialog: &ResponseDialog, form: &ResponseForm) -> Option<Vec<usize>> {
    let exercise = app.exercise();
    let answers = form.answers.get(form.answer).copied().flatten();
    exercise
        .expectations()
        .iter()
        .filter(|e| e.team == dialog.team && e.accepts(form.action) && e.done.is_none())
        .filter(|e| match (answers, e.source) {
            (None, _) => true,
            (Some(Answers::Inject(i)), Source::Inject(j, _)) => i == j,
            (Some(Answers::Message(n)), Source::Message(m)) => n == m,
            _ => false,
        })
        .min_by_key(|e| (e.due_at, e.released_at, e.source))
        .map(|e| e.required.clone())
}

fn response_form(
    frame: &mut Frame,
    body: Rect,
    app: &App,
    dialog: &ResponseDialog,
    form: &ResponseForm,
) {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let action = scenario.action(form.action);
    let required = required_fields(app, dialog, form);
    let n = form.fields.len();
    let heights: Vec<u16> = form
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if form.focus == i + 1 {
                (f.lines().len() as u16).clamp(1, 4)
            } else {
                1
            }
        })
        .collect();
    let note_height = if form.focus == n + 1 {
        (form.note.lines().len() as u16).clamp(1, 3)
    } else {
        1
    };
    let wanted = 2 + 2 + heights.iter().sum::<u16>() + note_height + 2 + 5;
    let area = centred(body, 76, wanted.min(body.height));
    let inner = popup(
        frame,
        area,
        &format!("{} · {}", scenario.team(dialog.team).id, action.name),
        Color::Cyan,
    );
    let mut constraints = vec![Constraint::Length(1), Constraint::Length(1)];
    constraints.extend(heights.iter().map(|h| Constraint::Length(*h)));
    constraints.push(Constraint::Length(note_height));
    constraints.push(Constraint::Length(1));
    constraints.push(Constraint::Length(1));
    constraints.push(Constraint::Min(0));
    let rows = Layout::vertical(constraints).split(inner);
    frame.render_widget(
        field_line(
            "In reply to",
            answers_text(app, form.answers.get(form.answer).copied().flatten()),
            form.focus == 0,
        ),
        rows[0],
    );
    let hint = match &required {
        None => "(no open expectation of this action: it will count as unexpected)",
        Some(_) if action.fields.is_empty() => "",
        Some(_) => "* required",
    };
    frame.render_widget(
        Paragraph::new(Line::from(hint.fg(Color::DarkGray))),
        rows[1],
    );
    for (i, (name, text)) in action.fields.iter().zip(&form.fields).enumerate() {
        let is_required = required.as_ref().is_some_and(|r| r.contains(&i));
        let focused = form.focus == i + 1;
        let [label, value] = rows[i + 2].layout(&Layout::horizontal([
            Constraint::Length(16),
            Constraint::Min(1),
        ]));
        let label_text = format!("{name:.13}{}", if is_required { " *" } else { "" });
        let style = if focused {
            Style::new().fg(Color::Cyan).bold()
        } else {
            Style::new().bold()
        };
        frame.render_widget(Paragraph::new(Line::styled(label_text, style)), label);
        text_area(frame, value, text, focused);
    }
    let [label, value] = rows[n + 2].layout(&Layout::horizontal([
        Constraint::Length(16),
        Constraint::Min(1),
    ]));
    let style = if form.focus == n + 1 {
        Style::new().fg(Color::Cyan).bold()
    } else {
        Style::new().bold()
    };
    frame.render_widget(Paragraph::new(Line::styled("note", style)), label);
    text_area(frame, value, &form.note, form.focus == n + 1);
    let submit_style = if form.focus == form.submit_row() {
        Style::new().fg(Color::Black).bg(Color::Green).bold()
    } else {
        Style::new().fg(Color::Green)
    };
    frame.render_widget(
        Paragraph::new(Line::styled("[ Submit ]", submit_style)),
        rows[n + 4],
    );
    let mut info = Vec::new();
    if let Some(error) = &form.error {
        info.push(Line::from(error.clone().fg(Color::Red)));
    }
    if let Some(message) = &action.message {
        let reply = message
            .reply
            .as_ref()
            .map(|r| {
                format!(
                    ", who must reply \"{}\" within {}",
                    scenario.action(r.action).name,
                    short(r.within)
                )
            })
            .unwrap_or_default();
        info.push(Line::from(
            format!("✉ Sends a hotline message to the other teams{reply}.").italic(),
        ));
    }
    info.push(Line::from(
        "enter: next field · ctrl-s: submit · ctrl-j: new line · esc: back".fg(Color::DarkGray),
    ));
    frame.render_widget(Paragraph::new(info).wrap(Wrap { trim: true }), rows[n + 5]);
}
