#!/usr/bin/env bash
# Scaling benchmark ([scale-out]): Fashion-MNIST and the cost-growth teacher data, every setting at its
# default, in local[N] for each N (one balanced block per task slot), one invocation. Prints a Markdown
# table per data set (epochs and rounds to the target, final accuracy, rows per task per step, bytes per
# round, a round's fixed cost, compute per epoch, time to the target measured and estimated on N cores)
# and writes SVG charts (accuracy by epoch per N; time to the target against N) into OUT_DIR.
#   benchmarks/scaling.sh [fashionDir] [slots] [fashionEpochs] [syntheticRows[:width]] [syntheticEpochs] [OUT_DIR] [settings]
# defaults: /usr/share/datasets/fashion-mnist 1,2,4,8,16,32,64 12 1000000:64 2 benchmarks/results (settings: none;
# key=value,... overrides defaults, for comparisons only). fashionDir none skips Fashion-MNIST, syntheticRows 0
# the synthetic data.
# SPARKPROP_BENCH_HEAP: the driver heap (default 6g; 1M rows of 64 floats are 256 MB cached, of 784 3.1 GB).
# SPARKPROP_BENCH_CP: a class path to put first (an older build's jobs/target/lib/*, for side-by-side runs).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DATA="${1:-/usr/share/datasets/fashion-mnist}"
SLOTS="${2:-1,2,4,8,16,32,64}"
EPOCHS="${3:-12}"
ROWS="${4:-1000000:64}"
SYNTHETIC_EPOCHS="${5:-2}"
OUT="${6:-benchmarks/results}"
SETTINGS="${7:-}"
[[ -n "${SPARKPROP_BENCH_SKIP_BUILD:-}" ]] || mvn -B -q -o -DskipTests package -pl benchmarks,jobs -am
export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1
FLAGS=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' pom.xml)
CP="${SPARKPROP_BENCH_CP:+$SPARKPROP_BENCH_CP:}$ROOT/benchmarks/target/benchmarks.jar:$ROOT/jobs/target/lib/*"
run() {
  # shellcheck disable=SC2086
  java -Xmx"${SPARKPROP_BENCH_HEAP:-6g}" $FLAGS -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
    -cp "$CP" io.sparkprop.bench.Scaling "$@"
}
if [[ "$DATA" != none ]]; then
  run "fashion:$DATA" "$SLOTS" "$EPOCHS" "$OUT" "$SETTINGS"
fi
if [[ "$ROWS" != 0 ]]; then
  run "synthetic:$ROWS" "$SLOTS" "$SYNTHETIC_EPOCHS" "$OUT" "$SETTINGS"
fi
