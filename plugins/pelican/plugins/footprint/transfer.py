"""A page's transfer size: what a visitor downloads before touching anything.

That is the page's HTML plus every resource the browser loads on its own:
stylesheets (and what they `@import` or `url()`), scripts (and the modules
they import statically), images, icons, preloads. Each is counted once per
page, compressed as the server sends it (see `encoding`). What a script
fetches later on request (`import()`, `fetch`, a Worker: the widget runtime)
is not part of a page's weight and is accounted for separately.

Deliberately an upper bound: a lazy image or a CSS background is counted
even if it is below the fold or unused. HTTP headers are not counted.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from plugin_core.compression import encoded_size, file_transfer_size

# <link rel=...> values whose target the browser fetches without interaction.
LOADED_LINK_RELS = frozenset(
    {"stylesheet", "icon", "apple-touch-icon", "preload", "modulepreload",
     "prefetch", "manifest", "mask-icon"}
)
# (tag, attribute) pairs whose URL the browser fetches when the page loads.
LOADED_ATTRIBUTES = {
    ("script", "src"): "script",
    ("img", "src"): "image",
    ("input", "src"): "image",
    ("video", "poster"): "image",
    ("iframe", "src"): "frame",
    ("embed", "src"): "object",
    ("object", "data"): "object",
    ("image", "href"): "image",
    ("use", "href"): "image",
}
INLINE_SCHEMES = ("data:", "blob:", "about:", "javascript:", "mailto:")
FONT_SUFFIXES = frozenset({".woff", ".woff2", ".ttf", ".otf", ".eot"})

CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+?)\1\s*\)""", re.IGNORECASE)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
JS_STATIC_IMPORT = re.compile(
    r"""(?:^|[;}\s])(?:import|export)\s+(?:[\w$*{}\s,]+?\s+from\s+)?["']([^"'\n]+)["']""",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Reference:
    """A URL the browser loads, and why (stylesheet, script, image...)."""

    url: str
    kind: str


@dataclass(frozen=True)
class Resource:
    path: str  # relative to the output folder, POSIX
    kind: str
    raw_bytes: int
    transfer_bytes: int


@dataclass(frozen=True)
class PageTransfer:
    path: str  # the HTML file, relative to the output folder
    html_raw_bytes: int
    html_transfer_bytes: int
    resources: tuple[Resource, ...] = ()
    missing: tuple[str, ...] = ()  # same-origin URLs with no file in the output
    third_party: tuple[str, ...] = ()  # URLs on another origin (should be none)

    @property
    def transfer_bytes(self) -> int:
        return self.html_transfer_bytes + sum(r.transfer_bytes for r in self.resources)

    @property
    def raw_bytes(self) -> int:
        return self.html_raw_bytes + sum(r.raw_bytes for r in self.resources)

    def bytes_of_kind(self, kind: str) -> int:
        return sum(r.transfer_bytes for r in self.resources if r.kind == kind)


class _ReferenceCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[Reference] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if rels & LOADED_LINK_RELS and values.get("href"):
                kind = "stylesheet" if "stylesheet" in rels else _kind_of(values["href"], "link")
                if "modulepreload" in rels:
                    kind = "script"
                self.references.append(Reference(values["href"], kind))
        for (element, attribute), kind in LOADED_ATTRIBUTES.items():
            if tag == element and values.get(attribute):
                self.references.append(Reference(values[attribute], kind))
        if tag == "img" and not values.get("src") and values.get("srcset"):
            # No src: the browser picks a srcset candidate; count the first.
            first = values["srcset"].split(",")[0].split()[0]
            self.references.append(Reference(first, "image"))
        if values.get("style"):
            self.references.extend(css_references(values["style"]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.references.extend(css_references(data))


def _kind_of(url: str, default: str) -> str:
    suffix = posixpath.splitext(urlsplit(url).path)[1].lower()
    if suffix in FONT_SUFFIXES:
        return "font"
    if suffix == ".css":
        return "stylesheet"
    if suffix in {".js", ".mjs"}:
        return "script"
    if suffix in {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".ico"}:
        return "image"
    return default


def html_references(html: str) -> list[Reference]:
    """URLs an HTML document makes the browser load (not `<a href>` links)."""
    collector = _ReferenceCollector()
    collector.feed(html)
    collector.close()
    return collector.references


def css_references(css: str) -> list[Reference]:
    """URLs a stylesheet loads: `@import` and `url()`."""
    css = CSS_COMMENT.sub("", css)
    found = [Reference(url, "stylesheet") for url in CSS_IMPORT.findall(css)]
    imported = {ref.url for ref in found}
    for _quote, url in CSS_URL.findall(css):
        if url.strip() not in imported:
            found.append(Reference(url.strip(), _kind_of(url, "image")))
    return found


def js_static_imports(source: str) -> list[Reference]:
    """Modules a script imports statically (loaded with it, unlike `import()`)."""
    return [Reference(url, "script") for url in JS_STATIC_IMPORT.findall(source)]


@dataclass
class SiteOrigin:
    """Maps URLs in the output to files, and tells same-origin from third party."""

    output_dir: Path
    site_url: str = ""
    _prefix: str = field(init=False, default="")
    _origin: tuple[str, str] = field(init=False, default=("", ""))

    def __post_init__(self) -> None:
        parts = urlsplit(self.site_url or "")
        self._origin = (parts.scheme.lower(), parts.netloc.lower())
        self._prefix = parts.path.rstrip("/")

    def is_inline(self, url: str) -> bool:
        return not url.strip() or url.startswith("#") or url.lower().startswith(INLINE_SCHEMES)

    def is_third_party(self, url: str) -> bool:
        parts = urlsplit(url.strip())
        if not parts.netloc:
            return False  # relative or root-relative: same origin
        if not self._origin[1]:
            return True
        return parts.netloc.lower() != self._origin[1] or (
            bool(parts.scheme) and parts.scheme.lower() != self._origin[0]
        )

    def resolve(self, url: str, referrer: str) -> str | None:
        """The output-relative path `url` points to, seen from file `referrer`;
        None for inline and third-party URLs."""
        if self.is_inline(url) or self.is_third_party(url):
            return None
        parts = urlsplit(url.strip())
        path = unquote(parts.path)
        if parts.netloc or path.startswith("/"):
            if self._prefix and path.startswith(self._prefix + "/"):
                path = path[len(self._prefix):]
            target = path.lstrip("/")
        else:
            target = posixpath.join(posixpath.dirname(referrer), path)
        target = posixpath.normpath(target) if target else "."
        if target.startswith("../"):
            return target  # outside the output folder: reported as missing
        if path.endswith("/") or (self.output_dir / target).is_dir():
            target = posixpath.join(target, "index.html") if target != "." else "index.html"
        return target


def measure_html(html: bytes, page_path: str, origin: SiteOrigin, encoding: str) -> PageTransfer:
    """Transfer size of a page whose HTML is `html` (not necessarily on disk yet)."""
    resources: dict[str, Resource] = {}
    missing: list[str] = []
    third_party: list[str] = []
    pending = [(ref, page_path) for ref in html_references(html.decode("utf-8", "replace"))]
    while pending:
        reference, referrer = pending.pop(0)
        if origin.is_inline(reference.url):
            continue
        if origin.is_third_party(reference.url):
            if reference.url not in third_party:
                third_party.append(reference.url)
            continue
        target = origin.resolve(reference.url, referrer)
        if target is None or target in resources or target == page_path:
            continue
        file = origin.output_dir / target
        if target.startswith("../") or not file.is_file():
            if reference.url not in missing:
                missing.append(reference.url)
            continue
        resources[target] = Resource(
            path=target,
            kind=reference.kind,
            raw_bytes=file.stat().st_size,
            transfer_bytes=file_transfer_size(file, encoding),
        )
        pending.extend((child, target) for child in _nested_references(file))
    return PageTransfer(
        path=page_path,
        html_raw_bytes=len(html),
        html_transfer_bytes=encoded_size(html, encoding),
        resources=tuple(sorted(resources.values(), key=lambda r: r.path)),
        missing=tuple(missing),
        third_party=tuple(third_party),
    )


def measure_page(page_path: str, origin: SiteOrigin, encoding: str) -> PageTransfer:
    """Transfer size of the written page `page_path` (relative to the output)."""
    html = (origin.output_dir / page_path).read_bytes()
    return measure_html(html, page_path, origin, encoding)


def _nested_references(file: Path) -> list[Reference]:
    suffix = file.suffix.lower()
    if suffix == ".css":
        return css_references(file.read_text("utf-8", "replace"))
    if suffix in {".js", ".mjs"}:
        return js_static_imports(file.read_text("utf-8", "replace"))
    return []
