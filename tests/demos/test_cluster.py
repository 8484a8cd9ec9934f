"""Demos on a real Dask cluster on loopback: labels, cache, faults, TLS (issue 14)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pelican.plugins.measured_demos.batch import cleanup, run_batch
from pelican.plugins.measured_demos.cache import DemoCache
from pelican.plugins.measured_demos.cluster import CONNECT_SECONDS, differences
from pelican.plugins.measured_demos.meter import EnergyMeter
from pelican.plugins.measured_demos.plugin import failure_message
from pelican.plugins.measured_demos.results import DemoRequest
from pelican.plugins.measured_demos.settings import DemoSettings
from plugin_core import problems
from plugin_core.demo_link import WorkerInfo

from tests.demos.dask_cluster import dask_cluster, free_port, kill, running_demo
from tests.demos.test_site import make_site, post, ran
from tests.helpers import PROJECT, build_site, log_of

FRANCE = '{"g_per_kwh": 56, "region": "France", "year": 2023, "source": "RTE eCO2mix"}'
SHORT = "import time\ntime.sleep(0.3)\nprint('demo {n}', sum(range({n})))\n"
FIGURE = """
import pathlib
import matplotlib.pyplot as plt
rows = pathlib.Path("demos/data.csv").read_text().split()
print("rows:", len(rows))
plt.figure(figsize=(3, 2))
plt.plot([int(row) for row in rows])
"""
LONG = """
import time
start = time.time()
while time.time() - start < 2.5:
    time.sleep(0.05)
print("long demo done")
"""
BROKEN = "x = 1\n\nraise ValueError('broken on purpose')\n"


def build(root: Path, executor: str, **env: str) -> subprocess.CompletedProcess:
    return build_site(
        root / "output", root / "content", cwd=root, env={"DEMOS_EXECUTOR": executor, **env}, timeout=300
    )


def sections(html: str) -> dict[str, str]:
    """Each demo's <section>, by script."""
    return dict(re.findall(r'<section class="demo" data-demo="([^"]+)">(.*?)</section>', html, re.S))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dask")
    with dask_cluster(folder, {"w1": {"DEMOS_WORKER_CARBON_INTENSITY": FRANCE}, "w2": {}}) as running:
        yield running


def test_build_runs_every_demo_on_the_workers_and_labels_say_which(cluster, tmp_path):
    demos = {f"d{n}.py": SHORT.format(n=n) for n in range(3)}
    demos |= {"figure.py": FIGURE, "data.csv": "1\n3\n2\n"}
    body = "".join(f"::: demo demos/d{n}.py\n:::\n\n" for n in range(3))
    body += "::: demo demos/figure.py\ndata: demos/data.csv\n:::\n"
    make_site(tmp_path, {"cluster.md": post("Cluster", body)}, demos)

    first = build(tmp_path, cluster.address, DEMOS_RERUN="all")
    assert first.returncode == 0, log_of(first) + cluster.log()
    assert ran(log_of(first)) == (4, 4, 0)
    shown = sections((tmp_path / "output" / "issues" / "cluster" / "index.html").read_text())
    assert set(shown) == {"demos/d0.py", "demos/d1.py", "demos/d2.py", "demos/figure.py"}
    for script, section in shown.items():
        worker = re.search(r"on Dask worker (w1|w2) \(tcp://127\.0\.0\.1:\d+\), host ", section)
        assert worker, (script, section)
        assert "CPU " in section
        if worker.group(1) == "w1":  # the worker's region and its intensity are the ones used
            assert "region France" in section and "56 g CO\u2082e/kWh, France, 2023" in section
        else:
            assert "no region set on the worker" in section and "world average" in section
    assert "rows: 3" in shown["demos/figure.py"] and "<img" in shown["demos/figure.py"]
    assert "demo 2 1" in shown["demos/d2.py"]

    cache = DemoCache(tmp_path / "_demo_cache")  # the worker is kept: a cached label still names it
    for folder in cache.root.iterdir():
        record = json.loads((folder / "result.json").read_text())
        entry = cache.load(record["script"], record["key"])
        assert entry.record.worker is not None and entry.record.worker.name in {"w1", "w2"}
        assert (entry.record.worker.intensity is not None) == (entry.record.worker.name == "w1")


def settings_for(root: Path, executor: str, **extra) -> DemoSettings:
    values = {"DEMOS_ROOT": str(root), "PATH": str(root / "content"), "DEMOS_EXECUTOR": executor, **extra}
    return DemoSettings.from_settings(values, environ={})


def test_a_failing_demo_gives_the_same_file_and_line_on_a_worker(cluster, tmp_path):
    make_site(tmp_path, {}, {"broken.py": BROKEN})
    request = DemoRequest(script="demos/broken.py", post="content/p.md", line=4)
    messages = []
    for executor in ("local", cluster.address):
        settings = settings_for(tmp_path, executor, DEMOS_CACHE_PATH=f"cache-{len(messages)}")
        report = run_batch([request], settings, EnergyMeter)
        (run,) = report.runs.values()
        messages.append(failure_message(run.script, run.failure, settings.root))
        assert not DemoCache(settings.cache_path).root.exists() or not any(settings.cache_path.iterdir())
        cleanup(report)
    assert messages[0] == messages[1]
    assert "ValueError: broken on purpose (demos/broken.py:3)" in messages[1]
    assert str(tmp_path) not in messages[1]


def test_one_deadline_for_the_whole_batch(cluster, tmp_path):
    make_site(tmp_path, {}, {"slow.py": "import time\ntime.sleep(3)\n"})
    settings = settings_for(tmp_path, cluster.address, DEMOS_BATCH_TIMEOUT=1, DEMOS_TIMEOUT=5)
    start = time.monotonic()
    report = run_batch([DemoRequest("demos/slow.py", "content/p.md", 2)], settings, EnergyMeter)
    (run,) = report.runs.values()
    assert time.monotonic() - start < 2.5
    assert run.failure.kind == "TimeoutError"
    assert (
        "within the batch deadline of 1 s" in run.failure.message
        and "DEMOS_BATCH_TIMEOUT" in run.failure.message
    )
    assert not settings.cache_path.exists() or not any(settings.cache_path.iterdir())


def test_a_worker_killed_during_a_long_demo_the_demo_runs_on_the_other(tmp_path):
    demos = {"long.py": LONG, "a.py": SHORT.format(n=1), "b.py": SHORT.format(n=2)}
    body = "::: demo demos/long.py\n:::\n\n::: demo demos/a.py\n:::\n\n::: demo demos/b.py\n:::\n"
    make_site(tmp_path, {"long.md": post("Long", body)}, demos)
    # Two demos cached by an earlier build; the long one is new, so this build sends it alone.
    requests = [DemoRequest(f"demos/{name}", "content/issues/long.md", 1) for name in ("a.py", "b.py")]
    cleanup(run_batch(requests, settings_for(tmp_path, "local", DEMOS_WORKERS=2), EnergyMeter))
    cache = DemoCache(tmp_path / "_demo_cache")
    before = {path.name: (path / "result.json").read_bytes() for path in cache.root.iterdir()}
    assert len(before) == 2

    with dask_cluster(tmp_path / "dask", {"w1": {}, "w2": {}}) as cluster:
        command = [sys.executable, "-m", "pelican", str(tmp_path / "content"), "-o", str(tmp_path / "output")]
        process = subprocess.Popen(
            [*command, "-s", str(PROJECT / "pelicanconf.py")],
            cwd=tmp_path,
            env={**os.environ, "DEMOS_EXECUTOR": cluster.address},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        victim = None
        while victim is None and time.monotonic() < deadline and process.poll() is None:
            victim = running_demo(cluster, "demos/long.py")
            time.sleep(0.1)
        assert victim is not None, "the long demo never started on a worker"
        time.sleep(0.5)
        kill(cluster.workers[victim])
        output, _ = process.communicate(timeout=120)

    survivor = ({"w1", "w2"} - {victim}).pop()
    # Dask gave the demo to the other worker: a complete build, labelled with that worker.
    assert process.returncode == 0, output
    assert "ran 1 of 3 demos, 2 cached" in output
    shown = sections((tmp_path / "output" / "issues" / "long" / "index.html").read_text())
    assert "long demo done" in shown["demos/long.py"]
    assert f"on Dask worker {survivor} " in shown["demos/long.py"]
    after = {path.name: path for path in cache.root.iterdir()}
    assert len(after) == 3
    assert all((after[name] / "result.json").read_bytes() == before[name] for name in before)
    for folder in after.values():  # nothing lost, nothing half-written: every entry loads
        record = json.loads((folder / "result.json").read_text())
        assert cache.load(record["script"], record["key"]) is not None


def test_an_unreachable_scheduler_is_a_clear_error_within_ten_seconds(tmp_path):
    make_site(tmp_path, {}, {"a.py": SHORT.format(n=1)})
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    settings = settings_for(tmp_path, address)
    start = time.monotonic()
    report = run_batch([DemoRequest("demos/a.py", "content/p.md", 3)], settings, EnergyMeter)
    elapsed = time.monotonic() - start
    (run,) = report.runs.values()
    assert elapsed < 10 and CONNECT_SECONDS < 10
    assert run.failure.kind == "ClusterError"
    assert f"could not reach the Dask scheduler at {address}" in run.failure.message
    assert "dask scheduler --host 127.0.0.1" in run.failure.message
    assert "DEMOS_EXECUTOR=local" in run.failure.message
    message = failure_message(run.script, run.failure, settings.root)  # what the build reports
    assert message.startswith(
        f"demo demos/a.py failed: ClusterError: could not reach the Dask scheduler at {address}"
    )
    assert not settings.cache_path.exists() or not any(settings.cache_path.iterdir())


def test_a_bad_executor_setting_is_a_content_error(tmp_path):
    settings = settings_for(tmp_path, "http://example.org")
    assert settings.executor == "local"
    assert any("DEMOS_EXECUTOR" in problem.message for problem in problems.reported())


def test_importing_the_plugin_does_not_import_dask():
    code = (
        "import sys, pelican.plugins.measured_demos, pelican.plugins.measured_demos.batch;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_versions_that_differ_from_the_build_are_named_and_shown():
    worker = WorkerInfo("w9", "tcp://10.0.0.9:40000", "node9", "Some CPU", python="3.0.1")
    found = differences(worker, {"numpy": "0.0.1"})
    assert found[0].startswith("Python 3.0.1 on the worker, ")
    assert found[1].startswith("numpy 0.0.1 on the worker, ")


def make_certificates(folder: Path) -> dict[str, Path]:
    """A CA and one certificate it signed for 127.0.0.1, with Debian's openssl."""
    folder.mkdir(parents=True, exist_ok=True)
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    (folder / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    commands = [
        ["req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=demo CA"],
        ["req", *key, "-keyout", "key.pem", "-out", "cert.csr", "-subj", "/CN=127.0.0.1"],
        ["x509", "-req", "-in", "cert.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"]
        + ["-out", "cert.pem", "-days", "1", "-extfile", "san.cnf"],
    ]
    for command in commands:
        subprocess.run(["openssl", *command], cwd=folder, check=True, capture_output=True)
    return {name: folder / f"{name}.pem" for name in ("ca", "cert", "key")}


def test_tls_on_loopback_with_dask_certificates(tmp_path):
    files = make_certificates(tmp_path / "tls")
    tls = ["--tls-ca-file", str(files["ca"]), "--tls-cert", str(files["cert"])]
    tls += ["--tls-key", str(files["key"])]
    make_site(tmp_path, {"p.md": post("P", "::: demo demos/a.py\n:::\n")}, {"a.py": SHORT.format(n=3)})
    client = {  # how the build finds its certificate: Dask's own configuration (README, Security)
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(files["ca"]),
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": str(files["cert"]),
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": str(files["key"]),
    }
    with dask_cluster(tmp_path / "dask", {"w1": {}}, protocol="tls", tls=tls) as cluster:
        assert cluster.address.startswith("tls://127.0.0.1:")
        result = build(tmp_path, cluster.address, **client)
        assert result.returncode == 0, log_of(result) + cluster.log()
        section = sections((tmp_path / "output" / "issues" / "p" / "index.html").read_text())["demos/a.py"]
        assert "demo 3 3" in section
        assert re.search(r"on Dask worker w1 \(tls://127\.0\.0\.1:\d+\)", section)
        # Without a client certificate (none in this process's Dask configuration): a clear error at once.
        report = run_batch(
            [DemoRequest("demos/a.py", "p.md", 1)],
            settings_for(tmp_path, cluster.address, DEMOS_CACHE_PATH="c2"),
            EnergyMeter,
        )
        (run,) = report.runs.values()
        assert run.failure.message.startswith(
            f"DEMOS_EXECUTOR is {cluster.address}, a TLS address, but Dask has no client certificate"
        )
