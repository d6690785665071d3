//! `ttx serve` driven by the real OpenSSH client, each client in its own pseudo-terminal: two
//! teams and the facilitator at once, what each team's bytes hold and do not hold, the hotline
//! between teams, two seats of one team, refused logins and commands, and a crash followed by
//! `ttx resume --serve`; the seat lines of the journal and the report, each person once across a
//! crash; the journal signed with the host key when the exercise ends; the feedback form after
//! the end on a headless server; the facilitator's console stopped by a signal.
//!
//! Skipped (with a message) only when `ssh` or `ssh-keygen` is not installed; CI installs them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

mod common;

const SCENARIO: &str = include_str!("fixtures/phishing-example/scenario.ron");
/// Only in soc's inject: no byte sent to cert may hold it.
const SOC_SECRET: &str = "password-expiry";

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Whether the OpenSSH tools are here; if not, says so and the test returns.
fn openssh() -> bool {
    let here = have("ssh") && Command::new("ssh-keygen").arg("-?").output().is_ok();
    if !here {
        eprintln!("SKIPPED: `ssh` and `ssh-keygen` (OpenSSH client) are not installed");
    }
    here
}

/// A fresh ed25519 key pair; the public key's line.
fn keygen(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&path)
        .status()
        .expect("ssh-keygen runs");
    assert!(status.success());
    std::fs::read_to_string(dir.join(format!("{name}.pub")))
        .expect("a public key")
        .trim()
        .to_string()
}

fn set_mode(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .expect("the roster's mode set");
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    /// A scenario, keys for soc, cert and the facilitator, and a roster that also gives the
    /// observer and an evaluator, anna, a join code.
    fn new() -> Setup {
        Setup::with_roster_fields("")
    }

    /// As `new`, the roster's own fields (after its seats) being `fields`.
    fn with_roster_fields(fields: &str) -> Setup {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(dir.path().join("scenario.ron"), SCENARIO).expect("scenario written");
        let soc = keygen(dir.path(), "soc");
        let cert = keygen(dir.path(), "cert");
        let facilitator = keygen(dir.path(), "facilitator");
        keygen(dir.path(), "stranger");
        let roster = format!(
            "Roster(seats: [\n\
             (user: \"soc\", role: Team(\"soc\"), keys: [{soc:?}]),\n\
             (user: \"cert\", role: Team(\"cert\"), keys: [{cert:?}], code: \"lantern-salmon-prism-kayak\"),\n\
             (user: \"facilitator\", role: Facilitator, keys: [{facilitator:?}]),\n\
             (user: \"observer\", role: Observer, code: \"amber-tide-four-oasis\"),\n\
             (user: \"anna\", role: Evaluator, code: \"violin-tundra-lemon-orbit\"),\n\
             ],\n{fields})\n"
        );
        let path = dir.path().join("roster.ron");
        std::fs::write(&path, roster).expect("roster written");
        // As a facilitator keeps a roster that holds join codes.
        set_mode(&path, 0o600);
        Setup { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A headless server whose exercise a facilitator seat started and ended, with the SOC's
    /// seat joined before and offered the feedback form: the server, the facilitator, the SOC.
    fn headless_and_ended(&self) -> (Server, String, Client, Client) {
        let (server, address) = self.serve(false);
        let mut facilitator = self.join("facilitator", "facilitator", &address);
        facilitator.wait_for("Briefing");
        let soc = self.join("soc", "soc", &address);
        soc.wait_for("Company SOC");
        facilitator.send(b" ");
        facilitator.wait_for("RUNNING");
        facilitator.end_exercise();
        soc.wait_for("Participant Feedback Form");
        (server, address, facilitator, soc)
    }

    /// `ttx ARGS`, run in the setup's directory, to its end.
    fn ttx(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_ttx"))
            .args(args)
            .current_dir(self.path(""))
            .output()
            .expect("ttx runs")
    }

    /// What `ttx ARGS`, run in the setup's directory, prints; it must succeed.
    fn ttx_ok(&self, args: &[&str]) -> Vec<u8> {
        let output = self.ttx(args);
        assert!(
            output.status.success(),
            "ttx {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    }

    /// The JSON report of the journal `j.jsonl`.
    fn report_json(&self) -> serde_json::Value {
        let report = self.ttx_ok(&["report", "j.jsonl", "--format", "json"]);
        serde_json::from_slice(&report).expect("the report is JSON")
    }

    /// The feedback forms in the report of the journal `j.jsonl`.
    fn feedback_forms(&self) -> Vec<serde_json::Value> {
        let report = self.report_json();
        report["feedback"]["forms"]
            .as_array()
            .expect("forms")
            .clone()
    }

    /// `ttx serve` headless on a free loopback port; returns it and its address.
    fn serve(&self, resume: bool) -> (Server, String) {
        self.serve_with(resume, None)
    }

    /// `ttx serve` headless, allowed at most `descriptors` open files if given.
    fn serve_with(&self, resume: bool, descriptors: Option<u32>) -> (Server, String) {
        let mut command = match descriptors {
            Some(limit) => {
                let mut shell = Command::new("sh");
                shell.args([
                    "-c",
                    &format!("ulimit -n {limit} && exec \"$0\" \"$@\""),
                    env!("CARGO_BIN_EXE_ttx"),
                ]);
                shell
            }
            None => Command::new(env!("CARGO_BIN_EXE_ttx")),
        };
        if resume {
            command.args(["resume", "j.jsonl", "--serve"]);
        } else {
            command.args(["serve", "scenario.ron", "--journal", "j.jsonl"]);
        }
        command
            .args([
                "--headless",
                "--listen",
                "127.0.0.1:0",
                "--roster",
                "roster.ron",
            ])
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("ttx serve starts");
        // Passed on as it comes, and kept for the test to read.
        let stderr = Arc::new(Mutex::new(String::new()));
        let stderr_ended = Arc::new(AtomicBool::new(false));
        let errors = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let (kept, ended) = (Arc::clone(&stderr), Arc::clone(&stderr_ended));
        std::thread::spawn(move || {
            for line in errors.map_while(Result::ok) {
                eprintln!("{line}");
                kept.lock().expect("stderr").push_str(&format!("{line}\n"));
            }
            ended.store(true, Ordering::SeqCst);
        });
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next()
            .expect("ttx serve says where it listens")
            .expect("a line");
        let address = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_string();
        // Keep reading stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        (
            Server {
                child,
                stderr,
                stderr_ended,
            },
            address,
        )
    }

    fn ssh_args(&self, key: &str, user: &str, address: &str) -> Vec<String> {
        let (host, port) = address.rsplit_once(':').expect("host:port");
        let mut args: Vec<String> = [
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "ConnectTimeout=20",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if key.is_empty() {
            args.extend(
                [
                    "-o",
                    "PreferredAuthentications=password",
                    "-o",
                    "PubkeyAuthentication=no",
                    "-o",
                    "NumberOfPasswordPrompts=1",
                ]
                .iter()
                .map(|s| s.to_string()),
            );
        } else {
            args.extend(
                [
                    "-o",
                    "IdentitiesOnly=yes",
                    "-o",
                    "BatchMode=yes",
                    "-o",
                    "PreferredAuthentications=publickey",
                    "-i",
                ]
                .iter()
                .map(|s| s.to_string()),
            );
            args.push(self.path(key).display().to_string());
        }
        args.extend(["-p".into(), port.into(), format!("{user}@{host}")]);
        args
    }

    /// `ssh -tt` as `user` with `key` (or with a password typed later when `key` is empty).
    /// The facilitator's seat, joined, with the exercise's clock started.
    fn facilitator_running(&self, address: &str) -> Client {
        let mut facilitator = self.join("facilitator", "facilitator", address);
        facilitator.wait_for("Briefing");
        facilitator.send(b" ");
        facilitator.wait_for("RUNNING");
        facilitator
    }

    fn join(&self, key: &str, user: &str, address: &str) -> Client {
        let mut args = vec!["-tt".to_string()];
        args.extend(self.ssh_args(key, user, address));
        Client::start(&args)
    }
}

struct Server {
    child: Child,
    stderr: Arc<Mutex<String>>,
    /// Set once its stderr is closed and all of it read.
    stderr_ended: Arc<AtomicBool>,
}

impl Server {
    fn is_running(&mut self) -> bool {
        self.child
            .try_wait()
            .expect("the server's status")
            .is_none()
    }

    /// Waits until its stderr holds `what`; all of it.
    fn wait_for_stderr(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let stderr = self.stderr.lock().expect("stderr").clone();
            if stderr.contains(what) {
                return stderr;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "`{what}` never came on stderr: {stderr}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stops the server; all it wrote on stderr.
    fn kill_and_read_stderr(&mut self) -> String {
        self.kill();
        common::wait_until("the server's stderr read to its end", || {
            self.stderr_ended.load(Ordering::SeqCst)
        });
        self.stderr.lock().expect("stderr").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One `ssh` process in a 100×30 pseudo-terminal: every byte it received, and the screen.
struct Client {
    bytes: Arc<Mutex<Vec<u8>>>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Set once the terminal is closed and every byte ssh wrote has been read.
    output_ended: Arc<AtomicBool>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
}

impl Client {
    fn start(args: &[String]) -> Client {
        let mut command = CommandBuilder::new("ssh");
        command.args(args);
        Client::spawn(command)
    }

    /// `command` in a 100×30 pseudo-terminal.
    fn spawn(mut command: CommandBuilder) -> Client {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        command.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(command).expect("ssh starts");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("a reader");
        let writer = pty.master.take_writer().expect("a writer");
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(30).expect("rows"),
            std::num::NonZeroU16::new(100).expect("columns"),
            0,
        )));
        let (feed, store) = (Arc::clone(&parser), Arc::clone(&bytes));
        let output_ended = Arc::new(AtomicBool::new(false));
        let ended = Arc::clone(&output_ended);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                store.lock().expect("bytes").extend_from_slice(&buf[..n]);
                feed.lock().expect("the parser").process(&buf[..n]);
            }
            ended.store(true, Ordering::SeqCst);
        });
        Client {
            bytes,
            parser,
            output_ended,
            writer,
            child,
            master: pty.master,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().expect("the parser").screen().contents()
    }

    /// Everything received so far, as text (escape sequences and all).
    fn received(&self) -> String {
        String::from_utf8_lossy(&self.bytes.lock().expect("bytes")).into_owned()
    }

    fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(what) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "`{what}` never appeared; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Resizes its terminal; `ssh` tells the server.
    fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("the pseudo-terminal resizes");
    }

    /// Waits until nothing more arrives for `quiet`.
    fn settle(&self, quiet: Duration) {
        let start = Instant::now();
        let mut seen = self.bytes.lock().expect("bytes").len();
        let mut since = Instant::now();
        while since.elapsed() < quiet {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the screen never settled"
            );
            std::thread::sleep(Duration::from_millis(50));
            let now = self.bytes.lock().expect("bytes").len();
            if now != seen {
                (seen, since) = (now, Instant::now());
            }
        }
    }

    /// Types bytes. Wait for what they show before typing on where it matters: a lone esc
    /// followed at once by a key reads as alt and that key.
    /// Rates the feedback form's first statement (`rating`, shown as `shown`) and sends it.
    fn send_feedback(&mut self, rating: &[u8], shown: &str) {
        self.send(rating);
        self.wait_for(shown);
        self.send(b"\x13");
        self.wait_for("your feedback is recorded");
    }

    /// Ends the exercise from a seat that runs it (`E`, then `y` to the question).
    fn end_exercise(&mut self) {
        self.send(b"E");
        self.wait_for("End the exercise");
        self.send(b"y");
        self.wait_for("ENDED");
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("ssh takes input");
        self.writer.flush().expect("ssh takes input");
    }

    /// Waits for ssh to exit and for all it wrote to be read; its exit status.
    fn exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("ssh's status") {
                common::wait_until("ssh's output read to its end", || {
                    self.output_ended.load(Ordering::SeqCst)
                });
                return status.exit_code();
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "ssh did not exit; the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn teams_play_at_their_own_seats_and_see_only_their_own() {
    if !openssh() {
        return;
    }
    let setup = Setup::new();
    let (_server, address) = setup.serve(false);
    let mut facilitator = setup.join("facilitator", "facilitator", &address);
    facilitator.wait_for("Briefing");
    let mut soc = setup.join("soc", "soc", &address);
    let soc_again = setup.join("soc", "soc", &address);
    let mut cert = setup.join("cert", "cert", &address);
    soc.wait_for("Company SOC");
    soc_again.wait_for("Company SOC");
    cert.wait_for("National CERT");

    facilitator.send(b" ");
    facilitator.wait_for("RUNNING");
    soc.wait_for(SOC_SECRET);
    soc_again.wait_for(SOC_SECRET);
    cert.wait_for("RUNNING");

    // soc reports to the CERT over the hotline; both its seats see what the report did.
    soc.send(b"r");
    soc.wait_for("choose an action");
    soc.send(b"report\r");
    soc.wait_for("Submit");
    soc.send(b"fake expiry mails");
    soc.send(b"\t");
    soc.send(b"evil.example");
    soc.send(b"\x13");
    soc.wait_for("Response recorded");
    soc_again.wait_for("Hotline message #1 delivered");

    // cert gets the message, never soc's inject, whatever it selects. A team cannot run the
    // clock: the refusal, drawn after the selection moved, shows all of that is here.
    cert.wait_for("#1 from soc");
    cert.send(b"\x1b[A");
    cert.send(b" ");
    cert.wait_for("Only the facilitator");
    let cert_bytes = cert.received();
    // (The scenario's title, also "Phishing wave", is in every header: the inject's id and
    // body are what must not arrive.)
    for secret in [SOC_SECRET, "mail-wave", "Mail gateway"] {
        assert!(!cert_bytes.contains(secret), "cert received `{secret}`");
    }
    assert!(!cert_bytes.contains("score"), "a team saw a score");

    // The facilitator sees everything, including who joined.
    let console = facilitator.wait_for("hotline #1 soc → cert");
    assert!(console.contains("Events (MSEL)"), "{console}");

    // A free hotline message back, in reply to soc's report.
    cert.send(b"m");
    cert.wait_for("hotline message");
    cert.send(b"thanks, we are on it");
    cert.send(b"\x13");
    cert.wait_for("Hotline message #2 sent");
    soc.wait_for("#2 from cert");

    // cert's public warning releases soc's inject "The warning makes the news": what cert is
    // told of its response names nothing of it, and no byte of it reaches cert.
    cert.send(b"r");
    cert.wait_for("choose an action");
    cert.send(b"warn-public\r");
    cert.wait_for("Submit");
    cert.send(b"\x13");
    cert.wait_for("Your last response");
    soc.wait_for("The warning makes the");
    cert.settle(Duration::from_millis(500));
    let cert_bytes = cert.received();
    for secret in [
        "The warning makes the news",
        "public-warning",
        "Customers call",
    ] {
        assert!(!cert_bytes.contains(secret), "cert was told `{secret}`");
    }

    // Ctrl-L clears cert's screen and draws all of it again.
    let clears = |bytes: &str| bytes.matches("\x1b[2J").count();
    let before = clears(&cert.received());
    cert.send(b"\x0c");
    common::wait_until("cert's screen cleared and drawn again", || {
        clears(&cert.received()) > before
    });
    cert.settle(Duration::from_millis(300));
    assert!(cert.screen().contains("National CERT"), "{}", cert.screen());
}

/// An evaluator seat watches the console, cannot run the exercise, and rates on the
/// evaluation screen under its own user; the rating is in the journal before the console
/// shows it.
#[test]
fn an_evaluator_seat_rates_under_its_user() {
    if !openssh() {
        return;
    }
    let setup = Setup::new();
    let (_server, address) = setup.serve(false);
    let facilitator = setup.facilitator_running(&address);
    let mut anna = setup.join("", "anna", &address);
    anna.wait_for("assword");
    anna.send(b"violin-tundra-lemon-orbit\r");
    anna.wait_for("Events (MSEL)");
    anna.send(b"E");
    anna.wait_for("An evaluator records observations, judgements and ratings only");
    anna.send(b"v");
    anna.wait_for("Ratings (0 of");
    anna.send(b"\r");
    anna.wait_for("Rate contain");
    anna.send(b"\x13");
    anna.wait_for("Rated contain jointly P by anna");
    facilitator.wait_for("rated contain jointly P by anna");
    let journal = std::fs::read_to_string(setup.path("j.jsonl")).expect("the journal");
    assert!(
        journal.contains(r#""event":"rated""#) && journal.contains(r#""by":"anna""#),
        "{journal}"
    );
}

#[test]
fn wrong_keys_wrong_codes_and_commands_are_refused() {
    if !openssh() {
        return;
    }
    let setup = Setup::new();
    let (_server, address) = setup.serve(false);

    // A key not in the roster, and a roster key for another user.
    for (key, user) in [("stranger", "soc"), ("soc", "cert"), ("soc", "nobody")] {
        let mut client = setup.join(key, user, &address);
        assert_ne!(client.exit(), 0, "{key} joined as {user}");
        assert!(!client.screen().contains("Team"), "{}", client.screen());
    }

    // A wrong join code, then the right one.
    let mut wrong = setup.join("", "observer", &address);
    wrong.wait_for("assword");
    wrong.send(b"amber-tide-four-ocean\r");
    assert_ne!(wrong.exit(), 0);
    assert!(wrong.screen().contains("denied"), "{}", wrong.screen());
    let mut right = setup.join("", "observer", &address);
    right.wait_for("assword");
    right.send(b"amber-tide-four-oasis\r");
    right.wait_for("Events (MSEL)");

    // A command runs nothing, whoever asks.
    let mut args = setup.ssh_args("soc", "soc", &address);
    args.extend(["cat".to_string(), "/etc/passwd".to_string()]);
    let output = Command::new("ssh")
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .expect("ssh runs");
    assert!(!output.status.success());
    assert!(!String::from_utf8_lossy(&output.stdout).contains("root:"));
}

#[test]
fn after_a_crash_resume_serve_brings_every_team_back() {
    if !openssh() {
        return;
    }
    let setup = Setup::new();
    let (mut server, address) = setup.serve(false);
    let mut facilitator = setup.facilitator_running(&address);
    let mut soc = setup.join("soc", "soc", &address);
    soc.wait_for(SOC_SECRET);
    soc.send(b"r");
    soc.wait_for("choose an action");
    soc.send(b"report\r");
    soc.wait_for("Submit");
    soc.send(b"fake expiry mails\tevil.example\x13");
    soc.wait_for("Response recorded");

    server.kill();
    soc.exit();
    facilitator.exit();

    let (_server, address) = setup.serve(true);
    let mut soc = setup.join("soc", "soc", &address);
    // Its report is there as a sent message (the newest item), its inject below it.
    soc.wait_for("→ #1 to cert");
    soc.wait_for("PAUSED");
    soc.send(b"\x1b[B");
    soc.wait_for(SOC_SECRET);
    let cert = setup.join("cert", "cert", &address);
    cert.wait_for("#1 from soc");
    assert!(!cert.received().contains(SOC_SECRET));
}

/// When a served exercise ends, its journal is signed with the host key the seats' `ssh` was
/// shown: OpenSSH checks the signature against the key it scanned from the server.
#[test]
fn a_served_exercise_is_signed_with_the_host_key_when_it_ends() {
    if !openssh() {
        return;
    }
    let setup = Setup::new();
    let (mut server, address) = setup.serve(false);
    let (host, port) = address.rsplit_once(':').expect("host:port");
    let scanned = Command::new("ssh-keyscan")
        .args(["-t", "ed25519", "-p", port, host])
        .output()
        .expect("ssh-keyscan runs");
    let scanned = String::from_utf8_lossy(&scanned.stdout);
    // `[127.0.0.1]:PORT ssh-ed25519 AAAA…`: the key without the host is an allowed signer.
    let key = scanned
        .lines()
        .find(|line| !line.starts_with('#'))
        .and_then(|line| line.split_once(' '))
        .map(|(_, key)| key.to_string())
        .unwrap_or_else(|| panic!("ssh-keyscan found no key: {scanned}"));
    std::fs::write(setup.path("allowed_signers"), format!("ttx {key}\n")).expect("written");

    let mut facilitator = setup.facilitator_running(&address);
    facilitator.end_exercise();
    // Headless, the server stops when the facilitator quits after the end, once they say so.
    facilitator.send(b"q");
    facilitator.wait_for("Every seat is disconnected and the server stops");
    facilitator.send(b"y");
    let start = Instant::now();
    while server
        .child
        .try_wait()
        .expect("the server's status")
        .is_none()
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the server did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // The facilitator is told where the journal is and how to report it; the seat, in its words,
    // that the exercise has ended.
    server.wait_for_stderr("report: ttx report j.jsonl");
    facilitator.wait_for("You closed the exercise");
    let journal = std::fs::File::open(setup.path("j.jsonl")).expect("the journal");
    let verified = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f", "allowed_signers", "-I", "ttx"])
        .args(["-n", "ttx-journal", "-s", "j.jsonl.sig"])
        .current_dir(setup.path(""))
        .stdin(journal)
        .output()
        .expect("ssh-keygen runs");
    assert!(
        verified.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verified.stdout),
        String::from_utf8_lossy(&verified.stderr)
    );
}

/// The journal's seat lines, as (change, user) in order.
fn seat_lines(journal: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(journal)
        .expect("the journal reads")
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["event"] == "seat")
        .map(|line| {
            (
                line["change"].as_str().unwrap_or_default().to_string(),
                line["user"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn joins_refusals_and_departures_are_seat_lines_and_the_report_lists_the_seats() {
    if !openssh() {
        return;
    }
    let setup = Setup::new();
    let (mut server, address) = setup.serve(false);
    let mut stranger = setup.join("stranger", "soc", &address);
    assert_ne!(stranger.exit(), 0);
    let mut soc = setup.join("soc", "soc", &address);
    soc.wait_for("Company SOC");
    soc.send(b"q");
    soc.exit();
    let cert = setup.join("cert", "cert", &address);
    cert.wait_for("National CERT");
    let left = ("left".to_string(), "soc".to_string());
    let joined = ("joined".to_string(), "cert".to_string());
    common::wait_until("soc's departure and cert's arrival in the journal", || {
        let lines = seat_lines(&setup.path("j.jsonl"));
        lines.contains(&left) && lines.contains(&joined)
    });
    server.kill();
    let lines = seat_lines(&setup.path("j.jsonl"));
    let pairs: Vec<(&str, &str)> = lines
        .iter()
        .map(|(change, user)| (change.as_str(), user.as_str()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("refused", "soc"),
            ("joined", "soc"),
            ("left", "soc"),
            ("joined", "cert")
        ]
    );
    let report = setup.ttx(&["report", "j.jsonl", "--format", "md"]);
    let text = String::from_utf8_lossy(&report.stdout);
    let appendix = text
        .split("## Appendix B")
        .nth(1)
        .unwrap_or_else(|| panic!("no Appendix B: {text}"));
    assert!(appendix.contains("### People who joined"), "{appendix}");
    assert!(
        appendix.contains("| — | soc | team soc | 127.0.0.1 |"),
        "{appendix}"
    );
    assert!(
        appendix.contains("| — | cert | team cert | 127.0.0.1 |"),
        "{appendix}"
    );
    assert!(appendix.contains("still connected"), "{appendix}");
}

#[test]
fn a_signal_to_the_console_restores_it_records_the_clock_and_tells_every_seat() {
    if !openssh() {
        return;
    }
    let setup = Setup::new();
    for signal in ["TERM", "HUP", "INT", "QUIT"] {
        let _ = std::fs::remove_file(setup.path("j.jsonl"));
        let mut console = common::pty::App::start(
            &[
                "serve",
                "scenario.ron",
                "--journal",
                "j.jsonl",
                "--speed",
                "60",
                "--listen",
                "127.0.0.1:0",
                "--roster",
                "roster.ron",
            ],
            setup.path("").as_path(),
        );
        let screen = console.wait_for("Serving on ");
        let address = screen
            .split("Serving on ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .expect("the console says where it listens")
            .to_string();
        let soc = setup.join("soc", "soc", &address);
        soc.wait_for("Company SOC");
        console.send(b" ");
        console.wait_for("RUNNING");
        // The clock has run: the time the signal records is past zero.
        console.wait_for_clock_past(0);
        console.signal(signal);
        // The team hears what happens to it, in its words: never the facilitator's command.
        soc.wait_for("the facilitator is restarting the exercise; reconnect in a minute");
        assert!(!soc.received().contains("ttx resume"), "{signal}");
        let status = console.wait_for_status();
        assert!(status.success(), "{signal}: {status:?}");
        console.wait_for_output_end();
        assert!(console.terminal_restored(), "{signal}: {}", console.text());
        assert!(
            console.text().contains("ttx resume j.jsonl --serve"),
            "{signal}: {}",
            console.text()
        );
        let journal = std::fs::read_to_string(setup.path("j.jsonl")).expect("the journal");
        let clock = journal
            .lines()
            .rfind(|line| line.contains("\"event\":\"clock\""))
            .unwrap_or_else(|| panic!("{signal}: no clock checkpoint: {journal}"));
        assert!(!clock.contains("\"at_s\":0,"), "{signal}: {clock}");
        assert_eq!(
            seat_lines(&setup.path("j.jsonl")),
            vec![
                ("joined".to_string(), "soc".to_string()),
                ("left".to_string(), "soc".to_string())
            ],
            "{signal}"
        );
    }
}

/// A TCP connection to the server that never says a word.
fn idle_connection(address: &str) -> TcpStream {
    TcpStream::connect(address).expect("the server's port takes a TCP connection")
}

/// An idle connection from loopback address `127.0.0.N`, as from another host.
fn idle_connection_from(n: u8, address: &str) -> TcpStream {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("a runtime");
    let stream = runtime
        .block_on(async {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind(std::net::SocketAddr::from(([127, 0, 0, n], 0)))?;
            let server: std::net::SocketAddr = address.parse().expect("the server's address");
            socket.connect(server).await?.into_std()
        })
        .expect("the server's port takes a TCP connection");
    stream.set_nonblocking(false).expect("a blocking stream");
    stream
}

/// Reads what the server sends until it closes `stream`; whether it did before `deadline`.
fn closed_before(stream: &mut TcpStream, deadline: Instant) -> bool {
    let mut buf = [0u8; 256];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        stream.set_read_timeout(Some(left)).expect("a read timeout");
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false;
            }
            // Reset: closed as well.
            Err(_) => return true,
        }
    }
}

/// The server's first line (its SSH version), or nothing if it closes the connection first.
fn greeting(stream: &mut TcpStream) -> Option<String> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match stream.read(&mut byte) {
            Ok(1) if byte[0] == b'\n' => return Some(String::from_utf8_lossy(&line).into_owned()),
            Ok(1) => line.push(byte[0]),
            Ok(_) => return None,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                panic!("the server neither greeted nor closed the connection within 10 s")
            }
            Err(_) => return None,
        }
    }
}

/// More idle connections than the server has file descriptors for (it runs under `ulimit -n
/// 64`): it keeps serving the seat already joined, closes each idle connection once its login
/// grace time is over (3 s here), and then takes a new seat.
#[test]
fn a_flood_of_idle_connections_is_outlasted() {
    if !openssh() {
        return;
    }
    const FLOOD: usize = 150;
    let setup = Setup::with_roster_fields("login_grace_s: 3");
    let (mut server, address) = setup.serve_with(false, Some(64));
    let mut soc = setup.join("soc", "soc", &address);
    soc.wait_for("Company SOC");

    let mut flood: Vec<TcpStream> = (0..FLOOD).map(|_| idle_connection(&address)).collect();
    assert!(
        !closed_before(&mut flood[0], Instant::now() + Duration::from_secs(1)),
        "an idle connection was closed before its grace time was over"
    );
    assert!(server.is_running(), "the flood stopped the server");
    // The seat is served while the descriptors are all taken.
    soc.send(b" ");
    soc.wait_for("Only the facilitator");

    let deadline = Instant::now() + Duration::from_secs(60);
    for (n, stream) in flood.iter_mut().enumerate() {
        assert!(
            closed_before(stream, deadline),
            "idle connection {n} of {FLOOD} still open after 60 s"
        );
    }
    assert!(server.is_running(), "the server stopped");
    let cert = setup.join("cert", "cert", &address);
    cert.wait_for("National CERT");
    soc.send(b"m");
    soc.wait_for("hotline message");
}

/// At most 100 connections may wait to log in: the next is closed before the server says a
/// word, while a joined seat is served; once one of them leaves, a new connection is greeted.
#[test]
fn connections_waiting_to_log_in_are_capped() {
    if !openssh() {
        return;
    }
    const MAX_WAITING: usize = 100;
    let setup = Setup::new();
    let (mut server, address) = setup.serve(false);
    let mut soc = setup.join("soc", "soc", &address);
    soc.wait_for("Company SOC");

    // From four addresses, 25 each: within each address's share.
    let mut waiting: Vec<TcpStream> = (0..MAX_WAITING)
        .map(|n| {
            let mut stream = idle_connection_from(2 + (n % 4) as u8, &address);
            let hello = greeting(&mut stream);
            assert!(
                hello.as_deref().is_some_and(|h| h.starts_with("SSH-2.0-")),
                "connection {n} was not greeted: {hello:?}"
            );
            stream
        })
        .collect();
    let mut one_too_many = idle_connection_from(6, &address);
    assert_eq!(greeting(&mut one_too_many), None);
    soc.send(b" ");
    soc.wait_for("Only the facilitator");

    drop(waiting.pop());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut stream = idle_connection_from(6, &address);
        if greeting(&mut stream).is_some() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no new connection was greeted after one of the waiting left"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(server.is_running());
}

/// Five seats, at most two per user, one kept for each team, the facilitator and the
/// evaluator: soc takes two, then neither soc nor the observer may take the seats kept for
/// cert, the facilitator and anna, who still join; each refusal says which limit.
#[test]
fn seats_are_limited_per_user_and_kept_for_each_team_and_the_staff() {
    if !openssh() {
        return;
    }
    let setup = Setup::with_roster_fields("max_seats: 5, max_seats_per_user: 2");
    let (_server, address) = setup.serve(false);
    let refused = |mut client: Client, why: &str| {
        client.wait_for(why);
        assert_ne!(client.exit(), 0);
    };
    let observer = |setup: &Setup| {
        let mut observer = setup.join("", "observer", &address);
        observer.wait_for("assword");
        observer.send(b"amber-tide-four-oasis\r");
        observer
    };
    let soc = setup.join("soc", "soc", &address);
    soc.wait_for("Company SOC");
    let soc_again = setup.join("soc", "soc", &address);
    soc_again.wait_for("Company SOC");
    refused(
        setup.join("soc", "soc", &address),
        "this user already holds 2 seats, the most one user may hold",
    );
    refused(
        observer(&setup),
        "the seats left are kept for the teams, facilitators and evaluators not here yet",
    );
    let cert = setup.join("cert", "cert", &address);
    cert.wait_for("National CERT");
    let facilitator = setup.join("facilitator", "facilitator", &address);
    facilitator.wait_for("Briefing");
    let mut anna = setup.join("", "anna", &address);
    anna.wait_for("assword");
    anna.send(b"violin-tundra-lemon-orbit\r");
    anna.wait_for("Events (MSEL)");
    refused(observer(&setup), "every seat is taken; try again later");
}

/// The server's resident memory, in bytes.
#[cfg(target_os = "linux")]
fn resident(server: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id()))
        .expect("the server's /proc status");
    let kb: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in kB");
    kb * 1024
}

/// A client that asks for a 1000×1000 window gets a seat drawn at most 500×200: it costs the
/// server less than 32 MB more (its screen buffers are at most 9.6 MB; 1000×1000 took 96).
#[cfg(target_os = "linux")]
#[test]
fn a_huge_window_costs_a_bounded_screen() {
    if !openssh() {
        return;
    }
    let setup = Setup::new();
    let (server, address) = setup.serve(false);
    let mut soc = setup.join("soc", "soc", &address);
    soc.wait_for("Company SOC");
    soc.settle(Duration::from_millis(500));
    let before = resident(&server);
    soc.resize(1000, 1000);
    soc.send(b"m");
    // The answer to `m` (the hotline waits for the clock) drawn at the new size, beyond the
    // 100×30 screen read here: in the bytes.
    common::wait_until("the answer to m drawn", || {
        soc.received()
            .contains("The hotline is open while the exercise runs.")
    });
    soc.settle(Duration::from_millis(500));
    let grown = resident(&server).saturating_sub(before);
    assert!(
        grown < 32 << 20,
        "a 1000×1000 window cost the server {} MB",
        grown >> 20
    );
}

/// `ttx roster -o` writes the join codes for its owner only, as the host key; `ttx serve`
/// warns of a roster with codes that others may read, and of no other.
#[cfg(unix)]
#[test]
fn join_codes_are_kept_from_other_users_of_the_machine() {
    use std::os::unix::fs::PermissionsExt;
    let setup = Setup::new();
    let written = setup.ttx(&["roster", "scenario.ron", "-o", "written.ron"]);
    assert!(written.status.success(), "{written:?}");
    let mode = std::fs::metadata(setup.path("written.ron"))
        .expect("the roster written")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    let warning = "roster.ron holds join codes and other users of this machine may read it";
    let (mut server, _) = setup.serve(false);
    // It warns before it listens; all it said by then is read once its stderr has ended.
    assert!(!server.kill_and_read_stderr().contains(warning));
    std::fs::remove_file(setup.path("j.jsonl")).expect("the journal removed");
    set_mode(&setup.path("roster.ron"), 0o640);
    let (server, _) = setup.serve(false);
    let stderr = server.wait_for_stderr(warning);
    assert!(
        stderr.contains("(mode 0640): chmod 600 roster.ron"),
        "{stderr}"
    );
}

/// Accepts any host key: the test's own server on loopback.
struct Trusting;

impl russh::client::Handler for Trusting {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// Found in review: a client (not OpenSSH, which never does) that asks for a shell twice on its
/// channel was seated twice, and the first seat stayed in the server's seats for good, so
/// repeating it filled the server. The second request is refused: one join, one departure.
#[test]
fn a_second_shell_request_on_a_channel_seats_no_one() {
    if !openssh() {
        return;
    }
    let setup = Setup::new();
    let (_server, address) = setup.serve(false);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let config = Arc::new(russh::client::Config::default());
        let mut handle = russh::client::connect(config, address.as_str(), Trusting)
            .await
            .expect("the server takes the connection");
        let auth = handle
            .authenticate_password("observer", "amber-tide-four-oasis")
            .await
            .expect("authentication runs");
        assert!(auth.success(), "the observer could not join");
        let mut channel = handle.channel_open_session().await.expect("a channel");
        channel
            .request_pty(false, "xterm-256color", 100, 30, 0, 0, &[])
            .await
            .expect("a pty");
        channel.request_shell(true).await.expect("a shell");
        channel
            .request_shell(true)
            .await
            .expect("a second shell asked");
        let mut answers = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while answers.len() < 2 {
            match tokio::time::timeout_at(deadline, channel.wait()).await {
                Ok(Some(russh::ChannelMsg::Success)) => answers.push(true),
                Ok(Some(russh::ChannelMsg::Failure)) => answers.push(false),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        assert_eq!(answers, [true, false], "the second shell was not refused");
        handle
            .disconnect(russh::Disconnect::ByApplication, "", "")
            .await
            .expect("a goodbye");
    });
    // The client's connection runs on this runtime: dropping it closes the socket.
    drop(runtime);
    let journal = setup.path("j.jsonl");
    let start = Instant::now();
    while seat_lines(&journal).len() < 2 && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let lines = seat_lines(&journal);
    let observer: Vec<&str> = lines
        .iter()
        .filter(|(_, user)| user == "observer")
        .map(|(change, _)| change.as_str())
        .collect();
    assert_eq!(observer, ["joined", "left"], "{lines:?}");
}

/// Found in review: one address could hold every place among those waiting to log in and shut
/// everyone else out. An address holds at most its share (32); others still get in.
#[test]
fn one_address_holds_at_most_its_share_of_the_waiting_places() {
    if !openssh() {
        return;
    }
    const SHARE: usize = 32;
    let setup = Setup::new();
    let (mut server, address) = setup.serve(false);
    let held: Vec<TcpStream> = (0..SHARE)
        .map(|n| {
            let mut stream = idle_connection_from(2, &address);
            assert!(
                greeting(&mut stream).is_some(),
                "connection {n} was not greeted"
            );
            stream
        })
        .collect();
    let mut over_the_share = idle_connection_from(2, &address);
    assert_eq!(greeting(&mut over_the_share), None);
    let mut another_address = idle_connection_from(3, &address);
    assert!(greeting(&mut another_address).is_some());
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut stream = idle_connection_from(2, &address);
        if greeting(&mut stream).is_some() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the address got no place back after its connections left"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(server.is_running());
}

/// The discussion over real OpenSSH: two team seats answer the current module's questions from
/// their discussion screens; after the end each is offered the Participant Feedback Form and
/// fills it in; `ttx report` then holds the answers and the forms (anonymous: team and role).
/// The server runs with its local console, in a terminal of its own: a headless server closes
/// the seats once the exercise has ended.
#[test]
fn two_teams_answer_questions_and_fill_in_the_feedback_form() {
    if !openssh() {
        return;
    }
    let setup = Setup::new();
    let end = SCENARIO
        .rfind(')')
        .expect("the scenario's closing parenthesis");
    let scenario = format!(
        "{}{}{}",
        &SCENARIO[..end],
        ttx::session::testing::MODULES,
        &SCENARIO[end..]
    );
    std::fs::write(setup.path("scenario.ron"), scenario).expect("scenario written");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let address = format!("127.0.0.1:{port}");
    let mut serve = CommandBuilder::new(env!("CARGO_BIN_EXE_ttx"));
    serve.args(["serve", "scenario.ron", "--journal", "j.jsonl"]);
    serve.args(["--listen", &address, "--roster", "roster.ron"]);
    serve.cwd(setup.path(""));
    let mut console = Client::spawn(serve);
    console.wait_for("Briefing");
    let mut soc = setup.join("soc", "soc", &address);
    let mut cert = setup.join("cert", "cert", &address);
    soc.wait_for("Company SOC");
    cert.wait_for("National CERT");
    console.send(b" ");
    console.wait_for("RUNNING");

    // Each team opens its discussion and answers a question of module 1.
    soc.send(b"d");
    soc.wait_for("Questions for soc (0 of 2 answered)");
    soc.send(b"a");
    soc.wait_for("soc answers who-tells");
    soc.send(b"The shift lead calls the CERT.");
    soc.send(b"\x13");
    soc.wait_for("Answer to who-tells saved.");
    soc.wait_for("Questions for soc (1 of 2 answered)");
    cert.send(b"d");
    cert.wait_for("Questions for cert (0 of 1 answered)");
    cert.send(b"a");
    cert.wait_for("cert answers first-need");
    cert.send(b"Their indicators.");
    cert.send(b"\x13");
    cert.wait_for("Answer to first-need saved.");

    // The facilitator ends the exercise: each team seat is offered the form.
    console.end_exercise();
    soc.wait_for("Participant Feedback Form");
    cert.wait_for("Participant Feedback Form");
    // The SOC rates the first two statements, goes to its first strength and writes one.
    soc.send(b"45\t\t\t\t");
    soc.send(b"Realistic injects");
    soc.wait_for("Realistic injects");
    soc.send(b"\x13");
    soc.wait_for("your feedback is recorded");
    cert.send_feedback(b"3", "3 neutral");

    // The facilitator quits: the server stops and the journal is complete.
    console.send(b"q");
    console.wait_for("Every seat is disconnected and the server stops");
    console.send(b"y");
    assert_eq!(console.exit(), 0, "{}", console.screen());
    let report = setup.report_json();
    let questions = &report["modules"][0]["questions"];
    assert_eq!(questions[0]["id"], "who-tells");
    assert_eq!(questions[0]["answers"][0]["team"], "soc");
    assert_eq!(
        questions[0]["answers"][0]["text"],
        "The shift lead calls the CERT."
    );
    assert_eq!(questions[1]["id"], "first-need");
    let answers = questions[1]["answers"].as_array().expect("answers");
    assert!(
        answers
            .iter()
            .any(|a| a["team"] == "cert" && a["text"] == "Their indicators."),
        "{answers:?}"
    );
    let forms = report["feedback"]["forms"].as_array().expect("forms");
    assert_eq!(forms.len(), 2, "{forms:?}");
    let soc_form = forms
        .iter()
        .find(|f| f["team"] == "soc")
        .expect("soc's form");
    assert_eq!(soc_form["role"], "team");
    assert_eq!(soc_form["ratings"][0], 4);
    assert_eq!(soc_form["ratings"][1], 5);
    assert!(soc_form["ratings"][2].is_null());
    assert_eq!(soc_form["strengths"][0], "Realistic injects");
    let cert_form = forms
        .iter()
        .find(|f| f["team"] == "cert")
        .expect("cert's form");
    assert_eq!(cert_form["ratings"][0], 3);
    // Anonymous: no user in a form.
    assert!(!report["feedback"].to_string().contains("\"user\""));
}

/// Waits until `server` has exited.
fn wait_for_exit(server: &mut Server) {
    common::wait_until("the server stops", || !server.is_running());
}

/// A crash and `ttx resume --serve`: the connections that died with the server end at the
/// crash, and Appendix B lists each person once, by the name the roster gives.
#[test]
fn after_a_crash_and_resume_appendix_b_lists_each_person_once() {
    if !openssh() {
        return;
    }
    let setup = Setup::new();
    let roster = std::fs::read_to_string(setup.path("roster.ron")).expect("the roster");
    let named = roster.replacen(
        "(user: \"soc\", ",
        "(user: \"soc\", name: \"Dana Reyes, SOC lead\", ",
        1,
    );
    std::fs::write(setup.path("roster.ron"), named).expect("roster written");
    let (mut server, address) = setup.serve(false);
    let mut facilitator = setup.facilitator_running(&address);
    let mut soc = setup.join("soc", "soc", &address);
    soc.wait_for(SOC_SECRET);
    let joined = ("joined".to_string(), "soc".to_string());
    common::wait_until("soc's join in the journal", || {
        seat_lines(&setup.path("j.jsonl")).contains(&joined)
    });
    server.kill();
    soc.exit();
    facilitator.exit();
    let crashed = std::fs::read_to_string(setup.path("j.jsonl")).expect("the journal");
    let last: serde_json::Value =
        serde_json::from_str(crashed.lines().last().expect("a last line")).expect("JSON");

    let (mut server, address) = setup.serve(true);
    let mut soc = setup.join("soc", "soc", &address);
    soc.wait_for("PAUSED");
    soc.send(b"q");
    soc.exit();
    let journal = std::fs::read_to_string(setup.path("j.jsonl")).expect("the journal");
    common::wait_until("soc's second departure in the journal", || {
        seat_lines(&setup.path("j.jsonl"))
            .iter()
            .filter(|line| line.0 == "left")
            .count()
            == 3
    });
    server.kill();
    // The resume wrote the two lost departures first, at the crash: the journal's last moment.
    let lost: Vec<serde_json::Value> = journal[crashed.len()..]
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .take_while(|line: &serde_json::Value| line["event"] == "seat")
        .collect();
    assert_eq!(lost.len(), 2, "{journal}");
    for line in &lost {
        assert_eq!(line["change"], "left");
        assert_eq!(line["lost"], true);
        assert_eq!(line["at_s"], last["at_s"]);
        assert_eq!(line["wall"], last["wall"]);
    }
    assert!(
        journal.contains(r#""user":"soc","role":"team soc","address":"#)
            && journal.contains(r#""name":"Dana Reyes, SOC lead""#),
        "the join carries the roster's name: {journal}"
    );

    let report = |format: &str| {
        let output = setup.ttx(&["report", "j.jsonl", "--format", format]);
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let json: serde_json::Value = serde_json::from_str(&report("json")).expect("JSON");
    let seats = json["seats"].as_array().expect("seats");
    assert_eq!(seats.len(), 3, "{seats:?}");
    assert_eq!(
        seats
            .iter()
            .map(|s| s["lost"].as_bool())
            .collect::<Vec<_>>(),
        vec![Some(true), Some(true), Some(false)]
    );
    let people = json["people"].as_array().expect("people");
    assert_eq!(people.len(), 2, "{people:?}");
    assert_eq!(people[0]["user"], "facilitator");
    assert_eq!(people[0]["left_at_s"], last["at_s"]);
    assert_eq!(people[1]["name"], "Dana Reyes, SOC lead");
    assert_eq!(people[1]["connections"], 2);
    assert_eq!(people[1]["host"], "127.0.0.1");
    assert!(people[1]["left_at_s"].is_u64(), "{people:?}");

    let text = report("md");
    let appendix = text
        .split("## Appendix B")
        .nth(1)
        .unwrap_or_else(|| panic!("no Appendix B: {text}"));
    assert!(
        appendix.contains("| Dana Reyes, SOC lead | soc | team soc | 127.0.0.1 |"),
        "{appendix}"
    );
    assert!(!appendix.contains("still connected"), "{appendix}");
}

/// Headless, the end closes no seat: a team seat fills in the feedback form after it, and the
/// server stops when the facilitator's seat quits.
#[test]
fn a_headless_server_keeps_the_seats_after_the_end_for_the_feedback_form() {
    if !openssh() {
        return;
    }
    let setup = Setup::new();
    let (mut server, _, mut facilitator, mut soc) = setup.headless_and_ended();
    // Longer than anyone could answer in before: the seats stay.
    std::thread::sleep(Duration::from_secs(3));
    assert!(server.is_running());
    soc.send_feedback(b"4", "4 agree");

    // A stray `q` asks first, and `n` keeps the exercise open for every seat.
    facilitator.send(b"q");
    facilitator.wait_for("Close the exercise?");
    facilitator.send(b"n");
    common::wait_until("the dialog closed", || {
        !facilitator.screen().contains("Close the exercise?")
    });
    assert!(server.is_running());
    facilitator.send(b"q");
    facilitator.wait_for("Close the exercise?");
    facilitator.send(b"y");
    wait_for_exit(&mut server);
    server.wait_for_stderr("report: ttx report j.jsonl");
    facilitator.wait_for("You closed the exercise");
    soc.wait_for("ttx: the exercise has ended; thank you.");
    let forms = setup.feedback_forms();
    assert_eq!(forms.len(), 1, "{forms:?}");
    assert_eq!(forms[0]["team"], "soc");
    assert_eq!(forms[0]["ratings"][0], 4);
    let text = setup.ttx(&["report", "j.jsonl", "--format", "md"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Participant Feedback"), "{text}");
}

/// A server that crashes while the seats fill in the feedback form is served again by
/// `ttx resume --serve`: a seat that rejoins is offered the form, and what was given before the
/// crash is kept.
#[test]
fn after_a_crash_in_the_feedback_window_resume_serve_offers_the_form_again() {
    if !openssh() {
        return;
    }
    let setup = Setup::new();
    let (mut server, _, mut facilitator, mut soc) = setup.headless_and_ended();
    soc.send_feedback(b"4", "4 agree");

    server.kill();
    soc.exit();
    facilitator.exit();

    let (mut server, address) = setup.serve(true);
    let mut cert = setup.join("cert", "cert", &address);
    cert.wait_for("Participant Feedback Form");
    cert.send_feedback(b"2", "2 disagree");
    let mut facilitator = setup.join("facilitator", "facilitator", &address);
    facilitator.wait_for("ENDED");
    facilitator.send(b"q");
    facilitator.wait_for("Close the exercise?");
    facilitator.send(b"y");
    wait_for_exit(&mut server);
    server.wait_for_stderr("report: ttx report j.jsonl");
    let forms = setup.feedback_forms();
    assert_eq!(forms.len(), 2, "{forms:?}");
    assert!(
        forms
            .iter()
            .any(|f| f["team"] == "soc" && f["ratings"][0] == 4),
        "{forms:?}"
    );
    assert!(
        forms
            .iter()
            .any(|f| f["team"] == "cert" && f["ratings"][0] == 2),
        "{forms:?}"
    );
    setup.ttx_ok(&["verify", "j.jsonl"]);
}
