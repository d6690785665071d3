//! `ttx debrief`: the debrief at the console, one command per entry — rate an objective, write
//! the executive summary, edit, add or drop improvement-plan items, judge a done expectation,
//! make the report final — each checked against the exercise and appended to its journal as an
//! event, so `ttx report` shows it.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::{Failure, out};
use crate::debrief::evaluation::Rating;
use crate::debrief::{DebriefEvent, PlanAdded, PlanDropped, PlanEdited, PlanField, Rated, Summary};
use crate::engine::{Command, Exercise};
use crate::journal::JournalWriter;
use crate::report::Report;

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
    /// Set one field of an improvement-plan item; an empty value clears it.
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
}

/// Runs one debrief command, signing the journal again with `--host-key` (default: the one
/// beside it) once the exercise has ended.
pub fn run(args: DebriefArgs) -> Result<(), Failure> {
    let (journal, event) = match args.command {
        DebriefCommand::Show { journal } => return show(&journal),
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
    record(&journal, event, &key)
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

fn record(journal: &Path, event: DebriefEvent, key: &Path) -> Result<(), Failure> {
    let (writer, loaded) = JournalWriter::resume(journal)?;
    let mut writer =
        writer.signing_with(crate::host_key::load_or_create(key).map_err(Failure::Input)?);
    let mut debrief = loaded.debrief;
    debrief
        .record(&loaded.exercise, event, |event| {
            writer
                .append_debrief(&loaded.exercise, event)
                .map_err(|e| e.to_string())
        })
        .map_err(|m| Failure::Input(format!("{}: {m}", journal.display())))?;
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
