"""The training Params, derived from the JVM declaration (driver/.../config/TrainingSettings.java).

params.json is written at build time by the job jar (io.sparkprop.driver.ml.ParamsJson): per Param its
name, configuration key, the JVM Param's doc, kind, default, what a valid value is, and the closed
choices or numeric bounds. Nothing here names a setting: the Params, their getters and setters are
made from that file. A value is checked when it is set, with the JVM's wording ("parameter stepSize =
-1.0 is invalid, expected a number > 0"); what only the JVM can decide (leaky_relu(0.2), class weights)
is checked there when the stage is handed to it, before any Spark job.
"""
import functools
import json
import math
from importlib import resources
from typing import Any, Callable, Dict, List

from pyspark.ml.param import Param, Params

_INT_RANGE = {"INT": (-(2 ** 31), 2 ** 31 - 1), "LONG": (-(2 ** 63), 2 ** 63 - 1)}


@functools.lru_cache(maxsize=None)
def declared() -> List[Dict[str, Any]]:
    """The Param declarations from params.json (a ValueError saying how to build them when missing)."""
    source = resources.files("sparkprop") / "params.json"
    if not source.is_file():
        raise ImportError("sparkprop's params.json is missing: install the package with `pip install ./python`"
                          " from the sparkprop repository (the build writes it from the job jar)")
    return json.loads(source.read_text(encoding="utf-8"))


def _invalid(spec: Dict[str, Any], value: Any) -> str:
    shown = "'" + value + "'" if isinstance(value, str) else repr(value)
    return "parameter %s = %s is invalid, expected %s" % (spec["name"], shown, spec["expected"])


def _in_bounds(spec: Dict[str, Any], v: float) -> bool:
    low, high = spec["min"], spec["max"]
    if not math.isfinite(v):
        return False
    if low is not None and (v < low if spec["minInclusive"] else v <= low):
        return False
    return high is None or (v <= high if spec["maxInclusive"] else v < high)


def converter(spec: Dict[str, Any]) -> Callable[[Any], Any]:
    """The type converter of one declared Param: the JVM type, then its range (TypeError, ValueError)."""
    kind = spec["kind"]

    def convert(value: Any) -> Any:
        if kind in ("INT", "LONG"):
            if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, float) and value.is_integer())):
                raise TypeError(_invalid(spec, value))
            value = int(value)
            low, high = _INT_RANGE[kind]
            if not (low <= value <= high and _in_bounds(spec, value)):
                raise ValueError(_invalid(spec, value))
        elif kind == "DOUBLE":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(_invalid(spec, value))
            value = float(value)
            if not _in_bounds(spec, value):
                raise ValueError(_invalid(spec, value))
        elif kind == "BOOL":
            if not isinstance(value, bool):
                raise TypeError(_invalid(spec, value))
        elif kind == "INT_LIST":
            if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                raise TypeError(_invalid(spec, value))
            items = list(value)
            if not all(isinstance(w, int) and not isinstance(w, bool) for w in items):
                raise TypeError(_invalid(spec, items))
            if not all(1 <= w < 2 ** 31 for w in items):
                raise ValueError(_invalid(spec, items))
            value = items
        elif kind == "AUTO_OR_INT" and isinstance(value, int) and not isinstance(value, bool):
            if value < 1:
                raise ValueError(_invalid(spec, value))
            value = str(value)
        else:
            if not isinstance(value, str):
                raise TypeError(_invalid(spec, value))
            if spec["closed"] and "choices" in spec and value not in spec["choices"]:
                raise ValueError(_invalid(spec, value))
        return value

    return convert


def _accessors(name: str) -> Dict[str, Callable[..., Any]]:
    capital = name[0].upper() + name[1:]

    def getter(self: Params) -> Any:
        return self.getOrDefault(name)

    def setter(self: Params, value: Any) -> Params:
        return self._set(**{name: value})

    getter.__name__, setter.__name__ = "get" + capital, "set" + capital
    getter.__doc__ = "The value of %s (set or default)." % name
    setter.__doc__ = "Sets %s." % name
    return {getter.__name__: getter, setter.__name__: setter}


def params_class() -> type:
    """A Params mix-in with one Param per declaration, its getter and setter; defaults by `set_defaults`."""
    members: Dict[str, Any] = {"__doc__": "The training Params of sparkprop's estimators and models (from params.json)."}
    for spec in declared():
        members[spec["name"]] = Param(Params._dummy(), spec["name"], spec["doc"], converter(spec))
        members.update(_accessors(spec["name"]))

    def set_defaults(self: Params) -> None:
        self._setDefault(**{spec["name"]: spec["default"] for spec in declared()})

    members["_setSparkpropDefaults"] = set_defaults
    return type("SparkpropParams", (Params,), members)


SparkpropParams = params_class()
