"""The frozen record of one demo run: what `result.json` in the cache holds.

The batch makes it, the cache writes it and reads it back unchanged
(`DemoRecord.from_json(record.to_json()) == record`), and the plugin turns it
into the `DemoResult` a page shows. `SCHEMA` is the version of this layout;
entries written before it had a number (schema 1) have the same keys and are
read as they are. `worker` is optional (absent for a local run), so entries
with it are still schema 2 for older readers, which ignore it. A record that
does not fit raises ValueError, and the cache treats its entry as corrupt:
the demo runs again, the build never crashes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from plugin_core.carbon import CarbonIntensity
from plugin_core.demo_link import EnergyReading, WorkerInfo

SCHEMA = 2
READABLE_SCHEMAS = (1, 2)


@dataclass(frozen=True)  # not a NamedTuple: `files` defaults to a fresh dict
class DemoRecord:
    script: str  # relative to the project root, e.g. demos/x.py
    key: str  # cache key: hash of script, data, Python and options
    inputs: Mapping[str, Any]  # what went into the key, for a reader of the cache
    stdout: str
    stderr: str
    output_truncated: bool
    cpu_seconds: float
    wall_seconds: float
    peak_rss_mb: float
    energy: EnergyReading
    measured_at: str  # ISO 8601, UTC
    machine: str
    python: str
    packages: Mapping[str, str]  # every distribution the demo's process imported
    demo_packages: tuple[str, ...]  # those the script imports itself
    parallel_peers: int  # other demos running at the same time
    figures: tuple[str, ...] = ()  # file names in the entry's folder
    artifacts: tuple[str, ...] = ()  # file names under artifacts/
    files: Mapping[str, str] = field(default_factory=dict)  # name -> SHA-256
    # Added after schema 2's first entries, so with defaults: those entries read as they are.
    region: str = ""  # CARBON_REGION where it ran, e.g. "world average" or "FRA"
    worker: WorkerInfo | None = None  # the Dask worker that ran it; None: this machine

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "script": self.script,
            "key": self.key,
            "inputs": dict(self.inputs),
            "stdout": self.stdout,
            "stderr": self.stderr,
            "output_truncated": self.output_truncated,
            "cpu_seconds": self.cpu_seconds,
            "wall_seconds": self.wall_seconds,
            "peak_rss_mb": self.peak_rss_mb,
            "energy": {
                "joules": self.energy.joules,
                "method": self.energy.method,
                "formula": self.energy.formula,
                "hardware": self.energy.hardware,
                "exclusions": self.energy.exclusions,
                "estimated_joules": self.energy.estimated_joules,
            },
            "measured_at": self.measured_at,
            "machine": self.machine,
            "python": self.python,
            "packages": dict(self.packages),
            "demo_packages": list(self.demo_packages),
            "parallel_peers": self.parallel_peers,
            "figures": list(self.figures),
            "artifacts": list(self.artifacts),
            "files": dict(self.files),
            "region": self.region,
            **({"worker": _worker_json(self.worker)} if self.worker else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DemoRecord:
        """Read a record of any readable schema; ValueError when it does not fit."""
        schema = data.get("schema", 1)
        if schema not in READABLE_SCHEMAS:
            raise ValueError(f"record schema {schema!r} is not one this version reads {READABLE_SCHEMAS}")
        try:
            energy = data["energy"]
            return cls(
                script=_typed(data["script"], str),
                key=_typed(data["key"], str),
                inputs=_typed(data["inputs"], dict),
                stdout=_typed(data["stdout"], str),
                stderr=_typed(data["stderr"], str),
                output_truncated=_typed(data["output_truncated"], bool),
                cpu_seconds=float(data["cpu_seconds"]),
                wall_seconds=float(data["wall_seconds"]),
                peak_rss_mb=float(data["peak_rss_mb"]),
                energy=EnergyReading(
                    joules=float(energy["joules"]),
                    method=_typed(energy["method"], str),
                    formula=_typed(energy["formula"], str),
                    hardware=_typed(energy["hardware"], str),
                    exclusions=_typed(energy.get("exclusions", ""), str),
                    estimated_joules=_optional_float(energy.get("estimated_joules")),
                ),
                measured_at=_typed(data["measured_at"], str),
                machine=_typed(data["machine"], str),
                python=_typed(data["python"], str),
                packages={str(k): str(v) for k, v in _typed(data["packages"], dict).items()},
                demo_packages=tuple(str(name) for name in data.get("demo_packages", ())),
                parallel_peers=int(data.get("parallel_peers", 0)),
                figures=tuple(str(name) for name in data.get("figures", ())),
                artifacts=tuple(str(name) for name in data.get("artifacts", ())),
                files={str(k): str(v) for k, v in _typed(data.get("files", {}), dict).items()},
                region=_typed(data.get("region", ""), str),
                worker=_worker(data["worker"]) if data.get("worker") else None,
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"record does not fit schema {schema}: {error!r}") from None


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _typed(value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _worker_json(worker: WorkerInfo) -> dict[str, Any]:
    intensity = worker.intensity
    return {
        "name": worker.name,
        "address": worker.address,
        "host": worker.host,
        "cpu": worker.cpu,
        "python": worker.python,
        "intensity": None
        if intensity is None
        else {
            "g_per_kwh": intensity.g_per_kwh,
            "region": intensity.region,
            "year": intensity.year,
            "source": intensity.source,
            "url": intensity.url,
        },
        "differences": list(worker.differences),
    }


def _worker(data: Mapping[str, Any]) -> WorkerInfo:
    intensity = data.get("intensity")
    return WorkerInfo(
        name=_typed(data["name"], str),
        address=_typed(data["address"], str),
        host=_typed(data["host"], str),
        cpu=_typed(data["cpu"], str),
        python=_typed(data["python"], str),
        intensity=None
        if intensity is None
        else CarbonIntensity(
            g_per_kwh=float(intensity["g_per_kwh"]),
            region=_typed(intensity["region"], str),
            year=intensity["year"],
            source=_typed(intensity["source"], str),
            url=_typed(intensity.get("url", ""), str),
        ),
        differences=tuple(str(item) for item in data.get("differences", ())),
    )
