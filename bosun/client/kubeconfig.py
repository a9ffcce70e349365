"""Kubeconfig files: writing the admin one, merging it into the user's, loading one to connect.

Loading follows client-go's `clientcmd`: `$KUBECONFIG` may list several files,
the first file to define a cluster, user or context name wins, and the first
to set `current-context` wins; relative file paths are resolved against the
directory of the file that names them; `*-data` fields win over file fields.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

EMPTY_CONFIG = "invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable"
SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")

# The fields holding file paths, per section, resolved against the kubeconfig's directory.
_CLUSTER_PATH_FIELDS = ("certificate-authority",)
_USER_PATH_FIELDS = ("client-certificate", "client-key", "tokenFile")


class KubeconfigError(Exception):
    """A kubeconfig that cannot be used: missing, unreadable, or naming what it does not define."""


@dataclass
class ClientConfig:
    """Where an API server is and how to authenticate to it, resolved from a kubeconfig."""

    server: str
    ca_pem: bytes | None = None
    ca_path: Path | None = None
    client_cert_pem: bytes | None = None
    client_cert_path: Path | None = None
    client_key_pem: bytes | None = None
    client_key_path: Path | None = None
    token: str | None = None
    insecure_skip_tls_verify: bool = False
    # The name to verify the server certificate against (and send as SNI) instead of the URL's host;
    # pass it as aiohttp's `server_hostname`.
    tls_server_name: str | None = None
    namespace: str = "default"
    context: str | None = None

    @property
    def has_client_cert(self) -> bool:
        return bool(self.client_cert_pem or self.client_cert_path)

    def auth_headers(self) -> dict[str, str]:
        """The request headers carrying the bearer token, if any."""
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def ssl_context(self) -> ssl.SSLContext | None:
        """The client TLS context for `server` (None for plain `http://`), for aiohttp's `ssl=`."""
        if not self.server.startswith("https://"):
            return None
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if self.insecure_skip_tls_verify:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        elif self.ca_pem:
            ctx.load_verify_locations(cadata=self.ca_pem.decode("ascii", "replace"))
        elif self.ca_path:
            ctx.load_verify_locations(cafile=str(self.ca_path))
        if self.has_client_cert:
            self._load_client_cert(ctx)
        ctx.set_alpn_protocols(["http/1.1"])
        return ctx

    def _load_client_cert(self, ctx: ssl.SSLContext) -> None:
        # ssl loads certificate chains from files only: embedded data goes through a private
        # temporary directory that is removed right after loading.
        tmp = tempfile.mkdtemp(prefix="bosun-kubeconfig-")
        try:
            cert = self.client_cert_path
            if self.client_cert_pem:
                cert = Path(tmp) / "client.crt"
                _write_private(cert, self.client_cert_pem)
            key = self.client_key_path
            if self.client_key_pem:
                key = Path(tmp) / "client.key"
                _write_private(key, self.client_key_pem)
            ctx.load_cert_chain(str(cert), str(key) if key else None)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _write_atomic(path: Path, text: str, mode: int = 0o600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _b64(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.b64encode(raw).decode("ascii")


def _dump(config: dict[str, Any]) -> str:
    return yaml.safe_dump(config, default_flow_style=False, sort_keys=False)


# --- writing ---------------------------------------------------------------


def write_kubeconfig(
    path: Path | str,
    server_url: str,
    ca_pem: bytes | str | None,
    client_cert_pem: bytes | str | None = None,
    client_key_pem: bytes | str | None = None,
    token: str | None = None,
    cluster: str = "bosun",
    user: str = "bosun-admin",
    context: str = "bosun",
) -> Path:
    """Write a one-cluster kubeconfig with embedded credentials to `path` (mode 0600)."""
    cluster_entry: dict[str, Any] = {"server": server_url}
    if ca_pem:
        cluster_entry["certificate-authority-data"] = _b64(ca_pem)
    user_entry: dict[str, Any] = {}
    if client_cert_pem:
        user_entry["client-certificate-data"] = _b64(client_cert_pem)
    if client_key_pem:
        user_entry["client-key-data"] = _b64(client_key_pem)
    if token:
        user_entry["token"] = token
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster, "cluster": cluster_entry}],
        "contexts": [{"name": context, "context": {"cluster": cluster, "user": user}}],
        "current-context": context,
        "preferences": {},
        "users": [{"name": user, "user": user_entry}],
    }
    path = Path(path)
    _write_atomic(path, _dump(config))
    return path


def user_kubeconfig_path() -> Path:
    """The kubeconfig kubectl writes to: the first `$KUBECONFIG` entry, else `~/.kube/config`."""
    for entry in os.environ.get("KUBECONFIG", "").split(os.pathsep):
        if entry:
            return Path(entry).expanduser()
    return Path.home() / ".kube" / "config"


def _named(items: Any, name: str) -> dict[str, Any] | None:
    for item in items or ():
        if isinstance(item, dict) and item.get("name") == name:
            return item
    return None


def _replace_named(items: list[Any], entry: dict[str, Any]) -> None:
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == entry["name"]:
            items[i] = entry
            return
    items.append(entry)


def merge_into_user_kubeconfig(admin_path: Path | str, context: str = "bosun") -> Path:
    """Copy the admin kubeconfig's context (and its cluster and user) into the user's kubeconfig.

    Entries of the same names are replaced, everything else is kept, and the
    context becomes the current one. Returns the path written.
    """
    admin = _read_yaml(Path(admin_path))
    ctx_entry = _named(admin.get("contexts"), context)
    if ctx_entry is None:
        current = admin.get("current-context")
        ctx_entry = _named(admin.get("contexts"), current) if current else None
    if ctx_entry is None:
        raise KubeconfigError(f'context "{context}" does not exist')
    ctx = ctx_entry.get("context") or {}
    cluster_entry = _named(admin.get("clusters"), ctx.get("cluster", ""))
    user_entry = _named(admin.get("users"), ctx.get("user", ""))
    if cluster_entry is None:
        raise KubeconfigError(f'cluster "{ctx.get("cluster", "")}" was not found in {admin_path}')

    # Write through a symlinked kubeconfig rather than replacing the link.
    target = Path(os.path.realpath(user_kubeconfig_path()))
    config = _read_yaml(target) if target.exists() else {}
    config.setdefault("apiVersion", "v1")
    config.setdefault("kind", "Config")
    for key in ("clusters", "contexts", "users"):
        if not isinstance(config.get(key), list):
            config[key] = []
    config.setdefault("preferences", {})
    _replace_named(config["clusters"], cluster_entry)
    if user_entry is not None:
        _replace_named(config["users"], user_entry)
    _replace_named(config["contexts"], {"name": context, "context": ctx})
    config["current-context"] = context
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _write_atomic(target, _dump(config))
    return target


# --- loading ---------------------------------------------------------------


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise KubeconfigError(f"stat {path}: no such file or directory") from None
    except OSError as e:
        raise KubeconfigError(f'error loading config file "{path}": {e.strerror or e}') from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise KubeconfigError(f'error loading config file "{path}": {e}') from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KubeconfigError(f'error loading config file "{path}": not a kubeconfig object')
    return data


def _resolve_paths(section: dict[str, Any], fields: tuple[str, ...], base: Path) -> dict[str, Any]:
    out = dict(section)
    for field in fields:
        value = out.get(field)
        if isinstance(value, str) and value:
            p = Path(value).expanduser()
            out[field] = str(p if p.is_absolute() else base / p)
    return out


def _kubeconfig_files(path: Path | str | None) -> list[Path]:
    if path is not None:
        p = Path(path).expanduser()
        if not p.exists():
            raise KubeconfigError(f"stat {p}: no such file or directory")
        return [p]
    env = os.environ.get("KUBECONFIG")
    if env:
        return [Path(e).expanduser() for e in env.split(os.pathsep) if e and Path(e).expanduser().exists()]
    default = Path.home() / ".kube" / "config"
    return [default] if default.exists() else []


def _merged(files: list[Path]) -> dict[str, Any]:
    """The union of `files` under client-go's rule: the first to define a name or `current-context` wins."""
    merged: dict[str, Any] = {"clusters": {}, "users": {}, "contexts": {}, "current-context": ""}
    sections = {"clusters": ("cluster", _CLUSTER_PATH_FIELDS), "users": ("user", _USER_PATH_FIELDS)}
    for file in files:
        data = _read_yaml(file)
        base = file.resolve().parent
        if not merged["current-context"] and data.get("current-context"):
            merged["current-context"] = str(data["current-context"])
        for key in ("clusters", "users", "contexts"):
            for item in data.get(key) or ():
                if not isinstance(item, dict) or not item.get("name"):
                    continue
                name = str(item["name"])
                if name in merged[key]:
                    continue
                inner_key, fields = sections.get(key, ("context", ()))
                body = item.get(inner_key) or {}
                if not isinstance(body, dict):
                    raise KubeconfigError(
                        f'error loading config file "{file}": {key} entry "{name}" is not an object'
                    )
                merged[key][name] = _resolve_paths(body, fields, base)
    return merged


def _data(section: dict[str, Any], field: str) -> bytes | None:
    value = section.get(field)
    if not value:
        return None
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise KubeconfigError(f"invalid configuration: illegal base64 data in {field}") from None


def _path(section: dict[str, Any], field: str) -> Path | None:
    value = section.get(field)
    return Path(value) if value else None


def load_kubeconfig(
    path: Path | str | None = None, context: str | None = None, *, master: str | None = None
) -> ClientConfig:
    """Resolve the connection for `context` (default: the current one) of a kubeconfig.

    Without `path`, reads the `$KUBECONFIG` files or `~/.kube/config`; with none
    of them present, falls back to the in-cluster service account when running
    in a pod. `master` overrides the cluster's server, like `--master`.
    """
    files = _kubeconfig_files(path)
    if not files and path is None and context is None:
        if master:
            return config_from_master(master)
        if os.environ.get("KUBERNETES_SERVICE_HOST") and (SERVICE_ACCOUNT_DIR / "token").exists():
            return in_cluster_config()
        raise KubeconfigError(EMPTY_CONFIG)
    merged = _merged(files)
    name = context or merged["current-context"]
    if context and context not in merged["contexts"]:
        raise KubeconfigError(f'context "{context}" does not exist')
    if not name:
        if master:
            return config_from_master(master)
        raise KubeconfigError(EMPTY_CONFIG)
    ctx = merged["contexts"].get(name)
    if ctx is None:
        raise KubeconfigError(f"invalid configuration: context was not found for specified context: {name}")

    cluster_name = str(ctx.get("cluster") or "")
    cluster = merged["clusters"].get(cluster_name)
    if cluster is None:
        raise KubeconfigError(
            f'invalid configuration: cluster "{cluster_name}" was not found for context "{name}"'
        )
    user_name = str(ctx.get("user") or "")
    user: dict[str, Any] = {}
    if user_name:
        if user_name not in merged["users"]:
            raise KubeconfigError(
                f'invalid configuration: user "{user_name}" was not found for context "{name}"'
            )
        user = merged["users"][user_name]

    server = master or str(cluster.get("server") or "")
    if not server:
        raise KubeconfigError(f'invalid configuration: no server found for cluster "{cluster_name}"')
    config = ClientConfig(
        server=server,
        ca_pem=_data(cluster, "certificate-authority-data"),
        ca_path=_path(cluster, "certificate-authority"),
        client_cert_pem=_data(user, "client-certificate-data"),
        client_cert_path=_path(user, "client-certificate"),
        client_key_pem=_data(user, "client-key-data"),
        client_key_path=_path(user, "client-key"),
        token=str(user["token"]) if user.get("token") else None,
        insecure_skip_tls_verify=bool(cluster.get("insecure-skip-tls-verify")),
        tls_server_name=cluster.get("tls-server-name") or None,
        namespace=str(ctx.get("namespace") or "default"),
        context=name,
    )
    tls = bool(config.ca_pem or config.ca_path or config.insecure_skip_tls_verify or config.has_client_cert)
    config.server = _normalise_server(server, tls=tls)
    if config.ca_pem:
        config.ca_path = None
    if config.client_cert_pem:
        config.client_cert_path = None
    if config.client_key_pem:
        config.client_key_path = None
    if config.token is None and user.get("tokenFile"):
        try:
            config.token = Path(user["tokenFile"]).read_text().strip()
        except OSError as e:
            raise KubeconfigError(
                f"invalid configuration: unable to read tokenFile {user['tokenFile']}: {e.strerror}"
            ) from None
    _validate(config, cluster_name, user_name)
    return config


def _validate(config: ClientConfig, cluster_name: str, user_name: str) -> None:
    if config.insecure_skip_tls_verify and (config.ca_pem or config.ca_path):
        raise KubeconfigError(
            "invalid configuration: specifying a root certificates file with the insecure flag is not allowed"
        )
    if config.ca_path and not config.ca_path.exists():
        raise KubeconfigError(
            f"invalid configuration: unable to read certificate-authority {config.ca_path} for {cluster_name} "
            "due to open: no such file or directory"
        )
    has_key = bool(config.client_key_pem or config.client_key_path)
    if config.has_client_cert and not has_key:
        raise KubeconfigError(
            f"invalid configuration: client-key-data or client-key must be specified for {user_name} "
            "to use the clientCert authentication method."
        )
    if has_key and not config.has_client_cert:
        raise KubeconfigError(
            f"invalid configuration: client-cert-data or client-cert must be specified for {user_name} "
            "to use the clientCert authentication method."
        )
    for p in (config.client_cert_path, config.client_key_path):
        if p and not p.exists():
            raise KubeconfigError(
                f"invalid configuration: unable to read {p}: open: no such file or directory"
            )


def _normalise_server(url: str, tls: bool) -> str:
    # client-go's DefaultServerURL: a bare host:port gets https when TLS is configured, http otherwise.
    url = url.strip()
    if "://" not in url:
        url = ("https://" if tls else "http://") + url
    return url.rstrip("/")


def config_from_master(url: str) -> ClientConfig:
    """The connection `--master URL` describes: that server, no credentials, system trust roots."""
    return ClientConfig(server=_normalise_server(url, tls=False))


def in_cluster_config() -> ClientConfig:
    """The connection a pod gets from its service account, like client-go's `InClusterConfig`."""
    host = os.environ.get("KUBERNETES_SERVICE_HOST", "")
    port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
    if not host:
        raise KubeconfigError(
            "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and "
            "KUBERNETES_SERVICE_PORT must be defined"
        )
    if ":" in host:
        host = f"[{host}]"
    try:
        token = (SERVICE_ACCOUNT_DIR / "token").read_text().strip()
    except OSError as e:
        raise KubeconfigError(f"unable to load in-cluster configuration: {e}") from None
    ca = SERVICE_ACCOUNT_DIR / "ca.crt"
    namespace_file = SERVICE_ACCOUNT_DIR / "namespace"
    namespace = namespace_file.read_text().strip() if namespace_file.exists() else "default"
    return ClientConfig(
        server=f"https://{host}:{port}",
        ca_path=ca if ca.exists() else None,
        token=token,
        namespace=namespace or "default",
    )
