"""sparkprop for PySpark and Spark Connect: data-parallel feed-forward network training on Apache Spark.

    import sparkprop
    spark = SparkSession.builder.config("spark.jars", sparkprop.jar_path()).getOrCreate()
    model = sparkprop.SparkpropClassifier(layers=[256, 128], maxIter=10).fit(train)
"""
from sparkprop._errors import SparkpropError
from sparkprop._jar import jar_path
from sparkprop.stages import (
    SparkpropClassificationModel,
    SparkpropClassifier,
    SparkpropRegressionModel,
    SparkpropRegressor,
    TrainingSummary,
)

__all__ = ["SparkpropClassifier", "SparkpropClassificationModel", "SparkpropRegressor", "SparkpropRegressionModel",
           "TrainingSummary", "SparkpropError", "jar_path"]
