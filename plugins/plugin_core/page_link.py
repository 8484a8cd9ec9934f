"""What the footprint plugin knows of the pages Pelican rendered, for the other plugins.

The footprint's writer (footprint.writer) does not write a page again when Pelican
rendered it exactly as last build and the finished file is still in place. So after
a build a page's file holds either what Pelican rendered or the footprint's finished
version of it (footer and receipt figures filled in, assets under hashed names).
A plugin that reads pages after they are written, to know whether they changed,
asks for the digest of the rendering instead of reading the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RenderedPages:
    """Output-relative POSIX path -> digest of the HTML Pelican rendered for it this build
    (published by footprint; filled as pages are written)."""

    digests: dict[str, str] = field(default_factory=dict)
