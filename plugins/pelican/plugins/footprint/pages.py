"""One pass over each written page: load hashed assets, measure, stamp, write once.

Pelican renders every page on every build. A page it rendered as last build,
whose finished file is still in place (see `writer`), is not read at all when
nothing it loads has changed: its remembered weight is checked against the
assets as they are now and reused. Any other page is read once, made final
(hashed asset names, the widget's cost, its footer's own weight) and written
once. What a page's text alone decides (its title, the URLs it loads, its
compressed size) is remembered by digest (`page_memory`).
"""

from __future__ import annotations

import html as html_lib
import logging
from dataclasses import dataclass, field

from plugin_core.publishing import write_atomically

from .assets import AssetHasher
from .footer import has_slot, has_widget_slot, stamp, unstamped, with_widget_cost
from .page_memory import FinishedPage, PageMemory, digest
from .settings import FootprintSettings
from .transfer import (
    OutputFiles,
    PageTransfer,
    Reference,
    Resource,
    SiteOrigin,
    html_references,
    measure_html,
)

logger = logging.getLogger(__name__)


class PageRestoreError(Exception):
    """A finished page could not be taken back to what Pelican rendered."""


@dataclass
class PagePass:
    """Everything one build shares while it goes over its pages.

    `widget_text` is the widget run's cost for receipts that have a slot for it;
    `context_unchanged` says whether everything a finished page depends on besides
    its rendering and its assets (settings, that text, this code) is as last build.
    """

    origin: SiteOrigin
    settings: FootprintSettings
    site_name: str
    memory: PageMemory
    hasher: AssetHasher | None = None
    widget_text: str | None = None
    context_unchanged: bool = False
    files: OutputFiles = field(init=False)

    def __post_init__(self) -> None:
        self.files = OutputFiles(self.origin.output_dir, self.settings.encoding)

    def page(
        self, path: str, rendered: str | None = None, untouched: bool = False
    ) -> tuple[str, PageTransfer]:
        """Make the page at `path` final and write it once; its title and weight.

        `rendered` is the digest of what Pelican rendered for it; `untouched` says the
        writer left last build's finished file in place instead of writing it.
        """
        file = self.origin.output_dir / path
        finished = self.memory.finished_page(path) if untouched else None
        if finished is not None:
            kept = self._kept(path, finished)
            if kept is not None:
                return kept
            on_disk = file.read_bytes()
            data = self._restored(on_disk, path, finished)
        else:
            on_disk = data = file.read_bytes()
        rendered = rendered or digest(data)
        text = data.decode("utf-8", "replace")
        raw_title, references = self.memory.read(data, text, rendered)
        new_data, transfer = self.finish_html(text, path, references, data)
        if new_data != on_disk:
            write_atomically(file, new_data)
        # Remembered as finished (so never written again while unchanged) only if the
        # finished page can be taken back to its rendering, should its assets change.
        if digest(self._rendering_of(new_data, path, references, transfer.resources)) == rendered:
            self.memory.finish(path, rendered, file, transfer)
        return self.title(raw_title, path), transfer

    def _kept(self, path: str, finished: FinishedPage) -> tuple[str, PageTransfer] | None:
        """The finished page's title and weight, if it loads what it loaded, at the same sizes."""
        known = self.memory.known(finished.rendered)
        if not self.context_unchanged or known is None:
            return None
        raw_title, references = known
        if self.hasher is not None:
            references = self.hasher.final_references(references, path)
        measured = measure_html(b"", path, self.origin, self.settings.encoding, references=references,
                                files=self.files, html_transfer_bytes=finished.html_transfer_bytes)
        if measured.resources != finished.resources:
            return None
        self.memory.keep(path)
        transfer = measured._replace(html_raw_bytes=finished.html_raw_bytes)
        return self.title(raw_title, path), transfer

    def _restored(self, data: bytes, path: str, finished: FinishedPage) -> bytes:
        """What Pelican rendered for a finished page, taken back from the page."""
        known = self.memory.known(finished.rendered)
        restored = self._rendering_of(data, path, known[1] if known else [], finished.resources)
        if known is None or digest(restored) != finished.rendered:
            raise PageRestoreError(
                "this page is not as the last build left it, and its figures cannot be brought "
                "up to date; delete the output folder (`make clean`) and build again"
            )
        return restored

    def _rendering_of(self, data: bytes, path: str, references: list[Reference],
                      loaded: tuple[Resource, ...]) -> bytes:
        """The finished page `data` with its filled slots emptied and its hashed asset names
        (among `loaded`) undone; `references` are what its rendering loads."""
        text = unstamped(data.decode("utf-8", "replace"))
        if self.hasher is not None:
            text = self.hasher.undone(text, path, references, loaded)
        return text.encode("utf-8")

    def finish_html(
        self, text: str, path: str, references: list[Reference] | None = None, data: bytes | None = None
    ) -> tuple[bytes, PageTransfer]:
        """The page's final bytes (hashed assets, widget cost, stamped footer) and its weight."""
        settings = self.settings
        if references is None:
            references = html_references(text)
        if self.widget_text is not None and has_widget_slot(text):
            text, data = with_widget_cost(text, self.widget_text), None
        if self.hasher is not None:
            rewritten = self.hasher.rewrite(text, path, references)
            if rewritten != text:
                text, data = rewritten, None
                references = self.memory.read(text.encode("utf-8"), text)[1]
        data = data if data is not None else text.encode("utf-8")
        measured = measure_html(data, path, self.origin, settings.encoding, references=references,
                                files=self.files, html_transfer_bytes=self.memory.encoded_size(data))
        if not settings.stamp_footer or not has_slot(text):
            return data, measured
        del data  # the stamped page is made from the text (a Footprint page can be megabytes)
        stamped = stamp(text, measured, settings.encoding, settings.grid_intensity,
                        settings.green_hosting_factor, sizes=self.memory.encoded_size)
        return stamped.html, stamped.transfer

    def title(self, raw: str, path: str) -> str:
        """The page's <title>, without the site's name the theme appends to it."""
        title = " ".join(html_lib.unescape(raw).split())
        for separator in (" · ", " | ", " - ", " — "):
            if self.site_name and title.endswith(separator + self.site_name):
                title = title[: -len(separator + self.site_name)]
        return title or path
