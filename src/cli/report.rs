//! `ttx report` and `ttx verify`: an exercise's journal read back into its after-action report,
//! and its signature checked.

use std::fs::File;
use std::io::{self, Seek, Write};
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::{Failure, out};
use crate::debrief::Debrief;
use crate::engine::Exercise;
use crate::files::{check_output, check_output_is_not, write_output_with};
use crate::journal::read_outcome;
use crate::limits::MAX_INPUT_BYTES;
use crate::report::{Format, Report, SignatureReport};
use crate::signature::{Verdict, fingerprint, path_for, verdict_of};

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The exercise's journal (JSON Lines).
    journal: PathBuf,
    #[arg(long, value_enum, default_value_t = FormatArg::Json)]
    format: FormatArg,
    /// Write to this file instead of stdout (never over an existing file without --force).
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// With -o: replace an existing file (never the journal, nor the scenario it was played
    /// from).
    #[arg(long, requires = "output")]
    force: bool,
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The exercise's journal.
    journal: PathBuf,
    /// Require a signature by this key: an OpenSSH public key file, e.g. ttx_host_ed25519.pub.
    #[arg(long, value_name = "PUBKEY_FILE")]
    key: Option<PathBuf>,
}

/// A report's format on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Json,
    Md,
    Html,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Format {
        match format {
            FormatArg::Json => Format::Json,
            FormatArg::Md => Format::Markdown,
            FormatArg::Html => Format::Html,
        }
    }
}

/// A file to write a report to, and whether it may replace an existing one.
#[derive(Clone, Copy)]
pub(super) struct Output<'a> {
    pub path: &'a Path,
    pub force: bool,
}

/// Writes an exercise's report, with the journal's signature as found (none for a headless
/// run's own report), to its file (checked already) or, without one, to stdout.
pub(super) fn write_report(
    report: (&Exercise, &Debrief),
    signature: Option<SignatureReport>,
    format: FormatArg,
    output: Option<Output>,
) -> Result<(), Failure> {
    match output {
        Some(output) => Ok(write_output_with(output.path, output.force, |file| {
            report_into(report, signature, format, file)
        })?),
        None => out::written(report_into(report, signature, format, io::stdout().lock())),
    }
}

/// An exercise's report written, as `write_report` would write it, into an unnamed file in
/// `dir`, and rewound: `ttx run --script` makes it while its journal is written on another
/// core, and copies it out only once the journal stands (a run that could not be recorded
/// leaves no report). A file rather than memory: a big exercise's report is never held whole.
pub(super) fn spool_report(
    report: (&Exercise, &Debrief),
    format: FormatArg,
    dir: &Path,
) -> io::Result<File> {
    let mut spool = tempfile::tempfile_in(dir)?;
    report_into(report, None, format, &mut spool)?;
    spool.rewind()?;
    Ok(spool)
}

/// An exercise's report in `format`, written into `out`. JSON is written as it serialises, its
/// expectations and responses made one at a time: a big exercise's report is never held whole.
fn report_into(
    (exercise, debrief): (&Exercise, &Debrief),
    signature: Option<SignatureReport>,
    format: FormatArg,
    mut out: impl Write,
) -> io::Result<()> {
    if let FormatArg::Json = format {
        let mut report = Report::streamed(exercise, debrief);
        report.signature = signature;
        return report.write_json(out);
    }
    let mut report = Report::evaluated(exercise, debrief);
    report.signature = signature;
    out.write_all(report.render(exercise.scenario(), format.into()).as_bytes())
}

/// Raises glibc's mmap threshold to 30 MiB, so that a report's big blocks come from the heap,
/// where the next ones reuse their pages. glibc serves a block above the threshold (128 KiB at
/// first) from a mapping of its own, handed back to the kernel when freed, and raises the
/// threshold to the size of each such block freed (up to 32 MiB; mallopt(3)). A report drops
/// the journal's header line, serde_json's copy of the scenario in it, the scenario's text and
/// its tree (at 50,000 injects 16, 18, 12 and 32 MB) just before it builds the exercise, whose
/// copies take 29 MB: mapped of their own, each of those was faulted in afresh, and at 50,000
/// injects that made report's page faults grow faster than its work. One block of 30 MiB,
/// mapped and freed untouched, raises the threshold first. Measured against the build before:
/// page faults 50,370 to 39,150 and 5% less CPU at 50,000 injects, 8,920 to 7,590 and 1% at
/// 10,000, where the peak grows by 3 MB (to the RON floor's). Elsewhere than glibc, a block
/// reserved and freed, nothing more.
fn keep_big_blocks_in_the_heap() {
    const THRESHOLD: usize = 30 << 20;
    // `black_box`: an allocation freed unused may otherwise be left out altogether.
    drop(std::hint::black_box(Vec::<u8>::with_capacity(THRESHOLD)));
}

/// Copies a report made by `spool_report` to its file (checked already) or to stdout.
pub(super) fn write_spooled(mut spool: File, output: Option<Output>) -> Result<(), Failure> {
    match output {
        Some(output) => Ok(write_output_with(output.path, output.force, |file| {
            io::copy(&mut spool, file).map(drop)
        })?),
        None => out::written(io::copy(&mut spool, &mut io::stdout().lock()).map(drop)),
    }
}

/// `ttx report`.
pub fn report(args: ReportArgs) -> Result<(), Failure> {
    keep_big_blocks_in_the_heap();
    let journal = args.journal.as_path();
    let output = args.output.as_deref().map(|path| Output {
        path,
        force: args.force,
    });
    if let Some(output) = output {
        check_output(
            output.path,
            &[(journal, "the journal being read")],
            output.force,
        )?;
    }
    // The signature is checked on the other core while the journal is replayed: hashing the
    // whole journal again is a seventh of a report's work.
    let (loaded, signature) = std::thread::scope(|scope| {
        let signature = scope.spawn(|| verdict_of(journal));
        let loaded = read_outcome(journal);
        let signature = signature
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (loaded, signature)
    });
    // Left for the process's exit to take back: freeing a big exercise's hundreds of thousands
    // of allocations one by one, through memory long out of the cache, was a twentieth of a
    // report at 50,000 injects.
    let loaded = ManuallyDrop::new(loaded?);
    if let Some(output) = output {
        // Its path as the run was given it (from the directory it started in, most often this
        // one), or its text wherever it now is.
        check_output_is_not(
            output.path,
            (
                Path::new(&loaded.header.scenario_file),
                loaded.header.scenario_source.as_bytes(),
            ),
            "the scenario this journal was played from",
        )?;
    }
    for warning in &loaded.warnings {
        eprintln!("warning: {warning}");
    }
    if loaded.interrupted {
        eprintln!(
            "note: {} is an interrupted exercise; open and overdue expectations are shown as such",
            journal.display()
        );
    }
    let signature = signature?;
    write_report(
        (&loaded.exercise, &loaded.debrief),
        Some(signature.for_report()),
        args.format,
        output,
    )
}

/// `ttx verify`: ok (exit 0) with the signing key's fingerprint, for a person to compare with
/// the one they expect; a journal not signed, a signature that does not match, or one by
/// another key than `--key` is a bad input (exit 1).
pub fn verify(args: VerifyArgs) -> Result<(), Failure> {
    let journal = args.journal.as_path();
    let required = args
        .key
        .as_deref()
        .map(|path| {
            let text = crate::files::read_text(path, MAX_INPUT_BYTES)?;
            russh::keys::PublicKey::from_openssh(text.trim())
                .map(|key| (path, key))
                .map_err(|e| {
                    Failure::Input(format!(
                        "{}: not an OpenSSH public key (such as ttx_host_ed25519.pub): {e}",
                        path.display()
                    ))
                })
        })
        .transpose()?;
    match verdict_of(journal)? {
        Verdict::Signed(signer) => {
            let signed_by = fingerprint(&signer);
            match required {
                Some((path, required)) if required.key_data() != signer.key_data() => {
                    Err(Failure::Input(format!(
                        "{}: signed by {signed_by}, not by the key in {} ({})",
                        journal.display(),
                        path.display(),
                        fingerprint(&required)
                    )))
                }
                Some((path, _)) => out::print(&format!(
                    "ok: {} signed by {signed_by}, the key in {}\n",
                    journal.display(),
                    path.display()
                )),
                None => out::print(&format!(
                    "ok: {} signed by {signed_by}\n",
                    journal.display()
                )),
            }
        }
        Verdict::NotSigned => Err(Failure::Input(format!(
            "{}: not signed (there is no {})",
            journal.display(),
            path_for(journal).display()
        ))),
        Verdict::DoesNotMatch(why) => Err(Failure::Input(format!(
            "{}: signature does not match: {why}",
            journal.display()
        ))),
    }
}
