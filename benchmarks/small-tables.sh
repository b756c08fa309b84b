#!/usr/bin/env bash
# Small regression tables (scikit-learn's diabetes, Friedman #1, Auto MPG) under the default settings and
# the variants given, against ordinary least squares and ridge on the same 80/20 splits. Prints a Markdown
# table of the mean test R^2 (the fit never sees the test rows; sparkprop makes its own validation split
# of the training rows, as a user's run does).
#   benchmarks/small-tables.sh [splits] [variant...]
# variant: name or name:key=value|key=value; with none: old (the defaults before the small-table change,
# set explicitly) and defaults.
# Needs: Python 3.10+ and PyPI for the benchmark-only venv benchmarks/target/small-venv (scikit-learn,
# numpy; made on the first run); apt-get install -y python3-vega-datasets for Auto MPG (else left out).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SPLITS="${1:-3}"
shift || true
VARIANTS=("$@")
if [ ${#VARIANTS[@]} -eq 0 ]; then
  VARIANTS=("old:train.epochs=10|train.patience=0" "defaults")
fi
VENV="$ROOT/benchmarks/target/small-venv"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q scikit-learn numpy
fi
OUT="$ROOT/benchmarks/target/small-tables"
rm -rf "$OUT"
"$VENV/bin/python" benchmarks/small_tables.py prepare "$OUT" "$SPLITS" ${SPARKPROP_CARS_JSON:+"$SPARKPROP_CARS_JSON"}
mvn -B -q -DskipTests package -pl benchmarks,jobs -am
export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1
FLAGS=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' pom.xml)
# shellcheck disable=SC2086
exec java -Xmx4g $FLAGS -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "benchmarks/target/benchmarks.jar:jobs/target/lib/*" io.sparkprop.bench.SmallTables "$OUT" "${VARIANTS[@]}"
