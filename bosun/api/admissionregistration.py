"""admissionregistration.k8s.io/v1: webhook configurations and validating admission policies.

Upstream's pkg/apis/admissionregistration/v1/defaults.go,
pkg/apis/admissionregistration/validation and the registry strategies
(Kubernetes 1.33). CEL expressions are checked for presence, not compiled.
The webhook client-config checks are shared with CRD conversion webhooks and
APIServices, as upstream's `webhook` validation package is.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bosun.api import validation as v
from bosun.api.apps import StatusStrategy, d, is_int, lst, spec_of
from bosun.api.strategy import Obj, Strategy, register
from bosun.machinery.errors import Cause

GROUP = "admissionregistration.k8s.io"
FAILURE_POLICIES = ("Fail", "Ignore")
MATCH_POLICIES = ("Equivalent", "Exact")
SIDE_EFFECTS = ("None", "NoneOnDryRun")
REINVOCATION_POLICIES = ("IfNeeded", "Never")
OPERATIONS = ("*", "CONNECT", "CREATE", "DELETE", "UPDATE")
SCOPES = ("*", "Cluster", "Namespaced")
REVIEW_VERSIONS = ("v1", "v1beta1")
VALIDATION_ACTIONS = ("Audit", "Deny", "Warn")
PARAM_NOT_FOUND_ACTIONS = ("Allow", "Deny")
MAX_MATCH_CONDITIONS = 64


# ---------------------------------------------------------------------------
# Defaults


def default_rule(rule: Any) -> None:
    if isinstance(rule, dict) and rule.get("scope") is None:
        rule["scope"] = "*"


def default_service_ref(client_config: Any) -> None:
    service = d(client_config).get("service")
    if isinstance(service, dict) and service.get("port") is None:
        service["port"] = 443


def default_webhook(hook: Obj, mutating: bool) -> None:
    if hook.get("failurePolicy") is None:
        hook["failurePolicy"] = "Fail"
    if hook.get("matchPolicy") is None:
        hook["matchPolicy"] = "Equivalent"
    if hook.get("namespaceSelector") is None:
        hook["namespaceSelector"] = {}
    if hook.get("objectSelector") is None:
        hook["objectSelector"] = {}
    if hook.get("timeoutSeconds") is None:
        hook["timeoutSeconds"] = 10
    if mutating and hook.get("reinvocationPolicy") is None:
        hook["reinvocationPolicy"] = "Never"
    for rule in lst(hook.get("rules")):
        default_rule(rule)
    default_service_ref(hook.get("clientConfig"))


def default_match_resources(mr: Any) -> None:
    if not isinstance(mr, dict):
        return
    if mr.get("matchPolicy") is None:
        mr["matchPolicy"] = "Equivalent"
    if mr.get("namespaceSelector") is None:
        mr["namespaceSelector"] = {}
    if mr.get("objectSelector") is None:
        mr["objectSelector"] = {}
    for key in ("resourceRules", "excludeResourceRules"):
        for rule in lst(mr.get(key)):
            default_rule(rule)


# ---------------------------------------------------------------------------
# Shared checks (upstream's webhook package and rule validation)


def is_fully_qualified_name(name: Any, path: str) -> list[Cause]:
    if not name:
        return [v.required(path)]
    name = str(name)
    if name.endswith("."):
        name = name[:-1]
    errs = v.is_dns1123_subdomain(name)
    if errs:
        return [v.invalid(path, name, ",".join(errs))]
    if len(name.split(".")) < 3:
        return [v.invalid(path, name, "should be a domain with at least three segments separated by dots")]
    return []


_URL_FORM = "; desired format: https://host[/path]"


def validate_webhook_url(url: Any, path: str, force_https: bool = True) -> list[Cause]:
    try:
        u = urlsplit(str(url))
    except ValueError as e:
        return [v.required(path, f"url must be a valid URL: {e}{_URL_FORM}")]
    out: list[Cause] = []
    if force_https and u.scheme != "https":
        out.append(v.invalid(path, u.scheme, "'https' is the only allowed URL scheme" + _URL_FORM))
    host = u.netloc.rpartition("@")[2]
    if not host:
        out.append(v.invalid(path, host, "host must be specified" + _URL_FORM))
    if "@" in u.netloc:
        out.append(v.invalid(path, u.netloc.rpartition("@")[0], "user information is not permitted in the URL"))
    if u.fragment:
        out.append(v.invalid(path, u.fragment, "fragments are not permitted in the URL"))
    if u.query:
        out.append(v.invalid(path, u.query, "query parameters are not permitted in the URL"))
    return out


def validate_webhook_service(service: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    if not service.get("name"):
        out.append(v.required(f"{path}.name", "service name is required"))
    if not service.get("namespace"):
        out.append(v.required(f"{path}.namespace", "service namespace is required"))
    port = service.get("port", 443)
    errs = v.is_valid_port_num(port)
    if errs:
        out.append(v.invalid(f"{path}.port", port, "port is not valid: " + ", ".join(errs)))
    url_path = service.get("path")
    if url_path is None or url_path in ("", "/"):
        return out
    url_path = str(url_path)
    if url_path == "//":
        out.append(v.invalid(f"{path}.path", url_path, "segment[0] may not be empty"))
        return out
    if not url_path.startswith("/"):
        out.append(v.invalid(f"{path}.path", url_path, "must start with a '/'"))
    check = url_path[1:]
    if check.endswith("/"):
        check = check[:-1]
    for i, step in enumerate(check.split("/")):
        if not step:
            out.append(v.invalid(f"{path}.path", url_path, f"segment[{i}] may not be empty"))
            continue
        out.extend(v.invalid(f"{path}.path", url_path, f"segment[{i}]: {m}") for m in v.is_dns1123_subdomain(step))
    return out


def validate_client_config(cc: Obj, path: str) -> list[Cause]:
    url, service = cc.get("url"), cc.get("service")
    if (url is None) == (service is None):
        return [v.required(path, "exactly one of url or service is required")]
    if url is not None:
        return validate_webhook_url(url, f"{path}.url")
    return validate_webhook_service(d(service), f"{path}.service")


def _has_wildcard(values: list) -> bool:
    return "*" in values


def validate_rule(rule: Obj, path: str, with_operations: bool = True) -> list[Cause]:
    out: list[Cause] = []
    if with_operations:
        ops = lst(rule.get("operations"))
        if not ops:
            out.append(v.required(f"{path}.operations"))
        if len(ops) > 1 and _has_wildcard(ops):
            out.append(v.invalid(f"{path}.operations", ops, "if '*' is present, must not specify other operations"))
        for i, op in enumerate(ops):
            if op not in OPERATIONS:
                out.append(v.not_supported(f"{path}.operations[{i}]", op, OPERATIONS))
    groups = lst(rule.get("apiGroups"))
    if not groups:
        out.append(v.required(f"{path}.apiGroups"))
    if len(groups) > 1 and _has_wildcard(groups):
        out.append(v.invalid(f"{path}.apiGroups", groups, "if '*' is present, must not specify other API groups"))
    versions = lst(rule.get("apiVersions"))
    if not versions:
        out.append(v.required(f"{path}.apiVersions"))
    if len(versions) > 1 and _has_wildcard(versions):
        out.append(v.invalid(f"{path}.apiVersions", versions, "if '*' is present, must not specify other API versions"))
    for i, ver in enumerate(versions):
        if not ver:
            out.append(v.required(f"{path}.apiVersions[{i}]"))
    out.extend(_validate_resources(lst(rule.get("resources")), f"{path}.resources"))
    scope = rule.get("scope")
    if scope is not None and scope not in SCOPES:
        out.append(v.not_supported(f"{path}.scope", scope, SCOPES))
    return out


def _validate_resources(resources: list, path: str) -> list[Cause]:
    out: list[Cause] = []
    if not resources:
        out.append(v.required(path))
    wildcard_sub: set[str] = set()
    wildcard_res: set[str] = set()
    double = single = plain = False
    for i, rs in enumerate(resources):
        if rs == "":
            out.append(v.required(f"{path}[{i}]"))
            continue
        rs = str(rs)
        double |= rs == "*/*"
        single |= rs == "*"
        parts = rs.split("/", 1)
        if len(parts) == 1:
            plain = rs != "*"
            continue
        res, sub = parts
        if res in wildcard_sub:
            out.append(v.invalid(f"{path}[{i}]", rs, f"if '{res}/*' is present, must not specify {rs}"))
        if sub in wildcard_res:
            out.append(v.invalid(f"{path}[{i}]", rs, f"if '*/{sub}' is present, must not specify {rs}"))
        if sub == "*":
            wildcard_sub.add(res)
        if res == "*":
            wildcard_res.add(sub)
    if len(resources) > 1 and double:
        out.append(v.invalid(path, resources, "if '*/*' is present, must not specify other resources"))
    if single and plain:
        out.append(v.invalid(path, resources, "if '*' is present, must not specify other resources without "
                                              "subresources"))
    return out


def validate_match_conditions(conditions: list, path: str) -> list[Cause]:
    out: list[Cause] = []
    if len(conditions) > MAX_MATCH_CONDITIONS:
        out.append(v.too_many(path, len(conditions), MAX_MATCH_CONDITIONS))
    names: set[str] = set()
    for i, c in enumerate(conditions):
        c = d(c)
        p = f"{path}[{i}]"
        name = c.get("name") or ""
        if not name:
            out.append(v.required(f"{p}.name"))
        else:
            out.extend(v.validate_qualified_name(str(name), f"{p}.name"))
            if name in names:
                out.append(v.duplicate(f"{p}.name", name))
            names.add(name)
        if not c.get("expression"):
            out.append(v.required(f"{p}.expression"))
    return out


def validate_review_versions(versions: list, path: str) -> list[Cause]:
    if not versions:
        return [v.required(path, "must specify one of " + ", ".join(REVIEW_VERSIONS))]
    out: list[Cause] = []
    seen: set[str] = set()
    accepted = False
    for i, ver in enumerate(versions):
        if ver in seen:
            out.append(v.invalid(f"{path}[{i}]", ver, "duplicate version"))
            continue
        seen.add(ver)
        out.extend(v.invalid(f"{path}[{i}]", ver, m) for m in v.is_dns1035_label(str(ver)))
        accepted |= ver in REVIEW_VERSIONS
    if not accepted:
        out.append(v.invalid(path, versions, "must include at least one of " + ", ".join(REVIEW_VERSIONS)))
    return out


def validate_webhook(hook: Obj, path: str, mutating: bool) -> list[Cause]:
    out = is_fully_qualified_name(hook.get("name"), f"{path}.name")
    for i, rule in enumerate(lst(hook.get("rules"))):
        out.extend(validate_rule(d(rule), f"{path}.rules[{i}]"))
    fp = hook.get("failurePolicy")
    if fp is not None and fp not in FAILURE_POLICIES:
        out.append(v.not_supported(f"{path}.failurePolicy", fp, FAILURE_POLICIES))
    mp = hook.get("matchPolicy")
    if mp is not None and mp not in MATCH_POLICIES:
        out.append(v.not_supported(f"{path}.matchPolicy", mp, MATCH_POLICIES))
    se = hook.get("sideEffects")
    if se is None:
        out.append(v.required(f"{path}.sideEffects", "must specify one of " + ", ".join(SIDE_EFFECTS)))
    elif se not in SIDE_EFFECTS:
        out.append(v.not_supported(f"{path}.sideEffects", se, SIDE_EFFECTS))
    ts = hook.get("timeoutSeconds")
    if is_int(ts) and not 1 <= ts <= 30:
        out.append(v.invalid(f"{path}.timeoutSeconds", ts, "the timeout value must be between 1 and 30 seconds"))
    for key in ("namespaceSelector", "objectSelector"):
        if hook.get(key) is not None:
            out.extend(v.validate_label_selector(hook[key], f"{path}.{key}"))
    if mutating:
        rp = hook.get("reinvocationPolicy")
        if rp is not None and rp not in REINVOCATION_POLICIES:
            out.append(v.not_supported(f"{path}.reinvocationPolicy", rp, REINVOCATION_POLICIES))
    out.extend(validate_client_config(d(hook.get("clientConfig")), f"{path}.clientConfig"))
    out.extend(validate_match_conditions(lst(hook.get("matchConditions")), f"{path}.matchConditions"))
    return out


# ---------------------------------------------------------------------------
# Webhook configurations


class WebhookConfigurationStrategy(Strategy):
    mutating = False

    def default(self, obj: Obj) -> None:
        for hook in lst(obj.get("webhooks")):
            if isinstance(hook, dict):
                default_webhook(hook, self.mutating)

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        names: set[str] = set()
        for i, hook in enumerate(lst(obj.get("webhooks"))):
            hook = d(hook)
            p = f"webhooks[{i}]"
            out.extend(validate_webhook(hook, p, self.mutating))
            out.extend(validate_review_versions(lst(hook.get("admissionReviewVersions")), f"{p}.admissionReviewVersions"))
            name = hook.get("name")
            if name:
                if name in names:
                    out.append(v.duplicate(f"{p}.name", name))
                names.add(name)
        return out


@register(GROUP, "ValidatingWebhookConfiguration")
class ValidatingWebhookConfigurationStrategy(WebhookConfigurationStrategy):
    mutating = False


@register(GROUP, "MutatingWebhookConfiguration")
class MutatingWebhookConfigurationStrategy(WebhookConfigurationStrategy):
    mutating = True


# ---------------------------------------------------------------------------
# ValidatingAdmissionPolicy and its bindings


def _validate_match_resources(mr: Any, path: str, required: bool) -> list[Cause]:
    if mr is None:
        return [v.required(path)] if required else []
    mr = d(mr)
    out: list[Cause] = []
    mp = mr.get("matchPolicy")
    if mp is not None and mp not in MATCH_POLICIES:
        out.append(v.not_supported(f"{path}.matchPolicy", mp, MATCH_POLICIES))
    for key in ("namespaceSelector", "objectSelector"):
        if mr.get(key) is not None:
            out.extend(v.validate_label_selector(mr[key], f"{path}.{key}"))
    rules = lst(mr.get("resourceRules"))
    if required and not rules:
        out.append(v.required(f"{path}.resourceRules"))
    for key in ("resourceRules", "excludeResourceRules"):
        for i, rule in enumerate(lst(mr.get(key))):
            out.extend(validate_rule(d(rule), f"{path}.{key}[{i}]"))
    return out


@register(GROUP, "ValidatingAdmissionPolicy")
class ValidatingAdmissionPolicyStrategy(StatusStrategy):
    def default(self, obj: Obj) -> None:
        spec = spec_of(obj)
        if spec.get("failurePolicy") is None:
            spec["failurePolicy"] = "Fail"
        default_match_resources(spec.get("matchConstraints"))

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        spec = spec_of(obj)
        pk = spec.get("paramKind")
        if isinstance(pk, dict):
            for f in ("apiVersion", "kind"):
                if not pk.get(f):
                    out.append(v.required(f"spec.paramKind.{f}"))
        out.extend(_validate_match_resources(spec.get("matchConstraints"), "spec.matchConstraints", required=True))
        validations, audits = lst(spec.get("validations")), lst(spec.get("auditAnnotations"))
        if not validations and not audits:
            out.append(v.required("spec.validations", "validations or auditAnnotations must contain at least one item"))
        for i, val in enumerate(validations):
            if not d(val).get("expression"):
                out.append(v.required(f"spec.validations[{i}].expression"))
        for i, a in enumerate(audits):
            a = d(a)
            if not a.get("key"):
                out.append(v.required(f"spec.auditAnnotations[{i}].key"))
            if not a.get("valueExpression"):
                out.append(v.required(f"spec.auditAnnotations[{i}].valueExpression"))
        out.extend(validate_match_conditions(lst(spec.get("matchConditions")), "spec.matchConditions"))
        fp = spec.get("failurePolicy")
        if fp is None:
            out.append(v.required("spec.failurePolicy"))
        elif fp not in FAILURE_POLICIES:
            out.append(v.not_supported("spec.failurePolicy", fp, FAILURE_POLICIES))
        for i, var in enumerate(lst(spec.get("variables"))):
            var = d(var)
            p = f"spec.variables[{i}]"
            if not var.get("name"):
                out.append(v.required(f"{p}.name"))
            if not var.get("expression"):
                out.append(v.required(f"{p}.expression"))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))


@register(GROUP, "ValidatingAdmissionPolicyBinding")
class ValidatingAdmissionPolicyBindingStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        spec = spec_of(obj)
        default_match_resources(spec.get("matchResources"))
        pr = spec.get("paramRef")
        if isinstance(pr, dict) and pr.get("parameterNotFoundAction") is None:
            pr["parameterNotFoundAction"] = "Deny"

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        spec = spec_of(obj)
        if not spec.get("policyName"):
            out.append(v.required("spec.policyName"))
        out.extend(_validate_match_resources(spec.get("matchResources"), "spec.matchResources", required=False))
        pr = spec.get("paramRef")
        if isinstance(pr, dict):
            p = "spec.paramRef"
            if pr.get("name") and pr.get("selector") is not None:
                out.append(v.forbidden(f"{p}.name", "name and selector are mutually exclusive"))
            if not pr.get("name") and pr.get("selector") is None:
                out.append(v.required(p, "one of name or selector must be specified"))
            action = pr.get("parameterNotFoundAction")
            if action is None:
                out.append(v.required(f"{p}.parameterNotFoundAction"))
            elif action not in PARAM_NOT_FOUND_ACTIONS:
                out.append(v.not_supported(f"{p}.parameterNotFoundAction", action, PARAM_NOT_FOUND_ACTIONS))
        actions = lst(spec.get("validationActions"))
        if not actions:
            out.append(v.required("spec.validationActions", "at least one validation action is required"))
        seen: set[str] = set()
        for i, a in enumerate(actions):
            if a in seen:
                out.append(v.duplicate(f"spec.validationActions[{i}]", a))
            seen.add(a)
            if a not in VALIDATION_ACTIONS:
                out.append(v.not_supported(f"spec.validationActions[{i}]", a, VALIDATION_ACTIONS))
        if "Deny" in seen and "Warn" in seen:
            out.append(v.invalid("spec.validationActions", actions, "validationActions must not contain both Deny and "
                                                                     "Warn (repeating the same validation failure "
                                                                     "information in the API response and headers "
                                                                     "serves no purpose)"))
        return out
