"""Publishing the Pyodide runtime: only what is needed, compressed once, atomic, explained when missing."""

from __future__ import annotations

import gzip
import json

import brotli
import pytest
from pelican.plugins.pyodide_widgets import runtime
from pelican.plugins.pyodide_widgets.settings import read_settings
from plugin_core import publishing

from tests.helpers import PROJECT


@pytest.fixture
def fake_package(tmp_path):
    """A stand-in for node_modules/pyodide with small files and the extras a page must not get."""
    package = tmp_path / "node_modules" / "pyodide"
    package.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": "pyodide", "version": "0.0.1"}))
    for name in runtime.RUNTIME_FILES:
        (package / name).write_bytes(name.encode() * 500)
    for extra in ("pyodide.js", "pyodide.mjs.map", "console.html", "pyodide.d.ts"):
        (package / extra).write_text("not for the page")
    lock = {
        "info": {"python": "3.14.2", "abi_version": "x"},
        "packages": {"numpy": {"file_name": "numpy.whl"}},
    }
    (package / "pyodide-lock.json").write_text(json.dumps(lock))
    return package


def test_publishes_only_runtime_files_in_a_versioned_folder(fake_package, tmp_path):
    found = runtime.find_runtime(fake_package)
    published = runtime.publish_runtime(found, tmp_path / "out", tmp_path / "cache", brotli_quality=5)
    folder = tmp_path / "out" / "pyodide" / "0.0.1"
    assert {p.name for p in folder.iterdir()} == {
        f"{name}{suffix}" for name in runtime.RUNTIME_FILES for suffix in ("", ".br", ".gz")
    }
    for name in runtime.RUNTIME_FILES:
        raw = (fake_package / name).read_bytes()
        assert brotli.decompress((folder / f"{name}.br").read_bytes()) == raw
        assert gzip.decompress((folder / f"{name}.gz").read_bytes()) == raw
        assert published.sizes[name]["raw"] == len(raw)
    assert published.total("br") < published.total("raw")


def test_second_publish_reuses_the_compressed_cache(fake_package, tmp_path, monkeypatch):
    found = runtime.find_runtime(fake_package)
    runtime.publish_runtime(found, tmp_path / "out1", tmp_path / "cache", brotli_quality=5)

    def no_compressing(*args, **kwargs):
        raise AssertionError("compressed again although the cache holds it")

    monkeypatch.setattr(publishing, "compress", no_compressing)
    runtime.publish_runtime(found, tmp_path / "out2", tmp_path / "cache", brotli_quality=5)
    runtime.publish_runtime(found, tmp_path / "out2", tmp_path / "cache", brotli_quality=5)
    assert (tmp_path / "out2" / "pyodide" / "0.0.1" / "pyodide.asm.wasm.br").is_file()


def test_a_rebuild_does_not_read_the_runtime_again(fake_package, tmp_path, monkeypatch):
    found = runtime.find_runtime(fake_package)
    runtime.publish_runtime(found, tmp_path / "out", tmp_path / "cache", brotli_quality=5)

    def no_hashing(path):
        raise AssertionError(f"hashed {path} again although its size and mtime are unchanged")

    monkeypatch.setattr(publishing, "sha256_file", no_hashing)
    again = runtime.publish_runtime(found, tmp_path / "out", tmp_path / "cache", brotli_quality=5)
    assert again.sizes["pyodide.mjs"]["raw"] == len((fake_package / "pyodide.mjs").read_bytes())


def test_a_changed_runtime_file_is_recompressed(fake_package, tmp_path):
    found = runtime.find_runtime(fake_package)
    runtime.publish_runtime(found, tmp_path / "out", tmp_path / "cache", brotli_quality=5)
    (fake_package / "pyodide.mjs").write_text("new version")
    runtime.publish_runtime(found, tmp_path / "out", tmp_path / "cache", brotli_quality=5)
    twin = tmp_path / "out" / "pyodide" / "0.0.1" / "pyodide.mjs.br"
    assert brotli.decompress(twin.read_bytes()) == b"new version"


def test_no_temporary_files_are_left_behind(fake_package, tmp_path):
    runtime.publish_runtime(runtime.find_runtime(fake_package), tmp_path / "out", tmp_path / "cache", 5)
    leftovers = [p for p in (tmp_path / "out").rglob(".*")] + [p for p in (tmp_path / "cache").rglob(".*")]
    assert leftovers == []


def test_missing_package_says_how_to_install_it(fake_package):
    (fake_package / "pyodide.asm.wasm").unlink()
    with pytest.raises(runtime.RuntimeMissingError, match=r"missing: pyodide.asm.wasm.*npm ci"):
        runtime.find_runtime(fake_package)


def test_trimmed_lock_keeps_info_and_no_packages(fake_package):
    lock = runtime.trimmed_lock(runtime.find_runtime(fake_package))
    assert lock == {"info": {"python": "3.14.2", "abi_version": "x"}, "packages": {}}
    # Only `info` is parsed when it comes first; a lock laid out otherwise is read whole.
    other = {"packages": {"info": {"name": "not the info"}}, "info": {"python": "3.14.2"}}
    (fake_package / "pyodide-lock.json").write_text(json.dumps(other, indent=1))
    assert runtime.trimmed_lock(runtime.find_runtime(fake_package))["info"] == {"python": "3.14.2"}


def test_the_real_lock_trims_to_what_a_whole_parse_gives():
    found = runtime.find_runtime(PROJECT / "node_modules" / "pyodide")
    whole = json.loads((found.source_dir / "pyodide-lock.json").read_text())
    assert runtime.trimmed_lock(found) == {"info": whole["info"], "packages": {}}


def test_npm_package_is_pinned_to_the_version_the_lock_names():
    manifest = json.loads((PROJECT / "package.json").read_text())
    lock = json.loads((PROJECT / "package-lock.json").read_text())
    assert manifest["dependencies"]["pyodide"] == "314.0.7"
    assert lock["packages"]["node_modules/pyodide"]["version"] == "314.0.7"
    assert manifest["dependencies"]["@tgwf/co2"] == "0.19.0"


def test_settings_defaults_and_bad_types(caplog):
    config = read_settings({})
    assert config.self_hosted and config.packages == () and config.load_timeout == 60
    config = read_settings(
        {"PYODIDE_BASE_URL": "https://example.org/pyodide", "PYODIDE_LOAD_TIMEOUT": "soon"}
    )
    assert config.base_url == "https://example.org/pyodide/"
    assert config.load_timeout == 60
    assert "PYODIDE_LOAD_TIMEOUT = 'soon' is not valid" in caplog.text
