"""Check the NVML path of the energy meter on a machine with an NVIDIA GPU.

    python bench/nvml_check.py [seconds]

Runs a demo that multiplies matrices on the GPU with PyTorch through the same
runner and meter as a build (`demo_process.run_demo`, `meter.EnergyMeter`), and
prints the reading: its method must say "measured (NVML)", and the mean power
(joules / wall seconds) must lie between the GPU's idle draw and its power
limit, both read from NVML. Needs torch and nvidia-ml-py, not Pelican.
"""

from __future__ import annotations

import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

from pelican.plugins.measured_demos.demo_process import RunRequest, run_demo  # noqa: E402
from pelican.plugins.measured_demos.meter import EnergyMeter, NvmlCounters  # noqa: E402

DEMO = """\
import time
import torch

a = torch.randn(8192, 8192, device="cuda")
torch.cuda.synchronize()
end = time.perf_counter() + {seconds}
rounds = 0
while time.perf_counter() < end:
    a = torch.tanh(a @ a)
    rounds += 1
torch.cuda.synchronize()
print(f"{{rounds}} products of 8192 x 8192 matrices on {{torch.cuda.get_device_name()}}")
"""


def main(seconds: float = 5.0) -> int:
    nvml = NvmlCounters.open()
    if nvml is None:
        print("skipped: no NVML here (no NVIDIA driver or GPU, or nvidia-ml-py is missing)")
        return 0
    import pynvml

    handle = nvml.handles[0]
    limit_w = pynvml.nvmlDeviceGetPowerManagementLimit(handle) / 1000
    idle_w = pynvml.nvmlDeviceGetPowerUsage(handle) / 1000
    work = Path(tempfile.mkdtemp(prefix="nvml-check-"))
    script = work / "gpu_demo.py"
    script.write_text(textwrap.dedent(DEMO.format(seconds=seconds)))
    meter = EnergyMeter(nvml=nvml)
    token = meter.start()
    outcome = run_demo(RunRequest(script=script, cwd=work, timeout=120, memory_limit_mb=None), work)
    reading = meter.reading(
        token,
        cpu_seconds=outcome.cpu_seconds,
        peak_rss_mb=outcome.peak_rss_mb,
        wall_seconds=outcome.wall_seconds,
        modules=outcome.imported_modules,
    )
    print(f"demo: {outcome.stdout.strip() or outcome.failure}")
    print(f"method: {reading.method}")
    print(f"energy: {reading.joules:.1f} J over {outcome.wall_seconds:.2f} s wall")
    print(f"formula: {reading.formula}")
    print(f"hardware: {reading.hardware}")
    mean_w = reading.joules / outcome.wall_seconds
    print(
        f"mean power {mean_w:.0f} W (GPU measured + CPU estimated); "
        f"GPU idle {idle_w:.0f} W, limit {limit_w:.0f} W"
    )
    ok = "measured (NVML)" in reading.method and outcome.ok and idle_w * 0.5 < mean_w < limit_w * 1.5
    print("NVML path: OK" if ok else "NVML path: NOT OK")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0))
