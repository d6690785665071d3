//! Runs per second of `ttx simulate` on the built-in scenario with the built-in profile: 10,000
//! runs summed up on every core (target: under 0.3 s on 2 cores), the same on one core (the two
//! medians' ratio is what the other cores add: near 2 on an idle 2-core machine, less when other
//! work holds a core), and one run alone, to see what a run costs without the parallel machinery.
//!
//! `cargo bench --bench simulate`; divan prints the median time and the throughput in runs/s.
//! Wall time on a shared machine follows its load; `valgrind --tool=callgrind` on
//! `ttx simulate --runs 10000` counts the instructions, which do not.

use std::sync::Arc;

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use ttx::scenario::{Scenario, load_scenario};
use ttx::simulate::{Profile, simulate, summarise};

const BUILT_IN: &str = include_str!("../scenarios/cross-border-breach.ron");
const RUNS: u64 = 10_000;

fn main() {
    divan::main();
}

fn built_in() -> (Arc<Scenario>, Profile) {
    let scenario = Arc::new(load_scenario("built-in", BUILT_IN).expect("the built-in loads"));
    let profile = Profile::built_in(&scenario);
    (scenario, profile)
}

#[divan::bench(sample_count = 10)]
fn ten_thousand_runs(bencher: Bencher) {
    let (scenario, profile) = built_in();
    bencher
        .counter(ItemsCount::new(RUNS))
        .bench(|| black_box(summarise(&scenario, &profile, scenario.seed, RUNS, false)));
}

#[divan::bench(sample_count = 10)]
fn ten_thousand_runs_one_core(bencher: Bencher) {
    let (scenario, profile) = built_in();
    let one_core = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool of one thread");
    bencher.counter(ItemsCount::new(RUNS)).bench(|| {
        one_core.install(|| black_box(summarise(&scenario, &profile, scenario.seed, RUNS, false)))
    });
}

#[divan::bench(sample_count = 200)]
fn one_run(bencher: Bencher) {
    let (scenario, profile) = built_in();
    let mut number = 0;
    bencher.counter(ItemsCount::new(1u64)).bench_local(|| {
        number += 1;
        black_box(simulate(&scenario, &profile, scenario.seed, number, false))
    });
}
