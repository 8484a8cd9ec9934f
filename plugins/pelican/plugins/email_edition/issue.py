"""What the email needs of an issue, read once from Pelican's article.

The rest of the package works on these records, never on Pelican objects:
`from_article` is the one place that knows the attributes of an article; the
demos' results come from measured_demos' DemoBuild (plugin_core.demo_link).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any, NamedTuple

from markupsafe import Markup
from plugin_core.contents import url_of
from plugin_core.demo_link import DemoResult
from plugin_core.units import co2e_text, energy_text


class DemoCost(NamedTuple):
    """A demo's bill as the issue's receipt shows it."""

    script: str
    energy_joules: float
    co2e_grams: float
    method: str

    @property
    def estimated(self) -> bool:
        return self.method.startswith("estimate")

    @property
    def energy(self) -> str:
        joules, watt_hours = energy_text(self.energy_joules)
        return f"{joules} ({watt_hours})"

    @property
    def co2e(self) -> str:
        return co2e_text(self.co2e_grams)


class Issue(NamedTuple):
    slug: str
    title: str  # plain text
    number: int | None
    date: datetime
    date_text: str
    url: str  # absolute
    summary: str  # plain text
    html: str  # the content, intra-site links made absolute with SITEURL
    source_path: str
    lang: str
    demos: tuple[DemoCost, ...]

    @property
    def subject(self) -> str:
        return f"Issue {self.number}: {self.title}" if self.number else self.title


def plain(text: Any) -> str:
    return html.unescape(Markup(str(text or "")).striptags())


def from_article(article: Any, site_url: str, results: tuple[DemoResult, ...] = ()) -> Issue:
    """The record of a Pelican article; `site_url` is absolute, `results` its demos'."""
    date = article.date
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    demos = tuple(
        DemoCost(str(result.script), float(result.energy_joules), float(result.co2e_grams),
                 str(result.method))
        for result in results
    )
    return Issue(
        slug=str(article.slug),
        title=plain(article.title),
        number=getattr(article, "issue_number", None),
        date=date,
        date_text=str(getattr(article, "locale_date", "") or date.strftime("%-d %B %Y")),
        url=f"{site_url}/{url_of(article)}",
        summary=plain(getattr(article, "summary", "")),
        html=article.get_content(site_url),
        source_path=str(article.source_path),
        lang=str(getattr(article, "lang", "") or "en"),
        demos=demos,
    )


def receipt(demos: tuple[DemoCost, ...]) -> list[str]:
    """The receipt's sentences: what the issue's demos cost, worded by how it was obtained."""
    if not demos:
        return ["This issue runs no demo, so nothing was computed for it beyond building the site."]
    joules = sum(demo.energy_joules for demo in demos)
    grams = sum(demo.co2e_grams for demo in demos)
    estimated = [demo for demo in demos if demo.estimated]
    if len(estimated) == len(demos):
        how = "an estimated"
        note = ("Estimated from the processor time each demo used, since the machine that built the "
                "site has no energy counter it could read; each estimate's formula is on the site.")
    elif estimated:
        how = "partly measured, partly estimated,"
        note = "The table says which figure was measured with an energy counter and which was estimated."
    else:
        how = "a measured"
        note = "Measured with the machine's energy counters while the demos ran."
    count = "The demo" if len(demos) == 1 else f"The {len(demos)} demos"
    total = DemoCost("", joules, grams, "")
    return [
        f"{count} in this issue used {how} {total.energy} of electricity when "
        f"{'it' if len(demos) == 1 else 'they'} last ran "
        f"at build time, and caused about {total.co2e} of emissions. {note}"
    ]
