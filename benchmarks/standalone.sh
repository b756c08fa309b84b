#!/usr/bin/env bash
# The end-to-end benchmark on a real 2-worker standalone Spark cluster on this machine (Master, two
# Workers with 1 core each, executors in their own JVMs; the recipe of shared/docs/spark-standalone.md,
# from the Maven jars alone). Same arguments as end-to-end.sh; MLlib is skipped unless asked for.
#   benchmarks/standalone.sh [dataDir] [epochs] [partitions] [mllibIterations|none] [batch] [learningRate] [variants]
# or the cost-growth harness (benchmarks/cost-growth.sh's arguments) on the same cluster, executors of
# SPARKPROP_BENCH_EXECUTOR_MEMORY (default 1g):
#   benchmarks/standalone.sh cost-growth SWEEP [OUT_DIR] [values]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -B -q -DskipTests package -pl benchmarks,jobs -am
export SPARK_HOME="$ROOT/driver/target/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 \
  SPARK_LOCAL_HOSTNAME=127.0.0.1 OPENBLAS_NUM_THREADS=1
mkdir -p "$SPARK_HOME/conf"
FLAGS=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' pom.xml)
CP="$SPARK_HOME/conf/:$SPARK_HOME/jars/*"
RUN=$(mktemp -d /tmp/sparkprop-standalone-bench.XXXXXX)
PIDS=()
stop() {
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[$i]}" 2>/dev/null || true; done
  sleep 2
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap stop EXIT
# shellcheck disable=SC2086
java -Xmx512m $FLAGS -Dspark.master.rest.enabled=false -cp "$CP" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port 7177 --webui-port 8180 > "$RUN/master.log" 2>&1 &
PIDS+=($!)
for i in 1 2; do
  # shellcheck disable=SC2086
  java -Xmx512m $FLAGS -cp "$CP" org.apache.spark.deploy.worker.Worker spark://127.0.0.1:7177 --host 127.0.0.1 \
    --cores 1 --memory 3g --webui-port $((8180 + i)) --work-dir "$RUN/worker$i" > "$RUN/worker$i.log" 2>&1 &
  PIDS+=($!)
done
for _ in $(seq 1 300); do
  if curl -sf http://127.0.0.1:8180/json/ 2>/dev/null | grep -q '"aliveworkers" *: *2'; then break; fi
  sleep 0.2
done
curl -sf http://127.0.0.1:8180/json/ | grep -q '"aliveworkers" *: *2' || { echo "the workers did not register; see $RUN" >&2; exit 1; }
export SPARKPROP_BENCH_MASTER=spark://127.0.0.1:7177 SPARKPROP_BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
if [ "${1:-}" = cost-growth ]; then
  shift
  # executors get the driver's class path (CostGrowth passes it on): absolute, since they run in the workers' folders
  # shellcheck disable=SC2086
  timeout 3600 java -Xmx"${SPARKPROP_BENCH_HEAP:-8g}" $FLAGS -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
    -cp "$ROOT/benchmarks/target/benchmarks.jar:$ROOT/jobs/target/lib/*" io.sparkprop.bench.CostGrowth "$@"
  exit $?
fi
# shellcheck disable=SC2086
timeout 1800 java -Xmx8g $FLAGS -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "benchmarks/target/benchmarks.jar:jobs/target/lib/*" io.sparkprop.bench.FashionMnistEndToEnd "${1:-/usr/share/datasets/fashion-mnist}" \
  "${2:-12}" "${3:-2}" "${4:-none}" "${5:-1024}" "${6:-0.003}" "${7:-1/1024/0.003}"
