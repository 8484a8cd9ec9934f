"""The HTML part in headless Chromium: a phone-width column, figures that load from the site."""

from __future__ import annotations

import pytest

from tests.email.conftest import SITEURL, read_eml
from tests.email.test_message import ISSUES, content


@pytest.mark.browser
@pytest.mark.parametrize("slug", ISSUES)
def test_html_part_fits_a_phone_and_its_figures_load(browser, email_build, slug):
    html = content(read_eml(email_build / "email" / f"{slug}.eml").get_body(("html",)))
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    served = []

    def from_site(route):  # the published site is this build's output folder
        url = route.request.url
        if not url.startswith(SITEURL + "/"):
            route.abort()
            return
        served.append(url)
        route.fulfill(path=str(email_build / url.removeprefix(SITEURL + "/")))

    page.route("**/*", from_site)
    page.set_content(html, wait_until="load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    broken = page.evaluate("[...document.images].filter(i => !i.complete || !i.naturalWidth).length")
    assert broken == 0
    assert sorted(served) == sorted(page.evaluate("[...document.images].map(i => i.src)"))
    context.close()
