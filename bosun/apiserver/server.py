"""The API server: storage, caches and registries of every resource behind one HTTPS endpoint."""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web

from bosun.api import schema
from bosun.api import strategy as strategies
from bosun.api.resources import Resource, ResourceTable, builtin_table
from bosun.apiserver import discovery
from bosun.apiserver.auth import UNSECURED, Authenticator, Authorizer, TokenFile
from bosun.apiserver.handlers import ResourceHandlers, json_response, status_response
from bosun.apiserver.metrics import Metrics
from bosun.apiserver.registry import Registry
from bosun.apiserver.request import WARNINGS, RequestInfo, parse_request
from bosun.machinery import errors, pki
from bosun.storage.cache import WatchCache
from bosun.storage.interface import Store

log = logging.getLogger("bosun.apiserver")

KUBE_VERSION = {
    "major": "1",
    "minor": "33",
    "gitVersion": "v1.33.0+bosun",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2026-01-01T00:00:00Z",
    "goVersion": "go1.24.0",
    "compiler": "gc",
    "platform": "linux/amd64",
    "emulationMajor": "1",
    "emulationMinor": "33",
    "minCompatibilityMajor": "1",
    "minCompatibilityMinor": "32",
}


@dataclass
class APIServerConfig:
    data_dir: Path
    secure_port: int = 6443
    bind_address: str = "0.0.0.0"
    insecure_port: int | None = None  # None: decided by the auth flags (8080 when none is given)
    etcd_servers: list[str] = field(default_factory=list)
    token_auth_file: str | None = None
    client_ca_file: str | None = None
    tls_cert_file: str | None = None
    tls_private_key_file: str | None = None
    service_cidr: str = "10.43.0.0/16"
    service_node_port_range: str = "30000-32767"
    advertise_address: str | None = None
    write_admin_kubeconfig: bool = True
    compaction_interval: float = 300.0


class APIServer:
    def __init__(self, config: APIServerConfig, store: Store | None = None) -> None:
        self.config = config
        self.store = store
        self.table: ResourceTable = builtin_table()
        self.caches: dict[str, WatchCache] = {}
        self.registries: dict[tuple[str, str, str], Registry] = {}
        self.handlers = ResourceHandlers(self)
        self.metrics = Metrics()
        self.authenticator = Authenticator()
        self.authorizer = Authorizer()
        self.runners: list[web.AppRunner] = []
        self.started = time.time()
        self.ready = False
        self._tasks: list[asyncio.Task[Any]] = []
        self.urls: list[str] = []
        self.ca: pki.CA | None = None
        self._cert_identities: dict[bytes, tuple[str, list[str]]] = {}
        from bosun.apiserver.admission import Admission
        from bosun.apiserver.managed import ManagedFields
        from bosun.apiserver.openapi import OpenAPI
        from bosun.apiserver.reviews import VirtualResources
        from bosun.apiserver.subresources import Subresources

        self.openapi = OpenAPI(self.table)
        self.subresources = Subresources(self)
        self.virtual = VirtualResources(self)
        self.managed = ManagedFields(self)
        self.admission = Admission(self)
        from bosun.apiserver.nodeproxy import NodeProxy

        self.node_proxy = NodeProxy(self)
        self.tokens = None  # ServiceAccountTokens, once the data directory is known (start)

    # ---- set-up

    def _make_store(self) -> Store:
        if self.config.etcd_servers:
            from bosun.storage.etcd import EtcdStore

            return EtcdStore(self.config.etcd_servers)
        from bosun.storage.sqlite import SQLiteStore

        return SQLiteStore(self.config.data_dir / "db" / "state.db")

    async def start(self) -> None:
        cfg = self.config
        cfg.data_dir.mkdir(parents=True, exist_ok=True)
        strategies.load_group_modules()
        if self.store is None:
            self.store = self._make_store()
        await self.store.start()
        await self._start_caches()
        from bosun.apiserver.tokens import ServiceAccountTokens

        self.tokens = ServiceAccountTokens(self)
        await self.admission.start()
        from bosun.apiserver.bootstrap import bootstrap

        await bootstrap(self)
        app = self._make_app()
        await self._serve(app)
        if cfg.compaction_interval > 0:
            self._tasks.append(asyncio.create_task(self._compactor(), name="compactor"))
        self.ready = True

    async def _start_caches(self) -> None:
        assert self.store is not None
        for r in self.table.rows:
            if r.stored:
                self._registry(r)
        await asyncio.gather(*(c.start() for c in self.caches.values()))

    def _registry(self, r: Resource) -> Registry:
        assert self.store is not None
        cache = self.caches.get(r.key_prefix)
        if cache is None:
            cache = self.caches[r.key_prefix] = WatchCache(self.store, r.key_prefix)
        from bosun.api import conversion

        to_version, to_storage = conversion.converters(r)
        reg = Registry(r, strategies.strategy_for(r), self.store, cache, self.admission.admit, to_version,
                       to_storage)
        self.registries[(r.group, r.version, r.plural)] = reg
        return reg

    def registry_for(self, info: RequestInfo) -> Registry | None:
        reg = self.registries.get((info.group, info.version, info.resource))
        if reg is not None:
            return reg
        r = self.table.get(info.group, info.version, info.resource)
        if r is None:
            return None
        if not r.stored:
            reg = Registry(r, strategies.strategy_for(r), self.store, None, None)  # type: ignore[arg-type]
            self.registries[(r.group, r.version, r.plural)] = reg
            return reg
        return None

    def registry(self, group: str, plural: str, version: str = "") -> Registry:
        """The registry of a resource in its preferred (first) version."""
        if version:
            return self.registries[(group, version, plural)]
        for r in self.table.rows:
            if r.group == group and r.plural == plural and r.stored:
                return self.registries[(r.group, r.version, r.plural)]
        raise KeyError((group, plural))

    def schema_for(self, reg: Registry) -> dict | None:
        r = reg.resource
        return schema.for_kind(r.group, r.version, r.kind)

    def check_fields(self, reg: Registry, obj: dict, raw: bytes | None, request: web.Request) -> None:
        """Type checks and unknown-field handling per `fieldValidation` (Strict, Warn, Ignore)."""
        from bosun.api import structural

        mode = request.query.get("fieldValidation", "Warn") if request is not None else "Warn"
        if mode not in ("Strict", "Warn", "Ignore"):
            raise errors.bad_request(f"fieldValidation: Unsupported value: \"{mode}\": supported values: "
                                     "\"Ignore\", \"Strict\", \"Warn\"")
        node = self.schema_for(reg)
        if node is None:
            return
        type_errors, unknown = structural.check(obj, node, mode)
        if type_errors:
            r = reg.resource
            raise errors.bad_request(f'{r.kind} in version "{r.version}" cannot be handled as a {r.kind}: '
                                     f"{type_errors[0]}")
        if raw is not None and mode != "Ignore" and raw[:1] == b"{":
            unknown = list(unknown) + structural.duplicate_fields(raw, node=node, obj=obj)
        if not unknown or mode == "Ignore":
            return
        if mode == "Strict":
            # A create or update names the kind as upstream's decoder does; a patch has the bare message.
            if raw is not None:
                raise structural.strict_error(unknown, reg.resource.kind, reg.resource.version)
            raise structural.strict_error(unknown)
        request.setdefault(WARNINGS, []).extend(unknown)

    # ---- HTTP

    def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=4 * 1024 * 1024, handler_args={"max_field_size": 65536})
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        return app

    async def _serve(self, app: web.Application) -> None:
        cfg = self.config
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        self.runners.append(runner)
        no_auth_flags = not (cfg.client_ca_file or cfg.token_auth_file or cfg.tls_cert_file)
        if cfg.token_auth_file:
            self.authenticator.token_file = TokenFile(cfg.token_auth_file)
        # --secure-port 0 picks a free port (tests and benchmarks).
        ctx = self._tls_context()
        site = web.TCPSite(runner, cfg.bind_address, cfg.secure_port, ssl_context=ctx, backlog=1024,
                           reuse_address=True)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.config.secure_port = port
        self.urls.append(f"https://127.0.0.1:{port}")
        if cfg.write_admin_kubeconfig:
            self._write_admin(cfg.data_dir / "pki")
        log.info("serving securely on %s:%d", cfg.bind_address, port)
        insecure = cfg.insecure_port
        if insecure is None:
            insecure = 8080 if no_auth_flags else 0
        if insecure:
            if no_auth_flags:
                log.warning("serving insecurely on 127.0.0.1:%d without authentication (no --client-ca-file, "
                            "--token-auth-file or --tls-cert-file given); use --insecure-port 0 to disable",
                            insecure)
            else:
                log.warning("serving insecurely on 127.0.0.1:%d without authentication", insecure)
            irunner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
            await irunner.setup()
            self.runners.append(irunner)
            isite = web.TCPSite(irunner, "127.0.0.1", insecure, reuse_address=True)
            await isite.start()
            port = isite._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self.insecure_url = f"http://127.0.0.1:{port}"
            self.urls.append(self.insecure_url)

    def _tls_context(self) -> ssl.SSLContext:
        cfg = self.config
        pki_dir = cfg.data_dir / "pki"
        self.ca = pki.ensure_ca(pki_dir)
        client_ca = Path(cfg.client_ca_file) if cfg.client_ca_file else self.ca.cert_path
        if cfg.tls_cert_file and cfg.tls_private_key_file:
            cert, key = Path(cfg.tls_cert_file), Path(cfg.tls_private_key_file)
        else:
            first_ip = _first_service_ip(cfg.service_cidr)
            extra = [cfg.advertise_address] if cfg.advertise_address else []
            cert, key = pki.issue_serving_cert(self.ca, pki_dir, "apiserver",
                                               pki.apiserver_serving_hosts(first_ip, extra))
        return pki.server_ssl_context(cert, key, client_ca)

    def _write_admin(self, pki_dir: Path) -> None:
        from bosun.client.kubeconfig import write_kubeconfig

        assert self.ca is not None
        cert, key = pki.issue_client_cert(self.ca, pki_dir, "admin", "admin", ["system:masters"])
        port = self.config.secure_port or 6443
        self.admin_kubeconfig = write_kubeconfig(
            self.config.data_dir / "admin.kubeconfig", f"https://127.0.0.1:{port}", self.ca.cert_pem,
            cert.read_bytes(), key.read_bytes())

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        info = parse_request(request.method, request.path, request.query)
        code = 500
        try:
            user = self._authenticate(request)
            self.authorizer.check(user, info)
            if info.is_resource:
                resp = await self.handlers.handle(request, info, user)
            else:
                resp = await self._non_resource(request, info)
            code = resp.status
            return resp
        except errors.StatusError as e:
            code = e.code
            return status_response(e)
        except asyncio.CancelledError:
            raise
        except ConnectionResetError:
            raise
        except Exception as e:  # noqa: BLE001 - one bad request must never take the server down
            log.exception("internal error serving %s %s", request.method, request.path)
            code = 500
            return status_response(errors.internal(str(e)))
        finally:
            if info.verb != "watch":
                self.metrics.observe(info.verb or request.method.lower(), info.group, info.resource,
                                     info.subresource, code, time.perf_counter() - started)

    def _authenticate(self, request: web.Request) -> Any:
        transport = request.transport
        sslobj = transport.get_extra_info("ssl_object") if transport is not None else None
        if sslobj is None:
            # Only the loopback insecure port serves without TLS.
            return UNSECURED
        peer = None
        der = sslobj.getpeercert(binary_form=True)
        if der:
            peer = self._cert_identities.get(der)
            if peer is None:
                peer = pki.identity_from_cert(der)
                if len(self._cert_identities) > 1024:
                    self._cert_identities.clear()
                self._cert_identities[der] = peer
        return self.authenticator.authenticate(request.headers, peer)

    async def _non_resource(self, request: web.Request, info: RequestInfo) -> web.StreamResponse:
        path = request.path.rstrip("/") or "/"
        if request.method not in ("GET", "HEAD"):
            raise errors.method_not_allowed()
        if path == "/version":
            return json_response(orjson.dumps(KUBE_VERSION, option=orjson.OPT_INDENT_2))
        if path in ("/healthz", "/livez", "/readyz") or path.startswith(("/healthz/", "/livez/", "/readyz/")):
            return self._health(request, path)
        if path == "/metrics":
            return web.Response(body=self.metrics.render(), content_type="text/plain",
                                charset="utf-8", headers={"X-Content-Type-Options": "nosniff"})
        if path == "/api" or path == "/apis":
            return self._discovery_root(request, path)
        if path.startswith("/api/") or path.startswith("/apis/"):
            return self._discovery_group(request, info)
        if path.startswith("/openapi/"):
            return self._openapi(request, path)
        if path == "/":
            paths = sorted({"/api", "/api/v1", "/apis", "/healthz", "/livez", "/readyz", "/metrics", "/version",
                            "/openapi/v2", "/openapi/v3"} | {
                f"/apis/{g}" for g in self.table.groups() if g} | {
                f"/apis/{r.group}/{r.version}" for r in self.table.rows if r.group})
            return json_response(orjson.dumps({"paths": paths}, option=orjson.OPT_INDENT_2))
        raise errors.StatusError(404, "NotFound", "the server could not find the requested resource", {})

    def _health(self, request: web.Request, path: str) -> web.Response:
        name = path.split("/")[1]
        checks = ["ping", "log", "etcd", "poststarthook/start-apiserver-admission-initializer",
                  "poststarthook/bootstrap-controller"]
        if name == "readyz":
            checks.insert(2, "informer-sync")
        ok = self.ready
        if "verbose" in request.query or path.count("/") > 1:
            lines = [f"[+]{c} ok" for c in checks]
            lines.append(f"{name} check {'passed' if ok else 'failed'}")
            return web.Response(text="\n".join(lines) + "\n", status=200 if ok else 500)
        return web.Response(text="ok" if ok else f"[-]{name} failed", status=200 if ok else 500)

    def _discovery_root(self, request: web.Request, path: str) -> web.Response:
        legacy = path == "/api"
        agg = discovery.negotiate(request.headers.get("Accept"))
        if agg is not None:
            doc = discovery.aggregated(self.table, legacy, agg)
            return json_response(orjson.dumps(doc), content_type="application/json",
                                 headers={"Content-Type": discovery.content_type(agg)})
        if legacy:
            doc = discovery.api_versions(self._server_address())
        else:
            doc = discovery.api_group_list(self.table)
        return json_response(orjson.dumps(doc))

    def _discovery_group(self, request: web.Request, info: RequestInfo) -> web.Response:
        if info.api_prefix == "api":
            if info.version != "v1":
                raise errors.StatusError(404, "NotFound", "the server could not find the requested resource", {})
            return json_response(orjson.dumps(discovery.api_resource_list(self.table, "", "v1")))
        if info.version:
            if not self.table.in_group_version(info.group, info.version):
                raise errors.StatusError(404, "NotFound", "the server could not find the requested resource", {})
            return json_response(orjson.dumps(discovery.api_resource_list(self.table, info.group, info.version)))
        if info.group not in self.table.groups():
            raise errors.StatusError(404, "NotFound", "the server could not find the requested resource", {})
        return json_response(orjson.dumps(discovery.api_group(self.table, info.group)))

    def _openapi(self, request: web.Request, path: str) -> web.Response:
        if path == "/openapi/v2":
            from bosun.apiserver import openapi_proto

            accept = request.headers.get("Accept", "")
            proto = openapi_proto.CONTENT_TYPE in accept and "json" not in accept.split(openapi_proto.CONTENT_TYPE)[0]
            body, etag = self.openapi.v2_proto() if proto else self.openapi.v2_json()
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            if proto:
                return web.Response(body=body, headers={"ETag": etag, "Content-Type": openapi_proto.RESPONSE_CONTENT_TYPE})
            return json_response(body, headers={"ETag": etag})
        if path == "/openapi/v3":
            return json_response(orjson.dumps(self.openapi.v3_index()))
        doc = self.openapi.v3_document(path[len("/openapi/v3/"):])
        if doc is None:
            raise errors.StatusError(404, "NotFound", "the server could not find the requested resource", {})
        body, etag = doc
        headers = {"ETag": etag}
        if request.query.get("hash"):
            headers["Cache-Control"] = "public, immutable"
        return json_response(body, headers=headers)

    def _server_address(self) -> str:
        addr = self.config.advertise_address or "127.0.0.1"
        return f"{addr}:{self.config.secure_port or 6443}"

    # ---- background work

    async def _compactor(self) -> None:
        """Compact history older than one interval, as upstream compacts etcd every 5 minutes."""
        assert self.store is not None
        previous = await self.store.current_revision()
        while True:
            await asyncio.sleep(self.config.compaction_interval)
            try:
                current = await self.store.current_revision()
                if previous > 1:
                    await self.store.compact(previous)
                previous = current
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - retried next interval
                log.warning("compaction failed: %s", e)

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            try:
                await t
            except (asyncio.CancelledError, Exception):
                pass
        for c in self.caches.values():
            for w in list(c.watchers):
                w.close()
        for runner in self.runners:
            await runner.cleanup()
        await self.admission.stop()
        for c in self.caches.values():
            await c.stop()
        if self.store is not None:
            await self.store.close()


def _first_service_ip(cidr: str) -> str:
    import ipaddress

    net = ipaddress.ip_network(cidr, strict=False)
    return str(net.network_address + 1)
