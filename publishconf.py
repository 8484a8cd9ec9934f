"""Settings for the published site (`make publish`): the real address, no drafts."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "https://lowcarbon-letter.example.org")
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
NEWSLETTER_ON_ERROR = "fail"

# --- search ---
READER_SEARCH_RECENT_PAGES = 0  # one full index, built again when any page changed: see README, "Search"

# --- footprint ---
FOOTPRINT_PRECOMPRESS = True  # gzip_static / brotli_static: see README, "Footprint"

# --- widgets ---
PYODIDE_BROTLI_QUALITY = 11  # the smallest runtime for readers; compressed once, then cached

# --- email edition ---
EMAIL_BUILD = True  # every issue's email, and its cost on the Footprint page: see README, "Email"
