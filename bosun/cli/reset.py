"""`bosun reset`: stop what bosun started for a data directory and remove the directory."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path


def _stop(pidfile: Path) -> None:
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def reset(data_dir: Path) -> int:
    if not data_dir.exists():
        print(f"nothing to reset: {data_dir} does not exist")
        return 0
    if data_dir == Path("/") or data_dir == Path.home():
        print(f"refusing to remove {data_dir}", file=sys.stderr)
        return 1
    run = data_dir / "run"
    if run.is_dir():
        for pidfile in run.glob("*.pid"):
            _stop(pidfile)
    shutil.rmtree(data_dir)
    print(f"removed {data_dir}")
    return 0
