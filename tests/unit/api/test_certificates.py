"""certificates.k8s.io/v1 CertificateSigningRequest."""

import base64
import copy

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.unit.api.steps import create, strat, update

S = strat("certificates.k8s.io", "CertificateSigningRequest")


def csr_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    req = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "joe")])).sign(key, hashes.SHA256())
    return base64.b64encode(req.public_bytes(serialization.Encoding.PEM)).decode()


def csr(**spec) -> dict:
    base = {"request": csr_pem(), "signerName": "kubernetes.io/kube-apiserver-client", "usages": ["client auth"]}
    base.update(spec)
    return {"metadata": {"name": "joe"}, "spec": base}


def test_csr_create():
    obj, errs = create(S, csr())
    assert errs == [] and obj["status"] == {}
    assert S.field_labels == ("spec.signerName",)
    assert S.field_values(obj) == {"spec.signerName": "kubernetes.io/kube-apiserver-client"}


def test_csr_validation():
    _, errs = create(S, csr(request=base64.b64encode(b"hi").decode()))
    assert errs == ["spec.request: Invalid value: []byte{0x68, 0x69}: PEM block type must be CERTIFICATE REQUEST"]
    _, errs = create(S, csr(usages=[], signerName=""))
    assert errs == ["spec.usages: Required value", "spec.signerName: Required value"]
    _, errs = create(S, csr(usages=["client auth", "flying"], signerName="example/signer"))
    assert errs[0].startswith('spec.usages[1]: Unsupported value: "flying": supported values: "any", ')
    assert errs[1] == ('spec.signerName: Invalid value: "example": should be a domain with at least two segments '
                       "separated by dots")
    _, errs = create(S, csr(signerName="kubernetes.io/legacy-unknown", expirationSeconds=60))
    assert errs == ['spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not '
                    "allowed via this API version",
                    "spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds "
                    "(10 minutes)"]


def test_csr_spec_is_immutable_and_decisions_stay():
    old, _ = create(S, csr())
    new = copy.deepcopy(old)
    new["spec"]["usages"] = ["server auth"]
    new["metadata"]["labels"] = {"a": "b"}
    new, errs = update(S, new, old)
    assert errs == [] and new["spec"] == old["spec"] and new["metadata"]["labels"] == {"a": "b"}
    approved = copy.deepcopy(old)
    approved["status"] = {"conditions": [{"type": "Approved", "status": "True", "reason": "OK"}]}
    assert S.validate_status_update(approved, old) == []
    both = copy.deepcopy(approved)
    both["status"]["conditions"].append({"type": "Denied", "status": "True"})
    errs = [f"{c.field}: {c.message}" for c in S.validate_status_update(both, old)]
    assert errs == ["status.conditions: Invalid value: []certificates.CertificateSigningRequestCondition{...}: "
                    "Approved and Denied conditions are mutually exclusive"]
    undone = copy.deepcopy(old)
    errs = [f"{c.field}: {c.message}" for c in S.validate_status_update(undone, approved)]
    assert errs == ['status.conditions: Forbidden: updates may not remove a condition of type "Approved"']
