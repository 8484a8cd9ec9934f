"""No good cache entry is lost: typos, failed writes and hostile demos, in real builds.

Each test builds a small site twice: once to fill the cache, once with the fault.
"""

from __future__ import annotations

import json
import resource
import shutil
import textwrap
from pathlib import Path

import pytest
from pelican.plugins.measured_demos.cache import DemoCache

from tests.helpers import build_site, log_of, write_site

FIGURE = """
import matplotlib.pyplot as plt
print("figure demo")
plt.figure(figsize=(2, 2))
plt.plot([1, 3, 2])
"""
PLAIN = "print('plain demo')\n"
# Links a 60 kB file in as its artifact: writing it needs no room, copying it into the cache does.
BIG_ARTIFACT = """
import os
os.link("demos/big.bin", os.path.join(os.environ["DEMO_ARTIFACTS_DIR"], "big.bin"))
print("plain demo, second version")
"""
# A hostile demo: removes the other demo's cache entry, or the build's copy of it.
DELETES_ENTRY = """
import glob, shutil
for folder in glob.glob("_demo_cache/figure-*"):
    shutil.rmtree(folder)
print("deleted", flush=True)
"""
DELETES_COPY = """
import glob, os
for path in glob.glob(os.path.join(os.environ["TMPDIR"], "measured-demo-cached-*", "fig-1.svg")):
    os.remove(path)
print("deleted the copy")
"""


def site(root: Path, demos: dict[str, str], directive: str = "demo") -> None:
    head = "Date: 2024-01-01\n\nText.\n\n"  # the block opens on line 6
    posts = {
        "issues/figure.md": f"Title: Figure\n{head}::: demo demos/figure.py\n:::\n",
        "issues/plain.md": f"Title: Plain\n{head}::: {directive} demos/plain.py\n:::\n",
    }
    write_site(root, posts)
    (root / "demos").mkdir(exist_ok=True)
    for name, source in demos.items():
        (root / "demos" / name).write_text(textwrap.dedent(source))


def build(root: Path, cache: Path | None = None, **kwargs):
    extra = {"DEMOS_CACHE_PATH": str(cache or root / "_demo_cache")}
    return build_site(root / "output", root / "content", extra=extra, cwd=root, **kwargs)


def entries(root: Path) -> list[str]:
    return sorted(path.name for path in (root / "_demo_cache").iterdir())


@pytest.fixture(scope="module")
def cached(tmp_path_factory) -> Path:
    """A site whose two demos ran once and are cached."""
    root = tmp_path_factory.mktemp("cached")
    site(root, {"figure.py": FIGURE, "plain.py": PLAIN})
    result = build(root)
    assert result.returncode == 0, log_of(result)
    assert len(entries(root)) == 2
    return root


def copy_of(cached: Path, target: Path) -> Path:
    for folder in ("content", "demos", "_demo_cache"):
        shutil.copytree(cached / folder, target / folder)
    return target


@pytest.mark.parametrize("typo", ["demoo", "Demo"])
def test_a_misspelt_directive_fails_the_build_and_keeps_the_demos_entry(cached, tmp_path, typo):
    root = copy_of(cached, tmp_path)
    before = entries(root)
    site(root, {}, directive=typo)
    result = build(root)
    log = log_of(result)
    assert result.returncode != 0, log
    assert f"content/issues/plain.md:6: unknown directive '::: {typo}'; did you mean '::: demo'?" in log
    assert entries(root) == before


def test_a_cache_that_cannot_be_written_fails_the_build_but_writes_the_pages(cached, tmp_path):
    root = copy_of(cached, tmp_path)
    result = build(root, cache=Path("/proc/self/no-such-folder/_demo_cache"))  # not even root may write
    log = log_of(result)
    assert result.returncode != 0, log
    assert "content/issues/plain.md:6: could not write the cache entry of demo demos/plain.py" in log
    assert "free disk space or make DEMOS_CACHE_PATH writable" in log
    assert "plain demo" in (root / "output" / "issues" / "plain" / "index.html").read_text()


def test_a_write_that_fails_half_way_keeps_every_good_entry(cached, tmp_path):
    root = copy_of(cached, tmp_path)
    before = entries(root)
    (root / "demos" / "big.bin").write_bytes(b"\0" * 60_000)
    (root / "demos" / "plain.py").write_text(textwrap.dedent(BIG_ARTIFACT))

    def small_files() -> None:  # any file over 40 kB fails with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, resource.RLIM_INFINITY))

    result = build_site(
        root / "output",
        root / "content",
        extra={"DEMOS_CACHE_PATH": str(root / "_demo_cache")},
        cwd=root,
        preexec_fn=small_files,
    )
    log = log_of(result)
    assert result.returncode != 0, log
    assert "content/issues/plain.md:6: could not write the cache entry of demo demos/plain.py" in log
    assert "File too large" in log
    # The old entry of plain.py (its last good result) is not pruned; no half-written entry.
    assert entries(root) == before
    assert "second version" in (root / "output" / "issues" / "plain" / "index.html").read_text()


def test_a_demo_that_deletes_another_entry_cannot_lose_it_or_break_the_pages(cached, tmp_path):
    root = copy_of(cached, tmp_path)
    before = entries(root)
    (root / "demos" / "plain.py").write_text(textwrap.dedent(DELETES_ENTRY))
    result = build(root)
    log = log_of(result)
    assert result.returncode == 0, log
    assert "vanished during the build" in log
    page = (root / "output" / "issues" / "figure" / "index.html").read_text()
    assert "figure demo" in page and "fig-1.svg" in page
    assert list((root / "output" / "demos").glob("figure-*/fig-1.svg"))
    # Written back from the checked copy, and readable by the next build.
    (figure_entry,) = [name for name in before if name.startswith("figure-")]
    assert figure_entry in entries(root)
    key = json.loads((root / "_demo_cache" / figure_entry / "result.json").read_text())["key"]
    assert DemoCache(root / "_demo_cache").load("demos/figure.py", key) is not None


def test_a_figure_removed_before_publishing_is_a_clear_error_and_pages_are_written(cached, tmp_path):
    root = copy_of(cached, tmp_path)
    (root / "demos" / "plain.py").write_text(textwrap.dedent(DELETES_COPY))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    result = build(root, env={"TMPDIR": str(temporary)})
    log = log_of(result)
    assert result.returncode != 0, log
    assert "content/issues/figure.md:6: figure fig-1.svg of demo demos/figure.py could not be read" in log
    assert "Traceback" not in log
    page = (root / "output" / "issues" / "figure" / "index.html").read_text()
    assert "figure demo" in page and "<img" not in page
    assert "deleted the copy" in (root / "output" / "issues" / "plain" / "index.html").read_text()
