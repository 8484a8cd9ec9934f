"""Signal wiring: the ``::: widget`` block, the widgets themselves, feeds.

1. ``initialized``: add the ``widget`` directive to Markdown (it leaves placeholders).
2. start (core): read and check the settings.
3. content (core, after the demos' step): compute each widget's static result in
   CPython (and check a MicroPython widget's result under MicroPython), publish
   its code, weights, the loader, the worker and the runtime it runs on, and
   fill the placeholders with the widget HTML; mark the content ``has_widgets``.
4. ``feed_generated``: feed entries keep the static result, lose the controls.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pelican import signals
from plugin_core import build as core
from plugin_core import placeholders, problems
from plugin_core.build import Build, MissingLinkError, Step
from plugin_core.demo_link import DemoBuild
from plugin_core.directives import add_directive, relative_to_project
from plugin_core.numbers import significant
from plugin_core.publishing import hashed_name, publish_bytes
from plugin_core.receipt import LAPTOP_SOURCE, LAPTOP_WATTS, PHONE_SOURCE, PHONE_WATTS, TransferCost

from . import feeds, micropython_check, micropython_runtime, render, runtime, widget_modules
from .directive import KIND, WidgetRequest, make_handler
from .settings import WidgetSettings, read_settings

logger = logging.getLogger(__name__)

PLUGIN = "pyodide_widgets"
STATIC = Path(__file__).with_name("static")
WIDGETS_FOLDER = "widgets"


class WidgetBuildError(Exception):
    """A widget cannot be built; the message says how to fix it."""


def add_widget_directive(pelican) -> None:
    settings = pelican.settings
    widgets_path = lambda: Build.of(settings).find(WidgetSettings).widgets_path  # noqa: E731
    add_directive(settings, "widget", make_handler(widgets_path))


def model_weights(request: WidgetRequest, demos: DemoBuild) -> Path:
    """The weights file the training demo wrote, from the measured demos' results."""
    result = demos.result_for(request.model)
    if result is None:
        raise WidgetBuildError(
            f"no result for the training demo {request.model}: embed it in a post with "
            f"'::: demo {request.model}' so it runs (and is measured) at build time"
        )
    if not result.ok:
        raise WidgetBuildError(f"the training demo {request.model} failed; fix it first (see its error)")
    path = result.artifacts.get(request.artifact)
    if path is None:
        written = ", ".join(sorted(result.artifacts)) or "nothing"
        raise WidgetBuildError(
            f"{request.model} wrote no '{request.artifact}' into $DEMO_ARTIFACTS_DIR (it wrote: {written})"
        )
    return Path(path)


class SiteWidgets:
    """Renders the widgets of one build and publishes what they need, once each."""

    def __init__(
        self, config: WidgetSettings, output_dir: Path, demos: DemoBuild, cost: TransferCost | None = None
    ) -> None:
        self.config = config
        self.cost = cost  # the footprint's byte model, for the reader's cost; None without it
        self.output_dir = output_dir
        self.demos = demos
        self.published_runtime: runtime.PublishedRuntime | None = None
        self.published_micropython: micropython_runtime.PublishedMicroPython | None = None
        self.checked: set[tuple[str, bytes, bytes]] = set()  # MicroPython widgets that passed
        self.runtimes_used: set[str] = set()
        self.rendered = 0

    def _publish(self, stem: str, suffix: str, data: bytes) -> str:
        """Write ``widgets/<stem>.<hash>.<suffix>``; return its site-relative path."""
        relative = hashed_name(f"{WIDGETS_FOLDER}/{stem}.{suffix}", data)
        publish_bytes(data, self.output_dir / relative, self.config.brotli_quality)
        return relative

    def _runtime(self, name: str) -> None:
        """Publish the runtime a widget runs on, once per build; only the runtimes pages use."""
        if name == "micropython":
            return self._micropython()
        if self.config.self_hosted and self.published_runtime is None:
            try:
                found = runtime.find_runtime(self.config.npm_package)
            except runtime.RuntimeMissingError as error:
                raise WidgetBuildError(str(error)) from None
            self.published_runtime = runtime.publish_runtime(
                found, self.output_dir, self.config.compress_cache, self.config.brotli_quality
            )

    def _micropython(self) -> None:
        if self.published_micropython is None:
            try:
                found = micropython_runtime.find_runtime(self.config.micropython_package)
            except micropython_runtime.MicroPythonMissingError as error:
                raise WidgetBuildError(str(error)) from None
            self.published_micropython = micropython_runtime.publish_runtime(
                found, self.output_dir, self.config.compress_cache, self.config.brotli_quality
            )

    def _check_micropython(self, name: str, weights: bytes, sample: list, result: dict, summary: str) -> None:
        """Run the widget under MicroPython on its sample input: CPython's result, or an error."""
        path = widget_modules.module_path(self.config.widgets_path, name)
        key = (name, path.read_bytes(), weights)
        if key in self.checked:
            return
        micropython_check.check_widget(
            node=self.config.node,
            runtime=self.published_micropython.runtime,
            name=name,
            widget_file=path,
            shown_path=relative_to_project(path, self.config.widgets_path.parent),
            weights=weights.decode("utf-8"),
            sample=sample,
            result=result,
            summary=summary,
        )
        self.checked.add(key)

    def render(self, request: WidgetRequest, dom_id: str) -> str:
        """The widget's HTML, or an error box after reporting the problem."""
        runtime_name = request.runtime or self.config.default_runtime
        try:
            self._runtime(runtime_name)
            module = widget_modules.load(self.config.widgets_path, request.name)
            weights_bytes = model_weights(request, self.demos).read_bytes()
            weights = json.loads(weights_bytes)
            sample = module.sample_input(weights)
            result = module.predict(weights, sample)
            summary = module.describe(result)
        except (WidgetBuildError, widget_modules.WidgetCodeError) as error:
            return self._broken(request, str(error))
        except Exception as error:  # the widget's own code failed on the sample input
            return self._broken(
                request,
                f"widgets/{request.name}.py failed on its sample input: {type(error).__name__}: {error}",
            )
        if runtime_name == "micropython":
            try:
                self._check_micropython(request.name, weights_bytes, sample, result, summary)
            except micropython_check.MicroPythonCheckError as error:
                return self._broken(request, str(error))
        code = widget_modules.module_path(self.config.widgets_path, request.name).read_bytes()
        true_label = weights.get("sample", {}).get("true_label")
        view = render.WidgetView(
            dom_id=dom_id,
            name=request.name,
            title=module.TITLE,
            explanation=module.EXPLANATION,
            caption=request.caption,
            input_spec=module.INPUT,
            sample=sample,
            sample_note=f"a held-out test example labelled {true_label}" if true_label else "a sample input",
            result=result,
            summary=summary,
            code_url=self._publish(request.name, "py", code),
            weights_url=self._publish(f"{request.name}-weights", "json", weights_bytes),
            download_hint=self._download_hint(runtime_name),
            runtime=runtime_name,
        )
        self.rendered += 1
        self.runtimes_used.add(runtime_name)
        return render.render_widget(view)

    def render_all(self, content) -> None:
        """Fill every widget placeholder of one page; ids are ``widget-<name>-<n>``."""
        numbers: dict[str, int] = {}

        def render_one(payload: dict) -> str:
            request = WidgetRequest(**payload)
            numbers[request.name] = numbers.get(request.name, 0) + 1
            return self.render(request, f"widget-{request.name}-{numbers[request.name]}")

        placeholders.fill_content(content, KIND, render_one)

    def _broken(self, request: WidgetRequest, message: str) -> str:
        problems.report(request.source_path, request.line, f"widget '{request.name}': {message}")
        return render.render_broken(request.name, message)

    def _download_hint(self, runtime_name: str) -> str:
        published = self.published_micropython if runtime_name == "micropython" else self.published_runtime
        if published is None:
            return ""
        # Counted as the Footprint page counts it (its encoding), to two figures.
        size = published.total(self.cost.encoding if self.cost else "gzip")
        if size >= 1e6:
            return f"about {significant(size / 1e6, 2)} MB"
        return f"about {significant(size / 1e3, 2)} kB"

    def _publish_worker(self, stem: str, source: bytes) -> str:
        """Publish a worker; return its name relative to the loader (same folder)."""
        self._publish(stem, "mjs", source)
        return hashed_name(f"{stem}.mjs", source)

    def publish_scripts(self) -> str:
        """Publish the workers the pages need and the loader (config baked in); return its path."""
        workers = {}
        index_url, lock = None, None
        if "pyodide" in self.runtimes_used:
            workers["pyodide"] = self._publish_worker("worker", (STATIC / "worker.mjs").read_bytes())
            if self.config.self_hosted:
                found = self.published_runtime.runtime
                index_url, lock = found.folder, runtime.trimmed_lock(found)
            else:
                index_url = self.config.base_url
        micropython = None
        if "micropython" in self.runtimes_used:
            bootstrap = (STATIC / "micropython_bootstrap.py").read_text(encoding="utf-8")
            source = (STATIC / "micropython_worker.mjs").read_text(encoding="utf-8")
            source = source.replace("__PW_BOOTSTRAP__", json.dumps(bootstrap))
            workers["micropython"] = self._publish_worker("micropython_worker", source.encode("utf-8"))
            micropython = {
                "indexURL": self.published_micropython.runtime.folder,
                "heapBytes": micropython_runtime.HEAP_BYTES,
            }
        loader_config = {
            "indexURL": index_url,
            "timeout": self.config.load_timeout,
            "packages": list(self.config.packages),
            "lockFileContents": lock,
            "device": {
                "laptopWatts": list(LAPTOP_WATTS),
                "laptopSource": LAPTOP_SOURCE,
                "phoneWatts": PHONE_WATTS,
                "phoneSource": PHONE_SOURCE,
            },
            # SWD v4's network and data-centre share per byte (None without the footprint plugin).
            "gramsPerByte": self.cost.grams_per_byte if self.cost else None,
            "micropython": micropython,
        }
        loader = (STATIC / "loader.mjs").read_text(encoding="utf-8")
        loader = loader.replace("__PW_CONFIG__", json.dumps(loader_config, separators=(",", ":")))
        loader = loader.replace("__PW_WORKERS__", json.dumps(workers, separators=(",", ":")))
        return self._publish("loader", "mjs", loader.encode("utf-8"))


def build_widgets(build: Build, generators) -> None:
    contents = [c for c in build.contents if placeholders.find(KIND, c._content)]
    if not contents:
        return
    config = build.find(WidgetSettings)
    try:
        demos = build.require(DemoBuild, "the '::: widget' blocks", "measured_demos")
    except MissingLinkError as error:
        for content in contents:
            for payload in placeholders.find(KIND, content._content):
                problems.report(payload["source_path"], payload["line"], str(error))
        demos = DemoBuild()
    site = SiteWidgets(config, Path(generators[0].settings["OUTPUT_PATH"]), demos, build.find(TransferCost))
    for content in contents:
        site.render_all(content)
        content.has_widgets = True
    if site.rendered:
        generators[0].context["PYODIDE_WIDGETS_LOADER"] = site.publish_scripts()
        logger.info("pyodide_widgets: %d widget(s) in %d page(s)", site.rendered, len(contents))


def publish_settings(build: Build) -> None:
    build.publish(read_settings(build.settings))


def clean_feed(context, feed) -> None:
    feeds.clean_feed(feed)


def register() -> None:
    core.register()
    signals.initialized.connect(add_widget_directive)
    core.on_start(PLUGIN, publish_settings)
    core.on_content(Step.WIDGETS, PLUGIN, build_widgets)
    signals.feed_generated.connect(clean_feed)
