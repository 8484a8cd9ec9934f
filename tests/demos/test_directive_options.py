"""The `::: demo` block's own option values: a timeout must be a finite number of seconds."""

from __future__ import annotations

import pytest
from pelican.plugins.measured_demos.directive import parse_request
from plugin_core.directives import Block, DirectiveError


def block(**options: str) -> Block:
    lines = {key: 2 + index for index, key in enumerate(options)}
    return Block("demo", "demos/x.py", options, "content/issues/post.md", 1, lines)


@pytest.fixture
def root(tmp_path):
    (tmp_path / "demos").mkdir()
    (tmp_path / "demos" / "x.py").write_text("print(1)\n")
    return tmp_path


@pytest.mark.parametrize("value", ["inf", "0", "nan", "86401", "1e12"])
def test_a_timeout_that_never_ends_or_never_starts_is_refused(root, value):
    with pytest.raises(DirectiveError) as raised:
        parse_request(block(timeout=value), root)
    assert raised.value.line == 2
    assert str(raised.value).startswith("content/issues/post.md:2: option 'timeout': expected ")


def test_a_timeout_of_a_day_or_less_is_kept(root):
    assert parse_request(block(timeout="90s"), root).timeout == 90.0
    assert parse_request(block(timeout="86400"), root).timeout == 86400.0
