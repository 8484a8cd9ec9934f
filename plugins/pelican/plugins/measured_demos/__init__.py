"""Measured demos: run ML demo scripts at build time and embed their output, figures,
and the energy and CO2e they cost, cached by content in a committed folder.

Modules: directive (the `::: demo` block), demo_process and child (one demo's own
process; child runs inside it), meter (RAPL, NVML or estimate), record (the frozen
result a cache entry holds), cache (the committed folder), batch (one build's
demos), executors (here or on a Dask cluster), cluster (the build's side of
Dask; imported only for a scheduler address), remote (what a Dask worker runs),
render (HTML), settings, plugin (signal wiring). What other plugins read
is published as plugin_core.demo_link.DemoBuild.
"""



def register() -> None:
    """Pelican's entry point. Imported here, not above, so that the runner and the
    meter (`demo_process`, `meter`) import without Pelican: on a GPU box or a Dask
    worker that only runs demos."""
    from .plugin import register as connect_signals

    connect_signals()
