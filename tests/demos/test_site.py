"""Real sites built into temporary folders: pages, feeds, the cache, and every failure mode."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import feedparser
import pytest

from tests.helpers import build_site, log_of, write_site

GOOD = """
import pathlib
import matplotlib.pyplot as plt
rows = pathlib.Path("demos/data.csv").read_text().split()
print("rows:", len(rows), "<b>bold?</b>")
plt.figure(figsize=(3, 2))
plt.plot([int(row) for row in rows])
plt.title("Rows")
"""
PLAIN = "print('plain demo', sum(range(10)))\n"


def post(title: str, body: str, date: str = "2024-01-01") -> str:
    return f"Title: {title}\nDate: {date}\n\n{textwrap.dedent(body)}"


def make_site(root: Path, posts: dict[str, str], demos: dict[str, str]) -> Path:
    content = write_site(root, {f"issues/{name}": text for name, text in posts.items()})
    for name, source in demos.items():
        path = root / "demos" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return content


def build(root: Path, **extra):
    env = extra.pop("env", None)
    return build_site(root / "output", root / "content", extra=extra, cwd=root, env=env)


def ran(log: str) -> tuple[int, int, int]:
    match = re.search(r"measured_demos: ran (\d+) of (\d+) demos, (\d+) cached", log)
    assert match, log
    return tuple(int(group) for group in match.groups())


GOOD_POST = post(
    "Good",
    """\
    Before the demo.

    ::: demo demos/good.py
    caption: Rows of the data file
    data: demos/data.csv
    show-source: true
    :::

    ::: demo demos/plain.py
    :::

    After the demo.
    """,
)


@pytest.fixture(scope="module")
def good_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("good")
    make_site(root, {"good.md": GOOD_POST}, {"good.py": GOOD, "plain.py": PLAIN, "data.csv": "1\n3\n2\n"})
    first = build(root)
    assert first.returncode == 0, log_of(first)
    second = build(root)
    assert second.returncode == 0, log_of(second)
    return root, log_of(first), log_of(second)


def page_of(root: Path) -> str:
    return (root / "output" / "issues" / "good" / "index.html").read_text()


def test_page_shows_output_figure_and_energy_label(good_site):
    root, _, _ = good_site
    html = page_of(root)
    assert "Before the demo." in html and "After the demo." in html
    assert "rows: 3 &lt;b&gt;bold?&lt;/b&gt;" in html
    image = re.search(r'<img src="(?P<src>[^"]+)" alt="Rows of the data file" width="\d+" height="\d+"', html)
    assert image, html
    assert image["src"].startswith("../../demos/good-") and image["src"].endswith("/fig-1.svg")
    figure = (root / "output" / "issues" / "good" / image["src"]).resolve()
    assert figure.is_file() and b"Rows" in figure.read_bytes()
    assert "plain demo 45" in html
    assert html.count("How this was estimated") == 2  # no energy counter on these machines
    assert "Running this demo used an <strong>estimated " in html and "mg CO\u2082e" in html
    assert "Green Algorithms" in html and "world average" in html and "Ember" in html
    assert "Source: <code>demos/good.py</code>" in html
    assert re.search(r"Python [\d.]+ with matplotlib [\w.]+ \(imported by the demo\); loaded by those", html)
    assert re.search(r"<dt>Software</dt><dd>Python [\d.]+</dd>", html)  # plain.py imports nothing
    assert "measured-demo-pending" not in html


def test_feed_carries_figures_with_absolute_urls_and_labels(good_site):
    root, _, _ = good_site
    feed = feedparser.parse((root / "output" / "feeds" / "all.atom.xml").read_text())
    content = feed.entries[0].content[0].value
    assert re.search(r'src="http://localhost:8000/demos/good-[0-9a-f]{16}/fig-1\.svg"', content), content
    assert "How this was estimated" in content and " J</strong>" in content
    assert "rows: 3 &lt;b&gt;" in content


ESTIMATE_BLOCK = re.compile(r'<p class="demo-cost"[^>]*>.*?</details>', re.DOTALL)


def test_every_estimate_block_says_estimated_with_a_range_in_page_and_feed(good_site):
    root, _, _ = good_site
    feed = feedparser.parse((root / "output" / "feeds" / "all.atom.xml").read_text())
    for where, html in (("page", page_of(root)), ("feed", feed.entries[0].content[0].value)):
        blocks = ESTIMATE_BLOCK.findall(html)
        assert len(blocks) == 2, where
        for block in blocks:
            assert "estimated" in block and "measured" not in block.lower(), (where, block)
            assert re.search(r"range [\d.]+ to [\d.]+ J\)", block), (where, block)
            assert "Exact arithmetic (not significant)" in block and "PUE not applied" in block


def test_a_run_read_from_a_counter_says_measured(tmp_path):
    """A fake RAPL package domain: the label says measured, what it counts, and no range."""
    powercap = tmp_path / "powercap" / "intel-rapl:0"
    powercap.mkdir(parents=True)
    files = (("name", "package-0"), ("energy_uj", "5000000"), ("max_energy_range_uj", "262143328850"))
    for name, value in files:
        (powercap / name).write_text(value + "\n")
    make_site(tmp_path, {"plain.md": post("Plain", "::: demo demos/plain.py\n:::\n")}, {"plain.py": PLAIN})
    result = build(tmp_path, DEMOS_POWERCAP_PATH=str(tmp_path / "powercap"))
    assert result.returncode == 0, log_of(result)
    html = (tmp_path / "output" / "issues" / "plain" / "index.html").read_text()
    feed = feedparser.parse((tmp_path / "output" / "feeds" / "all.atom.xml").read_text())
    assert 'data-energy-method="measured"' in html
    for block in (html, feed.entries[0].content[0].value):
        assert "<strong>measured</strong>" in block and "measured (RAPL)" in block
        assert "whole CPU package" in block and "1 microjoule" in block
        assert "How this was measured" in block and "How this was estimated" not in block
        cost = block[block.index('<p class="demo-cost"') :].split("</p>")[0]
        assert "estimat" not in cost and "range" not in cost


def test_second_build_runs_zero_demos(good_site):
    root, first, second = good_site
    assert ran(first) == (2, 2, 0)
    assert ran(second) == (0, 2, 2)
    assert "from the cache" in page_of(root)
    entries = sorted(p.name for p in (root / "_demo_cache").iterdir())
    assert len(entries) == 2 and entries[0].startswith("good-")


def test_changed_data_file_reruns_only_that_demo_and_prunes(tmp_path, good_site):
    source, _, _ = good_site
    shutil.copytree(source / "content", tmp_path / "content")
    shutil.copytree(source / "demos", tmp_path / "demos")
    shutil.copytree(source / "_demo_cache", tmp_path / "_demo_cache")
    before = sorted(p.name for p in (tmp_path / "_demo_cache").iterdir())
    (tmp_path / "demos" / "data.csv").write_text("1\n3\n2\n7\n")
    result = build(tmp_path)
    assert result.returncode == 0, log_of(result)
    assert ran(log_of(result)) == (1, 2, 1)
    assert "rows: 4" in page_of(tmp_path)
    after = sorted(p.name for p in (tmp_path / "_demo_cache").iterdir())
    assert len(after) == 2 and after != before  # the stale entry of good.py was pruned
    rerun = build(tmp_path, env={"DEMOS_RERUN": "demos/plain.py,plain.py"})
    assert ran(log_of(rerun)) == (1, 2, 1)
    assert "DEMOS_RERUN names 'plain.py', which no post uses" in log_of(rerun)
    assert ran(log_of(build(tmp_path, DEMOS_RERUN="all"))) == (2, 2, 0)


def test_corrupt_cache_entry_is_reported_and_rerun(tmp_path, good_site):
    source, _, _ = good_site
    for folder in ("content", "demos", "_demo_cache"):
        shutil.copytree(source / folder, tmp_path / folder)
    entry = next((tmp_path / "_demo_cache").glob("good-*"))
    (entry / "fig-1.svg").write_text("<svg>tampered</svg>")
    result = build(tmp_path)
    log = log_of(result)
    assert result.returncode == 0, log
    assert "content/issues/good.md:6" in log and "corrupt" in log and "fig-1.svg" in log
    assert ran(log) == (1, 2, 1)
    assert b"tampered" not in (entry / "fig-1.svg").read_bytes()


FAILING_DEMOS = {
    "broken.py": "x = 1\nraise ValueError('the model diverged')\n",
    "hang.py": "import time\nwhile True:\n    time.sleep(0.05)\n",
    "exits.py": "import os\nos._exit(3)\n",
    "segfault.py": "import os, signal\n\nos.kill(os.getpid(), signal.SIGSEGV)\n",
    "hungry.py": "blocks = []\nwhile True:\n    blocks.append(bytearray(20_000_000))\n",
    "fine.py": "print('still here')\n",
    "expected.py": "raise RuntimeError('shown on purpose')\n",
    "syntax.py": "x = 1\ndef f(:\n    pass\n",
    "links.py": "import os\nos.symlink('/etc/passwd', os.environ['DEMO_ARTIFACTS_DIR'] + '/users.txt')\n",
}
FAILING_POST = post(
    "Failures",
    """\
    Intro text that must survive.

    ::: demo demos/broken.py
    :::

    ::: demo demos/hang.py
    timeout: 1
    :::

    ::: demo demos/exits.py
    :::

    ::: demo demos/segfault.py
    :::

    ::: demo demos/hungry.py
    memory: 250
    :::

    ::: demo demos/fine.py
    timout: 5
    :::

    ::: demo demos/fine.py
    allow-error: true
    :::

    ::: demo demos/expected.py
    allow-error: true
    :::

    ::: demo demos/missing.py
    :::

    ::: demo demos/fine.py
    :::

    Outro text that must survive.

    ::: demo demos/syntax.py
    :::

    ::: demo demos/fine.py
    data: demos/nope.csv
    :::

    ::: demo demos/links.py
    :::
    """,
)


@pytest.fixture(scope="module")
def failing_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("failing")
    make_site(root, {"failing.md": FAILING_POST}, FAILING_DEMOS)
    return root, build(root)


def test_every_failure_fails_the_build_with_the_promised_message(failing_site):
    root, result = failing_site
    log = log_of(result)
    assert result.returncode != 0
    post_path = "content/issues/failing.md"
    for expected in (
        f"{post_path}:6: demo demos/broken.py failed: ValueError: the model diverged (demos/broken.py:2)",
        f"{post_path}:9: demo demos/hang.py failed: TimeoutError: still running after 1 s",
        f"{post_path}:13: demo demos/exits.py failed: ExitError: the demo called os._exit(3)",
        f"{post_path}:16: demo demos/segfault.py failed: Crash: the demo process was killed by signal",
        f"{post_path}:19: demo demos/hungry.py failed: MemoryError: out of memory",
        f"{post_path}:24: unknown option 'timout' in '::: demo' block; did you mean 'timeout'?",
        f"{post_path}:27: demo demos/fine.py is marked 'allow-error: true' but ran without error",
        f"{post_path}:35: demo script 'demos/missing.py' not found",
        f"{post_path}:43: demo demos/syntax.py failed: SyntaxError: invalid syntax (demos/syntax.py:2)",
        f"{post_path}:47: data file 'demos/nope.csv' not found",
    ):
        assert expected in log, expected
    assert (
        f"{post_path}:50: demo demos/links.py failed: ArtifactError: DEMO_ARTIFACTS_DIR/users.txt is a "
        "symbolic link to /etc/passwd: only regular files are published" in " ".join(log.split())
    )
    assert "(demos/hang.py:3)" in log and "(demos/exits.py:2)" in log and "(demos/segfault.py:3)" in log
    assert "(demos/hungry.py:3)" in log and "the demo hit its memory cap of 250 MB" in log
    assert 'File "demos/broken.py", line 2' in log  # the trimmed traceback, with project paths
    assert "expected.py" not in log.split("content error")[-1]
    # nothing is lost: the rest of the post and the good demo are there; no failure was cached
    html = (root / "output" / "issues" / "failures" / "index.html").read_text()
    assert "Intro text that must survive." in html and "Outro text that must survive." in html
    assert "still here" in html
    assert "This demo fails on purpose" in html and "shown on purpose" in html
    assert str(root) not in html  # tracebacks name demos/x.py, not the build machine's folders
    cached = sorted(p.name.rsplit("-", 1)[0] for p in (root / "_demo_cache").iterdir())
    assert cached == ["fine"]


def test_drafting_mode_embeds_error_boxes_and_warns(failing_site, tmp_path):
    source, _ = failing_site
    for folder in ("content", "demos"):
        shutil.copytree(source / folder, tmp_path / folder)
    (tmp_path / "demos" / "hang.py").write_text("raise KeyError('quick')\n")
    result = build(tmp_path, NEWSLETTER_ON_ERROR="warn")
    assert result.returncode == 0, log_of(result)
    html = (tmp_path / "output" / "issues" / "failures" / "index.html").read_text()
    assert html.count('class="build-error demo-error"') == 7
    assert "users.txt is a symbolic link to /etc/passwd" in html
    published = [path.read_bytes() for path in (tmp_path / "output").rglob("*") if path.is_file()]
    assert not any(b"root:x:0:0" in data for data in published)  # the linked file was not published
    assert "demo demos/broken.py failed: ValueError: the model diverged" in html
    assert html.count("File &quot;demos/broken.py&quot;, line 2") == 1  # the traceback once, trimmed
    assert str(tmp_path) not in html
    assert "WARNING" in log_of(result) and "demos/broken.py failed" in log_of(result)


def test_parallel_runs_say_so(tmp_path):
    demos = {
        f"d{i}.py": "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3:\n    pass\n"
        for i in range(2)
    }
    body = "".join(f"::: demo demos/d{i}.py\n:::\n\n" for i in range(2))
    make_site(tmp_path, {"par.md": post("Par", body)}, demos)
    result = build(tmp_path, DEMOS_WORKERS=2)
    assert result.returncode == 0, log_of(result)
    html = (tmp_path / "output" / "issues" / "par" / "index.html").read_text()
    assert html.count("beside 1 other demo running at the same time") == 2


def test_a_build_with_errors_prunes_nothing(tmp_path, good_site):
    # A typo hides a demo from the build and an edit can break one: their cached
    # results must survive until the post or the demo is fixed.
    source, _, _ = good_site
    for folder in ("content", "demos", "_demo_cache"):
        shutil.copytree(source / folder, tmp_path / folder)
    before = sorted(p.name for p in (tmp_path / "_demo_cache").iterdir())
    post_path = tmp_path / "content" / "issues" / "good.md"
    post_path.write_text(post_path.read_text().replace("show-source: true", "show-sauce: true"))
    result = build(tmp_path)
    assert result.returncode != 0 and "show-sauce" in log_of(result)
    assert sorted(p.name for p in (tmp_path / "_demo_cache").iterdir()) == before
    post_path.write_text(post_path.read_text().replace("show-sauce: true", "show-source: true"))
    (tmp_path / "demos" / "good.py").write_text("raise ValueError('broken by an edit')\n")
    result = build(tmp_path)
    assert result.returncode != 0 and "broken by an edit" in log_of(result)
    assert sorted(p.name for p in (tmp_path / "_demo_cache").iterdir()) == before
