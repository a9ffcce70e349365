"""The way from the API server to a kubelet: pods/log, exec, attach, portforward, proxy and nodes/proxy.

The API server finds the pod's node, the node's address (by
`--kubelet-preferred-address-types`) and kubelet port, and forwards the
request to the kubelet's HTTPS server with its own client certificate.
Streams that upgrade the connection (exec, attach, port-forward) are
spliced byte for byte once the kubelet accepts the upgrade.
"""

from __future__ import annotations

import logging
import ssl
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bosun.apiserver.registry import Registry
from bosun.apiserver.request import RequestInfo
from bosun.machinery import errors

if TYPE_CHECKING:
    from bosun.apiserver.server import APIServer

log = logging.getLogger("bosun.apiserver.nodeproxy")
Obj = dict[str, Any]
PREFERRED_ADDRESS_TYPES = ("Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP")


class NodeProxy:
    def __init__(self, server: APIServer, preferred: tuple[str, ...] = PREFERRED_ADDRESS_TYPES) -> None:
        self.server = server
        self.preferred = preferred
        self._ssl: ssl.SSLContext | None = None

    def node_endpoint(self, node_name: str) -> tuple[str, int]:
        nodes = self.server.registry("", "nodes")
        entry = nodes.cache.get(nodes.key("", node_name))
        if entry is None:
            raise errors.not_found("", "nodes", node_name)
        status = entry.obj.get("status") or {}
        addresses = {a.get("type"): a.get("address") for a in status.get("addresses") or ()}
        port = ((status.get("daemonEndpoints") or {}).get("kubeletEndpoint") or {}).get("Port") or 10250
        for t in self.preferred:
            if addresses.get(t):
                return addresses[t], port
        raise errors.bad_request(f"no preferred addresses found; known addresses: {list(addresses.values())}")

    def kubelet_path(self, info: RequestInfo, pod: Obj, query: Any) -> str:
        ns, name = info.namespace, info.name
        sub = info.subresource
        if sub == "log":
            containers = [c["name"] for c in (pod.get("spec") or {}).get("containers") or ()]
            container = query.get("container") or (containers[0] if len(containers) == 1 else "")
            if not container:
                raise errors.bad_request(f"a container name must be specified for pod {name}, choose one of: "
                                         f"{containers}")
            return f"/containerLogs/{ns}/{name}/{container}"
        if sub in ("exec", "attach"):
            container = query.get("container") or ((pod.get("spec") or {}).get("containers") or [{}])[0].get("name")
            return f"/{sub}/{ns}/{name}/{container}"
        if sub == "portforward":
            return f"/portForward/{ns}/{name}"
        return "/" + "/".join(info.rest)

    async def handle(self, request: web.Request, info: RequestInfo, reg: Registry, user: Any) -> web.StreamResponse:
        if reg.resource.kind == "Node":
            host, port = self.node_endpoint(info.name)
            path = "/" + "/".join(info.rest)
        elif reg.resource.kind == "Pod":
            entry = await reg.get(info.namespace, info.name)
            pod = entry.obj
            node = (pod.get("spec") or {}).get("nodeName")
            if not node:
                raise errors.bad_request(f"pod {info.name} does not have a host assigned")
            host, port = self.node_endpoint(node)
            path = self.kubelet_path(info, pod, request.query)
        else:
            raise errors.StatusError(404, "NotFound", "the server could not find the requested resource", {})
        return await self.forward(request, host, port, path)

    async def forward(self, request: web.Request, host: str, port: int, path: str) -> web.StreamResponse:
        import aiohttp

        url = f"https://{host}:{port}{path}"
        try:
            async with aiohttp.ClientSession() as session:
                async with session.request(request.method, url, params=request.query,
                                           ssl=self._client_ssl(), timeout=aiohttp.ClientTimeout(
                                               total=None, sock_connect=10)) as upstream:
                    resp = web.StreamResponse(status=upstream.status)
                    ct = upstream.headers.get("Content-Type")
                    if ct:
                        resp.headers["Content-Type"] = ct
                    await resp.prepare(request)
                    async for chunk in upstream.content.iter_any():
                        await resp.write(chunk)
                    return resp
        except (TimeoutError, aiohttp.ClientError, OSError) as e:
            raise errors.StatusError(500, "InternalError", f'Get "{url}": {e}', {}) from None

    def _client_ssl(self) -> ssl.SSLContext:
        if self._ssl is None:
            from bosun.machinery import pki

            ctx = ssl.create_default_context()
            ca = self.server.ca
            pki_dir = self.server.config.data_dir / "pki"
            if ca is not None:
                ctx.load_verify_locations(cadata=ca.cert_pem.decode())
                cert, key = pki.issue_client_cert(ca, pki_dir, "apiserver-kubelet-client",
                                                  "kube-apiserver-kubelet-client", ["system:masters"])
                ctx.load_cert_chain(cert, key)
            ctx.check_hostname = False
            self._ssl = ctx
        return self._ssl
