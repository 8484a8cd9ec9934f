"""Building a site with widgets: static results from CPython, published files, feeds, errors."""

from __future__ import annotations

import gzip
import json
import re

import brotli
import feedparser
import pytest

from tests.helpers import log_of
from tests.widgets.conftest import PLAIN_POST, build_widget_site, load_widget_module, published_weights

POST = "issues/tiny-models-on-your-device/index.html"
RUNTIME_FILES = {"pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"}
# Both runtimes' stages, one result area, the cost line with its ranges: still under 6 KB.
LOADER_BUDGET_GZIP = 6 * 1024


def one_line(log: str) -> str:
    """The log with its line wrapping undone: where the console wraps depends on the tmp path's length."""
    return " ".join(log.split())


def static_result(html: str, widget_id: str) -> dict:
    figure = html[html.index(f'id="{widget_id}"') :]
    opening = r'class="pw-result" aria-live="polite" data-pw-source="build" data-pw-result="([^"]+)"'
    match = re.search(opening, figure)
    return json.loads(match.group(1).replace("&quot;", '"'))


def test_static_result_is_the_cpython_result_of_the_widget_code(widget_site):
    html = (widget_site / POST).read_text()
    for name in ("digits", "iris"):
        module = load_widget_module(name)
        weights = published_weights(widget_site, name)
        expected = module.predict(weights, module.sample_input(weights))
        assert static_result(html, f"widget-{name}-1") == expected
        assert module.describe(expected).replace("'", "&#x27;") in html


def test_published_widget_code_is_the_projects_code(widget_site):
    from tests.helpers import PROJECT

    for name in ("digits", "iris"):
        (code,) = (widget_site / "widgets").glob(f"{name}.*.py")
        assert code.read_bytes() == (PROJECT / "widgets" / f"{name}.py").read_bytes()


def test_only_the_runtime_files_are_published_with_compressed_twins(widget_site):
    (folder,) = (widget_site / "pyodide").iterdir()
    assert folder.name == "314.0.7"
    names = {path.name for path in folder.iterdir()}
    # The full standard library stays out: the site publishes a trimmed one (test_stdlib.py).
    kept = RUNTIME_FILES - {"python_stdlib.zip"}
    assert names == kept | {f"{n}.{s}" for n in kept for s in ("br", "gz")}
    for name in kept:
        raw = (folder / name).read_bytes()
        assert brotli.decompress((folder / f"{name}.br").read_bytes()) == raw
        assert gzip.decompress((folder / f"{name}.gz").read_bytes()) == raw


def test_loader_is_small_and_only_on_widget_pages(widget_site):
    (loader,) = (widget_site / "widgets").glob("loader.*.mjs")
    assert len(gzip.compress(loader.read_bytes(), 9)) <= LOADER_BUDGET_GZIP
    assert "__PW_" not in loader.read_text()
    widget_page = (widget_site / POST).read_text()
    assert f'<script type="module" src="../../widgets/{loader.name}"></script>' in widget_page
    for page in ("index.html", "issues/no-widget-here/index.html"):
        assert "<script" not in (widget_site / page).read_text()


def test_feed_entries_carry_the_static_result_and_no_script(widget_site):
    for feed_name in ("all.atom.xml", "all.rss.xml"):
        feed = feedparser.parse((widget_site / "feeds" / feed_name).read_text())
        (entry,) = [e for e in feed.entries if e.title == "Tiny models on your device"]
        html = entry.content[0].value if "content" in entry else entry.description
        assert "<script" not in html and "pw-live" not in html and "<button" not in html
        weights = published_weights(widget_site, "digits")
        module = load_widget_module("digits")
        assert module.describe(module.predict(weights, module.sample_input(weights))) in html
        assert re.search(
            r'<a href="http[^"]+/issues/tiny-models-on-your-device/#widget-digits-1">Try it live', html
        )


def test_rebuild_does_not_recompress(widget_site, tmp_path, widget_demo_cache):
    from tests.helpers import PROJECT

    cache = PROJECT / ".cache" / "pyodide_widgets"
    # The compressed copies and trimmed libraries; not the notes and memos beside them,
    # which record what this build used.
    compressed = [path for path in cache.iterdir() if path.suffix in {".br", ".gz", ".zip"}]
    before = {path: path.stat().st_mtime_ns for path in compressed}
    result = build_widget_site(
        tmp_path, {"issues/plain.md": PLAIN_POST, "issues/w.md": WIDGET_ONLY}, demo_cache=widget_demo_cache
    )
    assert result.returncode == 0, log_of(result)
    # Nothing compressed before is compressed again (another set of widgets may add its own trimmed library).
    assert {path: path.stat().st_mtime_ns for path in before} == before


WIDGET_ONLY = """\
    Title: Iris only
    Date: 2025-03-02

    ::: demo demos/widget_iris.py
    :::

    ::: widget iris
    model: demos/widget_iris.py
    :::
    """


def test_a_typo_in_a_widget_block_fails_the_build_naming_file_and_line(tmp_path, widget_demo_cache):
    post = """\
        Title: Broken widget
        Date: 2025-03-03

        Text.

        ::: widget digit
        model: demos/widget_digits.py
        :::

        ::: widget iris
        modle: demos/widget_iris.py
        :::
        """
    result = build_widget_site(tmp_path, {"issues/broken.md": post}, demo_cache=widget_demo_cache)
    log = one_line(log_of(result))
    assert result.returncode != 0
    assert "broken.md:6: no widget 'digit'" in log and "did you mean 'digits'?" in log
    assert "broken.md:11: unknown option 'modle'" in log and "did you mean 'model'?" in log


def test_a_widget_without_its_training_demo_says_how_to_fix_it(tmp_path, widget_demo_cache):
    post = """\
        Title: Widget without demo
        Date: 2025-03-03

        ::: widget digits
        model: demos/widget_digits.py
        :::
        """
    result = build_widget_site(tmp_path, {"issues/nodemo.md": post}, demo_cache=widget_demo_cache)
    log = one_line(log_of(result))
    assert result.returncode != 0
    assert "nodemo.md:4: widget 'digits': no result for the training demo demos/widget_digits.py" in log
    assert "::: demo demos/widget_digits.py" in log


def test_contract_mistakes_are_content_errors_naming_the_post_and_the_widget(tmp_path, widget_demo_cache):
    """The three mistakes a newcomer made from the README, plus a slider without a unit (allowed)."""
    from tests.helpers import PROJECT

    iris = (PROJECT / "widgets" / "iris.py").read_text()
    widgets = tmp_path / "widgets"
    widgets.mkdir()
    (widgets / "unitless.py").write_text(iris.replace(', "unit": "cm"', ""))
    (widgets / "dictsample.py").write_text(
        iris.replace(
            '    return [float(value) for value in weights["sample"]["features"]]',
            '    return dict(zip(("a", "b", "c", "d"), weights["sample"]["features"]))',
        )
    )
    (widgets / "dictprobs.py").write_text(
        iris.replace(
            '    return {"label": weights["classes"][best], "probabilities": probabilities}',
            '    return {"label": weights["classes"][best], '
            '"probabilities": {i["label"]: i["p"] for i in probabilities}}',
        )
    )
    blocks = "\n".join(
        f"::: widget {name}\nmodel: demos/widget_iris.py\n:::\n"
        for name in ("unitless", "dictsample", "dictprobs")
    )
    post = "Title: Contract\nDate: 2025-03-04\n\n::: demo demos/widget_iris.py\n:::\n\n" + blocks
    (tmp_path / "content" / "issues").mkdir(parents=True)
    (tmp_path / "content" / "issues" / "contract.md").write_text(post)
    result = build_widget_site(
        tmp_path, {}, extra={"PYODIDE_WIDGETS_PATH": str(widgets)}, demo_cache=widget_demo_cache
    )
    log = one_line(log_of(result))
    assert result.returncode != 0
    assert "Traceback" not in log
    assert "widget 'unitless'" not in log
    assert (
        "contract.md:11: widget 'dictsample': widgets/dictsample.py: sample_input(weights) must return "
        "a list of 4 numbers, one per slider in the order of INPUT['fields'], got dict" in log
    )
    assert "contract.md:15: widget 'dictprobs': widgets/dictprobs.py: predict(weights, inputs) must" in log
    assert "'probabilities' is dict, not a non-empty list" in log
    assert "See README, 'The widget contract'" in log


def test_the_starter_builds_as_it_is(tmp_path, widget_demo_cache):
    from pelican.plugins.pyodide_widgets import starter

    from tests.helpers import PROJECT

    project = tmp_path / "project"
    written = starter.write_starter("petals", project)
    paths = [p.relative_to(project).as_posix() for p in written]
    assert paths == ["widgets/petals.py", "demos/widget_petals.py"]
    with pytest.raises(starter.StarterError, match="exists already"):
        starter.write_starter("petals", project)
    with pytest.raises(starter.StarterError, match="lower-case letters"):
        starter.write_starter("My-Widget", project)
    post = "Title: Starter\nDate: 2025-03-05\n\n" + starter.blocks("petals")
    (project / "content" / "issues").mkdir(parents=True)
    (project / "content" / "issues" / "starter.md").write_text(post)
    result = build_widget_site(
        project,
        {},
        extra={"PYODIDE_WIDGETS_PATH": str(project / "widgets"), "DEMOS_ROOT": str(project),
               "PYODIDE_NPM_PACKAGE": str(PROJECT / "node_modules" / "pyodide")},
        demo_cache=widget_demo_cache,
    )
    assert result.returncode == 0, log_of(result)
    html = (project / "output" / "issues" / "starter" / "index.html").read_text()
    assert 'data-pw-name="petals"' in html and "The model says Iris" in html
