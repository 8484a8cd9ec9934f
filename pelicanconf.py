"""Settings for building the site while writing (`make html`, `make devserver`).

`publishconf.py` starts from these and changes what a published site needs.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent

AUTHOR = "The Low-Carbon Computing Letter"
SITENAME = "Low-Carbon Computing Letter"
SITESUBTITLE = (
    "A newsletter on the energy and carbon cost of computing, with demos that state their own cost, "
    "measured or estimated"
)
# Feeds need absolute links; pages use relative ones so the site works from any folder.
SITEURL = os.environ.get("SITEURL", "http://localhost:8000")
RELATIVE_URLS = True

PATH = "content"
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = ["issues"]
# Images for posts: create content/images/, add "images" to STATIC_PATHS, link with {static}/images/x.svg
# content/extra/favicon.ico is served at /favicon.ico, where feed readers look for it.
STATIC_PATHS = ["extra/favicon.ico"]
EXTRA_PATH_METADATA = {"extra/favicon.ico": {"path": "favicon.ico"}}
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
DEFAULT_PAGINATION = 10
SUMMARY_MAX_LENGTH = 60

THEME = "theme"
# Pelican namespace plugins (pelican.plugins.<name>), installed from plugins/ by `make html`
# (`pip install -e .`). Their order does not matter: the core runs their steps in order.
PLUGINS = ["newsletter", "measured_demos", "pyodide_widgets", "reader_site", "email_edition", "footprint"]

ARTICLE_URL = "issues/{slug}/"
ARTICLE_SAVE_AS = "issues/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
TAGS_SAVE_AS = "tags/index.html"
CATEGORIES_SAVE_AS = "categories/index.html"
DIRECT_TEMPLATES = ["index", "tags", "categories", "archives", "search", "404"]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""

# Feeds: Atom and RSS for everything, per category and per tag, always with full content.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/category/{slug}.rss.xml"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
TAG_FEED_RSS = "feeds/tag/{slug}.rss.xml"
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
RSS_FEED_SUMMARY_ONLY = False
FEED_MAX_ITEMS = 50

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight"},
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

# --- newsletter ---
# "fail" (default): any content error (a directive typo, a failing demo) fails the build
# after every post has been read. "warn": drafting mode, errors become visible boxes and warnings.
NEWSLETTER_ON_ERROR = "fail"  # the environment variable NEWSLETTER_ON_ERROR wins

# --- reader_site ---
# Search (Pagefind), descriptions, reading time, table of contents, citations,
# sitemap.xml, robots.txt and the feeds' XSLT page. README, "The reader's site".
# The theme's filters are settings, so the theme also renders when a build leaves
# the plugin out (its other features then fall back to nothing).
from pelican.plugins.reader_site.print_links import print_hrefs  # noqa: E402
from pelican.plugins.reader_site.text import escaped_description, heading_anchors  # noqa: E402

JINJA_FILTERS = {"heading_anchors": heading_anchors, "reader_shorten": escaped_description,
                 "print_hrefs": print_hrefs}
READER_SEARCH = True  # build the Pagefind index into output/pagefind/
READER_SEARCH_RECENT_PAGES = 50  # a rebuild indexes up to 50 changed pages on their own (publish: 0)
READER_TOC_MIN_SECTIONS = 4  # issues with at least this many sections get a table of contents
READER_FEED_STYLESHEET = "theme/feed.xsl"  # None: feeds without the browser page

# --- footprint ---
# Page weight and CO2e per view (Sustainable Web Design v4, as CO2.js computes it),
# the Footprint page (/footprint/) and /footprint.json. README, "Footprint", lists every setting.
FOOTPRINT_PRECOMPRESS = False  # .gz/.br beside text assets: on in publishconf.py
FOOTPRINT_HASH_ASSETS = True  # style.<hash>.css, cacheable as immutable

# --- measured demos ---
# `::: demo demos/x.py` blocks run their script at build time (README, "Demos").
DEMOS_CACHE_PATH = "_demo_cache"  # committed results, relative to the folder that holds content/
DEMOS_TIMEOUT = 120  # seconds per demo; a block's `timeout:` overrides it
DEMOS_MEMORY_LIMIT_MB = 2048  # address-space cap per demo; None: no cap
DEMOS_OUTPUT_LIMIT = 20_000  # bytes of stdout (and of stderr) kept per demo
DEMOS_WORKERS = 1  # uncached demos run at the same time; the environment variable wins
DEMOS_RERUN = []  # scripts to run even when cached, or "all"; also `make html DEMOS_RERUN=...`
# Carbon intensity of the electricity, for demos and page views alike: Ember's yearly figure
# for this region, read at build time from the pinned npm package @tgwf/co2 (CC BY-SA 4.0).
CARBON_REGION = "WORLD"  # ISO 3166-1 alpha-3 code (e.g. "FRA", "USA") or "WORLD"
CARBON_CO2JS_PATH = str(PROJECT_ROOT / "node_modules" / "@tgwf" / "co2")
CARBON_INTENSITY = None  # or your own {"g_per_kwh": ..., "region": ..., "year": ..., "source": ...}
DATACENTER_PUE = None  # e.g. 1.56 (Green Algorithms) when the site is built in a data centre
# --- widgets ---
PYODIDE_NPM_PACKAGE = str(PROJECT_ROOT / "node_modules" / "pyodide")  # npm's pinned runtime
PYODIDE_WIDGETS_PATH = str(PROJECT_ROOT / "widgets")  # widgets/<name>.py
PYODIDE_COMPRESS_CACHE = str(PROJECT_ROOT / ".cache" / "pyodide_widgets")  # brotli copies
# npm's pinned MicroPython, for widgets with `runtime: micropython` (WIDGETS_RUNTIME: the default)
MICROPYTHON_NPM_PACKAGE = str(PROJECT_ROOT / "node_modules/@micropython/micropython-webassembly-pyscript")
WIDGETS_RUNTIME = "pyodide"
# Quality 9 compresses the 9.6 MB runtime in about 2 s; 11 (publishconf.py) takes about 30 s
# for some 10 % fewer bytes, so only `make publish` pays it (once: the copies are cached).
PYODIDE_BROTLI_QUALITY = 9
CPU_WATTS_PER_CORE = None  # None: look the CPU model up, else 12 W (Green Algorithms)
MEMORY_WATTS_PER_GB = 0.3725  # Green Algorithms v2.2

# --- email edition ---
# Every issue as an email in output/email/<slug>.eml (`make email`, `make send-email`;
# README, "Email"). Links point to SITEURL: `make email` builds with publishconf.py.
# While writing, no email is built: one would link to localhost, and an edited issue's
# email costs a rebuild about 40 ms of CPU and 6 MB. `make email` and `make publish` build them.
EMAIL_BUILD = False
EMAIL_FROM = "Low-Carbon Computing Letter <letter@lowcarbon-letter.example.org>"
EMAIL_UNSUBSCRIBE_MAILTO = "unsubscribe@lowcarbon-letter.example.org"
EMAIL_UNSUBSCRIBE_URL = None  # e.g. "https://lowcarbon-letter.example.org/unsubscribe?email={email}"
EMAIL_SUBSCRIBERS = "subscribers.csv"  # never committed (.gitignore); see subscribers.example.csv
EMAIL_SEND_LOG_PATH = "email-sent"  # what was sent, per issue, so a stopped run can resume
EMAIL_MESSAGES_PER_MINUTE = 30
