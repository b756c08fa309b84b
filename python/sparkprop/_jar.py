"""Where the job jar is, and what to say when a Spark session lacks it."""
from importlib import resources

JVM_PACKAGE = "io.sparkprop.driver.ml"


def jar_path() -> str:
    """The sparkprop job jar inside this package: give it to Spark as spark.jars (or spark-submit --jars)."""
    jar = resources.files("sparkprop") / "jars" / "sparkprop.jar"
    if not jar.is_file():
        raise ImportError("sparkprop's job jar is missing from the package: install it with `pip install ./python`"
                          " from the sparkprop repository")
    return str(jar)


def missing_jar_message(java_class: str) -> str:
    return ("%s is not on this Spark session's class path: start the session with the sparkprop jar,"
            " SparkSession.builder.config(\"spark.jars\", sparkprop.jar_path()), or spark-submit --jars %s"
            " (over Spark Connect: the server's --jars)" % (java_class, jar_path()))
