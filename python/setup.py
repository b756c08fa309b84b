"""Builds the sparkprop wheel with the job jar inside it and the Params derived from the JVM declaration.

build_py adds two generated files to the package: sparkprop/jars/sparkprop.jar (the spark-submit jar
of the Maven build, built here with `mvn -DskipTests package` when jobs/target has none; SPARKPROP_JAR
names another) and sparkprop/params.json (the training Params as TrainingSettings declares them,
written by the jar's io.sparkprop.driver.ml.ParamsJson, with the Spark jars of jobs/target/lib). Everything else is in pyproject.toml.
"""
import glob
import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

REPOSITORY = Path(__file__).resolve().parent.parent


def job_jar() -> Path:
    given = os.environ.get("SPARKPROP_JAR")
    if given:
        return Path(given)
    pattern = str(REPOSITORY / "jobs" / "target" / "sparkprop-[0-9]*.jar")
    if not glob.glob(pattern):
        subprocess.run(["mvn", "-B", "-q", "--no-transfer-progress", "-DskipTests", "package", "-pl", "jobs", "-am"],
                       cwd=REPOSITORY, check=True)
    found = sorted(glob.glob(pattern))
    if not found:
        raise SystemExit("sparkprop: no job jar in jobs/target after the Maven build; set SPARKPROP_JAR to one")
    return Path(found[-1])


class BuildWithJar(build_py):
    def run(self):
        super().run()
        package = Path(self.build_lib) / "sparkprop"
        (package / "jars").mkdir(parents=True, exist_ok=True)
        jar = package / "jars" / "sparkprop.jar"
        shutil.copyfile(job_jar(), jar)
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
        # TrainingSettings' kinds make Spark ML Params, so ParamsJson runs with Spark's classes beside the jar
        # (the Maven build's jobs/target/lib, which `mvn package` fills)
        spark = REPOSITORY / "jobs" / "target" / "lib"
        if not spark.is_dir():
            raise SystemExit(f"sparkprop: {spark} is missing; run `mvn -DskipTests package` in {REPOSITORY} first")
        classpath = os.pathsep.join([str(jar), str(spark / "*")])
        subprocess.run([java, "-cp", classpath, "io.sparkprop.driver.ml.ParamsJson", str(package / "params.json")],
                       check=True)


setup(cmdclass={"build_py": BuildWithJar})
