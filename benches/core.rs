//! Speed and memory of the core on a big exercise: 10,000 injects, 2 teams, a script of 20,000
//! responses. Targets: validate < 300 ms, scripted play < 500 ms, report of the journal
//! < 300 ms, peak memory < 100 MB.
//!
//! `cargo bench --bench core` measures in-process (divan, with its allocation profiler for the
//! peak). `cargo bench --bench core -- --write-big DIR [INJECTS]` writes the scenario and script
//! to DIR for timing the binary end to end (see `benches/cli.sh`), with 10,000 injects or INJECTS
//! (50,000 shows whether time and memory grow in line).

use std::fmt::Write as _;
use std::sync::Arc;

use divan::{AllocProfiler, Bencher, black_box};
use ttx::engine::Exercise;
use ttx::play::{play, settings_for};
use ttx::report::Report;
use ttx::scenario::load_scenario;
use ttx::script::load_script;

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

const INJECTS: usize = 10_000;

/// A big, varied scenario: injects a minute apart to both teams, every fifth one chained to the
/// one before it by `Released` with a delay, every tenth a contingency on a missed deadline.
pub fn big_scenario(injects: usize) -> String {
    let mut s = String::from(
        r#"Scenario(
    title: "Big exercise",
    teams: [(id: "red", name: "Red team"), (id: "blue", name: "Blue team")],
    objectives: [(id: "speed", name: "Answer quickly")],
    actions: [
        (id: "ack", name: "Acknowledge"),
        (id: "rfa", name: "Request assistance", fields: ["summary", "contact"],
         message: (to: Others, reply: (action: "reply", within: "1h"))),
        (id: "reply", name: "Reply", fields: ["findings"]),
    ],
    injects: [
"#,
    );
    for i in 0..injects {
        let when = if i % 10 == 9 {
            format!(r#"Missed("i{}.rfa@red")"#, i - 1)
        } else if i % 5 == 4 {
            format!(r#"Released("i{}"), delay: "1m""#, i - 1)
        } else {
            format!(r#"At("{}m")"#, i)
        };
        let _ = writeln!(
            s,
            r#"        (id: "i{i}", when: {when}, to: ["red", "blue"], title: "Inject {i}", body: "Something happened.",
         expect: [(action: "ack", within: "30m", objective: "speed"), (action: "rfa", within: "2h", by: ["red"])]),"#
        );
    }
    s.push_str("    ],\n)\n");
    s
}

/// Two responses an inject (20,000 at 10,000): both teams acknowledge every inject, some late.
pub fn big_script(injects: usize) -> String {
    let mut s = String::from("Script(steps: [\n");
    for i in 0..injects {
        let at = i * 60 + if i % 7 == 0 { 2400 } else { 120 };
        let _ = writeln!(
            s,
            r#"    Respond(at: "{at}s", team: "red", action: "ack"),"#
        );
        let _ = writeln!(
            s,
            r#"    Respond(at: "{}s", team: "blue", action: "ack"),"#,
            at + 30
        );
    }
    s.push_str("])\n");
    s
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--write-big") {
        // Cargo adds `--bench` after the bench's own arguments: DIR and INJECTS are the words
        // after `--write-big` that are not flags.
        let mut words = args[pos + 1..].iter().filter(|a| !a.starts_with("--"));
        let dir = std::path::PathBuf::from(words.next().map_or("target/big", String::as_str));
        let injects = match words.next().map(|n| n.parse()) {
            None => INJECTS,
            Some(Ok(n)) => n,
            Some(Err(_)) => {
                eprintln!("usage: --write-big [DIR [INJECTS]]: INJECTS is a whole number");
                std::process::exit(2);
            }
        };
        std::fs::create_dir_all(&dir).expect("create the output directory");
        std::fs::write(dir.join("big.ron"), big_scenario(injects)).expect("write big.ron");
        std::fs::write(dir.join("big-script.ron"), big_script(injects))
            .expect("write big-script.ron");
        println!(
            "wrote {}/big.ron and {}/big-script.ron",
            dir.display(),
            dir.display()
        );
        return;
    }
    divan::main();
}

#[divan::bench(sample_count = 10)]
fn validate(bencher: Bencher) {
    let source = big_scenario(INJECTS);
    bencher.bench(|| load_scenario("big.ron", black_box(&source)).is_ok());
}

#[divan::bench(sample_count = 10)]
fn scripted_play(bencher: Bencher) {
    let scenario = Arc::new(load_scenario("big.ron", &big_scenario(INJECTS)).expect("valid"));
    let script_source = big_script(INJECTS);
    bencher.bench(|| {
        let script = load_script("big-script.ron", black_box(&script_source)).expect("valid");
        let (exercise, _) = play(Arc::clone(&scenario), &script, "big-script.ron").expect("plays");
        Report::of(&exercise).to_json().len()
    });
}

#[divan::bench(sample_count = 10)]
fn replay_and_report(bencher: Bencher) {
    let scenario = Arc::new(load_scenario("big.ron", &big_scenario(INJECTS)).expect("valid"));
    let script = load_script("big-script.ron", &big_script(INJECTS)).expect("valid");
    let (exercise, events) = play(Arc::clone(&scenario), &script, "big-script.ron").expect("plays");
    let settings = settings_for(&scenario, &script);
    bencher.bench(|| {
        let replayed =
            Exercise::replay(Arc::clone(&scenario), settings, black_box(&events)).expect("replays");
        debug_assert_eq!(replayed.expectations().len(), exercise.expectations().len());
        Report::of(&replayed).to_json().len()
    });
}

/// Hostile inputs (tests/hostile_input.rs checks what they give; this measures how fast): a
/// script of 200,000 steps on one line, whose positions were once recounted per step.
#[divan::bench(sample_count = 10)]
fn hostile_long_line_script(bencher: Bencher) {
    let step = "Release(at: \"1h\", inject: \"e\"),";
    let source = format!("Script(steps: [{}])", step.repeat(200_000));
    bencher.bench(|| load_script("long.ron", black_box(&source)).is_ok());
}

/// 50,000 unknown references to a list of 50,000 actions, each error listing the known ids.
#[divan::bench(sample_count = 10)]
fn hostile_unknown_references(bencher: Bencher) {
    let actions: String = (0..50_000)
        .map(|i| format!("(id: \"a{i}\", name: \"A\"),"))
        .collect();
    let injects: String = (0..50_000)
        .map(|i| {
            format!(
                "(id: \"i{i}\", when: Taken(\"nope\"), to: [\"t\"], title: \"t\", body: \"b\"),"
            )
        })
        .collect();
    let source = format!(
        "Scenario(title: \"t\", teams: [(id: \"t\", name: \"T\")], actions: [{actions}], injects: [{injects}])"
    );
    bencher.bench(|| load_scenario("hostile.ron", black_box(&source)).is_err());
}
