"""BeautifulSoup, imported without loading Soup Sieve until a CSS selector is used.

Beautiful Soup imports Soup Sieve (its CSS selector engine) as it loads, and
Soup Sieve compiles its regular expressions as it loads: 35 ms of the 45 ms
that `import bs4` costs, paid by every build that writes an email. The email
builders find elements with find_all and never use a selector, so until
something reads from Soup Sieve (a `select()` anywhere in the process), a
stand-in holds its place in `sys.modules`; the first read loads the real module
into the stand-in. The standard library's LazyLoader cannot do this on Python
3.11: `import soupsieve` itself reads the module's `__spec__`, which loads it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any


class _SoupSieveOnFirstUse(types.ModuleType):
    """Soup Sieve's place in sys.modules, loaded by the first attribute read from it."""

    def __getattr__(self, name: str) -> Any:  # only for attributes not set yet
        if sys.modules.get("soupsieve") is self:
            del sys.modules["soupsieve"]
        real = importlib.import_module("soupsieve")
        self.__dict__.update(real.__dict__)
        return getattr(real, name)


def _defer_soupsieve() -> None:
    if "soupsieve" in sys.modules or "bs4" in sys.modules:
        return
    spec = importlib.util.find_spec("soupsieve")
    if spec is None:
        return  # bs4 then warns that CSS selectors cannot be used, and works without them
    stand_in = _SoupSieveOnFirstUse("soupsieve")
    stand_in.__spec__ = spec
    sys.modules["soupsieve"] = stand_in


_defer_soupsieve()

from bs4 import BeautifulSoup, Comment, NavigableString, Tag  # noqa: E402

__all__ = ["BeautifulSoup", "Comment", "NavigableString", "Tag"]
