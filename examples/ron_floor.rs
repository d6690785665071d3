//! The "RON floor" that `benches/compare.sh` measures ttx's commands against: a scenario file
//! read whole and parsed into the `ron` crate's untyped `ron::Value`, with nothing checked and
//! nothing built from it. A command that reads a scenario cannot do much less; issue 24 sets
//! ttx's goals as ratios of this program's CPU time and peak memory.
//!
//!   cargo build --release --example ron_floor
//!   target/release/examples/ron_floor target/big/big.ron

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: ron_floor SCENARIO.ron");
        return ExitCode::from(2);
    };
    let source = match std::fs::read_to_string(&path) {
        Ok(source) => source,
        Err(e) => {
            eprintln!("{}: {e}", path.to_string_lossy());
            return ExitCode::FAILURE;
        }
    };
    match ron::from_str::<ron::Value>(&source) {
        // Something of the tree is printed, so that the parse is not optimised away.
        Ok(value) => {
            println!("{}", top_level_entries(&value));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", path.to_string_lossy());
            ExitCode::FAILURE
        }
    }
}

/// How many entries the top-level value holds: a struct's fields or a list's items.
fn top_level_entries(value: &ron::Value) -> usize {
    match value {
        ron::Value::Map(map) => map.len(),
        ron::Value::Seq(items) => items.len(),
        _ => 1,
    }
}
