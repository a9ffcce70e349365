"""The cluster PKI: one CA, serving and client certificates signed by it, TLS contexts.

Files live in a certificates directory under the data directory, like kubeadm's
`/etc/kubernetes/pki`: `ca.crt`/`ca.key` and one `<name>.crt`/`<name>.key`
pair per certificate. Keys are ECDSA P-256 (fast to generate, accepted by Go's
TLS stack and Python's ssl alike) and written 0600. Certificates are issued
once and reused until they stop fitting what is asked for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import ipaddress
import os
import socket
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_VALIDITY_DAYS = 3650
CERT_VALIDITY_DAYS = 365
# A certificate this close to its end is reissued rather than reused.
RENEW_BEFORE = dt.timedelta(days=30)
# Backdating covers small clock differences between nodes.
CLOCK_SKEW = dt.timedelta(hours=1)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# bosun creates ECDSA keys; a CA brought by the user (kubeadm's default) may be RSA.
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass
class CA:
    """The cluster certificate authority, loaded from or written to `cert_path`/`key_path`."""

    cert: x509.Certificate
    key: PrivateKey
    cert_pem: bytes
    key_pem: bytes
    cert_path: Path
    key_path: Path


# --- files -----------------------------------------------------------------


@contextlib.contextmanager
def _locked(dir: Path, name: str) -> Iterator[None]:
    """Serialise creation of `name` between processes sharing the directory."""
    fd = os.open(dir / f".{name}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _ensure_dir(dir: Path) -> Path:
    dir = Path(dir)
    dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return dir


def _key_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def _new_key() -> PrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- the CA ----------------------------------------------------------------


def ensure_ca(dir: Path, name: str = "bosun-ca") -> CA:
    """Load the CA in `dir` (`ca.crt`, `ca.key`), creating it on first use."""
    dir = _ensure_dir(dir)
    cert_path, key_path = dir / "ca.crt", dir / "ca.key"
    with _locked(dir, "ca"):
        if cert_path.exists() or key_path.exists():
            return load_ca(dir)
        key = _new_key()
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = _now()
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - CLOCK_SKEW)
            .not_valid_after(now + dt.timedelta(days=CA_VALIDITY_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256())
        )
        key_pem = _key_pem(key)
        cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        # The key first: a crash in between leaves no certificate without its key.
        _write_atomic(key_path, key_pem, 0o600)
        _write_atomic(cert_path, cert_pem, 0o644)
        return CA(cert, key, cert_pem, key_pem, cert_path, key_path)


def load_ca(dir: Path) -> CA:
    """Load an existing CA from `dir`; raises `FileNotFoundError` or `ValueError`."""
    dir = Path(dir)
    cert_path, key_path = dir / "ca.crt", dir / "ca.key"
    cert_pem = cert_path.read_bytes()
    key_pem = key_path.read_bytes()
    cert = x509.load_pem_x509_certificate(cert_pem)
    key = serialization.load_pem_private_key(key_pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise ValueError(f"{key_path}: unsupported CA key type {type(key).__name__}")
    if _spki(key.public_key()) != _spki(cert.public_key()):
        raise ValueError(f"{key_path} does not match {cert_path}")
    return CA(cert, key, cert_pem, key_pem, cert_path, key_path)


def _spki(public_key: Any) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


# --- leaf certificates -----------------------------------------------------


def _parse_hosts(hosts: Iterable[str]) -> tuple[list[str], list[IPAddress]]:
    """Split host strings into DNS names and IP addresses, normalised and deduplicated."""
    dns: list[str] = []
    ips: list[IPAddress] = []
    for raw in hosts:
        host = raw.strip()
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        if not host:
            continue
        try:
            ip = ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            name = host.lower().rstrip(".")
            if name and name not in dns:
                dns.append(name)
            continue
        if ip not in ips:
            ips.append(ip)
    return dns, ips


def _cert_sans(cert: x509.Certificate) -> tuple[set[str], set[IPAddress]]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set(), set()
    dns = {d.lower() for d in san.get_values_for_type(x509.DNSName)}
    return dns, set(san.get_values_for_type(x509.IPAddress))


def _reusable(cert_path: Path, key_path: Path, ca: CA, eku: x509.ObjectIdentifier) -> x509.Certificate | None:
    """The certificate at `cert_path` if it is signed by `ca`, matches its key and is not near its end."""
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        return None
    if cert.issuer != ca.cert.subject:
        return None
    try:
        cert.verify_directly_issued_by(ca.cert)
    except (InvalidSignature, ValueError, TypeError):
        return None
    if _spki(key.public_key()) != _spki(cert.public_key()):
        return None
    now = _now()
    if cert.not_valid_after_utc - RENEW_BEFORE <= now or cert.not_valid_before_utc > now + CLOCK_SKEW:
        return None
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return None
    if eku not in usages:
        return None
    return cert


def _authority_key_id(ca: CA) -> x509.AuthorityKeyIdentifier:
    try:
        ski = ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    except x509.ExtensionNotFound:
        return x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key())
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)


def _issue(
    ca: CA,
    cert_path: Path,
    key_path: Path,
    subject: x509.Name,
    eku: x509.ObjectIdentifier,
    sans: list[x509.GeneralName],
    days: int,
) -> None:
    key = _new_key()
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(min(now + dt.timedelta(days=days), ca.cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([eku]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(_authority_key_id(ca), critical=False)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    cert = builder.sign(ca.key, hashes.SHA256())
    _write_atomic(key_path, _key_pem(key), 0o600)
    _write_atomic(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def issue_serving_cert(
    ca: CA, dir: Path, name: str, hosts: list[str], *, days: int = CERT_VALIDITY_DAYS
) -> tuple[Path, Path]:
    """A server-auth certificate `dir/<name>.crt` whose SANs cover `hosts` (DNS names and IPs).

    An existing certificate is reused when it is signed by `ca`, covers every
    requested host and is valid for more than 30 more days; otherwise it is
    reissued with a new key.
    """
    dir = _ensure_dir(dir)
    cert_path, key_path = dir / f"{name}.crt", dir / f"{name}.key"
    dns, ips = _parse_hosts(hosts)
    with _locked(dir, name):
        cert = _reusable(cert_path, key_path, ca, ExtendedKeyUsageOID.SERVER_AUTH)
        if cert is not None:
            have_dns, have_ips = _cert_sans(cert)
            if set(dns) <= have_dns and set(ips) <= have_ips:
                return cert_path, key_path
        sans: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
        sans += [x509.IPAddress(ip) for ip in ips]
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        _issue(ca, cert_path, key_path, subject, ExtendedKeyUsageOID.SERVER_AUTH, sans, days)
    return cert_path, key_path


def issue_client_cert(
    ca: CA,
    dir: Path,
    name: str,
    common_name: str,
    organizations: list[str],
    *,
    days: int = CERT_VALIDITY_DAYS,
) -> tuple[Path, Path]:
    """A client-auth certificate `dir/<name>.crt`: CN is the user name, each O a group.

    Reused under the same rule as serving certificates, with the subject
    (CN and the set of O) in place of the SANs.
    """
    dir = _ensure_dir(dir)
    cert_path, key_path = dir / f"{name}.crt", dir / f"{name}.key"
    with _locked(dir, name):
        cert = _reusable(cert_path, key_path, ca, ExtendedKeyUsageOID.CLIENT_AUTH)
        if cert is not None and identity_from_cert(cert) == (common_name, sorted(set(organizations))):
            return cert_path, key_path
        attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in sorted(set(organizations))]
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
        _issue(ca, cert_path, key_path, x509.Name(attrs), ExtendedKeyUsageOID.CLIENT_AUTH, [], days)
    return cert_path, key_path


def identity_from_cert(cert: x509.Certificate | bytes | dict[str, Any]) -> tuple[str, list[str]]:
    """The user (CN) and groups (every O, sorted) a client certificate names.

    Accepts a `cryptography` certificate, DER or PEM bytes (as from
    `SSLObject.getpeercert(binary_form=True)`), or the dict `getpeercert()` returns.
    """
    if isinstance(cert, dict):
        user = ""
        groups: list[str] = []
        for rdn in cert.get("subject", ()):
            for key, value in rdn:
                if key == "commonName" and not user:
                    user = value
                elif key == "organizationName":
                    groups.append(value)
        return user, sorted(set(groups))
    if isinstance(cert, bytes | bytearray | memoryview):
        data = bytes(cert)
        if data.lstrip().startswith(b"-----BEGIN"):
            cert = x509.load_pem_x509_certificate(data)
        else:
            cert = x509.load_der_x509_certificate(data)
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    user = str(cns[0].value) if cns else ""
    groups = sorted({str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)})
    return user, groups


# --- TLS -------------------------------------------------------------------


def server_ssl_context(cert: Path, key: Path, client_ca: Path | None = None) -> ssl.SSLContext:
    """A TLS 1.2+ server context serving `cert`; asks for (does not require) client certificates.

    Client certificates are optional so that requests carrying bearer tokens,
    or no credentials at all (anonymous), still reach the authenticators.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(cert), str(key))
    if client_ca is not None:
        ctx.load_verify_locations(cafile=str(client_ca))
        ctx.verify_mode = ssl.CERT_OPTIONAL
    else:
        ctx.verify_mode = ssl.CERT_NONE
    # Only HTTP/1.1 is served; offering h2 would make Go clients speak it.
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


# --- the host --------------------------------------------------------------


def host_name() -> str:
    """This host's name, lower-cased, as a node name and a serving-certificate SAN."""
    return socket.gethostname().lower()


def _usable(ip: IPAddress) -> bool:
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def _proc_ipv4() -> list[str]:
    # /proc/net/fib_trie lists each local address as "|-- A.B.C.D" followed by "/32 host LOCAL".
    out: list[str] = []
    previous = ""
    with open("/proc/net/fib_trie") as f:
        for line in f:
            if "/32 host LOCAL" in line:
                out.append(previous.split()[-1])
            previous = line
    return out


def _proc_ipv6() -> list[str]:
    out: list[str] = []
    with open("/proc/net/if_inet6") as f:
        for line in f:
            fields = line.split()
            if fields and len(fields[0]) == 32:
                out.append(str(ipaddress.IPv6Address(bytes.fromhex(fields[0]))))
    return out


def _route_source(family: socket.AddressFamily, target: str) -> list[str]:
    # Connecting a UDP socket sends nothing; it only picks the source address of the default route.
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.connect((target, 53))
            return [s.getsockname()[0]]
    except OSError:
        return []


def local_addresses() -> list[str]:
    """This host's IPv4 then IPv6 addresses, without loopback and link-local ones.

    Read from /proc on Linux; elsewhere (or when /proc is unavailable) from the
    default routes' source addresses and the host name's resolution.
    """
    found: list[str] = []
    for source in (_proc_ipv4, _proc_ipv6):
        try:
            found += source()
        except (OSError, ValueError, IndexError):
            pass
    found += _route_source(socket.AF_INET, "192.0.2.1")
    found += _route_source(socket.AF_INET6, "2001:db8::1")
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, proto=socket.IPPROTO_TCP):
            found.append(str(info[4][0]))
    except OSError:
        pass
    ips: list[IPAddress] = []
    for text in found:
        try:
            ip = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            continue
        if _usable(ip) and ip not in ips:
            ips.append(ip)
    ips.sort(key=lambda ip: (ip.version, ip))
    return [str(ip) for ip in ips]


def apiserver_serving_hosts(service_ip: str = "10.43.0.1", extra: Iterable[str] = ()) -> list[str]:
    """The SANs of the API server's serving certificate: loopback, this host, the in-cluster names."""
    hosts = ["localhost", "127.0.0.1", "::1", host_name(), *local_addresses()]
    hosts += [
        "kubernetes",
        "kubernetes.default",
        "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local",
        service_ip,
        *extra,
    ]
    dns, ips = _parse_hosts(hosts)
    return dns + [str(ip) for ip in ips]
