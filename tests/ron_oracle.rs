//! The `ron` crate as an oracle for ttx's spanned RON reader: every document that `ron`
//! accepts, ttx accepts too (ranges such as `1..2` aside: no scenario can hold one),
//! and both read it to the same shape. The corpus is RON's own examples and test inputs
//! (tests/fixtures/ron/, with their origin), the shipped scenarios and scripts, and cuts of them.

#[path = "common/ron_shape.rs"]
mod ron_shape;

use ron_shape::{ours, theirs};

/// Compares one document; returns whether `ron` accepted it.
fn compare(source: &str) -> bool {
    let theirs = theirs(source);
    let ours = ours(source);
    match (&theirs, &ours) {
        (Some(t), Some(o)) => assert_eq!(t, o, "the two readers disagree on {source:?}"),
        (Some(_), None) if !source.contains("..") => {
            panic!(
                "ron accepts, ttx refuses {source:?}: {:?}",
                ttx::ron_file::parse::parse(source, &ttx::ron_file::Arena::new()).err()
            )
        }
        _ => {}
    }
    theirs.is_some()
}

fn corpus() -> Vec<String> {
    let mut documents: Vec<String> = include_str!("fixtures/ron/inputs.txt")
        .split("\n---\n")
        .map(str::to_string)
        .collect();
    for file in [
        include_str!("fixtures/ron/example.ron"),
        include_str!("fixtures/ron/preserve_sequence_ex1.ron"),
        include_str!("fixtures/ron/preserve_sequence_ex2.ron"),
        include_str!("../scenarios/tutorial.ron"),
        include_str!("../scenarios/cross-border-breach.ron"),
        include_str!("../scenarios/ransomware.ron"),
        include_str!("../templates/starter.ron"),
        include_str!("fixtures/phishing-example/script.ron"),
    ] {
        documents.push(file.to_string());
    }
    documents
}

#[test]
fn every_document_ron_accepts_reads_to_the_same_shape() {
    let documents = corpus();
    let accepted = documents.iter().filter(|d| compare(d)).count();
    // The corpus must exercise the comparison, not only refusals.
    assert!(
        accepted >= documents.len() / 2,
        "{accepted} of {}",
        documents.len()
    );
}

#[test]
fn every_cut_of_the_examples_agrees() {
    for source in [
        include_str!("fixtures/ron/example.ron"),
        include_str!("../scenarios/tutorial.ron"),
    ] {
        for (cut, _) in source.char_indices().step_by(7) {
            compare(&source[..cut]);
        }
    }
}

#[test]
fn the_forms_of_issue_7_are_read_as_ron_reads_them() {
    for source in [
        "0x10",
        "'c'",
        "1u8",
        "b\"x\"",
        "\"\\x41\"",
        "1e400",
        "(r#type: 1)",
        "inf",
        "-inf",
        "NaN",
    ] {
        assert!(compare(source), "ron refuses {source}");
    }
}
