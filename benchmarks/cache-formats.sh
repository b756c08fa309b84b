#!/usr/bin/env bash
# data.cacheFormat side by side: one `bin/sparkprop train` per format (float32, bfloat16, float16,
# uint8) with the same settings, then one Markdown table: the training blocks' cached bytes (as the fit
# reports them, model.json training.cache), their ratio to float32, seconds per epoch (the mean over
# epochs 2..N, the first one warms the JIT) and the final validation accuracy.
#   benchmarks/cache-formats.sh [train arguments...]
#   benchmarks/cache-formats.sh                                        # the default MNIST-10k run
#   benchmarks/cache-formats.sh --job conf/jobs/fashion-mnist.conf     # Fashion-MNIST (dataset-fashion-mnist)
# The models go to a temporary directory, removed at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
for format in float32 bfloat16 float16 uint8; do
  "$ROOT/bin/sparkprop" train "$@" --conf "data.cacheFormat=$format" -o "$OUT/$format" >"$OUT/$format.log" 2>&1 \
    || { cat "$OUT/$format.log" >&2; exit 1; }
done
python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
rows = []
base = None
for f in ["float32", "bfloat16", "float16", "uint8"]:
    model = json.load(open(os.path.join(out, f, "model.json")))
    training = model["training"]
    cache = training["cache"]
    epochs = [json.loads(l) for l in open(os.path.join(out, f, "history.jsonl"))]
    timed = epochs[1:] or epochs
    seconds = sum(e["elapsedSeconds"] for e in timed) / len(timed)
    accuracy = epochs[-1]["validation"]["accuracy"]
    base = base or cache["bytes"]
    rows.append((f, cache["bytes"], cache["bytes"] / base, cache["bytes"] / cache["float32Bytes"], seconds, accuracy))
print("| format | cached MiB | ratio to float32 | s/epoch | validation accuracy |")
print("|---|---:|---:|---:|---:|")
for f, b, r, _, s, a in rows:
    print(f"| {f} | {b / 2**20:.1f} | {r:.3f} | {s:.2f} | {a:.4f} |")
PY
