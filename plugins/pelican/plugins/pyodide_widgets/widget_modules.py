"""Import a widget's pure-Python module in CPython, exactly as the browser does.

The worker imports the same file with ``importlib.util.spec_from_file_location``
under the name ``pw_widget_<name>``; doing the same here means the static
result in the page comes from the very code the reader's browser runs.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REQUIRED = ("TITLE", "EXPLANATION", "INPUT", "sample_input", "predict", "describe")


class WidgetCodeError(Exception):
    """A widget module is missing or does not offer the interface the page needs."""


def available(widgets_path: Path) -> list[str]:
    """Names of the widget modules in ``widgets_path``."""
    return sorted(p.stem for p in widgets_path.glob("*.py") if not p.name.startswith("_"))


def module_path(widgets_path: Path, name: str) -> Path:
    return widgets_path / f"{name}.py"


def load(widgets_path: Path, name: str) -> ModuleType:
    """Import ``<widgets_path>/<name>.py`` afresh; check that its names exist (contract.py does the rest)."""
    path = module_path(widgets_path, name)
    if not path.is_file():
        raise WidgetCodeError(
            f"no widget module {path}; known widgets: {', '.join(available(widgets_path)) or 'none'}"
        )
    spec = importlib.util.spec_from_file_location(f"pw_widget_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # the author's code: report it, whatever it raised
        line = f" (line {error.lineno})" if isinstance(error, SyntaxError) else ""
        raise WidgetCodeError(f"{path} failed to import{line}: {type(error).__name__}: {error}") from None
    missing = [attr for attr in REQUIRED if not hasattr(module, attr)]
    if missing:
        raise WidgetCodeError(
            f"{path} lacks {', '.join(missing)} (a widget module needs {', '.join(REQUIRED)})"
        )
    return module
