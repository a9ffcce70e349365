"""The cluster PKI: CA creation and reuse, certificate issue and reissue rules, TLS contexts."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from bosun.machinery import pki

HOSTS = [
    "localhost",
    "127.0.0.1",
    "::1",
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
    "10.43.0.1",
]


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def sans(cert: x509.Certificate) -> tuple[set[str], set[str]]:
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return set(san.get_values_for_type(x509.DNSName)), {
        str(i) for i in san.get_values_for_type(x509.IPAddress)
    }


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_ensure_ca_creates_then_loads(tmp_path: Path) -> None:
    ca = pki.ensure_ca(tmp_path / "pki")
    assert ca.cert_path == tmp_path / "pki" / "ca.crt"
    assert ca.key_path == tmp_path / "pki" / "ca.key"
    assert mode(ca.key_path) == 0o600
    assert isinstance(ca.key, ec.EllipticCurvePrivateKey)
    assert isinstance(ca.key.curve, ec.SECP256R1)
    assert ca.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "bosun-ca"
    assert ca.cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert ca.cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    lifetime = ca.cert.not_valid_after_utc - ca.cert.not_valid_before_utc
    assert lifetime > dt.timedelta(days=3649)
    assert ca.cert_pem == ca.cert_path.read_bytes()

    again = pki.ensure_ca(tmp_path / "pki")
    assert again.cert_pem == ca.cert_pem
    assert again.key_pem == ca.key_pem


def test_ensure_ca_rejects_mismatched_key(tmp_path: Path) -> None:
    pki.ensure_ca(tmp_path / "a")
    other = pki.ensure_ca(tmp_path / "b")
    (tmp_path / "a" / "ca.key").write_bytes(other.key_pem)
    with pytest.raises(ValueError, match="does not match"):
        pki.ensure_ca(tmp_path / "a")


def test_serving_cert_sans_and_usage(tmp_path: Path) -> None:
    ca = pki.ensure_ca(tmp_path)
    crt, key = pki.issue_serving_cert(ca, tmp_path, "apiserver", HOSTS + ["[fd00::5]", "Node-1."])
    assert (crt, key) == (tmp_path / "apiserver.crt", tmp_path / "apiserver.key")
    assert mode(key) == 0o600
    cert = load(crt)
    dns, ips = sans(cert)
    assert dns == {
        "localhost",
        "kubernetes",
        "kubernetes.default",
        "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local",
        "node-1",
    }
    assert ips == {"127.0.0.1", "::1", "10.43.0.1", "fd00::5"}
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    cert.verify_directly_issued_by(ca.cert)


def test_serving_cert_reuse_and_reissue(tmp_path: Path) -> None:
    ca = pki.ensure_ca(tmp_path / "ca")
    crt, _ = pki.issue_serving_cert(ca, tmp_path, "apiserver", HOSTS)
    serial = load(crt).serial_number

    # A subset of the hosts, in another order: reused.
    pki.issue_serving_cert(ca, tmp_path, "apiserver", list(reversed(HOSTS[:3])))
    assert load(crt).serial_number == serial

    # A new host: reissued, covering it.
    pki.issue_serving_cert(ca, tmp_path, "apiserver", HOSTS + ["192.0.2.7"])
    reissued = load(crt)
    assert reissued.serial_number != serial
    assert "192.0.2.7" in sans(reissued)[1]

    # Another CA: reissued and signed by it.
    other = pki.ensure_ca(tmp_path / "other-ca")
    pki.issue_serving_cert(other, tmp_path, "apiserver", HOSTS)
    load(crt).verify_directly_issued_by(other.cert)


def test_serving_cert_reissued_near_expiry(tmp_path: Path) -> None:
    ca = pki.ensure_ca(tmp_path)
    crt, _ = pki.issue_serving_cert(ca, tmp_path, "apiserver", HOSTS, days=40)
    serial = load(crt).serial_number
    pki.issue_serving_cert(ca, tmp_path, "apiserver", HOSTS)
    assert load(crt).serial_number == serial
    crt.unlink()
    pki.issue_serving_cert(ca, tmp_path, "apiserver", HOSTS, days=10)
    short = load(crt).serial_number
    # Within 30 days of its end: reissued with the full validity.
    pki.issue_serving_cert(ca, tmp_path, "apiserver", HOSTS)
    assert load(crt).serial_number != short
    assert load(crt).not_valid_after_utc - dt.datetime.now(dt.UTC) > dt.timedelta(days=300)


def test_serving_cert_reissued_when_key_lost(tmp_path: Path) -> None:
    ca = pki.ensure_ca(tmp_path)
    crt, key = pki.issue_serving_cert(ca, tmp_path, "apiserver", HOSTS)
    serial = load(crt).serial_number
    key.unlink()
    pki.issue_serving_cert(ca, tmp_path, "apiserver", HOSTS)
    assert load(crt).serial_number != serial
    assert key.exists()


def test_client_cert_identity_and_reuse(tmp_path: Path) -> None:
    ca = pki.ensure_ca(tmp_path)
    crt, key = pki.issue_client_cert(ca, tmp_path, "admin", "admin", ["system:masters"])
    assert mode(key) == 0o600
    cert = load(crt)
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert pki.identity_from_cert(cert) == ("admin", ["system:masters"])
    assert pki.identity_from_cert(crt.read_bytes()) == ("admin", ["system:masters"])
    from cryptography.hazmat.primitives.serialization import Encoding

    assert pki.identity_from_cert(cert.public_bytes(Encoding.DER)) == ("admin", ["system:masters"])

    pki.issue_client_cert(ca, tmp_path, "admin", "admin", ["system:masters"])
    assert load(crt).serial_number == cert.serial_number

    pki.issue_client_cert(ca, tmp_path, "admin", "admin", ["system:masters", "ops"])
    assert pki.identity_from_cert(load(crt)) == ("admin", ["ops", "system:masters"])

    # A serving certificate under the same name does not pass for a client one.
    pki.issue_serving_cert(ca, tmp_path, "kubelet", ["localhost"])
    pki.issue_client_cert(ca, tmp_path, "kubelet", "system:node:n1", ["system:nodes"])
    assert pki.identity_from_cert(load(tmp_path / "kubelet.crt")) == ("system:node:n1", ["system:nodes"])


def test_identity_from_getpeercert_dict() -> None:
    peer = {
        "subject": (
            (("organizationName", "system:nodes"),),
            (("organizationName", "a"),),
            (("commonName", "system:node:n1"),),
        )
    }
    assert pki.identity_from_cert(peer) == ("system:node:n1", ["a", "system:nodes"])


def test_server_ssl_context(tmp_path: Path) -> None:
    ca = pki.ensure_ca(tmp_path)
    crt, key = pki.issue_serving_cert(ca, tmp_path, "apiserver", HOSTS)
    ctx = pki.server_ssl_context(crt, key, ca.cert_path)
    assert ctx.verify_mode == ssl.CERT_OPTIONAL
    assert ctx.minimum_version == ssl.TLSVersion.TLSv1_2
    assert pki.server_ssl_context(crt, key, None).verify_mode == ssl.CERT_NONE


def test_local_addresses_and_apiserver_hosts() -> None:
    addresses = pki.local_addresses()
    for text in addresses:
        ip = ipaddress.ip_address(text)
        assert not ip.is_loopback and not ip.is_link_local
    assert len(set(addresses)) == len(addresses)
    assert pki.host_name()

    hosts = pki.apiserver_serving_hosts(extra=["api.example.com"])
    for expected in ["localhost", "127.0.0.1", "::1", "kubernetes.default.svc.cluster.local", "10.43.0.1"]:
        assert expected in hosts
    assert "api.example.com" in hosts
    assert pki.host_name() in hosts
    assert set(addresses) <= set(hosts)
