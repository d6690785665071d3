//! `ttx msel export` and `ttx msel import`: files in and out around [`super::import`] and
//! [`super::export_csv`] / [`super::export_xlsx`].

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};

use super::{ColumnMap, ImportOptions, MAX_FILE_BYTES, Source, export_csv, export_xlsx, import};
use crate::files::{check_output, read_bounded, read_text, write_output};
use crate::limits::MAX_INPUT_BYTES;
use crate::scenario::{load_scenario, parse_duration};

#[derive(Subcommand)]
pub enum MselCommand {
    /// Write a scenario as an MSEL: CSV or XLSX by the output's extension; CSV on stdout
    /// without -o.
    Export {
        /// The scenario file (RON).
        scenario: PathBuf,
        /// The MSEL to write: FILE.csv or FILE.xlsx.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
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
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FromArg {
    Auto,
    Hseep,
    T3sf,
    Openbas,
    Blueprint,
}

/// Runs a `ttx msel` command. `Err(Some(message))`: a bad input, to print; `Err(None)`: the
/// problems are printed already. Either way the exit code is 1.
pub fn run(command: MselCommand) -> Result<(), Option<String>> {
    match command {
        MselCommand::Export {
            scenario,
            output,
            force,
        } => export(&scenario, output.as_deref(), force),
        MselCommand::Import {
            file,
            output,
            force,
            from,
            map,
            within,
            sheet,
        } => {
            let within = parse_duration(&within)
                .ok()
                .filter(|w| *w > 0)
                .ok_or_else(|| {
                    format!("--within \"{within}\" is not a duration above 0, such as \"30m\"")
                })?;
            if let Some(output) = &output {
                let mut inputs = vec![(file.as_path(), "the MSEL being read")];
                inputs.extend(map.as_deref().map(|m| (m, "the map being read")));
                check_output(output, &inputs, force).map_err(|e| e.to_string())?;
            }
            let map = match map {
                Some(path) => {
                    let text = read_text(&path, MAX_INPUT_BYTES).map_err(|e| e.to_string())?;
                    Some(ColumnMap::parse(&path.display().to_string(), &text)?)
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
            };
            import_file(&file, output.as_deref(), force, &options)
        }
    }
}

/// Writes to the output file (checked already) or, without one, to stdout.
fn write_out(output: Option<&Path>, bytes: &[u8], force: bool) -> Result<(), String> {
    match output {
        Some(path) => write_output(path, bytes, force).map_err(|e| e.to_string()),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| format!("cannot write to stdout: {e}"))
        }
    }
}

fn export(scenario: &Path, output: Option<&Path>, force: bool) -> Result<(), Option<String>> {
    if let Some(output) = output {
        check_output(output, &[(scenario, "the scenario being read")], force)
            .map_err(|e| e.to_string())?;
    }
    let name = scenario.display().to_string();
    let text = read_text(scenario, MAX_INPUT_BYTES).map_err(|e| e.to_string())?;
    let loaded = load_scenario(&name, &text).map_err(|diagnostics| {
        diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let extension = output
        .and_then(|o| o.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let bytes = match (output, extension.as_deref()) {
        (None, _) | (Some(_), Some("csv")) => export_csv(&loaded)?,
        (Some(_), Some("xlsx")) => export_xlsx(&loaded)?,
        (Some(path), _) => {
            return Err(Some(format!(
                "{}: an MSEL is written as FILE.csv or FILE.xlsx",
                path.display()
            )));
        }
    };
    write_out(output, &bytes, force)?;
    if let Some(path) = output {
        eprintln!(
            "wrote {}: {} injects, {} teams",
            path.display(),
            loaded.injects.len(),
            loaded.teams.len()
        );
    }
    Ok(())
}

fn import_file(
    file: &Path,
    output: Option<&Path>,
    force: bool,
    options: &ImportOptions,
) -> Result<(), Option<String>> {
    let name = file.display().to_string();
    let bytes = read_bounded(file, MAX_FILE_BYTES as u64).map_err(|e| e.to_string())?;
    let imported = import(&name, &bytes, options)?;
    for problem in &imported.problems {
        eprintln!("{}", problem.render(&name));
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
        "wrote {whereto} from {name} ({}): {} injects, {} teams{}",
        imported.source.name(),
        imported.injects,
        imported.teams,
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
        Err(None)
    }
}
