//! The after-action report written to files beside the journal's name.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{Refused, Session};
use crate::report::Format;
use crate::role::{Request, Role};

impl Session {
    /// Writes the report, with the debrief so far and the journal's signature, as JSON,
    /// Markdown and HTML beside the journal's name: what `ttx report JOURNAL` gives. The paths
    /// written.
    pub fn export(&self, role: Role) -> Result<Vec<PathBuf>, Refused> {
        Self::allow(role, Request::Export)?;
        let mut report = self.report();
        if let Some(journal) = self.recorder.journal() {
            let signature = crate::signature::verdict_of(journal)
                .map_err(|error| Refused::Signature(error.to_string()))?;
            report = report.with_signature(signature.for_report());
        }
        let scenario = self.exercise.scenario();
        // Named after the journal, so that each exercise keeps its own report.
        let stem = std::path::Path::new(&self.journal_location)
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| slug(&scenario.title));
        let result = (|| -> std::io::Result<Vec<PathBuf>> {
            std::fs::create_dir_all(&self.report_dir)?;
            let mut written = Vec::new();
            for (format, ext) in [
                (Format::Json, "json"),
                (Format::Markdown, "md"),
                (Format::Html, "html"),
            ] {
                let (path, mut file) = new_file(&self.report_dir, &format!("{stem}-report"), ext)?;
                file.write_all(report.render(scenario, format).as_bytes())?;
                written.push(path);
            }
            Ok(written)
        })();
        result.map_err(|error| Refused::Export {
            dir: self.report_dir.display().to_string(),
            reason: error.to_string(),
        })
    }
}

/// A new file `STEM.EXT` in `dir`, or `STEM-2.EXT`, `STEM-3.EXT`… when that name is taken: an
/// export never replaces an earlier one. Created exclusively, which never follows a symbolic
/// link (a link planted under the name counts as taken), so nothing is written outside `dir`.
fn new_file(dir: &Path, stem: &str, ext: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut n = 1;
    loop {
        let name = match n {
            1 => format!("{stem}.{ext}"),
            _ => format!("{stem}-{n}.{ext}"),
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err(e),
        }
    }
}
fn slug(title: &str) -> String {
    let slug: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        "exercise".into()
    } else {
        slug
    }
}
