"""The `::: name` block directive: parsing, options, and errors that name the file and line."""

from __future__ import annotations

import textwrap

import pytest
from markdown import Markdown
from plugin_core import problems
from plugin_core.directives import (
    DirectiveError,
    DirectivesExtension,
    as_bool,
    as_positive_float,
    current_source,
    parse_options,
)

SCHEMA = {"caption": str, "timeout": as_positive_float, "show-source": as_bool}


def render(source: str, handler) -> str:
    problems.clear()
    token = current_source.set("content/issues/post.md")
    try:
        extension = DirectivesExtension()
        extension.handlers["demo"] = handler
        return Markdown(extensions=[extension, "meta"]).convert(textwrap.dedent(source).lstrip())
    finally:
        current_source.reset(token)


def echo(block, md) -> str:
    options = parse_options(block, SCHEMA)
    return f'<div class="demo" data-line="{block.line}" data-arg="{block.argument}">{options}</div>'


def test_block_becomes_html_and_keeps_surrounding_markdown():
    html = render(
        """
        Title: A post

        Before *this*.
        ::: demo demos/x.py
        caption: A figure
        timeout: 30s
        :::
        After.
        """,
        echo,
    )
    assert "<p>Before <em>this</em>.</p>" in html
    assert '<div class="demo" data-line="4" data-arg="demos/x.py">' in html
    assert "'timeout': 30.0" in html and "'caption': 'A figure'" in html
    assert "<p>After.</p>" in html
    assert problems.reported() == []


def test_unknown_option_names_file_line_and_suggests_the_fix():
    html = render(
        """
        Title: A post

        ::: demo demos/x.py
        caption: ok
        timout: 30
        :::
        """,
        echo,
    )
    [problem] = problems.reported()
    assert str(problem) == (
        "content/issues/post.md:5: unknown option 'timout' in '::: demo' block; did you mean 'timeout'?"
    )
    assert 'class="build-error"' in html and "did you mean" in html


def test_bad_value_and_unclosed_block_are_reported_with_their_lines():
    render("::: demo a.py\ntimeout: -3\n:::\n", echo)
    assert [str(p) for p in problems.reported()] == [
        "content/issues/post.md:2: option 'timeout': expected a positive number, got '-3'"
    ]
    html = render("Text.\n\n::: demo a.py\ncaption: x\n", echo)
    assert [str(p) for p in problems.reported()] == [
        "content/issues/post.md:3: '::: demo' block is never closed; end it with a line ':::'"
    ]
    assert "<p>Text.</p>" in html


def test_a_block_left_open_before_prose_is_reported_at_its_opening_line():
    render("Intro.\n\n::: demo a.py\ncaption: x\n\nThe text goes on here.\n\nMore text.\n", echo)
    assert [str(p) for p in problems.reported()] == [
        "content/issues/post.md:3: '::: demo' block is never closed (line 6 is text, not 'key: value'); "
        "end the block with a line ':::' after its options"
    ]
    # The same before the next block opens: its ':::' lines are not this block's end.
    render("::: demo a.py\n\nSome prose.\n\n::: demo b.py\n:::\n", echo)
    assert [p.line for p in problems.reported()] == [1]


def test_a_line_that_is_no_option_inside_a_closed_block_is_reported_where_it_is():
    render("::: demo a.py\ncaption: x\nthis is no option\n:::\n", echo)
    assert [str(p) for p in problems.reported()] == [
        "content/issues/post.md:3: expected 'key: value' inside the '::: demo' block, got 'this is no option'"
    ]


@pytest.mark.parametrize("value", ["inf", "Infinity", "nan", "0", "0s", "-1"])
def test_a_number_option_refuses_zero_and_non_finite_values(value):
    render(f"::: demo a.py\ntimeout: {value}\n:::\n", echo)
    assert [str(p) for p in problems.reported()] == [
        f"content/issues/post.md:2: option 'timeout': expected a positive number, got {value!r}"
    ]


def test_second_block_reports_its_own_line_after_a_first_one():
    render("::: demo a.py\n:::\n\ntext\n\n::: demo b.py\nshow-source: maybe\n:::\n", echo)
    assert [str(p) for p in problems.reported()] == [
        "content/issues/post.md:7: option 'show-source': expected true or false, got 'maybe'"
    ]


def test_a_directive_no_plugin_registered_is_an_error_not_text():
    # Until issue 10 such a block stayed in the page as text and the build passed.
    html = render("::: widget digits\n:::\n", echo)
    assert 'class="build-error"' in html
    assert [str(problem).split(";")[0] for problem in problems.reported()] == [
        "content/issues/post.md:1: unknown directive '::: widget'"
    ]


@pytest.mark.parametrize("typo, suggestion", [("demoo", "demo"), ("Demo", "demo"), ("dem", "demo")])
def test_a_misspelt_directive_is_an_error_with_did_you_mean(typo, suggestion):
    html = render(f"Text.\n\n::: {typo} demos/x.py\n:::\n", echo)
    assert 'class="build-error"' in html
    (problem,) = problems.reported()
    assert str(problem).startswith(f"content/issues/post.md:3: unknown directive '::: {typo}'")
    assert f"did you mean '::: {suggestion}'?" in problem.message


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_a_directive_inside_a_fenced_code_block_stays_code(fence):
    html = render(
        f"""
        Quote a directive like this:

        {fence}markdown
        ::: demo demos/x.py
        caption: shown, not run
        :::
        {fence}

        ::: demo demos/real.py
        :::
        """,
        echo,
    )
    assert "::: demo demos/x.py" in html and "caption: shown, not run" in html
    assert 'data-arg="demos/x.py"' not in html
    assert 'data-arg="demos/real.py"' in html
    assert problems.reported() == []


def test_an_indented_code_block_keeps_its_directive_as_text():
    html = render("Text.\n\n    ::: demo demos/x.py\n    :::\n", echo)
    assert "<pre><code>::: demo demos/x.py" in html
    assert problems.reported() == []


def test_raise_if_any_fails_unless_drafting():
    problems.clear()
    problems.report("content/a.md", 3, "demo demos/x.py failed: ValueError: no")
    with pytest.raises(problems.BuildError, match=r"content/a.md:3: demo demos/x.py failed"):
        problems.raise_if_any("fail")
    problems.report("content/a.md", 3, "again")
    problems.raise_if_any("warn")
    assert problems.reported() == []


def test_directive_error_text():
    assert str(DirectiveError("p.md", 7, "bad")) == "p.md:7: bad"
