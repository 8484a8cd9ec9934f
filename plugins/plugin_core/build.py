"""One run of Pelican as the plugins see it: typed links between them, and their order.

Pelican sends its signals to receivers in the order the plugins were loaded;
here the order is fixed instead, so `PLUGINS` may list the plugins in any order:

    start     (get_generators)            each plugin reads and checks its settings
    content   (all_generators_finalized)  DEMOS, then WIDGETS, then FOOTPRINT, then others
    finish    (finalized)                 every plugin's step, FOOTPRINT last, then the
                                          build fails if any content error was reported

A plugin hands another what it made through `Build.publish(obj)`; the other
asks for it by type with `Build.require(Type, ...)`. The Build lives in
Pelican's settings dict (the one object every generator and `finalized` see)
and in the shared context, for `content_written` receivers.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pelican import signals
from pelican.log import console

from . import carbon, problems, read_cache, settings, source_errors
from .contents import all_contents
from .source_reader import SourceAwareMarkdownReader
from .template_cache import with_template_cache

BUILD_KEY = "PLUGIN_CORE_BUILD"
T = TypeVar("T")


class Step(IntEnum):
    """When a plugin's step runs, relative to the others'."""

    DEMOS = 10
    WIDGETS = 20
    OTHER = 50
    FOOTPRINT = 90  # measures pages: after everything else wrote its files


class MissingLinkError(Exception):
    """A plugin needs what another plugin makes, and that plugin did not run."""


@dataclass
class Build:
    """What the plugins share during one run: typed objects, and the core's settings."""

    settings: Mapping[str, Any]
    links: dict[type, Any] = field(default_factory=dict)
    contents: list[Any] = field(default_factory=list)  # every article and page, any status

    def publish(self, value: Any) -> None:
        self.links[type(value)] = value

    def find(self, kind: type[T]) -> T | None:
        return self.links.get(kind)

    def require(self, kind: type[T], needed_by: str, plugin: str) -> T:
        """The `kind` object, or a MissingLinkError that says which plugin to add."""
        found = self.links.get(kind)
        if found is None:
            raise MissingLinkError(
                f"{needed_by} needs the {plugin} plugin: add '{plugin}' to PLUGINS in pelicanconf.py"
            )
        return found

    @property
    def on_error(self) -> str:
        return self.find(CoreSettings).on_error if self.find(CoreSettings) else "fail"

    @staticmethod
    def of(pelican_settings: Mapping[str, Any]) -> Build:
        return pelican_settings[BUILD_KEY]


class CoreSettings(NamedTuple):
    on_error: str  # "fail": content errors fail the build; "warn": drafting
    carbon: carbon.CarbonSettings


CORE_SETTINGS = (
    settings.Setting("NEWSLETTER_ON_ERROR", "fail", settings.one_of("fail", "warn"), environment=True),
    # None: .cache/templates/ beside the content folder; False: compile every template every build
    settings.Setting("NEWSLETTER_TEMPLATE_CACHE", None, settings.optional(settings.path_or_false)),
    # None: .cache/reads/ beside the content folder; False: convert every post every build
    settings.Setting("NEWSLETTER_READ_CACHE", None, settings.optional(settings.path_or_false)),
    *carbon.SETTINGS,
)

_start_steps: dict[str, Callable[[Build], None]] = {}
_content_steps: dict[tuple[int, str], Callable[[Build, list[Any]], None]] = {}
_finish_steps: dict[tuple[int, str], Callable[[Build, Any], None]] = {}


def on_start(plugin: str, step: Callable[[Build], None]) -> None:
    """Run `step(build)` when a run starts (read and check settings, publish them)."""
    _start_steps[plugin] = step


def on_content(order: Step, plugin: str, step: Callable[[Build, list[Any]], None]) -> None:
    """Run `step(build, generators)` once every post is read, in `order`."""
    _content_steps[(order, plugin)] = step


def on_finish(order: Step, plugin: str, step: Callable[[Build, Any], None]) -> None:
    """Run `step(build, pelican)` once every page is written, in `order`."""
    _finish_steps[(order, plugin)] = step


def _start(pelican: Any) -> None:
    """A new run (also each autoreload run): fresh problems, fresh build, settings checked.

    Everything alive now (Pelican, its libraries, the plugins' modules) lives until the
    run ends, so the garbage collector is told to leave it out of its full collections
    until `_finish`: at 6 issues the plugins' allocations tip Pelican into one full
    collection of the whole heap, 17-20 ms, a fifth of what the plugins add.
    """
    gc.freeze()
    problems.clear()
    source_errors.clear()
    build = Build(pelican.settings)
    pelican.settings[BUILD_KEY] = build
    values = settings.read(pelican.settings, CORE_SETTINGS, os.environ)
    root = Path(pelican.settings.get("PATH", ".")).resolve().parent  # the folder that holds content/
    build.publish(CoreSettings(values["NEWSLETTER_ON_ERROR"], carbon.carbon_settings(values, root)))
    reads = settings.cache_folder(values["NEWSLETTER_READ_CACHE"], root, "reads")
    cache = None
    if reads is not None:  # before Pelican makes its generators, and their readers
        environment = read_cache.environment_key(pelican.settings, frozenset({BUILD_KEY}))
        cache = read_cache.ReadCache(reads, environment)
    read_cache.use(cache)
    templates = settings.cache_folder(values["NEWSLETTER_TEMPLATE_CACHE"], root, "templates")
    if templates is not None:  # before Pelican makes its generators, and their Environments
        options = pelican.settings["JINJA_ENVIRONMENT"]
        pelican.settings["JINJA_ENVIRONMENT"] = with_template_cache(options, templates)
    for step in _start_steps.values():
        step(build)


def _content(generators: list[Any]) -> None:
    if not generators:
        return
    build = Build.of(generators[0].settings)
    generators[0].context[BUILD_KEY] = build
    _close_read_cache()
    build.contents = all_contents(generators)
    for key in sorted(_content_steps):
        _content_steps[key](build, generators)


def _close_read_cache() -> None:
    """Every post is read: keep what this build converted, and say how much it reused."""
    cache = read_cache.in_use()
    read_cache.use(None)
    if cache is not None:
        cache.close()
        console.print(f"reading: {cache.read - cache.kept} of {cache.read} posts converted, "
                      f"{cache.kept} unchanged since the last build")


def _finish(pelican: Any) -> None:
    build = pelican.settings.get(BUILD_KEY)
    try:
        if build is None:
            return
        for key in sorted(_finish_steps):
            _finish_steps[key](build, pelican)
    finally:
        pelican.settings.pop(BUILD_KEY, None)
        gc.unfreeze()  # what the run made is collectable again (autoreload runs many in one process)
    problems.raise_if_any(build.on_error)


def _use_source_aware_reader(readers: Any) -> None:
    for extension in SourceAwareMarkdownReader.file_extensions:
        readers.reader_classes[extension] = SourceAwareMarkdownReader


def register() -> None:
    """Connect the core's receivers; every plugin calls this (connecting twice is a no-op)."""
    problems.hide_tracebacks()
    source_errors.quiet_pelicans_duplicates()
    signals.readers_init.connect(_use_source_aware_reader)
    signals.content_object_init.connect(source_errors.check_metadata)
    signals.get_generators.connect(_start)
    signals.all_generators_finalized.connect(_content)
    signals.finalized.connect(_finish)
