#!/usr/bin/env bash
# End-to-end benchmark: sparkprop vs Spark MLlib's MultilayerPerceptronClassifier on Fashion-MNIST,
# local[2], same data and cached partitions, one invocation. Prints a Markdown table.
#   benchmarks/end-to-end.sh [dataDir] [epochs] [partitions] [mllibIterations|none] [batch] [learningRate] [variants] [pytorch|none]
# variants: sparkprop runs as K/batch/lr[/state[/outerLr/outerMomentum]], comma-separated; K = local steps per
# round (1: synchronous) or auto; state reset or averaged; e.g. 1/1024/0.003,16/128/0.001/averaged,auto/128/0.001
# Needs: apt-get install -y dataset-fashion-mnist libopenblas0-pthread (MLlib's best setting uses
# OpenBLAS with one thread per task, OPENBLAS_NUM_THREADS=1). The PyTorch peer (DJL + CPU libtorch, built
# with -Ppeers from Maven Central jars) runs single-process with 2 intra-op threads, batch 128, Adam 1e-3;
# its native library is unpacked from the jar into benchmarks/target/djl-cache, nothing is downloaded.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -B -q -DskipTests -Ppeers package -pl benchmarks,jobs -am
export OPENBLAS_NUM_THREADS=1 SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1
export OMP_NUM_THREADS=2 DJL_CACHE_DIR="$ROOT/benchmarks/target/djl-cache"
FLAGS=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' pom.xml)
# shellcheck disable=SC2086
exec java -Xmx8g $FLAGS -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "benchmarks/target/benchmarks.jar:jobs/target/lib/*" io.sparkprop.bench.FashionMnistEndToEnd "$@"
