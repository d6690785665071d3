#!/usr/bin/env bash
# Compares two ttx binaries on the big exercise (10,000 injects, 20,000 responses): validate,
# scripted play and report, run alternately (old, new, floor, old, new, floor, ...) so that a shared
# machine's changing load falls on all alike. Prints the medians of CPU time, user-space cycles and
# user-space instructions (perf stat); instructions barely move with the load, time does. Where perf
# cannot count instructions (no perf, or a machine without hardware counters, such as most virtual
# machines), the medians of wall time and CPU time (bash's `time`, to the millisecond), peak
# resident memory and page faults (/usr/bin/time) instead: take more runs then, as time moves with
# the load; page faults do not.
#
#   benches/compare.sh OLD_BINARY [NEW_BINARY] [RUNS]
#
# TTX_BIG=DIR takes the exercise from DIR instead of target/big (for another size:
# `cargo bench --bench core -- --write-big DIR 50000`).
#
# Each round also runs the RON floor (examples/ron_floor.rs: the same scenario parsed into the
# `ron` crate's untyped tree, nothing more), alternating with the two builds, and every figure is
# followed by its ratio to the floor's: issue 24 sets ttx's goals as such ratios. FLOOR=BINARY
# takes another build of it; by default it is built here (`cargo build --release --example
# ron_floor`).
#
# An old binary is built from a revision with, for example:
#   git worktree add --detach ../ttx-old 724b0fc && (cd ../ttx-old && cargo build --release)
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: benches/compare.sh OLD_BINARY [NEW_BINARY] [RUNS]}
new=${2:-target/release/ttx}
runs=${3:-11}
if command -v perf >/dev/null && perf stat -x, -e instructions:u true 2>&1 >/dev/null |
  grep -q '^[0-9]'; then
  counter=perf
else
  counter=time
  [ -x /usr/bin/time ] || { echo "compare.sh needs perf or /usr/bin/time" >&2; exit 2; }
fi
dir=${TTX_BIG:-target/big}
[ -f "$dir/big.ron" ] || cargo bench --quiet --bench core -- --write-big "$dir" >/dev/null
floor=${FLOOR:-}
if [ -z "$floor" ]; then
  cargo build --quiet --release --example ron_floor
  floor=target/release/examples/ron_floor
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Each binary reports on a journal it wrote itself: journal formats differ between versions.
for side in old new; do
  bin=${!side}
  "$bin" run "$dir/big.ron" --script "$dir/big-script.ron" --journal "$work/$side.jsonl" >/dev/null
done

# One run: "task-clock-ms cycles instructions" under perf stat, or "wall-ms CPU-ms peak-KB"
# under /usr/bin/time.
measure() {
  if [ "$counter" = perf ]; then
    perf stat -x, -e task-clock,cycles:u,instructions:u "$@" 2>&1 >/dev/null |
      awk -F, '{ printf "%s ", $1 } END { print "" }'
  else
    # /usr/bin/time gives the peak RSS but times to 10 ms only, a seventh of the floor: bash's
    # `time` around it gives wall and CPU time (the command's, with /usr/bin/time's own
    # millisecond) to the millisecond.
    local TIMEFORMAT='%3R %3U %3S'
    { time /usr/bin/time -o "$work/rss" -f "%M %R" "$@" >/dev/null 2>&1; } 2>"$work/time"
    read -r rss faults <"$work/rss"
    awk -v rss="$rss" -v faults="$faults" \
      '{ printf "%.0f %.0f %d %d\n", $1 * 1000, ($2 + $3) * 1000, rss, faults }' "$work/time"
  fi
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# The floor's runs, pooled over the three commands' rounds.
: >"$work/floor"
for what in validate play report; do
  for side in old new; do : >"$work/$what.$side"; done
  for _ in $(seq "$runs"); do
    for side in old new; do
      bin=${!side}
      case $what in
        validate) measure "$bin" validate "$dir/big.ron" ;;
        play)
          rm -f "$work/play-$side.jsonl"
          measure "$bin" run "$dir/big.ron" --script "$dir/big-script.ron" \
            --journal "$work/play-$side.jsonl"
          ;;
        report) measure "$bin" report "$work/$side.jsonl" ;;
      esac >>"$work/$what.$side"
    done
    measure "$floor" "$dir/big.ron" >>"$work/floor"
  done
done

# The medians of one file's runs: "first second third fourth" (no fourth under perf).
medians() {
  local fields
  fields=$(head -1 "$1" | wc -w)
  for f in $(seq "$fields"); do cut -d' ' -f"$f" "$1" | median; done | paste -sd' '
}
read -r floor1 floor2 floor3 floor4 <<<"$(medians "$work/floor")"
if [ "$counter" = perf ]; then
  printf '%-12s  CPU %5.0f ms   cycles %6.0f M   instructions %6.0f M\n' floor "$floor1" \
    "$((floor2 / 1000000))" "$((floor3 / 1000000))"
else
  printf '%-12s  wall %5.0f ms   CPU %5.0f ms   peak RSS %6.1f MB   page faults %6d\n' floor \
    "$floor1" "$floor2" "$(awk -v m="$floor3" 'BEGIN { print m / 1024 }')" "$floor4"
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
for what in validate play report; do
  for side in old new; do
    read -r m1 m2 m3 m4 <<<"$(medians "$work/$what.$side")"
    if [ "$counter" = perf ]; then
      printf '%-8s %-3s  CPU %5.0f ms   cycles %6.0f M   instructions %6.0f M   floor: CPU %s×, instructions %s×\n' \
        "$what" "$side" "$m1" "$((m2 / 1000000))" "$((m3 / 1000000))" \
        "$(ratio "$m1" "$floor1")" "$(ratio "$m3" "$floor3")"
    else
      printf '%-8s %-3s  wall %5.0f ms   CPU %5.0f ms   peak RSS %6.1f MB   page faults %6d   floor: CPU %s×, peak RSS %s×, page faults %s×\n' \
        "$what" "$side" "$m1" "$m2" "$(awk -v m="$m3" 'BEGIN { print m / 1024 }')" "$m4" \
        "$(ratio "$m2" "$floor2")" "$(ratio "$m3" "$floor3")" "$(ratio "$m4" "$floor4")"
    fi
  done
done
