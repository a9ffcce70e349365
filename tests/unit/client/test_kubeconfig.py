"""Kubeconfig writing, merging and loading, and a real TLS handshake with the resulting contexts."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import ssl
import stat
from pathlib import Path

import pytest
import yaml
from aiohttp import web

from bosun.client.kubeconfig import (
    KubeconfigError,
    config_from_master,
    load_kubeconfig,
    merge_into_user_kubeconfig,
    user_kubeconfig_path,
    write_kubeconfig,
)
from bosun.machinery import pki

HOSTS = ["localhost", "127.0.0.1", "::1", "kubernetes.default.svc", "10.43.0.1"]


@pytest.fixture
def cluster(tmp_path: Path) -> dict[str, Path | pki.CA]:
    """A CA, an API server serving certificate and an admin kubeconfig in a temporary directory."""
    ca = pki.ensure_ca(tmp_path / "pki")
    serving = pki.issue_serving_cert(ca, tmp_path / "pki", "apiserver", HOSTS)
    admin_crt, admin_key = pki.issue_client_cert(ca, tmp_path / "pki", "admin", "admin", ["system:masters"])
    kubeconfig = write_kubeconfig(
        tmp_path / "admin.kubeconfig",
        "https://127.0.0.1:6443",
        ca.cert_pem,
        admin_crt.read_bytes(),
        admin_key.read_bytes(),
    )
    return {"ca": ca, "crt": serving[0], "key": serving[1], "kubeconfig": kubeconfig}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    return home


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- writing ---------------------------------------------------------------


def test_write_kubeconfig(cluster: dict) -> None:
    path: Path = cluster["kubeconfig"]
    assert mode(path) == 0o600
    data = yaml.safe_load(path.read_text())
    assert data["apiVersion"] == "v1" and data["kind"] == "Config"
    assert data["current-context"] == "bosun"
    assert data["contexts"] == [{"name": "bosun", "context": {"cluster": "bosun", "user": "bosun-admin"}}]
    c = data["clusters"][0]
    assert c["name"] == "bosun" and c["cluster"]["server"] == "https://127.0.0.1:6443"
    assert base64.b64decode(c["cluster"]["certificate-authority-data"]) == cluster["ca"].cert_pem
    u = data["users"][0]["user"]
    assert base64.b64decode(u["client-certificate-data"]).startswith(b"-----BEGIN CERTIFICATE")
    assert b"PRIVATE KEY" in base64.b64decode(u["client-key-data"])


def test_write_token_kubeconfig(tmp_path: Path) -> None:
    path = write_kubeconfig(tmp_path / "k", "https://h:1", "CA PEM", token="abc.def", user="u", context="c")
    data = yaml.safe_load(path.read_text())
    assert data["users"] == [{"name": "u", "user": {"token": "abc.def"}}]
    assert data["current-context"] == "c"


# --- merging ---------------------------------------------------------------


def test_merge_creates_user_kubeconfig(cluster: dict, clean_env: Path) -> None:
    target = merge_into_user_kubeconfig(cluster["kubeconfig"])
    assert target == clean_env / ".kube" / "config"
    assert mode(target) == 0o600
    merged = yaml.safe_load(target.read_text())
    admin = yaml.safe_load(cluster["kubeconfig"].read_text())
    assert merged["clusters"] == admin["clusters"]
    assert merged["users"] == admin["users"]
    assert merged["contexts"] == admin["contexts"]
    assert merged["current-context"] == "bosun"


def test_merge_keeps_other_entries_and_replaces_same_names(
    cluster: dict, clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first, second = tmp_path / "kube" / "first", tmp_path / "second"
    first.parent.mkdir()
    existing = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": "prod", "cluster": {"server": "https://prod:6443"}},
            {"name": "bosun", "cluster": {"server": "https://stale:6443"}},
        ],
        "users": [
            {"name": "bosun-admin", "user": {"token": "stale"}},
            {"name": "me", "user": {"token": "t"}},
        ],
        "contexts": [
            {"name": "prod", "context": {"cluster": "prod", "user": "me", "namespace": "web"}},
            {"name": "bosun", "context": {"cluster": "bosun", "user": "bosun-admin"}},
        ],
        "current-context": "prod",
        "preferences": {"colors": True},
    }
    first.write_text(yaml.safe_dump(existing))
    second.write_text("untouched")
    monkeypatch.setenv("KUBECONFIG", f"{first}{os.pathsep}{second}")
    assert user_kubeconfig_path() == first

    assert merge_into_user_kubeconfig(cluster["kubeconfig"]) == first
    assert second.read_text() == "untouched"
    merged = yaml.safe_load(first.read_text())
    assert [c["name"] for c in merged["clusters"]] == ["prod", "bosun"]
    assert merged["clusters"][1]["cluster"]["server"] == "https://127.0.0.1:6443"
    assert [u["name"] for u in merged["users"]] == ["bosun-admin", "me"]
    assert "client-certificate-data" in merged["users"][0]["user"]
    assert merged["contexts"][0]["context"]["namespace"] == "web"
    assert merged["current-context"] == "bosun"
    assert merged["preferences"] == {"colors": True}
    assert mode(first) == 0o600
    assert sorted(p.name for p in first.parent.iterdir()) == ["first"]  # no temporary file left

    # Merging twice changes nothing.
    before = first.read_text()
    merge_into_user_kubeconfig(cluster["kubeconfig"])
    assert first.read_text() == before


def test_merge_refuses_to_clobber_broken_kubeconfig(cluster: dict, clean_env: Path) -> None:
    target = clean_env / ".kube" / "config"
    target.parent.mkdir()
    target.write_text("clusters: [unclosed")
    with pytest.raises(KubeconfigError, match="error loading config file"):
        merge_into_user_kubeconfig(cluster["kubeconfig"])
    assert target.read_text() == "clusters: [unclosed"


# --- loading ---------------------------------------------------------------


def test_load_embedded(cluster: dict) -> None:
    cfg = load_kubeconfig(cluster["kubeconfig"])
    assert cfg.server == "https://127.0.0.1:6443"
    assert cfg.ca_pem == cluster["ca"].cert_pem
    assert cfg.client_cert_pem and cfg.client_cert_pem.startswith(b"-----BEGIN CERTIFICATE")
    assert cfg.client_key_pem
    assert cfg.token is None and cfg.namespace == "default" and cfg.context == "bosun"
    assert cfg.auth_headers() == {}


def test_load_file_fields_relative_to_kubeconfig(tmp_path: Path, clean_env: Path) -> None:
    ca = pki.ensure_ca(tmp_path / "conf" / "pki")
    pki.issue_client_cert(ca, tmp_path / "conf" / "pki", "me", "me", [])
    (tmp_path / "conf" / "token").write_text("tok-from-file\n")
    config = {
        "clusters": [
            {"name": "c", "cluster": {"server": "https://h:6443", "certificate-authority": "pki/ca.crt"}}
        ],
        "users": [
            {"name": "cert", "user": {"client-certificate": "pki/me.crt", "client-key": "pki/me.key"}},
            {"name": "tok", "user": {"tokenFile": "token"}},
        ],
        "contexts": [
            {"name": "a", "context": {"cluster": "c", "user": "cert", "namespace": "ns1"}},
            {"name": "b", "context": {"cluster": "c", "user": "tok"}},
        ],
        "current-context": "a",
    }
    path = tmp_path / "conf" / "config"
    path.write_text(yaml.safe_dump(config))
    cfg = load_kubeconfig(path)
    assert cfg.ca_path == tmp_path / "conf" / "pki" / "ca.crt"
    assert cfg.client_cert_path == tmp_path / "conf" / "pki" / "me.crt"
    assert cfg.client_key_path == tmp_path / "conf" / "pki" / "me.key"
    assert cfg.namespace == "ns1"
    assert isinstance(cfg.ssl_context(), ssl.SSLContext)
    tok = load_kubeconfig(path, context="b")
    assert tok.token == "tok-from-file"
    assert tok.auth_headers() == {"Authorization": "Bearer tok-from-file"}


def test_load_kubeconfig_env_list_first_wins(tmp_path: Path, clean_env: Path, monkeypatch) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text(
        yaml.safe_dump(
            {
                "clusters": [
                    {"name": "c", "cluster": {"server": "https://first:1", "insecure-skip-tls-verify": True}}
                ],
                "users": [],
                "contexts": [],
            }
        )
    )
    b.write_text(
        yaml.safe_dump(
            {
                "clusters": [{"name": "c", "cluster": {"server": "https://second:1"}}],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u", "namespace": "n"}}],
                "current-context": "x",
            }
        )
    )
    monkeypatch.setenv("KUBECONFIG", f"{a}{os.pathsep}{tmp_path / 'missing'}{os.pathsep}{b}")
    cfg = load_kubeconfig()
    assert cfg.server == "https://first:1"
    assert cfg.insecure_skip_tls_verify
    assert cfg.token == "t" and cfg.namespace == "n"
    ctx = cfg.ssl_context()
    assert ctx is not None and ctx.verify_mode == ssl.CERT_NONE and not ctx.check_hostname
    assert load_kubeconfig(master="http://m:8080").server == "http://m:8080"


def test_load_default_path(cluster: dict, clean_env: Path) -> None:
    (clean_env / ".kube").mkdir()
    shutil.copy(cluster["kubeconfig"], clean_env / ".kube" / "config")
    assert load_kubeconfig().server == "https://127.0.0.1:6443"


def test_load_errors(cluster: dict, clean_env: Path, tmp_path: Path) -> None:
    with pytest.raises(KubeconfigError) as e:
        load_kubeconfig()
    assert str(e.value).startswith("invalid configuration: no configuration has been provided")

    with pytest.raises(KubeconfigError, match='context "x" does not exist'):
        load_kubeconfig(cluster["kubeconfig"], context="x")

    with pytest.raises(KubeconfigError, match="no such file or directory"):
        load_kubeconfig(tmp_path / "nope")

    empty = tmp_path / "empty"
    empty.write_text("")
    with pytest.raises(KubeconfigError, match="no configuration has been provided"):
        load_kubeconfig(empty)

    dangling = tmp_path / "dangling"
    dangling.write_text(
        yaml.safe_dump({"contexts": [{"name": "d", "context": {"cluster": "gone"}}], "current-context": "d"})
    )
    with pytest.raises(KubeconfigError, match='cluster "gone" was not found for context "d"'):
        load_kubeconfig(dangling)

    half = tmp_path / "half"
    half.write_text(
        yaml.safe_dump(
            {
                "clusters": [{"name": "c", "cluster": {"server": "https://h"}}],
                "users": [{"name": "u", "user": {"client-certificate-data": "eA=="}}],
                "contexts": [{"name": "d", "context": {"cluster": "c", "user": "u"}}],
                "current-context": "d",
            }
        )
    )
    with pytest.raises(KubeconfigError, match="client-key-data or client-key must be specified"):
        load_kubeconfig(half)


def test_config_from_master() -> None:
    cfg = config_from_master("http://127.0.0.1:8080/")
    assert cfg.server == "http://127.0.0.1:8080"
    assert cfg.token is None and not cfg.has_client_cert
    assert cfg.ssl_context() is None
    assert config_from_master("10.0.0.1:8080").server == "http://10.0.0.1:8080"
    assert isinstance(config_from_master("https://10.0.0.1:6443").ssl_context(), ssl.SSLContext)


# --- real TLS --------------------------------------------------------------


async def _identity_server(cluster: dict) -> tuple[asyncio.Server, int, list]:
    seen: list = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        identity = pki.identity_from_cert(der) if der else None
        seen.append(identity)
        writer.write(json.dumps(identity).encode() + b"\n")
        await writer.drain()
        writer.close()

    ctx = pki.server_ssl_context(cluster["crt"], cluster["key"], cluster["ca"].cert_path)
    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=ctx)
    return server, server.sockets[0].getsockname()[1], seen


async def test_tls_handshake_with_client_certificate(cluster: dict, tmp_path: Path) -> None:
    server, port, seen = await _identity_server(cluster)
    async with server:
        ctx = load_kubeconfig(cluster["kubeconfig"]).ssl_context()
        assert ctx is not None
        for host in ("127.0.0.1", "kubernetes.default.svc"):
            reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname=host)
            assert writer.get_extra_info("ssl_object").selected_alpn_protocol() == "http/1.1"
            assert json.loads(await reader.readline()) == ["admin", ["system:masters"]]
            writer.close()

        # A token-only client presents no certificate and is still served.
        token_cfg = write_kubeconfig(
            tmp_path / "tok", f"https://127.0.0.1:{port}", cluster["ca"].cert_pem, token="t"
        )
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=load_kubeconfig(token_cfg).ssl_context()
        )
        assert json.loads(await reader.readline()) is None
        writer.close()

        # A name the serving certificate does not cover fails verification.
        with pytest.raises(ssl.SSLCertVerificationError):
            await asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="evil.example")

        # A client certificate from another CA is refused by the server.
        other = pki.ensure_ca(tmp_path / "other")
        crt, key = pki.issue_client_cert(other, tmp_path / "other", "mallory", "mallory", ["system:masters"])
        forged = write_kubeconfig(
            tmp_path / "forged",
            f"https://127.0.0.1:{port}",
            cluster["ca"].cert_pem,
            crt.read_bytes(),
            key.read_bytes(),
        )
        with pytest.raises((ssl.SSLError, ConnectionError, asyncio.IncompleteReadError)):
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, ssl=load_kubeconfig(forged).ssl_context()
            )
            await reader.readexactly(1)
        assert ["mallory", ["system:masters"]] not in seen


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
async def test_kubectl_accepts_kubeconfig_and_certificates(cluster: dict, tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "KUBECONFIG": ""}

    async def kubectl(*args: str) -> str:
        proc = await asyncio.create_subprocess_exec(
            "kubectl",
            *args,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()
        return out.decode()

    minify = ["config", "view", "--minify", "-o", "jsonpath={.clusters[0].name}"]
    assert await kubectl("--kubeconfig", str(cluster["kubeconfig"]), *minify) == "bosun"

    # kubectl (Go's TLS stack) trusts the serving certificate and presents the client certificate.
    async def whoami(request: web.Request) -> web.Response:
        der = request.transport.get_extra_info("ssl_object").getpeercert(binary_form=True)
        user, groups = pki.identity_from_cert(der) if der else (None, [])
        return web.json_response(
            {"user": user, "groups": groups, "auth": request.headers.get("Authorization")}
        )

    app = web.Application()
    app.router.add_get("/whoami", whoami)
    runner = web.AppRunner(app)
    await runner.setup()
    ssl_ctx = pki.server_ssl_context(cluster["crt"], cluster["key"], cluster["ca"].cert_path)
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_ctx)
    await site.start()
    try:
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        admin_cfg = load_kubeconfig(cluster["kubeconfig"])
        admin = write_kubeconfig(
            tmp_path / "admin",
            f"https://127.0.0.1:{port}",
            cluster["ca"].cert_pem,
            admin_cfg.client_cert_pem,
            admin_cfg.client_key_pem,
        )
        body = json.loads(await kubectl("--kubeconfig", str(admin), "get", "--raw", "/whoami"))
        assert body == {"user": "admin", "groups": ["system:masters"], "auth": None}

        token = write_kubeconfig(
            tmp_path / "token", f"https://localhost:{port}", cluster["ca"].cert_pem, token="s3cret"
        )
        body = json.loads(await kubectl("--kubeconfig", str(token), "get", "--raw", "/whoami"))
        assert body == {"user": None, "groups": [], "auth": "Bearer s3cret"}
    finally:
        await runner.cleanup()
