//! `ttx new` and `ttx scenarios`: a starter scenario or a copy of the library's, and the
//! library's list.

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use super::{Failure, out};

/// The commented scenario `ttx new` writes without --from.
const STARTER: &str = include_str!("../../templates/starter.ron");

#[derive(clap::Args)]
pub struct NewArgs {
    /// Where to write it; never overwritten.
    file: Option<PathBuf>,
    /// Copy this exercise of the library instead of the starter (see `ttx scenarios`).
    #[arg(long, value_name = "NAME", value_parser = clap::builder::PossibleValuesParser::new(crate::library::names()))]
    from: Option<String>,
}

/// `ttx new`: to the file, which must not exist, or to stdout without one.
pub fn new(args: NewArgs) -> Result<(), Failure> {
    let text =
        crate::library::text_for_new(args.from.as_deref(), STARTER).map_err(Failure::Usage)?;
    let Some(path) = args.file else {
        return out::print(text);
    };
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            Failure::Input(format!(
                "{}: cannot create: {e} (ttx new never overwrites a file)",
                path.display()
            ))
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| Failure::Input(format!("{}: cannot write: {e}", path.display())))?;
    eprintln!(
        "wrote {}; check it with: ttx validate {}",
        path.display(),
        path.display()
    );
    Ok(())
}

/// `ttx scenarios`.
pub fn scenarios() -> Result<(), Failure> {
    let listings = crate::library::listings().map_err(Failure::Input)?;
    out::print(&crate::library::render(&listings))
}
