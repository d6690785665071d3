#!/usr/bin/env bash
# Idle cost of the terminal app: CPU time used over 30 s with the clock paused and over 30 s
# with it running (speed ×12, the built-in scenario), read from /proc. Target: under 1% of a
# core in both. Needs tmux.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
cargo build --release --quiet
dir=$(mktemp -d)
journal="$dir/idle.jsonl"
session="ttx-idle-$$"
tmux new-session -d -s "$session" -x 100 -y 30 "exec target/release/ttx run scenarios/cross-border-breach.ron --journal $journal"
trap 'tmux kill-session -t "$session" 2>/dev/null; rm -rf "$dir"' EXIT
sleep 1
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
ticks_per_second=$(getconf CLK_TCK)

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }

measure() {
  local name=$1 before after
  before=$(cpu_ticks)
  sleep "$seconds"
  after=$(cpu_ticks)
  awk -v n="$name" -v t="$((after - before))" -v hz="$ticks_per_second" -v s="$seconds" \
    'BEGIN { printf "%-8s %5.2f%% of a core (%d ticks of 1/%d s in %d s)\n", n, 100 * t / hz / s, t, hz, s }'
}

# Start the clock, then pause it: paused is the state a room spends most time in.
tmux send-keys -t "$session" space
sleep 1
tmux send-keys -t "$session" space
sleep 1
measure paused
tmux send-keys -t "$session" space
sleep 1
measure running
