"""The Python Params are the JVM's: names, docs, defaults; bad values fail in Python with the JVM's words."""
import json

import pytest

from conftest import jvm, spark_jobs
from sparkprop import SparkpropClassifier, SparkpropError, SparkpropRegressor
from sparkprop._params import declared

ESTIMATORS = [SparkpropClassifier, SparkpropRegressor]


def jvm_params(java_stage):
    """name -> (doc, default as JSON, or None) of every Param of a JVM stage."""
    out = {}
    for p in java_stage.params():
        default = java_stage.getDefault(p)
        out[p.name()] = (p.doc(), json.loads(p.jsonEncode(default.get())) if default.isDefined() else None)
    return out


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda c: c.__name__)
def test_python_and_jvm_params_are_the_same(spark, estimator):
    java = getattr(jvm(spark).io.sparkprop.driver.ml, estimator.__name__)()
    expected = jvm_params(java)
    stage = estimator()
    assert sorted(p.name for p in stage.params) == sorted(expected)
    for spec in declared():
        param = stage.getParam(spec["name"])
        doc, default = expected[spec["name"]]
        assert param.doc == doc, spec["name"]
        assert stage.getOrDefault(param) == default, spec["name"]
        # the getter and setter PySpark's own stages have
        capital = spec["name"][0].upper() + spec["name"][1:]
        assert getattr(stage, "get" + capital)() == default
        assert callable(getattr(stage, "set" + capital))


def test_setters_convert_to_the_jvm_types_and_reach_the_jvm(spark):
    stage = SparkpropClassifier(layers=(16, 8), maxIter=3, seed=2 ** 40, stepSize=1, maxSteps=7, localSteps=4)
    assert stage.getLayers() == [16, 8] and stage.getStepSize() == 1.0 and isinstance(stage.getStepSize(), float)
    assert stage.getLocalSteps() == "4"
    stage._transfer_params_to_java()
    java = stage._java_obj
    assert list(java.getLayers()) == [16, 8]
    assert java.getSeed() == 2 ** 40 and java.getMaxSteps() == 7 and java.getStepSize() == 1.0
    assert java.getLocalSteps() == "4"


@pytest.mark.parametrize("name, value, error, words", [
    ("stepSize", -1.0, ValueError, "parameter stepSize = -1.0 is invalid, expected a number > 0"),
    ("stepSize", float("nan"), ValueError, "expected a number > 0"),
    ("maxIter", -1, ValueError, "parameter maxIter = -1 is invalid, expected an integer >= 0"),
    ("maxIter", 2.5, TypeError, "maxIter"),
    ("dropout", 1.0, ValueError, "expected a number >= 0 and < 1"),
    ("validationFraction", "0.1", TypeError, "validationFraction"),
    ("layers", [64, 0], ValueError, "expected comma-separated positive integers"),
    ("layers", "64,32", TypeError, "layers"),
    ("solver", "lbfgs", ValueError, "parameter solver = 'lbfgs' is invalid, expected one of sgd, momentum, nesterov, adam, adamw"),
    ("standardization", 1, TypeError, "standardization"),
    ("batchSize", 2 ** 31, ValueError, "batchSize"),
    ("localSteps", 0, ValueError, "localSteps"),
])
def test_a_bad_value_fails_when_set_naming_the_param_and_its_range(spark, name, value, error, words):
    jobs = spark_jobs(spark)
    with pytest.raises(error) as raised:
        SparkpropClassifier(**{name: value})
    assert words in str(raised.value) and "\n" not in str(raised.value)
    with pytest.raises(error):
        getattr(SparkpropRegressor(), "set" + name[0].upper() + name[1:])(value)
    assert spark_jobs(spark) == jobs


def test_what_only_the_jvm_decides_fails_at_fit_before_any_spark_job(spark, classes):
    classes.count()
    jobs = spark_jobs(spark)
    with pytest.raises(SparkpropError) as raised:
        SparkpropClassifier(activation="leaky_relu(-5)").fit(classes)
    assert str(raised.value) == ("parameter activation = 'leaky_relu(-5)' is invalid,"
                                 " expected one of identity, sigmoid, tanh, relu, leaky_relu")
    with pytest.raises(SparkpropError, match=r"^parameter classWeights = '1,x' is invalid, expected"):
        SparkpropClassifier(classWeights="1,x").fit(classes)
    assert spark_jobs(spark) == jobs
