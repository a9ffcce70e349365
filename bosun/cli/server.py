"""`bosun server` (every part of a single-node cluster) and `bosun apiserver` (the API server alone)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import signal
from pathlib import Path

from bosun.apiserver.server import APIServer, APIServerConfig

log = logging.getLogger("bosun")


def _config(args: argparse.Namespace, **extra: object) -> APIServerConfig:
    return APIServerConfig(
        data_dir=args.data_dir,
        secure_port=args.secure_port,
        bind_address=args.bind_address,
        etcd_servers=[s for s in args.etcd_servers.split(",") if s],
        service_cidr=args.service_cidr,
        service_node_port_range=args.service_node_port_range,
        advertise_address=args.advertise_address,
        **extra,  # type: ignore[arg-type]
    )


async def _wait_for_signal() -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def _write_pid(data_dir: Path, name: str) -> Path:
    run = data_dir / "run"
    run.mkdir(parents=True, exist_ok=True)
    pid = run / f"{name}.pid"
    pid.write_text(str(os.getpid()))
    return pid


def node_token(data_dir: Path, given: str | None) -> str:
    """The secret an agent joins with: given, or generated once and kept in DIR/node-token."""
    path = data_dir / "node-token"
    if given:
        token = given
    elif path.exists():
        token = path.read_text().strip()
    else:
        token = secrets.token_hex(24)
    path.write_text(token + "\n")
    path.chmod(0o600)
    return token


async def run_apiserver(args: argparse.Namespace) -> int:
    cfg = _config(args, insecure_port=args.insecure_port, token_auth_file=args.token_auth_file,
                  client_ca_file=args.client_ca_file, tls_cert_file=args.tls_cert_file,
                  tls_private_key_file=args.tls_private_key_file)
    server = APIServer(cfg)
    await server.start()
    pid = _write_pid(args.data_dir, "apiserver")
    print(f"bosun apiserver ready: {' '.join(server.urls)}", flush=True)
    try:
        await _wait_for_signal()
    finally:
        await server.stop()
        pid.unlink(missing_ok=True)
    return 0


async def run_server(args: argparse.Namespace) -> int:
    args.data_dir.mkdir(parents=True, exist_ok=True)
    token = node_token(args.data_dir, args.token)
    tokens = args.data_dir / "pki" / "tokens.csv"
    tokens.parent.mkdir(parents=True, exist_ok=True)
    # Agents authenticate with the node token (full rights until node authorization exists).
    tokens.write_text(f'{token},bosun-agent,bosun-agent,"system:masters"\n')
    tokens.chmod(0o600)
    cfg = _config(args, insecure_port=0, token_auth_file=str(tokens))
    server = APIServer(cfg)
    await server.start()
    pid = _write_pid(args.data_dir, "server")
    if not args.no_merge_kubeconfig:
        from bosun.client.kubeconfig import merge_into_user_kubeconfig

        try:
            merged = merge_into_user_kubeconfig(args.data_dir / "admin.kubeconfig")
            log.info("merged context bosun into %s", merged)
        except Exception as e:  # noqa: BLE001 - the cluster still runs; the user can pass --kubeconfig
            log.warning("could not merge the bosun context into the user kubeconfig: %s", e)
    print(f"bosun server ready: {server.urls[0]} (kubeconfig {args.data_dir / 'admin.kubeconfig'})", flush=True)
    try:
        await _wait_for_signal()
    finally:
        await server.stop()
        pid.unlink(missing_ok=True)
    return 0
