"""JVM failures as one Python line.

A failed fit, transform, save or load raises SparkpropError (a ValueError) whose message is the line the
command line prints for the same failure (io.sparkprop.driver.ml.ErrorLine picks it in the JVM: the bad
row's file, line, column and value; the bad parameter with its range; the missing column and the ones
there are), without the Py4J or JVM stack trace. Over Spark Connect the server sends the error's text
only: the same line is taken from it.
"""
import functools
import re
from typing import Any, Callable, Optional, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_BAD_INPUT = re.compile(r"io\.sparkprop\.driver\.data\.BadInputException: ([^\r\n]+)")
_SQL_STATE = re.compile(r"\s+SQLSTATE: \w+\s*$")
_EXCEPTION_PREFIX = re.compile(r"^(?:\[[\w.]+\]\s*)?(?:[\w$]+\.)+[\w$]*(?:Exception|Error): ")


class SparkpropError(ValueError):
    """A sparkprop stage failed on bad input, a bad parameter or a bad model folder; the message is one line."""


def _java_throwable(error: BaseException) -> Optional[Any]:
    return getattr(error, "java_exception", None) or getattr(error, "_origin", None)


def _line_from_jvm(throwable: Any) -> Optional[str]:
    from pyspark import SparkContext

    sc = SparkContext._active_spark_context
    if sc is None:
        return None
    return sc._jvm.io.sparkprop.driver.ml.ErrorLine.of(throwable)


def _line_from_text(text: str) -> str:
    bad = _BAD_INPUT.search(text)
    if bad:
        return _SQL_STATE.sub("", bad.group(1)).strip()
    first = text.strip().splitlines()[0] if text.strip() else text
    return _SQL_STATE.sub("", _EXCEPTION_PREFIX.sub("", first)).strip()


def one_line(error: BaseException) -> Optional[str]:
    """The one line for a JVM failure, or None when `error` did not come from the JVM."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors.exceptions.base import PySparkException

    throwable = _java_throwable(error)
    if throwable is not None:
        return _line_from_jvm(throwable) or _line_from_text(str(throwable))
    if isinstance(error, (Py4JJavaError, PySparkException)):
        message = error.getMessage() if hasattr(error, "getMessage") else str(error)
        return _line_from_text(message or str(error))
    return None


def reported(f: F) -> F:
    """Runs `f`; a JVM failure comes out as SparkpropError with its one line, nothing chained."""

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - only JVM failures are rewritten, the rest re-raised as they are
            line = one_line(e)
            if line is None:
                raise
            error = SparkpropError(line)
        raise error from None

    return wrapped  # type: ignore[return-value]
