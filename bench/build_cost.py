"""What the plugins add to a Pelican build: every plugin on, every demo cached,
against plain Pelican (`PLUGINS = []`) on the same content and theme.

    .venv/bin/python bench/build_cost.py [--runs N] [--sizes 6,200,1000] [--no-plugins-table]
                                         [--before DIR] [--emails]

For each size (the 6 real issues plus generated ones) it prints, for a warm
rebuild and for a rebuild after editing one issue, the CPU time (user + system
of the `pelican` process and its children) and wall time as medians with their
spread (min-max), the peak memory (max RSS), and the ratio to plain Pelican
(target: CPU at most 1.10x, memory at most 1.2x). It also prints the paired
ratio: the median of each round's own ratio, whose two builds ran seconds
apart, so load that drifts over a run (other users of this VM) mostly cancels.
At the first size it also prints what each plugin adds, adding them one at a
time.

With `--before DIR` (another checkout, e.g. `git worktree add /tmp/before <commit>`),
the plugins of DIR/plugins are timed too, interleaved with the others: a change is
measured against the code before it, on the same machine at the same time (runs an
hour apart on this VM differed by 8% in plain Pelican alone). They run with this
checkout's settings, theme and PLUGINS list, on their own copy of the content, so
that each keeps its own memos in .cache/.

Every build is a fresh `pelican` process writing over its own previous output,
as `make html` does; variants are interleaved so load from other users of the
machine hits them alike. The committed demo cache is copied to a temporary
folder, so the repository is never written (the runtime's compressed copies
in .cache/ are shared with `make html`).

Two things would flatter the plugins, and are ruled out:

* Pelican imports every installed namespace plugin, listed in PLUGINS or not, so
  plain Pelican would pay for importing ours; each plugin's `__init__` imports
  nothing until Pelican registers it (tests/core/test_plugins.py checks this).
* With PYTHONDONTWRITEBYTECODE set (as on some CI machines), pip's packages load
  from the bytecode pip compiled at install while the plugins, installed in
  editable mode, would be compiled from source on every build. The builds run
  with bytecode caching on, as Python's default is, so both load compiled code.

The site's settings (pelicanconf.py) build no email while writing
(`EMAIL_BUILD = False`); `make email` and `make publish` do. `--emails` times
the builds with every issue's email built too, as `make publish` builds them.

Two things the plugins do speed up Pelican's own work: they keep the theme's
compiled templates between builds (`plugin_core.template_cache`), and what
Markdown made of each unchanged post (`plugin_core.read_cache`), which plain
Pelican does not do unless its settings ask for it. So a third variant, plain
Pelican given a template cache and its own content cache in its settings
("plain + cache"), is timed too, and the ratio to it is printed: what the
plugins' own work costs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
from pelicanconf import PLUGINS  # noqa: E402  every plugin the site builds with, in its order

BUILD_ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
BUILD_ENVIRONMENT["PYTHONHASHSEED"] = "0"
CATEGORIES = ["Energy", "Small models", "Measurement", "Hardware"]
TAGS = [f"topic {n}" for n in range(24)]


@dataclass
class Sample:
    cpu: float
    wall: float
    rss_mb: float


def generate_issues(content: Path, count: int) -> None:
    """`count` plain issues (no demos) in `content/issues/`, with tags and categories,
    so the site has as many article, index, tag and category pages as a real archive."""
    for n in range(count):
        day = n % 28 + 1
        month = n // 28 % 12 + 1
        year = 2000 + n // (28 * 12)
        tags = ", ".join(TAGS[(n * k) % len(TAGS)] for k in (1, 5))
        paragraphs = "\n\n".join(
            f"Paragraph {p} of generated issue {n}: a measured claim, "
            f"a [source](https://example.org/{n}/{p}), some *emphasis*, `code`, "
            "and enough words to look like a real newsletter's prose. " * 3
            for p in range(6)
        )
        (content / "issues" / f"gen-{n:05d}.md").write_text(
            f"Title: Generated issue {n}\nDate: {year}-{month:02d}-{day:02d} 08:00\nSlug: gen-{n:05d}\n"
            f"Category: {CATEGORIES[n % len(CATEGORIES)]}\nTags: {tags}\n"
            f"Summary: Generated issue number {n}, for the build benchmark.\n\n"
            f"## A heading\n\n{paragraphs}\n\n- one\n- two\n- three\n",
            encoding="utf-8",
        )


def make_site(root: Path, generated: int) -> Path:
    content = root / "content"
    shutil.copytree(PROJECT / "content", content)
    generate_issues(content, generated)
    return content


def build(content: Path, output: Path, overrides: dict, check_cached: bool,
          environment: dict[str, str] = BUILD_ENVIRONMENT, settings_file: Path | None = None) -> Sample:
    """One fresh `pelican` process: its CPU time (with its children), wall time, max RSS."""
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(output)]
    command += ["-s", str(settings_file or PROJECT / "pelicanconf.py")]
    command += ["-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=environment)
    log = process.stdout.read().decode("utf-8", "replace")
    # wait4: this process's own usage (its reaped children included), not all children's.
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"build failed ({' '.join(command)}):\n{log}")
    if check_cached:
        match = re.search(r"ran (\d+) of (\d+) demos", log)
        if not match or match.group(1) != "0":
            sys.exit(f"expected every demo cached, got:\n{log}")
    return Sample(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.3f} ({min(values):.3f}-{max(values):.3f})"


def paired_ratio(ours: list[Sample], plain: list[Sample]) -> list[float]:
    """Each round's CPU ratio: the two builds of a round ran seconds apart, so load that
    drifts over a run (other users of the VM) mostly cancels; its median is steadier
    than the ratio of the two medians."""
    return [a.cpu / b.cpu for a, b in zip(ours, plain, strict=True)]


def summary(samples: list[Sample]) -> dict[str, float]:
    return {
        "cpu": statistics.median(s.cpu for s in samples),
        "wall": statistics.median(s.wall for s in samples),
        "rss": max(s.rss_mb for s in samples),
    }


def measure(content: Path, work: Path, variants: dict[str, list[str]], runs: int, cache: Path,
            edit: str | None = None, extra: dict | None = None,
            environments: dict[str, dict[str, str]] | None = None,
            contents: dict[str, Path] | None = None,
            settings_for: dict[str, dict] | None = None,
            settings_files: dict[str, Path] | None = None) -> dict[str, list[Sample]]:
    """Interleaved rebuilds of each variant (one warm-up each first). With `edit` (a path
    in the content folder), that issue's text changes before every round, so each build
    sees one edited issue. `environments` gives a variant its own environment and
    `contents` its own copy of the content and `settings_for` its own settings (the
    `before` plugins: see main), `settings_files` its own settings file."""
    settings_files = settings_files or {}
    environments = environments or {}
    contents = {name: (contents or {}).get(name, content) for name in variants}
    samples: dict[str, list[Sample]] = {name: [] for name in variants}
    settings = {name: {"PLUGINS": plugins, "DEMOS_ROOT": str(PROJECT), "DEMOS_CACHE_PATH": str(cache),
                       "DEMOS_PRUNE": False, **(extra or {}), **(settings_for or {}).get(name, {})}
                for name, plugins in variants.items()}
    for name, plugins in variants.items():  # warm-up: outputs exist, caches are filled
        build(contents[name], work / name, settings[name], "measured_demos" in plugins,
              environments.get(name, BUILD_ENVIRONMENT), settings_files.get(name))
    edited = sorted({folder / edit for folder in contents.values()}) if edit else []
    originals = {path: path.read_text("utf-8") for path in edited}
    for run in range(runs):
        for path, original in originals.items():
            path.write_text(original + f"\n\nEdited for round {run}.\n", "utf-8")
        order = list(variants) if run % 2 == 0 else list(reversed(variants))
        for name in order:
            cached = "measured_demos" in variants[name]
            samples[name].append(build(contents[name], work / name, settings[name], cached,
                                       environments.get(name, BUILD_ENVIRONMENT), settings_files.get(name)))
    for path, original in originals.items():
        path.write_text(original, "utf-8")
    return samples


def count_pages(output: Path) -> int:
    return sum(1 for _ in output.rglob("*.html"))


def print_pair(label: str, samples: dict[str, list[Sample]]) -> dict[str, float]:
    plain, ours = summary(samples["plain"]), summary(samples["all"])
    print(f"  {label}")
    titles = {"plain": "plain Pelican", "cached": "plain + cache", "before": "plugins before",
              "all": "all plugins"}
    for name, title in titles.items():
        if name not in samples:
            continue
        s = samples[name]
        print(f"    {title:14s} cpu {spread([x.cpu for x in s])} s   wall {spread([x.wall for x in s])} s"
              f"   peak {max(x.rss_mb for x in s):6.1f} MB")
    row = {"plain": plain["cpu"], "ours": ours["cpu"], "ratio": ours["cpu"] / plain["cpu"]}
    if "before" in samples:
        before = summary(samples["before"])
        row["before_ratio"] = before["cpu"] / plain["cpu"]
        wall, rss = before["wall"] / plain["wall"], before["rss"] / plain["rss"]
        print(f"    before ratio   cpu {row['before_ratio']:.2f}x   wall {wall:.2f}x   peak memory "
              f"{rss:.2f}x")
    ratio = {key: ours[key] / plain[key] for key in plain}
    print(f"    ratio          cpu {ratio['cpu']:.2f}x (target <= 1.10)   wall {ratio['wall']:.2f}x"
          f"   peak memory {ratio['rss']:.2f}x (target <= 1.2)")
    row["paired"] = paired_ratio(samples["all"], samples["plain"])
    print(f"    paired ratio   cpu {spread(row['paired'])}x (each round's builds, side by side)")
    cached = summary(samples["cached"])
    row["cached_ratio"] = ours["cpu"] / cached["cpu"]
    print(f"    to plain + cache  cpu {row['cached_ratio']:.2f}x (the plugins' own work)")
    return row


def cached_plain_settings(folder: Path) -> Path:
    """A settings file: pelicanconf.py with the plugins' template cache and Pelican's own
    content cache (each size gives it its own CACHE_PATH), in `folder`."""
    path = folder / "plain_with_template_cache.py"
    path.write_text(
        "from pathlib import Path\n"
        "from pelicanconf import *  # noqa: F403\n"
        "from plugin_core.template_cache import TemplateCache\n"
        # Pelican reads a relative THEME from the settings file's folder
        f"THEME = {str(PROJECT / 'theme')!r}\n"
        f"JINJA_ENVIRONMENT = {{'bytecode_cache': TemplateCache(Path({str(folder / 'templates')!r}))}}\n"
        "CACHE_CONTENT = LOAD_CONTENT_CACHE = True\n"
        "GZIP_CACHE = False  # faster both ways\n",
        "utf-8",
    )
    return path


def plugin_costs(content: Path, work: Path, runs: int, cache: Path, extra: dict | None = None) -> None:
    """Add the plugins one at a time (widgets need the demos' results, so they come after)."""
    variants = {"none": []}
    for n in range(1, len(PLUGINS) + 1):
        variants["+" + PLUGINS[n - 1]] = PLUGINS[:n]
    # Without all of them, a `::: widget` block is an unknown directive: warn, do not fail.
    samples = measure(content, work / "plugins", variants, runs, cache,
                      extra={"NEWSLETTER_ON_ERROR": "warn", **(extra or {})})
    cpu = {name: statistics.median(s.cpu for s in runs_) for name, runs_ in samples.items()}
    print("  what each plugin adds (CPU medians, plugins added in this order):")
    previous = cpu["none"]
    print(f"    {'plain Pelican':18s} {previous:.3f} s")
    for name in list(variants)[1:]:
        print(f"    {name:18s} {cpu[name] - previous:+.3f} s   (build {cpu[name]:.3f} s)")
        previous = cpu[name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=0, help="rounds per size (default: 9, 5, 5)")
    parser.add_argument("--sizes", default="6,200,1000", help="issues: 6 real ones plus generated")
    parser.add_argument("--no-plugins-table", action="store_true")
    parser.add_argument("--no-edit", action="store_true", help="skip the edited-issue rebuilds")
    parser.add_argument("--before", type=Path, help="another checkout whose plugins are timed too")
    parser.add_argument("--emails", action="store_true",
                        help="build every issue's email too (EMAIL_BUILD = True), as make publish does")
    args = parser.parse_args()
    if args.before and not (args.before / "plugins" / "plugin_core").is_dir():
        sys.exit(f"--before {args.before}: no plugins/plugin_core there; give a checkout of this project")
    sizes = [int(size) for size in args.sizes.split(",")]
    table = []
    with tempfile.TemporaryDirectory(prefix="bench-cost-") as scratch:
        scratch = Path(scratch)
        cache = scratch / "_demo_cache"
        shutil.copytree(PROJECT / "_demo_cache", cache)
        environments = {}
        if args.before:
            # Every variant gets one PYTHONPATH entry, searched by every import: an empty
            # folder for this checkout's, so the `before` plugins are not slower for it.
            (scratch / "empty").mkdir()
            environments = {name: {**BUILD_ENVIRONMENT, "PYTHONPATH": str(scratch / "empty")}
                            for name in ("plain", "cached", "all")}
            before_plugins = str((args.before / "plugins").resolve())
            environments["before"] = {**BUILD_ENVIRONMENT, "PYTHONPATH": before_plugins}
        for index, size in enumerate(sizes):
            runs = args.runs or (9 if size <= 10 else 5)
            work = scratch / f"site-{size}"
            content = make_site(work, max(size - 6, 0))
            variants = {"plain": [], "cached": [], "all": PLUGINS}
            if args.before:
                variants["before"] = PLUGINS
            contents, settings_for = {}, {"cached": {"CACHE_PATH": str(work / "pelican-cache")}}
            settings_files = {"cached": cached_plain_settings(scratch)}
            if args.before:
                # The plugins keep memos in .cache/ beside the content folder, and the widgets
                # theirs with the runtime's compressed copies: code that writes them in another
                # layout must not share them, or both would redo work on every build.
                own = work / "before-site"
                contents["before"] = own / "content"
                shutil.copytree(content, contents["before"])
                if (PROJECT / ".cache" / "pyodide_widgets").is_dir():  # the copies made by make html
                    shutil.copytree(PROJECT / ".cache" / "pyodide_widgets", own / "widgets-cache")
                settings_for["before"] = {"PYODIDE_COMPRESS_CACHE": str(own / "widgets-cache")}
            extra = {"EMAIL_BUILD": True} if args.emails else None
            warm = measure(content, work, variants, runs, cache, extra=extra, environments=environments,
                           contents=contents, settings_for=settings_for, settings_files=settings_files)
            print(f"{size} issues ({count_pages(work / 'all')} HTML pages with plugins, "
                  f"{count_pages(work / 'plain')} plain), {runs} interleaved rounds, medians (min-max):")
            row = print_pair("warm rebuild", warm)
            edited = None
            if not args.no_edit:
                edited = print_pair("rebuild after editing one issue",
                                    measure(content, work, variants, runs, cache, extra=extra,
                                            edit="issues/03-small-models.md",
                                            environments=environments, contents=contents,
                                            settings_for=settings_for, settings_files=settings_files))
            if index == 0 and not args.no_plugins_table:
                plugin_costs(content, work, runs, cache, extra)
            table.append((size, row, edited))
            sys.stdout.flush()
    print("\nissues | plain Pelican CPU | all plugins CPU | ratio | after editing one issue: ratio"
          " | paired ratio: warm, after editing | to plain + cache: warm, after editing"
          + (" | before: ratio, after editing" if args.before else ""))
    for size, row, edited in table:
        edited_ratio = f"{edited['ratio']:.2f}" if edited else "-"
        line = f"{size:6d} | {row['plain']:8.3f} s | {row['ours']:8.3f} s | {row['ratio']:.2f} "
        line += f"| {edited_ratio} | {statistics.median(row['paired']):.2f}, "
        line += f"{statistics.median(edited['paired']):.2f} " if edited else "- "
        line += f"| {row['cached_ratio']:.2f}, "
        line += f"{edited['cached_ratio']:.2f}" if edited else "-"
        if args.before:
            line += f" | {row['before_ratio']:.2f}, " + (f"{edited['before_ratio']:.2f}" if edited else "-")
        print(line)


if __name__ == "__main__":
    main()
