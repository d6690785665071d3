//! `ttx trend`: the journals of one agreement's exercises lined up, per clause and kind of
//! expectation and team, one column per exercise; and the journals that `ttx simulate
//! --profile-from` measures.

use std::path::{Path, PathBuf};

use super::{Failure, out};
use crate::files::{check_output, write_output};
use crate::trend::{
    Edition, Format, Named, Trend, TrendError, check_related, line_up, load, render,
};

#[derive(Debug, clap::Args)]
pub struct TrendArgs {
    /// The exercises' journals; a journal that recorded no start (a scripted run's) may be
    /// given a date as JOURNAL@2025-06-01.
    #[arg(required = true, value_name = "JOURNAL", value_parser = parse_named)]
    journals: Vec<Named>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write to this file instead of stdout (never over an existing file without --force).
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// With -o: replace an existing file (never one of the journals).
    #[arg(long, requires = "output")]
    force: bool,
    /// Add, per clause and kind and team, the time kept in 90 % of cases across the journals,
    /// beside the standard written.
    #[arg(long)]
    suggest: bool,
}

fn parse_named(arg: &str) -> Result<Named, String> {
    Named::parse(arg)
}

/// Reads every journal, refusing the first that cannot be part of a trend.
pub(super) fn editions(journals: &[Named]) -> Result<Vec<Edition>, Failure> {
    journals
        .iter()
        .map(|named| {
            load(named).map_err(|e| match e {
                TrendError::Journal(e) => Failure::Journal(e),
                TrendError::Read(e) => Failure::Read(e),
                TrendError::Refused(message) => Failure::Input(message),
            })
        })
        .collect()
}

/// `ttx trend`.
pub fn run(args: TrendArgs) -> Result<(), Failure> {
    let inputs: Vec<(&Path, &str)> = args
        .journals
        .iter()
        .map(|n| (n.path.as_path(), "a journal being read"))
        .collect();
    if let Some(path) = &args.output {
        check_output(path, &inputs, args.force)?;
    }
    let (editions, by_date) = line_up(editions(&args.journals)?);
    check_related(&editions).map_err(Failure::Input)?;
    for edition in &editions {
        for warning in &edition.warnings {
            eprintln!("warning: {}: {warning}", edition.journal.display());
        }
    }
    let text = render(&Trend::of(&editions, by_date, args.suggest), args.format);
    match &args.output {
        Some(path) => Ok(write_output(path, text.as_bytes(), args.force)?),
        None => out::print(&text),
    }
}
