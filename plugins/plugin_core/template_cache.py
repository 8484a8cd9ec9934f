"""Compiled templates kept between builds, for Pelican's generators and the plugins' own.

Pelican gives each generator its own Jinja environment and compiles every
template it uses from source on every build: at 6 issues, compiling the theme
took about a fifth of a plain Pelican build (80 of 360 ms), more than rendering
it. Jinja's `FileSystemBytecodeCache` keeps the compiled code in a folder and
checks each template's source against its checksum before reusing it, so an
edited template is compiled again. Two things it leaves to its user:

* The compiled code also depends on the environment's options (`trim_blocks`,
  extensions, ...) and on Jinja's version, which its key does not include; each
  combination gets a folder of its own (`environment_folder`).
* A damaged cache file can make it raise (it unpickles the checksum unguarded);
  `TemplateCache` treats any unreadable file as a miss and writes it again, and a
  cache it cannot write leaves the build uncached, not failed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's file cache, where a damaged or unwritable file only costs a compile."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # truncated or overwritten: compile again; dump_bytecode replaces it
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass  # read-only or full disk: the template was compiled, the build goes on


def environment_folder(cache_root: Path, options: Mapping[str, Any]) -> Path:
    """The folder under `cache_root` for templates compiled with these Environment
    `options` by this Jinja. An option whose repr changes between runs (a function
    defined in the settings file, say) gives a new folder each run: never stale code."""
    described = sorted((name, repr(value)) for name, value in options.items() if name != "bytecode_cache")
    digest = hashlib.sha256(repr((jinja2.__version__, described)).encode("utf-8")).hexdigest()
    return cache_root / digest[:16]


def with_template_cache(options: Mapping[str, Any], cache_root: Path) -> dict[str, Any]:
    """Pelican's JINJA_ENVIRONMENT `options` with a `TemplateCache` added (each generator's
    Environment is made from them). A cache the settings already name is kept."""
    if options.get("bytecode_cache") is not None:
        return dict(options)
    return {**options, "bytecode_cache": TemplateCache(environment_folder(cache_root, options))}
