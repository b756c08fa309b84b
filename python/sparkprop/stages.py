"""SparkpropClassifier, SparkpropRegressor and their models: thin wrappers over the JVM stages of
io.sparkprop.driver.ml (fit, transform, save and load run there; the Params come from params.json).

They work wherever PySpark's own Java stages do: Pipeline, CrossValidator and TrainValidationSplit, the
evaluators, and on a Spark Connect session (the server loads the JVM stages through
META-INF/services/org.apache.spark.ml.Estimator and .Transformer in the jar).
"""
from typing import Any, Dict, List, Optional, Type

from pyspark.ml.classification import _JavaProbabilisticClassificationModel, _JavaProbabilisticClassifier
from pyspark.ml.regression import _JavaRegressionModel, _JavaRegressor
from pyspark.ml.util import DefaultParamsReader, JavaMLReadable, JavaMLReader, JavaMLWritable, JavaMLWriter, MLReader
from pyspark.ml.wrapper import JavaParams, JavaWrapper
from pyspark.sql import is_remote

from sparkprop._errors import reported
from sparkprop._jar import JVM_PACKAGE, missing_jar_message
from sparkprop._params import SparkpropParams


class TrainingSummary(JavaWrapper):
    """How a fit went (io.sparkprop.driver.ml.TrainingSummary): per-epoch losses and why it stopped."""

    @property
    def lossHistory(self) -> List[float]:
        """Mean training loss per epoch, epoch 1 first."""
        return list(self._call_java("lossHistory"))

    @property
    def validationLossHistory(self) -> List[float]:
        """Validation loss after each epoch; empty with validationFraction 0."""
        return list(self._call_java("validationLossHistory"))

    @property
    def totalIterations(self) -> int:
        return self._call_java("totalIterations")

    @property
    def epochs(self) -> int:
        return self._call_java("epochs")

    @property
    def stopReason(self) -> str:
        """epochs, max_iterations or early_stopping."""
        return self._call_java("stopReason")


class _Reader(JavaMLReader):
    """Loads with the JVM stage's own reader (PySpark would look for org.apache.spark.<module>)."""

    @classmethod
    def _java_loader_class(cls, clazz: Type[Any]) -> str:
        return clazz._java_class

    @reported
    def load(self, path: str) -> Any:
        return super().load(path)


class _Writer(JavaMLWriter):
    @reported
    def save(self, path: str) -> None:
        super().save(path)


def _remote_load(clazz: Type[Any], path: str) -> Any:
    """Spark Connect: PySpark's remote reader with the JVM class name (it would derive org.apache.spark.<module>)."""
    import pyspark.sql.connect.proto as pb2
    from pyspark.ml.connect.serialize import deserialize, deserialize_param
    from pyspark.ml.util import RemoteModelRef
    from pyspark.sql.connect.session import SparkSession

    session = SparkSession.getActiveSession()
    model = issubclass(clazz, _SparkpropModel)
    kind = pb2.MlOperator.OPERATOR_TYPE_MODEL if model else pb2.MlOperator.OPERATOR_TYPE_ESTIMATOR
    command = pb2.Command()
    command.ml_command.read.CopyFrom(pb2.MlCommand.Read(operator=pb2.MlOperator(name=clazz._java_class, type=kind),
                                                        path=path))
    (_, properties, _) = session.client.execute_command(command)
    result = deserialize(properties)
    instance = clazz(RemoteModelRef(result.obj_ref.id)) if model else clazz()
    instance._resetUid(result.uid)
    instance._set(**{k: deserialize_param(v) for k, v in result.params.params.items()})
    return instance


class _RemoteReader(MLReader):
    def __init__(self, clazz: Type[Any]) -> None:
        super().__init__()
        self._clazz = clazz

    @reported
    def load(self, path: str) -> Any:
        return _remote_load(self._clazz, path)


class _SparkpropStage(JavaMLReadable, JavaMLWritable):
    """What all four stages share: the JVM class, readable failures, reading and writing."""

    _java_class: str

    @classmethod
    def read(cls) -> MLReader:
        return _RemoteReader(cls) if is_remote() else _Reader(cls)

    def write(self) -> JavaMLWriter:
        if is_remote():
            return super().write()
        return _Writer(self)

    @classmethod
    def _new_stage(cls, uid: str) -> Any:
        """The JVM stage, or an ImportError saying how to put the jar on the class path."""
        if is_remote():
            return cls._java_class
        try:
            return cls._new_java_obj(cls._java_class, uid)
        except TypeError as e:
            if "JavaPackage" in str(e):
                raise ImportError(missing_jar_message(cls._java_class)) from None
            raise

    @reported
    def _transfer_params_to_java(self) -> None:
        super()._transfer_params_to_java()


class _SparkpropEstimator(SparkpropParams, _SparkpropStage):
    """The training Params (one per setting the JVM declares) are the estimator's; a model has Spark's column Params."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        self._java_obj = self._new_stage(self.uid)
        self._setSparkpropDefaults()
        self._set(**kwargs)

    @reported
    def _fit(self, dataset: Any) -> Any:
        return super()._fit(dataset)


class _SparkpropModel(_SparkpropStage):
    def __init__(self, java_model: Optional[Any] = None) -> None:
        super().__init__(java_model)
        if java_model is not None and not is_remote():
            self._transfer_params_from_java()

    @reported
    def _transform(self, dataset: Any) -> Any:
        return super()._transform(dataset)

    @property
    def hasSummary(self) -> bool:
        """Whether this model was fitted in this session (a loaded one has no summary)."""
        if is_remote():
            raise RuntimeError("the training summary is not available over Spark Connect (the server hands clients"
                               " only the model attributes Spark allows); fit on a classic session to read it")
        return bool(self._call_java("hasSummary"))

    @property
    def summary(self) -> TrainingSummary:
        """The training summary: lossHistory, validationLossHistory, epochs, stopReason."""
        if not self.hasSummary:
            raise RuntimeError("%s has no training summary: it was loaded or copied, not fitted in this session" % self.uid)
        return TrainingSummary(self._call_java("summary"))


class SparkpropClassificationModel(_SparkpropModel, _JavaProbabilisticClassificationModel):
    """A fitted sparkprop classifier: appends prediction, rawPrediction (logits) and probability."""

    _java_class = JVM_PACKAGE + ".SparkpropClassificationModel"


class SparkpropClassifier(_SparkpropEstimator, _JavaProbabilisticClassifier):
    """A feed-forward network classifier trained data-parallel on Spark (softmax over classes 0..max(label)).

    >>> model = SparkpropClassifier(layers=[64, 32], maxIter=20, stepSize=1e-3).fit(train)
    """

    _java_class = JVM_PACKAGE + ".SparkpropClassifier"

    def _create_model(self, java_model: Any) -> SparkpropClassificationModel:
        return SparkpropClassificationModel(java_model)


class SparkpropRegressionModel(_SparkpropModel, _JavaRegressionModel):
    """A fitted sparkprop regressor: appends prediction in the label's units."""

    _java_class = JVM_PACKAGE + ".SparkpropRegressionModel"


class SparkpropRegressor(_SparkpropEstimator, _JavaRegressor):
    """A feed-forward network regressor trained data-parallel on Spark (squared error)."""

    _java_class = JVM_PACKAGE + ".SparkpropRegressor"

    def _create_model(self, java_model: Any) -> SparkpropRegressionModel:
        return SparkpropRegressionModel(java_model)


STAGES: Dict[str, Type[JavaParams]] = {cls._java_class: cls for cls in (
    SparkpropClassifier, SparkpropClassificationModel, SparkpropRegressor, SparkpropRegressionModel)}


def _patch_loaders() -> None:
    """Lets PySpark's generic loading (a PipelineModel's or CrossValidatorModel's stages) find these classes.

    PySpark maps a saved or JVM stage to its Python class by the JVM class name (org.apache.spark.X ->
    pyspark.X), in JavaParams._from_java and DefaultParamsReader's class lookup; io.sparkprop.driver.ml.X has
    no such module, so the sparkprop names are looked up here first.
    """
    original = JavaParams._from_java
    if getattr(original, "_sparkprop", False):
        return
    original_class = DefaultParamsReader._DefaultParamsReader__get_class  # type: ignore[attr-defined]

    def get_class(name: str) -> type:
        return STAGES.get(name) or original_class(name)

    DefaultParamsReader._DefaultParamsReader__get_class = staticmethod(get_class)  # type: ignore[attr-defined]

    def from_java(java_stage: Any) -> Any:
        py_type = STAGES.get(java_stage.getClass().getName())
        if py_type is None:
            return original(java_stage)
        if issubclass(py_type, _SparkpropModel):
            return py_type(java_stage)
        stage = py_type()
        stage._java_obj = java_stage
        stage._resetUid(java_stage.uid())
        stage._transfer_params_from_java()
        return stage

    from_java._sparkprop = True  # type: ignore[attr-defined]
    JavaParams._from_java = staticmethod(from_java)  # type: ignore[assignment]


_patch_loaders()
