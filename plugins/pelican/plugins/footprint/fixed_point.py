"""A page that states its own size: find the text that, once in the page, is true.

Stamping "this page: 4.3 kB" changes the page's size, which may change what
the stamp should say. `settle` repeats until the description of the page as
written equals the description written into it. When the figures flip
between two roundings (a size on a rounding boundary), a padding comment
that grows by one digit a round breaks the cycle.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

logger = logging.getLogger(__name__)

MAX_ROUNDS = 12
MAX_PADDING = 200
State = TypeVar("State")


def settle(
    describe: Callable[[State], str],
    realise: Callable[[str, int], State],
    first: State,
    same: Callable[[State, State], bool] = lambda _new, _old: False,
) -> tuple[State, bool]:
    """A state whose `describe` equals the text it was `realise`d with; and whether one was found.

    `realise(text, padding_length)` writes `text` (and that much padding) into the page.
    Each state is described once (describing may mean rendering a whole page), and not at
    all when `same(state, first)` says it equals the first, whose text is already known:
    a good first guess settles in one rendering.
    """
    state, tried = first, set()  # digests of the texts tried: a text may be a whole page
    text = describe(state)
    for round_ in range(MAX_ROUNDS):
        seen = hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).digest()
        if seen in tried:
            break
        tried.add(seen)
        state = realise(text, 0)
        described = text if round_ == 0 and same(state, first) else describe(state)
        if described == text:
            return state, True
        text = described
    for length in range(1, MAX_PADDING + 1):
        state = realise(text, length)
        described = describe(state)
        if described == text:
            return state, True
        text = described
    return state, False


def padding(length: int) -> str:
    """An HTML comment of `length` hex digits. Hex barely compresses, so each digit
    adds about half a byte on the wire: enough to step a page's size up a little."""
    if length <= 0:
        return ""
    digits = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(length // 64 + 1))
    return f"<!--{digits[:length]}-->"
