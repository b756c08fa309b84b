#!/usr/bin/env bash
# The Python peers a Spark user would pick, beside sparkprop's default run, on Fashion-MNIST in one invocation:
# sparkprop (bin/sparkprop train, local[2], every setting at its default: 784-256-128-10 ReLU, Adam, batch 128),
# single-process PyTorch with 2 threads at the batch and rate of a short sweep that reach 88 % soonest, and
# Spark's TorchDistributor (2 local processes, DDP over Gloo) at the same global batch and rate.
# Prints a Markdown table with time to 85 % / 88 % and s/epoch, and the ratios of sparkprop's times to the peers'.
#   benchmarks/python-peers.sh [dataDir] [epochs] [sweepEpochs] [sweepBatches] [sweepRates]
# Needs: apt-get install -y dataset-fashion-mnist; Python 3.10+ and PyPI for the peers' venv (torch, pyspark,
# numpy: benchmark-only, in benchmarks/target/peers-venv, made on the first run); the job jar (bin/sparkprop
# builds it when missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${1:-/usr/share/datasets/fashion-mnist}"
EPOCHS="${2:-12}"
SWEEP_EPOCHS="${3:-6}"
BATCHES="${4:-128,512,1024}"
RATES="${5:-0.001,0.003}"
VENV="$ROOT/benchmarks/target/peers-venv"
OUT="$ROOT/benchmarks/target/python-peers"
mkdir -p "$OUT"
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c "import torch, pyspark, numpy" 2>/dev/null; then
  echo "python-peers: installing torch, pyspark==4.1.0 and numpy from PyPI into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q torch pyspark==4.1.0 numpy
fi
PY=("$VENV/bin/python" "$ROOT/benchmarks/python_peers.py")
export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1 PYSPARK_PYTHON="$VENV/bin/python"

echo "load before: $(uptime)" >&2
"$ROOT/bin/sparkprop" train --format idx --data "$DATA/train" --validation "$DATA/t10k" --epochs "$EPOCHS" \
  --conf spark.master='local[2]' --conf output.model="$OUT/sparkprop-model" --overwrite >"$OUT/sparkprop.log" 2>&1 \
  || { tail -n 20 "$OUT/sparkprop.log" >&2; exit 1; }
"${PY[@]}" sparkprop-log "$OUT/sparkprop.log" "$OUT/sparkprop.json"
echo "load after sparkprop: $(uptime)" >&2

"${PY[@]}" sweep "$DATA" "$SWEEP_EPOCHS" "$BATCHES" "$RATES" "$OUT/sweep.json" >&2
read -r BATCH LR < <("$VENV/bin/python" -c \
  "import json; b = json.load(open('$OUT/sweep.json'))['best']; print(b['batch'], b['lr'])")
echo "python-peers: the sweep's best: batch $BATCH, lr $LR; load: $(uptime)" >&2

"${PY[@]}" torch "$DATA" "$EPOCHS" "$BATCH" "$LR" "$OUT/torch.json"
echo "load after PyTorch: $(uptime)" >&2
"${PY[@]}" distributor "$DATA" "$EPOCHS" "$BATCH" "$LR" "$OUT/distributor.json" >"$OUT/distributor.log" 2>&1 \
  || { tail -n 30 "$OUT/distributor.log" >&2; exit 1; }
echo "load after TorchDistributor: $(uptime)" >&2

"${PY[@]}" table "$OUT/sparkprop.json" "$OUT/torch.json" "$OUT/distributor.json"
