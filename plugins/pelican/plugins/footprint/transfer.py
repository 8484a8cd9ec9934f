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

import html as html_lib
import posixpath
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
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
_LOADED_BY_TAG: dict[str, list[tuple[str, str]]] = {}
for (_element, _attribute), _kind in LOADED_ATTRIBUTES.items():
    _LOADED_BY_TAG.setdefault(_element, []).append((_attribute, _kind))
INLINE_SCHEMES = ("data:", "blob:", "about:", "javascript:", "mailto:")
FONT_SUFFIXES = frozenset({".woff", ".woff2", ".ttf", ".otf", ".eot"})

CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+?)\1\s*\)""", re.IGNORECASE)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
JS_STATIC_IMPORT = re.compile(
    r"""(?:^|[;}\s])(?:import|export)\s+(?:[\w$*{}\s,]+?\s+from\s+)?["']([^"'\n]+)["']""",
    re.MULTILINE,
)


class Reference(NamedTuple):
    """A URL the browser loads, and why (stylesheet, script, image...)."""

    url: str
    kind: str


class Resource(NamedTuple):
    path: str  # relative to the output folder, POSIX
    kind: str
    raw_bytes: int
    transfer_bytes: int


class PageTransfer(NamedTuple):
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


# One regex walks a page in C and stops only where something may load: a comment
# or a <script>/<style> element (skipped whole, their text is not markup), a tag
# that loads a URL, or any tag with a style attribute. html.parser would call
# back into Python for every tag; this is a pass of a few microseconds per page.
_ATTRS = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_SCANNER = re.compile(
    r"<!--.*?(?:-->|\Z)"
    rf"|<(?P<raw>script|style)(?=[\s/>])(?P<raw_attrs>{_ATTRS})>(?P<text>.*?)(?:</(?P=raw)\s*>|\Z)"
    rf"|<(?P<tag>link|img|input|video|iframe|embed|object|image|use)(?=[\s/>])(?P<attrs>{_ATTRS})>"
    rf"|<(?P<styled>[a-z][^\s/>]*)(?P<styled_attrs>\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*?"
    rf"(?<=[\s\"'])style\s*=(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.IGNORECASE | re.DOTALL,
)
# An attribute as html.parser reads it (its `attrfind_tolerant`).
_ATTRIBUTE = re.compile(
    r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?(?:\s|/(?!>))*"""
)


def _attributes(text: str) -> dict[str, str]:
    """Attribute names (lower case) to values (quotes removed, entities decoded);
    a repeated name keeps its last value, as html.parser's pairs put in a dict do."""
    values = {}
    for match in _ATTRIBUTE.finditer(" " + text):
        value = match.group(3) or ""
        if value[:1] in {"'", '"'} and value[-1:] == value[:1]:
            value = value[1:-1]
        values[match.group(1).lower()] = html_lib.unescape(value) if "&" in value else value
    return values


def _tag_references(tag: str, values: dict[str, str]) -> list[Reference]:
    found = []
    if tag == "link":
        rels = set(values.get("rel", "").lower().split())
        if rels & LOADED_LINK_RELS and values.get("href"):
            kind = "stylesheet" if "stylesheet" in rels else _kind_of(values["href"], "link")
            if "modulepreload" in rels:
                kind = "script"
            found.append(Reference(values["href"], kind))
    for attribute, kind in _LOADED_BY_TAG.get(tag, ()):
        if values.get(attribute):
            found.append(Reference(values[attribute], kind))
    if tag == "img" and not values.get("src") and values.get("srcset"):
        # No src: the browser picks a srcset candidate; count the first.
        first = values["srcset"].split(",")[0].split()
        if first:
            found.append(Reference(first[0], "image"))
    if values.get("style"):
        found.extend(css_references(values["style"]))
    return found


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
    """URLs an HTML document makes the browser load (not `<a href>` links), in order."""
    references: list[Reference] = []
    for match in _SCANNER.finditer(html):
        tag = match.group("tag") or match.group("raw") or match.group("styled")
        if tag is None:
            continue  # a comment
        tag = tag.lower()
        attributes = match.group("attrs") or match.group("raw_attrs") or match.group("styled_attrs") or ""
        references.extend(_tag_references(tag, _attributes(attributes)))
        if tag == "style" and match.group("raw"):
            references.extend(css_references(match.group("text") or ""))
    return references


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
    # A site's pages repeat the same few URLs: each is parsed once, and each
    # target asked once whether it is a folder.
    _url_paths: dict[str, tuple[str | None, bool]] = field(init=False, default_factory=dict)
    _dirs: dict[str, bool] = field(init=False, default_factory=dict)

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
        found = self._url_paths.get(url)
        if found is None:
            found = self._url_paths[url] = self._url_path(url)
        path, absolute = found
        if path is None:
            return None
        target = path.lstrip("/") if absolute else posixpath.join(posixpath.dirname(referrer), path)
        target = posixpath.normpath(target) if target else "."
        if target.startswith("../"):
            return target  # outside the output folder: reported as missing
        if path.endswith("/") or self._is_dir(target):
            target = posixpath.join(target, "index.html") if target != "." else "index.html"
        return target

    def _url_path(self, url: str) -> tuple[str | None, bool]:
        """The decoded path of a same-origin `url` (None otherwise), and whether it is
        from the site's root rather than relative to the page."""
        if self.is_inline(url) or self.is_third_party(url):
            return None, False
        parts = urlsplit(url.strip())
        path = unquote(parts.path)
        if parts.netloc or path.startswith("/"):
            if self._prefix and path.startswith(self._prefix + "/"):
                path = path[len(self._prefix):]
            return path, True
        return path, False

    def _is_dir(self, target: str) -> bool:
        if target not in self._dirs:
            self._dirs[target] = (self.output_dir / target).is_dir()
        return self._dirs[target]


class OutputFiles:
    """The output's files as a page's measurement needs them, each looked up once.

    Every page loads the same stylesheet and scripts: one instance per build sizes,
    compresses and reads each of them once. Files must not change while it is in use.
    """

    def __init__(self, output_dir: Path, encoding: str) -> None:
        self.output_dir = output_dir
        self.encoding = encoding
        self._sizes: dict[str, tuple[int, int] | None] = {}
        self._nested: dict[str, list[Reference]] = {}

    def sizes(self, target: str) -> tuple[int, int] | None:
        """(raw bytes, bytes on the wire) of an output file; None if there is no such file."""
        if target not in self._sizes:
            file = self.output_dir / target
            found = None
            if not target.startswith("../") and file.is_file():
                found = (file.stat().st_size, file_transfer_size(file, self.encoding))
            self._sizes[target] = found
        return self._sizes[target]

    def nested(self, target: str) -> list[Reference]:
        if target not in self._nested:
            self._nested[target] = _nested_references(self.output_dir / target)
        return self._nested[target]


def measure_html(
    html: bytes,
    page_path: str,
    origin: SiteOrigin,
    encoding: str,
    *,
    references: list[Reference] | None = None,
    files: OutputFiles | None = None,
    html_transfer_bytes: int | None = None,
) -> PageTransfer:
    """Transfer size of a page whose HTML is `html` (not necessarily on disk yet).

    A build passes what it already knows: the page's `references`, its `files`
    (shared by every page), the HTML's compressed size.
    """
    files = files or OutputFiles(origin.output_dir, encoding)
    if references is None:
        references = html_references(html.decode("utf-8", "replace"))
    resources: dict[str, Resource] = {}
    missing: list[str] = []
    third_party: list[str] = []
    pending = deque((ref, page_path) for ref in references)
    while pending:
        reference, referrer = pending.popleft()
        if origin.is_inline(reference.url):
            continue
        if origin.is_third_party(reference.url):
            if reference.url not in third_party:
                third_party.append(reference.url)
            continue
        target = origin.resolve(reference.url, referrer)
        if target is None or target in resources or target == page_path:
            continue
        sizes = files.sizes(target)
        if sizes is None:
            if reference.url not in missing:
                missing.append(reference.url)
            continue
        resources[target] = Resource(path=target, kind=reference.kind, raw_bytes=sizes[0],
                                     transfer_bytes=sizes[1])
        pending.extend((child, target) for child in files.nested(target))
    if html_transfer_bytes is None:
        html_transfer_bytes = encoded_size(html, encoding)
    return PageTransfer(
        path=page_path,
        html_raw_bytes=len(html),
        html_transfer_bytes=html_transfer_bytes,
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
