"""What machine a benchmark ran on, for the results files of every bench script."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, object]:
    """CPU model, core count, C compiler, Python version and load average, right now."""
    cc = subprocess.run(["cc", "--version"], capture_output=True, text=True).stdout
    return {"cpu": cpu_model(), "cores": os.cpu_count(),
            "cc": cc.splitlines()[0] if cc else "", "python": platform.python_version(),
            "load_average_at_start": list(os.getloadavg())}
