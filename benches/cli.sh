#!/usr/bin/env bash
# Times the release binary end to end on the big exercise (10,000 injects, 2 teams, 20,000
# responses) and reports the median wall time and the peak resident memory of 11 runs each.
# Targets: validate < 300 ms, scripted play < 500 ms, report of its journal < 300 ms, < 100 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/big
cargo build --release --quiet
cargo bench --quiet --bench core -- --write-big "$dir" >/dev/null
bin=target/release/ttx
rm -f "$dir/big.jsonl"
"$bin" run "$dir/big.ron" --script "$dir/big-script.ron" --journal "$dir/big.jsonl" >/dev/null

measure() {
  local name=$1; shift
  local times=() mems=()
  for _ in $(seq 11); do
    out=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null; } 2>&1 | tail -n 1)
    times+=("${out% *}"); mems+=("${out#* }")
  done
  local t m
  t=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 6p)
  m=$(printf '%s\n' "${mems[@]}" | sort -n | sed -n 6p)
  awk -v n="$name" -v t="$t" -v m="$m" 'BEGIN { printf "%-16s median %6.0f ms   peak RSS %6.1f MB\n", n, t * 1000, m / 1024 }'
}

measure validate "$bin" validate "$dir/big.ron"
# Each play writes a new journal under ./exercises/: played in a scratch directory, removed after.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
measure "scripted play" env -C "$scratch" "$PWD/$bin" run "$PWD/$dir/big.ron" \
  --script "$PWD/$dir/big-script.ron"
measure report "$bin" report "$dir/big.jsonl"
