//! Every command that writes to the standard output, into a pipe its reader has closed and into
//! a full disk: a reader that has gone is the reader's choice (the command's own exit code,
//! nothing on stderr about it, no panic), a full disk is a failure (exit 1, saying so).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

const TUTORIAL: &str = "scenarios/tutorial.ron";
const SCRIPT: &str = "tests/fixtures/tutorial/script.ron";

/// The tutorial played to its end with a journal (signed, as an ended exercise is) in `dir`.
fn journal(dir: &Path) -> PathBuf {
    let journal = dir.join("j.jsonl");
    let status = Command::new(env!("CARGO_BIN_EXE_ttx"))
        .args(["run", TUTORIAL, "--script", SCRIPT, "--journal"])
        .arg(&journal)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    journal
}

/// Each command writing to stdout, and its exit code when its output is read.
fn commands(journal: &Path) -> Vec<(Vec<String>, i32)> {
    let journal = journal.to_str().unwrap();
    let command = |args: &[&str], code| (args.iter().map(|a| a.to_string()).collect(), code);
    vec![
        command(&["--help"], 0),
        command(&["--version"], 0),
        command(&["run", "--help"], 0),
        command(&["validate", TUTORIAL], 0),
        command(&["run", TUTORIAL, "--script", SCRIPT], 0),
        command(&["report", journal], 0),
        command(&["report", journal, "--format", "md"], 0),
        command(&["report", journal, "--format", "html"], 0),
        command(&["verify", journal], 0),
        command(&["scenarios"], 0),
        command(&["new"], 0),
        command(&["roster", TUTORIAL], 0),
        command(&["simulate", TUTORIAL, "--runs", "3"], 0),
        command(
            &["simulate", TUTORIAL, "--runs", "3", "--format", "json"],
            0,
        ),
        command(
            &["simulate", TUTORIAL, "--runs", "3", "--format", "html"],
            0,
        ),
        command(
            &["simulate", TUTORIAL, "--runs", "3", "--emit-script", "1"],
            0,
        ),
        command(&["msel", "export", TUTORIAL], 0),
        command(
            &[
                "msel",
                "import",
                "tests/fixtures/msel/t3sf_MSEL_EXAMPLE.json",
            ],
            0,
        ),
        command(&["debrief", "show", journal], 0),
    ]
}

fn run(args: &[String], stdout: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ttx"))
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_reader_that_has_gone_is_not_an_error() {
    let dir = TempDir::new().unwrap();
    for (args, code) in commands(&journal(dir.path())) {
        // The read end is closed before the command starts: its first write finds no reader.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = run(&args, writer.into());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "ttx {args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("standard output"),
            "ttx {args:?}: {stderr}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_failure_that_names_the_standard_output() {
    let dir = TempDir::new().unwrap();
    for (args, _) in commands(&journal(dir.path())) {
        let full = std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = run(&args, full.into());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "ttx {args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to the standard output") && !stderr.contains("panicked"),
            "ttx {args:?}: {stderr}"
        );
    }
}
