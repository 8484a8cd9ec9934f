"""What a reader of the published site expects beyond the pages themselves:

- a description, reading time, byline data, table of contents and citation for each
  issue, taken from its own text (text, cite);
- heading anchors, as a template filter (text);
- a search index built with Pagefind after the pages are written (search);
- sitemap.xml and robots.txt (sitemap);
- feeds that a browser shows as a readable page, through an XSLT stylesheet (feed_style).
"""



def register() -> None:
    """Pelican's entry point; imported here so that `pelicanconf.py` can import the
    theme's filters from `text` without loading Pelican's signals."""
    from .plugin import register as connect_signals

    connect_signals()
