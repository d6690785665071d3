//! The real binary in a pseudo-terminal: start the app, answer an inject, quit cleanly.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, what: &str) -> String {
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
}

#[test]
fn start_answer_an_inject_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("pty.jsonl");
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/phishing-example/scenario.ron"
    );
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_ttx"));
    command.args(["run", scenario, "--journal"]);
    command.arg(&journal);
    command.cwd(dir.path());
    command.env("TERM", "xterm-256color");
    let mut child = pty.slave.spawn_command(command).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut writer = pty.master.take_writer().unwrap();
    let parser = Arc::new(Mutex::new(vt100::Parser::new(
        std::num::NonZeroU16::new(30).unwrap(),
        std::num::NonZeroU16::new(100).unwrap(),
        0,
    )));
    let feed = Arc::clone(&parser);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            feed.lock().unwrap().process(&buf[..n]);
        }
    });
    let screen = Screen { parser };
    let mut send = |bytes: &[u8]| {
        writer.write_all(bytes).unwrap();
        writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    };

    screen.wait_for("NOT STARTED");
    send(b" ");
    screen.wait_for("RUNNING");
    send(b"\t");
    screen.wait_for("Hundreds of staff");
    send(b"r");
    screen.wait_for("choose an action");
    send(b"ack");
    send(b"\r");
    screen.wait_for("Submit");
    send(b"\x13"); // ctrl-s
    let text = screen.wait_for("satisfied mail-wave.ack@soc");
    assert!(text.contains("on time"), "{text}");
    send(b"q");
    screen.wait_for("Quit while the exercise runs?");
    send(b"y");

    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the app did not quit"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    // The terminal is restored: the alternate screen is left.
    assert!(!parser_alternate(&screen));
    let written = std::fs::read_to_string(&journal).unwrap();
    assert!(written.contains("\"ack\""), "{written}");
}

fn parser_alternate(screen: &Screen) -> bool {
    std::thread::sleep(Duration::from_millis(200));
    screen.parser.lock().unwrap().screen().alternate_screen()
}
