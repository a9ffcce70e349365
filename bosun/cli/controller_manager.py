"""`bosun controller-manager`: the controllers alone, against an API server given by --kubeconfig or --master."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

log = logging.getLogger("bosun.controller-manager")


def parse_bool(value: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "1", "t", "yes"):
        return True
    if v in ("false", "0", "f", "no"):
        return False
    raise argparse.ArgumentTypeError(f'invalid boolean value "{value}"')


def _seconds(value: str) -> float:
    """A Go duration as upstream's flags take it (`15s`, `500ms`, `1m`), or plain seconds."""
    v = value.strip()
    try:
        for suffix, scale in (("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)):
            if v.endswith(suffix):
                return float(v[:-len(suffix)]) * scale
        return float(v)
    except ValueError:
        raise argparse.ArgumentTypeError(f'invalid duration "{value}"') from None


def add_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--kubeconfig", default=None, help="kubeconfig file with the API server and credentials")
    p.add_argument("--master", default=None, help="the API server's address (overrides the kubeconfig)")
    p.add_argument("--leader-elect", type=parse_bool, nargs="?", const=True, default=True,
                   help="elect one leader among the replicas before running (default true)")
    p.add_argument("--leader-elect-lease-duration", type=_seconds, default=15.0)
    p.add_argument("--leader-elect-renew-deadline", type=_seconds, default=10.0)
    p.add_argument("--leader-elect-retry-period", type=_seconds, default=2.0)
    p.add_argument("--controllers", default="*",
                   help="'*' enables the default controllers, 'foo' enables foo, '-foo' disables foo")
    p.add_argument("--secure-port", type=int, default=10257, help="HTTPS port for /healthz and /metrics (0: off)")
    p.add_argument("--bind-address", default="0.0.0.0")


async def run_controller_manager(args: argparse.Namespace) -> int:
    from bosun.client.kubeconfig import KubeconfigError
    from bosun.controllers.manager import (
        ControllerManager,
        HealthServer,
        SelectionError,
        client_config,
        select_controllers,
    )

    try:
        controllers = select_controllers(args.controllers)
    except SelectionError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    try:
        config = client_config(args.kubeconfig, args.master)
    except KubeconfigError as e:
        print(str(e), file=sys.stderr)
        return 1
    health = None
    if args.secure_port:
        health = HealthServer(args.bind_address, args.secure_port, args.data_dir / "pki" / "controller-manager",
                              "kube-controller-manager")
        await health.start()
    manager = ControllerManager(config, controllers, leader_elect=args.leader_elect, options=args,
                                lease=(args.leader_elect_lease_duration, args.leader_elect_renew_deadline,
                                       args.leader_elect_retry_period))
    task = asyncio.create_task(manager.run())
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    print(f"bosun controller-manager running against {config.server}", flush=True)
    code = 0
    try:
        code = await task
    except asyncio.CancelledError:
        code = 0
    except Exception as e:  # noqa: BLE001 - reported, then the process exits non-zero
        log.error("controller manager failed: %s", e)
        code = 1
    finally:
        if health is not None:
            with contextlib.suppress(Exception):
                await health.stop()
    return code
