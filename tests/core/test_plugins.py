"""The plugins together: every content status, any PLUGINS order, checked settings, lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import PROJECT, build_site, log_of, write_site

ALL_PLUGINS = ["newsletter", "measured_demos", "pyodide_widgets", "reader_site", "email_edition", "footprint"]

HIDDEN_ISSUE = """\
    Title: Hidden issue with a live model
    Date: 2025-03-01
    Status: hidden

    ::: demo demos/widget_iris.py
    :::

    ::: widget iris
    model: demos/widget_iris.py
    :::

    To show a directive in a post, put it in a code block:

    ```
    ::: demo demos/not_run.py
    :::
    ```
    """

PLAIN_ISSUE = """\
    Title: Plain issue
    Date: 2025-03-02

    Words.
    """


def build(tmp_path, posts: dict[str, str], **settings):
    content = write_site(tmp_path, posts)
    extra = {
        "DEMOS_ROOT": str(PROJECT),
        "DEMOS_CACHE_PATH": str(tmp_path / "_demo_cache"),
        **settings,
    }
    return build_site(tmp_path / "output", content, extra=extra)


def test_hidden_issue_renders_its_widget_and_counts_on_the_footprint_page(tmp_path):
    # The footprint first, the demos last: the order of PLUGINS must not matter.
    result = build(
        tmp_path,
        {"issues/hidden.md": HIDDEN_ISSUE, "issues/plain.md": PLAIN_ISSUE},
        PLUGINS=list(reversed(ALL_PLUGINS)), EMAIL_BUILD=True,
    )
    assert result.returncode == 0, log_of(result)
    page = (tmp_path / "output" / "issues" / "hidden-issue-with-a-live-model" / "index.html").read_text()
    assert "plugin-core:" not in page and 'class="pw-widget' in page
    assert "::: demo demos/not_run.py" in page  # a quoted directive is shown, not run
    report = json.loads((tmp_path / "output" / "footprint.json").read_text())
    assert [demo["script"] for demo in report["demos"]] == ["demos/widget_iris.py"]
    assert report["demos"][0]["page_title"] == "Hidden issue with a live model"
    # The email edition runs before the footprint whatever the order: published issues only.
    assert [email["page_url"] for email in report["emails"]] == ["issues/plain-issue/"]
    assert (tmp_path / "output" / "email" / "plain-issue.eml").is_file()
    assert 'id="email"' in (tmp_path / "output" / "footprint" / "index.html").read_text()


def test_widgets_without_the_demos_plugin_say_which_plugin_to_add(tmp_path):
    result = build(tmp_path, {"issues/hidden.md": HIDDEN_ISSUE}, PLUGINS=["pyodide_widgets"])
    log = " ".join(log_of(result).split())
    assert result.returncode != 0
    assert "unknown directive '::: demo'" in log
    assert "needs the measured_demos plugin: add 'measured_demos' to PLUGINS" in log
    assert "Traceback" not in log


def test_emails_without_the_footprint_plugin_say_which_plugin_to_add(tmp_path):
    result = build(tmp_path, {"issues/plain.md": PLAIN_ISSUE}, PLUGINS=["email_edition"], EMAIL_BUILD=True)
    log = " ".join(log_of(result).split())
    assert result.returncode != 0
    assert "email edition (each email states its footprint) needs the footprint plugin" in log
    assert "add 'footprint' to PLUGINS" in log and "Traceback" not in log


def test_a_bad_value_for_any_setting_is_a_content_error_naming_it(tmp_path):
    from pelican.plugins.email_edition.settings import SETTINGS as EMAIL
    from pelican.plugins.footprint.settings import SETTINGS as FOOTPRINT
    from pelican.plugins.measured_demos.settings import SETTINGS as DEMOS
    from pelican.plugins.pyodide_widgets.settings import _settings as widget_settings
    from pelican.plugins.reader_site.plugin import SETTINGS as READER
    from plugin_core.build import CORE_SETTINGS

    specs = (*CORE_SETTINGS, *DEMOS, *FOOTPRINT, *EMAIL, *READER, *widget_settings(PROJECT))
    names = [spec.name for spec in specs]
    bad = {name: {"not": "valid"} for name in names}
    result = build(tmp_path, {"issues/plain.md": PLAIN_ISSUE}, PLUGINS=ALL_PLUGINS, **bad)
    log = " ".join(log_of(result).split())
    assert result.returncode != 0
    for name in names:
        assert f"setting {name} = {{'not': 'valid'}} is not valid: expected" in log, name
    assert "Traceback" not in log.split("content error(s); the build failed")[0]
    assert not (tmp_path / "output" / "email").exists()  # no email from wrong settings


def test_importing_the_plugins_loads_no_heavy_library():
    code = (
        "import sys, pelican.plugins.newsletter, pelican.plugins.measured_demos, "
        "pelican.plugins.pyodide_widgets, pelican.plugins.footprint, pelican.plugins.email_edition\n"
        "print(sorted(m for m in ('matplotlib', 'numpy', 'sklearn', 'pynvml', 'bs4', 'css_inline', "
        "'resvg_py') if m in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_a_build_imports_few_dataclasses():
    """Records are NamedTuples: a frozen dataclass compiles six methods at import (0.4 ms each
    class on Python 3.11), and 67 of them cost 26 ms of every build."""
    code = (
        "import dataclasses, importlib, sys\n"
        "for name in ('newsletter', 'measured_demos', 'pyodide_widgets', 'reader_site', 'email_edition', "
        "'footprint'):\n"
        "    importlib.import_module(f'pelican.plugins.{name}.plugin')\n"
        "print(sum(1 for name, module in list(sys.modules.items())\n"
        "          if name.startswith(('pelican.plugins.', 'plugin_core'))\n"
        "          for value in vars(module).values()\n"
        "          if isinstance(value, type) and dataclasses.is_dataclass(value)\n"
        "          and value.__module__ == name))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 0 < int(found.stdout) <= 12  # the mutable builders, and two records with dict defaults


def test_the_email_builders_load_soup_sieve_only_when_a_selector_is_used():
    code = (
        "import sys\n"
        "from pelican.plugins.email_edition import edition, body\n"
        "print('soupsieve.css_parser' in sys.modules)\n"
        "soup, _ = body.email_body('<p class=x>a <b>b</b></p>', 'https://e.org/p/', 'https://e.org', None)\n"
        "print('soupsieve.css_parser' in sys.modules)\n"
        "print(soup.select_one('p.x b'), 'soupsieve.css_parser' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.split("\n")[:3] == ["False", "False", "<b>b</b> True"]


def test_the_email_builders_read_named_characters_as_beautiful_soup_does_without_its_tables():
    """Beautiful Soup builds all its entity tables (12 ms) on the first `&name;` it parses."""
    code = (
        "from pelican.plugins.email_edition import soup\n"
        "from bs4.dammit import EntitySubstitution\n"
        "import sys\n"
        "html = sys.stdin.read()\n"
        "ours = str(soup.parse(html))\n"
        "print(EntitySubstitution._CLASS_VARIABLES_POPULATED)\n"
        "print(ours == str(soup.BeautifulSoup(html, 'html.parser')))\n"
        "print(ours)"
    )
    html = ('<p title="a &amp; b">x &amp; y&nbsp;&eacute; &notanentity; &amp &lt;b&gt; &fjlig; '
            "&NotGreaterFullEqual;</p><script>a &amp;&amp; b</script>")
    command = [sys.executable, "-c", code]
    found = subprocess.run(command, input=html, capture_output=True, text=True, check=True)
    populated, same, ours = found.stdout.split("\n", 2)
    assert (populated, same) == ("False", "True")
    assert "x &amp; y\xa0é" in ours and "&amp;notanentity" in ours and "fj ≧̸" in ours


def test_pelican_finding_the_plugins_imports_none_of_their_code():
    """Pelican imports every installed namespace plugin, even with PLUGINS = [], so a
    package's `__init__` must import nothing; bench/build_cost.py's baseline relies on it."""
    code = (
        "import sys\n"
        "from pelican.plugins._utils import get_namespace_plugins\n"
        "found = get_namespace_plugins()\n"
        "print(sorted(found))\n"
        "print(sorted(m for m in sys.modules if m.startswith(('plugin_core', 'pelican.plugins.'))\n"
        "             and m not in found and m not in ('pelican.plugins._utils', 'pelican.plugins.signals')))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    plugins, loaded = found.stdout.splitlines()
    for name in ALL_PLUGINS:
        assert f"'pelican.plugins.{name}'" in plugins
    assert loaded == "[]"


def test_every_setting_has_a_readme_row_or_heading():
    from pelican.plugins.email_edition.settings import SETTINGS as EMAIL
    from pelican.plugins.footprint.settings import SETTINGS as FOOTPRINT
    from pelican.plugins.measured_demos.settings import SETTINGS as DEMOS
    from pelican.plugins.pyodide_widgets.settings import _settings as widget_settings
    from pelican.plugins.reader_site.plugin import SETTINGS as READER
    from plugin_core.build import CORE_SETTINGS

    readme = (PROJECT / "README.md").read_text()
    documented = {
        line.split("`")[1]
        for line in readme.splitlines()
        if line.startswith(("| `", "#### `")) and line.count("`") >= 2
    } | {
        name.strip(" `")
        for line in readme.splitlines()
        if line.startswith("| `")
        for name in line.split("|")[1].split(",")
    }
    specs = (*CORE_SETTINGS, *DEMOS, *FOOTPRINT, *EMAIL, *READER, *widget_settings(PROJECT))
    missing = [spec.name for spec in specs if spec.name not in documented]
    assert missing == []


def test_a_contents_url_is_worked_out_once_and_not_kept_past_its_object():
    import gc

    from plugin_core.contents import _URLS, url_of

    class Content:  # Pelican's Content formats `url` from its metadata on every access
        formatted = 0

        @property
        def url(self) -> str:
            Content.formatted += 1
            return f"issues/{id(self)}/"

    first, second = Content(), Content()
    assert url_of(first) == url_of(first) == first.url
    assert url_of(second) != url_of(first)
    assert Content.formatted == 3  # once each through url_of, once directly
    del first, second
    gc.collect()
    assert not any(type(content) is Content for content in list(_URLS))


FREEZE_PROBE = """\
import atexit, gc, sys
from pelican import main, signals

during = []
signals.article_generator_finalized.connect(lambda _: during.append(gc.get_freeze_count()), weak=False)
atexit.register(lambda: print(f"frozen during {during[0]}, after {gc.get_freeze_count()}"))
main(sys.argv[1:])
"""


def test_the_build_keeps_what_outlives_it_out_of_full_collections_and_lets_go_at_the_end(tmp_path):
    """gc.freeze at the start of a run (a full collection then skips Pelican and its
    libraries), gc.unfreeze at its end, also when the build fails on a content error."""
    broken = PLAIN_ISSUE + "\n::: demmo demos/x.py\n:::\n"
    for name, post, succeeds in (("ok", PLAIN_ISSUE, True), ("broken", broken, False)):
        content = write_site(tmp_path / name, {"issues/plain.md": post})
        extra = {"PLUGINS": ALL_PLUGINS, "DEMOS_ROOT": str(PROJECT),
                 "DEMOS_CACHE_PATH": str(tmp_path / name / "_demo_cache")}
        command = [sys.executable, "-c", FREEZE_PROBE, str(content), "-o", str(tmp_path / name / "output"),
                   "-s", str(PROJECT / "pelicanconf.py"),
                   "-e", *(f"{key}={json.dumps(value)}" for key, value in extra.items())]
        result = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=300)
        assert (result.returncode == 0) is succeeds, log_of(result)
        during, after = (int(n) for n in result.stdout.split("frozen during ")[1].split(", after "))
        assert during > 10_000  # Pelican, Markdown, Jinja and the plugins, at least
        assert after == 0
