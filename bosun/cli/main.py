"""The `bosun` command and its sub-commands."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from bosun import __version__


def default_data_dir() -> Path:
    if os.geteuid() == 0:
        return Path("/var/lib/bosun")
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "bosun"


def setup_logging(verbosity: int) -> None:
    level = logging.DEBUG if verbosity >= 4 else logging.INFO if verbosity >= 0 else logging.WARNING
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname).1s %(name)s: %(message)s", datefmt="%H:%M:%S")
    if verbosity < 6:
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)


def run(coro_fn) -> int:  # noqa: ANN001 - a coroutine function
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    try:
        return asyncio.run(coro_fn()) or 0
    except KeyboardInterrupt:
        return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, default=None, help="state directory (default %(default)s)")
    p.add_argument("-v", "--v", dest="verbosity", type=int, default=0, help="log verbosity")


def _apiserver_flags(p: argparse.ArgumentParser, *, standalone: bool) -> None:
    p.add_argument("--secure-port", type=int, default=6443)
    p.add_argument("--bind-address", default="0.0.0.0")
    p.add_argument("--etcd-servers", "--datastore-endpoint", dest="etcd_servers", default="",
                   help="comma-separated etcd v3 URLs (default: embedded SQLite)")
    p.add_argument("--service-cidr", "--service-cluster-ip-range", dest="service_cidr", default="10.43.0.0/16")
    p.add_argument("--service-node-port-range", default="30000-32767")
    p.add_argument("--advertise-address", default=None)
    if standalone:
        p.add_argument("--insecure-port", type=int, default=None,
                       help="plain HTTP on 127.0.0.1 without authentication (default 8080 when no "
                            "authentication flag is given, else off; 0 turns it off)")
        p.add_argument("--token-auth-file", default=None)
        p.add_argument("--client-ca-file", default=None)
        p.add_argument("--tls-cert-file", default=None)
        p.add_argument("--tls-private-key-file", default=None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bosun", description="Kubernetes, written in Python.")
    parser.add_argument("--version", action="version", version=f"bosun {__version__} (Kubernetes v1.33.0)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("server", help="run a whole single-node cluster")
    _common(p)
    _apiserver_flags(p, standalone=False)
    p.add_argument("--node-name", default=None)
    p.add_argument("--runtime", choices=("containerd", "fake"), default=None)
    p.add_argument("--disable", default="", help="comma-separated parts not to start")
    p.add_argument("--cluster-cidr", default="10.42.0.0/16")
    p.add_argument("--token", default=None, help="the secret agents join with (default: generated)")
    p.add_argument("--no-merge-kubeconfig", action="store_true",
                   help="do not merge the bosun context into $KUBECONFIG or ~/.kube/config")

    p = sub.add_parser("apiserver", help="run the API server alone")
    _common(p)
    _apiserver_flags(p, standalone=True)

    p = sub.add_parser("controller-manager", help="run the controllers alone (against --kubeconfig or --master)")
    _common(p)
    from bosun.cli.controller_manager import add_flags

    add_flags(p)

    p = sub.add_parser("reset", help="stop what bosun started for a data directory and remove it")
    _common(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    setup_logging(args.verbosity)
    if args.data_dir is None:
        args.data_dir = default_data_dir()
    args.data_dir = args.data_dir.expanduser().absolute()
    if args.command == "server":
        from bosun.cli.server import run_server

        return run(lambda: run_server(args))
    if args.command == "apiserver":
        from bosun.cli.server import run_apiserver

        return run(lambda: run_apiserver(args))
    if args.command == "controller-manager":
        from bosun.cli.controller_manager import run_controller_manager

        return run(lambda: run_controller_manager(args))
    if args.command == "reset":
        from bosun.cli.reset import reset

        return reset(args.data_dir)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
