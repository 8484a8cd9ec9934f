# Runs once inside Pyodide, in the worker and in the build's Node trace (stdlib.py).
# Imports a widget module from the virtual file system by path, the same way the
# build imports it in CPython, and calls predict/describe.
import importlib.util
import json
import sys

_pw_modules = {}
_pw_weights = {}


class PwMissingModuleError(Exception):
    """A widget imported a standard-library module that the trimmed library lacks."""


def _missing(name, error):
    return PwMissingModuleError(
        f"widgets/{name}.py needs the module '{error.name}', which is not in the trimmed Python "
        "standard library this site publishes. The build keeps only what the widgets import "
        "on their sample input: import it at the top of the widget module and rebuild."
    )


def pw_import(name, path):
    spec = importlib.util.spec_from_file_location("pw_widget_" + name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except ModuleNotFoundError as error:
        raise _missing(name, error) from None
    _pw_modules[name] = module


def pw_set_weights(key, text):
    _pw_weights[key] = json.loads(text)


def pw_run(name, key, input_json):
    module = _pw_modules[name]
    try:
        result = module.predict(_pw_weights[key], json.loads(input_json))
        summary = module.describe(result)
    except ModuleNotFoundError as error:
        raise _missing(name, error) from None
    return json.dumps({"result": result, "summary": summary})
