//! Any text as a RON document, read by ttx's spanned reader and by the `ron` crate: whatever
//! `ron` accepts (ranges aside), ttx accepts too, with the same shape; and ttx never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/ron_shape.rs"]
mod ron_shape;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let ours = ron_shape::ours(source);
    // `ron` recurses without our depth bound: very deep input is left to the scenario target.
    if source.len() > 4096 {
        return;
    }
    match (ron_shape::theirs(source), ours) {
        (Some(theirs), Some(ours)) => assert_eq!(theirs, ours, "{source:?}"),
        (Some(_), None) => assert!(source.contains(".."), "ron accepts, ttx refuses {source:?}"),
        _ => {}
    }
});
