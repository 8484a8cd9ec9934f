"""Lighthouse (npm, pinned in package.json; mobile, its default) scores 100 in
performance, accessibility, best practices and SEO on the pages readers land on."""

from __future__ import annotations

import json
import os
import statistics
import subprocess

import pytest

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, PROJECT

LIGHTHOUSE = PROJECT / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {
    "home": "",
    "issue with demos": "issues/what-training-costs/",
    "widget issue": "issues/small-models/",
    "search": "search/",
    "footprint": "footprint/",
}

pytestmark = pytest.mark.browser


def lighthouse(url: str, report: str) -> dict:
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"]
    done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM},
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    with open(report, encoding="utf-8") as stream:
        return json.load(stream)


def shortfalls(result: dict) -> list[str]:
    """Each weighted audit that did not pass, with Lighthouse's own figure."""
    found = []
    for category in result["categories"].values():
        for reference in category["auditRefs"]:
            audit = result["audits"][reference["id"]]
            if reference.get("weight") and audit["score"] is not None and audit["score"] < 1:
                found.append(f"{category['id']}: {audit['id']} {audit.get('displayValue', '')}")
    return found


def scores_of(result: dict) -> dict[str, int]:
    return {name: round(category["score"] * 100) for name, category in result["categories"].items()}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_lighthouse_scores_100(sample_url, tmp_path, path):
    """One run, or the median of three when the first falls short: the performance
    score moves with the load on a shared 2-core machine, as Lighthouse warns."""
    assert LIGHTHOUSE.is_file(), "lighthouse is missing: run `make install` (npm ci)"
    results = [lighthouse(sample_url + path, str(tmp_path / "report-1.json"))]
    if scores_of(results[0]) != dict.fromkeys(CATEGORIES, 100):
        results += [lighthouse(sample_url + path, str(tmp_path / f"report-{n}.json")) for n in (2, 3)]
    runs = [scores_of(result) for result in results]
    median = {name: statistics.median(run[name] for run in runs) for name in CATEGORIES}
    assert median == dict.fromkeys(CATEGORIES, 100), (runs, [shortfalls(r) for r in results])
