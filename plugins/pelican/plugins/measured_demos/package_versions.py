"""Which distributions a demo used, and their versions, for its label and its cache entry.

The versions are recorded with each run and checked on later builds (cache.py), so
a cached result never claims packages the machine no longer has.
"""

from __future__ import annotations

import ast
import importlib.metadata
from functools import cache
from pathlib import Path

from .cache import installed_version


def script_imports(script: Path) -> tuple[str, ...]:
    """Top-level modules the script itself imports (scikit-learn, not the rich it loads)."""
    try:
        tree = ast.parse(script.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return ()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return tuple(sorted(names))


@cache
def module_distributions() -> dict[str, list[str]]:
    """Which distributions provide each top-level module: 80 ms to work out, so once per
    process (a build, or a Dask worker running many demos)."""
    return importlib.metadata.packages_distributions()


def versions(modules: tuple[str, ...], distributions: dict[str, list[str]]) -> dict[str, str]:
    """{distribution: version} for the distributions that provide `modules`."""
    found = {}
    for module in modules:
        for name in distributions.get(module, []):
            version = installed_version(name)
            if version is not None:
                found[name] = version
    return found
