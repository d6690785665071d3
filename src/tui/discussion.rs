//! The discussion's screens: a team's (the module's narrative, its questions for the team, the
//! team's answer to the selected one) and the console's module view (the module's questions
//! and, per team, whether it answered), with every team's answers to a question read-only.
//!
//! ```text
//! ┌ Module 1 of 3: title · current ────────────────────────────────┐
//! │ narrative                                                      │
//! ├ Questions ─────────────────┬ The selected question ────────────┤
//! │ ▶ ✓ who-calls  Who…        │ text, then the answer so far      │
//! └────────────────────────────┴───────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::keymap::{Action, Context};
use super::seat::{Shown, listed_questions};
use super::text::{clock, fit, pad};
use super::widgets::{self, centred, popup};
use crate::scenario::{ModuleIx, QuestionIx, TeamIx};

/// A team's discussion screen.
pub fn render_team(frame: &mut Frame, area: Rect, app: &Shown, team: TeamIx) {
    let ui = &app.seat.teams[team.0].discussion;
    let Some(module) = ui.module(app.session) else {
        not_begun(frame, area, app);
        return;
    };
    let main = layout(frame, area, app, module);
    let questions = listed_questions(app.session, module, Some(team));
    let [list, detail] = main.layout(&Layout::horizontal([
        Constraint::Percentage(40),
        Constraint::Percentage(60),
    ]));
    let scenario = app.exercise().scenario();
    let team_id = &scenario.team(team).id;
    let answered = |q: QuestionIx| {
        app.session
            .debrief()
            .answer(team_id, &scenario.question(q).id)
            .is_some()
    };
    let width = usize::from(list.width.saturating_sub(2));
    let lines: Vec<Line> = questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mark = if answered(*q) { "✓ " } else { "· " };
            let line = Line::from(format!(
                "{}{mark}{}",
                if i == ui.selected { "▶ " } else { "  " },
                fit(&scenario.question(*q).text, width.saturating_sub(4))
            ));
            if i == ui.selected {
                line.add_modifier(Modifier::REVERSED)
            } else {
                line
            }
        })
        .collect();
    let title = format!(
        " Questions for {team_id} ({} of {} answered) ",
        questions.iter().filter(|q| answered(**q)).count(),
        questions.len()
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    if lines.is_empty() {
        frame.render_widget(
            Paragraph::new("No question of this module is for this team.")
                .fg(Color::DarkGray)
                .wrap(Wrap { trim: true })
                .block(block),
            list,
        );
    } else {
        frame.render_widget(Paragraph::new(lines).block(block), list);
    }
    let mut text = Vec::new();
    let current = app.session.current_module() == Some(module);
    let ended = app.exercise().ended_at().is_some();
    if let Some(q) = questions.get(ui.selected) {
        let question = scenario.question(*q);
        text.push(Line::from(question.text.clone()).bold());
        text.push(Line::from(""));
        match app.session.debrief().answer(team_id, &question.id) {
            Some(given) => {
                text.push(Line::styled(
                    format!("Your answer, given at T+{}:", clock(given.at)),
                    Style::new().fg(Color::Green).bold(),
                ));
                text.extend(given.answer.text.lines().map(|l| Line::from(l.to_string())));
            }
            None => text.push(Line::styled(
                "No answer yet.",
                Style::new().fg(Color::DarkGray),
            )),
        }
        text.push(Line::from(""));
        let hint = if ended {
            "The exercise has ended: the answers stand.".to_string()
        } else if current {
            let verb = if answered(*q) {
                "revise the answer"
            } else {
                "answer"
            };
            widgets::hint(Context::Discussion, Action::Answer, verb)
        } else {
            "This module is over: its answers stand (read-only).".to_string()
        };
        text.push(Line::styled(hint, Style::new().fg(Color::Cyan)));
    }
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .scroll((ui.scroll, 0))
            .block(Block::default().borders(Borders::ALL).title(" Question ")),
        detail,
    );
}

/// The console's module view.
pub fn render_modules(frame: &mut Frame, area: Rect, app: &Shown) {
    let ui = &app.seat.console.modules;
    let Some(module) = ui.module(app.session) else {
        not_begun(frame, area, app);
        return;
    };
    let main = layout(frame, area, app, module);
    let scenario = app.exercise().scenario();
    let questions = listed_questions(app.session, module, None);
    let [list, detail] = main.layout(&Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(5),
    ]));
    let teams: Vec<&str> = scenario.teams.iter().map(|t| t.id.as_str()).collect();
    let marks_width: usize = teams.iter().map(|t| t.chars().count() + 3).sum();
    let text_width = usize::from(list.width.saturating_sub(2)).saturating_sub(marks_width + 4);
    let lines: Vec<Line> = questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let question = scenario.question(*q);
            let mut spans = vec![Span::raw(format!(
                "{}{} ",
                if i == ui.selected { "▶ " } else { "  " },
                pad(&question.text, text_width)
            ))];
            for (t, id) in teams.iter().enumerate() {
                let (mark, style) = if !question.is_for(TeamIx(t)) {
                    (" ".repeat(id.chars().count() + 2), Style::new())
                } else if app.session.debrief().answer(id, &question.id).is_some() {
                    (format!("{id} ✓"), Style::new().fg(Color::Green))
                } else {
                    (format!("{id} ·"), Style::new().fg(Color::DarkGray))
                };
                spans.push(Span::styled(format!(" {mark}"), style));
            }
            let line = Line::from(spans);
            if i == ui.selected {
                line.add_modifier(Modifier::REVERSED)
            } else {
                line
            }
        })
        .collect();
    let answered = questions
        .iter()
        .flat_map(|q| {
            let question = scenario.question(*q);
            question.to.iter().map(move |t| (question, *t))
        })
        .filter(|(q, t)| {
            app.session
                .debrief()
                .answer(&scenario.team(*t).id, &q.id)
                .is_some()
        })
        .count();
    let owed: usize = questions
        .iter()
        .map(|q| scenario.question(*q).to.len())
        .sum();
    let title = format!(" Questions · {answered} of {owed} answers given (✓ answered, · not yet) ");
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        list,
    );
    let mut text = Vec::new();
    if let Some(q) = questions.get(ui.selected) {
        let question = scenario.question(*q);
        let to: Vec<&str> = question
            .to
            .iter()
            .map(|t| scenario.team(*t).id.as_str())
            .collect();
        let objective = question
            .objective
            .map(|o| format!(" · objective {}", scenario.objective(o).name))
            .unwrap_or_default();
        text.push(Line::from(question.text.clone()).bold());
        text.push(Line::from(format!(
            "{} · for {}{objective} · {}",
            question.id,
            to.join(", "),
            widgets::hint(Context::Modules, Action::OpenAnswers, "the answers")
        )));
    }
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL)),
        detail,
    );
}

/// Every addressed team's answer to `question`, read-only.
pub fn render_answers(frame: &mut Frame, body: Rect, app: &Shown, question: QuestionIx) {
    let scenario = app.exercise().scenario();
    let q = scenario.question(question);
    let area = centred(body, 90, body.height.saturating_sub(2).max(10));
    let inner = popup(frame, area, &format!("Answers to {}", q.id), Color::Cyan);
    let mut text = vec![Line::from(q.text.clone()).bold(), Line::from("")];
    for team in &q.to {
        let team = scenario.team(*team);
        match app.session.debrief().answer(&team.id, &q.id) {
            Some(given) => {
                text.push(Line::styled(
                    format!("{} ({}), at T+{}:", team.name, team.id, clock(given.at)),
                    Style::new().fg(Color::Green).bold(),
                ));
                text.extend(
                    given
                        .answer
                        .text
                        .lines()
                        .map(|l| Line::from(format!("  {l}"))),
                );
            }
            None => text.push(Line::styled(
                format!("{} ({}): no answer yet", team.name, team.id),
                Style::new().fg(Color::DarkGray),
            )),
        }
        text.push(Line::from(""));
    }
    text.push(Line::from(
        widgets::hint(Context::Answers, Action::Back, "close").italic(),
    ));
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
}

/// Draws the heading (which module, and whether it is current) and the narrative; gives the rest
/// of the area, for the questions.
fn layout(frame: &mut Frame, area: Rect, app: &Shown, module: ModuleIx) -> Rect {
    let scenario = app.exercise().scenario();
    let m = scenario.module(module);
    let current = app.session.current_module();
    let state = if app.exercise().ended_at().is_some() {
        "the exercise has ended".to_string()
    } else if current == Some(module) {
        format!("current since T+{}", clock(m.from))
    } else if current.is_some_and(|c| c > module) {
        "over: read-only".to_string()
    } else {
        format!("begins at T+{}", clock(m.from))
    };
    let heading = Line::from(vec![
        Span::styled(
            format!(" {} ", m.title),
            Style::new().bold().fg(Color::Cyan),
        ),
        Span::raw(format!(
            "· module {} of {} · {state} · {} {} modules",
            module.0 + 1,
            scenario.modules.len(),
            widgets::key(Context::Discussion, Action::ModulePrev),
            widgets::key(Context::Discussion, Action::ModuleNext),
        )),
    ]);
    let narrative = Paragraph::new(
        m.narrative
            .lines()
            .map(|l| Line::from(l.to_string()))
            .collect::<Vec<_>>(),
    )
    .wrap(Wrap { trim: true });
    let most = (area.height / 3).max(3);
    let height = (narrative.line_count(area.width.saturating_sub(2)) as u16 + 2).clamp(3, most);
    let [heading_area, narrative_area, main] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(height),
        Constraint::Min(0),
    ]));
    frame.render_widget(Paragraph::new(heading), heading_area);
    frame.render_widget(
        narrative.block(Block::default().borders(Borders::ALL).title(" Narrative ")),
        narrative_area,
    );
    main
}

/// Before the first module begins: when it will.
fn not_begun(frame: &mut Frame, area: Rect, app: &Shown) {
    let scenario = app.exercise().scenario();
    let text = match scenario.modules.first() {
        Some(first) => format!(
            "No module has begun yet: \"{}\" begins at T+{}.",
            first.title,
            clock(first.from)
        ),
        None => "This exercise has no discussion modules.".to_string(),
    };
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(" Discussion ")),
        area,
    );
}
