"""certificates.k8s.io/v1: CertificateSigningRequest.

Upstream's pkg/apis/certificates/validation and
pkg/registry/certificates/certificates/strategy.go (Kubernetes 1.33). The
request is a PEM CERTIFICATE REQUEST whose signature must verify; the spec
never changes after create, and status writes (status and approval
subresources) keep the Approved/Denied decisions and an issued certificate.
"""

from __future__ import annotations

import base64
import binascii

from cryptography import x509

from bosun.api import validation as v
from bosun.api.apps import StatusStrategy, d, lst, raw_invalid, spec_of
from bosun.api.strategy import Obj, register
from bosun.machinery.errors import Cause

LEGACY_UNKNOWN_SIGNER = "kubernetes.io/legacy-unknown"
KEY_USAGES = ("any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment",
              "decipher only", "digital signature", "email protection", "encipher only", "ipsec end system",
              "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc", "netscape sgc",
              "ocsp signing", "s/mime", "server auth", "signing", "timestamping")
CONDITION_STATUSES = ("False", "True", "Unknown")


def go_bytes(data: bytes) -> str:
    """A []byte as Go's %#v prints it."""
    return "[]byte{" + ", ".join(f"0x{b:x}" for b in data) + "}"


def _decode(value: object) -> bytes:
    if not isinstance(value, str):
        return b""
    try:
        return base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError):
        return b""


def _pem_block(data: bytes) -> tuple[str, bytes] | None:
    """The first PEM block (type, DER bytes), as pem.Decode finds it."""
    start = data.find(b"-----BEGIN ")
    if start < 0:
        return None
    head_end = data.find(b"-----", start + 11)
    if head_end < 0:
        return None
    kind = data[start + 11:head_end].decode("latin-1")
    end_marker = b"-----END " + kind.encode("latin-1") + b"-----"
    end = data.find(end_marker, head_end)
    if end < 0:
        return None
    body = data[head_end + 5:end]
    try:
        return kind, base64.b64decode(b"".join(body.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def request_error(pem: bytes) -> str:
    """ParseCSR + CheckSignature: the error text, or "" for a good request."""
    block = _pem_block(pem)
    if block is None or block[0] != "CERTIFICATE REQUEST":
        return "PEM block type must be CERTIFICATE REQUEST"
    try:
        csr = x509.load_der_x509_csr(block[1])
    except ValueError:
        return "x509: malformed certificate request"
    try:
        if not csr.is_signature_valid:
            return "x509: ECDSA verification failure"
    except Exception:  # noqa: BLE001 - unsupported algorithms fail the check, as in Go
        return "x509: cannot verify signature: algorithm unimplemented"
    return ""


def validate_signer_name(name: object, path: str) -> list[Cause]:
    """core ValidateSignerName: a domain of at least two labels, '/', a path of DNS subdomains."""
    if not name or not isinstance(name, str):
        return [v.required(path)]
    segments = name.split("/")
    if len(segments) != 2:
        return [v.invalid(path, name, "must be a fully qualified domain and path of the form 'example.com/signer-name'")]
    domain, rest = segments
    out: list[Cause] = []
    if len(domain) > 253:
        out.append(v.too_long(path, 253))
    labels = domain.split(".")
    for label in labels:
        errs = v.is_dns1123_label(label)
        if errs:
            out.extend(v.invalid(path, domain, f'validating label "{label}": {e}') for e in errs)
            break
    if len(labels) < 2:
        out.append(v.invalid(path, domain, "should be a domain with at least two segments separated by dots"))
    for part in rest.split("."):
        errs = v.is_dns1123_subdomain(part)
        if errs:
            out.extend(v.invalid(path, rest, f'validating component "{part}": {e}') for e in errs)
            break
    limit = 253 + (253 - 63) + 1
    if len(name) > limit:
        out.append(v.too_long(path, limit))
    return out


def validate_conditions(conditions: list, path: str) -> list[Cause]:
    out: list[Cause] = []
    seen: set[str] = set()
    approved = denied = False
    for i, c in enumerate(conditions):
        c = d(c)
        p = f"{path}[{i}]"
        ctype = c.get("type") or ""
        if not ctype:
            out.append(v.required(f"{p}.type"))
        status = c.get("status") or ""
        if status not in CONDITION_STATUSES:
            out.append(v.not_supported(f"{p}.status", status, CONDITION_STATUSES))
        if ctype in ("Approved", "Denied"):
            approved |= ctype == "Approved"
            denied |= ctype == "Denied"
            if status != "True":
                out.append(v.not_supported(f"{p}.status", status, ("True",)))
        if ctype in seen:
            out.append(v.duplicate(f"{p}.type", ctype))
        seen.add(ctype)
    if approved and denied:
        out.append(Cause(path, "Invalid value: []certificates.CertificateSigningRequestCondition{...}: Approved and "
                               "Denied conditions are mutually exclusive", v.INVALID))
    return out


def certificate_error(pem: bytes) -> str:
    """validateCertificate: only CERTIFICATE blocks, each parseable, at least one."""
    rest = pem
    count = 0
    while True:
        block = _pem_block(rest)
        if block is None:
            break
        count += 1
        if block[0] != "CERTIFICATE":
            return f"only CERTIFICATE PEM blocks are allowed, found {block[0]!r}".replace("'", '"')
        try:
            x509.load_der_x509_certificate(block[1])
        except ValueError as e:
            return str(e)
        end = rest.find(b"-----END CERTIFICATE-----")
        rest = rest[end + 25:]
    if count == 0:
        return "must contain at least one CERTIFICATE PEM block"
    return ""


@register("certificates.k8s.io", "CertificateSigningRequest")
class CertificateSigningRequestStrategy(StatusStrategy):
    name_validator = staticmethod(v.path_segment_name)
    tracks_generation = False
    field_labels = ("spec.signerName",)

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        # Updates of the main resource change metadata only.
        super().prepare_for_update(obj, old)
        if "spec" in old:
            obj["spec"] = old["spec"]
        if "status" in old:
            obj["status"] = old["status"]
        else:
            obj.pop("status", None)

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        spec = spec_of(obj)
        request = spec.get("request")
        err = request_error(_decode(request))
        if err:
            out.append(Cause("spec.request", f"Invalid value: {go_bytes(_decode(request))}: {err}", v.INVALID))
        usages = lst(spec.get("usages"))
        if not usages:
            out.append(v.required("spec.usages"))
        seen: set[str] = set()
        for i, usage in enumerate(usages):
            if usage not in KEY_USAGES:
                out.append(v.not_supported(f"spec.usages[{i}]", usage, KEY_USAGES))
        for i, usage in enumerate(usages):
            if usage in seen:
                out.append(v.duplicate(f"spec.usages[{i}]", usage))
            seen.add(usage)
        signer = spec.get("signerName")
        if signer == LEGACY_UNKNOWN_SIGNER:
            out.append(v.invalid("spec.signerName", signer, "the legacy signerName is not allowed via this API version"))
        else:
            out.extend(validate_signer_name(signer, "spec.signerName"))
        exp = spec.get("expirationSeconds")
        if isinstance(exp, int) and exp < 600:
            out.append(v.invalid("spec.expirationSeconds", exp, "may not specify a duration less than 600 seconds "
                                                                "(10 minutes)"))
        out.extend(validate_conditions(lst(d(obj.get("status")).get("conditions")), "status.conditions"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
        status, ostatus = d(obj.get("status")), d(old.get("status"))
        conditions = lst(status.get("conditions"))
        out.extend(validate_conditions(conditions, "status.conditions"))
        new_by_type = {d(c).get("type"): d(c) for c in conditions}
        for c in lst(ostatus.get("conditions")):
            c = d(c)
            ctype = c.get("type")
            if ctype in ("Approved", "Denied", "Failed"):
                now = new_by_type.get(ctype)
                if now is None:
                    out.append(v.forbidden("status.conditions", f"updates may not remove a condition of type {ctype!r}"
                                           .replace("'", '"')))
                elif now.get("status") != c.get("status"):
                    out.append(v.forbidden("status.conditions", f"updates may not change a condition of type "
                                           f'"{ctype}"'))
        cert, old_cert = status.get("certificate"), ostatus.get("certificate")
        if old_cert and cert != old_cert:
            out.append(v.forbidden("status.certificate", "updates may not modify existing certificate content"))
        elif cert and cert != old_cert:
            if "Approved" not in new_by_type:
                out.append(raw_invalid("status.certificate", go_bytes(_decode(cert)),
                                       "certificate may not be set when the CSR has not been approved"))
            err = certificate_error(_decode(cert))
            if err:
                out.append(raw_invalid("status.certificate", go_bytes(_decode(cert)), err))
        return out

    def field_values(self, obj: Obj) -> dict[str, str]:
        return {"spec.signerName": str(d(obj.get("spec")).get("signerName") or "")}
