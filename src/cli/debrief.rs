//! `ttx debrief`: the debrief at the console, one command per entry — rate an objective, write
//! the executive summary, enter the exercise's facts for the report's cover, edit, add or drop
//! improvement-plan items, judge a done expectation, record a point of the hot wash, make the
//! report final — each checked against the exercise
//! and appended to its journal as an event, so `ttx report` shows it; and the discussion's
//! answers and feedback forms, printed.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::{Failure, out};
use crate::debrief::evaluation::Rating;
use crate::debrief::{
    DebriefEvent, ExerciseFact, FactEntered, PlanAdded, PlanDropped, PlanEdited, PlanField, Rated,
    Summary,
};
use crate::engine::{Command, Exercise, NoteKind};
use crate::journal::JournalWriter;
use crate::report::{FeedbackReport, Report, distribution, mean};
use crate::ron_file::diagnostic::escape_controls;
use crate::ron_file::list_names;
use crate::scenario::format_secs;

#[derive(clap::Args)]
pub struct DebriefArgs {
    /// The key that signs the journal again after the entry (default: ttx_host_ed25519
    /// beside the journal), as `ttx serve --host-key` signed it.
    #[arg(long, global = true, value_name = "FILE")]
    host_key: Option<PathBuf>,
    #[command(subcommand)]
    command: DebriefCommand,
}

#[derive(Subcommand)]
pub enum DebriefCommand {
    /// List the ratings to give (with ttx's suggestions) and the improvement-plan items.
    Show {
        /// The exercise's journal.
        journal: PathBuf,
    },
    /// Rate an objective for a team, or jointly without --team (P, S, M or U).
    Rate {
        /// The exercise's journal.
        journal: PathBuf,
        /// The objective's id.
        objective: String,
        /// P, S, M or U.
        rating: String,
        /// The team's id; without it, the joint rating.
        #[arg(long)]
        team: Option<String>,
        /// Why the rating differs from the suggestion (required then).
        #[arg(long)]
        reason: Option<String>,
        /// The analysis of the objective's performance.
        #[arg(long)]
        analysis: Option<String>,
        /// Who rates.
        #[arg(long, default_value = "facilitator")]
        by: String,
    },
    /// Write the executive summary (replaces the earlier one).
    Summary {
        /// The exercise's journal.
        journal: PathBuf,
        /// The summary, in plain words.
        text: String,
    },
    /// Enter the exercise's facts for the report's cover and overview, in place of the
    /// scenario's (an empty value gives the scenario's back); without any, print them.
    Exercise {
        /// The exercise's journal.
        journal: PathBuf,
        /// Who sponsors the exercise.
        #[arg(long)]
        sponsor: Option<String>,
        /// Where it takes place.
        #[arg(long)]
        location: Option<String>,
        /// Its dates as people write them, e.g. "11-12 March 2027" (else the journal's).
        #[arg(long)]
        dates: Option<String>,
        /// The handling marking printed on every page, e.g. TLP:AMBER.
        #[arg(long)]
        handling: Option<String>,
        /// The exercise's point of contact.
        #[arg(long)]
        contact: Option<String>,
    },
    /// Set one field of an improvement-plan item (the capability element is one of Planning,
    /// Organization, Equipment, Training, Exercises); an empty value clears it.
    Edit {
        /// The exercise's journal.
        journal: PathBuf,
        /// The item's id (see `ttx debrief show`).
        item: String,
        /// The field to set.
        #[arg(value_enum)]
        field: PlanField,
        /// Its new value; empty clears it.
        value: String,
    },
    /// Add an area for improvement by hand.
    Add {
        /// The exercise's journal.
        journal: PathBuf,
        /// The issue, in plain words.
        issue: String,
        /// The objective it concerns, by id.
        #[arg(long)]
        objective: Option<String>,
        /// The team it concerns, by id.
        #[arg(long)]
        team: Option<String>,
    },
    /// Drop an improvement-plan item.
    Drop {
        /// The exercise's journal.
        journal: PathBuf,
        /// The item's id (see `ttx debrief show`).
        item: String,
    },
    /// Find fields of a done expectation insufficient, with a reason; without --insufficient,
    /// take your earlier judgement of it back.
    Judge {
        /// The exercise's journal.
        journal: PathBuf,
        /// The expectation's id, in full: INJECT.ACTION@TEAM, msg-N.ACTION@TEAM,
        /// INJECT.decision@TEAM.
        expectation: String,
        /// The fields found insufficient, separated by commas: fields of the action that
        /// satisfied it.
        #[arg(long, value_delimiter = ',', value_name = "FIELD[,FIELD]")]
        insufficient: Vec<String>,
        /// Why (required with --insufficient).
        #[arg(long)]
        reason: Option<String>,
        /// Who judges.
        #[arg(long, default_value = "facilitator")]
        by: String,
    },
    /// Make the report final: nothing more is judged, rated or planned, and it stops saying
    /// "draft". Only once the exercise has ended.
    Final {
        /// The exercise's journal.
        journal: PathBuf,
    },
    /// Print every module's discussion questions with each addressed team's final answer.
    Answers {
        /// The exercise's journal.
        journal: PathBuf,
    },
    /// Print the Participant Feedback Forms summed up: per statement the answers, mean and
    /// distribution, then the strengths, areas for improvement and comments as written.
    Feedback {
        /// The exercise's journal.
        journal: PathBuf,
    },
    /// Record a point of the hot wash about an objective (after the end): a strength or an
    /// area for improvement said in the room; an improvement joins the improvement plan.
    HotWash {
        /// The exercise's journal.
        journal: PathBuf,
        /// The objective's id.
        objective: String,
        /// Strength or improvement.
        #[arg(long, value_enum)]
        kind: PointKind,
        /// What was said, in plain words.
        text: String,
    },
}

/// What a point of the hot wash is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PointKind {
    Strength,
    Improvement,
}

/// Runs one debrief command, signing the journal again with `--host-key` (default: the one
/// beside it) once the exercise has ended.
pub fn run(args: DebriefArgs) -> Result<(), Failure> {
    let (journal, event) = match args.command {
        DebriefCommand::Show { journal } => return show(&journal),
        DebriefCommand::Exercise {
            journal,
            sponsor,
            location,
            dates,
            handling,
            contact,
        } => {
            let given = [
                (ExerciseFact::Sponsor, sponsor),
                (ExerciseFact::Location, location),
                (ExerciseFact::Dates, dates),
                (ExerciseFact::Handling, handling),
                (ExerciseFact::Contact, contact),
            ];
            let events: Vec<DebriefEvent> = given
                .into_iter()
                .filter_map(|(fact, value)| {
                    value.map(|value| DebriefEvent::Fact(FactEntered { fact, value }))
                })
                .collect();
            if events.is_empty() {
                return exercise_facts(&journal);
            }
            let key = key_of(args.host_key, &journal);
            return record(&journal, events, &key);
        }
        DebriefCommand::Answers { journal } => return answers(&journal),
        DebriefCommand::Feedback { journal } => return feedback(&journal),
        DebriefCommand::HotWash {
            journal,
            objective,
            kind,
            text,
        } => {
            let key = key_of(args.host_key, &journal);
            return execute(&journal, &key, |exercise| {
                let scenario = exercise.scenario();
                let objective = scenario.objective_ix(&objective).ok_or_else(|| {
                    format!(
                        "unknown objective `{objective}` (objectives: {})",
                        list_names(scenario.objectives.iter().map(|o| o.id.as_str()))
                    )
                })?;
                Ok(Command::HotWash {
                    objective,
                    kind: match kind {
                        PointKind::Strength => NoteKind::Strength,
                        PointKind::Improvement => NoteKind::Improvement,
                    },
                    text,
                })
            });
        }
        DebriefCommand::Rate {
            journal,
            objective,
            rating,
            team,
            reason,
            analysis,
            by,
        } => {
            let rating = Rating::parse(&rating).ok_or_else(|| {
                Failure::Input(format!("rating `{rating}` is not one of P, S, M, U"))
            })?;
            let event = DebriefEvent::Rated(Rated {
                objective,
                team,
                rating,
                reason,
                analysis,
                by: Some(by),
            });
            (journal, event)
        }
        DebriefCommand::Summary { journal, text } => {
            (journal, DebriefEvent::Summary(Summary { text }))
        }
        DebriefCommand::Edit {
            journal,
            item,
            field,
            value,
        } => (
            journal,
            DebriefEvent::PlanEdited(PlanEdited { item, field, value }),
        ),
        DebriefCommand::Add {
            journal,
            issue,
            objective,
            team,
        } => {
            let loaded = crate::journal::read_outcome(&journal)?;
            let item = loaded.debrief.next_added_id();
            let event = DebriefEvent::PlanAdded(PlanAdded {
                item,
                objective,
                team,
                issue,
            });
            (journal, event)
        }
        DebriefCommand::Drop { journal, item } => {
            (journal, DebriefEvent::PlanDropped(PlanDropped { item }))
        }
        DebriefCommand::Judge {
            journal,
            expectation,
            insufficient,
            reason,
            by,
        } => {
            let key = key_of(args.host_key, &journal);
            return execute(&journal, &key, |exercise| {
                let ix = exercise.expectation_by_id(&expectation).ok_or_else(|| {
                    format!(
                        "no expectation `{expectation}` in this exercise (ids in full, as \
                         `ttx report` lists them: INJECT.ACTION@TEAM, msg-N.ACTION@TEAM)"
                    )
                })?;
                Ok(Command::Judge {
                    expectation: ix,
                    insufficient: insufficient
                        .iter()
                        .map(|f| f.trim().to_string())
                        .filter(|f| !f.is_empty())
                        .collect(),
                    reason,
                    by,
                })
            });
        }
        DebriefCommand::Final { journal } => {
            let key = key_of(args.host_key, &journal);
            return execute(&journal, &key, |_| Ok(Command::Finalise));
        }
    };
    let key = key_of(args.host_key, &journal);
    record(&journal, vec![event], &key)
}

/// The key that signs the journal: the one given, or the one beside the journal.
fn key_of(host_key: Option<PathBuf>, journal: &Path) -> PathBuf {
    host_key.unwrap_or_else(|| crate::host_key::beside(journal))
}

/// Runs an engine command on the exercise the journal holds (a judgement, the report made
/// final) and appends what it did, signed again as the other entries are. `command` makes the
/// command from the replayed exercise, or says why it cannot.
fn execute(
    journal: &Path,
    key: &Path,
    command: impl FnOnce(&Exercise) -> Result<Command, String>,
) -> Result<(), Failure> {
    let (writer, loaded) = JournalWriter::resume(journal)?;
    let mut writer =
        writer.signing_with(crate::host_key::load_or_create(key).map_err(Failure::Input)?);
    let mut exercise = loaded.exercise;
    let refused = |why: String| Failure::Input(format!("{}: {why}", journal.display()));
    let command = command(&exercise).map_err(refused)?;
    let events = exercise
        .execute(command)
        .map_err(|refusal| refused(refusal.to_string()))?;
    writer.append(&exercise, &events)?;
    match writer.take_signing_failure() {
        Some(why) => Err(Failure::Input(format!(
            "{}: the entry is recorded, but the journal is not signed: {why}",
            journal.display()
        ))),
        None => Ok(()),
    }
}

/// Records the events in order, each checked against what the ones before left; if one is
/// refused, none is written.
fn record(journal: &Path, events: Vec<DebriefEvent>, key: &Path) -> Result<(), Failure> {
    let (writer, loaded) = JournalWriter::resume(journal)?;
    let mut debrief = loaded.debrief;
    debrief
        .check_all(&loaded.exercise, &events)
        .map_err(|m| Failure::Input(format!("{}: {m}", journal.display())))?;
    let mut writer =
        writer.signing_with(crate::host_key::load_or_create(key).map_err(Failure::Input)?);
    for event in events {
        debrief
            .record(&loaded.exercise, event, |event| {
                writer
                    .append_debrief(&loaded.exercise, event)
                    .map_err(|e| e.to_string())
            })
            .map_err(|m| Failure::Input(format!("{}: {m}", journal.display())))?;
    }
    match writer.take_signing_failure() {
        Some(why) => Err(Failure::Input(format!(
            "{}: the entry is recorded, but the journal is not signed: {why}",
            journal.display()
        ))),
        None => Ok(()),
    }
}

fn show(journal: &Path) -> Result<(), Failure> {
    let loaded = crate::journal::read_outcome(journal)?;
    let report = Report::evaluated(&loaded.exercise, &loaded.debrief);
    let code = |r: Option<Rating>| r.map_or("—", Rating::code);
    let mut text = String::from("Ratings (objective, team, suggested, rating, evidence):\n");
    // Writing to a String cannot fail.
    for r in &report.ratings {
        let _ = writeln!(
            text,
            "  {}  {}  suggested {}  rating {}  {}",
            r.objective,
            r.team.as_deref().unwrap_or("(jointly)"),
            code(r.suggested),
            code(r.rating),
            r.evidence.as_deref().unwrap_or("")
        );
    }
    text.push_str(&facts_text(&report, &loaded.debrief));
    text.push_str("Improvement plan (id: issue):\n");
    for item in &report.improvement_plan {
        let _ = writeln!(text, "  {}: {}", item.id, item.issue);
    }
    let exercise = &loaded.exercise;
    if !exercise.judgements().is_empty() {
        text.push_str("Judgements (time, expectation, fields found insufficient, by, reason):\n");
    }
    for j in exercise.judgements() {
        let fields = match j.insufficient.is_empty() {
            true => "taken back".to_string(),
            false => j.insufficient.join(","),
        };
        let _ = writeln!(
            text,
            "  T+{}  {}  {fields}  by {}  {}",
            crate::text::clock(j.at),
            exercise.expectation_id(j.expectation),
            j.by,
            j.reason.as_deref().unwrap_or("")
        );
    }
    if exercise.is_final() {
        text.push_str("Final: the report is final; nothing more is judged, rated or planned.\n");
    } else if report.is_draft() {
        text.push_str("Draft: some objectives are not rated yet.\n");
    } else {
        text.push_str("Not final yet: `ttx debrief final` makes it so.\n");
    }
    out::print(&text)
}

/// The exercise's facts as the report gives them, each with where it comes from.
fn facts_text(report: &Report, debrief: &crate::debrief::Debrief) -> String {
    let mut text = String::from("Exercise facts (for the report's cover):\n");
    for fact in ExerciseFact::ALL {
        let shown = match report.exercise.fact_and_source(fact, debrief) {
            Some((value, source)) => format!("{} ({source})", escape_controls(value)),
            None if fact == ExerciseFact::Dates => "— (the journal's dates)".into(),
            None => "—".into(),
        };
        let _ = writeln!(text, "  {:<18} {shown}", fact.label());
    }
    text
}

fn exercise_facts(journal: &Path) -> Result<(), Failure> {
    let loaded = crate::journal::read_outcome(journal)?;
    let report = Report::evaluated(&loaded.exercise, &loaded.debrief);
    out::print(&facts_text(&report, &loaded.debrief))
}

/// A participant's text for the terminal: each line indented, hidden controls shown escaped.
fn indented(text: &str, indent: &str) -> String {
    text.lines()
        .map(|line| format!("{indent}{}\n", escape_controls(line)))
        .collect()
}

/// Every module with its questions and each addressed team's final answer, and how many times
/// it was revised.
fn answers(journal: &Path) -> Result<(), Failure> {
    let loaded = crate::journal::read_outcome(journal)?;
    let scenario = &loaded.scenario;
    if scenario.modules.is_empty() {
        return out::print("The scenario has no modules: no discussion questions were asked.\n");
    }
    let mut text = String::new();
    for module in &scenario.modules {
        let begins = match module.from {
            0 => "from the start".to_string(),
            from => format!("from {}", format_secs(from)),
        };
        let _ = writeln!(
            text,
            "{} ({}, {begins})",
            escape_controls(&module.title),
            module.id
        );
        for question in &module.questions {
            let _ = writeln!(
                text,
                "  {}: {}",
                question.id,
                escape_controls(&question.text)
            );
            for team in &question.to {
                let team = &scenario.team(*team).id;
                let versions = loaded
                    .debrief
                    .answers
                    .iter()
                    .filter(|g| g.answer.team == *team && g.answer.question == question.id)
                    .count();
                match loaded.debrief.answer(team, &question.id) {
                    Some(given) => {
                        let revised = match versions {
                            1 => String::new(),
                            n => format!(", {n} versions"),
                        };
                        let _ = writeln!(text, "    {team} at {}{revised}:", format_secs(given.at));
                        text.push_str(&indented(&given.answer.text, "      "));
                    }
                    None => {
                        let _ = writeln!(text, "    {team}: no answer");
                    }
                }
            }
        }
    }
    out::print(&text)
}

/// A participant's point as a bullet: its first line after "  - ", the rest under it.
fn bullet(text: &str) -> String {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let mut out = format!("  - {}\n", escape_controls(first));
    out.push_str(&indented(&lines.collect::<Vec<_>>().join("\n"), "    "));
    out
}

/// The feedback forms summed up: per statement, the answers, the mean and the distribution;
/// then every strength, area for improvement and comment as written.
fn feedback(journal: &Path) -> Result<(), Failure> {
    let loaded = crate::journal::read_outcome(journal)?;
    let summary = FeedbackReport {
        statements: loaded.scenario.feedback.clone(),
        forms: loaded.debrief.forms,
    };
    let forms = &summary.forms;
    let mut text = format!(
        "Participant Feedback: {} form{} (1 strongly disagree … 5 strongly agree)\n",
        forms.len(),
        if forms.len() == 1 { "" } else { "s" }
    );
    for (n, statement) in summary.statements.iter().enumerate() {
        let counts = summary.counts(n);
        let _ = writeln!(
            text,
            "  {}. {}\n     answers {}, mean {} ({})",
            n + 1,
            escape_controls(statement),
            counts.iter().sum::<usize>(),
            mean(&counts),
            distribution(&counts)
        );
    }
    let points = [
        (
            "Strengths",
            forms.iter().flat_map(|f| &f.strengths).collect::<Vec<_>>(),
        ),
        (
            "Areas for improvement",
            forms.iter().flat_map(|f| &f.improvements).collect(),
        ),
        ("Comments", forms.iter().flat_map(|f| &f.comments).collect()),
    ];
    for (heading, said) in points {
        let _ = writeln!(text, "{heading}:");
        if said.is_empty() {
            text.push_str("  none\n");
        }
        for point in said {
            text.push_str(&bullet(point));
        }
    }
    out::print(&text)
}
