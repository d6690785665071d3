//! `ttx handbook`: the Situation Manual or the Controller/Evaluator Handbook of a scenario
//! (discussion.md), as Markdown or one self-contained HTML page.

use std::path::PathBuf;

use clap::ValueEnum;

use super::{Failure, out, read, scenario_from};
use crate::files::{check_output, write_output};
use crate::handbook::{Audience, handbook, to_html, to_markdown};

#[derive(clap::Args)]
pub struct HandbookArgs {
    /// The scenario file (RON).
    scenario: PathBuf,
    /// Who it is for: participants (the Situation Manual) or facilitators (the
    /// Controller/Evaluator Handbook, with the MSEL and the Exercise Evaluation Guides).
    #[arg(long = "for", value_enum, value_name = "WHO")]
    audience: AudienceArg,
    #[arg(long, value_enum, default_value_t = HandbookFormat::Html)]
    format: HandbookFormat,
    /// Write to this file instead of stdout (never over an existing file without --force).
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// With -o: replace an existing file (never the scenario).
    #[arg(long, requires = "output")]
    force: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AudienceArg {
    Participants,
    Facilitators,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum HandbookFormat {
    Html,
    Md,
}

/// `ttx handbook`.
pub fn run(args: HandbookArgs) -> Result<(), Failure> {
    if let Some(output) = &args.output {
        check_output(
            output,
            &[(&args.scenario, "the scenario being read")],
            args.force,
        )?;
    }
    let source = read(&args.scenario)?;
    let scenario = scenario_from(&args.scenario, &source)?;
    let audience = match args.audience {
        AudienceArg::Participants => Audience::Participants,
        AudienceArg::Facilitators => Audience::Facilitators,
    };
    let document = handbook(&scenario, audience);
    let text = match args.format {
        HandbookFormat::Html => to_html(&document),
        HandbookFormat::Md => to_markdown(&document),
    };
    match &args.output {
        Some(path) => Ok(write_output(path, text.as_bytes(), args.force)?),
        None => out::print(&text),
    }
}
