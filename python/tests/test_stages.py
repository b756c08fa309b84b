"""fit / transform / save / load on classic local[2] PySpark, against the JVM stages on the same data and settings."""
import json
import os

import pytest
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.evaluation import BinaryClassificationEvaluator, MulticlassClassificationEvaluator, RegressionEvaluator
from pyspark.ml.feature import VectorAssembler
from pyspark.ml.tuning import CrossValidator, CrossValidatorModel, ParamGridBuilder, TrainValidationSplit
from pyspark.sql import DataFrame

from conftest import int_array, jvm
from sparkprop import (SparkpropClassificationModel, SparkpropClassifier, SparkpropError, SparkpropRegressionModel,
                       SparkpropRegressor)

SETTINGS = dict(layers=[8, 4], maxIter=4, stepSize=0.01, seed=11, batchSize=32, validationFraction=0.25,
                solver="momentum", schedule="step", decaySteps=5, decayRate=0.5)


def params_bin(model_dir: str) -> bytes:
    with open(os.path.join(model_dir, "model", "params.bin"), "rb") as f:
        return f.read()


def java_classifier(spark, weight_col: str = ""):
    """The JVM stage with SETTINGS, through its Java setters."""
    c = jvm(spark).io.sparkprop.driver.ml.SparkpropClassifier()
    return (c.setLayers(int_array(spark, SETTINGS["layers"])).setMaxIter(4).setStepSize(0.01).setSeed(11)
            .setBatchSize(32).setValidationFraction(0.25).setSolver("momentum").setSchedule("step")
            .setDecaySteps(5).setDecayRate(0.5).setWeightCol(weight_col))


def predictions(df: DataFrame, column: str = "probability"):
    return [tuple(r[0]) if hasattr(r[0], "__len__") else r[0] for r in df.select(column).collect()]


def test_fit_and_transform_give_the_jvm_stages_bits(spark, classes, tmp_path):
    model = SparkpropClassifier(**SETTINGS).setWeightCol("weight").fit(classes)
    java_model = java_classifier(spark, "weight").fit(classes._jdf)
    model.write().save(str(tmp_path / "python"))
    java_model.write().save(str(tmp_path / "java"))
    assert params_bin(str(tmp_path / "python")) == params_bin(str(tmp_path / "java"))
    java_out = DataFrame(java_model.transform(classes._jdf), spark)
    assert predictions(model.transform(classes)) == predictions(java_out)
    assert predictions(model.transform(classes), "prediction") == predictions(java_out, "prediction")


def test_weight_col_changes_the_fit(spark, classes, tmp_path):
    SparkpropClassifier(**SETTINGS).fit(classes).write().save(str(tmp_path / "plain"))
    SparkpropClassifier(**SETTINGS).setWeightCol("weight").fit(classes).write().save(str(tmp_path / "weighted"))
    assert params_bin(str(tmp_path / "plain")) != params_bin(str(tmp_path / "weighted"))
    with pytest.raises(SparkpropError) as raised:
        SparkpropClassifier(**SETTINGS).setWeightCol("w").fit(classes)
    assert "'w'" in str(raised.value) and "weight" in str(raised.value) and "\n" not in str(raised.value)


def test_summary_has_the_per_epoch_history(classes):
    model = SparkpropClassifier(**SETTINGS).fit(classes)
    summary = model.summary
    assert model.hasSummary
    assert len(summary.lossHistory) == 4 and len(summary.validationLossHistory) == 4
    assert summary.epochs == 4 and summary.stopReason == "epochs"
    assert summary.lossHistory[-1] < summary.lossHistory[0]


def test_thresholds_reweigh_the_predicted_class(classes):
    model = SparkpropClassifier(**SETTINGS).fit(classes)
    model.setThresholds([1.0, 50.0, 50.0])
    rows = model.transform(classes).select("probability", "prediction").collect()
    for r in rows:
        scaled = [p / t for p, t in zip(r.probability, [1.0, 50.0, 50.0])]
        assert r.prediction == float(scaled.index(max(scaled)))
    assert sum(r.prediction == 0.0 for r in rows) > 2 * len(rows) / 3


def test_save_in_python_load_in_java_and_back(spark, classes, tmp_path):
    model = SparkpropClassifier(**SETTINGS).fit(classes)
    expected = predictions(model.transform(classes))
    model.write().save(str(tmp_path / "m"))
    java_model = jvm(spark).io.sparkprop.driver.ml.SparkpropClassificationModel.load(str(tmp_path / "m"))
    assert predictions(DataFrame(java_model.transform(classes._jdf), spark)) == expected
    java_model.write().save(str(tmp_path / "from-java"))
    loaded = SparkpropClassificationModel.load(str(tmp_path / "from-java"))
    assert loaded.uid == model.uid and predictions(loaded.transform(classes)) == expected
    assert not loaded.hasSummary

    estimator = SparkpropClassifier(**SETTINGS)
    estimator.save(str(tmp_path / "estimator"))
    java_estimator = jvm(spark).io.sparkprop.driver.ml.SparkpropClassifier.load(str(tmp_path / "estimator"))
    assert list(java_estimator.getLayers()) == [8, 4] and java_estimator.getSolver() == "momentum"
    again = SparkpropClassifier.load(str(tmp_path / "estimator"))
    assert again.getLayers() == [8, 4] and again.getDecayRate() == 0.5 and again.uid == estimator.uid


def test_pipeline_and_cross_validator(spark, targets, tmp_path):
    assembler = VectorAssembler(inputCols=["x0", "x1"], outputCol="features")
    regressor = SparkpropRegressor(layers=[16], maxIter=8, seed=3, batchSize=16, validationFraction=0.0).setLabelCol("y")
    grid = ParamGridBuilder().addGrid(regressor.stepSize, [0.0003, 0.02]).build()
    evaluator = RegressionEvaluator(labelCol="y", metricName="rmse")
    cv = CrossValidator(estimator=Pipeline(stages=[assembler, regressor]), estimatorParamMaps=grid,
                        evaluator=evaluator, numFolds=2, seed=5)
    fitted = cv.fit(targets)
    assert fitted.avgMetrics[1] < fitted.avgMetrics[0]
    best = fitted.bestModel
    assert isinstance(best.stages[-1], SparkpropRegressionModel)
    rmse = evaluator.evaluate(best.transform(targets))
    assert rmse < 0.5 * targets.agg({"y": "stddev"}).first()[0]

    fitted.save(str(tmp_path / "cv"))
    loaded = CrossValidatorModel.load(str(tmp_path / "cv"))
    assert isinstance(loaded.bestModel.stages[-1], SparkpropRegressionModel)
    assert predictions(loaded.bestModel.transform(targets), "prediction") == predictions(best.transform(targets), "prediction")
    best.save(str(tmp_path / "pipeline"))
    assert predictions(PipelineModel.load(str(tmp_path / "pipeline")).transform(targets), "prediction") == \
        predictions(best.transform(targets), "prediction")


def test_classifier_in_a_pipeline_with_the_multiclass_evaluator(classes):
    model = Pipeline(stages=[SparkpropClassifier(layers=[8], maxIter=6, batchSize=8, stepSize=0.01, seed=3)]).fit(classes)
    accuracy = MulticlassClassificationEvaluator(metricName="accuracy").evaluate(model.transform(classes))
    assert accuracy > 0.5  # chance is 1/3; the blobs overlap (the Bayes rate is near 0.7)


def test_train_validation_split_with_the_binary_evaluator(classes):
    binary = classes.filter("label < 2")
    classifier = SparkpropClassifier(layers=[8], maxIter=3, batchSize=16, seed=3, validationFraction=0.0)
    grid = ParamGridBuilder().addGrid(classifier.stepSize, [1e-5, 0.01]).build()
    tvs = TrainValidationSplit(estimator=classifier, estimatorParamMaps=grid, trainRatio=0.75, seed=5,
                               evaluator=BinaryClassificationEvaluator(metricName="areaUnderROC"))
    fitted = tvs.fit(binary)
    assert fitted.validationMetrics[1] > 0.7 and fitted.bestModel.numClasses == 2


def test_bad_data_is_one_line_naming_the_column_and_row(spark, classes):
    from pyspark.ml.linalg import Vectors
    bad = spark.createDataFrame([(Vectors.dense([1.0, float("nan"), 0.0]), 1.0)], ["features", "label"])
    with pytest.raises(SparkpropError) as raised:
        SparkpropClassifier(maxIter=1).fit(classes.select("features", "label").union(bad))
    message = str(raised.value)
    assert message.startswith("column 'features',") and "feature 1 is NaN" in message
    assert "\n" not in message and "Py4J" not in message and "at org." not in message


def test_a_missing_column_is_one_line_naming_the_columns_there_are(classes, targets):
    with pytest.raises(SparkpropError) as raised:
        SparkpropClassifier(maxIter=1).setLabelCol("y").fit(classes)
    assert str(raised.value) == "label column 'y' is missing; the data has columns [features, label, weight]"
    model = SparkpropClassifier(maxIter=1).fit(classes)
    with pytest.raises(SparkpropError, match=r"^features column 'features' is missing; the data has columns \[x0, x1, y\]$"):
        model.transform(targets)


def test_a_model_folder_from_a_newer_version_is_one_line(classes, tmp_path):
    SparkpropClassifier(maxIter=1).fit(classes).save(str(tmp_path / "m"))
    meta = tmp_path / "m" / "model" / "model.json"
    doc = json.loads(meta.read_text())
    doc["formatVersion"] = 99
    meta.write_text(json.dumps(doc))
    with pytest.raises(SparkpropError) as raised:
        SparkpropClassificationModel.load(str(tmp_path / "m"))
    assert "version 99" in str(raised.value) and "version 1" in str(raised.value) and "\n" not in str(raised.value)
