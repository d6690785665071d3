//! The real `ttx` binary in a pseudo-terminal, read through a vt100 parser as a person would see
//! it.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::wait_until;

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ROWS: u16 = 30;
const COLS: u16 = 100;

pub struct App {
    parser: Arc<Mutex<vt100::Parser>>,
    /// Set once the terminal is closed and every byte the app wrote has been read.
    output_ended: Arc<AtomicBool>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    // Kept open for the child's lifetime: dropping it hangs up the terminal.
    _master: Box<dyn MasterPty + Send>,
}

impl App {
    /// Starts `ttx ARGS` in `cwd` on a 100×30 terminal.
    pub fn start(args: &[&str], cwd: &Path) -> App {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_ttx"));
        command.args(args);
        command.cwd(cwd);
        command.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(command).expect("ttx starts");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("a reader");
        let writer = pty.master.take_writer().expect("a writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(ROWS).expect("rows"),
            std::num::NonZeroU16::new(COLS).expect("columns"),
            0,
        )));
        let feed = Arc::clone(&parser);
        let output_ended = Arc::new(AtomicBool::new(false));
        let ended = Arc::clone(&output_ended);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().expect("the parser").process(&buf[..n]);
            }
            ended.store(true, Ordering::SeqCst);
        });
        App {
            parser,
            output_ended,
            writer,
            child,
            _master: pty.master,
        }
    }

    pub fn text(&self) -> String {
        self.parser.lock().expect("the parser").screen().contents()
    }

    /// Waits up to 20 s for `what` to be on the screen, and returns the screen.
    pub fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let text = self.text();
            if text.contains(what) {
                return text;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "`{what}` never appeared; the screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types bytes. Wait for what they show before typing on where it matters: a lone esc
    /// followed at once by a key reads as alt and that key.
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer
            .write_all(bytes)
            .expect("the terminal takes input");
        self.writer.flush().expect("the terminal takes input");
    }

    /// The scenario time in the header's `T+hh:mm:ss`, in seconds.
    pub fn clock_s(&self) -> u64 {
        let text = self.text();
        let header = text.lines().next().unwrap_or_default();
        let clock = header
            .split_once("T+")
            .and_then(|(_, rest)| rest.get(..8))
            .unwrap_or_else(|| panic!("no clock in the header: {header}"));
        clock.split(':').fold(0, |secs, part| {
            secs * 60 + part.parse::<u64>().expect("the clock's digits")
        })
    }

    /// Waits for the header's clock to show a time after `secs`.
    pub fn wait_for_clock_past(&self, secs: u64) {
        wait_until(&format!("the clock past {secs} s"), || {
            self.clock_s() > secs
        });
    }

    /// Runs the clock, then opens the first team's view and waits for `inbox` to show there.
    pub fn run_clock_on_first_team(&mut self, inbox: &str) {
        self.send(b" ");
        self.wait_for("RUNNING");
        self.send(b"\t");
        self.wait_for(inbox);
    }

    /// In a team's view: picks `action` for the selected inject and submits it with no fields.
    pub fn respond(&mut self, action: &str) {
        self.send(b"r");
        self.wait_for("choose an action");
        self.send(action.as_bytes());
        self.send(b"\r");
        self.wait_for("Submit");
        self.send(b"\x13"); // ctrl-s
    }

    /// Sends a signal (`TERM`, `HUP`, `CONT`…) to the process.
    pub fn signal(&self, name: &str) {
        let pid = self.child.process_id().expect("a running process");
        let sent = std::process::Command::new("kill")
            .args([&format!("-{name}"), &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
    }

    /// Whether the terminal is as ttx found it: the main screen, the cursor shown.
    pub fn terminal_restored(&self) -> bool {
        let parser = self.parser.lock().expect("the parser");
        !parser.screen().alternate_screen() && !parser.screen().hide_cursor()
    }

    /// Whether the terminal has bracketed paste on.
    pub fn bracketed_paste(&self) -> bool {
        self.parser
            .lock()
            .expect("the parser")
            .screen()
            .bracketed_paste()
    }

    /// Kills the process without warning (SIGKILL), as a crash or a closed laptop would.
    pub fn kill(&mut self) {
        let pid = self.child.process_id().expect("a running process");
        let killed = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        self.wait_for_status();
    }

    /// Waits for the app to quit by itself, successfully, with the terminal restored.
    pub fn wait_for_exit(&mut self) {
        let status = self.wait_for_status();
        assert!(status.success(), "{status:?}; the screen:\n{}", self.text());
        self.wait_for_output_end();
        assert!(
            !self
                .parser
                .lock()
                .expect("the parser")
                .screen()
                .alternate_screen(),
            "the terminal is left on the alternate screen"
        );
    }

    /// Waits until every byte the app wrote has been read: once it has quit, the screen is
    /// the last one it left.
    pub fn wait_for_output_end(&self) {
        wait_until("the terminal's output ended", || {
            self.output_ended.load(Ordering::SeqCst)
        });
    }

    /// Waits for the process to be stopped (suspended by a signal).
    pub fn wait_for_stopped(&self) {
        let pid = self.child.process_id().expect("a running process");
        wait_until("the process stopped", || {
            let state = std::process::Command::new("ps")
                .args(["-o", "stat=", "-p", &pid.to_string()])
                .output()
                .expect("ps runs");
            String::from_utf8_lossy(&state.stdout)
                .trim()
                .starts_with('T')
        });
    }

    /// Waits for the app to quit by itself, and returns how.
    pub fn wait_for_status(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the process can be waited on") {
                return status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the app did not quit"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
