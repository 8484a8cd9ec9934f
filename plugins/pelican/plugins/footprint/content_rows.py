"""Rows of the report about content: each demo, each issue, each email.

They come from what the other plugins publish (plugin_core.demo_link.DemoBuild,
plugin_core.email_link.EmailEditions) and from the issues' receipts; report.py
puts them together with the measured pages.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from plugin_core.carbon import JOULES_PER_KWH
from plugin_core.contents import url_of
from plugin_core.demo_link import DemoBuild
from plugin_core.email_link import EmailEditions

TRAINING_TYPE = "demo run at build time (a small model trained and evaluated by the script)"


def demo_rows(demos: DemoBuild | None) -> list[dict[str, Any]]:
    """Every demo result on every article and page of this build.

    Energy is the figure CO2e is computed from (configured PUE included); an
    estimate carries its range, a counter reading has none.
    """
    rows = []
    for page in demos.pages if demos else ():
        for result in page.results:
            span = result.energy_range
            per_run = result.energy_per_run
            location = result.region or f"not recorded (CO2e computed for {result.intensity.region})"
            rows.append({
                "script": result.script,
                "caption": result.caption,
                "page_title": _plain(page.title),
                "page_url": page.url,
                "energy_kind": result.energy.kind,
                "energy_joules": per_run,
                "energy_joules_low": span.low_joules if span else None,
                "energy_joules_high": span.high_joules if span else None,
                "co2e_grams": result.co2e_grams,
                "co2e_grams_low": _grams(span.low_joules, result) if span else None,
                "co2e_grams_high": _grams(span.high_joules, result) if span else None,
                "method": result.method,
                "ran_at": result.measured_at,
                "region": result.region,
                "machine": result.machine,
                "cpu_seconds": result.cpu_seconds,
                "wall_seconds": result.wall_seconds,
                "from_cache": result.from_cache,
                "runs_reused": result.runs_reused,
                "energy_avoided_joules": result.runs_reused * per_run,
                "grid_intensity_g_per_kwh": result.intensity.g_per_kwh,
                "grid_region": result.intensity.region,
                "ok": result.ok,
                # Hugging Face model card metadata, under its exact names (emissions in grams).
                "co2_eq_emissions": {
                    "emissions": result.co2e_grams,
                    "source": _card_source(result),
                    "training_type": TRAINING_TYPE,
                    "geographical_location": location,
                    "hardware_used": result.machine,
                },
            })
    return rows


def email_rows(emails: EmailEditions | None) -> list[dict[str, Any]]:
    """Every issue's email (from the email_edition plugin), sorted by page."""
    rows = [
        {
            "page_title": email.page_title,
            "page_url": email.page_url,
            "message_bytes": email.message_bytes,
            "html_bytes": email.html_bytes,
            "text_bytes": email.text_bytes,
            "image_bytes": email.image_bytes,
            "co2e_grams_per_copy": email.co2e_grams,
            "message_co2e_grams_per_copy": email.message_co2e_grams,
        }
        for email in (emails.rows if emails else ())
    ]
    return sorted(rows, key=lambda row: row["page_url"])


def _grams(joules_with_pue: float, result: Any) -> float:
    return joules_with_pue / JOULES_PER_KWH * result.intensity.g_per_kwh


def _card_source(result: Any) -> str:
    how = {
        "estimated": "estimated with Green Algorithms from CPU time",
        "measured": f"measured with the machine's energy counters ({result.method})",
    }.get(result.energy.kind, f"CPU part estimated, GPU part measured ({result.method})")
    return f"{how}, by the measured_demos plugin; carbon intensity: {result.intensity.label()}"


def published_articles(contents: list[Any]) -> list[Any]:
    """The issues: published articles (pages and drafts have no receipt), oldest first."""
    articles = [
        obj for obj in contents
        if type(obj).__name__ == "Article" and getattr(obj, "status", "published") == "published"
    ]
    return sorted(articles, key=lambda article: article.date)


def issue_rows(articles: list[Any]) -> list[dict[str, Any]]:
    """One row per issue in publication order; page figures are joined in at the end."""
    rows = []
    for article in articles:
        receipt = getattr(article, "receipt", None)
        low, central, high = receipt.demos_energy if receipt else (0.0, 0.0, 0.0)
        g_low, g_central, g_high = receipt.demos_co2e if receipt else (0.0, 0.0, 0.0)
        rows.append({
            "number": getattr(article, "issue_number", None),
            "title": _plain(article.title),
            "url": url_of(article),
            "date": article.date.date().isoformat(),
            "demos": len(receipt.demos) if receipt else 0,
            "demos_energy_kind": receipt.demos_kind if receipt and receipt.demos else "",
            "demos_energy_joules": central,
            "demos_energy_joules_low": low,
            "demos_energy_joules_high": high,
            "demos_co2e_grams": g_central,
            "demos_co2e_grams_low": g_low,
            "demos_co2e_grams_high": g_high,
        })
    return rows


def _plain(title: Any) -> str:
    return Markup(str(title)).striptags()
