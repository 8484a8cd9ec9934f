"""A demo that runs out of memory: the error names the cap and the demo's line, and never hangs.

At the cap even a small int may fail to allocate, so the child releases the
demo's objects before it builds the report (child.run_script). Before that, a
list grown at module level hung the demo until its timeout, and one of strings
ended with "exited with status 1" and nothing about memory.
"""

from __future__ import annotations

import pytest

from tests.demos.test_runner import run

CAP_MB = 200
HINT = f"hit its memory cap of {CAP_MB} MB"

INTS = """\
data = []
while True:
    data.append(len(data))
"""
STRINGS = """\
data = []
i = 0
while True:
    data.append(str(i) * 10)
    i += 1
"""
IN_A_FUNCTION = """\
def grow():
    rows = []
    while True:
        rows.append([0] * 100)


grow()
"""


@pytest.mark.parametrize(
    "source, line",
    [(INTS, 3), (STRINGS, 4), (IN_A_FUNCTION, 4)],
    ids=["ints at module level", "strings at module level", "lists in a function"],
)
def test_a_growing_list_reports_the_cap_and_its_line(tmp_path, source, line):
    outcome = run(tmp_path, source, memory_limit_mb=CAP_MB, timeout=60)
    failure = outcome.failure
    assert failure.kind == "MemoryError", failure
    assert failure.message.startswith("out of memory: the demo " + HINT)
    assert "'memory:' in the directive or DEMOS_MEMORY_LIMIT_MB" in failure.message
    assert failure.line == line
    assert f'demo.py", line {line}, in ' in failure.traceback and "child.py" not in failure.traceback
    assert outcome.wall_seconds < 30  # it used to hang until its timeout
    assert outcome.peak_rss_mb < CAP_MB + 50


def test_memory_the_child_cannot_release_still_names_the_cap(tmp_path):
    # Held by another module, so releasing the demo's namespace frees nothing:
    # the child cannot even write its result and exits with its own status.
    source = "import sys\nsys.hoard = []\nwhile True:\n    sys.hoard.append(len(sys.hoard))\n"
    outcome = run(tmp_path, source, memory_limit_mb=CAP_MB, timeout=60)
    assert outcome.failure.kind == "MemoryError"
    assert f"out of memory, even for saying where: the demo {HINT}" in outcome.failure.message


def test_a_capped_demo_that_exits_without_a_result_probably_hit_the_cap(tmp_path):
    # As a native library does when malloc fails: exit at once, no Python error.
    source = """\
    import posix
    hoard = []
    try:
        while True:
            hoard.append(len(hoard))
    except MemoryError:
        posix._exit(1)
    """
    outcome = run(tmp_path, source, memory_limit_mb=CAP_MB, timeout=60)
    assert outcome.failure.kind == "ExitError"
    assert f"exited with status 1 without a result; it probably {HINT}" in outcome.failure.message


def test_another_error_raised_while_memory_is_full_is_reported(tmp_path):
    # The new error is raised while the demo still holds everything: it used to hang the child.
    source = """\
    data = []
    try:
        while True:
            data.append(len(data))
    except MemoryError:
        raise RuntimeError("no room")
    """
    failure = run(tmp_path, source, memory_limit_mb=CAP_MB, timeout=60).failure
    # Raising the new error needs memory too: depending on where the cap bites, it is
    # reported as raised, or as the cap. Either way it is reported, and at once.
    raised = (failure.kind, failure.message, failure.line) == ("RuntimeError", "no room", 6)
    capped = failure.kind == "MemoryError" and HINT in failure.message
    assert raised or capped, failure
