"""The core ("" group, v1) kinds: upstream's defaults (pkg/apis/core/v1/defaults.go) and registry strategies.

Defaulting functions are shared: workload kinds of other groups call
`default_pod_template` on their templates. Strategies follow
`pkg/registry/core/<kind>/strategy.go` of Kubernetes 1.33: what create and
update may touch, status rules, field selectors, graceful deletion.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from bosun.api import validation as v
from bosun.api.strategy import Obj, Strategy, register
from bosun.machinery import errors
from bosun.machinery.errors import Cause
from bosun.machinery.quantity import Quantity, parse_quantity

MAX_SECRET_SIZE = 1024 * 1024
DEFAULT_MODE = 0o644  # 420: secret, configMap, downwardAPI and projected volumes
DEFAULT_GRACE = 30


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _d(x: Any) -> Obj:
    return x if isinstance(x, dict) else {}


def _l(x: Any) -> list:
    return x if isinstance(x, list) else []


# ---------------------------------------------------------------------------
# Quantities: upstream rounds ResourceLists up to milli scale and writes them canonically


def _canonical_quantity(value: Any) -> Any:
    if isinstance(value, str):
        return _canonical_str(value)
    if isinstance(value, bool):
        return value
    return _canonical_uncached(value)


@functools.lru_cache(maxsize=4096)
def _canonical_str(value: str) -> Any:
    return _canonical_uncached(value)


def _canonical_uncached(value: Any) -> Any:
    try:
        q = parse_quantity(value.strip() if isinstance(value, str) else value)
    except Exception:  # noqa: BLE001 - left as is; validation reports it
        return value
    if q._e < -3:  # SetDefaults_ResourceList: RoundUp(-3)
        m, e = q._m, q._e
        shift = -3 - e
        qq, r = divmod(abs(m), 10**shift)
        if r:
            qq += 1
        q = Quantity._make((-1 if m < 0 else 1) * qq, -3, q.format)
    return str(q)


def default_resource_list(rl: Any) -> None:
    """Upstream SetDefaults_ResourceList (and the canonical form a Quantity serializes to), in place."""
    if isinstance(rl, dict):
        for k, val in rl.items():
            if isinstance(val, str) and val.isdigit() and len(val) < 16:
                continue  # "1", "2": already canonical
            rl[k] = _canonical_quantity(val)


# ---------------------------------------------------------------------------
# Pod specs

_REF_TAG = re.compile(r":([\w][\w.-]{0,127})$")


def image_tag(image: str) -> str:
    """The tag upstream's parsers.ParseImageName finds: "latest" when neither a tag nor a digest is given."""
    if not image or image != image.strip() or any(c.isupper() for c in image.split("@")[0].rsplit("/", 1)[-1]
                                                  .split(":")[0]):
        return ""  # unparseable: upstream ignores the error and gets no tag
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    m = _REF_TAG.search(last)
    if m:
        return m.group(1)
    return "" if digest else "latest"


def _default_http_get(h: Any) -> None:
    if isinstance(h, dict):
        if not h.get("path"):
            h["path"] = "/"
        if not h.get("scheme"):
            h["scheme"] = "HTTP"


def _default_probe(p: Any) -> None:
    if not isinstance(p, dict):
        return
    if not p.get("timeoutSeconds"):
        p["timeoutSeconds"] = 1
    if not p.get("periodSeconds"):
        p["periodSeconds"] = 10
    if not p.get("successThreshold"):
        p["successThreshold"] = 1
    if not p.get("failureThreshold"):
        p["failureThreshold"] = 3
    if p.get("httpGet") is not None:
        _default_http_get(p["httpGet"])
    grpc = p.get("grpc")
    if isinstance(grpc, dict) and grpc.get("service") is None:
        grpc["service"] = ""


def _default_field_ref(ref: Any) -> None:
    if isinstance(ref, dict) and not ref.get("apiVersion"):
        ref["apiVersion"] = "v1"


def default_container(c: Obj) -> None:
    """Upstream SetDefaults_Container plus the nested defaults of ports, env, resources, probes and hooks."""
    if not isinstance(c, dict):
        return
    if not c.get("imagePullPolicy"):
        image = c.get("image")
        c["imagePullPolicy"] = "Always" if image_tag(image if isinstance(image, str) else "") == "latest" \
            else "IfNotPresent"
    if not c.get("terminationMessagePath"):
        c["terminationMessagePath"] = "/dev/termination-log"
    if not c.get("terminationMessagePolicy"):
        c["terminationMessagePolicy"] = "File"
    for port in _l(c.get("ports")):
        if isinstance(port, dict) and not port.get("protocol"):
            port["protocol"] = "TCP"
    for ev in _l(c.get("env")):
        if isinstance(ev, dict) and isinstance(ev.get("valueFrom"), dict):
            _default_field_ref(ev["valueFrom"].get("fieldRef"))
    res = c.get("resources")
    if isinstance(res, dict):
        default_resource_list(res.get("limits"))
        default_resource_list(res.get("requests"))
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if c.get(probe) is not None:
            _default_probe(c[probe])
    lc = c.get("lifecycle")
    if isinstance(lc, dict):
        for hook in ("postStart", "preStop"):
            h = lc.get(hook)
            if isinstance(h, dict) and h.get("httpGet") is not None:
                _default_http_get(h["httpGet"])


_VOLUME_SOURCE_KEYS = frozenset(k for k, _ in v.VOLUME_SOURCES)


def default_volume(vol: Obj) -> None:
    """Upstream SetDefaults_Volume and the defaults of each volume source."""
    if not isinstance(vol, dict):
        return
    if not any(vol.get(k) is not None for k in _VOLUME_SOURCE_KEYS):
        vol["emptyDir"] = {}
    hp = vol.get("hostPath")
    if isinstance(hp, dict) and hp.get("type") is None:
        hp["type"] = ""
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        src = vol.get(key)
        if isinstance(src, dict) and src.get("defaultMode") is None:
            src["defaultMode"] = DEFAULT_MODE
    for item in _l(_d(vol.get("downwardAPI")).get("items")):
        if isinstance(item, dict):
            _default_field_ref(item.get("fieldRef"))
    for src in _l(_d(vol.get("projected")).get("sources")):
        if not isinstance(src, dict):
            continue
        for item in _l(_d(src.get("downwardAPI")).get("items")):
            if isinstance(item, dict):
                _default_field_ref(item.get("fieldRef"))
        tok = src.get("serviceAccountToken")
        if isinstance(tok, dict) and tok.get("expirationSeconds") is None:
            tok["expirationSeconds"] = 3600
    iscsi = vol.get("iscsi")
    if isinstance(iscsi, dict) and not iscsi.get("iscsiInterface"):
        iscsi["iscsiInterface"] = "default"
    rbd = vol.get("rbd")
    if isinstance(rbd, dict):
        rbd.setdefault("pool", "rbd")
        rbd.setdefault("user", "admin")
        rbd.setdefault("keyring", "/etc/ceph/keyring")
    az = vol.get("azureDisk")
    if isinstance(az, dict):
        az.setdefault("cachingMode", "ReadWrite")
        az.setdefault("fsType", "ext4")
        az.setdefault("readOnly", False)
        az.setdefault("kind", "Shared")
    sio = vol.get("scaleIO")
    if isinstance(sio, dict):
        sio.setdefault("storageMode", "ThinProvisioned")
        sio.setdefault("fsType", "xfs")
    eph = vol.get("ephemeral")
    if isinstance(eph, dict) and isinstance(eph.get("volumeClaimTemplate"), dict):
        default_pvc_spec(_d(eph["volumeClaimTemplate"].get("spec")))
    image = vol.get("image")
    if isinstance(image, dict) and not image.get("pullPolicy"):
        ref = image.get("reference")
        image["pullPolicy"] = "Always" if image_tag(ref if isinstance(ref, str) else "") == "latest" \
            else "IfNotPresent"


def default_pvc_spec(spec: Obj) -> None:
    """Upstream SetDefaults_PersistentVolumeClaimSpec (with its resource lists)."""
    if not isinstance(spec, dict):
        return
    if spec.get("volumeMode") is None:
        spec["volumeMode"] = "Filesystem"
    res = spec.get("resources")
    if isinstance(res, dict):
        default_resource_list(res.get("limits"))
        default_resource_list(res.get("requests"))


def default_pod_spec(spec: Obj) -> None:
    """Upstream SetDefaults_PodSpec with the nested defaults, for pods and pod templates alike."""
    if not isinstance(spec, dict):
        return
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = DEFAULT_GRACE
    if not spec.get("schedulerName"):
        spec["schedulerName"] = "default-scheduler"
    for vol in _l(spec.get("volumes")):
        default_volume(vol)
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in _l(spec.get(key)):
            default_container(c)
    if spec.get("overhead") is not None:
        default_resource_list(spec["overhead"])


def default_pod_template(template: Obj) -> None:
    """The defaults of a PodTemplateSpec (Deployments, Jobs, ... and PodTemplates): those of its spec.

    Pod-only defaults (enableServiceLinks, requests from limits, host ports
    under hostNetwork) are not applied to templates, as upstream.
    """
    if isinstance(template, dict):
        spec = template.get("spec")
        if isinstance(spec, dict):
            default_pod_spec(spec)


def default_pod(pod: Obj) -> None:
    """Upstream SetObjectDefaults_Pod: the spec defaults plus the Pod-only ones."""
    spec = pod.get("spec")
    if not isinstance(spec, dict):
        return
    for key in ("containers", "initContainers"):
        for c in _l(spec.get(key)):
            res = _d(c).get("resources")
            if isinstance(res, dict) and isinstance(res.get("limits"), dict):
                req = res.get("requests")
                if not isinstance(req, dict):
                    req = res["requests"] = {}
                for name, q in res["limits"].items():
                    req.setdefault(name, q)
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork"):
        for key in ("containers", "initContainers"):
            for c in _l(spec.get(key)):
                for port in _l(_d(c).get("ports")):
                    if isinstance(port, dict) and not port.get("hostPort"):
                        port["hostPort"] = port.get("containerPort", 0)
    default_pod_spec(spec)


# ---------------------------------------------------------------------------
# QoS (upstream qos.ComputePodQOS)


def _qos_quantity(value: Any) -> Quantity | None:
    return v.parse_q(value)


def pod_qos_class(pod: Obj) -> str:
    spec = _d(pod.get("spec"))
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    guaranteed = True
    for c in _l(spec.get("initContainers")) + _l(spec.get("containers")):
        res = _d(_d(c).get("resources"))
        for name, val in _d(res.get("requests")).items():
            q = _qos_quantity(val)
            if name in ("cpu", "memory") and q is not None and q.sign() > 0:
                requests[name] = requests[name] + q if name in requests else q
        found = set()
        for name, val in _d(res.get("limits")).items():
            q = _qos_quantity(val)
            if name in ("cpu", "memory") and q is not None and q.sign() > 0:
                found.add(name)
                limits[name] = limits[name] + q if name in limits else q
        if found != {"cpu", "memory"}:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed:
        for name, req in requests.items():
            lim = limits.get(name)
            if lim is None or lim.cmp(req) != 0:
                guaranteed = False
                break
    if guaranteed and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


# ---------------------------------------------------------------------------
# Pods


def _apply_label_keys(term: Obj, labels: Obj) -> None:
    sel = term.get("labelSelector")
    if not isinstance(sel, dict):
        return
    for fld, op in (("matchLabelKeys", "In"), ("mismatchLabelKeys", "NotIn")):
        for key in _l(term.get(fld)):
            if key in labels:
                sel.setdefault("matchExpressions", []).append({"key": key, "operator": op, "values": [labels[key]]})


def _mutate_pod_affinity(pod: Obj) -> None:
    aff = _d(_d(pod.get("spec")).get("affinity"))
    labels = _d(_d(pod.get("metadata")).get("labels"))
    for kind in ("podAffinity", "podAntiAffinity"):
        pa = _d(aff.get(kind))
        for term in _l(pa.get("requiredDuringSchedulingIgnoredDuringExecution")):
            _apply_label_keys(_d(term), labels)
        for wt in _l(pa.get("preferredDuringSchedulingIgnoredDuringExecution")):
            _apply_label_keys(_d(_d(wt).get("podAffinityTerm")), labels)


POD_UPDATABLE = ("`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                 "`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
                 "(allow it to be set to 1 if it was previously negative)")


def _spec_diff(old: Any, new: Any, path: str = "") -> list[str]:
    """A short description of what differs (upstream prints a cmp.Diff of the Go structs)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for k in sorted(old.keys() | new.keys()):
            if old.get(k) != new.get(k):
                out.extend(_spec_diff(old.get(k), new.get(k), f"{path}.{k}" if path else k))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                out.extend(_spec_diff(a, b, f"{path}[{i}]"))
        return out
    return [f"-  {path}: {v.go_value(old)}", f"+  {path}: {v.go_value(new)}"]


def validate_pod_update(new: Obj, old: Obj, binding: bool = False) -> list[Cause]:
    """Upstream ValidatePodUpdate's rules on the spec (metadata and spec validity are checked apart)."""
    ns, os_ = _d(new.get("spec")), _d(old.get("spec"))
    out: list[Cause] = []
    for key in ("containers", "initContainers"):
        nc, oc = _l(ns.get(key)), _l(os_.get(key))
        if len(nc) != len(oc):
            return out + [v.forbidden(f"spec.{key}", "pod updates may not add or remove containers")]
        for i, c in enumerate(nc):
            image = _d(c).get("image")
            if not image:
                out.append(v.required(f"spec.{key}[{i}].image"))
            elif isinstance(image, str) and image != image.strip():
                out.append(v.invalid(f"spec.{key}[{i}].image", image, "must not have leading or trailing whitespace"))
    nads, oads = ns.get("activeDeadlineSeconds"), os_.get("activeDeadlineSeconds")
    if nads is not None:
        if isinstance(nads, int) and (nads < 0 or nads > v.MAX_INT32):
            return out + [v.invalid("spec.activeDeadlineSeconds", nads, v.inclusive_range_error(0, v.MAX_INT32))]
        if isinstance(oads, int) and isinstance(nads, int) and oads < nads:
            return out + [v.invalid("spec.activeDeadlineSeconds", nads, "must be less than or equal to previous "
                                                                        "value")]
    elif oads is not None:
        out.append(v.invalid("spec.activeDeadlineSeconds", None, "must not update from a positive integer to nil "
                                                                "value"))
    new_tol = _l(ns.get("tolerations"))
    for ot in _l(os_.get("tolerations")):
        if not any(dict(_d(ot), tolerationSeconds=_d(nt).get("tolerationSeconds")) == dict(_d(nt)) or
                   _same_toleration(_d(ot), _d(nt)) for nt in new_tol):
            out.append(v.forbidden("spec.tolerations", "existing toleration can not be modified except its "
                                                       "tolerationSeconds"))
            break
    else:
        if ns.get("tolerations"):
            out.extend(v.validate_tolerations(ns["tolerations"], "spec.tolerations"))
    old_gates = {_d(g).get("name") for g in _l(os_.get("schedulingGates"))}
    for i, g in enumerate(_l(ns.get("schedulingGates"))):
        name = _d(g).get("name")
        if name not in old_gates:
            out.append(v.forbidden(f"spec.schedulingGates[{i}].name", f"only deletion is allowed, but found new "
                                                                      f"scheduling gate '{name}'"))
    if ns == os_:
        return out
    munged = dict(ns)
    for key in ("containers", "initContainers"):
        if key in munged:
            munged[key] = [dict(_d(c), image=_d(oc).get("image")) if "image" in _d(oc) else
                           {k: x for k, x in _d(c).items() if k != "image"}
                           for c, oc in zip(_l(ns.get(key)), _l(os_.get(key)), strict=True)]
    for key in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        if key in os_:
            munged[key] = os_[key]
        else:
            munged.pop(key, None)
    ogr, mgr = os_.get("terminationGracePeriodSeconds"), munged.get("terminationGracePeriodSeconds")
    if isinstance(ogr, int) and ogr < 0 and mgr == 1:
        munged["terminationGracePeriodSeconds"] = ogr
    if old_gates:
        if munged.get("nodeSelector") != os_.get("nodeSelector"):
            nsel, osel = _d(munged.get("nodeSelector")), _d(os_.get("nodeSelector"))
            if any(nsel.get(k) != x for k, x in osel.items()):
                out.append(v.invalid("spec.nodeSelector", nsel, "only additions to spec.nodeSelector are allowed "
                                                                "(no mutations or deletions)"))
            if "nodeSelector" in os_:
                munged["nodeSelector"] = os_["nodeSelector"]
            else:
                munged.pop("nodeSelector", None)
    if binding and not os_.get("nodeName") and ns.get("nodeName"):
        munged["nodeName"] = os_.get("nodeName")
        if "nodeName" not in os_:
            munged.pop("nodeName", None)
    if munged != os_:
        diff = "\n".join(_spec_diff(os_, munged))
        out.append(v.forbidden("spec", f"pod updates may not change fields other than {POD_UPDATABLE}\n{diff}"))
    return out


def _same_toleration(old: Obj, new: Obj) -> bool:
    a = {k: x for k, x in old.items() if k != "tolerationSeconds"}
    b = {k: x for k, x in new.items() if k != "tolerationSeconds"}
    return a == b


def _validate_container_state_transitions(new: list, old: list, path: str, restart: Any,
                                          init_spec: list | None = None) -> list[Cause]:
    out: list[Cause] = []
    if restart == "Always":
        return out
    restartable = {_d(c).get("name") for c in init_spec or () if _d(c).get("restartPolicy") == "Always"}
    for i, os_ in enumerate(old):
        os_ = _d(os_)
        term = _d(os_.get("state")).get("terminated")
        if term is None:
            continue
        if _d(term).get("exitCode", 0) != 0 and restart == "OnFailure":
            continue
        if os_.get("name") in restartable:
            continue
        for ns in new:
            ns = _d(ns)
            if ns.get("name") == os_.get("name") and _d(ns.get("state")).get("terminated") is None:
                out.append(v.forbidden(f"{path}[{i}].state", "may not be transitioned to non-terminated state"))
    return out


def _validate_ips(ips: list, path: str, status_ip: str | None = None) -> list[Cause]:
    out: list[Cause] = []
    addrs = [_d(x).get("ip", "") for x in ips]
    for i, ip in enumerate(addrs):
        out.extend(v.invalid(f"{path}[{i}]", ip, m) for m in v.is_valid_ip(ip))
    if len(addrs) > 1:
        fams = {":" in a for a in addrs}
        if len(fams) != 2 or len(addrs) > 2:
            out.append(v.invalid(path, ips, "may specify no more than one IP for each IP family"))
        seen: set[str] = set()
        for i, a in enumerate(addrs):
            if a in seen:
                out.append(v.duplicate(f"{path}[{i}]", ips[i]))
            seen.add(a)
    return out


_POD_FIELDS = ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
               "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName")


@register("", "Pod")
class PodStrategy(Strategy):
    return_deleted_object = True
    field_labels = _POD_FIELDS

    def default(self, obj: Obj) -> None:
        default_pod(obj)

    def prepare_for_create(self, obj: Obj) -> None:
        self._write = "create"
        default_pod(obj)
        obj["metadata"]["generation"] = 1
        obj["status"] = {"phase": "Pending", "qosClass": pod_qos_class(obj)}
        spec = _d(obj.get("spec"))
        if _l(spec.get("schedulingGates")):
            obj["status"]["conditions"] = [{"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                                            "lastTransitionTime": None, "reason": "SchedulingGated",
                                            "message": "Scheduling is blocked due to non-empty scheduling gates"}]
        _mutate_pod_affinity(obj)

    def prepare_for_status_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_status_update(obj, old)
        status, ostatus = obj.get("status"), _d(old.get("status"))
        if isinstance(status, dict):
            if not status.get("qosClass") and ostatus.get("qosClass"):
                status["qosClass"] = ostatus["qosClass"]
            if not status.get("observedGeneration") and ostatus.get("observedGeneration"):
                status["observedGeneration"] = ostatus["observedGeneration"]

    # The registry does not tell a strategy which write it validates. Its steps run without a suspension
    # between prepare_for_* and validate*, so the prepare step leaves a note for the validation that follows:
    # "create", "update" (main resource) or "" (a subresource: binding, ephemeralcontainers, resize).
    _write: str = ""
    _validating: str = ""

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        self._write = "update"

    def validate(self, obj: Obj) -> list[Cause]:
        self._validating, self._write = self._write, ""
        out = super().validate(obj)
        out.extend(v.validate_pod_create_spec(obj))
        if self._validating == "create":
            spec = _d(obj.get("spec"))
            if _l(spec.get("ephemeralContainers")):
                out.append(v.forbidden("spec.ephemeralContainers", "cannot be set on create"))
            if spec.get("nodeName") and _l(spec.get("schedulingGates")):
                out.append(v.forbidden("spec.nodeName", "cannot be set until all schedulingGates have been "
                                                        "cleared"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        out.extend(_validate_pod_annotation_updates(obj, old))
        write, self._validating = self._validating, ""
        if write == "update":
            return out + validate_pod_update(obj, old)
        new_spec, old_spec = _d(obj.get("spec")), _d(old.get("spec"))
        if new_spec.get("ephemeralContainers") != old_spec.get("ephemeralContainers"):
            return out + _validate_ephemeral_update(obj, old)
        if new_spec.get("nodeName") != old_spec.get("nodeName"):
            return out + validate_pod_update(obj, old, binding=True)
        return out + _validate_pod_resize(obj, old)

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        status, ostatus = _d(obj.get("status")), _d(old.get("status"))
        out: list[Cause] = []
        for i, c in enumerate(_l(status.get("conditions"))):
            t = _d(c).get("type", "")
            if t not in ("PodScheduled", "Ready", "Initialized"):
                out.extend(v.validate_qualified_name(t if isinstance(t, str) else "", f"metadata.conditions[{i}].Type"))
        if _d(obj.get("spec")).get("nodeName") != _d(old.get("spec")).get("nodeName"):
            out.append(v.forbidden("status.nodeName", "may not be changed directly"))
        nnn = status.get("nominatedNodeName")
        if nnn and nnn != ostatus.get("nominatedNodeName") and isinstance(nnn, str):
            out.extend(v.invalid("status.nominatedNodeName", nnn, m) for m in v.dns1123_subdomain(nnn))
        if status.get("qosClass", "") != ostatus.get("qosClass", ""):
            out.append(v.immutable("status.qosClass", status.get("qosClass", "")))
        restart = _d(old.get("spec")).get("restartPolicy")
        out.extend(_validate_container_state_transitions(_l(status.get("containerStatuses")),
                                                         _l(ostatus.get("containerStatuses")),
                                                         "status.containerStatuses", restart))
        out.extend(_validate_container_state_transitions(_l(status.get("initContainerStatuses")),
                                                         _l(ostatus.get("initContainerStatuses")),
                                                         "status.initContainerStatuses", restart,
                                                         _l(_d(old.get("spec")).get("initContainers"))))
        out.extend(_validate_container_state_transitions(_l(status.get("ephemeralContainerStatuses")),
                                                         _l(ostatus.get("ephemeralContainerStatuses")),
                                                         "status.ephemeralContainerStatuses", "Never"))
        out.extend(_validate_ips(_l(status.get("podIPs")), "status.podIPs"))
        host_ips = _l(status.get("hostIPs"))
        if host_ips:
            if status.get("hostIP") != _d(host_ips[0]).get("ip"):
                out.append(v.invalid("status.hostIPs[0].ip", _d(host_ips[0]).get("ip", ""), "must be equal to "
                                                                                            "`hostIP`"))
            out.extend(_validate_ips(host_ips, "status.hostIPs"))
        return out

    def warnings(self, obj: Obj, old: Obj | None) -> list[str]:
        if old is not None:
            return []
        name = _d(obj.get("metadata")).get("name", "")
        msgs = v.is_dns1123_label(name) if isinstance(name, str) else []
        if msgs:
            return ["metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a "
                    f"DNS label is recommended: [{' '.join(msgs)}]"]
        return []

    def field_values(self, obj: Obj) -> dict[str, str]:
        spec, status = _d(obj.get("spec")), _d(obj.get("status"))
        ips = _l(status.get("podIPs"))
        return {
            "spec.nodeName": spec.get("nodeName") or "",
            "spec.restartPolicy": spec.get("restartPolicy") or "",
            "spec.schedulerName": spec.get("schedulerName") or "",
            "spec.serviceAccountName": spec.get("serviceAccountName") or "",
            "spec.hostNetwork": "true" if spec.get("hostNetwork") else "false",
            "status.phase": status.get("phase") or "",
            "status.podIP": (_d(ips[0]).get("ip") or "") if ips else "",
            "status.podIPs": "",
            "status.nominatedNodeName": status.get("nominatedNodeName") or "",
        }

    def grace_period(self, obj: Obj, requested: int | None) -> int:
        spec = _d(obj.get("spec"))
        if requested is not None:
            period = requested
        else:
            period = spec.get("terminationGracePeriodSeconds") or 0
        if not spec.get("nodeName"):
            period = 0
        if _d(obj.get("status")).get("phase") in ("Failed", "Succeeded"):
            period = 0
        if period < 0:
            period = 1
        return period


def _validate_pod_resize(new: Obj, old: Obj) -> list[Cause]:
    """Upstream ValidatePodResize: only cpu and memory of (sidecar and regular) containers may change."""
    meta = _d(old.get("metadata"))
    ns, os_ = _d(new.get("spec")), _d(old.get("spec"))
    if "kubernetes.io/config.mirror" in _d(meta.get("annotations")):
        return [v.forbidden("", "static pods cannot be resized")]
    if _d(os_.get("os")).get("name") == "windows":
        return [v.forbidden("", "windows pods cannot be resized")]
    out: list[Cause] = []
    if len(_l(ns.get("containers"))) != len(_l(os_.get("containers"))) or \
            len(_l(ns.get("initContainers"))) != len(_l(os_.get("initContainers"))):
        return validate_pod_update(new, old)
    if pod_qos_class(old) != pod_qos_class(new):
        out.append(v.invalid("spec", _d(new.get("status")).get("qosClass", ""), "Pod QOS Class may not change as a "
                                                                                 "result of resizing"))
    munged = dict(ns)
    for key in ("containers", "initContainers"):
        fixed = []
        for i, (c, oc) in enumerate(zip(_l(ns.get(key)), _l(os_.get(key)), strict=True)):
            c, oc = _d(c), _d(oc)
            if key == "initContainers" and oc.get("restartPolicy") != "Always":
                fixed.append(c)
                continue
            nres, ores = _d(c.get("resources")), _d(oc.get("resources"))
            rp = f"spec.{key}[{i}].resources"
            for which in ("requests", "limits"):
                if any(k not in _d(nres.get(which)) for k in _d(ores.get(which))):
                    out.append(v.forbidden(f"{rp}.{which}", f"resource {which} cannot be removed"))
            mem_policy = next((_d(p).get("restartPolicy") for p in _l(c.get("resizePolicy"))
                               if _d(p).get("resourceName") == "memory"), "")
            if mem_policy in ("", "NotRequired"):
                nl, ol = v.parse_q(_d(nres.get("limits")).get("memory")), v.parse_q(_d(ores.get("limits")).get("memory"))
                if nl is not None and ol is not None and nl.cmp(ol) < 0:
                    out.append(v.forbidden(f"{rp}.limits[memory]", "memory limits cannot be decreased unless "
                                                                   "resizePolicy is RestartContainer"))
                elif nl is not None and ol is None:
                    out.append(v.forbidden(f"{rp}.limits[memory]", "memory limits cannot be added unless "
                                                                   "resizePolicy is RestartContainer"))
            res = {}
            for which in ("limits", "requests"):
                if which not in ores:
                    continue
                rl = {k: x for k, x in _d(nres.get(which)).items() if k not in ("cpu", "memory")}
                for k in ("cpu", "memory"):
                    if k in _d(ores.get(which)):
                        rl[k] = ores[which][k]
                res[which] = rl
            c = dict(c, resources=res) if res or "resources" in oc else {k: x for k, x in c.items() if k != "resources"}
            if "resizePolicy" in oc:
                c["resizePolicy"] = oc["resizePolicy"]
            else:
                c.pop("resizePolicy", None)
            if c != oc:
                out.append(v.forbidden("spec", "only cpu and memory resources are mutable"))
            fixed.append(c)
        if key in munged:
            munged[key] = fixed
    if out:
        return out
    if munged != os_:
        out.append(v.forbidden("spec", "only cpu and memory resources are mutable"))
    return out


def _validate_pod_annotation_updates(new: Obj, old: Obj) -> list[Cause]:
    na = _d(_d(new.get("metadata")).get("annotations"))
    oa = _d(_d(old.get("metadata")).get("annotations"))
    out: list[Cause] = []
    prefix = "container.apparmor.security.beta.kubernetes.io/"
    for k, ov in oa.items():
        if na.get(k) == ov and k in na:
            continue
        if k.startswith(prefix):
            out.append(v.forbidden(f"metadata.annotations[{k}]", "may not remove or update AppArmor annotations"))
        if k == "kubernetes.io/config.mirror":
            out.append(v.forbidden(f"metadata.annotations[{k}]", "may not remove or update mirror pod annotation"))
    for k in na:
        if k in oa:
            continue
        if k.startswith(prefix):
            out.append(v.forbidden(f"metadata.annotations[{k}]", "may not add AppArmor annotations"))
        if k == "kubernetes.io/config.mirror":
            out.append(v.forbidden(f"metadata.annotations[{k}]", "may not add mirror pod annotation"))
    return out


def _validate_ephemeral_update(new: Obj, old: Obj) -> list[Cause]:
    if "kubernetes.io/config.mirror" in _d(_d(old.get("metadata")).get("annotations")):
        return [v.forbidden("", "static pods do not support ephemeral containers")]
    out: list[Cause] = []
    by_name = {_d(c).get("name"): c for c in _l(_d(new.get("spec")).get("ephemeralContainers"))}
    for oc in _l(_d(old.get("spec")).get("ephemeralContainers")):
        name = _d(oc).get("name")
        nc = by_name.get(name)
        if nc is None:
            out.append(v.forbidden("spec.ephemeralContainers", f"existing ephemeral containers "
                                                               f"{v.go_value(name)} may not be removed\n"))
        elif nc != oc:
            out.append(v.forbidden("spec.ephemeralContainers", f"existing ephemeral containers {v.go_value(name)} "
                                                               "may not be changed\n" +
                                   "\n".join(_spec_diff(oc, nc))))
    return out


# ---------------------------------------------------------------------------
# Pod templates and replication controllers


@register("", "PodTemplate")
class PodTemplateStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        default_pod_template(_d(obj.get("template")))

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + v.validate_pod_template_spec(obj.get("template"), "template")

    def spec_changed(self, obj: Obj, old: Obj) -> bool:
        return obj.get("template") != old.get("template")


def validate_rc_spec(spec: Obj, path: str) -> list[Cause]:
    """Upstream ValidateReplicationControllerSpec."""
    out = v.validate_nonnegative(spec.get("minReadySeconds"), f"{path}.minReadySeconds")
    selector = _d(spec.get("selector"))
    if not selector:
        out.append(v.required(f"{path}.selector"))
    out.extend(v.validate_nonnegative(spec.get("replicas"), f"{path}.replicas"))
    template = spec.get("template")
    tp = f"{path}.template"
    if not isinstance(template, dict):
        out.append(v.required(tp))
        return out
    labels = _d(_d(template.get("metadata")).get("labels"))
    if selector and any(labels.get(k) != x for k, x in selector.items()):
        out.append(v.invalid(f"{tp}.metadata.labels", labels, "`selector` does not match template `labels`"))
    out.extend(v.validate_pod_template_spec(template, tp))
    tspec = _d(template.get("spec"))
    if tspec.get("restartPolicy") != "Always":
        out.append(v.not_supported(f"{tp}.spec.restartPolicy", tspec.get("restartPolicy", ""), ("Always",)))
    if tspec.get("activeDeadlineSeconds") is not None:
        out.append(v.forbidden(f"{tp}.spec.activeDeadlineSeconds", "activeDeadlineSeconds in ReplicationController "
                                                                   "is not Supported"))
    return out


def validate_replica_status(status: Obj, path: str = "status", fully_labeled: bool = True) -> list[Cause]:
    """Upstream ValidateReplicationControllerStatus (ReplicaSets share the rules)."""
    out: list[Cause] = []
    fields = ["replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"]
    if not fully_labeled:
        fields.remove("fullyLabeledReplicas")
    for f in fields:
        out.extend(v.validate_nonnegative(status.get(f), f"{path}.{f}"))
    n = status.get("replicas", 0) or 0
    msg = "cannot be greater than status.replicas"
    for f in ("fullyLabeledReplicas", "readyReplicas", "availableReplicas"):
        x = status.get(f, 0) or 0
        if isinstance(x, int) and isinstance(n, int) and x > n:
            out.append(v.invalid(f"{path}.{f}", x, msg))
    ready, avail = status.get("readyReplicas", 0) or 0, status.get("availableReplicas", 0) or 0
    if isinstance(ready, int) and isinstance(avail, int) and avail > ready:
        out.append(v.invalid(f"{path}.availableReplicas", avail, "cannot be greater than readyReplicas"))
    return out


@register("", "ReplicationController")
class ReplicationControllerStrategy(Strategy):
    field_labels = ("status.replicas",)

    def default(self, obj: Obj) -> None:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            spec = obj["spec"] = {}
        template = spec.get("template")
        labels = _d(template.get("metadata")).get("labels") if isinstance(template, dict) else None
        if labels:
            if not spec.get("selector"):
                spec["selector"] = dict(labels)
            meta = obj.setdefault("metadata", {})
            if not meta.get("labels"):
                meta["labels"] = dict(labels)
        if spec.get("replicas") is None:
            spec["replicas"] = 1
        if isinstance(template, dict):
            default_pod_template(template)

    def prepare_for_create(self, obj: Obj) -> None:
        obj["metadata"]["generation"] = 1
        obj["status"] = {"replicas": 0}

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_rc_spec(_d(obj.get("spec")), "spec")

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return validate_replica_status(_d(obj.get("status")))

    def field_values(self, obj: Obj) -> dict[str, str]:
        return {"status.replicas": str(_d(obj.get("status")).get("replicas", 0))}


# ---------------------------------------------------------------------------
# Services


def _externally_accessible(spec: Obj) -> bool:
    t = spec.get("type")
    return t in ("LoadBalancer", "NodePort") or (t == "ClusterIP" and bool(_l(spec.get("externalIPs"))))


def default_service(obj: Obj) -> None:
    """Upstream SetDefaults_Service."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        cfg = spec.get("sessionAffinityConfig")
        if not _d(_d(cfg).get("clientIP")).get("timeoutSeconds"):
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for p in _l(spec.get("ports")):
        if not isinstance(p, dict):
            continue
        if not p.get("protocol"):
            p["protocol"] = "TCP"
        if p.get("targetPort") in (None, 0, ""):
            p["targetPort"] = p.get("port", 0)
    if _externally_accessible(spec) and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and spec["type"] in ("NodePort", "LoadBalancer", "ClusterIP"):
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] == "LoadBalancer":
        if spec.get("allocateLoadBalancerNodePorts") is None:
            spec["allocateLoadBalancerNodePorts"] = True
        for ing in _l(_d(_d(obj.get("status")).get("loadBalancer")).get("ingress")):
            if isinstance(ing, dict) and ing.get("ip") and ing.get("ipMode") is None:
                ing["ipMode"] = "VIP"


def _headless(spec: Obj) -> bool:
    ips = _l(spec.get("clusterIPs"))
    return len(ips) == 1 and ips[0] == "None"


def validate_service_spec(obj: Obj) -> list[Cause]:
    """Upstream ValidateService past its metadata."""
    spec = _d(obj.get("spec"))
    meta = _d(obj.get("metadata"))
    ann = _d(meta.get("annotations"))
    out: list[Cause] = []
    hints, mode = ann.get("service.kubernetes.io/topology-aware-hints"), ann.get("service.kubernetes.io/topology-mode")
    if hints is not None and mode is not None and hints != mode:
        out.append(v.invalid("metadata.annotations[service.kubernetes.io/topology-mode]", mode,
                             "must match annotations[service.kubernetes.io/topology-aware-hints] when both are "
                             "specified"))
    t = spec.get("type")
    ports = _l(spec.get("ports"))
    headless = _headless(spec)
    if not ports and not headless and t != "ExternalName":
        out.append(v.required("spec.ports"))
    if t in ("LoadBalancer", "NodePort") and headless:
        out.append(v.invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {t} services"))
    elif t == "ExternalName":
        if _l(spec.get("clusterIPs")):
            out.append(v.forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
        if _l(spec.get("ipFamilies")):
            out.append(v.forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
        if spec.get("ipFamilyPolicy") is not None:
            out.append(v.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
        cname = str(spec.get("externalName") or "")
        cname = cname[:-1] if cname.endswith(".") else cname
        if cname:
            out.extend(v.validate_dns1123_subdomain(cname, "spec.externalName"))
        else:
            out.append(v.required("spec.externalName"))
    names: set[str] = set()
    for i, p in enumerate(ports):
        out.extend(_validate_service_port(_d(p), len(ports) > 1, names, f"spec.ports[{i}]"))
    if spec.get("selector") is not None:
        out.extend(v.validate_labels(spec["selector"], "spec.selector"))
    sa = spec.get("sessionAffinity")
    if not sa:
        out.append(v.required("spec.sessionAffinity"))
    elif sa not in ("ClientIP", "None"):
        out.append(v.not_supported("spec.sessionAffinity", sa, ("ClientIP", "None")))
    if sa == "ClientIP":
        cfg = spec.get("sessionAffinityConfig")
        cp = "spec.sessionAffinityConfig"
        if cfg is None:
            out.append(v.required(cp, "when session affinity type is ClientIP"))
        elif _d(cfg).get("clientIP") is None:
            out.append(v.required(f"{cp}.clientIP", "when session affinity type is ClientIP"))
        else:
            to = _d(_d(cfg)["clientIP"]).get("timeoutSeconds")
            if to is None:
                out.append(v.required(f"{cp}.clientIP.timeoutSeconds", "when session affinity type is ClientIP"))
            elif not isinstance(to, int) or to <= 0 or to > 86400:
                out.append(v.invalid(f"{cp}.clientIP.timeoutSeconds", to, "must be greater than 0 and less than "
                                                                          "86400"))
    elif sa == "None" and spec.get("sessionAffinityConfig") is not None:
        out.append(v.forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"))
    out.extend(_validate_cluster_ips(spec))
    for i, ip in enumerate(_l(spec.get("externalIPs"))):
        ip = ip if isinstance(ip, str) else ""
        errs = [v.invalid(f"spec.externalIPs[{i}]", ip, m) for m in v.is_valid_ip(ip)]
        out.extend(errs or _validate_non_special_ip(ip, f"spec.externalIPs[{i}]"))
    if not t:
        out.append(v.required("spec.type"))
    elif t not in ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort"):
        out.append(v.not_supported("spec.type", t, ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")))
    if t == "ClusterIP":
        for i, p in enumerate(ports):
            if _d(p).get("nodePort"):
                out.append(v.forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"))
    node_ports: set[tuple] = set()
    for i, p in enumerate(ports):
        p = _d(p)
        if not p.get("nodePort"):
            continue
        key = (p.get("protocol"), p.get("nodePort"))
        if key in node_ports:
            out.append(v.duplicate(f"spec.ports[{i}].nodePort", p.get("nodePort")))
        node_ports.add(key)
    seen: set[tuple] = set()
    for i, p in enumerate(ports):
        p = _d(p)
        key = (p.get("protocol", ""), p.get("port", 0))
        if key in seen:
            out.append(v.duplicate(f"spec.ports[{i}]", f"{{{key[0]} {key[1]}}}"))
        seen.add(key)
    ranges = _l(spec.get("loadBalancerSourceRanges"))
    if ranges:
        if t != "LoadBalancer":
            out.append(v.forbidden("spec.LoadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'"))
        for i, r in enumerate(ranges):
            out.extend(_validate_cidr(str(r).strip(), f"spec.LoadBalancerSourceRanges[{i}]"))
    if spec.get("allocateLoadBalancerNodePorts") is not None and t != "LoadBalancer":
        out.append(v.forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is "
                                                                     "'LoadBalancer'"))
    if t == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        out.append(v.required("allocateLoadBalancerNodePorts"))
    lbc = spec.get("loadBalancerClass")
    if lbc is not None:
        if t == "LoadBalancer":
            out.extend(v.validate_qualified_name(str(lbc), "spec.loadBalancerClass"))
        else:
            out.append(v.forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"))
    etp = spec.get("externalTrafficPolicy", "")
    if not _externally_accessible(spec):
        if etp:
            out.append(v.invalid("spec.externalTrafficPolicy", etp, "may only be set for externally-accessible "
                                                                    "services"))
    elif not etp:
        out.append(v.required("spec.externalTrafficPolicy"))
    elif etp not in ("Cluster", "Local"):
        out.append(v.not_supported("spec.externalTrafficPolicy", etp, ("Cluster", "Local")))
    hc = spec.get("healthCheckNodePort", 0) or 0
    if not (t == "LoadBalancer" and etp == "Local"):
        if hc:
            out.append(v.invalid("spec.healthCheckNodePort", hc, "may only be set when `type` is 'LoadBalancer' and "
                                                                 "`externalTrafficPolicy` is 'Local'"))
    itp = spec.get("internalTrafficPolicy")
    if itp is None and t in ("NodePort", "LoadBalancer", "ClusterIP"):
        out.append(v.required("spec.internalTrafficPolicy"))
    if itp is not None and itp not in ("Cluster", "Local"):
        out.append(v.not_supported("spec.internalTrafficPolicy", itp, ("Cluster", "Local")))
    td = spec.get("trafficDistribution")
    if td is not None and td != "PreferClose":
        out.append(v.not_supported("spec.trafficDistribution", td, ("PreferClose",)))
    return out


def _validate_service_port(p: Obj, require_name: bool, names: set[str], path: str) -> list[Cause]:
    out: list[Cause] = []
    name = p.get("name") or ""
    if require_name and not name:
        out.append(v.required(f"{path}.name"))
    elif name:
        out.extend(v.validate_dns1123_label(str(name), f"{path}.name"))
        if name in names:
            out.append(v.duplicate(f"{path}.name", name))
        else:
            names.add(name)
    out.extend(v.invalid(f"{path}.port", p.get("port", 0), m) for m in v.is_valid_port_num(p.get("port", 0)))
    proto = p.get("protocol")
    if not proto:
        out.append(v.required(f"{path}.protocol"))
    elif proto not in v.PROTOCOLS:
        out.append(v.not_supported(f"{path}.protocol", proto, v.PROTOCOLS))
    out.extend(v.validate_port_num_or_name(p.get("targetPort"), f"{path}.targetPort"))
    if p.get("appProtocol") is not None:
        out.extend(v.validate_qualified_name(str(p["appProtocol"]), f"{path}.appProtocol"))
    return out


def _validate_cidr(value: str, path: str) -> list[Cause]:
    import ipaddress

    try:
        ipaddress.ip_network(value, strict=False)
        if "/" not in value:
            raise ValueError
        return []
    except ValueError:
        return [v.invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")]


def _validate_non_special_ip(ip: str, path: str) -> list[Cause]:
    import ipaddress

    addr = ipaddress.ip_address(ip)
    out: list[Cause] = []
    if addr.is_unspecified:
        out.append(v.invalid(path, ip, f"may not be unspecified ({ip})"))
    if addr.is_loopback:
        out.append(v.invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if addr.is_link_local:
        out.append(v.invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
    if addr.is_multicast and (str(addr).startswith("224.0.0.") or str(addr).lower().startswith("ff02:")):
        out.append(v.invalid(path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
    return out


def _validate_cluster_ips(spec: Obj) -> list[Cause]:
    if spec.get("type") == "ExternalName":
        return []
    out: list[Cause] = []
    cip, cips = spec.get("clusterIP") or "", _l(spec.get("clusterIPs"))
    if cip:
        if not cips:
            out.append(v.required("spec.clusterIPs"))
        elif cips[0] != cip:
            out.append(v.invalid("spec.clusterIPs", cips, "first value must match `clusterIP`"))
    elif cips:
        out.append(v.invalid("spec.clusterIPs", cips, "must be empty when `clusterIP` is not specified"))
    seen: set[Any] = set()
    for i, fam in enumerate(_l(spec.get("ipFamilies"))):
        if fam not in ("IPv4", "IPv6"):
            out.append(v.not_supported(f"spec.ipFamilies[{i}]", fam, ("IPv4", "IPv6")))
        if fam in seen:
            out.append(v.duplicate(f"spec.ipFamilies[{i}]", fam))
        seen.add(fam)
    pol = spec.get("ipFamilyPolicy")
    if pol is not None and pol not in ("PreferDualStack", "RequireDualStack", "SingleStack"):
        out.append(v.not_supported("spec.ipFamilyPolicy", pol, ("PreferDualStack", "RequireDualStack", "SingleStack")))
    bad = False
    for i, ip in enumerate(cips):
        if i == 0 and ip == "None":
            if len(cips) > 1:
                bad = True
                out.append(v.invalid("spec.clusterIPs", cips, "'None' must be the first and only value"))
            continue
        errs = [v.invalid(f"spec.clusterIPs[{i}]", ip, m) for m in v.is_valid_ip(ip if isinstance(ip, str) else "")]
        bad = bad or bool(errs)
        out.extend(errs)
    if len(cips) > 2:
        out.append(v.invalid("spec.clusterIPs", cips, "may only hold up to 2 values"))
    if bad:
        return out
    if len(cips) > 1 and len({":" in ip for ip in cips}) != 2:
        out.append(v.invalid("spec.clusterIPs", cips, "may specify no more than one IP for each IP family"))
    fams = _l(spec.get("ipFamilies"))
    if not _headless(spec):
        for i, ip in enumerate(cips[:len(fams)]):
            if fams[i] == "IPv4" and ":" in ip:
                out.append(v.invalid(f"spec.clusterIPs[{i}]", ip, f"expected an IPv4 value as indicated by "
                                                                  f"`ipFamilies[{i}]`"))
            if fams[i] == "IPv6" and ":" not in ip:
                out.append(v.invalid(f"spec.clusterIPs[{i}]", ip, f"expected an IPv6 value as indicated by "
                                                                  f"`ipFamilies[{i}]`"))
    return out


def _validate_service_update(new: Obj, old: Obj) -> list[Cause]:
    ns, os_ = _d(new.get("spec")), _d(old.get("spec"))
    out: list[Cause] = []
    if ns.get("type") == "ExternalName" or os_.get("type") == "ExternalName":
        return out
    nips, oips = _l(ns.get("clusterIPs")), _l(os_.get("clusterIPs"))
    if not (_headless(ns) and _headless(os_)):
        if len(nips) == len(oips):
            for i, ip in enumerate(oips):
                if ip != nips[i]:
                    out.append(v.invalid(f"spec.clusterIPs[{i}]", nips, "may not change once set"))
        elif len(oips) > len(nips):
            if not nips:
                out.append(v.invalid("spec.clusterIPs[0]", nips, "primary clusterIP can not be unset"))
            elif oips and nips[0] != oips[0]:
                out.append(v.invalid("spec.clusterIPs[0]", nips, "may not change once set"))
            if len(nips) == 1 and ns.get("ipFamilyPolicy") != "SingleStack":
                out.append(v.invalid("spec.ipFamilyPolicy", ns.get("ipFamilyPolicy"), "must be set to 'SingleStack' "
                                                                                       "when releasing the secondary "
                                                                                       "clusterIP"))
        elif oips and nips[0] != oips[0]:
            out.append(v.invalid("spec.clusterIPs[0]", nips, "may not change once set"))
    if _headless(ns) == _headless(os_) and not _headless(ns):
        nf, of = _l(ns.get("ipFamilies")), _l(os_.get("ipFamilies"))
        if len(nf) == len(of) and nf != of:
            out.append(v.invalid("spec.ipFamilies[0]", nf, "may not change once set"))
        elif len(of) > len(nf) and nf and nf[0] != of[0]:
            out.append(v.invalid("spec.ipFamilies[0]", nips, "may not change once set"))
    if ns.get("type") == "LoadBalancer" and os_.get("type") == "LoadBalancer" and \
            ns.get("loadBalancerClass") != os_.get("loadBalancerClass"):
        out.append(v.invalid("spec.loadBalancerClass", ns.get("loadBalancerClass"), "may not change once set"))
    need_hc = (ns.get("type") == "LoadBalancer" and ns.get("externalTrafficPolicy") == "Local")
    old_hc = (os_.get("type") == "LoadBalancer" and os_.get("externalTrafficPolicy") == "Local")
    if need_hc and old_hc and ns.get("healthCheckNodePort") != os_.get("healthCheckNodePort"):
        out.append(v.forbidden("spec.healthCheckNodePort", "field is immutable"))
    return out


def _needs_node_port(spec: Obj) -> bool:
    t = spec.get("type")
    if t == "NodePort":
        return True
    return t == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts", True) is not False


@register("", "Service")
class ServiceStrategy(Strategy):
    name_validator = staticmethod(v.dns1035_label)
    allow_create_on_update = True
    return_deleted_object = True
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        default_service(obj)

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {"loadBalancer": {}}
        spec = obj.get("spec")
        if isinstance(spec, dict) and spec.get("clusterIP") and not spec.get("clusterIPs"):
            spec["clusterIPs"] = [spec["clusterIP"]]

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        default_service(obj)
        ns, os_ = _d(obj.get("spec")), _d(old.get("spec"))
        # Upstream's REST fills in what was allocated when the client left it out (kubectl apply, PUT).
        if ns.get("type") != "ExternalName" and os_.get("type") != "ExternalName":
            if not ns.get("clusterIP") and os_.get("clusterIP"):
                ns["clusterIP"] = os_["clusterIP"]
            if not ns.get("clusterIPs") and os_.get("clusterIPs"):
                ns["clusterIPs"] = list(os_["clusterIPs"])
            if not ns.get("ipFamilies") and os_.get("ipFamilies"):
                ns["ipFamilies"] = list(os_["ipFamilies"])
            if ns.get("ipFamilyPolicy") is None and os_.get("ipFamilyPolicy") is not None:
                ns["ipFamilyPolicy"] = os_["ipFamilyPolicy"]
        if _needs_node_port(os_) and _needs_node_port(ns):
            old_ports = {_d(p).get("name", ""): _d(p).get("nodePort") for p in _l(os_.get("ports"))}
            used = {_d(p).get("nodePort") for p in _l(os_.get("ports"))} & \
                {_d(p).get("nodePort") for p in _l(ns.get("ports"))}
            for p in _l(ns.get("ports")):
                if isinstance(p, dict) and not p.get("nodePort"):
                    prev = old_ports.get(p.get("name", ""))
                    if prev and prev not in used:
                        p["nodePort"] = prev
        if os_.get("healthCheckNodePort") and not ns.get("healthCheckNodePort") and \
                ns.get("type") == "LoadBalancer" and ns.get("externalTrafficPolicy") == "Local":
            ns["healthCheckNodePort"] = os_["healthCheckNodePort"]
        self._drop_type_dependent(ns, os_)
        if ns.get("clusterIP") != os_.get("clusterIP") and ns.get("clusterIPs") == os_.get("clusterIPs"):
            if ns.get("clusterIP"):
                ns["clusterIPs"] = [ns["clusterIP"]]
            else:
                ns.pop("clusterIPs", None)

    @staticmethod
    def _drop_type_dependent(ns: Obj, os_: Obj) -> None:
        if os_.get("type") != "ExternalName" and ns.get("type") == "ExternalName":
            if ns.get("clusterIP") == os_.get("clusterIP") and ns.get("clusterIPs") == os_.get("clusterIPs"):
                ns.pop("clusterIP", None)
                ns.pop("clusterIPs", None)
            if ns.get("ipFamilies") == os_.get("ipFamilies"):
                ns.pop("ipFamilies", None)
            if ns.get("ipFamilyPolicy") == os_.get("ipFamilyPolicy"):
                ns.pop("ipFamilyPolicy", None)
        if _needs_node_port(os_) and not _needs_node_port(ns):
            if [_d(p).get("nodePort") for p in _l(ns.get("ports"))] == \
                    [_d(p).get("nodePort") for p in _l(os_.get("ports"))][:len(_l(ns.get("ports")))]:
                for p in _l(ns.get("ports")):
                    if isinstance(p, dict):
                        p.pop("nodePort", None)
        old_hc = os_.get("type") == "LoadBalancer" and os_.get("externalTrafficPolicy") == "Local"
        new_hc = ns.get("type") == "LoadBalancer" and ns.get("externalTrafficPolicy") == "Local"
        if old_hc and not new_hc and ns.get("healthCheckNodePort") == os_.get("healthCheckNodePort"):
            ns.pop("healthCheckNodePort", None)
        if ns.get("type") != "LoadBalancer":
            ns.pop("allocateLoadBalancerNodePorts", None)
            if os_.get("type") == "LoadBalancer" and ns.get("loadBalancerClass") == os_.get("loadBalancerClass"):
                ns.pop("loadBalancerClass", None)
        if not _externally_accessible(ns):
            ns.pop("externalTrafficPolicy", None)
        if ns.get("type") == "ExternalName" and os_.get("type") != "ExternalName" and \
                ns.get("internalTrafficPolicy") == os_.get("internalTrafficPolicy"):
            ns.pop("internalTrafficPolicy", None)

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_service_spec(obj)

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return super().validate_update(obj, old) + _validate_service_update(obj, old)

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out: list[Cause] = []
        spec = _d(obj.get("spec"))
        ingress = _l(_d(_d(obj.get("status")).get("loadBalancer")).get("ingress"))
        if spec.get("type") != "LoadBalancer" and ingress:
            return [v.forbidden("status.loadBalancer.ingress", "may only be used when `spec.type` is 'LoadBalancer'")]
        for i, ing in enumerate(ingress):
            ing = _d(ing)
            p = f"status.loadBalancer.ingress[{i}]"
            ip = ing.get("ip") or ""
            if ip:
                out.extend(v.invalid(f"{p}.ip", ip, m) for m in v.is_valid_ip(ip))
            mode = ing.get("ipMode")
            if mode is None and ip:
                out.append(v.required(f"{p}.ipMode", "must be specified when `ip` is set"))
            elif mode is not None and not ip:
                out.append(v.forbidden(f"{p}.ipMode", "may not be specified when `ip` is not set"))
            elif mode is not None and mode not in ("Proxy", "VIP"):
                out.append(v.not_supported(f"{p}.ipMode", mode, ("Proxy", "VIP")))
            host = ing.get("hostname") or ""
            if host:
                out.extend(v.validate_dns1123_subdomain(host, f"{p}.hostname"))
                if not v.is_valid_ip(host):
                    out.append(v.invalid(f"{p}.hostname", host, "must be a DNS name, not an IP address"))
        return out


# ---------------------------------------------------------------------------
# Namespaces


@register("", "Namespace")
class NamespaceStrategy(Strategy):
    name_validator = staticmethod(v.dns1123_label)
    return_deleted_object = True
    tracks_generation = False
    field_labels = ("status.phase",)

    def default(self, obj: Obj) -> None:
        meta = obj.get("metadata")
        if isinstance(meta, dict) and meta.get("name"):
            labels = meta.get("labels")
            if not isinstance(labels, dict):
                labels = meta["labels"] = {}
            labels["kubernetes.io/metadata.name"] = meta["name"]
        status = obj.get("status")
        if isinstance(status, dict) and not status.get("phase"):
            status["phase"] = "Active"

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Active"}
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            spec = obj["spec"] = {}
        finalizers = _l(spec.get("finalizers"))
        if "kubernetes" not in finalizers:
            spec["finalizers"] = finalizers + ["kubernetes"]

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        if "spec" in old:
            obj["spec"] = old["spec"]
        else:
            obj.pop("spec", None)

    def prepare_for_status_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_status_update(obj, old)

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        for f in _l(_d(obj.get("spec")).get("finalizers")):
            out.extend(_validate_namespace_finalizer(f, "spec.finalizers"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        for i, f in enumerate(_l(_d(obj.get("spec")).get("finalizers"))):
            out.extend(_validate_namespace_finalizer(f, f"spec.finalizers[{i}]"))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        phase = _d(obj.get("status")).get("phase", "")
        if not _d(obj.get("metadata")).get("deletionTimestamp"):
            if phase != "Active":
                return [v.invalid("status.Phase", phase, "may only be 'Active' if `deletionTimestamp` is empty")]
        elif phase != "Terminating":
            return [v.invalid("status.Phase", phase, "may only be 'Terminating' if `deletionTimestamp` is not "
                                                     "empty")]
        return []

    def field_values(self, obj: Obj) -> dict[str, str]:
        return {"status.phase": _d(obj.get("status")).get("phase") or ""}

    def pending_finalizers(self, obj: Obj) -> list[str]:
        return super().pending_finalizers(obj) + [str(f) for f in _l(_d(obj.get("spec")).get("finalizers"))]

    def on_delete(self, obj: Obj) -> None:
        obj.setdefault("status", {})["phase"] = "Terminating"
        # Upstream's namespace REST sets only the deletion timestamp, no grace period.
        obj["metadata"].pop("deletionGracePeriodSeconds", None)


def _validate_namespace_finalizer(f: Any, path: str) -> list[Cause]:
    f = f if isinstance(f, str) else ""
    out = v.validate_qualified_name(f, path)
    if "/" not in f and f not in v.STANDARD_FINALIZERS:
        out.append(v.invalid(path, f, "name is neither a standard finalizer name nor is it fully qualified"))
    return out


# ---------------------------------------------------------------------------
# Secrets and ConfigMaps


def _b64_bytes(value: Any, kind: str) -> int:
    """Decoded length of a base64 wire value, as Go's []byte JSON decoding reads it."""
    if not isinstance(value, str):
        raise errors.bad_request(f'{kind} in version "v1" cannot be handled as a {kind}: illegal base64 data at '
                                 "input byte 0")
    s = value.replace("\r", "").replace("\n", "")
    try:
        return len(base64.b64decode(s, validate=True))
    except (binascii.Error, ValueError):
        pos = next((i for i, c in enumerate(s) if not (c.isalnum() and c.isascii()) and c not in "+/="), len(s))
        raise errors.bad_request(f'{kind} in version "v1" cannot be handled as a {kind}: illegal base64 data at '
                                 f"input byte {min(pos, max(len(s) - 1, 0)) if pos == len(s) else pos}") from None


def _data_keys(data: Any, path: str) -> list[Cause]:
    out: list[Cause] = []
    for key in _d(data):
        msgs = v.is_config_map_key(key)
        out.extend(v.invalid(f"{path}[{key}]", key, m) for m in msgs)
    return out


SECRET_TYPE_KEYS = {
    "kubernetes.io/dockercfg": ".dockercfg",
    "kubernetes.io/dockerconfigjson": ".dockerconfigjson",
}


@register("", "Secret")
class SecretStrategy(Strategy):
    tracks_generation = False
    field_labels = ("type",)

    def default(self, obj: Obj) -> None:
        if not obj.get("type"):
            obj["type"] = "Opaque"
        sd = obj.pop("stringData", None)
        if isinstance(sd, dict) and sd:
            data = obj.get("data")
            if not isinstance(data, dict):
                data = obj["data"] = {}
            for k, val in sd.items():
                data[k] = base64.b64encode(str(val).encode()).decode()

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        data = _d(obj.get("data"))
        out.extend(_data_keys(data, "data"))
        sizes = {k: _b64_bytes(x, "Secret") for k, x in data.items()}
        if sum(sizes.values()) > MAX_SECRET_SIZE:
            out.append(v.too_long("data", MAX_SECRET_SIZE))
        t = obj.get("type")
        if t == "kubernetes.io/service-account-token":
            ann = _d(_d(obj.get("metadata")).get("annotations"))
            if not ann.get("kubernetes.io/service-account.name"):
                out.append(v.required("metadata.annotations[kubernetes.io/service-account.name]"))
        elif t in SECRET_TYPE_KEYS:
            key = SECRET_TYPE_KEYS[t]
            if key not in data:
                out.append(v.required(f"data[{key}]"))
            else:
                out.extend(_validate_json_secret(data[key], f"data[{key}]"))
        elif t == "kubernetes.io/basic-auth":
            if "username" not in data and "password" not in data:
                out.append(v.required("data[username]"))
                out.append(v.required("data[password]"))
        elif t == "kubernetes.io/ssh-auth":
            if not sizes.get("ssh-privatekey"):
                out.append(v.required("data[ssh-privatekey]"))
        elif t == "kubernetes.io/tls":
            if "tls.crt" not in data:
                out.append(v.required("data[tls.crt]"))
            if "tls.key" not in data:
                out.append(v.required("data[tls.key]"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        if obj.get("type") != old.get("type"):
            out.append(v.immutable("type", obj.get("type", "")))
        if old.get("immutable") is True:
            if obj.get("immutable") is not True:
                out.append(v.forbidden("immutable", "field is immutable when `immutable` is set"))
            if _d(obj.get("data")) != _d(old.get("data")):
                out.append(v.forbidden("data", "field is immutable when `immutable` is set"))
        return out

    def field_values(self, obj: Obj) -> dict[str, str]:
        return {"type": obj.get("type") or ""}


def _validate_json_secret(value: Any, path: str) -> list[Cause]:
    import json

    try:
        raw = base64.b64decode(str(value).replace("\n", ""))
        parsed = json.loads(raw)
        if not isinstance(parsed, dict):
            raise ValueError("json: cannot unmarshal into Go value of type map[string]interface {}")
    except (ValueError, binascii.Error) as e:
        msg = str(e) if "json:" in str(e) else "invalid character looking for beginning of value"
        return [v.invalid(path, "<secret contents redacted>", msg)]
    return []


@register("", "ConfigMap")
class ConfigMapStrategy(Strategy):
    tracks_generation = False

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        data, binary = obj.get("data"), obj.get("binaryData")
        total = 0
        if data:
            data = _d(data)
            binary_keys = _d(binary)
            for key, value in data.items():
                if not (len(key) <= 253 and v._CONFIG_KEY_RE.fullmatch(key)) or key.startswith("..") or key == ".":
                    out.extend(v.invalid(f"data[{key}]", key, m) for m in v.is_config_map_key(key))
                if key in binary_keys:
                    out.append(v.invalid(f"data[{key}]", key, "duplicate of key present in binaryData"))
                if isinstance(value, str):
                    total += len(value) if value.isascii() else len(value.encode("utf-8", "surrogatepass"))
        if binary:
            for key, value in _d(binary).items():
                out.extend(v.invalid(f"binaryData[{key}]", key, m) for m in v.is_config_map_key(key))
                total += _b64_bytes(value, "ConfigMap")
        if total > MAX_SECRET_SIZE:
            out.append(v.too_long("[]", MAX_SECRET_SIZE))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        if old.get("immutable") is True:
            if obj.get("immutable") is not True:
                out.append(v.forbidden("immutable", "field is immutable when `immutable` is set"))
            if _d(obj.get("data")) != _d(old.get("data")):
                out.append(v.forbidden("data", "field is immutable when `immutable` is set"))
            if _d(obj.get("binaryData")) != _d(old.get("binaryData")):
                out.append(v.forbidden("binaryData", "field is immutable when `immutable` is set"))
        return out


@register("", "ServiceAccount")
class ServiceAccountStrategy(Strategy):
    return_deleted_object = True
    tracks_generation = False

    def prepare_for_create(self, obj: Obj) -> None:
        _clean_secret_references(obj)

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        _clean_secret_references(obj)


def _clean_secret_references(obj: Obj) -> None:
    secrets = obj.get("secrets")
    if isinstance(secrets, list):
        obj["secrets"] = [{"name": s["name"]} if isinstance(s, dict) and "name" in s else s for s in secrets]


# ---------------------------------------------------------------------------
# Nodes


@register("", "Node")
class NodeStrategy(Strategy):
    tracks_generation = False
    field_labels = ("spec.unschedulable",)

    def default(self, obj: Obj) -> None:
        status = obj.get("status")
        if isinstance(status, dict):
            if status.get("allocatable") is None and isinstance(status.get("capacity"), dict):
                status["allocatable"] = dict(status["capacity"])
            default_resource_list(status.get("capacity"))
            default_resource_list(status.get("allocatable"))

    def prepare_for_create(self, obj: Obj) -> None:
        """Nodes may set all fields, status included, on create (the kubelet registers with its status)."""

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        out.extend(_validate_node_annotations(obj))
        spec = _d(obj.get("spec"))
        if _l(spec.get("taints")):
            out.extend(v.validate_taints(spec["taints"], "metadata.taints"))
        out.extend(_validate_node_resources(obj))
        cidrs = _l(spec.get("podCIDRs"))
        for i, c in enumerate(cidrs):
            out.extend(_validate_cidr(str(c), f"spec.podCIDRs[{i}]"))
        if len(cidrs) > 1:
            if len({":" in str(c) for c in cidrs}) != 2 or len(cidrs) > 2:
                out.append(v.invalid("spec.podCIDRs", cidrs, "may specify no more than one CIDR for each IP family"))
            seen: set[Any] = set()
            for i, c in enumerate(cidrs):
                if c in seen:
                    out.append(v.duplicate(f"spec.podCIDRs[{i}]", c))
                seen.add(c)
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        out.extend(_validate_node_transitions(obj, old))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return _validate_node_resources(obj) + _validate_node_transitions(obj, old)

    def field_values(self, obj: Obj) -> dict[str, str]:
        return {"spec.unschedulable": "true" if _d(obj.get("spec")).get("unschedulable") else "false"}


def _validate_node_annotations(obj: Obj) -> list[Cause]:
    return []


def _validate_node_resources(obj: Obj) -> list[Cause]:
    out: list[Cause] = []
    status = _d(obj.get("status"))
    for which in ("capacity", "allocatable"):
        for name, val in _d(status.get(which)).items():
            p = f"status.{which}.{name}"
            q = v.parse_q(val)
            if q is None:
                out.append(v.invalid(p, str(val), v.QUANTITY_REGEX_ERROR))
            else:
                out.extend(v.validate_resource_quantity_value(name, q, p))
    return out


def _validate_node_transitions(obj: Obj, old: Obj) -> list[Cause]:
    out: list[Cause] = []
    spec, ospec = _d(obj.get("spec")), _d(old.get("spec"))
    seen: set[str] = set()
    for i, a in enumerate(_l(_d(obj.get("status")).get("addresses"))):
        key = repr(sorted(_d(a).items()))
        if key in seen:
            out.append(v.duplicate(f"status.addresses[{i}]", a))
        seen.add(key)
    ocidrs = _l(ospec.get("podCIDRs"))
    if ocidrs and _l(spec.get("podCIDRs")) != ocidrs:
        out.append(v.forbidden("spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid"))
    if ospec.get("providerID") and ospec.get("providerID") != spec.get("providerID"):
        out.append(v.forbidden("spec.providerID", "node updates may not change providerID except from \"\" to "
                                                  "valid"))
    if _l(spec.get("taints")):
        out.extend(v.validate_taints(spec["taints"], "metadata.taints"))
    if spec.get("externalID") != ospec.get("externalID"):
        out.append(v.forbidden("spec.externalID", "may not be updated"))
    return out


# ---------------------------------------------------------------------------
# Events and Endpoints


@register("", "Event")
class EventStrategy(Strategy):
    # core/v1 Events only get the generic name rule (a path segment) besides the legacy checks.
    name_validator = staticmethod(v.path_segment_name)
    allow_create_on_update = True
    tracks_generation = False
    field_labels = ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                    "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                    "reason", "reportingComponent", "source", "type")

    def validate(self, obj: Obj) -> list[Cause]:
        out = validate_legacy_event(obj)
        if not out:
            out = super().validate(obj)
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return validate_legacy_event(obj) + super().validate_update(obj, old)

    def field_values(self, obj: Obj) -> dict[str, str]:
        io = _d(obj.get("involvedObject"))
        source = _d(obj.get("source")).get("component") or obj.get("reportingComponent") or ""
        return {
            "involvedObject.kind": io.get("kind") or "",
            "involvedObject.namespace": io.get("namespace") or "",
            "involvedObject.name": io.get("name") or "",
            "involvedObject.uid": io.get("uid") or "",
            "involvedObject.apiVersion": io.get("apiVersion") or "",
            "involvedObject.resourceVersion": io.get("resourceVersion") or "",
            "involvedObject.fieldPath": io.get("fieldPath") or "",
            "reason": obj.get("reason") or "",
            "reportingComponent": obj.get("reportingComponent") or "",
            "source": source,
            "type": obj.get("type") or "",
        }


def validate_legacy_event(ev: Obj) -> list[Cause]:
    """Upstream legacyValidateEvent (what core/v1 Events must satisfy)."""
    out: list[Cause] = []
    ns = _d(ev.get("metadata")).get("namespace") or ""
    io_ns = _d(ev.get("involvedObject")).get("namespace") or ""
    if not ev.get("eventTime"):
        if not io_ns:
            if ns not in ("", "default"):
                out.append(v.invalid("involvedObject.namespace", io_ns, "does not match event.namespace"))
        elif ns != io_ns:
            out.append(v.invalid("involvedObject.namespace", io_ns, "does not match event.namespace"))
    else:
        if not io_ns and ns not in ("default", "kube-system"):
            out.append(v.invalid("involvedObject.namespace", io_ns, "does not match event.namespace"))
        rc = ev.get("reportingComponent") or ""
        if not rc:
            out.append(v.required("reportingController"))
        out.extend(v.invalid("reportingController", rc, m) for m in v.is_qualified_name(str(rc)))
        ri = ev.get("reportingInstance") or ""
        if not ri:
            out.append(v.required("reportingInstance"))
        if len(str(ri)) > 128:
            out.append(v.invalid("reportingInstance", "", "can have at most 128 characters"))
        action = ev.get("action") or ""
        if not action:
            out.append(v.required("action"))
        if len(str(action)) > 128:
            out.append(v.invalid("action", "", "can have at most 128 characters"))
        reason = ev.get("reason") or ""
        if not reason:
            out.append(v.required("reason"))
        if len(str(reason)) > 128:
            out.append(v.invalid("reason", "", "can have at most 128 characters"))
        if len(str(ev.get("message") or "")) > 1024:
            out.append(v.invalid("message", "", "can have at most 1024 characters"))
    out.extend(v.invalid("namespace", ns, m) for m in v.is_dns1123_subdomain(ns))
    return out


@register("", "Endpoints")
class EndpointsStrategy(Strategy):
    allow_create_on_update = True
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        for ss in _l(obj.get("subsets")):
            for p in _l(_d(ss).get("ports")):
                if isinstance(p, dict) and not p.get("protocol"):
                    p["protocol"] = "TCP"

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        for i, ss in enumerate(_l(obj.get("subsets"))):
            ss = _d(ss)
            p = f"subsets[{i}]"
            addrs, not_ready = _l(ss.get("addresses")), _l(ss.get("notReadyAddresses"))
            if not addrs and not not_ready:
                out.append(v.required(p, "must specify `addresses` or `notReadyAddresses`"))
            for key, items in (("addresses", addrs), ("notReadyAddresses", not_ready)):
                for j, a in enumerate(items):
                    out.extend(_validate_endpoint_address(_d(a), f"{p}.{key}[{j}]"))
            ports = _l(ss.get("ports"))
            for j, port in enumerate(ports):
                out.extend(_validate_endpoint_port(_d(port), len(ports) > 1, f"{p}.ports[{j}]"))
        return out


def _validate_endpoint_address(a: Obj, path: str) -> list[Cause]:
    ip = a.get("ip") or ""
    out = [v.invalid(f"{path}.ip", ip, m) for m in v.is_valid_ip(str(ip))]
    if a.get("hostname"):
        out.extend(v.validate_dns1123_label(str(a["hostname"]), f"{path}.hostname"))
    if a.get("nodeName") is not None:
        out.extend(v.invalid(f"{path}.nodeName", a["nodeName"], m) for m in v.dns1123_subdomain(str(a["nodeName"])))
    if not v.is_valid_ip(str(ip)):
        out.extend(_validate_non_special_ip(str(ip), f"{path}.ip"))
    else:
        out.append(v.invalid(f"{path}.ip", ip, "must be a valid IP address"))
    return out


def _validate_endpoint_port(p: Obj, require_name: bool, path: str) -> list[Cause]:
    out: list[Cause] = []
    name = p.get("name") or ""
    if require_name and not name:
        out.append(v.required(f"{path}.name"))
    elif name:
        out.extend(v.validate_dns1123_label(str(name), f"{path}.name"))
    out.extend(v.invalid(f"{path}.port", p.get("port", 0), m) for m in v.is_valid_port_num(p.get("port", 0)))
    proto = p.get("protocol")
    if not proto:
        out.append(v.required(f"{path}.protocol"))
    elif proto not in v.PROTOCOLS:
        out.append(v.not_supported(f"{path}.protocol", proto, v.PROTOCOLS))
    if p.get("appProtocol") is not None:
        out.extend(v.validate_qualified_name(str(p["appProtocol"]), f"{path}.appProtocol"))
    return out


# ---------------------------------------------------------------------------
# Persistent volumes and claims

PV_SOURCES = ("hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker", "nfs", "rbd",
              "quobyte", "cephfs", "iscsi", "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume",
              "photonPersistentDisk", "portworxVolume", "azureDisk", "scaleIO", "local", "storageos", "csi")


def _pv_source(spec: Obj) -> Obj:
    return {k: spec[k] for k in PV_SOURCES if k in spec}


def validate_pv_spec(spec: Obj, path: str = "spec") -> list[Cause]:
    """Upstream ValidatePersistentVolumeSpec (for a PersistentVolume object)."""
    out: list[Cause] = []
    modes = _l(spec.get("accessModes"))
    out.extend(v.validate_access_modes(modes, f"{path}.accessModes"))
    cap = spec.get("capacity")
    if not cap:
        out.append(v.required(f"{path}.capacity"))
    if not isinstance(cap, dict) or "storage" not in cap or len(cap) > 1:
        out.append(v.not_supported(f"{path}.capacity", cap if cap is not None else None, ("storage",)))
    for name, val in _d(cap).items():
        p = f"{path}.capacity[{name}]"
        q = v.parse_q(val)
        if q is None:
            out.append(v.invalid(p, str(val), v.QUANTITY_REGEX_ERROR))
            continue
        if q.value() < 0:
            out.append(v.invalid(p, q.value(), "must be a valid resource quantity"))
        if q.sign() <= 0:
            out.append(v.invalid(p, str(q), v.IS_NOT_POSITIVE))
    rp = spec.get("persistentVolumeReclaimPolicy")
    if rp and rp not in ("Delete", "Recycle", "Retain"):
        out.append(v.not_supported(f"{path}.persistentVolumeReclaimPolicy", rp, ("Delete", "Recycle", "Retain")))
    na = spec.get("nodeAffinity")
    affinity = False
    if na is not None:
        affinity = True
        req = _d(na).get("required")
        if req is None:
            out.append(v.required(f"{path}.nodeAffinity.required", "must specify required node constraints"))
        else:
            out.extend(v.validate_node_selector(_d(req), f"{path}.nodeAffinity.required"))
    present = [k for k in PV_SOURCES if spec.get(k) is not None]
    for k in present[1:]:
        out.append(v.forbidden(f"{path}.{k}", "may not specify more than 1 volume type"))
    if not present:
        out.append(v.required(path, "must specify a volume type"))
    else:
        kind = present[0]
        src = _d(spec[kind])
        if kind == "hostPath":
            out.extend(v.validate_host_path(src, f"{path}.hostPath"))
        elif kind == "local":
            lp = str(src.get("path") or "")
            if not lp:
                out.append(v.required(f"{path}.local.path"))
            elif ".." in lp.split("/"):
                out.append(v.invalid(f"{path}.local.path", lp, "must not contain '..'"))
            if not affinity:
                out.append(v.required(f"{path}.nodeAffinity", "Local volume requires node affinity"))
        elif kind == "nfs":
            if not src.get("server"):
                out.append(v.required(f"{path}.nfs.server"))
            if not src.get("path"):
                out.append(v.required(f"{path}.nfs.path"))
            if not str(src.get("path") or "").startswith("/"):
                out.append(v.invalid(f"{path}.nfs.path", str(src.get("path") or ""), "must be an absolute path"))
        elif kind == "csi":
            out.extend(v.validate_csi_driver_name(str(src.get("driver") or ""), f"{path}.csi.driver"))
            if not src.get("volumeHandle"):
                out.append(v.required(f"{path}.csi.volumeHandle"))
    hp = _d(spec.get("hostPath")).get("path")
    if hp and str(hp).rstrip("/") == "" and rp == "Recycle":
        out.append(v.forbidden(f"{path}.persistentVolumeReclaimPolicy", "may not be 'recycle' for a hostPath mount "
                                                                        "of '/'"))
    sc = spec.get("storageClassName")
    if sc:
        out.extend(v.invalid(f"{path}.storageClassName", sc, m) for m in v.dns1123_subdomain(str(sc)))
    vm = spec.get("volumeMode")
    if vm is not None and vm not in v.VOLUME_MODES:
        out.append(v.not_supported(f"{path}.volumeMode", vm, v.VOLUME_MODES))
    return out


@register("", "PersistentVolume")
class PersistentVolumeStrategy(Strategy):
    return_deleted_object = True
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        spec = obj.get("spec")
        if isinstance(spec, dict):
            if not spec.get("persistentVolumeReclaimPolicy"):
                spec["persistentVolumeReclaimPolicy"] = "Retain"
            if spec.get("volumeMode") is None:
                spec["volumeMode"] = "Filesystem"
            default_resource_list(spec.get("capacity"))
            hp = spec.get("hostPath")
            if isinstance(hp, dict) and hp.get("type") is None:
                hp["type"] = ""
        status = obj.get("status")
        if isinstance(status, dict) and not status.get("phase"):
            status["phase"] = "Pending"

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Pending", "lastPhaseTransitionTime": _now()}

    def prepare_for_status_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_status_update(obj, old)
        status, ostatus = _d(obj.get("status")), _d(old.get("status"))
        if status.get("phase") != ostatus.get("phase") and status.get("lastPhaseTransitionTime") == \
                ostatus.get("lastPhaseTransitionTime"):
            status["lastPhaseTransitionTime"] = _now()

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_pv_spec(_d(obj.get("spec")))

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        ns, os_ = _d(obj.get("spec")), _d(old.get("spec"))
        nsrc, osrc = _pv_source(ns), _pv_source(os_)
        ocsi, ncsi = _d(osrc.get("csi")), _d(nsrc.get("csi"))
        if ocsi and ncsi and "controllerExpandSecretRef" not in ocsi and "controllerExpandSecretRef" in ncsi:
            nsrc = dict(nsrc, csi={k: x for k, x in ncsi.items() if k != "controllerExpandSecretRef"})
        if nsrc != osrc:
            diff = "\n".join(_spec_diff(osrc, nsrc))
            out.append(v.forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after "
                                                                  f"creation\n{diff}"))
        if ns.get("volumeMode") != os_.get("volumeMode"):
            out.append(v.immutable("volumeMode", ns.get("volumeMode")))
        if os_.get("nodeAffinity") is not None and ns.get("nodeAffinity") != os_.get("nodeAffinity"):
            out.append(v.invalid("nodeAffinity", ns.get("nodeAffinity"), "field is immutable, except for updating "
                                                                         "from beta label to GA"))
        return out


@register("", "PersistentVolumeClaim")
class PersistentVolumeClaimStrategy(Strategy):
    return_deleted_object = True
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        default_pvc_spec(_d(obj.get("spec")))
        status = obj.get("status")
        if isinstance(status, dict):
            if not status.get("phase"):
                status["phase"] = "Pending"
            default_resource_list(status.get("capacity"))
            default_resource_list(status.get("allocatedResources"))

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Pending"}

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + v.validate_pvc_spec(_d(obj.get("spec")), "spec")

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        ns, os_ = dict(_d(obj.get("spec"))), dict(_d(old.get("spec")))
        if not os_.get("volumeName"):
            if "volumeName" in ns:
                os_["volumeName"] = ns["volumeName"]
            else:
                os_.pop("volumeName", None)
        ann_key = "volume.beta.kubernetes.io/storage-class"
        na = _d(_d(obj.get("metadata")).get("annotations"))
        oa = _d(_d(old.get("metadata")).get("annotations"))
        if ann_key in oa and os_.get("storageClassName") is None and ns.get("storageClassName") == oa[ann_key] and \
                (ann_key not in na or na[ann_key] == oa[ann_key]):
            ns.pop("storageClassName", None)
        else:
            if na.get(ann_key, "") != oa.get(ann_key, ""):
                out.append(v.invalid(f"metadata.annotations.{ann_key}", na.get(ann_key, ""), v.FIELD_IMMUTABLE))
            if ns.get("storageClassName") is not None and os_.get("storageClassName") is None and \
                    (ann_key not in oa or ns["storageClassName"] == oa[ann_key]):
                ns["storageClassName"] = os_.get("storageClassName")
                if ns["storageClassName"] is None:
                    del ns["storageClassName"]
        bound = _d(obj.get("status")).get("phase") == "Bound"
        if bound:
            res = dict(_d(ns.get("resources")))
            req = dict(_d(res.get("requests")))
            if "storage" in _d(_d(os_.get("resources")).get("requests")):
                req["storage"] = _d(_d(os_.get("resources")).get("requests"))["storage"]
            res["requests"] = req
            ns["resources"] = res
            if "volumeAttributesClassName" in ns or "volumeAttributesClassName" in os_:
                ns["volumeAttributesClassName"] = os_.get("volumeAttributesClassName")
                if ns["volumeAttributesClassName"] is None:
                    del ns["volumeAttributesClassName"]
        if ns != os_:
            diff = "\n".join(_spec_diff(os_, ns))
            out.append(v.forbidden("spec", "spec is immutable after creation except resources.requests and "
                                           f"volumeAttributesClassName for bound claims\n{diff}"))
        new_size = v.parse_q(_d(_d(_d(obj.get("spec")).get("resources")).get("requests")).get("storage"))
        old_size = v.parse_q(_d(_d(_d(old.get("spec")).get("resources")).get("requests")).get("storage"))
        status_size = v.parse_q(_d(_d(old.get("status")).get("capacity")).get("storage"))
        if new_size is not None and old_size is not None and new_size.cmp(old_size) < 0:
            if status_size is not None and new_size.cmp(status_size) <= 0:
                out.append(v.forbidden("spec.resources.requests.storage", "field can not be less than "
                                                                          "status.capacity"))
        if _d(obj.get("spec")).get("volumeMode") != _d(old.get("spec")).get("volumeMode"):
            out.append(v.immutable("volumeMode", _d(obj.get("spec")).get("volumeMode")))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out: list[Cause] = []
        if not _l(_d(obj.get("spec")).get("accessModes")):
            out.append(v.required("Spec.accessModes"))
        for name, val in _d(_d(obj.get("status")).get("capacity")).items():
            q = v.parse_q(val)
            if q is not None and q.value() < 0:
                out.append(v.invalid(f"status.capacity[{name}]", q.value(), "must be a valid resource quantity"))
        return out


# ---------------------------------------------------------------------------
# LimitRanges and ResourceQuotas


def default_limit_range(obj: Obj) -> None:
    for item in _l(_d(obj.get("spec")).get("limits")):
        if not isinstance(item, dict):
            continue
        if item.get("type") == "Container":
            default = item.get("default")
            if not isinstance(default, dict):
                default = item["default"] = {}
            req = item.get("defaultRequest")
            if not isinstance(req, dict):
                req = item["defaultRequest"] = {}
            for k, q in _d(item.get("max")).items():
                default.setdefault(k, q)
            for k, q in default.items():
                req.setdefault(k, q)
            for k, q in _d(item.get("min")).items():
                req.setdefault(k, q)
        for fld in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
            default_resource_list(item.get(fld))


_LIMIT_TYPES = frozenset(("Pod", "Container", "PersistentVolumeClaim"))


def validate_limit_range(obj: Obj) -> list[Cause]:
    """Upstream ValidateLimitRange past its metadata."""
    out: list[Cause] = []
    seen: set[Any] = set()
    for i, item in enumerate(_l(_d(obj.get("spec")).get("limits"))):
        item = _d(item)
        p = f"spec.limits[{i}]"
        t = item.get("type", "")
        tname = t if isinstance(t, str) else ""
        errs = v.validate_qualified_name(tname, f"{p}.type")
        if not errs and "/" not in tname and tname not in _LIMIT_TYPES:
            errs.append(v.invalid(f"{p}.type", tname, "must be a standard limit type or fully qualified"))
        out.extend(errs)
        if t in seen:
            out.append(v.duplicate(f"{p}.type", t))
        seen.add(t)

        def names(fld: str, item: Obj = item, p: str = p, t: Any = t) -> dict[str, Any]:
            got: dict[str, Any] = {}
            for k, val in _d(item.get(fld)).items():
                rp = f"{p}.{fld}[{k}]"
                if t in ("Pod", "Container"):
                    out.extend(v.validate_container_resource_name(k, rp))
                else:
                    out.extend(v.validate_resource_name(k, rp))
                q = v.parse_q(val)
                if q is None:
                    out.append(v.invalid(rp, str(val), v.QUANTITY_REGEX_ERROR))
                else:
                    got[k] = q
            return got
        mx, mn = names("max"), names("min")
        df: dict[str, Any] = {}
        dr: dict[str, Any] = {}
        if t == "Pod":
            if _d(item.get("default")):
                out.append(v.forbidden(f"{p}.default", "may not be specified when `type` is 'Pod'"))
            if _d(item.get("defaultRequest")):
                out.append(v.forbidden(f"{p}.defaultRequest", "may not be specified when `type` is 'Pod'"))
        else:
            df, dr = names("default"), names("defaultRequest")
        if t == "PersistentVolumeClaim" and "storage" not in mn and "storage" not in mx:
            out.append(v.required(f"{p}.limits", "either minimum or maximum storage value is required, but neither "
                                                 "was provided"))
        ratio = names("maxLimitRequestRatio")
        for k in sorted(set(mx) | set(mn) | set(df) | set(dr) | set(ratio)):
            lo, hi, d, r, rat = mn.get(k), mx.get(k), df.get(k), dr.get(k), ratio.get(k)
            if lo is not None and hi is not None and lo.cmp(hi) > 0:
                out.append(v.invalid(f"{p}.min[{k}]", lo, f"min value {lo} is greater than max value {hi}"))
            if r is not None and lo is not None and lo.cmp(r) > 0:
                out.append(v.invalid(f"{p}.defaultRequest[{k}]", r, f"min value {lo} is greater than default request "
                                                                      f"value {r}"))
            if r is not None and hi is not None and r.cmp(hi) > 0:
                out.append(v.invalid(f"{p}.defaultRequest[{k}]", r, f"default request value {r} is greater than max "
                                                                      f"value {hi}"))
            if r is not None and d is not None and r.cmp(d) > 0:
                out.append(v.invalid(f"{p}.defaultRequest[{k}]", r, f"default request value {r} is greater than "
                                                                      f"default limit value {d}"))
            if d is not None and lo is not None and lo.cmp(d) > 0:
                out.append(v.invalid(f"{p}.default[{k}]", lo, f"min value {lo} is greater than default value {d}"))
            if d is not None and hi is not None and d.cmp(hi) > 0:
                out.append(v.invalid(f"{p}.default[{k}]", hi, f"default value {d} is greater than max value {hi}"))
            if rat is not None and rat.cmp(parse_quantity("1")) < 0:
                out.append(v.invalid(f"{p}.maxLimitRequestRatio[{k}]", rat, f"ratio {rat} is less than 1"))
            if rat is not None and lo is not None and hi is not None and lo.milli_value():
                limit = hi.milli_value() / lo.milli_value()
                if rat.milli_value() / 1000 > limit:
                    out.append(v.invalid(f"{p}.maxLimitRequestRatio[{k}]", rat,
                                         f"ratio {rat} is greater than max/min = {limit:f}"))
            if not v.is_overcommit_allowed(k) and d is not None and r is not None and d.cmp(r) != 0:
                out.append(v.invalid(f"{p}.defaultRequest[{k}]", r, f"default value {d} must equal to defaultRequest "
                                                                      f"value {r} in {k}"))
    return out


@register("", "LimitRange")
class LimitRangeStrategy(Strategy):
    allow_create_on_update = True
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        default_limit_range(obj)

    def prepare_for_create(self, obj: Obj) -> None:
        meta = obj["metadata"]
        if not meta.get("name"):
            meta["name"] = str(uuid.uuid4())

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_limit_range(obj)


_QUOTA_SCOPES = ("Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass",
                 "CrossNamespacePodAffinity", "VolumeAttributesClass")
_SCOPE_RESOURCES = {
    "Terminating": frozenset(("pods", "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu",
                              "limits.memory", "ephemeral-storage", "requests.ephemeral-storage",
                              "limits.ephemeral-storage")),
    "BestEffort": frozenset(("pods",)),
}
_SCOPE_RESOURCES["NotTerminating"] = _SCOPE_RESOURCES["Terminating"]
_SCOPE_RESOURCES["NotBestEffort"] = _SCOPE_RESOURCES["Terminating"]
_SCOPE_RESOURCES["PriorityClass"] = _SCOPE_RESOURCES["Terminating"]
_SCOPE_RESOURCES["CrossNamespacePodAffinity"] = _SCOPE_RESOURCES["Terminating"]


def validate_quota_spec(spec: Obj, path: str = "spec") -> list[Cause]:
    """Upstream ValidateResourceQuotaSpec."""
    out: list[Cause] = []
    hard = _d(spec.get("hard"))
    for k, val in hard.items():
        p = f"{path}.hard[{k}]"
        out.extend(v.validate_quota_resource_name(k, p))
        q = v.parse_q(val)
        if q is None:
            out.append(v.invalid(p, str(val), v.QUANTITY_REGEX_ERROR))
        else:
            out.extend(v.validate_resource_quantity_value(k, q, p))
    scopes = _l(spec.get("scopes"))
    for scope in scopes:
        if scope not in _QUOTA_SCOPES:
            out.append(v.invalid(f"{path}.scopes", scopes, "unsupported scope"))
        for k in sorted(hard):
            if (k in v.STANDARD_QUOTA_RESOURCES or v.is_quota_hugepages(k)) and scope in _SCOPE_RESOURCES and \
                    k not in _SCOPE_RESOURCES[scope]:
                out.append(v.invalid(f"{path}.scopes", scopes, "unsupported scope applied to resource"))
    for pair in (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating")):
        if all(s in scopes for s in pair):
            out.append(v.invalid(f"{path}.scopes", scopes, "conflicting scopes"))
    sel = spec.get("scopeSelector")
    if sel is not None:
        sp = f"{path}.scopeSelector.matchExpressions"
        names: set[Any] = set()
        for req in _l(_d(sel).get("matchExpressions")):
            req = _d(req)
            scope, op, values = req.get("scopeName", ""), req.get("operator", ""), _l(req.get("values"))
            if scope not in _QUOTA_SCOPES:
                out.append(v.invalid(f"{sp}.scopeName", scope, "unsupported scope"))
            if scope in ("BestEffort", "NotBestEffort", "Terminating", "NotTerminating",
                         "CrossNamespacePodAffinity") and op != "Exists":
                out.append(v.invalid(f"{sp}.operator", op, "must be 'Exists' when scope is any of "
                                                            "ResourceQuotaScopeTerminating, "
                                                            "ResourceQuotaScopeNotTerminating, "
                                                            "ResourceQuotaScopeBestEffort, "
                                                            "ResourceQuotaScopeNotBestEffort or "
                                                            "ResourceQuotaScopeCrossNamespacePodAffinity"))
            if op in ("In", "NotIn"):
                if not values:
                    out.append(v.required(f"{sp}.values", "must be at least one value when `operator` is 'In' or "
                                                          "'NotIn' for scope selector"))
            elif op in ("Exists", "DoesNotExist"):
                if values:
                    out.append(v.invalid(f"{sp}.values", values, "must be no value when `operator` is 'Exist' or "
                                                                 "'DoesNotExist' for scope selector"))
            else:
                out.append(v.invalid(f"{sp}.operator", op, "not a valid selector operator"))
            names.add(scope)
        for pair in (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating")):
            if all(s in names for s in pair):
                out.append(v.invalid(sp, scopes, "conflicting scopes"))
    return out


@register("", "ResourceQuota")
class ResourceQuotaStrategy(Strategy):
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        default_resource_list(_d(obj.get("spec")).get("hard"))
        status = obj.get("status")
        if isinstance(status, dict):
            default_resource_list(status.get("hard"))
            default_resource_list(status.get("used"))

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {}

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj) + validate_quota_spec(_d(obj.get("spec")))
        out.extend(_validate_quota_status(_d(obj.get("status"))))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        ns, os_ = _l(_d(obj.get("spec")).get("scopes")), _l(_d(old.get("spec")).get("scopes"))
        if set(ns) != set(os_):
            out.append(v.invalid("spec.scopes", ns, v.FIELD_IMMUTABLE))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return _validate_quota_status(_d(obj.get("status")))


def _validate_quota_status(status: Obj) -> list[Cause]:
    out: list[Cause] = []
    for which in ("hard", "used"):
        for k, val in _d(status.get(which)).items():
            p = f"status.{which}[{k}]"
            out.extend(v.validate_quota_resource_name(k, p))
            q = v.parse_q(val)
            if q is None:
                out.append(v.invalid(p, str(val), v.QUANTITY_REGEX_ERROR))
            else:
                out.extend(v.validate_resource_quantity_value(k, q, p))
    return out


# ---------------------------------------------------------------------------
# Bindings (virtual: the binding handler validates with this)


def validate_binding(binding: Obj) -> list[Cause]:
    """Upstream ValidatePodBinding."""
    target = _d(binding.get("target"))
    out: list[Cause] = []
    kind = target.get("kind") or ""
    if kind and kind != "Node":
        out.append(v.not_supported("target.kind", kind, ("Node", "<empty>")))
    if not target.get("name"):
        out.append(v.required("target.name"))
    return out


@register("", "Binding")
class BindingStrategy(Strategy):
    tracks_generation = False

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_binding(obj)


__all__ = [
    "default_pod_spec", "default_pod_template", "default_pod", "default_container", "default_volume",
    "default_pvc_spec", "default_resource_list", "default_service", "pod_qos_class", "image_tag",
    "validate_rc_spec", "validate_replica_status", "validate_pod_update",
]
