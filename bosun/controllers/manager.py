"""The controller manager: the controllers, one leader among its replicas, `/healthz` and `/metrics`.

`bosun controller-manager --kubeconfig FILE | --master URL [--leader-elect]
[--controllers '*,-name']` as upstream's kube-controller-manager: it talks to
the API server only, runs the controllers `--controllers` selects (upstream's
names and their older aliases), and serves HTTPS on `--secure-port` (10257)
with a self-signed certificate kept under the data directory.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from bosun.client.events import EventRecorder
from bosun.client.informer import SharedInformerFactory
from bosun.client.kubeconfig import (
    ClientConfig,
    KubeconfigError,
    config_from_master,
    in_cluster_config,
    load_kubeconfig,
)
from bosun.client.leaderelection import LeaseElector
from bosun.client.rest import APIClient
from bosun.controllers.base import Controller, ControllerContext
from bosun.controllers.namespace import NamespaceController
from bosun.controllers.serviceaccount import ServiceAccountsController

log = logging.getLogger("bosun.controller-manager")

CONTROLLERS: tuple[type[Controller], ...] = (NamespaceController, ServiceAccountsController)
NO_CONFIG = "invalid configuration: no configuration has been provided"


class SelectionError(ValueError):
    """A `--controllers` entry that names no controller."""


def select_controllers(spec: str, known: tuple[type[Controller], ...] = CONTROLLERS) -> list[type[Controller]]:
    """Upstream's `--controllers`: `*` the default ones, `name` on, `-name` off (names or aliases)."""
    by_name: dict[str, type[Controller]] = {}
    for c in known:
        for n in (c.name, *c.aliases):
            by_name[n] = c
    items = [s.strip() for s in spec.split(",") if s.strip()] or ["*"]
    on: set[type[Controller]] = set()
    off: set[type[Controller]] = set()
    star = False
    for item in items:
        if item == "*":
            star = True
            continue
        neg = item.startswith("-")
        name = item[1:] if neg else item
        if name not in by_name:
            raise SelectionError(f'"{name}" is not in the list of known controllers')
        (off if neg else on).add(by_name[name])
    return [c for c in known if c not in off and (c in on or (star and c.default_enabled))]


def client_config(kubeconfig: str | None, master: str | None) -> ClientConfig:
    """The connection upstream's components resolve from `--kubeconfig` and `--master`."""
    if kubeconfig:
        return load_kubeconfig(kubeconfig, master=master)
    if master:
        return config_from_master(master)
    log.warning("Neither --kubeconfig nor --master was specified. Using the inClusterConfig. This might not work.")
    try:
        return in_cluster_config()
    except KubeconfigError:
        raise KubeconfigError(NO_CONFIG) from None


@dataclass
class HealthServer:
    """`/healthz` (open to anyone, as upstream) and `/metrics` over HTTPS."""

    bind_address: str
    port: int
    cert_dir: Path
    component: str
    started: float = field(default_factory=time.time)
    runner: web.AppRunner | None = None
    healthy: Any = None  # callable -> bool

    async def start(self) -> None:
        from bosun.machinery import pki

        ca = pki.ensure_ca(self.cert_dir, f"{self.component}-ca@{int(self.started)}")
        cert, key = pki.issue_serving_cert(ca, self.cert_dir, self.component,
                                           ["localhost", "127.0.0.1", pki.host_name()])
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/livez", self._healthz)
        app.router.add_get("/readyz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        self.runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.bind_address, self.port,
                           ssl_context=pki.server_ssl_context(cert, key))
        await site.start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        ok = self.healthy() if self.healthy is not None else True
        return web.Response(text="ok" if ok else "unhealthy", status=200 if ok else 500,
                            content_type="text/plain")

    async def _metrics(self, request: web.Request) -> web.Response:
        body = (f"# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
                f"# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds {self.started}\n")
        return web.Response(text=body, content_type="text/plain")


class ControllerManager:
    def __init__(self, config: ClientConfig, controllers: list[type[Controller]], *, leader_elect: bool = False,
                 options: Any = None, identity: str | None = None,
                 lease: tuple[float, float, float] = (15.0, 10.0, 2.0)) -> None:
        self.config = config
        self.controller_types = controllers
        self.leader_elect = leader_elect
        self.options = options
        self.identity = identity
        self.lease = lease
        self.api = APIClient(config, user_agent="bosun-controller-manager")
        self._running: list[asyncio.Task] = []

    async def run_controllers(self) -> None:
        """Start the informers and every selected controller; runs until cancelled."""
        factory = SharedInformerFactory(self.api)
        recorder = EventRecorder(self.api, "controller-manager")
        ctx = ControllerContext(self.api, factory, recorder, self.options)
        controllers = [c(ctx) for c in self.controller_types]
        for c in controllers:
            c.setup()
        await recorder.start()
        await factory.start()
        try:
            await factory.wait_synced()
            log.info("started controllers: %s", ", ".join(c.name for c in controllers) or "none")
            async with asyncio.TaskGroup() as tg:
                for c in controllers:
                    tg.create_task(c.run(), name=c.name)
        finally:
            await factory.stop()
            await recorder.stop()

    async def run(self) -> int:
        """0 when cancelled; 1 when leadership is lost (the process then exits, as upstream's does)."""
        try:
            if not self.leader_elect:
                await self.run_controllers()
                return 0
            duration, deadline, retry = self.lease
            elector = LeaseElector(self.api, "kube-controller-manager", identity=self.identity,
                                   lease_duration=duration, renew_deadline=deadline, retry_period=retry,
                                   release_on_cancel=True)
            await elector.run(self.run_controllers,
                              on_new_leader=lambda who: log.info("new leader elected: %s", who))
            log.error("leaderelection lost")
            return 1
        finally:
            await self.api.close()
