"""Signal wiring: the ``::: widget`` block, the widgets themselves, feeds.

1. ``initialized``: add the ``widget`` directive to Markdown (it leaves placeholders).
2. start (core): read and check the settings.
3. content (core, after the demos' step): check every widget against the
   contract and compute its static result in CPython; publish the Pyodide
   runtime, the trimmed standard library, the worker and the loader; fill the
   placeholders with the widget HTML (with the byte figure of a first run, as
   the Footprint page counts it); mark the content ``has_widgets``.
4. ``feed_generated``: feed entries keep the static result, lose the controls.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from pelican import signals
from pelican.plugins.footprint.settings import FootprintSettings
from plugin_core import build as core
from plugin_core import placeholders, problems
from plugin_core.build import Build, MissingLinkError, Step
from plugin_core.compression import BROTLI, file_transfer_size
from plugin_core.demo_link import DemoBuild
from plugin_core.directives import add_directive
from plugin_core.publishing import hashed_name, publish_bytes, publish_file
from plugin_core.watch import watch

from . import contract, feeds, render, runtime, stdlib, widget_modules
from .contract import CheckedWidget
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


@dataclass(frozen=True)
class PreparedWidget:
    """A widget that keeps the contract, with the files the browser fetches for it."""

    checked: CheckedWidget
    code: bytes
    weights: bytes
    true_label: str | None


def prepare(config: WidgetSettings, request: WidgetRequest, demos: DemoBuild) -> PreparedWidget:
    """Import the widget, read its weights, check the contract on the sample input."""
    module = widget_modules.load(config.widgets_path, request.name)
    weights_bytes = model_weights(request, demos).read_bytes()
    try:
        weights = json.loads(weights_bytes)
    except ValueError as error:
        raise WidgetBuildError(
            f"{request.model} wrote a '{request.artifact}' that is not JSON: {error}"
        ) from None
    try:
        checked = contract.check_widget(module, weights)
    except contract.ContractError as error:
        raise WidgetBuildError(
            f"widgets/{request.name}.py: {error}. See README, 'The widget contract'."
        ) from None
    sample = weights.get("sample") if isinstance(weights, dict) else None
    true_label = sample.get("true_label") if isinstance(sample, dict) else None
    code = widget_modules.module_path(config.widgets_path, request.name).read_bytes()
    return PreparedWidget(checked, code, weights_bytes, true_label)


class SiteWidgets:
    """The widgets of one build: checked first, then the runtime, then each page's HTML."""

    def __init__(self, config: WidgetSettings, output_dir: Path, demos: DemoBuild, encoding: str) -> None:
        self.config = config
        self.output_dir = output_dir
        self.demos = demos
        self.encoding = encoding
        self.prepared: dict[tuple[str, str, str], PreparedWidget | str] = {}
        self.runtime_bytes: int | None = None  # runtime + worker, compressed, what a first run fetches
        self.loader: str | None = None
        self.rendered = 0

    def _publish(self, stem: str, suffix: str, data: bytes) -> str:
        """Write ``widgets/<stem>.<hash>.<suffix>``; return its site-relative path."""
        relative = hashed_name(f"{WIDGETS_FOLDER}/{stem}.{suffix}", data)
        publish_bytes(data, self.output_dir / relative, self.config.brotli_quality)
        return relative

    def _sent(self, relative: str) -> int:
        """Bytes a server sends for a published file, as the Footprint page counts them."""
        return file_transfer_size(self.output_dir / relative, self.encoding)

    def prepare_all(self, requests: list[WidgetRequest]) -> None:
        """Check every widget once (by name, model and artifact); a failure is kept as its message."""
        for request in requests:
            key = (request.name, request.model, request.artifact)
            if key in self.prepared:
                continue
            try:
                self.prepared[key] = prepare(self.config, request, self.demos)
            except (WidgetBuildError, widget_modules.WidgetCodeError) as error:
                self.prepared[key] = str(error)

    def publish_runtime(self, first: WidgetRequest) -> None:
        """The runtime, the (trimmed) standard library, the worker and the loader."""
        good = {key: p for key, p in self.prepared.items() if isinstance(p, PreparedWidget)}
        if not good:
            return
        stdlib_url = None
        files: list[str] = []
        if self.config.self_hosted:
            try:
                found = runtime.find_runtime(self.config.npm_package)
            except runtime.RuntimeMissingError as error:
                problems.report(first.source_path, first.line, str(error))
                return
            # Packages may import any module, and the trace cannot load them: keep the whole library.
            trim = self.config.trim_stdlib and not self.config.packages
            published = runtime.publish_runtime(
                found,
                self.output_dir,
                self.config.compress_cache,
                self.config.brotli_quality,
                with_stdlib=not trim,
            )
            files = [found.folder + name for name in published.sizes]
            if trim:
                try:
                    stdlib_url = self._publish_stdlib(found, good)
                except stdlib.StdlibError as error:
                    problems.report(first.source_path, first.line, f"widgets: {error}")
                    return
                files.append(stdlib_url)
            index_url, lock = found.folder, runtime.trimmed_lock(found)
        else:
            index_url, lock = self.config.base_url, None
        worker = (STATIC / "worker.mjs").read_text(encoding="utf-8")
        bootstrap = (STATIC / "bootstrap.py").read_text(encoding="utf-8")
        worker = worker.replace("__PW_BOOTSTRAP__", json.dumps(bootstrap))
        worker_path = self._publish("worker", "mjs", worker.encode("utf-8"))
        files.append(worker_path)
        if self.config.self_hosted:
            self.runtime_bytes = sum(self._sent(path) for path in files)
        options = {
            "indexURL": index_url,
            "stdLibURL": stdlib_url,
            "timeout": self.config.load_timeout,
            "packages": list(self.config.packages),
            "lockFileContents": lock,
        }
        loader_config = {
            "runtimes": {
                "pyodide": {"worker": worker_path.removeprefix(f"{WIDGETS_FOLDER}/"), "options": options}
            },
            "watts": render.ASSUMED_DEVICE_WATTS,
        }
        loader = (STATIC / "loader.mjs").read_text(encoding="utf-8")
        loader = loader.replace("__PW_CONFIG__", json.dumps(loader_config, separators=(",", ":")))
        self.loader = self._publish("loader", "mjs", loader.encode("utf-8"))

    def _publish_stdlib(self, found: runtime.Runtime, good: dict) -> str:
        traced = [
            stdlib.TracedWidget(name, p.code.decode("utf-8"), p.weights.decode("utf-8"), p.checked.sample)
            for (name, _model, _artifact), p in sorted(good.items())
        ]
        zipped = stdlib.trimmed_stdlib(found, traced, self.config.compress_cache)
        relative = hashed_name(f"{WIDGETS_FOLDER}/python_stdlib.zip", zipped.read_bytes())
        publish_file(
            zipped, self.output_dir / relative, self.config.compress_cache, self.config.brotli_quality
        )
        return relative

    def render(self, request: WidgetRequest, dom_id: str) -> str:
        """The widget's HTML, or an error box after reporting the problem."""
        prepared = self.prepared[(request.name, request.model, request.artifact)]
        if isinstance(prepared, str):
            return self._broken(request, prepared)
        if self.loader is None:  # the runtime could not be published: reported already
            return render.render_broken(request.name, "the widget runtime could not be published (see above)")
        checked = prepared.checked
        code_url = self._publish(request.name, "py", prepared.code)
        weights_url = self._publish(f"{request.name}-weights", "json", prepared.weights)
        download = None
        if self.runtime_bytes is not None:
            download = self.runtime_bytes + self._sent(code_url) + self._sent(weights_url)
        view = render.WidgetView(
            dom_id=dom_id,
            name=request.name,
            runtime="pyodide",
            title=checked.title,
            explanation=checked.explanation,
            caption=request.caption,
            input_spec=checked.input_spec,
            sample=checked.sample,
            sample_note=(
                f"a held-out test example labelled {prepared.true_label}"
                if prepared.true_label
                else "a sample input"
            ),
            result=checked.result,
            summary=checked.summary,
            code_url=code_url,
            weights_url=weights_url,
            download_bytes=download,
        )
        self.rendered += 1
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


def build_widgets(build: Build, generators) -> None:
    contents = [c for c in build.contents if placeholders.find(KIND, c._content)]
    if not contents:
        return
    config = build.find(WidgetSettings)
    watch(build, config.widgets_path)  # `make devserver` rebuilds when a widget's code changes
    try:
        demos = build.require(DemoBuild, "the '::: widget' blocks", "measured_demos")
    except MissingLinkError as error:
        for content in contents:
            for payload in placeholders.find(KIND, content._content):
                problems.report(payload["source_path"], payload["line"], str(error))
        demos = DemoBuild()
    footprint = build.find(FootprintSettings)
    encoding = footprint.encoding if footprint else BROTLI
    site = SiteWidgets(config, Path(generators[0].settings["OUTPUT_PATH"]), demos, encoding)
    requests = [WidgetRequest(**p) for c in contents for p in placeholders.find(KIND, c._content)]
    site.prepare_all(requests)
    site.publish_runtime(requests[0])
    for content in contents:
        site.render_all(content)
        content.has_widgets = True
    if site.rendered:
        generators[0].context["PYODIDE_WIDGETS_LOADER"] = site.loader
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
