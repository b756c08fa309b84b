"""One classic local[2] SparkSession for the whole test session, with the packaged sparkprop jar, and small data.

Every fit here is tiny (a few hundred rows, a few epochs): the suite's time is Spark's start-up and one
Spark Connect server, so the data sets are shared and written once as Parquet (both sessions read the
same files, hence the same partitions and the same bits).
"""
import os
import random

os.environ.pop("SPARK_HOME", None)  # the pip-installed pyspark's own Spark, whatever the machine has set
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ.setdefault("SPARK_LOCAL_HOSTNAME", "127.0.0.1")

import pytest
from pyspark.ml.linalg import Vectors
from pyspark.sql import SparkSession

import sparkprop

JVM_FLAGS = "--add-modules=jdk.incubator.vector"


def local_session(master: str = "local[2]", jars: bool = True) -> SparkSession:
    builder = (SparkSession.builder.master(master).appName("sparkprop-pytest")
               .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2").config("spark.driver.memory", "1g")
               .config("spark.driver.extraJavaOptions", JVM_FLAGS))
    if jars:
        builder = builder.config("spark.jars", sparkprop.jar_path())
    return builder.getOrCreate()


@pytest.fixture(scope="session")
def spark():
    session = local_session()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def blobs(n_per_class: int = 80, seed: int = 1):
    """Three Gaussian blobs in 3 features (the third noise), labels 0..2, and a weight per row."""
    rnd = random.Random(seed)
    return [(Vectors.dense([rnd.gauss(2.0 * y, 1.0), rnd.gauss(-1.0 * y, 1.0), rnd.random()]), float(y),
             1.0 + (i % 3)) for i in range(n_per_class) for y in (0, 1, 2)]


@pytest.fixture(scope="session")
def classes_path(spark, tmp_path_factory):
    """blobs() as Parquet in two files: features, label, weight."""
    path = str(tmp_path_factory.mktemp("data") / "classes.parquet")
    spark.createDataFrame(blobs(), ["features", "label", "weight"]).repartition(2).write.parquet(path)
    return path


@pytest.fixture(scope="session")
def classes(spark, classes_path):
    return spark.read.parquet(classes_path).cache()


@pytest.fixture(scope="session")
def targets(spark):
    """y = 3 x0 - 2 x1 + 10 with a little noise: two numeric columns and a label."""
    rnd = random.Random(5)
    rows = []
    for _ in range(240):
        x0, x1 = rnd.uniform(-1, 1), rnd.uniform(-1, 1)
        rows.append((x0, x1, 3 * x0 - 2 * x1 + 10 + rnd.gauss(0, 0.05)))
    return spark.createDataFrame(rows, ["x0", "x1", "y"]).repartition(2).cache()


def jvm(spark):
    return spark.sparkContext._jvm


def int_array(spark, values):
    gateway = spark.sparkContext._gateway
    array = gateway.new_array(gateway.jvm.int, len(values))
    for i, v in enumerate(values):
        array[i] = v
    return array


def spark_jobs(spark) -> int:
    """How many Spark jobs this session has started so far."""
    return len(spark.sparkContext.statusTracker().getJobIdsForGroup(None))
