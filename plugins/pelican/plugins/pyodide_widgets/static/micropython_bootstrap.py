# MicroPython's side of a widget run, the same in the reader's browser
# (micropython_worker.mjs inlines it when the site is built) and in the build's
# check (micropython_check.mjs runs it in Node). A widget's code is written to
# /widgets/<name>.py and imported from there, so a traceback names
# widgets/<name>.py and its line. Arguments and results cross as JSON text.
import json
import sys

_pw_modules = {}
_pw_weights = {}


def pw_import(name):
    full = "widgets." + name
    sys.modules.pop(full, None)
    __import__(full)
    _pw_modules[name] = sys.modules[full]


def pw_set_weights(key, text):
    _pw_weights[key] = json.loads(text)


def pw_run(name, key, input_json):
    module = _pw_modules[name]
    result = module.predict(_pw_weights[key], json.loads(input_json))
    return json.dumps({"result": result, "summary": module.describe(result)})


def pw_call(args_json):
    # One entry point for JavaScript: [function name, arguments...] in, the return value out.
    args = json.loads(args_json)
    return globals()[args[0]](*args[1:])
