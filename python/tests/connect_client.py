"""Run by test_connect.py in its own process (a Spark Connect client turns PySpark's ML classes remote for the
whole process): fit, transform, save and load over Spark Connect, then print the predictions as JSON.

    python connect_client.py sc://127.0.0.1:PORT DATA.parquet WORK_DIR SETTINGS_JSON
"""
import json
import os
import sys

from pyspark.sql import SparkSession

from sparkprop import SparkpropClassificationModel, SparkpropClassifier, SparkpropError


def probabilities(df):
    return [list(r.probability) for r in df.select("probability").collect()]


def main(url: str, data: str, work: str, settings: str) -> dict:
    spark = SparkSession.builder.remote(url).getOrCreate()
    train = spark.read.parquet(data)
    model = SparkpropClassifier(**json.loads(settings)).fit(train)
    result = {"fitted": probabilities(model.transform(train)), "numClasses": model.numClasses,
              "numFeatures": model.numFeatures}
    model.write().overwrite().save(os.path.join(work, "connect-model"))
    result["loaded"] = probabilities(SparkpropClassificationModel.load(os.path.join(work, "connect-model")).transform(train))
    result["classic_saved"] = probabilities(
        SparkpropClassificationModel.load(os.path.join(work, "classic-model")).transform(train))
    try:
        SparkpropClassifier(maxIter=1).setLabelCol("y").fit(train)
    except SparkpropError as e:
        result["error"] = str(e)
    return result


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))
    sys.stdout.flush()
    # leave at once: the session's clean-up of the remote models can wait on the server
    os._exit(0)
