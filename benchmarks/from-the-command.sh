#!/usr/bin/env bash
# From the command to the first step and to the end: `bin/sparkprop train` on Fashion-MNIST (60k training rows,
# the 10k test rows as validation, 12 epochs by default) with the phase lines on, each launcher in turn, the
# whole list REPEAT times (old and new alternating, when given both). One Markdown row per run: the load average
# before and after, the first step (the end of the first round of steps) and the first epoch at validation
# accuracy >= 0.88 in seconds since launch, the total wall clock, the JVM's CPU seconds (user + system) in all
# and until the first step (Spark's start, then each phase's own), the Spark jobs before the first step, the
# final validation accuracy and the start of params.bin's SHA-256 (the same bits show as the same hash).
#   benchmarks/from-the-command.sh [FASHION_DIR] [EPOCHS] [REPEAT]   # default /usr/share/datasets/fashion-mnist 12 3
# Environment: SPARKPROP_BENCH_BIN (default this tree's bin/sparkprop) the launchers, space-separated (e.g. an
# older build's tree and this one's); each run's stamped log is kept in SPARKPROP_BENCH_LOGS (default a
# temporary directory, removed at the end). Run each launcher once before timing it: the first run after a
# build writes its class archive.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
read -r -a BINS <<<"${SPARKPROP_BENCH_BIN:-$ROOT/bin/sparkprop}"
DATA="${1:-/usr/share/datasets/fashion-mnist}"
EPOCHS="${2:-12}"
REPEAT="${3:-3}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
LOGS="${SPARKPROP_BENCH_LOGS:-$TMP}"
mkdir -p "$LOGS"
echo "| build | load | first step s | 88 % s | total s | CPU s | CPU to first step s | Spark jobs to first step | final accuracy | params.bin |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---|---|"
for ((i = 1; i <= REPEAT; i++)); do
  for bin in "${BINS[@]}"; do
    tree="$(basename "$(cd "$(dirname "$bin")/.." && pwd)")"
    log="$LOGS/$tree.$i.log"
    rm -rf "$TMP/model"
    before="$(cut -d' ' -f1 /proc/loadavg)"
    start="$(date +%s.%N)"
    # every output line stamped with the seconds since launch
    SPARKPROP_JAVA_OPTS="-Xmx4g -Dsparkprop.phases=info" /usr/bin/time -f "TIME wall %e user %U sys %S" \
      "$bin" train --format idx --data "$DATA/train" --validation "$DATA/t10k" --epochs "$EPOCHS" --output "$TMP/model" 2>&1 \
      | while IFS= read -r line; do
          printf '%s %s\n' "$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%7.2f", n - s }')" "$line"
        done >"$log"
    after="$(cut -d' ' -f1 /proc/loadavg)"
    hash="$(sha256sum "$TMP/model/params.bin" | cut -c1-8)"
    python3 - "$log" "$tree" "$before-$after" "$hash" <<'PY'
import re, sys
log, tree, load, digest = sys.argv[1:]
t = open(log).read()
start = re.search(r"spark start: [0-9.]+ s \([0-9.]+ s since launch, ([0-9.]+) s CPU", t)
cpu_first, jobs, first = float(start.group(1)), 0, None
for m in re.finditer(r"phase ([a-z ]+)(?: \([^)]*\))?: [0-9.]+ s, ([0-9.]+) s CPU, (\d+) Spark jobs? \(([0-9.]+) s since", t):
    cpu_first += float(m.group(2))
    jobs += int(m.group(3))
    if m.group(1) == "first round of steps":
        first = float(m.group(4))
reached = next((float(m.group(1)) for m in re.finditer(r"^\s*([0-9.]+) .*epoch \d+/\d+ done.*accuracy ([0-9.]+)", t, re.M)
                if float(m.group(2)) >= 0.88), None)
total = re.search(r"TIME wall ([0-9.]+) user ([0-9.]+) sys ([0-9.]+)", t)
final = re.findall(r"validation accuracy ([0-9.]+)", t)
print(f"| {tree} | {load} | {first:.1f} | {'-' if reached is None else f'{reached:.1f}'} | {float(total.group(1)):.1f} | "
      f"{float(total.group(2)) + float(total.group(3)):.1f} | {cpu_first:.1f} | {jobs} | {final[-1] if final else '-'} | {digest}... |")
PY
  done
done
