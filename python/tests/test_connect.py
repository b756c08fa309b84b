"""The same classes over Spark Connect: a real Connect server on 127.0.0.1 with the sparkprop jar, and a client
process; fit, transform and save/load give the classic session's predictions, bit for bit."""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyspark
import pytest

import sparkprop
from sparkprop import SparkpropClassificationModel, SparkpropClassifier

from conftest import JVM_FLAGS

HERE = Path(__file__).resolve().parent
SETTINGS = dict(layers=[8], maxIter=3, seed=7, batchSize=32, stepSize=0.01, validationFraction=0.0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def connect_server(tmp_path_factory):
    """A Spark Connect server process, started (not yet waited for): the caller's classic work overlaps its start."""
    port = free_port()
    log = tmp_path_factory.mktemp("connect") / "server.log"
    spark_submit = os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-submit")
    command = [spark_submit, "--master", "local[2]", "--driver-memory", "1g",
               "--class", "org.apache.spark.sql.connect.service.SparkConnectServer", "--jars", sparkprop.jar_path(),
               "--driver-java-options", JVM_FLAGS,
               "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
               "--conf", "spark.connect.grpc.binding.port=%d" % port,
               "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1"]
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable)
    env.pop("SPARK_HOME", None)
    with open(log, "w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        yield server, log, "sc://127.0.0.1:%d" % port
    finally:
        server.terminate()
        server.wait(60)


def wait_until_started(server, log) -> None:
    deadline = time.time() + 180
    while "Spark Connect server started" not in log.read_text():
        assert server.poll() is None and time.time() < deadline, "no Connect server:\n" + log.read_text()[-3000:]
        time.sleep(0.5)


def test_fit_transform_save_and_load_over_connect_match_classic(connect_server, spark, classes_path, tmp_path):
    server, log, url = connect_server
    train = spark.read.parquet(classes_path)
    classic = SparkpropClassifier(**SETTINGS).fit(train)
    classic.save(str(tmp_path / "classic-model"))
    expected = [list(r.probability) for r in classic.transform(train).select("probability").collect()]

    wait_until_started(server, log)
    client = subprocess.run([sys.executable, str(HERE / "connect_client.py"), url, classes_path, str(tmp_path),
                             json.dumps(SETTINGS)], capture_output=True, text=True, timeout=300)
    assert client.returncode == 0, client.stderr[-3000:]
    remote = json.loads(client.stdout.strip().splitlines()[-1])
    assert remote["fitted"] == expected
    assert (remote["numClasses"], remote["numFeatures"]) == (3, 3)
    assert remote["loaded"] == expected
    assert remote["classic_saved"] == expected
    assert remote["error"] == "label column 'y' is missing; the data has columns [features, label, weight]"
    loaded_here = SparkpropClassificationModel.load(str(tmp_path / "connect-model"))
    assert [list(r.probability) for r in loaded_here.transform(train).select("probability").collect()] == expected


def test_a_session_without_the_jar_says_how_to_add_it(spark):
    # What a session without the jar sees: Py4J resolves a class the JVM cannot load to a package, not a class.
    class NotOnTheClassPath(SparkpropClassifier):
        _java_class = "io.sparkprop.driver.ml.NotOnTheClassPath"

    with pytest.raises(ImportError) as raised:
        NotOnTheClassPath()
    line = str(raised.value)
    assert line.startswith("io.sparkprop.driver.ml.NotOnTheClassPath is not on this Spark session's class path")
    assert 'config("spark.jars", sparkprop.jar_path())' in line and sparkprop.jar_path() in line
