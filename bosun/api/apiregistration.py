"""apiregistration.k8s.io/v1: APIService.

Upstream's kube-aggregator pkg/apis/apiregistration/v1/defaults.go,
validation and registry strategy (Kubernetes 1.33). The name is
`version.group`; a local APIService (no service) may not carry TLS settings.
"""

from __future__ import annotations

from bosun.api import validation as v
from bosun.api.apps import StatusStrategy, d, is_int, lst, spec_of
from bosun.api.policy import CONDITION_STATUSES
from bosun.api.strategy import Obj, register
from bosun.machinery.errors import Cause


@register("apiregistration.k8s.io", "APIService")
class APIServiceStrategy(StatusStrategy):
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        service = spec_of(obj).get("service")
        if isinstance(service, dict) and service.get("port") is None:
            service["port"] = 443

    def validate(self, obj: Obj) -> list[Cause]:
        spec = spec_of(obj)
        group, version = spec.get("group") or "", spec.get("version") or ""
        required = f"{version}.{group}"

        def name_fn(name: str, prefix: bool = False) -> list[str]:
            errs = v.path_segment_name(name, prefix)
            if errs:
                return errs
            return [] if name == required else [f'must be `spec.version+"."+spec.group`: "{required}"']

        out = v.validate_object_meta(obj.get("metadata"), False, name_fn)
        if not group and version != "v1":
            out.append(v.required("spec.group", "only v1 may have an empty group and it better be legacy kube"))
        if group:
            out.extend(v.validate_dns1123_subdomain(str(group), "spec.group"))
        out.extend(v.invalid("spec.version", version, m) for m in v.is_dns1035_label(str(version)))
        gpm, vp = spec.get("groupPriorityMinimum", 0), spec.get("versionPriority", 0)
        if is_int(gpm) and not 0 < gpm <= 20000:
            out.append(v.invalid("spec.groupPriorityMinimum", gpm, "must be positive and less than 20000"))
        if is_int(vp) and not 0 < vp <= 1000:
            out.append(v.invalid("spec.versionPriority", vp, "must be positive and less than 1000"))
        service = spec.get("service")
        ca = spec.get("caBundle") or ""
        insecure = spec.get("insecureSkipTLSVerify") is True
        if service is None:
            if ca:
                out.append(v.invalid("spec.caBundle", f"{len(ca) * 3 // 4} bytes", "local APIServices may not have a "
                                                                                  "caBundle"))
            if insecure:
                out.append(v.invalid("spec.insecureSkipTLSVerify", True, "local APIServices may not have "
                                                                         "insecureSkipTLSVerify"))
            return out
        service = d(service)
        if not service.get("namespace"):
            out.append(v.required("spec.service.namespace"))
        if not service.get("name"):
            out.append(v.required("spec.service.name"))
        port = service.get("port", 443)
        errs = v.is_valid_port_num(port)
        if errs:
            out.append(v.invalid("spec.service.port", port, "port is not valid: " + ", ".join(errs)))
        if insecure and ca:
            out.append(v.invalid("spec.insecureSkipTLSVerify", True, "may not be true if caBundle is present"))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
        for i, c in enumerate(lst(d(obj.get("status")).get("conditions"))):
            c = d(c)
            status = c.get("status") or ""
            if status not in CONDITION_STATUSES:
                out.append(v.not_supported(f"status.conditions[{i}].status", status, CONDITION_STATUSES))
        return out
