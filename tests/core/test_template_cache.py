"""Compiled templates kept between builds: reused while their source and options are
unchanged, compiled again otherwise, and a damaged cache costs a compile, never a build."""

from __future__ import annotations

import shutil

import pytest
from jinja2 import DictLoader, Environment, FileSystemLoader
from jinja2.bccache import bc_magic
from plugin_core.template_cache import TemplateCache, environment_folder, with_template_cache

from tests.helpers import PROJECT, build_site, log_of, write_site


def environment(folder, templates, **options):
    loader = FileSystemLoader(str(templates))
    return Environment(loader=loader, bytecode_cache=TemplateCache(folder), **options)


def that_cannot_compile(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("compiled a template the cache holds")

    monkeypatch.setattr(Environment, "compile", refuse)


@pytest.fixture
def templates(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("<p>{{ name | upper }}</p>\n", "utf-8")
    return folder


def test_a_fresh_environment_reuses_the_compiled_template(tmp_path, templates, monkeypatch):
    cache = tmp_path / "cache"
    assert environment(cache, templates).get_template("page.html").render(name="heat") == "<p>HEAT</p>"
    assert len(list(cache.glob("__jinja2_*.cache"))) == 1
    that_cannot_compile(monkeypatch)
    assert environment(cache, templates).get_template("page.html").render(name="pump") == "<p>PUMP</p>"


def test_an_edited_template_is_compiled_again(tmp_path, templates):
    cache = tmp_path / "cache"
    environment(cache, templates).get_template("page.html")
    (templates / "page.html").write_text("<h1>{{ name }}</h1>\n", "utf-8")
    assert environment(cache, templates).get_template("page.html").render(name="fan") == "<h1>fan</h1>"


@pytest.mark.parametrize("damage", ["empty", "garbage", "header then garbage", "cut off"])
def test_a_damaged_cache_file_is_a_miss_and_is_written_again(tmp_path, templates, monkeypatch, damage):
    cache = tmp_path / "cache"
    environment(cache, templates).get_template("page.html")
    [file] = cache.glob("__jinja2_*.cache")
    good = file.read_bytes()
    file.write_bytes({
        "empty": b"",
        "garbage": b"garbage",
        # Jinja's own check passes, then its unguarded unpickling of the checksum raises
        "header then garbage": bc_magic + b"\x80\x02garbage",
        "cut off": good[: len(good) // 2],
    }[damage])
    assert environment(cache, templates).get_template("page.html").render(name="x") == "<p>X</p>"
    assert file.read_bytes() == good
    that_cannot_compile(monkeypatch)
    environment(cache, templates).get_template("page.html")


def test_a_cache_that_cannot_be_written_only_costs_a_compile(tmp_path, templates):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", "utf-8")
    assert environment(blocked / "cache", templates).get_template("page.html").render(name="y") == "<p>Y</p>"


def test_options_that_change_the_compiled_code_get_their_own_folder(tmp_path):
    root = tmp_path / "cache"
    trimmed = environment_folder(root, {"trim_blocks": True, "extensions": []})
    assert trimmed == environment_folder(root, {"extensions": [], "trim_blocks": True})
    assert trimmed != environment_folder(root, {"trim_blocks": False, "extensions": []})
    assert trimmed.parent == root
    # Different code from the same source: each environment reads back its own.
    source = {"t.html": "{% if true %}\nyes\n{% endif %}\n"}
    for options, expected in (({"trim_blocks": True}, "yes\n"), ({"trim_blocks": False}, "\nyes\n")):
        for _ in range(2):  # the second time from the cache
            options_with_cache = with_template_cache(options, root)
            env = Environment(loader=DictLoader(source), **options_with_cache)
            assert env.get_template("t.html").render() == expected


def test_a_cache_named_in_the_settings_is_kept(tmp_path):
    own = TemplateCache(tmp_path / "own")
    assert with_template_cache({"bytecode_cache": own}, tmp_path / "core")["bytecode_cache"] is own


POSTS = {"issues/a.md": "Title: Heat pumps\nDate: 2026-01-01\n\nWaste heat from a rack warms a pool.\n"}


def build(tmp_path, output, **extra):
    settings = {"ARTICLE_PATHS": ["issues"], "THEME": str(tmp_path / "theme"), "READER_SEARCH": False,
                **extra}
    result = build_site(tmp_path / output, tmp_path / "content", extra=settings)
    assert result.returncode == 0, log_of(result)
    return tmp_path / output


def test_a_site_build_keeps_the_themes_compiled_templates_and_survives_their_damage(tmp_path):
    write_site(tmp_path, POSTS)
    shutil.copytree(PROJECT / "theme", tmp_path / "theme")
    first = build(tmp_path, "out")
    [folder] = (tmp_path / ".cache" / "templates").iterdir()
    compiled = sorted(folder.glob("__jinja2_*.cache"))
    assert len(compiled) >= 5  # the theme's pages, partials and the plugins' Footprint page
    article = (first / "issues" / "heat-pumps" / "index.html").read_bytes()

    for file in compiled:
        file.write_bytes(b"j2 damaged")
    second = build(tmp_path, "out2")
    assert (second / "issues" / "heat-pumps" / "index.html").read_bytes() == article
    assert all(file.read_bytes() != b"j2 damaged" for file in compiled)

    base = tmp_path / "theme" / "templates" / "base.html"
    base.write_text(base.read_text("utf-8").replace("</body>", "<!-- edited theme --></body>"), "utf-8")
    third = build(tmp_path, "out3")
    assert "<!-- edited theme -->" in (third / "issues" / "heat-pumps" / "index.html").read_text("utf-8")


def test_the_template_cache_can_be_turned_off(tmp_path):
    write_site(tmp_path, POSTS)
    shutil.copytree(PROJECT / "theme", tmp_path / "theme")
    build(tmp_path, "out", NEWSLETTER_TEMPLATE_CACHE=False)
    assert not (tmp_path / ".cache" / "templates").exists()


def test_pages_rendered_from_kept_templates_are_the_pages_compiled_ones_make(tmp_path):
    write_site(tmp_path, POSTS)
    shutil.copytree(PROJECT / "theme", tmp_path / "theme")
    build(tmp_path, "warm-up")  # fills .cache/templates/
    kept = build(tmp_path, "kept")
    compiled = build(tmp_path, "compiled", NEWSLETTER_TEMPLATE_CACHE=False)
    pages = sorted(path.relative_to(kept) for path in kept.rglob("*.html"))
    assert pages == sorted(path.relative_to(compiled) for path in compiled.rglob("*.html"))
    for page in pages:
        if page.as_posix() != "footprint/index.html":  # states this build's own time and energy
            assert (kept / page).read_bytes() == (compiled / page).read_bytes(), page
