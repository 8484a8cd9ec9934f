"""The committed cache: readable entries, checksums, atomic writes, pruning."""

from __future__ import annotations

import json

import pytest
from pelican.plugins.measured_demos.cache import CorruptEntryError, DemoCache, cache_key, changed_packages
from pelican.plugins.measured_demos.record import DemoRecord
from plugin_core.demo_link import EnergyReading


def record(script: str, key: str, stdout: str = "") -> DemoRecord:
    return DemoRecord(
        script=script,
        key=key,
        inputs={"script_sha256": "0" * 64},
        stdout=stdout,
        stderr="",
        output_truncated=False,
        cpu_seconds=1.0,
        wall_seconds=1.1,
        peak_rss_mb=100.0,
        energy=EnergyReading(12.0, "estimate", "1 CPU-s x 12 W", "Test CPU", "idle power"),
        measured_at="2026-01-01T00:00:00+00:00",
        machine="Test CPU",
        python="3.11.7",
        packages={},
        demo_packages=(),
        parallel_peers=0,
    )


@pytest.fixture
def stored(tmp_path):
    figure = tmp_path / "fig.svg"
    figure.write_text("<svg/>")
    artifact = tmp_path / "weights.json"
    artifact.write_text("[1, 2]")
    cache = DemoCache(tmp_path / "_demo_cache")
    entry = cache.store(record("demos/x.py", "a" * 64, "hi"), [figure], {"weights.json": artifact})
    return cache, entry


def test_entry_is_readable_json_beside_its_files(stored):
    cache, entry = stored
    assert entry.folder.name == "x-" + "a" * 16
    written = json.loads((entry.folder / "result.json").read_text())
    assert written["stdout"] == "hi" and written["figures"] == ["fig-1.svg"]
    assert entry.artifacts["weights.json"].read_text() == "[1, 2]"
    loaded = cache.load("demos/x.py", "a" * 64)
    assert loaded.record == DemoRecord.from_json(written) == entry.record
    assert loaded.figures == (entry.folder / "fig-1.svg",)
    assert cache.load("demos/x.py", "b" * 64) is None


@pytest.mark.parametrize(
    "damage, complaint",
    [
        (lambda folder: (folder / "fig-1.svg").write_text("<svg>changed</svg>"), "does not match"),
        (lambda folder: (folder / "fig-1.svg").unlink(), "missing"),
        (lambda folder: (folder / "result.json").write_text('{"stdout": "hi"'), "not valid JSON"),
        (lambda folder: (folder / "result.json").unlink(), "result.json is missing"),
        (
            lambda folder: (folder / "result.json").write_text(
                (folder / "result.json").read_text().replace('"hi"', '"edited"')
            ),
            "checksum",
        ),
    ],
)
def test_corrupt_entries_are_detected(stored, damage, complaint):
    cache, entry = stored
    damage(entry.folder)
    with pytest.raises(CorruptEntryError, match=complaint):
        cache.load("demos/x.py", "a" * 64)


def test_a_linked_file_is_refused_even_when_its_bytes_match(stored, tmp_path):
    # A committed symbolic link would publish whatever it points to on the build machine.
    cache, entry = stored
    target = tmp_path / "elsewhere.json"
    target.write_bytes((entry.folder / "artifacts" / "weights.json").read_bytes())
    (entry.folder / "artifacts" / "weights.json").unlink()
    (entry.folder / "artifacts" / "weights.json").symlink_to(target)
    with pytest.raises(CorruptEntryError, match="weights.json: a symbolic link, not a regular file"):
        cache.load("demos/x.py", "a" * 64)


def test_rewriting_an_entry_replaces_it_whole(stored, tmp_path):
    cache, entry = stored
    cache.store(record("demos/x.py", "a" * 64, "second"), [], {})
    loaded = cache.load("demos/x.py", "a" * 64)
    assert loaded.record.stdout == "second"
    assert sorted(p.name for p in entry.folder.iterdir()) == ["result.json"]
    assert [p.name for p in cache.root.iterdir()] == [entry.folder.name]  # no temporary leftovers


def test_prune_removes_unused_entries_and_leftovers_only(stored):
    cache, entry = stored
    other = cache.store(record("demos/y.py", "c" * 64), [], {})
    leftover = cache.root / (".tmp-y-" + "d" * 16 + "-12345678")
    leftover.mkdir()
    unrelated = cache.root / "notes"
    unrelated.mkdir()
    removed = cache.prune({entry.folder})
    assert set(removed) == {other.folder, leftover}
    assert entry.folder.exists() and unrelated.exists()


def test_key_changes_with_every_input_but_not_order():
    base = cache_key("s", {"a.csv": "1", "b.csv": "2"}, "3.11.7", {"seed": 0})
    assert base == cache_key("s", {"b.csv": "2", "a.csv": "1"}, "3.11.7", {"seed": 0})
    assert base != cache_key("t", {"a.csv": "1", "b.csv": "2"}, "3.11.7", {"seed": 0})
    assert base != cache_key("s", {"a.csv": "9", "b.csv": "2"}, "3.11.7", {"seed": 0})
    assert base != cache_key("s", {"a.csv": "1", "b.csv": "2"}, "3.12.0", {"seed": 0})
    assert base != cache_key("s", {"a.csv": "1", "b.csv": "2"}, "3.11.7", {"seed": 1})


def test_changed_packages_compares_with_what_is_installed():
    import pytest as installed

    assert changed_packages({"pytest": installed.__version__}) == []
    assert changed_packages({"pytest": "0.0.1"}) == [f"pytest 0.0.1 -> {installed.__version__}"]
    assert changed_packages({"no-such-distribution-xyz": "1.0"}) == [
        "no-such-distribution-xyz 1.0 -> not installed"
    ]


def test_an_entry_in_the_format_before_record_schemas_is_read(tmp_path):
    """The committed entries were written before `schema` existed (schema 1): read as they are."""
    from tests.helpers import PROJECT

    committed = sorted((PROJECT / "_demo_cache").glob("tiny_models-*"))[0]
    written = json.loads((committed / "result.json").read_text())
    assert "schema" not in written and written["format"] == 1
    cache = DemoCache(PROJECT / "_demo_cache")
    entry = cache.load(written["script"], written["key"])
    assert entry.record.stdout == written["stdout"]
    assert entry.record.energy.joules == written["energy"]["joules"]
    assert entry.figures == tuple(committed / name for name in written["figures"])
    # Written again, it is the same record, now with its schema number.
    copy = DemoCache(tmp_path / "cache").store(entry.record, list(entry.figures), entry.artifacts)
    assert json.loads((copy.folder / "result.json").read_text())["schema"] == 2
    assert DemoCache(tmp_path / "cache").load(written["script"], written["key"]).record == copy.record


def test_an_entry_of_an_unknown_schema_is_corrupt_so_the_demo_runs_again(stored):
    from pelican.plugins.measured_demos.cache import record_checksum

    cache, entry = stored
    written = json.loads((entry.folder / "result.json").read_text())
    written["schema"] = 99
    written["checksum"] = record_checksum(written)
    (entry.folder / "result.json").write_text(json.dumps(written))
    with pytest.raises(CorruptEntryError, match="schema 99"):
        cache.load("demos/x.py", "a" * 64)
