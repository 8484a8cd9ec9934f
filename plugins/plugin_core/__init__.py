"""The shared core of the site's Pelican plugins. Not a plugin itself.

- directives: the `::: name` block directive, its option checks and file:line errors;
- problems: content errors collected during a build, failing it at the end;
- source_reader: tells directives which file they are in;
- source_errors: posts Pelican would skip silently (bad date, not UTF-8, no title) as content errors;
- contents: one walk over every article and page Pelican read;
- placeholders: what a directive leaves until its plugin fills it;
- publishing, compression: atomic writes, hashed names, `.br`/`.gz` twins;
- settings, carbon: one way to read and check settings, and the shared carbon ones;
- numbers, units: significant figures; bytes, grams, joules and CO2e as readers see them;
- swd: the Sustainable Web Design v4 model (a port of CO2.js) for any transfer of bytes;
- feed_html: HTML for feeds and mail (absolute links, no scripts, live parts as links);
- build: the order of the plugins' steps and the typed links between them;
- demo_link: the types the measured_demos plugin hands to the others.

Feature plugins import this package (and call `build.register()` from their
own `register()`); none imports another plugin's modules. Importing this
package imports nothing: the runner and the child process use demo_link
without loading Pelican.
"""
