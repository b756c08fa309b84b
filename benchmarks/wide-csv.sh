#!/usr/bin/env bash
# Setup time of wide CSV tables: for each column count, one generated CSV (a header, ROWS rows of that many
# numeric feature columns c0..c{N-1} with values 0..255 and a numeric label y), then one `bin/sparkprop train
# --features '*'` of one epoch, timed from the command's start to the line "training on ... rows" (the
# blocks are built and the first step starts), the JVM's CPU seconds (user + system) by then, which a busy
# machine inflates less than the wall clock, and the time to its exit. One Markdown row per column count.
#   benchmarks/wide-csv.sh [COLUMNS...]                  # default: 100 1000 5000 20000
# Environment: SPARKPROP_BENCH_ROWS (default 10000) rows per table; SPARKPROP_BENCH_BIN (default this tree's
# bin/sparkprop) the launchers to time, space-separated, each on the same table one after the other (e.g. an
# older build's and this one's, for before/after pairs; the row names the launcher's tree); SPARKPROP_BENCH_TIMEOUT
# (seconds, default 900) stops a run that takes longer (the row then says "> T s").
# SPARKPROP_BENCH_COMMAND=predict or evaluate times that command instead, from start to exit (wall and the JVM's
# user + system CPU), on a model the first launcher trains on each table as above (its time not shown):
# `predict MODEL --format csv --data TABLE --output-format csv -o OUT` or `evaluate MODEL --format csv --data TABLE
# --label y`; the row ends with the first 16 hex digits of the SHA-256 of the output (the written CSV's sorted
# lines; the printed metrics), equal between launchers when they give the same predictions.
# The data and models go to a temporary directory, removed at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
read -r -a BINS <<<"${SPARKPROP_BENCH_BIN:-$ROOT/bin/sparkprop}"
ROWS="${SPARKPROP_BENCH_ROWS:-10000}"
TIMEOUT="${SPARKPROP_BENCH_TIMEOUT:-900}"
COMMAND="${SPARKPROP_BENCH_COMMAND:-train}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
COLUMNS_LIST=("$@")
[[ ${#COLUMNS_LIST[@]} -gt 0 ]] || COLUMNS_LIST=(100 1000 5000 20000)
if [[ "$COMMAND" == train ]]; then
  echo "| build | columns | rows | CSV MiB | setup s (start to first step) | JVM CPU s in setup | total s (1 epoch) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
else
  echo "| build | command | columns | rows | CSV MiB | wall s | JVM CPU s | output SHA-256 (first 16) |"
  echo "|---|---|---:|---:|---:|---:|---:|---|"
fi
for n in "${COLUMNS_LIST[@]}"; do
  python3 - "$OUT/wide-$n.csv" "$n" "$ROWS" <<'PY'
import random, sys
path, n, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(n)
with open(path, "w") as f:
    f.write(",".join(f"c{j}" for j in range(n)) + ",y\n")
    for _ in range(rows):
        v = [rnd.randrange(256) for _ in range(n)]
        f.write(",".join(map(str, v)) + "," + str(sum(v[:8]) / 1000) + "\n")
PY
  mib=$(python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1]) / 2**20:.0f}')" "$OUT/wide-$n.csv")
  if [[ "$COMMAND" != train ]]; then
    rm -rf "$OUT/model-$n"
    "${BINS[0]}" train --data "$OUT/wide-$n.csv" --format csv --features '*' --label y --task regression --hidden 16 \
        --epochs 1 -o "$OUT/model-$n" >/dev/null 2>&1
    for bin in "${BINS[@]}"; do
      rm -rf "$OUT/out-$n"
      if [[ "$COMMAND" == predict ]]; then
        args=(predict "$OUT/model-$n" --format csv --data "$OUT/wide-$n.csv" --output-format csv -o "$OUT/out-$n")
      else
        args=(evaluate "$OUT/model-$n" --format csv --data "$OUT/wide-$n.csv" --label y)
      fi
      python3 - "$TIMEOUT" "$OUT/out-$n" "$bin" "${args[@]}" <<'PY' >"$OUT/times-$n" || true
import glob, hashlib, os, subprocess, sys, threading, time
timeout, out, cmd = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
start = time.monotonic()
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
timer = threading.Timer(timeout, p.kill)
timer.start()
printed = p.stdout.read()
_, status, usage = os.wait4(p.pid, 0)  # the JVM's CPU (bin/sparkprop execs it: the same pid)
timer.cancel()
wall = time.monotonic() - start
if os.waitstatus_to_exitcode(status) != 0:
    print(f"> {timeout:.0f}" if wall >= timeout else "failed", "-", "-", sep="\t")
    sys.exit()
lines = sorted(l for f in glob.glob(out + "/part-*") for l in open(f, "rb"))
digest = hashlib.sha256(b"".join(lines) if lines else printed).hexdigest()[:16]
print(f"{wall:.1f}", f"{usage.ru_utime + usage.ru_stime:.1f}", digest, sep="\t")
PY
      IFS=$'\t' read -r wall cpu digest <"$OUT/times-$n" || true
      echo "| $(basename "$(dirname "$(dirname "$bin")")") | $COMMAND | $n | $ROWS | $mib | $wall | $cpu | $digest |"
    done
    rm -f "$OUT/wide-$n.csv"
    continue
  fi
  for bin in "${BINS[@]}"; do
    rm -rf "$OUT/model-$n"
    python3 - "$TIMEOUT" "$bin" train --data "$OUT/wide-$n.csv" --format csv --features '*' --label y \
        --task regression --hidden 16 --epochs 1 -o "$OUT/model-$n" >"$OUT/times-$n" <<'PY' || true
import os, subprocess, sys, threading, time
timeout, cmd = float(sys.argv[1]), sys.argv[2:]
tick = os.sysconf("SC_CLK_TCK")
def cpu(pid):  # user + system seconds of the JVM so far (bin/sparkprop execs it: the same pid)
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick
start = time.monotonic()
setup = setup_cpu = None
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
timer = threading.Timer(timeout, p.kill)
timer.start()
for line in p.stdout:
    if setup is None and line.startswith("training on "):
        setup = time.monotonic() - start
        setup_cpu = cpu(p.pid)
p.wait()
timer.cancel()
total = time.monotonic() - start
late = f"> {timeout:.0f}"
print(f"{setup:.1f}" if setup is not None else late if total >= timeout else "-",
      f"{setup_cpu:.1f}" if setup_cpu is not None else "-",
      f"{total:.1f}" if p.returncode == 0 else late if total >= timeout else f"failed (exit {p.returncode})", sep="\t")
PY
    IFS=$'\t' read -r setup cpu total <"$OUT/times-$n" || true
    echo "| $(basename "$(dirname "$(dirname "$bin")")") | $n | $ROWS | $mib | $setup | $cpu | $total |"
  done
  rm -f "$OUT/wide-$n.csv"
done
