"""Signal wiring: the ``::: widget`` block, the widgets themselves, feeds.

1. ``initialized``: add the ``widget`` directive to Markdown (it leaves placeholders).
2. start (core): read and check the settings.
3. content (core, after the demos' step): check every widget against the
   contract and compute its static result in CPython (and check a MicroPython
   widget's result under MicroPython); publish the runtimes the pages use
   (Pyodide with the trimmed standard library, MicroPython), their workers and
   the loader; fill the placeholders with the widget HTML (with the byte figure
   of a first run, as the Footprint page counts it); mark the content ``has_widgets``.
4. ``feed_generated``: feed entries keep the static result, lose the controls.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import NamedTuple

from pelican import signals
from pelican.plugins.footprint.settings import FootprintSettings
from plugin_core import build as core
from plugin_core import placeholders, problems
from plugin_core.build import Build, MissingLinkError, Step
from plugin_core.compression import BROTLI, file_transfer_size
from plugin_core.demo_link import DemoBuild
from plugin_core.directives import add_directive, relative_to_project
from plugin_core.memo import Memo
from plugin_core.publishing import (
    hashed_name,
    name_with_digest,
    publish_bytes,
    publish_file,
    remembered_sha256,
)
from plugin_core.receipt import LAPTOP_SOURCE, LAPTOP_WATTS, PHONE_SOURCE, PHONE_WATTS, TransferCost
from plugin_core.watch import watch

from . import contract, feeds, micropython_check, micropython_runtime, render, runtime, stdlib, widget_modules
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


class PreparedWidget(NamedTuple):
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

    def __init__(
        self,
        config: WidgetSettings,
        output_dir: Path,
        demos: DemoBuild,
        encoding: str,
        cost: TransferCost | None = None,
    ) -> None:
        self.config = config
        self.cost = cost  # the footprint's byte model, for the reader's cost; None without it
        self.output_dir = output_dir
        self.demos = demos
        self.encoding = encoding
        self.prepared: dict[tuple[str, str, str], PreparedWidget | str] = {}
        # runtime name -> its files + worker, compressed, what a first run fetches
        self.runtime_bytes: dict[str, int] = {}
        self.workers: dict[str, dict] = {}  # runtime name -> worker file and options, for the loader
        self.published_micropython: micropython_runtime.PublishedMicroPython | None = None
        self.checked: set[tuple[str, bytes, bytes]] = set()  # MicroPython widgets that passed
        # Checks that passed in earlier builds (a Node process each): see micropython_check.
        self.micropython_checks = Memo(config.compress_cache / "micropython_checks.json")
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

    def runtime_of(self, request: WidgetRequest) -> str:
        return request.runtime or self.config.default_runtime

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

    def publish_runtimes(self, requests: list[WidgetRequest]) -> None:
        """The runtimes the good widgets use, their workers, and the loader."""
        good = {key: p for key, p in self.prepared.items() if isinstance(p, PreparedWidget)}
        used: dict[str, WidgetRequest] = {}
        for request in requests:
            if (request.name, request.model, request.artifact) in good:
                used.setdefault(self.runtime_of(request), request)
        if "pyodide" in used:
            self._publish_pyodide(used["pyodide"], good)
        if "micropython" in used:
            self._publish_micropython(used["micropython"])
        if not self.workers:
            return
        loader_config = {
            "runtimes": self.workers,
            "device": {
                "laptopWatts": list(LAPTOP_WATTS),
                "laptopSource": LAPTOP_SOURCE,
                "phoneWatts": PHONE_WATTS,
                "phoneSource": PHONE_SOURCE,
            },
            # SWD v4's network and data-centre share per byte (None without the footprint plugin).
            "gramsPerByte": self.cost.grams_per_byte if self.cost else None,
        }
        loader = (STATIC / "loader.mjs").read_text(encoding="utf-8")
        loader = loader.replace("__PW_CONFIG__", json.dumps(loader_config, separators=(",", ":")))
        self.loader = self._publish("loader", "mjs", loader.encode("utf-8"))

    def _publish_worker(self, runtime_name: str, stem: str, bootstrap: str, options: dict) -> str:
        """Publish a worker with its Python bootstrap inlined; remember it for the loader."""
        source = (STATIC / f"{stem}.mjs").read_text(encoding="utf-8")
        bootstrap_text = (STATIC / bootstrap).read_text(encoding="utf-8")
        source = source.replace("__PW_BOOTSTRAP__", json.dumps(bootstrap_text))
        worker_path = self._publish(stem, "mjs", source.encode("utf-8"))
        self.workers[runtime_name] = {
            "worker": worker_path.removeprefix(f"{WIDGETS_FOLDER}/"),
            "options": options,
        }
        return worker_path

    def _publish_pyodide(self, first: WidgetRequest, good: dict) -> None:
        """Pyodide, the (trimmed) standard library and its worker."""
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
        options = {
            "indexURL": index_url,
            "stdLibURL": stdlib_url,
            "timeout": self.config.load_timeout,
            "packages": list(self.config.packages),
            "lockFileContents": lock,
        }
        files.append(self._publish_worker("pyodide", "worker", "bootstrap.py", options))
        if self.config.self_hosted:
            self.runtime_bytes["pyodide"] = sum(self._sent(path) for path in files)

    def _publish_stdlib(self, found: runtime.Runtime, good: dict) -> str:
        traced = [
            stdlib.TracedWidget(name, p.code.decode("utf-8"), p.weights.decode("utf-8"), p.checked.sample)
            for (name, _model, _artifact), p in sorted(good.items())
        ]
        zipped = stdlib.trimmed_stdlib(found, traced, self.config.compress_cache)
        sha256 = remembered_sha256(zipped, self.config.compress_cache)
        relative = name_with_digest(f"{WIDGETS_FOLDER}/python_stdlib.zip", sha256)
        publish_file(
            zipped, self.output_dir / relative, self.config.compress_cache, self.config.brotli_quality
        )
        return relative

    def _publish_micropython(self, first: WidgetRequest) -> None:
        """MicroPython (always self-hosted) and its worker."""
        try:
            found = micropython_runtime.find_runtime(self.config.micropython_package)
        except micropython_runtime.MicroPythonMissingError as error:
            problems.report(first.source_path, first.line, str(error))
            return
        self.published_micropython = micropython_runtime.publish_runtime(
            found, self.output_dir, self.config.compress_cache, self.config.brotli_quality
        )
        options = {
            "indexURL": found.folder,
            "timeout": self.config.load_timeout,
            "heapBytes": micropython_runtime.HEAP_BYTES,
        }
        bootstrap = "micropython_bootstrap.py"
        worker = self._publish_worker("micropython", "micropython_worker", bootstrap, options)
        files = [found.folder + name for name in self.published_micropython.sizes]
        files.append(worker)
        self.runtime_bytes["micropython"] = sum(self._sent(path) for path in files)

    def _check_micropython(self, name: str, prepared: PreparedWidget) -> None:
        """Run the widget under MicroPython on its sample input: CPython's result, or an error."""
        path = widget_modules.module_path(self.config.widgets_path, name)
        key = (name, prepared.code, prepared.weights)
        if key in self.checked:
            return
        checked = prepared.checked
        micropython_check.check_widget(
            node=self.config.node,
            runtime=self.published_micropython.runtime,
            name=name,
            widget_file=path,
            shown_path=relative_to_project(path, self.config.widgets_path.parent),
            weights=prepared.weights.decode("utf-8"),
            sample=checked.sample,
            result=checked.result,
            summary=checked.summary,
            memo=self.micropython_checks,
        )
        self.checked.add(key)

    def render(self, request: WidgetRequest, dom_id: str) -> str:
        """The widget's HTML, or an error box after reporting the problem."""
        prepared = self.prepared[(request.name, request.model, request.artifact)]
        if isinstance(prepared, str):
            return self._broken(request, prepared)
        runtime_name = self.runtime_of(request)
        if runtime_name not in self.workers:  # the runtime could not be published: reported already
            return render.render_broken(request.name, "the widget runtime could not be published (see above)")
        if runtime_name == "micropython":
            try:
                self._check_micropython(request.name, prepared)
            except micropython_check.MicroPythonCheckError as error:
                return self._broken(request, str(error))
        checked = prepared.checked
        code_url = self._publish(request.name, "py", prepared.code)
        weights_url = self._publish(f"{request.name}-weights", "json", prepared.weights)
        download = None
        if runtime_name in self.runtime_bytes:
            download = self.runtime_bytes[runtime_name] + self._sent(code_url) + self._sent(weights_url)
        view = render.WidgetView(
            dom_id=dom_id,
            name=request.name,
            runtime=runtime_name,
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
        demos = DemoBuild(by_script={})
    footprint = build.find(FootprintSettings)
    encoding = footprint.encoding if footprint else BROTLI
    output = Path(generators[0].settings["OUTPUT_PATH"])
    site = SiteWidgets(config, output, demos, encoding, build.find(TransferCost))
    requests = [WidgetRequest(**p) for c in contents for p in placeholders.find(KIND, c._content)]
    site.prepare_all(requests)
    site.publish_runtimes(requests)
    for content in contents:
        site.render_all(content)
        content.has_widgets = True
    site.micropython_checks.save()
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
