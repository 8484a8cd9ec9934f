"""Shared fixtures: the sample site built once, a local server, and headless Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, PROJECT, build_site, log_of, serve

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(autouse=True)
def no_content_errors_left_over():
    """Content errors are collected per process; a test that reports some must not leak them."""
    from plugin_core import problems

    problems.clear()
    yield
    problems.clear()


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The project's own content and settings, built once into a temporary folder.

    The committed demo cache is copied first so a test run never writes to the repo.
    """
    root = tmp_path_factory.mktemp("sample")
    cache = PROJECT / "_demo_cache"
    extra = {}
    if cache.exists():
        shutil.copytree(cache, root / "_demo_cache")
        extra["DEMOS_CACHE_PATH"] = str(root / "_demo_cache")
    result = build_site(root / "output", extra=extra)
    assert result.returncode == 0, log_of(result)
    return root / "output", log_of(result)


@pytest.fixture(scope="session")
def sample_site(sample_build) -> Path:
    return sample_build[0]


@pytest.fixture(scope="session")
def sample_url(sample_site) -> str:
    with serve(sample_site) as url:
        yield url


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """Debian's chromium. Missing is a failure, never a skip: CI must run the browser tests."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`apt-get install chromium`)")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    """A page that records console errors and fails the test on any request off this machine."""
    context = browser.new_context()
    page = context.new_page()
    page.console_errors = []
    page.foreign_requests = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))

    def check_host(request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOCAL_HOSTS:
            page.foreign_requests.append(request.url)

    page.on("request", check_host)
    yield page
    context.close()
    assert not page.foreign_requests, f"requests to other hosts: {page.foreign_requests}"


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return results.response["violations"]


@pytest.fixture
def axe():
    return axe_violations
