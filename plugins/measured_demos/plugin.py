"""Signal wiring: the directive at start-up, every demo once all content is read.

initialized              -> add the `::: demo` Markdown extension
all_generators_finalized -> run pending demos (cache first), put their HTML into
                            articles, pages and drafts, copy figures to the output
finalized                -> remove temporary run folders
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsletter import problems
from newsletter.blocks import BlockExtension
from pelican import signals
from pelican.contents import Static
from pelican.log import console

from .carbon import intensity_from_settings, pue_from_settings
from .config import DemoSettings
from .directive import PLACEHOLDER, decode, make_handler
from .execute import BatchReport, DemoRun, cleanup, result_of, run_batch
from .figure_theme import themed_svg
from .meter import EnergyMeter, MeterConfig
from .render import render_demo, render_failure
from .results import DemoFailure, DemoRequest, DemoResult

logger = logging.getLogger(__name__)

OUTPUT_FOLDER = "demos"
CONTENT_LISTS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)

_results: dict[str, DemoResult] = {}
_reports: list[BatchReport] = []


def results_for(script: str) -> DemoResult | None:
    """The result of `script` (e.g. 'demos/x.py') in this build, once the demos ran."""
    return _results.get(Path(script).as_posix().removeprefix("./"))


def add_directive(pelican: Any) -> None:
    _results.clear()
    settings = DemoSettings.from_settings(pelican.settings)
    markdown = pelican.settings.setdefault("MARKDOWN", {})
    extensions = markdown.setdefault("extensions", [])
    if not any(isinstance(ext, BlockExtension) and ext.name == "demo" for ext in extensions):
        extensions.append(BlockExtension("demo", make_handler(settings.root)))


def run_demos(generators: list[Any]) -> None:
    if not generators:
        return
    context, pelican_settings = generators[0].context, generators[0].settings
    contents = list(_content_objects(generators))
    requests_of = {
        id(obj): [decode(m["request"]) for m in PLACEHOLDER.finditer(obj._content or "")] for obj in contents
    }
    requests = [request for found in requests_of.values() for request in found]
    if not requests:
        return
    settings = DemoSettings.from_settings(pelican_settings)
    if problems.reported() and settings.prune:
        # A post whose directive has a typo asked for no demo: its entry must survive the fix.
        logger.info("measured_demos: cache not pruned: this build has content errors")
        settings = replace(settings, prune=False)
    report = run_batch(requests, settings, lambda: EnergyMeter(MeterConfig.from_settings(pelican_settings)))
    _reports.append(report)
    # Shown without -v, like Pelican's own "Done: ..." line: it says what the build cost.
    console.print(f"measured_demos: ran {report.ran} of {len(report.runs)} demos, {report.cached} cached")
    intensity, pue = intensity_from_settings(pelican_settings), pue_from_settings(pelican_settings)
    by_request = {id(r): run for run in report.runs.values() for r in run.requests}
    urls = _publish_figures(report, settings, pelican_settings, context)
    for obj in contents:
        if not requests_of[id(obj)]:
            continue
        obj.demo_results = []
        blocks = [
            _render(request, by_request[id(request)], settings, intensity, pue, urls, obj)
            for request in requests_of[id(obj)]
        ]
        obj._content = fill_placeholders(obj._content, blocks)
        _forget_rendered(obj)


def fill_placeholders(content: str, blocks: list[str]) -> str:
    """Replace the placeholders in `content`, in order, by `blocks`."""
    remaining = iter(blocks)
    return PLACEHOLDER.sub(lambda _match: next(remaining), content)


def _content_objects(generators: Iterable[Any]) -> Iterable[Any]:
    seen: set[int] = set()
    for generator in generators:
        for name in CONTENT_LISTS:
            for obj in getattr(generator, name, []) or []:
                if id(obj) not in seen and getattr(obj, "_content", None):
                    seen.add(id(obj))
                    yield obj


def _render(
    request: DemoRequest,
    run: DemoRun,
    settings: DemoSettings,
    intensity: Any,
    pue: float | None,
    urls: dict[Path, str],
    obj: Any,
) -> str:
    source = (settings.root / request.script).read_text(encoding="utf-8") if request.show_source else None
    result = result_of(run, request, intensity, pue)
    failure = _trimmed(result.failure, settings.root) if result.failure else None
    if failure is None and request.allow_error:
        message = (
            f"demo {request.script} is marked 'allow-error: true' but ran without error; "
            "remove the option (or make the demo fail as the post says)"
        )
        problems.report(request.post, request.line, message)
    elif failure is not None and not request.allow_error:
        message = failure_message(request.script, failure, settings.root)
        problems.report(request.post, request.line, message)
        # The box shows the traceback once, under its own summary.
        headline = f"{request.post}:{request.line}: {message.splitlines()[0]}"
        return render_failure(request.script, headline, failure, source)
    obj.demo_results.append(result)
    _results[request.script] = result
    note = None
    if failure is not None:  # an expected error: shown like output, not as a build error
        note = (
            render_failure(request.script, f"{failure.kind}: {failure.message}", failure)
            .replace("Demo failed:", "This demo fails on purpose:")
            .replace('class="build-error demo-error" role="alert"', 'class="demo-expected-error"')
        )
    figure_urls = [urls[path] for path in result.figures if path in urls]
    return render_demo(result, figure_urls, source=source, error_note=note)


def _trimmed(failure: DemoFailure, root: Path) -> DemoFailure:
    """Paths relative to the project: a page must not show the build machine's folders."""
    return replace(failure, traceback=failure.traceback.replace(str(root) + "/", ""))


def failure_message(script: str, failure: Any, root: Path) -> str:
    """`demo demos/x.py failed: Kind: message (demos/x.py:line)` and the trimmed traceback."""
    where = f"{script}:{failure.line}" if failure.line else script
    message = f"demo {script} failed: {failure.kind}: {failure.message} ({where})"
    if failure.traceback:
        trace = failure.traceback.replace(str(root) + "/", "").strip()
        message += "\n" + "\n".join("    " + line for line in trace.splitlines())
    return message


def _publish_figures(
    report: BatchReport, settings: DemoSettings, pelican_settings: dict, context: dict
) -> dict[Path, str]:
    """Copy figures to output/demos/<entry>/ and let `{static}/...` links find them."""
    urls: dict[Path, str] = {}
    static_content = context.setdefault("static_content", {})
    for run in report.runs.values():
        folder = run.entry.folder.name if run.entry else f"{Path(run.script).stem}-{run.key[:16]}"
        for figure in run.figures:
            save_as = f"{OUTPUT_FOLDER}/{folder}/{figure.name}"
            target = settings.output_path / save_as
            target.parent.mkdir(parents=True, exist_ok=True)
            if figure.suffix == ".svg":  # one file for light and dark pages
                target.write_text(themed_svg(figure.read_text("utf-8")), "utf-8")
            else:
                shutil.copyfile(figure, target)
            static_content[save_as] = Static(
                content=None,
                metadata={"title": figure.name, "save_as": save_as, "url": save_as},
                settings=pelican_settings,
                source_path=str(figure),
                context=context,
            )
            urls[figure] = "{static}/" + save_as
    return urls


def _forget_rendered(obj: Any) -> None:
    """Drop memoized HTML made from the placeholder, if anything asked for it early."""
    for method in ("get_content", "get_summary"):
        cache = getattr(getattr(obj, method, None), "cache", None)
        if isinstance(cache, dict):
            for key in [key for key in cache if key and key[0] is obj]:
                del cache[key]


def remove_temporary(pelican: Any) -> None:
    while _reports:
        cleanup(_reports.pop())


def register() -> None:
    signals.initialized.connect(add_directive)
    signals.all_generators_finalized.connect(run_demos)
    signals.finalized.connect(remove_temporary)
