//! Hostile input: every file ttx reads (scenario, script, journal) gives a clear error, never a
//! panic, a stack overflow or an out-of-memory. The limits are tested here, and every input the
//! fuzz targets in `fuzz/` found crashing is kept as a regression test. How quickly the largest
//! of these inputs are handled is measured by `cargo bench --bench core` (`hostile_*`), not
//! timed here: a wall-clock limit in a test fails on a busy machine and proves nothing on an idle
//! one.

use ttx::journal::{JournalError, read_journal, read_journal_from};
use ttx::scenario::load_scenario;
use ttx::script::load_script;

fn scenario_errors(source: &str) -> Vec<String> {
    let result = load_scenario("hostile.ron", source);
    match result {
        Ok(_) => panic!("loaded"),
        Err(diagnostics) => diagnostics.iter().map(ToString::to_string).collect(),
    }
}

fn script_errors(source: &str) -> Vec<String> {
    let result = load_script("hostile.ron", source);
    match result {
        Ok(_) => panic!("loaded"),
        Err(diagnostics) => diagnostics.iter().map(ToString::to_string).collect(),
    }
}

fn journal_error(bytes: &[u8]) -> String {
    let result = read_journal_from(bytes, "hostile.jsonl");
    match result {
        Ok(_) => panic!("read"),
        Err(e) => e.to_string(),
    }
}

fn has(errors: &[String], text: &str) -> bool {
    errors.iter().any(|e| e.contains(text))
}

const TUTORIAL: &str = include_str!("../scenarios/tutorial.ron");

/// A valid tutorial journal's header line (with its `\n`), as a ttx before the hash chain wrote
/// it, so that the event lines need no digest.
fn tutorial_header() -> Vec<u8> {
    let scenario = load_scenario("scenarios/tutorial.ron", TUTORIAL).unwrap();
    let mut header = ttx::journal::Header::new(
        "scenarios/tutorial.ron",
        TUTORIAL,
        &scenario,
        ttx::engine::Settings::of(&scenario),
    );
    header.ttx_journal = ttx::journal::CHAINED_FROM - 1;
    let mut line = serde_json::to_vec(&header).unwrap();
    line.push(b'\n');
    line
}

/// The tutorial header followed by event lines.
fn tutorial_journal(events: &str) -> Vec<u8> {
    let mut bytes = tutorial_header();
    bytes.extend_from_slice(events.as_bytes());
    bytes
}

// ---- limits ----

#[test]
fn a_file_over_16_mib_is_refused() {
    let source = format!("Scenario(title: \"{}\")", "x".repeat(16 << 20));
    let errors = scenario_errors(&source);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("file too large"), "{errors:?}");
    assert!(errors[0].contains("the limit is 16 MiB"), "{errors:?}");
    let errors = script_errors(&source);
    assert!(has(&errors, "file too large"), "{errors:?}");
}

#[test]
fn a_very_long_string_is_refused() {
    for source in [
        format!("Scenario(title: \"{}\")", "x".repeat(2 << 20)),
        format!("Scenario(title: r#\"{}\"#)", "x".repeat(2 << 20)),
        format!("Scenario(title: \"{}\")", "\\n".repeat(2 << 20)),
    ] {
        let errors = scenario_errors(&source);
        assert!(
            has(&errors, "string longer than 1048576 bytes"),
            "{errors:?}"
        );
        let errors = script_errors(&source);
        assert!(has(&errors, "string longer than"), "{errors:?}");
    }
}

#[test]
fn very_deep_nesting_is_refused() {
    for open in ["[", "(", "{", "Some(", "x(", "(a:", "{1:", "[("] {
        let source = open.repeat(100_000);
        let errors = scenario_errors(&source);
        assert!(
            has(&errors, "nested deeper than 64 levels"),
            "{open}: {errors:?}"
        );
        let errors = script_errors(&source);
        assert!(
            has(&errors, "nested deeper than 64 levels"),
            "{open}: {errors:?}"
        );
    }
    let source = format!("#![enable({}", "(".repeat(100_000));
    assert!(has(
        &scenario_errors(&source),
        "nested deeper than 64 levels"
    ));
    // Closed, too: the depth is checked on the way in.
    let source = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(has(&scenario_errors(&source), "nested deeper"));
}

#[test]
fn very_many_injects_are_refused() {
    let inject = "(id: \"i\", when: Manual, to: [\"t\"], title: \"t\", body: \"b\"),";
    let source = format!(
        "Scenario(title: \"t\", teams: [(id: \"t\", name: \"T\")], injects: [{}])",
        inject.repeat(100_001)
    );
    let errors = scenario_errors(&source);
    assert_eq!(errors.len(), 1, "{:?}", &errors[..errors.len().min(3)]);
    assert!(
        errors[0].contains("too many injects: 100001, the limit is 100000"),
        "{errors:?}"
    );
}

#[test]
fn very_many_teams_are_refused() {
    let team = "(id: \"t\", name: \"T\"),";
    let source = format!(
        "Scenario(title: \"t\", teams: [{}], injects: [])",
        team.repeat(1000)
    );
    let errors = scenario_errors(&source);
    assert!(has(&errors, "too many teams: 1000"), "{:?}", &errors[..3]);
}

#[test]
fn a_journal_over_512_mib_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.jsonl");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: no disk space is used.
    file.set_len(513 << 20).unwrap();
    let error = read_journal(&path).unwrap_err();
    assert!(matches!(error, JournalError::TooBig { .. }), "{error}");
    assert!(error.to_string().contains("over the limit"), "{error}");
}

#[test]
fn a_journal_line_over_16_mib_is_refused() {
    let mut bytes = tutorial_header();
    bytes.extend(std::iter::repeat_n(b' ', (16 << 20) + 10));
    bytes.extend_from_slice(b"\n");
    let error = journal_error(&bytes);
    assert!(
        error.contains("hostile.jsonl:2: the line is longer than"),
        "{error}"
    );
    // The header line too.
    let mut bytes = vec![b'{'; (16 << 20) + 10];
    bytes.push(b'\n');
    let error = journal_error(&bytes);
    assert!(
        error.contains("hostile.jsonl:1: the line is longer than"),
        "{error}"
    );
}

#[test]
fn deep_nesting_in_a_journal_is_refused() {
    let deep = format!("{}\n", "[".repeat(100_000));
    let error = journal_error(deep.as_bytes());
    assert!(
        error.contains("hostile.jsonl:1: not a ttx journal header"),
        "{error}"
    );
    // Open or closed, the list is refused where a text is read, without recursing into it.
    for close in ["", "]"] {
        let line = format!(
            "{{\"at_s\":0,\"event\":\"note\",\"text\":{}{}}}\n",
            "[".repeat(100_000),
            close.repeat(100_000)
        );
        let error = journal_error(&tutorial_journal(&line));
        assert!(error.contains("hostile.jsonl:2:"), "{error}");
        assert!(error.contains("invalid type: sequence"), "{error}");
    }
}

#[test]
fn a_valid_tutorial_journal_reads() {
    let events = "{\"at_s\":0,\"event\":\"started\"}\n";
    let loaded = read_journal_from(&tutorial_journal(events), "t.jsonl").unwrap();
    assert!(loaded.interrupted);
}

// ---- many errors on one long line ----

#[test]
fn many_errors_on_one_long_line_stay_quick_and_small() {
    // 2 MiB on one line, each item wrong: one error per item would copy the whole line
    // into each diagnostic.
    let items = "1,".repeat(1 << 20);
    let source = format!("Scenario(title: \"t\", teams: [{items}], injects: [])");
    let errors = scenario_errors(&source);
    let total: usize = errors.iter().map(String::len).sum();
    assert!(total < 1 << 20, "{} bytes of errors", total);
    let source = format!("Script(steps: [{items}])");
    let errors = script_errors(&source);
    let total: usize = errors.iter().map(String::len).sum();
    assert!(total < 1 << 20, "{} bytes of errors", total);
}

// ---- inputs the fuzzers found ----

#[test]
fn a_file_of_carriage_returns_is_refused_with_a_message() {
    // The error's caret sat past the line's visible end (a lone `\r`): the underline's end was
    // clamped with its minimum above its maximum, and that panicked (found by the scenario and
    // script fuzz targets).
    let scenario = scenario_errors("\r");
    assert!(has(&scenario, "hostile.ron:1:"), "{scenario:?}");
    let script = script_errors("\r\n\n\r");
    assert!(has(&script, "hostile.ron:"), "{script:?}");
}

#[test]
fn many_steps_on_one_long_line_load_quickly() {
    // Each step's line and column is looked up: without checkpoints that recounted the line.
    let step = "Release(at: \"1h\", inject: \"é\"),";
    let source = format!("Script(steps: [{}])", step.repeat(200_000));
    let script = load_script("long.ron", &source).unwrap();
    assert_eq!(script.steps.len(), 200_000);
    let last = &script.steps[199_999];
    assert_eq!(last.line, 1);
    assert_eq!(last.col, 16 + 199_999 * step.chars().count());
}

#[test]
fn many_unknown_references_to_a_long_list_stay_quick() {
    // Each unknown reference lists the known ids: built only for the errors that are kept.
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
    let errors = scenario_errors(&source);
    assert_eq!(errors.len(), 101, "{:?}", &errors[..3]);
    assert!(
        errors[0].contains("unknown action `nope` (actions: a0, a1,"),
        "{}",
        errors[0]
    );
    assert!(
        errors[100].contains("49900 more errors not shown (only the first 100 are)"),
        "{}",
        errors[100]
    );
}

#[test]
fn a_file_of_millions_of_values_is_refused_before_it_grows() {
    let source = format!(
        "Scenario(title: \"t\", teams: [{}])",
        "1,".repeat(4_000_000)
    );
    let errors = ttx::scenario::load_scenario("many.ron", &source).unwrap_err();
    assert!(
        errors[0].message.contains("more than 3000000 values"),
        "{}",
        errors[0]
    );
}

// ---- trigger cycles ----

/// `n` injects, each released by the next, the last by the first: one cycle of `n`.
fn cycle_of(n: usize) -> String {
    let injects: String = (0..n)
        .map(|i| {
            format!(
                "(id: \"i{i}\", when: Released(\"i{}\"), to: [\"t\"], title: \"t\", body: \"b\"),\n",
                (i + 1) % n
            )
        })
        .collect();
    format!("Scenario(title: \"t\", teams: [(id: \"t\", name: \"T\")], injects: [{injects}])")
}

#[test]
fn a_long_trigger_cycle_is_reported_once_and_short_quickly() {
    // Before linear reporting, naming the whole cycle in each member's error took minutes.
    let errors = scenario_errors(&cycle_of(30_000));
    assert_eq!(errors.len(), 1, "{:?}", &errors[..errors.len().min(3)]);
    assert!(
        errors[0].starts_with(
            "hostile.ron:1:80: injects wait on each other in a cycle of 30000 injects: \
             i0 → i1 → i2 → … → i29998 → i29999 → i0"
        ),
        "{}",
        errors[0]
    );
    assert!(errors[0].len() < 1000, "{} bytes", errors[0].len());
}

#[test]
fn many_short_cycles_are_each_reported_once() {
    // 15,000 pairs waiting on each other: the first 100 errors and a count, each short.
    let injects: String = (0..30_000)
        .map(|i| {
            format!(
                "(id: \"i{i}\", when: Released(\"i{}\"), to: [\"t\"], title: \"t\", body: \"b\"),",
                i ^ 1
            )
        })
        .collect();
    let source =
        format!("Scenario(title: \"t\", teams: [(id: \"t\", name: \"T\")], injects: [{injects}])");
    let errors = scenario_errors(&source);
    assert_eq!(errors.len(), 101);
    assert!(
        errors[0].contains("in a cycle: i0 → i1 → i0"),
        "{}",
        errors[0]
    );
    assert!(
        errors[100].contains("14900 more errors not shown"),
        "{}",
        errors[100]
    );
}

// ---- what a journal can hold ----

/// The tutorial with a comment of control characters (six bytes each once escaped in the
/// journal's first line) and letters, so that the line would take exactly `needed` bytes.
fn tutorial_needing(needed: usize) -> String {
    let escaped = |text: &str| serde_json::to_string(text).unwrap().len() - 2;
    let scenario = load_scenario("t.ron", TUTORIAL).unwrap();
    let base = format!("{TUTORIAL}// \n");
    let fixed =
        escaped(&base) + escaped(&scenario.title) + ttx::scenario::load::JOURNAL_HEADER_ROOM;
    let room = needed - fixed;
    format!(
        "{TUTORIAL}// {}{}\n",
        "\u{1}".repeat(room / 6),
        "a".repeat(room % 6)
    )
}

#[test]
fn a_scenario_is_accepted_only_if_its_journal_can_be_read_back() {
    let limit = ttx::limits::MAX_LINE_BYTES;
    let at_limit = tutorial_needing(limit);
    let scenario = load_scenario("t.ron", &at_limit).expect("at the limit: accepted");
    let header = ttx::journal::Header::new(
        "t.ron",
        &at_limit,
        &scenario,
        ttx::engine::Settings::of(&scenario),
    );
    // Written as a run writes it, its hash-chain digest included.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jsonl");
    drop(ttx::journal::JournalWriter::create(&path, &header).unwrap());
    let line = std::fs::read(&path).unwrap();
    assert!(line.len() <= limit + 1, "{} bytes", line.len());
    assert!(read_journal(&path).is_ok());

    let errors = scenario_errors(&tutorial_needing(limit + 1));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("scenario too large for its journal"),
        "{}",
        errors[0]
    );
}
