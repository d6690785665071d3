//! `ttx msel export` and `ttx msel import`: files in and out around [`crate::msel::import`] and
//! [`crate::msel::export_csv`] / [`crate::msel::export_xlsx`].

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};

use super::{Failure, diagnostics, out};
use crate::files::{WriteError, check_output, read_bounded, read_text, write_output};
use crate::limits::MAX_INPUT_BYTES;
use crate::msel::{
    ColumnMap, ImportOptions, MAX_FILE_BYTES, Source, csv_losses, export_csv, export_t3sf,
    export_xlsx, import,
};
use crate::scenario::{load_scenario, parse_duration};

#[derive(clap::Args)]
pub struct MselArgs {
    #[command(subcommand)]
    command: MselCommand,
}

#[derive(Subcommand)]
pub enum MselCommand {
    /// Write a scenario as an MSEL: CSV or XLSX by the output's extension (CSV on stdout
    /// without -o), or T3SF's JSON with --to t3sf.
    Export {
        /// The scenario file (RON).
        scenario: PathBuf,
        /// The MSEL to write: FILE.csv or FILE.xlsx, or FILE.json with --to t3sf.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// The tool the MSEL is for: ttx's own HSEEP columns (CSV or XLSX), or T3SF's JSON.
        #[arg(long, value_enum, default_value_t = ToArg::Hseep)]
        to: ToArg,
        /// Replace the output if it exists.
        #[arg(long, requires = "output")]
        force: bool,
    },
    /// Read an MSEL (.csv, .xlsx, .ods or .json) into a commented RON scenario that validates;
    /// to stdout without -o.
    Import {
        /// The MSEL: HSEEP columns, ttx's own export, T3SF, OpenBAS or Crucible Blueprint.
        file: PathBuf,
        /// The scenario to write (RON).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// Replace the output if it exists.
        #[arg(long, requires = "output")]
        force: bool,
        /// The tool that wrote the MSEL (default: recognised from the file).
        #[arg(long, value_enum, default_value_t = FromArg::Auto)]
        from: FromArg,
        /// A RON file naming which column holds what, for headers ttx does not know.
        #[arg(long)]
        map: Option<PathBuf>,
        /// The time standard of an expected action that the MSEL gives none.
        #[arg(long, default_value = "30m")]
        within: String,
        /// The sheet to read from an XLSX or ODS file (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// The MSEL to read from a Blueprint JSON file that holds several.
        #[arg(long)]
        msel: Option<String>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ToArg {
    Hseep,
    T3sf,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FromArg {
    Auto,
    Hseep,
    T3sf,
    Openbas,
    Blueprint,
}

/// Runs a `ttx msel` command.
pub fn run(args: MselArgs) -> Result<(), Failure> {
    match args.command {
        MselCommand::Export {
            scenario,
            output,
            to,
            force,
        } => export(&scenario, output.as_deref(), to, force),
        MselCommand::Import {
            file,
            output,
            force,
            from,
            map,
            within,
            sheet,
            msel,
        } => {
            let within = parse_duration(&within)
                .ok()
                .filter(|w| *w > 0)
                .ok_or_else(|| {
                    Failure::Input(format!(
                        "--within \"{within}\" is not a duration above 0, such as \"30m\""
                    ))
                })?;
            if let Some(output) = &output {
                let mut inputs = vec![(file.as_path(), "the MSEL being read")];
                inputs.extend(map.as_deref().map(|m| (m, "the map being read")));
                check_output(output, &inputs, force).map_err(refused)?;
            }
            let map = match map {
                Some(path) => {
                    let text = read_text(&path, MAX_INPUT_BYTES)?;
                    Some(
                        ColumnMap::parse(&path.display().to_string(), &text)
                            .map_err(Failure::Input)?,
                    )
                }
                None => None,
            };
            let options = ImportOptions {
                from: match from {
                    FromArg::Auto => None,
                    FromArg::Hseep => Some(Source::Hseep),
                    FromArg::T3sf => Some(Source::T3sf),
                    FromArg::Openbas => Some(Source::Openbas),
                    FromArg::Blueprint => Some(Source::Blueprint),
                },
                map,
                within,
                sheet,
                msel,
            };
            import_file(&file, output.as_deref(), force, &options)
        }
    }
}

/// `1 inject`, `2 injects`.
fn counted(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// An output refused before any work. Unlike `ttx report`'s, an output that is an input is a
/// bad input here (exit code 1), as `ttx msel` has always answered it.
fn refused(error: WriteError) -> Failure {
    Failure::Input(error.to_string())
}

/// Writes to the output file (checked already) or, without one, to stdout.
fn write_out(output: Option<&Path>, bytes: &[u8], force: bool) -> Result<(), Failure> {
    match output {
        Some(path) => Ok(write_output(path, bytes, force)?),
        None => out::write(bytes),
    }
}

fn export(scenario: &Path, output: Option<&Path>, to: ToArg, force: bool) -> Result<(), Failure> {
    if let Some(output) = output {
        check_output(output, &[(scenario, "the scenario being read")], force).map_err(refused)?;
    }
    let name = scenario.display().to_string();
    let text = read_text(scenario, MAX_INPUT_BYTES)?;
    let loaded = load_scenario(&name, &text).map_err(|d| diagnostics(&d))?;
    let extension = output
        .and_then(|o| o.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let mut lost = Vec::new();
    let mut summary = format!(
        "{}, {}",
        counted(loaded.injects.len(), "inject"),
        counted(loaded.teams.len(), "team")
    );
    let bytes = match (to, output, extension.as_deref()) {
        (ToArg::T3sf, None, _) | (ToArg::T3sf, Some(_), Some("json")) => {
            let t3sf = export_t3sf(&loaded).map_err(|e| Failure::Input(format!("{name}: {e}")))?;
            lost = t3sf.lost;
            summary = format!(
                "{} for T3SF, of {} of the {}",
                counted(t3sf.rows, "row"),
                counted(t3sf.injects, "inject"),
                loaded.injects.len()
            );
            t3sf.json
        }
        (ToArg::T3sf, Some(path), _) => {
            return Err(Failure::Input(format!(
                "{}: T3SF's MSEL is written as FILE.json",
                path.display()
            )));
        }
        (_, None, _) | (_, Some(_), Some("csv")) => export_csv(&loaded).map_err(Failure::Input)?,
        (_, Some(_), Some("xlsx")) => export_xlsx(&loaded).map_err(Failure::Input)?,
        (_, Some(path), Some("json")) => {
            return Err(Failure::Input(format!(
                "{}: an MSEL as JSON is T3SF's: add --to t3sf",
                path.display()
            )));
        }
        (_, Some(path), _) => {
            return Err(Failure::Input(format!(
                "{}: an MSEL is written as FILE.csv or FILE.xlsx (or FILE.json with --to t3sf)",
                path.display()
            )));
        }
    };
    write_out(output, &bytes, force)?;
    if to == ToArg::T3sf {
        let whereto = output.map_or("T3SF's MSEL".to_string(), |o| o.display().to_string());
        if !lost.is_empty() {
            eprintln!("{whereto} is T3SF's MSEL, which cannot carry all of the scenario:");
        }
        for lost in lost {
            eprintln!("  - {lost}");
        }
    }
    let csv = to == ToArg::Hseep
        && matches!((output, extension.as_deref()), (None, _) | (_, Some("csv")));
    let whereto = output.map_or("the CSV".to_string(), |o| o.display().to_string());
    if csv {
        eprintln!(
            "{whereto} holds the MSEL's table; a CSV cannot carry the rest of the scenario \
             (export to .xlsx to keep it whole):"
        );
        for lost in csv_losses(&loaded) {
            eprintln!("  - {lost}");
        }
    }
    if let Some(path) = output {
        eprintln!("wrote {}: {summary}", path.display());
    }
    Ok(())
}

fn import_file(
    file: &Path,
    output: Option<&Path>,
    force: bool,
    options: &ImportOptions,
) -> Result<(), Failure> {
    let name = file.display().to_string();
    let bytes = read_bounded(file, MAX_FILE_BYTES as u64)?;
    let imported = import(&name, &bytes, options).map_err(Failure::Input)?;
    for problem in &imported.problems {
        eprintln!("{}", problem.render(&name));
    }
    for warning in &imported.warnings {
        eprintln!("{}", warning.render_warning(&name));
    }
    write_out(output, imported.ron.as_bytes(), force)?;
    let unread = imported
        .problems
        .iter()
        .map(|p| p.row)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let whereto = output.map_or("the scenario".to_string(), |o| o.display().to_string());
    eprintln!(
        "wrote {whereto} from {name} ({}): {}, {}{}",
        imported.source.name(),
        counted(imported.injects, "inject"),
        counted(imported.teams, "team"),
        if unread > 0 {
            let s = if unread == 1 { "" } else { "s" };
            format!("; {unread} row{s} could not be read (above)")
        } else {
            String::new()
        }
    );
    if imported.problems.is_empty() {
        Ok(())
    } else {
        // The rows that could not be read are printed above.
        Err(Failure::Reported)
    }
}
