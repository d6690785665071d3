//! `ttx debrief`: the debrief at the console, one command per entry — rate an objective, write
//! the executive summary, edit, add or drop improvement-plan items — each checked against the
//! exercise and appended to its journal as an event, so `ttx report` shows it.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::debrief::evaluation::Rating;
use crate::debrief::{DebriefEvent, PlanAdded, PlanDropped, PlanEdited, PlanField, Rated, Summary};
use crate::journal::JournalWriter;
use crate::report::Report;

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
}

/// Runs one debrief command, signing the journal again with `host_key` (default: the one
/// beside it) once the exercise has ended; the error is the message for stderr.
pub fn run(command: DebriefCommand, host_key: Option<&Path>) -> Result<(), String> {
    let (journal, event) = match command {
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
            let rating = Rating::parse(&rating)
                .ok_or_else(|| format!("rating `{rating}` is not one of P, S, M, U"))?;
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
            let loaded = crate::journal::read_journal(&journal).map_err(|e| e.to_string())?;
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
    };
    let key = host_key.map_or_else(|| crate::host_key::beside(&journal), Path::to_path_buf);
    record(&journal, event, &key)
}

fn record(journal: &Path, event: DebriefEvent, key: &Path) -> Result<(), String> {
    let (writer, loaded) = JournalWriter::resume(journal).map_err(|e| e.to_string())?;
    let mut writer = writer.signing_with(crate::host_key::load_or_create(key)?);
    let mut debrief = loaded.debrief;
    debrief
        .record(&loaded.exercise, event, |event| {
            writer
                .append_debrief(&loaded.exercise, event)
                .map_err(|e| e.to_string())
        })
        .map_err(|m| format!("{}: {m}", journal.display()))?;
    match writer.take_signing_failure() {
        Some(why) => Err(format!(
            "{}: the entry is recorded, but the journal is not signed: {why}",
            journal.display()
        )),
        None => Ok(()),
    }
}

fn show(journal: &Path) -> Result<(), String> {
    let loaded = crate::journal::read_journal(journal).map_err(|e| e.to_string())?;
    let report = Report::evaluated(&loaded.exercise, &loaded.debrief);
    let code = |r: Option<Rating>| r.map_or("—", Rating::code);
    println!("Ratings (objective, team, suggested, rating, evidence):");
    for r in &report.ratings {
        println!(
            "  {}  {}  suggested {}  rating {}  {}",
            r.objective,
            r.team.as_deref().unwrap_or("(jointly)"),
            code(r.suggested),
            code(r.rating),
            r.evidence.as_deref().unwrap_or("")
        );
    }
    println!("Improvement plan (id: issue):");
    for item in &report.improvement_plan {
        println!("  {}: {}", item.id, item.issue);
    }
    if report.is_draft() {
        println!("Draft: some objectives are not rated yet.");
    }
    Ok(())
}
