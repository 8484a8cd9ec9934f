"""Posts read once: an unchanged post is not converted again, its pages are the same bytes,
and anything a conversion depends on (its text, the settings, a file a directive found)
makes it convert again; mistakes are reported on every build; a damaged cache costs a
conversion, never a build."""

from __future__ import annotations

import re
from pathlib import Path

from plugin_core.read_cache import Kept, ReadCache, environment_key, note_found, noting_found_files

from tests.helpers import build_site, log_of, write_site

POSTS = {
    "issues/heat.md": """\
        Title: Heat pumps & the grid
        Date: 2026-03-01 08:00
        Tags: heat, grid
        Summary: A *summary* with [a link](https://example.org/) & an ampersand.

        ## Why

        Text with `code`, a [link](https://example.org/a) and a table:

        | a | b |
        | --- | --- |
        | 1 | 2 |

        ```python
        print("highlighted")
        ```
        """,
    "issues/cold.md": """\
        Title: Cold storage
        Date: 2026-04-01 08:00

        Plain words.
        """,
    "pages/about.md": """\
        Title: About

        About this letter.
        """,
}


def build(root: Path, **extra):
    settings = {"READER_SEARCH": False, "PAGE_PATHS": ["pages"], **extra}
    return build_site(root / "output", root / "content", extra=settings, cwd=root)


def converted(log: str) -> tuple[int, int]:
    match = re.search(r"reading: (\d+) of (\d+) posts converted", log)
    assert match, log
    return int(match.group(1)), int(match.group(2))


def pages(output: Path) -> dict[str, bytes]:
    """Every written page but the Footprint page, which states the build's own time and energy."""
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in sorted(output.rglob("*"))
            if path.is_file() and not path.relative_to(output).as_posix().startswith("footprint")}


def test_an_unchanged_post_is_not_converted_again_and_its_pages_are_the_same(tmp_path):
    write_site(tmp_path, POSTS)
    first = build(tmp_path)
    assert first.returncode == 0, log_of(first)
    assert converted(log_of(first)) == (3, 3)
    written = pages(tmp_path / "output")
    second = build(tmp_path)
    assert second.returncode == 0, log_of(second)
    assert converted(log_of(second)) == (0, 3)
    assert pages(tmp_path / "output") == written
    heat = (tmp_path / "output" / "issues" / "heat-pumps-the-grid" / "index.html").read_text("utf-8")
    assert 'class="highlight"' in heat and "<table>" in heat
    feed = (tmp_path / "output" / "feeds" / "all.atom.xml").read_text("utf-8")
    assert "&lt;em&gt;summary&lt;/em&gt;" in feed  # the summary, a formatted field, as Markdown made it

    without = build(tmp_path, NEWSLETTER_READ_CACHE=False)
    assert without.returncode == 0, log_of(without)
    assert "reading:" not in log_of(without)
    assert pages(tmp_path / "output") == written


def test_an_edited_post_is_converted_again(tmp_path):
    content = write_site(tmp_path, POSTS)
    assert build(tmp_path).returncode == 0
    cold = content / "issues" / "cold.md"
    cold.write_text(cold.read_text("utf-8").replace("Plain words.", "Warmer words."), "utf-8")
    result = build(tmp_path)
    assert result.returncode == 0, log_of(result)
    assert converted(log_of(result)) == (1, 3)
    page = (tmp_path / "output" / "issues" / "cold-storage" / "index.html").read_text("utf-8")
    assert "Warmer words." in page and "Plain words." not in page
    entries = list((tmp_path / ".cache" / "reads").glob("*/*.json"))
    assert len(entries) == 3  # the old text's entry is gone


def test_other_settings_convert_again(tmp_path):
    write_site(tmp_path, POSTS)
    assert build(tmp_path).returncode == 0
    markdown = {"extension_configs": {"markdown.extensions.codehilite": {"css_class": "other-highlight"},
                                      "markdown.extensions.extra": {}, "markdown.extensions.meta": {}},
                "output_format": "html5"}
    result = build(tmp_path, MARKDOWN=markdown)
    assert result.returncode == 0, log_of(result)
    assert converted(log_of(result)) == (3, 3)
    heat = (tmp_path / "output" / "issues" / "heat-pumps-the-grid" / "index.html").read_text("utf-8")
    assert 'class="other-highlight"' in heat


def test_a_directive_mistake_is_reported_on_every_build(tmp_path):
    write_site(tmp_path, {"issues/typo.md": """\
        Title: Typo
        Date: 2026-03-01

        ::: demo demos/missing.py
        :::
        """})
    for _ in range(2):
        result = build(tmp_path)
        assert result.returncode == 1
        assert "issues/typo.md:4" in log_of(result) and "demos/missing.py' not found" in log_of(result)
        assert "Traceback" not in log_of(result)


def test_a_post_is_read_again_once_a_file_its_directive_found_is_gone(tmp_path):
    write_site(tmp_path, {"issues/demo.md": """\
        Title: Demo
        Date: 2026-03-01

        ::: demo demos/hello.py
        :::
        """})
    (tmp_path / "demos").mkdir()
    (tmp_path / "demos" / "hello.py").write_text("print('hello')\n", "utf-8")
    first = build(tmp_path)
    assert first.returncode == 0, log_of(first)
    assert converted(log_of(build(tmp_path))) == (0, 1)
    (tmp_path / "demos" / "hello.py").unlink()
    result = build(tmp_path)
    assert result.returncode == 1
    assert "issues/demo.md:4" in log_of(result) and "demos/hello.py' not found" in log_of(result)
    assert converted(log_of(result)) == (1, 1)


def test_a_damaged_cache_costs_a_conversion_not_the_build(tmp_path):
    write_site(tmp_path, POSTS)
    assert build(tmp_path).returncode == 0
    written = pages(tmp_path / "output")
    entries = sorted((tmp_path / ".cache" / "reads").glob("*/*.json"))
    damages = [b"", b"not json", b'["only", "three", "items"]', b'[1, {}, {}, []]']
    for entry, damage in zip(entries, damages, strict=False):
        entry.write_bytes(damage)
    result = build(tmp_path)
    assert result.returncode == 0, log_of(result)
    assert converted(log_of(result)) == (3, 3)
    assert pages(tmp_path / "output") == written
    assert "Traceback" not in log_of(result)


def test_entries_need_the_files_their_directives_found(tmp_path):
    script = tmp_path / "demo.py"
    script.write_text("print(1)\n", "utf-8")
    cache = ReadCache(tmp_path / "reads", "environment")
    with noting_found_files() as found:
        note_found(script)
    cache.put("text", Kept("<p>text</p>", {"title": ["T"]}, {}), found)
    assert cache.get("text") == Kept("<p>text</p>", {"title": ["T"]}, {})
    script.unlink()
    assert cache.get("text") is None
    note_found(script)  # outside a read: nothing records it, nothing fails


def test_the_environment_key_is_stable_and_follows_the_settings():
    def heading_anchors(text):  # a function in the settings, as JINJA_FILTERS holds
        return text

    settings = {"MARKDOWN": {"output_format": "html5"}, "JINJA_FILTERS": {"anchors": heading_anchors},
                "THING": object()}
    assert environment_key(settings) == environment_key(dict(settings, THING=object()))
    assert environment_key(settings) != environment_key(dict(settings, MARKDOWN={"output_format": "xhtml"}))
    assert environment_key(settings) == environment_key(dict(settings, BUILD=1), frozenset({"BUILD"}))
