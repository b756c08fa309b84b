#!/usr/bin/env bash
# Cost-growth harness: how a round and an epoch grow with rows, parameters, partitions and wide sparse
# input, on synthetic data labelled by a fixed random teacher network. Prints Markdown tables and
# writes SVG charts into OUT_DIR (default benchmarks/results).
#   benchmarks/cost-growth.sh rows|params|partitions|sparse|sparse-update|aggregation [OUT_DIR] [values, comma-separated]
# SPARKPROP_BENCH_MASTER picks the master (default local[2]; e.g. local-cluster[2,1,2048]);
# SPARKPROP_BENCH_HEAP the driver heap (default 8g); SPARKPROP_BENCH_CACHE the rows sweep's cache format
# (float32, default, or uint8, bfloat16, float16) and SPARKPROP_BENCH_BLOCK_ROWS its most rows a block
# (default 500000); SPARKPROP_BENCH_MAX_RESULT spark.driver.maxResultSize;
# SPARKPROP_BENCH_OPTIMIZERS the sparse-update sweep's optimizers (default sgd,adam).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -B -q -DskipTests package -pl benchmarks,jobs -am
export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1
# local-cluster executors are started from SPARK_HOME (an empty jars folder is enough: the class path is ours)
export SPARK_HOME="${SPARK_HOME:-$ROOT/benchmarks/target/spark-home}" SPARK_SCALA_VERSION=2.13
mkdir -p "$SPARK_HOME/jars"
FLAGS=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' pom.xml)
SWEEP="${1:-params}"
OUT="${2:-benchmarks/results}"
shift $(( $# > 2 ? 2 : $# ))
# shellcheck disable=SC2086
exec java -Xmx"${SPARKPROP_BENCH_HEAP:-8g}" $FLAGS -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$ROOT/benchmarks/target/benchmarks.jar:$ROOT/jobs/target/lib/*" io.sparkprop.bench.CostGrowth "$SWEEP" "$OUT" "$@"
