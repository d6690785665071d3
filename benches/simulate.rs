//! Runs per second of `ttx simulate` on the built-in scenario with the built-in profile: 10,000
//! runs on every core, summed up (target in simulate.md: under 1 s on 2 cores, aim 0.3 s); and
//! one run alone, to see what a run costs without the parallel machinery.
//!
//! `cargo bench --bench simulate`; divan prints the median time and the throughput in runs/s.

use std::sync::Arc;

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use ttx::scenario::load_scenario;
use ttx::simulate::{Profile, simulate, summarise};

const BUILT_IN: &str = include_str!("../scenarios/cross-border-breach.ron");
const RUNS: u64 = 10_000;

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 10)]
fn ten_thousand_runs(bencher: Bencher) {
    let scenario = Arc::new(load_scenario("built-in", BUILT_IN).expect("the built-in loads"));
    let profile = Profile::built_in(&scenario);
    bencher
        .counter(ItemsCount::new(RUNS))
        .bench(|| black_box(summarise(&scenario, &profile, scenario.seed, RUNS, false)));
}

#[divan::bench(sample_count = 200)]
fn one_run(bencher: Bencher) {
    let scenario = Arc::new(load_scenario("built-in", BUILT_IN).expect("the built-in loads"));
    let profile = Profile::built_in(&scenario);
    let mut number = 0;
    bencher.counter(ItemsCount::new(1u64)).bench_local(|| {
        number += 1;
        black_box(simulate(&scenario, &profile, scenario.seed, number, false))
    });
}
