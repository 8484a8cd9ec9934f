"""Signal wiring: the directive at start-up, every demo once all content is read.

initialized        -> add the `::: demo` Markdown directive
start (core)       -> read and check the settings; start the build's own energy meter
content (core)     -> run pending demos (cache first), put their HTML into every
                      article and page, copy figures to the output, publish a DemoBuild
finish (core)      -> remove temporary run folders
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Static
from pelican.log import console
from plugin_core import build as core
from plugin_core import placeholders, problems
from plugin_core.build import Build, CoreSettings, Step
from plugin_core.contents import url_of
from plugin_core.demo_link import BuildEnergy, DemoBuild, DemoFailure, DemoResult, PageDemos
from plugin_core.directives import add_directive
from plugin_core.watch import watch

from .batch import BatchReport, DemoRun, DemosInterrupted, cleanup, result_of, run_batch
from .directive import KIND, make_handler, requests_in
from .figure_theme import themed_svg
from .meter import EnergyMeter, ProcessMeter
from .render import render_demo, render_failure
from .results import DemoRequest
from .settings import DemoSettings

logger = logging.getLogger(__name__)

PLUGIN = "measured_demos"
OUTPUT_FOLDER = "demos"


def add_demo_directive(pelican: Any) -> None:
    settings = pelican.settings
    add_directive(settings, "demo", make_handler(lambda: Build.of(settings).find(DemoSettings).root))


def read_settings(build: Build) -> None:
    region = build.find(CoreSettings).carbon.intensity.region
    settings = DemoSettings.from_settings(build.settings)._replace(region=region)
    build.publish(settings)
    # The build's own energy; Pelican imports no GPU framework, so NVML is not opened.
    build.publish(BuildEnergy(ProcessMeter(settings.meter._replace(use_nvml=False)).stop))


def run_demos(build: Build, generators: list[Any]) -> None:
    context, pelican_settings = generators[0].context, generators[0].settings
    requests_of = {id(obj): requests_in(obj._content) for obj in build.contents}
    requests = [request for found in requests_of.values() for request in found]
    settings = build.find(DemoSettings)
    # `make devserver` rebuilds when a demo or its data changes (plugin_core.autoreload).
    read = [r.script for r in requests] + [data for r in requests for data in r.data]
    watch(build, *(settings.root / path for path in read))
    if not requests:
        build.publish(DemoBuild(by_script={}))
        return
    if problems.reported() and settings.prune:
        # A post whose directive has a typo asked for no demo: its entry must survive the fix.
        logger.info("measured_demos: cache not pruned: this build has content errors")
        settings = settings._replace(prune=False)
    try:
        report = run_batch(requests, settings, lambda: EnergyMeter(settings.meter))
    except DemosInterrupted as interrupted:
        # Pelican would log the interrupt and exit 0: a stopped build must fail.
        logger.error(
            "measured_demos: interrupted; %d running demo(s) killed, nothing from this build was "
            "cached, the cache is as it was",
            interrupted.stopped,
        )
        raise SystemExit(130) from None
    build.publish(report)
    # Shown without -v, like Pelican's own "Done: ..." line: it says what the build cost.
    modes = sorted(
        {run.outcome.isolation for run in report.runs.values() if run.outcome and run.outcome.isolation}
    )
    how = f" (each in its own {' or '.join(modes).replace('pid', 'PID')})" if modes else ""
    console.print(
        f"measured_demos: ran {report.ran} of {len(report.runs)} demos, {report.cached} cached{how}"
    )
    _report_unwritten(report, settings)
    carbon = build.find(CoreSettings).carbon
    by_request = {id(r): run for run in report.runs.values() for r in run.requests}
    urls = _publish_figures(report, settings, pelican_settings, context)
    by_script: dict[str, DemoResult] = {}
    pages: list[PageDemos] = []
    for obj in build.contents:
        if not requests_of[id(obj)]:
            continue
        shown: list[DemoResult] = []
        in_order = iter(requests_of[id(obj)])  # the placeholders, in the same order

        def render(payload: dict, shown: list[DemoResult] = shown, in_order=in_order) -> str:
            request = next(in_order)
            html, result = _render(request, by_request[id(request)], settings, carbon, urls)
            if result is not None:
                shown.append(result)
                by_script[request.script] = result
            return html

        placeholders.fill_content(obj, KIND, render)
        pages.append(PageDemos(obj.title, url_of(obj), tuple(shown)))
    build.publish(DemoBuild(by_script=by_script, pages=tuple(pages)))


def _render(
    request: DemoRequest, run: DemoRun, settings: DemoSettings, carbon: Any, urls: dict[Path, str]
) -> tuple[str, DemoResult | None]:
    """The demo's HTML, and its result when the page shows one (not for a failure box)."""
    source = (settings.root / request.script).read_text(encoding="utf-8") if request.show_source else None
    result = result_of(run, request, carbon, settings)
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
        return render_failure(request.script, headline, failure, source), None
    note = None
    if failure is not None:  # an expected error: shown like output, not as a build error
        note = (
            render_failure(request.script, f"{failure.kind}: {failure.message}", failure)
            .replace("Demo failed:", "This demo fails on purpose:")
            .replace('class="build-error demo-error" role="alert"', 'class="demo-expected-error"')
        )
    figure_urls = [urls[path] for path in result.figures if path in urls]
    return render_demo(result, figure_urls, source=source, error_note=note), result


def _trimmed(failure: DemoFailure, root: Path) -> DemoFailure:
    """Paths relative to the project: a page must not show the build machine's folders."""
    return failure._replace(traceback=failure.traceback.replace(str(root) + "/", ""))


def failure_message(script: str, failure: Any, root: Path) -> str:
    """`demo demos/x.py failed: Kind: message (demos/x.py:line)` and the trimmed traceback."""
    where = f"{script}:{failure.line}" if failure.line else script
    message = f"demo {script} failed: {failure.kind}: {failure.message} ({where})"
    if failure.traceback:
        trace = failure.traceback.replace(str(root) + "/", "").strip()
        message += "\n" + "\n".join("    " + line for line in trace.splitlines())
    return message


def _report_unwritten(report: BatchReport, settings: DemoSettings) -> None:
    """A result that could not be cached is an error: the next build would lose it."""
    for run in report.runs.values():
        if run.store_error is None:
            continue
        for request in run.requests:
            problems.report(
                request.post,
                request.line,
                f"could not write the cache entry of demo {run.script} into {settings.cache_path} "
                f"({run.store_error}); free disk space or make DEMOS_CACHE_PATH writable, then build "
                "again. The page shows this run's result; no cache entry was pruned",
            )


def _publish_figures(
    report: BatchReport, settings: DemoSettings, pelican_settings: dict, context: dict
) -> dict[Path, str]:
    """Copy figures to output/demos/<entry>/ and let `{static}/...` links find them.

    Each figure is copied from this build's own files and checked against the
    checksum its record holds; one that vanished or changed is a content error and
    its page is written without it.
    """
    urls: dict[Path, str] = {}
    static_content = context.setdefault("static_content", {})
    for run in report.runs.values():
        folder = run.entry.folder.name if run.entry else f"{Path(run.script).stem}-{run.key[:16]}"
        expected = dict(run.record.files) if run.record else {}
        for figure in run.figures:
            save_as = f"{OUTPUT_FOLDER}/{folder}/{figure.name}"
            target = settings.output_path / save_as
            problem = _copy_checked(figure, target, expected.get(figure.name))
            if problem:
                for request in run.requests:
                    problems.report(
                        request.post,
                        request.line,
                        f"figure {figure.name} of demo {run.script} {problem}; build again "
                        f"(DEMOS_RERUN={run.script} runs the demo afresh)",
                    )
                continue
            static_content[save_as] = Static(
                content=None,
                metadata={"title": figure.name, "save_as": save_as, "url": save_as},
                settings=pelican_settings,
                source_path=str(figure),
                context=context,
            )
            urls[figure] = "{static}/" + save_as
    return urls


def _copy_checked(source: Path, target: Path, sha256: str | None) -> str | None:
    """Copy `source` to `target` if its bytes match `sha256`; else say what is wrong."""
    try:
        data = source.read_bytes()
    except OSError as error:
        return f"could not be read ({error.strerror or error}): it was removed during the build"
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        return "changed during the build (its checksum does not match the demo's record)"
    if target.suffix == ".svg":  # one file for light and dark pages (figure_theme)
        data = themed_svg(data.decode("utf-8")).encode("utf-8")
    try:
        if target.read_bytes() == data:
            return None  # kept as it was, with its time: what is made from it (an email's PNG) stays fresh
    except OSError:
        pass  # not there yet
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return None


def remove_temporary(build: Build, pelican: Any) -> None:
    report = build.find(BatchReport)
    if report is not None:
        cleanup(report)


def register() -> None:
    core.register()
    signals.initialized.connect(add_demo_directive)
    core.on_start(PLUGIN, read_settings)
    core.on_content(Step.DEMOS, PLUGIN, run_demos)
    core.on_finish(Step.DEMOS, PLUGIN, remove_temporary)
