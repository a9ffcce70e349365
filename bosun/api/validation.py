"""Shared validation: field errors in upstream's words, object metadata, names, selectors and pod specs.

Upstream's `k8s.io/apimachinery/pkg/api/validation`, `.../util/validation`
and `pkg/apis/core/validation` (Kubernetes 1.33), written over wire-form
dicts. Every function returns a list of `Cause`s whose messages are exactly
what upstream's `field.Error` prints, because clients show them verbatim
(`metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 ...`).

Objects reach validation after decoding and defaulting but possibly before
structural type checks, so nothing here trusts a value's type: a wrong type
is reported (or skipped), never raised.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable, Iterable
from typing import Any

from bosun.machinery import labels as _labels
from bosun.machinery.errors import Cause
from bosun.machinery.quantity import Quantity, QuantityError, parse_quantity

Obj = dict[str, Any]
NameFn = Callable[..., list[str]]

REQUIRED = "FieldValueRequired"
INVALID = "FieldValueInvalid"
DUPLICATE = "FieldValueDuplicate"
NOT_SUPPORTED = "FieldValueNotSupported"
FORBIDDEN = "FieldValueForbidden"
TOO_LONG = "FieldValueTooLong"
TOO_MANY = "FieldValueTooMany"
TYPE_INVALID = "FieldValueTypeInvalid"
NOT_FOUND = "FieldValueNotFound"

FIELD_IMMUTABLE = "field is immutable"
IS_NEGATIVE = "must be greater than or equal to 0"
IS_NOT_POSITIVE = "must be greater than zero"
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * (1 << 10)


# ---------------------------------------------------------------------------
# Field errors (upstream field.Error.ErrorBody)


def go_value(value: Any) -> str:
    """A bad value as upstream's ErrorBody prints it: %q for strings, %v for numbers, %#v otherwise."""
    if isinstance(value, str):
        return _labels.go_quote(value)
    if isinstance(value, Quantity):
        return str(value)  # a fmt.Stringer: printed bare
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, str) for v in value):
            return "[]string{" + ", ".join(_labels.go_quote(v) for v in value) + "}"
        return "[]interface {}{" + ", ".join(go_value(v) for v in value) + "}"
    if isinstance(value, dict):
        if all(isinstance(v, str) for v in value.values()):
            items = ", ".join(f"{_labels.go_quote(str(k))}:{_labels.go_quote(v)}" for k, v in sorted(value.items()))
            return "map[string]string{" + items + "}"
        items = ", ".join(f"{_labels.go_quote(str(k))}:{go_value(v)}" for k, v in sorted(value.items()))
        return "map[string]interface {}{" + items + "}"
    return _labels.go_quote(str(value))


def _with(body: str, detail: str) -> str:
    return f"{body}: {detail}" if detail else body


def required(path: str, detail: str = "") -> Cause:
    return Cause(path, _with("Required value", detail), REQUIRED)


def invalid(path: str, value: Any, detail: str = "") -> Cause:
    return Cause(path, _with(f"Invalid value: {go_value(value)}", detail), INVALID)


def type_invalid(path: str, value: Any, detail: str = "") -> Cause:
    return Cause(path, _with(f"Invalid value: {go_value(value)}", detail), TYPE_INVALID)


def not_supported(path: str, value: Any, valid: Iterable[str]) -> Cause:
    quoted = ", ".join(_labels.go_quote(v) for v in valid)
    return Cause(path, _with(f"Unsupported value: {go_value(value)}", f"supported values: {quoted}" if quoted else ""),
                 NOT_SUPPORTED)


def duplicate(path: str, value: Any) -> Cause:
    return Cause(path, f"Duplicate value: {go_value(value)}", DUPLICATE)


def forbidden(path: str, detail: str = "") -> Cause:
    return Cause(path, _with("Forbidden", detail), FORBIDDEN)


def too_long(path: str, max_length: int) -> Cause:
    if max_length < 0:
        return Cause(path, "Too long: value is too long", TOO_LONG)
    unit = "byte" if max_length == 1 else "bytes"
    return Cause(path, f"Too long: may not be more than {max_length} {unit}", TOO_LONG)


def too_many(path: str, actual: int, max_items: int) -> Cause:
    detail = f"must have at most {max_items} items" if max_items >= 0 else "has too many items"
    return Cause(path, f"Too many: {actual}: {detail}", TOO_MANY)


def not_found(path: str, value: Any) -> Cause:
    return Cause(path, f"Not found: {go_value(value)}", NOT_FOUND)


def immutable(path: str, value: Any) -> Cause:
    return invalid(path, value, FIELD_IMMUTABLE)


def dedupe(causes: list[Cause]) -> list[Cause]:
    """Drop repeated errors, as upstream's ErrorList.ToAggregate does."""
    if len(causes) < 2:
        return causes
    seen: set[tuple[str, str]] = set()
    out = []
    for c in causes:
        key = (c.field, c.message)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


# ---------------------------------------------------------------------------
# Messages of upstream util/validation

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_ERR = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
                      "must start and end with an alphanumeric character")
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_LABEL_ERR = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                      "alphabetic character, and end with an alphanumeric character")
_DNS1123_LABEL_RE = re.compile(_DNS1123_LABEL_FMT)
_DNS1123_SUBDOMAIN_RE = re.compile(_DNS1123_SUBDOMAIN_FMT)
_DNS1035_LABEL_RE = re.compile(_DNS1035_LABEL_FMT)
_QUALIFIED_NAME_RE = re.compile(r"([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                                r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_VALUE_RE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_SIMPLE_NAME_RE = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_KEY_RE = re.compile(_CONFIG_KEY_FMT)
_C_IDENTIFIER_FMT = "[A-Za-z_][A-Za-z0-9_]*"
_C_IDENTIFIER_RE = re.compile(_C_IDENTIFIER_FMT)
_PORT_NAME_CHARSET_RE = re.compile("[-a-z0-9]+")
_HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+"
_HTTP_HEADER_NAME_RE = re.compile(_HTTP_HEADER_NAME_FMT)
_PERCENT_FMT = "[0-9]+%"
_PERCENT_RE = re.compile(_PERCENT_FMT)
MAX_INT32 = 2**31 - 1


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """Upstream RegexError (with its odd "'a',  or 'b', " spacing)."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    return msg + " (e.g. " + " or ".join(f"'{e}', " for e in examples) + f"regex used for validation is '{fmt}')"


def max_len_error(n: int) -> str:
    return f"must be no more than {n} characters"


def inclusive_range_error(lo: int, hi: int) -> str:
    return f"must be between {lo} and {hi}, inclusive"


def _blen(s: str) -> int:
    return len(s) if s.isascii() else len(s.encode("utf-8", "surrogatepass"))


def is_dns1123_label(value: str) -> list[str]:
    if len(value) <= 63 and _DNS1123_LABEL_RE.fullmatch(value):
        return []
    errs = []
    if _blen(value) > 63:
        errs.append(max_len_error(63))
    if not _DNS1123_LABEL_RE.fullmatch(value):
        if _DNS1123_SUBDOMAIN_RE.fullmatch(value):
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(_DNS1123_LABEL_ERR, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    if len(value) <= 253 and _DNS1123_SUBDOMAIN_RE.fullmatch(value):
        return []
    return _labels.is_dns1123_subdomain(value)


def is_dns1035_label(value: str) -> list[str]:
    if len(value) <= 63 and _DNS1035_LABEL_RE.fullmatch(value):
        return []
    errs = []
    if _blen(value) > 63:
        errs.append(max_len_error(63))
    if not _DNS1035_LABEL_RE.fullmatch(value):
        errs.append(regex_error(_DNS1035_LABEL_ERR, _DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def is_qualified_name(value: str) -> list[str]:
    if _QUALIFIED_NAME_RE.fullmatch(value) and len(value) <= 63 + 254:
        name = value.rpartition("/")[2]
        if len(name) <= 63 and (len(value) - len(name) <= 254):
            return []
    return _labels.is_qualified_name(value)


def is_valid_label_value(value: str) -> list[str]:
    if len(value) <= 63 and _LABEL_VALUE_RE.fullmatch(value):
        return []
    return _labels.is_valid_label_value(value)


def _chdir_prefix(value: str) -> list[str]:
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def is_config_map_key(value: str) -> list[str]:
    """Upstream IsConfigMapKey (keys of ConfigMaps and Secrets, projected items)."""
    if len(value) <= 253 and _CONFIG_KEY_RE.fullmatch(value) and not value.startswith(".."):
        if value != ".":
            return []
    errs = []
    if _blen(value) > 253:
        errs.append(max_len_error(253))
    if not _CONFIG_KEY_RE.fullmatch(value):
        errs.append(regex_error("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                                _CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    errs.extend(_chdir_prefix(value))
    return errs


def is_c_identifier(value: str) -> list[str]:
    if _C_IDENTIFIER_RE.fullmatch(value):
        return []
    return [regex_error("a valid C identifier must start with alphabetic character or '_', followed by a string of "
                        "alphanumeric characters or '_'", _C_IDENTIFIER_FMT, "my_name", "MY_NAME", "MyName")]


def is_env_var_name(value: str) -> list[str]:
    """Upstream IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is on by default in 1.33)."""
    errs = []
    if not value:
        errs.append("environment variable name must be non-empty")
    for ch in value:
        if ord(ch) > 127 or not ch.isprintable() or ch == "=":
            errs.append("a valid environment variable name must consist only of printable ASCII characters other "
                        "than '='")
            break
    return errs


def is_valid_port_num(port: Any) -> list[str]:
    if _is_int(port) and 1 <= port <= 65535:
        return []
    return [inclusive_range_error(1, 65535)]


def is_valid_port_name(port: str) -> list[str]:
    errs = []
    if len(port) > 15:
        errs.append(max_len_error(15))
    if not _PORT_NAME_CHARSET_RE.fullmatch(port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not any("a" <= c <= "z" for c in port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def is_http_header_name(value: str) -> list[str]:
    if _HTTP_HEADER_NAME_RE.fullmatch(value):
        return []
    return [regex_error("a valid HTTP header must consist of alphanumeric characters or '-'", _HTTP_HEADER_NAME_FMT,
                        "X-Header-Name")]


def is_valid_percent(value: str) -> list[str]:
    if _PERCENT_RE.fullmatch(value):
        return []
    return [regex_error("a valid percent string must be a numeric string followed by an ending '%'", _PERCENT_FMT,
                        "1%", "93%")]


def is_valid_ip(value: str) -> list[str]:
    """Upstream IsValidIP (1.33: no leading zeros, no IPv4-mapped-with-zone forms)."""
    try:
        ipaddress.ip_address(value)
        return []
    except ValueError:
        return ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]


# ---------------------------------------------------------------------------
# Name validators: (name, prefix) -> problems, as upstream's ValidateNameFunc


def _mask_trailing_dash(name: str) -> str:
    """A generateName prefix may end in '-' (the random suffix follows it)."""
    if len(name) > 1 and name.endswith("-"):
        return name[:-2] + "a"
    return name


def dns1123_subdomain(name: str, prefix: bool = False) -> list[str]:
    """Upstream NameIsDNSSubdomain: most kinds' names."""
    if prefix:
        name = _mask_trailing_dash(name)
    return is_dns1123_subdomain(name)


def dns1123_label(name: str, prefix: bool = False) -> list[str]:
    """Upstream NameIsDNSLabel: namespaces and the like."""
    if prefix:
        name = _mask_trailing_dash(name)
    return is_dns1123_label(name)


def dns1035_label(name: str, prefix: bool = False) -> list[str]:
    """Upstream NameIsDNS1035Label: Services."""
    if prefix:
        name = _mask_trailing_dash(name)
    return is_dns1035_label(name)


def path_segment_name(name: str, prefix: bool = False) -> list[str]:
    """Upstream ValidatePathSegmentName: any name usable as one URL path segment (RBAC, `users:joe`)."""
    if not prefix:
        for bad in (".", ".."):
            if name == bad:
                return [f"may not be '{bad}'"]
    errs = []
    for bad in ("/", "%"):
        if bad in name:
            errs.append(f"may not contain '{bad}'")
    return errs


def no_name_check(name: str, prefix: bool = False) -> list[str]:
    return []


# ---------------------------------------------------------------------------
# Small shared checks


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _d(v: Any) -> Obj:
    return v if isinstance(v, dict) else {}


def _l(v: Any) -> list:
    return v if isinstance(v, list) else []


def _s(v: Any) -> str:
    return v if isinstance(v, str) else ""


def validate_nonnegative(value: Any, path: str) -> list[Cause]:
    if _is_int(value) and value < 0:
        return [invalid(path, value, IS_NEGATIVE)]
    return []


def validate_immutable(new: Any, old: Any, path: str) -> list[Cause]:
    if new != old:
        return [immutable(path, new)]
    return []


def validate_name_with(fn: NameFn, value: str, path: str) -> list[Cause]:
    return [invalid(path, value, msg) for msg in fn(value, False)]


def validate_dns1123_label(value: str, path: str) -> list[Cause]:
    return [invalid(path, value, msg) for msg in is_dns1123_label(value)]


def validate_dns1123_subdomain(value: str, path: str) -> list[Cause]:
    return [invalid(path, value, msg) for msg in is_dns1123_subdomain(value)]


def validate_qualified_name(value: str, path: str) -> list[Cause]:
    return [invalid(path, value, msg) for msg in is_qualified_name(value)]


def _qualified_ok(k: str) -> bool:
    return (len(k) <= 63 and _SIMPLE_NAME_RE.fullmatch(k) is not None) or (
        _QUALIFIED_NAME_RE.fullmatch(k) is not None and not is_qualified_name(k))


def validate_labels(labels: Any, path: str) -> list[Cause]:
    """metav1 ValidateLabels: keys are qualified names, values label values (errors on the map's path)."""
    if not labels:
        return []
    if not isinstance(labels, dict):
        return [type_invalid(path, labels, "must be a map of strings")]
    out: list[Cause] = []
    for k, v in labels.items():
        if not _qualified_ok(k):
            out.extend(invalid(path, k, msg) for msg in _labels.is_qualified_name(k))
        if not isinstance(v, str):
            out.append(type_invalid(f"{path}[{k}]", v, "must be a string"))
        elif not (len(v) <= 63 and _LABEL_VALUE_RE.fullmatch(v)):
            out.extend(invalid(path, v, msg) for msg in _labels.is_valid_label_value(v))
    return out


def validate_annotations(annotations: Any, path: str) -> list[Cause]:
    """apimachinery ValidateAnnotations: keys are qualified names (case-insensitive), 256 KiB in total."""
    if not annotations:
        return []
    if not isinstance(annotations, dict):
        return [type_invalid(path, annotations, "must be a map of strings")]
    out: list[Cause] = []
    total = 0
    for k, v in annotations.items():
        if not isinstance(v, str):
            out.append(type_invalid(f"{path}[{k}]", v, "must be a string"))
            continue
        if not _qualified_ok(k.lower()):
            out.extend(invalid(path, k, msg) for msg in _labels.is_qualified_name(k.lower()))
        total += _blen(k) + _blen(v)
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        out.append(too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT))
    return out


def _validate_owner_references(refs: Any, path: str) -> list[Cause]:
    out: list[Cause] = []
    first_controller = ""
    for ref in _l(refs):
        ref = _d(ref)
        api_version = _s(ref.get("apiVersion"))
        kind = _s(ref.get("kind"))
        version = api_version.rpartition("/")[2]
        if not version:
            out.append(invalid(f"{path}.apiVersion", api_version, "version must not be empty"))
        if not kind:
            out.append(invalid(f"{path}.kind", kind, "must not be empty"))
        if not ref.get("name"):
            out.append(invalid(f"{path}.name", _s(ref.get("name")), "must not be empty"))
        if not ref.get("uid"):
            out.append(invalid(f"{path}.uid", _s(ref.get("uid")), "must not be empty"))
        if api_version == "v1" and kind == "Event":
            out.append(Cause(path, f"Invalid value: {_owner_ref_go(ref)}: /v1, Kind=Event is disallowed from "
                                   "being an owner", INVALID))
        if ref.get("controller") is True:
            cur = f"{kind}/{ref.get('name', '')}"
            if first_controller:
                out.append(Cause(path, "Invalid value: []v1.OwnerReference{...}: Only one reference can have "
                                       f'Controller set to true. Found "true" in references for {first_controller} '
                                       f"and {cur}", INVALID))
            else:
                first_controller = cur
    return out


def _owner_ref_go(ref: Obj) -> str:
    return (f'v1.OwnerReference{{APIVersion:{_labels.go_quote(_s(ref.get("apiVersion")))}, '
            f'Kind:{_labels.go_quote(_s(ref.get("kind")))}, Name:{_labels.go_quote(_s(ref.get("name")))}, '
            f'UID:{_labels.go_quote(_s(ref.get("uid")))}}}')


STANDARD_FINALIZERS = frozenset(("kubernetes", "orphan", "foregroundDeletion"))


def _validate_finalizers(finalizers: Any, path: str, kube: bool = True) -> list[Cause]:
    if not finalizers:
        return []
    out: list[Cause] = []
    names = [f for f in _l(finalizers) if isinstance(f, str)]
    for f in names:
        out.extend(validate_qualified_name(f, path))
    if "orphan" in names and "foregroundDeletion" in names:
        out.append(invalid(path, names, "finalizer orphan and foregroundDeletion cannot be both set"))
    if kube:
        for i, f in enumerate(names):
            if "/" not in f and f not in STANDARD_FINALIZERS:
                out.append(invalid(f"{path}[{i}]", f, "name is neither a standard finalizer name nor is it fully "
                                                      "qualified"))
    return out


# ---------------------------------------------------------------------------
# Object metadata


def validate_object_meta(meta: Obj, namespaced: bool, name_fn: NameFn = dns1123_subdomain,
                         path: str = "metadata", *, kube_finalizers: bool = True) -> list[Cause]:
    """Upstream ValidateObjectMeta: what every object's metadata must satisfy on create (and update).

    `kube_finalizers` adds core's rule that an unqualified finalizer be a standard one (built-in kinds;
    custom resources pass False).
    """
    if not isinstance(meta, dict):
        return [required(f"{path}.name", "name or generateName is required")]
    out: list[Cause] = []
    generate = meta.get("generateName")
    if generate and isinstance(generate, str):
        out.extend(invalid(f"{path}.generateName", generate, msg) for msg in name_fn(generate, True))
    name = meta.get("name")
    if not name:
        out.append(required(f"{path}.name", "name or generateName is required"))
    elif not isinstance(name, str):
        out.append(type_invalid(f"{path}.name", name, "must be a string"))
    else:
        errs = name_fn(name, False)
        if errs:
            out.extend(invalid(f"{path}.name", name, msg) for msg in errs)
    ns = meta.get("namespace")
    if namespaced:
        if not ns:
            out.append(required(f"{path}.namespace"))
        elif isinstance(ns, str):
            out.extend(invalid(f"{path}.namespace", ns, msg) for msg in dns1123_label(ns))
    elif ns:
        out.append(forbidden(f"{path}.namespace", "not allowed on this type"))
    gen = meta.get("generation")
    if gen is not None:
        out.extend(validate_nonnegative(gen, f"{path}.generation"))
    if meta.get("labels"):
        out.extend(validate_labels(meta["labels"], f"{path}.labels"))
    if meta.get("annotations"):
        out.extend(validate_annotations(meta["annotations"], f"{path}.annotations"))
    if meta.get("ownerReferences"):
        out.extend(_validate_owner_references(meta["ownerReferences"], f"{path}.ownerReferences"))
    if meta.get("finalizers"):
        out.extend(_validate_finalizers(meta["finalizers"], f"{path}.finalizers", kube_finalizers))
    return out


_IMMUTABLE_META = ("name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                   "deletionGracePeriodSeconds")


def validate_object_meta_update(new: Obj, old: Obj, path: str = "metadata", *,
                                kube_finalizers: bool = True) -> list[Cause]:
    """Upstream ValidateObjectMetaUpdate: identity fields are immutable, no new finalizers while deleting.

    The resourceVersion rule is the registry's (it knows whether the kind
    allows unconditional updates).
    """
    new, old = _d(new), _d(old)
    out: list[Cause] = []
    if old.get("deletionTimestamp"):
        extra = sorted(set(_l(new.get("finalizers"))) - set(_l(old.get("finalizers"))))
        if extra:
            shown = "[]string{" + ", ".join(_labels.go_quote(str(f)) for f in extra) + "}"
            out.append(forbidden(f"{path}.finalizers", "no new finalizers can be added if the object is being "
                                                       f"deleted, found new finalizers {shown}"))
    ng, og = new.get("generation"), old.get("generation")
    if _is_int(ng) and _is_int(og) and ng < og:
        out.append(invalid(f"{path}.generation", ng, "must not be decremented"))
    for k in _IMMUTABLE_META:
        if new.get(k) != old.get(k):
            out.append(immutable(f"{path}.{k}", new.get(k) if new.get(k) is not None else ""))
    if new.get("labels"):
        out.extend(validate_labels(new["labels"], f"{path}.labels"))
    if new.get("annotations"):
        out.extend(validate_annotations(new["annotations"], f"{path}.annotations"))
    if new.get("ownerReferences"):
        out.extend(_validate_owner_references(new["ownerReferences"], f"{path}.ownerReferences"))
    if new.get("finalizers"):
        out.extend(_validate_finalizers(new["finalizers"], f"{path}.finalizers", kube_finalizers))
    return out


# ---------------------------------------------------------------------------
# Label selectors (metav1.LabelSelector)


def validate_label_selector(sel: Any, path: str, allow_invalid_values: bool = False) -> list[Cause]:
    """metav1 ValidateLabelSelector."""
    if sel is None:
        return []
    sel = _d(sel)
    out = validate_labels(sel.get("matchLabels"), f"{path}.matchLabels")
    for i, expr in enumerate(_l(sel.get("matchExpressions"))):
        p = f"{path}.matchExpressions[{i}]"
        expr = _d(expr)
        op = expr.get("operator")
        values = _l(expr.get("values"))
        if op in ("In", "NotIn"):
            if not values:
                out.append(required(f"{p}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
        elif op in ("Exists", "DoesNotExist"):
            if values:
                out.append(forbidden(f"{p}.values", "may not be specified when `operator` is 'Exists' or "
                                                    "'DoesNotExist'"))
        else:
            out.append(invalid(f"{p}.operator", op if op is not None else "", "not a valid selector operator"))
        out.extend(validate_qualified_name(_s(expr.get("key")), f"{p}.key"))
        if not allow_invalid_values:
            for j, v in enumerate(values):
                if isinstance(v, str):
                    out.extend(invalid(f"{p}.values[{j}]", v, msg) for msg in is_valid_label_value(v))
    return out


# ---------------------------------------------------------------------------
# Quantities and resource names (upstream helper.Is*ResourceName)

QUANTITY_REGEX_ERROR = ("quantities must match the regular expression "
                        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
STANDARD_RESOURCES = frozenset((
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services",
    "replicationcontrollers", "secrets", "persistentvolumeclaims", "configmaps", "storage", "requests.storage",
    "services.nodeports", "services.loadbalancers"))
STANDARD_QUOTA_RESOURCES = frozenset((
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods",
    "resourcequotas", "services", "replicationcontrollers", "secrets", "persistentvolumeclaims", "configmaps",
    "services.nodeports", "services.loadbalancers"))
STANDARD_CONTAINER_RESOURCES = frozenset(("cpu", "memory", "ephemeral-storage"))
INTEGER_RESOURCES = frozenset(("pods", "resourcequotas", "services", "replicationcontrollers", "secrets",
                               "configmaps", "persistentvolumeclaims", "services.nodeports",
                               "services.loadbalancers"))


def parse_q(value: Any) -> Quantity | None:
    """A wire quantity (string or number), or None when it does not parse."""
    if isinstance(value, str):
        return _parse_q_str(value)
    if isinstance(value, bool):
        return None
    return _parse_q(value)


@functools.lru_cache(maxsize=4096)
def _parse_q_str(value: str) -> Quantity | None:
    return _parse_q(value)  # Quantity objects are immutable: sharing them is safe


def _parse_q(value: Any) -> Quantity | None:
    try:
        return parse_quantity(value.strip() if isinstance(value, str) else value)
    except (QuantityError, TypeError, ValueError):
        return None


def is_native_resource(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def is_quota_hugepages(name: str) -> bool:
    return name.startswith("hugepages-") or name.startswith("requests.hugepages-")


def is_extended_resource(name: str) -> bool:
    if is_native_resource(name) or name.startswith("requests."):
        return False
    return not is_qualified_name("requests." + name)


def is_overcommit_allowed(name: str) -> bool:
    return is_native_resource(name) and not is_hugepages(name)


def is_integer_resource(name: str) -> bool:
    return name in INTEGER_RESOURCES or is_extended_resource(name)


def validate_resource_name(name: str, path: str) -> list[Cause]:
    """Upstream validateResourceName."""
    out = validate_qualified_name(name, path)
    if out:
        return out
    if "/" not in name and name not in STANDARD_RESOURCES and not is_quota_hugepages(name):
        return [invalid(path, name, "must be a standard resource type or fully qualified")]
    return []


def validate_container_resource_name(name: str, path: str) -> list[Cause]:
    """Upstream validateContainerResourceName."""
    out = validate_resource_name(name, path)
    if "/" not in name:
        if name not in STANDARD_CONTAINER_RESOURCES and not is_hugepages(name):
            return out + [invalid(path, name, "must be a standard resource for containers")]
    elif not is_native_resource(name) and not is_extended_resource(name):
        return out + [invalid(path, name, "doesn't follow extended resource name standard")]
    return out


def validate_quota_resource_name(name: str, path: str) -> list[Cause]:
    """Upstream ValidateResourceQuotaResourceName."""
    out = validate_resource_name(name, path)
    if "/" not in name and name not in STANDARD_QUOTA_RESOURCES and not is_quota_hugepages(name):
        return out + [invalid(path, name, "must be a standard resource for quota")]
    return out


def validate_resource_quantity_value(name: str, q: Quantity, path: str) -> list[Cause]:
    """Upstream ValidateResourceQuantityValue: not negative, whole for integer resources."""
    out: list[Cause] = []
    if q.sign() < 0:
        out.append(invalid(path, str(q), IS_NEGATIVE))
    if is_integer_resource(name) and q.milli_value() % 1000 != 0:
        out.append(invalid(path, q, "must be an integer"))
    return out


def quantity_list(rl: Any, path: str, errors: list[Cause]) -> dict[str, Quantity]:
    """The parsed quantities of a ResourceList (bad ones reported in `errors`)."""
    out: dict[str, Quantity] = {}
    if not isinstance(rl, dict):
        return out
    for name, value in rl.items():
        q = parse_q(value)
        if q is None:
            errors.append(invalid(f"{path}[{name}]", value if isinstance(value, str) else str(value),
                                  QUANTITY_REGEX_ERROR))
        else:
            out[name] = q
    return out


def _hugepage_divisible(name: str, q: Quantity) -> bool:
    size = parse_q(name[len("hugepages-"):])
    if size is None or size.sign() <= 0 or size.milli_value() % 1000:
        return False
    return q.value() % size.value() == 0


def validate_resource_requirements(res: Any, path: str, pod_claims: Iterable[str] = (),
                                   name_fn: Callable[[str, str], list[Cause]] | None = None) -> list[Cause]:
    """Upstream ValidateContainerResourceRequirements: names, quantities, requests <= limits, claims."""
    res = _d(res)
    name_fn = name_fn or validate_container_resource_name
    out: list[Cause] = []
    lim_path, req_path = f"{path}.limits", f"{path}.requests"
    limits = quantity_list(res.get("limits"), lim_path, out)
    requests = quantity_list(res.get("requests"), req_path, out)
    lim_cpu_mem = req_cpu_mem = lim_huge = req_huge = False
    for name, q in limits.items():
        p = f"{lim_path}[{name}]"
        out.extend(name_fn(name, p))
        out.extend(validate_resource_quantity_value(name, q, p))
        if is_hugepages(name):
            lim_huge = True
            if not _hugepage_divisible(name, q):
                out.append(invalid(p, str(q), f"{q} is not positive integer multiple of {name}"))
        if name in ("cpu", "memory"):
            lim_cpu_mem = True
    for name, q in requests.items():
        p = f"{req_path}[{name}]"
        out.extend(name_fn(name, p))
        out.extend(validate_resource_quantity_value(name, q, p))
        lim = limits.get(name)
        if lim is not None:
            if q.cmp(lim) != 0 and not is_overcommit_allowed(name):
                out.append(invalid(req_path, str(q), f"must be equal to {name} limit of {lim}"))
            elif q.cmp(lim) > 0:
                out.append(invalid(req_path, str(q), f"must be less than or equal to {name} limit of {lim}"))
        elif not is_overcommit_allowed(name):
            out.append(required(lim_path, "Limit must be set for non overcommitable resources"))
        if is_hugepages(name):
            req_huge = True
            if not _hugepage_divisible(name, q):
                out.append(invalid(p, str(q), f"{q} is not positive integer multiple of {name}"))
        if name in ("cpu", "memory"):
            req_cpu_mem = True
    if not lim_cpu_mem and not req_cpu_mem and (req_huge or lim_huge):
        out.append(forbidden(path, "HugePages require cpu or memory"))
    claims = sorted(set(pod_claims))
    names: set[str] = set()
    for i, c in enumerate(_l(res.get("claims"))):
        c = _d(c)
        p = f"{path}.claims[{i}]"
        name = _s(c.get("name"))
        if not name:
            out.append(required(p))
            continue
        if name in names:
            out.append(duplicate(p, name))
        else:
            key = name
            request = _s(c.get("request"))
            if request:
                out.extend(validate_dns1123_label(request, f"{p}.request"))
                key += "/" + request
            if key in names:
                out.append(duplicate(p, key))
            elif not request and any(k.split("/", 1)[0] == name for k in names if "/" in k):
                out.append(duplicate(p, name))
            names.add(key)
        if name not in claims:
            detail = "must be one of the names in pod.spec.resourceClaims"
            detail += " which is empty" if not claims else ": " + ", ".join(claims)
            out.append(Cause(p, f"Not found: {go_value(name)}: {detail}", NOT_FOUND))
    return out


# ---------------------------------------------------------------------------
# Pod specs (upstream ValidatePodSpec and friends)

RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
PROTOCOLS = ("SCTP", "TCP", "UDP")
TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
HOST_PATH_TYPES = ("", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate",
                   "Socket")
FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"
ENV_FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
                   "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs")
VOLUME_FIELD_PATHS = ("metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
                      "metadata.uid")
_DOWNWARD_CONVERTIBLE = frozenset((
    "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
    "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase",
    "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"))
CONTAINER_RESOURCE_FIELDS = ("limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu",
                             "requests.ephemeral-storage", "requests.memory")
_MEMORY_DIVISORS = frozenset(("1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"))
_SYSCTL_FMT = r"([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_SYSCTL_RE = re.compile(_SYSCTL_FMT)
_DNS1123_LABEL_US_FMT = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_US_FMT = _DNS1123_LABEL_US_FMT + "(\\." + _DNS1123_LABEL_US_FMT + ")*"
_DNS1123_SUBDOMAIN_US_RE = re.compile(_DNS1123_SUBDOMAIN_US_FMT)

# Volume sources in upstream's order, with the path upstream names in "more than 1 volume type".
VOLUME_SOURCES = (
    ("emptyDir", "emptyDir"), ("hostPath", "hostPath"), ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"), ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"), ("nfs", "nfs"), ("iscsi", "iscsi"), ("glusterfs", "glusterfs"), ("flocker", "flocker"),
    ("persistentVolumeClaim", "persistentVolumeClaim"), ("rbd", "rbd"), ("cinder", "cinder"),
    ("cephfs", "cephFS"), ("quobyte", "quobyte"), ("downwardAPI", "downwarAPI"), ("fc", "fc"),
    ("flexVolume", "flexVolume"), ("configMap", "configMap"), ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"), ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"), ("azureDisk", "azureDisk"), ("storageos", "storageos"),
    ("projected", "projected"), ("scaleIO", "scaleIO"), ("csi", "csi"), ("ephemeral", "ephemeral"),
    ("image", "image"))


def validate_pod_template_spec(template: Any, path: str, *, allow_ephemeral: bool = False) -> list[Cause]:
    """Upstream ValidatePodTemplateSpec (labels and annotations are reported at `<path>.labels`, as upstream)."""
    if not isinstance(template, dict):
        return [required(path)]
    meta = _d(template.get("metadata"))
    spec = _d(template.get("spec"))
    out = validate_labels(meta.get("labels"), f"{path}.labels")
    out.extend(validate_annotations(meta.get("annotations"), f"{path}.annotations"))
    out.extend(validate_pod_specific_annotations(_d(meta.get("annotations")), spec, f"{path}.annotations"))
    out.extend(validate_pod_spec(template.get("spec"), f"{path}.spec"))
    if _l(spec.get("ephemeralContainers")) and not allow_ephemeral:
        out.append(forbidden(f"{path}.spec.ephemeralContainers", "ephemeral containers not allowed in pod template"))
    return out


def validate_pod_specific_annotations(annotations: Obj, spec: Obj, path: str) -> list[Cause]:
    """Upstream ValidatePodSpecificAnnotations (mirror pods, deletion cost, seccomp and AppArmor annotations)."""
    out: list[Cause] = []
    if not annotations:
        return out
    if "kubernetes.io/config.mirror" in annotations and not spec.get("nodeName"):
        out.append(invalid(f"{path}[kubernetes.io/config.mirror]", annotations["kubernetes.io/config.mirror"],
                           "must set spec.nodeName if mirror pod annotation is set"))
    cost = annotations.get("controller.kubernetes.io/pod-deletion-cost")
    if cost is not None and (not isinstance(cost, str) or not re.fullmatch(r"[+-]?[0-9]+", cost)
                             or not -(2**31) <= int(cost) < 2**31):
        out.append(invalid(f"{path}[controller.kubernetes.io/pod-deletion-cost]", cost, "must be a 32bit integer"))
    for k, v in annotations.items():
        if k == "seccomp.security.alpha.kubernetes.io/pod" or k.startswith("container.seccomp.security.alpha"
                                                                            ".kubernetes.io/"):
            out.extend(_validate_seccomp_annotation(_s(v), f"{path}.{k}"))
        elif k.startswith("container.apparmor.security.beta.kubernetes.io/"):
            name = k[len("container.apparmor.security.beta.kubernetes.io/"):]
            if name not in _container_names(spec):
                out.append(invalid(f"{path}[{k}]", name, "container not found"))
            if v and v not in ("runtime/default", "unconfined") and not _s(v).startswith("localhost/"):
                out.append(invalid(f"{path}[{k}]", v, f"invalid AppArmor profile name: {_labels.go_quote(_s(v))}"))
    return out


def _container_names(spec: Obj) -> set[str]:
    return {_d(c).get("name") for key in ("initContainers", "containers", "ephemeralContainers")
            for c in _l(spec.get(key))}


def _validate_seccomp_annotation(p: str, path: str) -> list[Cause]:
    if p in ("runtime/default", "docker/default", "unconfined"):
        return []
    if p.startswith("localhost/"):
        return _validate_local_descending_path(p[len("localhost/"):], path)
    return [invalid(path, p, "must be a valid seccomp profile")]


def validate_pod_spec(spec: Any, path: str, *, pod_meta: Obj | None = None, resource_is_pod: bool = False
                      ) -> list[Cause]:
    """Upstream ValidatePodSpec: containers, volumes, policies, scheduling fields (defaults applied first)."""
    if not isinstance(spec, dict):
        return [required(f"{path}.containers")]
    out: list[Cause] = []
    grace = spec.get("terminationGracePeriodSeconds")
    if grace is None:
        out.append(required(f"{path}.terminationGracePeriodSeconds"))
    if not _is_int(grace):
        grace = None
    sc = _d(spec.get("securityContext"))
    host_users = sc.get("hostUsers") is not False
    volumes, verrs = _validate_volumes(spec.get("volumes"), f"{path}.volumes", pod_meta, resource_is_pod)
    out.extend(verrs)
    claims = {_s(_d(c).get("name")) for c in _l(spec.get("resourceClaims")) if _d(c).get("name")}
    out.extend(_validate_pod_resource_claims(spec.get("resourceClaims"), f"{path}.resourceClaims"))
    restart = spec.get("restartPolicy")
    containers = [c for c in _l(spec.get("containers"))]
    init = [c for c in _l(spec.get("initContainers"))]
    out.extend(_validate_containers(containers, volumes, claims, grace, f"{path}.containers", restart, host_users))
    out.extend(_validate_init_containers(init, containers, volumes, claims, grace, f"{path}.initContainers",
                                         restart, host_users))
    out.extend(_validate_ephemeral_containers(_l(spec.get("ephemeralContainers")), containers, init, volumes,
                                              claims, f"{path}.ephemeralContainers", restart, host_users))
    if spec.get("hostNetwork"):
        for i, c in enumerate(containers):
            for j, port in enumerate(_l(_d(c).get("ports"))):
                port = _d(port)
                hp, cp = port.get("hostPort") or 0, port.get("containerPort") or 0
                if (resource_is_pod or hp != 0) and hp != cp:
                    out.append(invalid(f"{path}.containers[{i}].ports[{j}].hostPort", hp,
                                       "must match `containerPort` when `hostNetwork` is true"))
    out.extend(_enum(restart, RESTART_POLICIES, f"{path}.restartPolicy"))
    dns_policy = spec.get("dnsPolicy")
    out.extend(_enum(dns_policy, DNS_POLICIES, f"{path}.dnsPolicy"))
    out.extend(validate_labels(spec.get("nodeSelector"), f"{path}.nodeSelector"))
    out.extend(_validate_pod_security_context(spec, f"{path}.securityContext"))
    for i, s in enumerate(_l(spec.get("imagePullSecrets"))):
        if isinstance(s, dict) and set(s) - {"name"}:
            out.append(invalid(f"{path}.imagePullSecrets[{i}]", s, "only name may be set"))
    out.extend(_validate_affinity(spec.get("affinity"), f"{path}.affinity"))
    out.extend(_validate_dns_config(spec.get("dnsConfig"), dns_policy, f"{path}.dnsConfig"))
    for i, g in enumerate(_l(spec.get("readinessGates"))):
        out.extend(validate_qualified_name(_s(_d(g).get("conditionType")), f"{path}.readinessGates[{i}].conditionType"))
    seen: set[str] = set()
    for i, g in enumerate(_l(spec.get("schedulingGates"))):
        n = _s(_d(g).get("name"))
        out.extend(validate_qualified_name(n, f"{path}.schedulingGates[{i}]"))
        if n in seen:
            out.append(duplicate(f"{path}.schedulingGates[{i}]", n))
        seen.add(n)
    out.extend(_validate_topology_spread(spec.get("topologySpreadConstraints"), f"{path}.topologySpreadConstraints"))
    if not host_users:
        for fld, shown in (("hostNetwork", "hostNetwork"), ("hostPID", "HostPID"), ("hostIPC", "HostIPC")):
            if spec.get(fld):
                out.append(forbidden(f"{path}.{shown}", "when `pod.Spec.HostUsers` is false"))
    for fld in ("serviceAccountName", "nodeName"):
        v = spec.get(fld)
        if v and isinstance(v, str):
            out.extend(invalid(f"{path}.{fld}", v, m) for m in dns1123_subdomain(v))
    ads = spec.get("activeDeadlineSeconds")
    if _is_int(ads) and not 1 <= ads <= MAX_INT32:
        out.append(invalid(f"{path}.activeDeadlineSeconds", ads, inclusive_range_error(1, MAX_INT32)))
    for fld in ("hostname", "subdomain"):
        v = spec.get(fld)
        if v and isinstance(v, str):
            out.extend(validate_dns1123_label(v, f"{path}.{fld}"))
    if spec.get("tolerations"):
        out.extend(validate_tolerations(spec["tolerations"], f"{path}.tolerations"))
    for i, a in enumerate(_l(spec.get("hostAliases"))):
        a = _d(a)
        out.extend(invalid(f"{path}.hostAliases[{i}].ip", _s(a.get("ip")), m) for m in is_valid_ip(_s(a.get("ip"))))
        for j, h in enumerate(_l(a.get("hostnames"))):
            out.extend(validate_dns1123_subdomain(_s(h), f"{path}.hostAliases[{i}].hostnames[{j}]"))
    pcn = spec.get("priorityClassName")
    if pcn and isinstance(pcn, str):
        out.extend(invalid(f"{path}.priorityClassName", pcn, m) for m in dns1123_subdomain(pcn))
    rcn = spec.get("runtimeClassName")
    if isinstance(rcn, str):
        out.extend(invalid(f"{path}.runtimeClassName", rcn, m) for m in dns1123_subdomain(rcn))
    pp = spec.get("preemptionPolicy")
    if pp is not None:
        out.extend(_enum(pp, ("PreemptLowerPriority", "Never"), f"{path}.preemptionPolicy"))
    if spec.get("overhead") is not None:
        out.extend(validate_resource_requirements({"limits": spec["overhead"]}, f"{path}.overhead"))
    os_ = spec.get("os")
    if os_ is not None:
        name = _d(os_).get("name")
        if not name:
            out.append(required(f"{path}.os.name", "cannot be empty"))
        elif name not in ("linux", "windows"):
            out.append(not_supported(f"{path}.os", name, ("linux", "windows")))
        elif name == "linux":
            out.extend(_validate_linux(spec, path))
        else:
            out.extend(_validate_windows(spec, path))
    return out


def validate_pod_create_spec(pod: Obj) -> list[Cause]:
    """What upstream's ValidatePodCreate adds to the spec rules for a Pod (not a template)."""
    meta = _d(pod.get("metadata"))
    spec = _d(pod.get("spec"))
    out = validate_pod_specific_annotations(_d(meta.get("annotations")), spec, "metadata.annotations")
    out.extend(validate_pod_spec(spec, "spec", pod_meta=meta, resource_is_pod=True))
    out.extend(_validate_pod_only(spec))
    return out


def _validate_pod_only(spec: Obj) -> list[Cause]:
    out: list[Cause] = []
    if not spec.get("serviceAccountName"):
        for vi, v in enumerate(_l(spec.get("volumes"))):
            for si, src in enumerate(_l(_d(_d(v).get("projected")).get("sources"))):
                if _d(src).get("serviceAccountToken") is not None:
                    out.append(forbidden(f"spec.volumes[{vi}].projected.sources[{si}].serviceAccountToken",
                                         "must not be specified when serviceAccountName is not set"))
    for key in ("containers", "initContainers"):
        for i, c in enumerate(_l(spec.get(key))):
            image = _d(c).get("image")
            if isinstance(image, str) and image != image.strip():
                out.append(invalid(f"spec.{key}[{i}].image", image, "must not have leading or trailing whitespace"))
    return out


def _enum(value: Any, valid: tuple[str, ...], path: str) -> list[Cause]:
    if value is None or value == "":
        return [required(path)]
    if value not in valid:
        return [not_supported(path, value, valid)]
    return []


def _validate_linux(spec: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    if _d(spec.get("securityContext")).get("windowsOptions") is not None:
        out.append(forbidden(f"{path}.securityContext.windowsOptions", "windows options cannot be set for a linux pod"))
    for key, i, c in _visit_containers(spec):
        if _d(c.get("securityContext")).get("windowsOptions") is not None:
            out.append(forbidden(f"{path}.{key}[{i}].securityContext.windowsOptions",
                                 "windows options cannot be set for a linux pod"))
    return out


def _validate_windows(spec: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    sc = _d(spec.get("securityContext"))
    for fld in ("appArmorProfile", "seLinuxOptions"):
        if sc.get(fld) is not None:
            out.append(forbidden(f"{path}.securityContext.{fld}", "cannot be set for a windows pod"))
    if sc.get("hostUsers") is not None:
        out.append(forbidden(f"{path}.hostUsers", "cannot be set for a windows pod"))
    for fld in ("hostPID", "hostIPC"):
        if spec.get(fld):
            out.append(forbidden(f"{path}.{fld}", "cannot be set for a windows pod"))
    for fld in ("seccompProfile", "fsGroup", "fsGroupChangePolicy"):
        if sc.get(fld) is not None:
            out.append(forbidden(f"{path}.securityContext.{fld}", "cannot be set for a windows pod"))
    if _l(sc.get("sysctls")):
        out.append(forbidden(f"{path}.securityContext.sysctls", "cannot be set for a windows pod"))
    if spec.get("shareProcessNamespace") is not None:
        out.append(forbidden(f"{path}.shareProcessNamespace", "cannot be set for a windows pod"))
    for fld in ("runAsUser", "runAsGroup", "supplementalGroups", "supplementalGroupsPolicy", "seLinuxChangePolicy"):
        if sc.get(fld) is not None:
            out.append(forbidden(f"{path}.securityContext.{fld}", "cannot be set for a windows pod"))
    for key, i, c in _visit_containers(spec):
        csc = c.get("securityContext")
        if not isinstance(csc, dict):
            continue
        for fld in ("appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities", "readOnlyRootFilesystem",
                    "privileged", "allowPrivilegeEscalation", "procMount", "runAsUser", "runAsGroup"):
            if csc.get(fld) is not None:
                out.append(forbidden(f"{path}.{key}[{i}].securityContext.{fld}", "cannot be set for a windows pod"))
    return out


def _visit_containers(spec: Obj) -> Iterable[tuple[str, int, Obj]]:
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for i, c in enumerate(_l(spec.get(key))):
            if isinstance(c, dict):
                yield key, i, c


def _validate_pod_resource_claims(claims: Any, path: str) -> list[Cause]:
    out: list[Cause] = []
    seen: set[str] = set()
    for i, c in enumerate(_l(claims)):
        c = _d(c)
        name = _s(c.get("name"))
        p = f"{path}[{i}]"
        if not name:
            out.append(required(f"{p}.name"))
        elif name in seen:
            out.append(duplicate(f"{p}.name", name))
        else:
            out.extend(validate_dns1123_label(name, f"{p}.name"))
            seen.add(name)
        rcn, rctn = c.get("resourceClaimName"), c.get("resourceClaimTemplateName")
        if rcn is not None and rctn is not None:
            out.append(invalid(p, c, "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be "
                                     "specified"))
        if rcn is None and rctn is None:
            out.append(invalid(p, c, "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"))
        for fld, v in (("resourceClaimName", rcn), ("resourceClaimTemplateName", rctn)):
            if isinstance(v, str):
                out.extend(invalid(f"{p}.{fld}", v, m) for m in dns1123_subdomain(v))
    return out


# ---- containers


def _validate_containers(containers: list, volumes: dict[str, Obj], claims: set[str], grace: int | None, path: str,
                         restart: Any, host_users: bool) -> list[Cause]:
    if not containers:
        return [required(path)]
    out: list[Cause] = []
    names: set[Any] = set()
    for i, c in enumerate(containers):
        p = f"{path}[{i}]"
        if not isinstance(c, dict):
            out.append(type_invalid(p, c, "must be an object"))
            continue
        out.extend(_validate_container_common(c, volumes, claims, p, restart, host_users))
        name = c.get("name", "")
        if name in names:
            out.append(duplicate(f"{p}.name", name))
        else:
            names.add(name)
        if c.get("lifecycle") is not None:
            out.extend(_validate_lifecycle(c["lifecycle"], grace, f"{p}.lifecycle"))
        out.extend(_validate_probe(c.get("livenessProbe"), grace, f"{p}.livenessProbe", "liveness"))
        out.extend(_validate_probe(c.get("readinessProbe"), grace, f"{p}.readinessProbe", "readiness"))
        out.extend(_validate_probe(c.get("startupProbe"), grace, f"{p}.startupProbe", "startup"))
        if c.get("restartPolicy") is not None:
            out.append(forbidden(f"{p}.restartPolicy", "may not be set for non-init containers"))
    out.extend(_check_host_port_conflicts(containers, path))
    return out


def _validate_init_containers(init: list, containers: list, volumes: dict[str, Obj], claims: set[str],
                              grace: int | None, path: str, restart: Any, host_users: bool) -> list[Cause]:
    out: list[Cause] = []
    names = {_d(c).get("name", "") for c in containers}
    for i, c in enumerate(init):
        p = f"{path}[{i}]"
        if not isinstance(c, dict):
            out.append(type_invalid(p, c, "must be an object"))
            continue
        out.extend(_validate_container_common(c, volumes, claims, p, restart, host_users))
        rp = c.get("restartPolicy")
        always = False
        if rp is not None:
            if rp != "Always":
                out.append(not_supported(f"{p}.restartPolicy", rp, ("Always",)))
            always = rp == "Always"
        name = c.get("name", "")
        if name in names:
            out.append(duplicate(f"{p}.name", name))
        elif name:
            names.add(name)
        out.extend(_check_host_port_conflicts([c], path))
        if always:
            if c.get("lifecycle") is not None:
                out.extend(_validate_lifecycle(c["lifecycle"], grace, f"{p}.lifecycle"))
            out.extend(_validate_probe(c.get("livenessProbe"), grace, f"{p}.livenessProbe", "liveness"))
            out.extend(_validate_probe(c.get("readinessProbe"), grace, f"{p}.readinessProbe", "readiness"))
            out.extend(_validate_probe(c.get("startupProbe"), grace, f"{p}.startupProbe", "startup"))
        else:
            for fld in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if c.get(fld) is not None:
                    out.append(forbidden(f"{p}.{fld}", "may not be set for init containers without restartPolicy="
                                                       "Always"))
    return out


# Fields of an ephemeral container that must stay unset, in the struct's order.
_EPHEMERAL_FORBIDDEN = ("ports", "resources", "resizePolicy", "restartPolicy", "livenessProbe", "readinessProbe",
                        "startupProbe", "lifecycle")


def _validate_ephemeral_containers(ephemeral: list, containers: list, init: list, volumes: dict[str, Obj],
                                   claims: set[str], path: str, restart: Any, host_users: bool) -> list[Cause]:
    out: list[Cause] = []
    if not ephemeral:
        return out
    other = {_d(c).get("name", "") for c in containers + init}
    all_names = set(other)
    for i, c in enumerate(ephemeral):
        p = f"{path}[{i}]"
        if not isinstance(c, dict):
            out.append(type_invalid(p, c, "must be an object"))
            continue
        out.extend(_validate_container_common(c, volumes, claims, p, restart, host_users))
        image = c.get("image")
        if isinstance(image, str) and image != image.strip():
            out.append(invalid(f"{p}.image", image, "must not have leading or trailing whitespace"))
        name = c.get("name", "")
        if name in all_names:
            out.append(duplicate(f"{p}.name", name))
        else:
            all_names.add(name)
        target = c.get("targetContainerName")
        if target and target not in other:
            out.append(not_found(f"{p}.targetContainerName", target))
        for fld in _EPHEMERAL_FORBIDDEN:
            if c.get(fld):
                out.append(forbidden(f"{p}.{fld}", "cannot be set for an Ephemeral Container"))
        for j, m in enumerate(_l(c.get("volumeMounts"))):
            for fld in ("subPath", "subPathExpr"):
                if _d(m).get(fld):
                    out.append(forbidden(f"{p}.volumeMounts[{j}].{fld}", "cannot be set for an Ephemeral Container"))
    return out


def _validate_container_common(c: Obj, volumes: dict[str, Obj], claims: set[str], path: str, restart: Any,
                               host_users: bool) -> list[Cause]:
    out: list[Cause] = []
    name = c.get("name")
    if not name:
        out.append(required(f"{path}.name"))
    elif isinstance(name, str):
        out.extend(validate_dns1123_label(name, f"{path}.name"))
    if not c.get("image"):
        out.append(required(f"{path}.image"))
    tmp = c.get("terminationMessagePolicy")
    if not tmp:
        out.append(required(f"{path}.terminationMessagePolicy"))
    elif tmp not in TERMINATION_MESSAGE_POLICIES:
        out.append(not_supported(f"{path}.terminationMessagePolicy", tmp, TERMINATION_MESSAGE_POLICIES))
    if c.get("ports"):
        out.extend(_validate_container_ports(c["ports"], f"{path}.ports"))
    if c.get("env"):
        out.extend(validate_env(c["env"], f"{path}.env"))
    if c.get("envFrom"):
        out.extend(_validate_env_from(c["envFrom"], f"{path}.envFrom"))
    mounts, devices = _l(c.get("volumeMounts")), _l(c.get("volumeDevices"))
    if mounts:
        out.extend(_validate_volume_mounts(mounts, devices, volumes, c, f"{path}.volumeMounts"))
    if devices:
        out.extend(_validate_volume_devices(devices, mounts, volumes, f"{path}.volumeDevices"))
    pull = c.get("imagePullPolicy")
    if not pull:
        out.append(required(f"{path}.imagePullPolicy"))
    elif pull not in PULL_POLICIES:
        out.append(not_supported(f"{path}.imagePullPolicy", pull, PULL_POLICIES))
    if c.get("resources"):
        out.extend(validate_resource_requirements(c["resources"], f"{path}.resources", claims))
    if c.get("resizePolicy"):
        out.extend(_validate_resize_policy(c["resizePolicy"], restart, f"{path}.resizePolicy"))
    if c.get("securityContext") is not None:
        out.extend(_validate_security_context(c["securityContext"], f"{path}.securityContext", host_users))
    return out


def _validate_container_ports(ports: Any, path: str) -> list[Cause]:
    out: list[Cause] = []
    names: set[str] = set()
    for i, port in enumerate(_l(ports)):
        p = f"{path}[{i}]"
        port = _d(port)
        name = port.get("name")
        if name and isinstance(name, str):
            msgs = is_valid_port_name(name)
            if msgs:
                out.extend(invalid(f"{p}.name", name, m) for m in msgs)
            elif name in names:
                out.append(duplicate(f"{p}.name", name))
            else:
                names.add(name)
        cp = port.get("containerPort")
        if not cp:
            out.append(required(f"{p}.containerPort"))
        else:
            out.extend(invalid(f"{p}.containerPort", cp, m) for m in is_valid_port_num(cp))
        hp = port.get("hostPort")
        if hp:
            out.extend(invalid(f"{p}.hostPort", hp, m) for m in is_valid_port_num(hp))
        proto = port.get("protocol")
        if not proto:
            out.append(required(f"{p}.protocol"))
        elif proto not in PROTOCOLS:
            out.append(not_supported(f"{p}.protocol", proto, PROTOCOLS))
    return out


def _check_host_port_conflicts(containers: list, path: str) -> list[Cause]:
    out: list[Cause] = []
    used: set[str] = set()
    for i, c in enumerate(containers):
        for j, port in enumerate(_l(_d(c).get("ports"))):
            port = _d(port)
            hp = port.get("hostPort")
            if not hp:
                continue
            key = f"{port.get('protocol', '')}/{port.get('hostIP', '')}/{hp}"
            if key in used:
                out.append(duplicate(f"{path}[{i}].ports[{j}].hostPort", key))
            used.add(key)
    return out


def validate_env(env: Any, path: str) -> list[Cause]:
    """Upstream ValidateEnv (relaxed names, as 1.33 allows by default)."""
    out: list[Cause] = []
    for i, ev in enumerate(_l(env)):
        p = f"{path}[{i}]"
        ev = _d(ev)
        name = ev.get("name")
        if not name:
            out.append(required(f"{p}.name"))
        elif isinstance(name, str):
            out.extend(invalid(f"{p}.name", name, m) for m in is_env_var_name(name))
        if ev.get("valueFrom") is not None:
            out.extend(_validate_env_var_value_from(ev, f"{p}.valueFrom"))
    return out


def _validate_env_var_value_from(ev: Obj, path: str) -> list[Cause]:
    vf = _d(ev.get("valueFrom"))
    out: list[Cause] = []
    n = 0
    if vf.get("fieldRef") is not None:
        n += 1
        out.extend(_validate_object_field_selector(_d(vf["fieldRef"]), ENV_FIELD_PATHS, f"{path}.fieldRef"))
    if vf.get("resourceFieldRef") is not None:
        n += 1
        out.extend(_validate_resource_field_selector(_d(vf["resourceFieldRef"]), f"{path}.resourceFieldRef", False))
    for fld in ("configMapKeyRef", "secretKeyRef"):
        if vf.get(fld) is not None:
            n += 1
            out.extend(_validate_key_selector(_d(vf[fld]), f"{path}.{fld}"))
    if n == 0:
        out.append(invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
                                     "`secretKeyRef`"))
    elif ev.get("value"):
        out.append(invalid(path, "", "may not be specified when `value` is not empty"))
    elif n > 1:
        out.append(invalid(path, "", "may not have more than one field specified at a time"))
    return out


def _validate_key_selector(ref: Obj, path: str) -> list[Cause]:
    name = _s(ref.get("name"))
    out = [invalid(f"{path}.name", name, m) for m in dns1123_subdomain(name)]
    key = ref.get("key")
    if not key:
        out.append(required(f"{path}.key"))
    elif isinstance(key, str):
        out.extend(invalid(f"{path}.key", key, m) for m in is_config_map_key(key))
    return out


def _split_subscript(fp: str) -> tuple[str, str, bool]:
    if not fp.endswith("']"):
        return fp, "", False
    parts = fp[:-2].split("['", 1)
    if len(parts) < 2 or not parts[0]:
        return fp, "", False
    return parts[0], parts[1], True


def _validate_object_field_selector(fs: Obj, valid: tuple[str, ...], path: str) -> list[Cause]:
    api_version, fp = _s(fs.get("apiVersion")), _s(fs.get("fieldPath"))
    if not api_version:
        return [required(f"{path}.apiVersion")]
    if not fp:
        return [required(f"{path}.fieldPath")]
    base, sub, ok = _split_subscript(fp)
    err = ""
    if api_version != "v1":
        err = f"unsupported pod version: {api_version}"
    elif ok and base not in ("metadata.annotations", "metadata.labels"):
        err = f"field label does not support subscript: {fp}"
    elif not ok and fp not in _DOWNWARD_CONVERTIBLE and fp != "spec.host":
        err = f"field label not supported: {fp}"
    if err:
        return [invalid(f"{path}.fieldPath", fp, f"error converting fieldPath: {err}")]
    if ok:
        key = sub.lower() if base == "metadata.annotations" else sub
        return validate_qualified_name(key, path)
    internal = "spec.nodeName" if fp == "spec.host" else fp
    if internal not in valid:
        return [not_supported(f"{path}.fieldPath", internal, valid)]
    return []


def _validate_resource_field_selector(fs: Obj, path: str, volume: bool) -> list[Cause]:
    out: list[Cause] = []
    res = _s(fs.get("resource"))
    if volume and not fs.get("containerName"):
        out.append(required(f"{path}.containerName"))
    elif not res:
        out.append(required(f"{path}.resource"))
    elif res not in CONTAINER_RESOURCE_FIELDS and not (res.startswith("requests.hugepages-") or
                                                       res.startswith("limits.hugepages-")):
        out.append(not_supported(f"{path}.resource", res, CONTAINER_RESOURCE_FIELDS))
    div = fs.get("divisor")
    q = parse_q(div) if div is not None else None
    if q is not None and not q.is_zero():
        d = str(q)
        if res in ("limits.cpu", "requests.cpu") and d not in ("1m", "1"):
            out.append(invalid(f"{path}.divisor", res, "only divisor's values 1m and 1 are supported with the cpu "
                                                       "resource"))
        elif res in ("limits.memory", "requests.memory") and d not in _MEMORY_DIVISORS:
            out.append(invalid(f"{path}.divisor", res, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, "
                                                       "1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource"))
        elif res in ("limits.ephemeral-storage", "requests.ephemeral-storage") and d not in _MEMORY_DIVISORS:
            out.append(invalid(f"{path}.divisor", res, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, "
                                                       "1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral "
                                                       "storage resource"))
        if (res.startswith("requests.hugepages-") or res.startswith("limits.hugepages-")) and \
                d not in _MEMORY_DIVISORS:
            out.append(invalid(f"{path}.divisor", res, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, "
                                                       "1Gi, 1Ti, 1Pi, 1Ei are supported with the hugepages resource"))
    return out


def _validate_env_from(env_from: Any, path: str) -> list[Cause]:
    out: list[Cause] = []
    for i, ef in enumerate(_l(env_from)):
        p = f"{path}[{i}]"
        ef = _d(ef)
        prefix = ef.get("prefix")
        if prefix and isinstance(prefix, str):
            out.extend(invalid(f"{p}.prefix", prefix, m) for m in is_env_var_name(prefix))
        n = 0
        for fld in ("configMapRef", "secretRef"):
            if ef.get(fld) is not None:
                n += 1
                name = _d(ef[fld]).get("name")
                if not name:
                    out.append(required(f"{p}.{fld}.name"))
                elif isinstance(name, str):
                    out.extend(invalid(f"{p}.{fld}.name", name, m) for m in dns1123_subdomain(name, True))
        if n == 0:
            out.append(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif n > 1:
            out.append(invalid(path, "", "may not have more than one field specified at a time"))
    return out


def _validate_volume_mounts(mounts: list, devices: list, volumes: dict[str, Obj], container: Obj,
                            path: str) -> list[Cause]:
    out: list[Cause] = []
    mount_paths: set[Any] = set()
    dev = {_d(d).get("name"): _d(d).get("devicePath") for d in devices}
    privileged = _d(container.get("securityContext")).get("privileged") is True
    for i, m in enumerate(mounts):
        p = f"{path}[{i}]"
        m = _d(m)
        name, mp = m.get("name", ""), m.get("mountPath", "")
        if not name:
            out.append(required(f"{p}.name"))
        if name not in volumes:
            out.append(not_found(f"{p}.name", name))
        if not mp:
            out.append(required(f"{p}.mountPath"))
        if mp in mount_paths:
            out.append(invalid(f"{p}.mountPath", mp, "must be unique"))
        mount_paths.add(mp)
        if name in dev:
            out.append(invalid(f"{p}.name", name, "must not already exist in volumeDevices"))
        if mp in dev.values():
            out.append(invalid(f"{p}.mountPath", mp, "must not already exist as a path in volumeDevices"))
        sub, sub_expr = _s(m.get("subPath")), _s(m.get("subPathExpr"))
        vol = volumes.get(name)
        if vol is not None and vol.get("image") is not None:
            if sub:
                out.append(invalid(f"{p}.subPath", sub, "not allowed in image volume sources"))
            if sub_expr:
                out.append(invalid(f"{p}.subPathExpr", sub_expr, "not allowed in image volume sources"))
        if sub:
            out.extend(_validate_local_descending_path(sub, f"{path}.subPath"))
        if sub_expr:
            if sub:
                out.append(invalid(f"{p}.subPathExpr", sub_expr, "subPathExpr and subPath are mutually exclusive"))
            out.extend(_validate_local_descending_path(sub_expr, f"{path}.subPathExpr"))
        prop = m.get("mountPropagation")
        if prop is not None:
            if prop not in ("Bidirectional", "HostToContainer", "None"):
                out.append(not_supported(f"{path}.mountPropagation", prop, ("Bidirectional", "HostToContainer",
                                                                            "None")))
            if prop == "Bidirectional" and not privileged:
                out.append(forbidden(f"{path}.mountPropagation", "Bidirectional mount propagation is available only "
                                                                 "to privileged containers"))
        rro = m.get("recursiveReadOnly")
        if rro is not None and rro != "Disabled":
            if rro in ("Enabled", "IfPossible"):
                if not m.get("readOnly"):
                    out.append(forbidden(f"{path}.recursiveReadOnly", "may only be specified when readOnly is true"))
                if prop not in (None, "None"):
                    out.append(forbidden(f"{path}.recursiveReadOnly", "may only be specified when mountPropagation "
                                                                      "is None or not specified"))
            else:
                out.append(not_supported(f"{path}.recursiveReadOnly", rro, ("Disabled", "Enabled", "IfPossible")))
    return out


def _validate_volume_devices(devices: list, mounts: list, volumes: dict[str, Obj], path: str) -> list[Cause]:
    out: list[Cause] = []
    paths: set[Any] = set()
    names: set[Any] = set()
    mnt = {_d(m).get("name"): _d(m).get("mountPath") for m in mounts}
    for i, d in enumerate(devices):
        p = f"{path}[{i}]"
        d = _d(d)
        name, dp = d.get("name", ""), d.get("devicePath", "")
        vol = volumes.get(name)
        if not name:
            out.append(required(f"{p}.name"))
        if name in names:
            out.append(invalid(f"{p}.name", name, "must be unique"))
        if vol is not None and vol.get("persistentVolumeClaim") is None and vol.get("ephemeral") is None:
            out.append(invalid(f"{p}.name", name, "can only use volume source type of PersistentVolumeClaim or "
                                                  "Ephemeral for block mode"))
        if vol is None:
            out.append(not_found(f"{p}.name", name))
        if not dp:
            out.append(required(f"{p}.devicePath"))
        if dp in paths:
            out.append(invalid(f"{p}.devicePath", dp, "must be unique"))
        if dp and ".." in _s(dp).replace("\\", "/").split("/"):
            out.append(invalid(f"{p}.devicePath", dp, "can not contain backsteps ('..')"))
        else:
            paths.add(dp)
        if name in mnt:
            out.append(invalid(f"{p}.name", name, "must not already exist in volumeMounts"))
        if dp in mnt.values():
            out.append(invalid(f"{p}.devicePath", dp, "must not already exist as a path in volumeMounts"))
        if name:
            names.add(name)
    return out


def _validate_local_descending_path(target: str, path: str) -> list[Cause]:
    out: list[Cause] = []
    if target.startswith("/"):
        out.append(invalid(path, target, "must be a relative path"))
    if ".." in target.replace("\\", "/").split("/"):
        out.append(invalid(path, target, "must not contain '..'"))
    return out


def _validate_local_non_reserved_path(target: str, path: str) -> list[Cause]:
    out = _validate_local_descending_path(target, path)
    if target.startswith("..") and not target.startswith("../"):
        out.append(invalid(path, target, "must not start with '..'"))
    return out


def _validate_resize_policy(policies: Any, restart: Any, path: str) -> list[Cause]:
    out: list[Cause] = []
    seen: set[Any] = set()
    for i, rp in enumerate(_l(policies)):
        rp = _d(rp)
        name, pol = rp.get("resourceName", ""), rp.get("restartPolicy", "")
        if name in seen:
            out.append(duplicate(f"{path}[{i}]", name))
        seen.add(name)
        if not name:
            out.append(required(path))
        elif name not in ("cpu", "memory"):
            out.append(not_supported(path, name, ("cpu", "memory")))
        if not pol:
            out.append(required(path))
        elif pol not in ("NotRequired", "RestartContainer"):
            out.append(not_supported(path, pol, ("NotRequired", "RestartContainer")))
        if restart == "Never" and pol != "NotRequired":
            out.append(invalid(path, pol, "must be 'NotRequired' when `restartPolicy` is 'Never'"))
    return out


# ---- probes and handlers


def _validate_handler(h: Obj, grace: int | None, path: str, kinds: tuple[str, ...]) -> list[Cause]:
    out: list[Cause] = []
    n = 0
    for kind in kinds:
        if h.get(kind) is None:
            continue
        if n:
            out.append(forbidden(f"{path}.{kind}", "may not specify more than 1 handler type"))
            continue
        n += 1
        sub = _d(h[kind])
        p = f"{path}.{kind}"
        if kind == "exec":
            if not _l(sub.get("command")):
                out.append(required(f"{p}.command"))
        elif kind == "httpGet":
            if not sub.get("path"):
                out.append(required(f"{p}.path"))
            out.extend(validate_port_num_or_name(sub.get("port"), f"{p}.port"))
            scheme = sub.get("scheme", "")
            if scheme not in ("HTTP", "HTTPS"):
                out.append(not_supported(f"{p}.scheme", scheme, ("HTTP", "HTTPS")))
            for hdr in _l(sub.get("httpHeaders")):
                name = _s(_d(hdr).get("name"))
                out.extend(invalid(f"{p}.httpHeaders", name, m) for m in is_http_header_name(name))
        elif kind == "tcpSocket":
            out.extend(validate_port_num_or_name(sub.get("port"), f"{p}.port"))
        elif kind == "grpc":
            port = sub.get("port", 0)
            out.extend(invalid(f"{p}.port", port, m) for m in is_valid_port_num(port))
        elif kind == "sleep":
            secs = sub.get("seconds", 0)
            if grace is not None and _is_int(secs) and (secs < 0 or secs > grace):
                out.append(invalid(p, secs, f"must be non-negative and less than terminationGracePeriodSeconds "
                                            f"({grace})"))
    if n == 0:
        out.append(required(path, "must specify a handler type"))
    return out


def validate_port_num_or_name(port: Any, path: str) -> list[Cause]:
    """Upstream ValidatePortNumOrName: an int is a port number, a string a port name (even "80")."""
    if isinstance(port, str):
        return [invalid(path, port, m) for m in is_valid_port_name(port)]
    if port is None:
        port = 0
    return [invalid(path, port, m) for m in is_valid_port_num(port)]


def _validate_lifecycle(lc: Any, grace: int | None, path: str) -> list[Cause]:
    lc = _d(lc)
    out: list[Cause] = []
    for hook in ("postStart", "preStop"):
        if lc.get(hook) is not None:
            out.extend(_validate_handler(_d(lc[hook]), grace, f"{path}.{hook}", ("exec", "httpGet", "tcpSocket",
                                                                                  "sleep")))
    return out


def _validate_probe(probe: Any, grace: int | None, path: str, kind: str) -> list[Cause]:
    if probe is None:
        return []
    probe = _d(probe)
    out = _validate_handler(probe, grace, path, ("exec", "httpGet", "tcpSocket", "grpc"))
    for fld in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        out.extend(validate_nonnegative(probe.get(fld), f"{path}.{fld}"))
    tgs = probe.get("terminationGracePeriodSeconds")
    if _is_int(tgs) and tgs <= 0:
        out.append(invalid(f"{path}.terminationGracePeriodSeconds", tgs, "must be greater than 0"))
    if kind in ("liveness", "startup"):
        st = probe.get("successThreshold", 0)
        if st != 1:
            out.append(invalid(f"{path}.successThreshold", st, "must be 1"))
    elif tgs is not None:
        out.append(invalid(f"{path}.terminationGracePeriodSeconds", tgs, "must not be set for readinessProbes"))
    return out


# ---- security contexts


def _id_errors(v: Any, path: str) -> list[Cause]:
    if _is_int(v) and not 0 <= v <= MAX_INT32:
        return [invalid(path, v, inclusive_range_error(0, MAX_INT32))]
    return []


def _sysctl_namespace(name: str) -> str:
    if name.startswith(("kernel.shm", "kernel.msg", "kernel.sem", "fs.mqueue.")):
        return "ipc"
    if name.startswith("net."):
        return "net"
    return ""


def _validate_pod_security_context(spec: Obj, path: str) -> list[Cause]:
    sc = spec.get("securityContext")
    if sc is None:
        return []
    sc = _d(sc)
    out: list[Cause] = []
    out.extend(_id_errors(sc.get("fsGroup"), f"{path}.fsGroup"))
    out.extend(_id_errors(sc.get("runAsUser"), f"{path}.runAsUser"))
    out.extend(_id_errors(sc.get("runAsGroup"), f"{path}.runAsGroup"))
    for i, g in enumerate(_l(sc.get("supplementalGroups"))):
        out.extend(_id_errors(g, f"{path}.supplementalGroups[{i}]"))
    if spec.get("shareProcessNamespace") is True and spec.get("hostPID"):
        out.append(invalid(f"{path}.shareProcessNamespace", True, "ShareProcessNamespace and HostPID cannot both be "
                                                                  "enabled"))
    seen: set[str] = set()
    for i, s in enumerate(_l(sc.get("sysctls"))):
        name = _s(_d(s).get("name"))
        sp = f"{path}.sysctls[{i}].name"
        if not name:
            out.append(required(sp))
        elif len(name) > 253 or not _SYSCTL_RE.fullmatch(name):
            out.append(invalid(sp, name, f"must have at most 253 characters and match regex ^{_SYSCTL_FMT}$"))
        elif name in seen:
            out.append(duplicate(sp, name))
        ns = _sysctl_namespace(name)
        if spec.get("hostNetwork") and ns == "net":
            out.append(invalid(sp, name, "may not be specified when 'hostNetwork' is true"))
        elif spec.get("hostIPC") and ns == "ipc":
            out.append(invalid(sp, name, "may not be specified when 'hostIPC' is true"))
        seen.add(name)
    pol = sc.get("fsGroupChangePolicy")
    if pol is not None and pol not in ("Always", "OnRootMismatch"):
        out.append(not_supported(f"{path}.fsGroupChangePolicy", pol, ("Always", "OnRootMismatch")))
    out.extend(_validate_seccomp(sc.get("seccompProfile"), f"{path}.seccompProfile"))
    out.extend(_validate_apparmor(sc.get("appArmorProfile"), f"{path}.appArmorProfile"))
    sgp = sc.get("supplementalGroupsPolicy")
    if sgp is not None and sgp not in ("Merge", "Strict"):
        out.append(not_supported(f"{path}.supplementalGroupsPolicy", sgp, ("Merge", "Strict")))
    scp = sc.get("seLinuxChangePolicy")
    if scp is not None and scp not in ("MountOption", "Recursive"):
        out.append(not_supported(f"{path}.seLinuxChangePolicy", scp, ("MountOption", "Recursive")))
    return out


def _validate_seccomp(prof: Any, path: str) -> list[Cause]:
    if prof is None:
        return []
    prof = _d(prof)
    t = prof.get("type", "")
    out: list[Cause] = []
    if not t:
        out.append(required(f"{path}.type", "type is required when seccompProfile is set"))
    elif t not in ("Localhost", "RuntimeDefault", "Unconfined"):
        out.append(not_supported(f"{path}.type", t, ("Localhost", "RuntimeDefault", "Unconfined")))
    lp = prof.get("localhostProfile")
    if t == "Localhost":
        if lp is None:
            out.append(required(f"{path}.localhostProfile", "must be set when seccomp type is Localhost"))
        else:
            out.extend(_validate_local_descending_path(_s(lp), f"{path}.localhostProfile"))
    elif lp is not None:
        out.append(invalid(f"{path}.localhostProfile", prof, "can only be set when seccomp type is Localhost"))
    return out


def _validate_apparmor(prof: Any, path: str) -> list[Cause]:
    if prof is None:
        return []
    prof = _d(prof)
    t = prof.get("type", "")
    lp = prof.get("localhostProfile")
    if t == "Localhost":
        if lp is None:
            return [required(f"{path}.localhostProfile", "must be set when AppArmor type is Localhost")]
        out: list[Cause] = []
        if _s(lp).strip() != lp:
            out.append(invalid(f"{path}.localhostProfile", lp, "must not be padded with whitespace"))
        elif not lp:
            out.append(required(f"{path}.localhostProfile", "must be set when AppArmor type is Localhost"))
        if len(_s(lp)) > 4095:
            out.append(too_long(f"{path}.localhostProfile", 4095))
        return out
    if t in ("RuntimeDefault", "Unconfined"):
        if lp is not None:
            return [invalid(f"{path}.localhostProfile", lp, "can only be set when AppArmor type is Localhost")]
        return []
    if not t:
        return [required(f"{path}.type", "type is required when appArmorProfile is set")]
    return [not_supported(f"{path}.type", t, ("Localhost", "RuntimeDefault", "Unconfined"))]


def _validate_security_context(sc: Any, path: str, host_users: bool) -> list[Cause]:
    sc = _d(sc)
    out: list[Cause] = []
    out.extend(_id_errors(sc.get("runAsUser"), f"{path}.runAsUser"))
    out.extend(_id_errors(sc.get("runAsGroup"), f"{path}.runAsGroup"))
    pm = sc.get("procMount")
    if pm is not None:
        if pm not in ("Default", "Unmasked"):
            out.append(not_supported(f"{path}.procMount", pm, ("Default", "Unmasked")))
        if host_users and pm == "Unmasked":
            out.append(invalid(f"{path}.procMount", pm, "`hostUsers` must be false to use `Unmasked`"))
    out.extend(_validate_seccomp(sc.get("seccompProfile"), f"{path}.seccompProfile"))
    if sc.get("allowPrivilegeEscalation") is False:
        if sc.get("privileged") is True:
            out.append(invalid(path, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
        for cap in _l(_d(sc.get("capabilities")).get("add")):
            if cap == "CAP_SYS_ADMIN":
                out.append(invalid(path, sc, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` "
                                             "CAP_SYS_ADMIN"))
    out.extend(_validate_apparmor(sc.get("appArmorProfile"), f"{path}.appArmorProfile"))
    return out


# ---- scheduling


def validate_tolerations(tolerations: Any, path: str) -> list[Cause]:
    """Upstream ValidateTolerations."""
    out: list[Cause] = []
    for i, t in enumerate(_l(tolerations)):
        p = f"{path}[{i}]"
        t = _d(t)
        key, op, eff = _s(t.get("key")), t.get("operator", ""), t.get("effect", "")
        value = _s(t.get("value"))
        if key:
            out.extend(validate_qualified_name(key, f"{p}.key"))
        if not key and op != "Exists":
            out.append(invalid(f"{p}.operator", op, "operator must be Exists when `key` is empty, which means "
                                                    "\"match all values and all keys\""))
        if t.get("tolerationSeconds") is not None and eff != "NoExecute":
            out.append(invalid(f"{p}.effect", eff, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        if op in ("Equal", ""):
            errs = is_valid_label_value(value)
            if errs:
                out.append(invalid(f"{p}.operator", value, ";".join(errs)))
        elif op == "Exists":
            if value:
                out.append(invalid(f"{p}.operator", value, "value must be empty when `operator` is 'Exists'"))
        else:
            out.append(not_supported(f"{p}.operator", op, ("Equal", "Exists")))
        if eff and eff not in TAINT_EFFECTS:
            out.append(not_supported(f"{p}.effect", eff, TAINT_EFFECTS))
    return out


def validate_taints(taints: Any, path: str) -> list[Cause]:
    """Upstream validateNodeTaints."""
    out: list[Cause] = []
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(_l(taints)):
        t = _d(t)
        p = f"{path}[{i}]"
        key, value, eff = _s(t.get("key")), _s(t.get("value")), t.get("effect", "")
        out.extend(validate_qualified_name(key, f"{p}.key"))
        errs = is_valid_label_value(value)
        if errs:
            out.append(invalid(f"{p}.value", value, ";".join(errs)))
        if not eff:
            out.append(required(f"{p}.effect"))
        elif eff not in TAINT_EFFECTS:
            out.append(not_supported(f"{p}.effect", eff, TAINT_EFFECTS))
        if (key, eff) in seen:
            out.append(Cause(p, f"Duplicate value: {go_value(t)}: taints must be unique by key and effect pair",
                             DUPLICATE))
            continue
        seen.add((key, eff))
    return out


def validate_node_selector_term(term: Obj, path: str, allow_invalid_values: bool = False) -> list[Cause]:
    out: list[Cause] = []
    for j, req in enumerate(_l(term.get("matchExpressions"))):
        out.extend(_validate_node_selector_requirement(_d(req), f"{path}.matchExpressions[{j}]",
                                                       allow_invalid_values))
    for j, req in enumerate(_l(term.get("matchFields"))):
        req = _d(req)
        p = f"{path}.matchFields[{j}]"
        vals = _l(req.get("values"))
        if req.get("operator") in ("In", "NotIn"):
            if len(vals) != 1:
                out.append(required(f"{p}.values", "must be only one value when `operator` is 'In' or 'NotIn' for "
                                                   "node field selector"))
        else:
            out.append(invalid(f"{p}.operator", req.get("operator", ""), "not a valid selector operator"))
        if req.get("key") != "metadata.name":
            out.append(invalid(f"{p}.key", req.get("key", ""), "not a valid field selector key"))
        else:
            for k, v in enumerate(vals):
                out.extend(invalid(f"{p}.values[{k}]", v, m) for m in dns1123_subdomain(_s(v)))
    return out


def validate_node_selector(sel: Obj, path: str, allow_invalid_values: bool = False) -> list[Cause]:
    """Upstream ValidateNodeSelector (required node affinity, PV node affinity)."""
    terms = _l(sel.get("nodeSelectorTerms"))
    if not terms:
        return [required(f"{path}.nodeSelectorTerms", "must have at least one node selector term")]
    out: list[Cause] = []
    for i, t in enumerate(terms):
        out.extend(validate_node_selector_term(_d(t), f"{path}.nodeSelectorTerms[{i}]", allow_invalid_values))
    return out


def _validate_node_selector_requirement(req: Obj, path: str, allow_invalid_values: bool) -> list[Cause]:
    out: list[Cause] = []
    op = req.get("operator", "")
    vals = _l(req.get("values"))
    if op in ("In", "NotIn"):
        if not vals:
            out.append(required(f"{path}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
    elif op in ("Exists", "DoesNotExist"):
        if vals:
            out.append(forbidden(f"{path}.values", "may not be specified when `operator` is 'Exists' or "
                                                   "'DoesNotExist'"))
    elif op in ("Gt", "Lt"):
        if len(vals) != 1:
            out.append(required(f"{path}.values", "must be specified single value when `operator` is 'Lt' or "
                                                  "'Gt'"))
    else:
        out.append(invalid(f"{path}.operator", op, "not a valid selector operator"))
    out.extend(validate_qualified_name(_s(req.get("key")), f"{path}.key"))
    if not allow_invalid_values:
        for i, v in enumerate(vals):
            out.extend(invalid(f"{path}.values[{i}]", v, m) for m in is_valid_label_value(_s(v)))
    return out


def _validate_affinity(aff: Any, path: str) -> list[Cause]:
    if aff is None:
        return []
    aff = _d(aff)
    out: list[Cause] = []
    na = aff.get("nodeAffinity")
    if na is not None:
        na = _d(na)
        p = f"{path}.nodeAffinity"
        req = na.get("requiredDuringSchedulingIgnoredDuringExecution")
        if req is not None:
            out.extend(validate_node_selector(_d(req), f"{p}.requiredDuringSchedulingIgnoredDuringExecution"))
        for i, pt in enumerate(_l(na.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            pt = _d(pt)
            pp = f"{p}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
            w = pt.get("weight", 0)
            if not _is_int(w) or not 1 <= w <= 100:
                out.append(invalid(f"{pp}.weight", w, "must be in the range 1-100"))
            out.extend(validate_node_selector_term(_d(pt.get("preference")), f"{pp}.preference", True))
    for kind in ("podAffinity", "podAntiAffinity"):
        pa = aff.get(kind)
        if pa is None:
            continue
        pa = _d(pa)
        p = f"{path}.{kind}"
        for i, term in enumerate(_l(pa.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            out.extend(_validate_pod_affinity_term(_d(term),
                                                   f"{p}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"))
        for i, wt in enumerate(_l(pa.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            wt = _d(wt)
            pp = f"{p}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
            w = wt.get("weight", 0)
            if not _is_int(w) or not 1 <= w <= 100:
                out.append(invalid(f"{pp}.weight", w, "must be in the range 1-100"))
            out.extend(_validate_pod_affinity_term(_d(wt.get("podAffinityTerm")), f"{pp}.podAffinityTerm"))
    return out


def _validate_pod_affinity_term(term: Obj, path: str) -> list[Cause]:
    out = validate_label_selector(term.get("labelSelector"), f"{path}.labelSelector")
    out.extend(validate_label_selector(term.get("namespaceSelector"), f"{path}.namespaceSelector"))
    for ns in _l(term.get("namespaces")):
        out.extend(invalid(f"{path}.namespace", ns, m) for m in dns1123_label(_s(ns)))
    sel = term.get("labelSelector")
    for fld in ("matchLabelKeys", "mismatchLabelKeys"):
        keys = _l(term.get(fld))
        if keys and sel is None:
            out.append(forbidden(f"{path}.{fld}", "must not be specified when labelSelector is not set"))
        elif keys:
            for i, k in enumerate(keys):
                out.extend(validate_qualified_name(_s(k), f"{path}.{fld}[{i}]"))
    mismatch = set(_l(term.get("mismatchLabelKeys")))
    for i, k in enumerate(_l(term.get("matchLabelKeys"))):
        if k in mismatch:
            out.append(invalid(f"{path}.matchLabelKeys[{i}]", k, "exists in both matchLabelKeys and "
                                                                 "mismatchLabelKeys"))
    tk = _s(term.get("topologyKey"))
    if not tk:
        out.append(required(f"{path}.topologyKey", "can not be empty"))
    out.extend(validate_qualified_name(tk, f"{path}.topologyKey"))
    return out


def _validate_dns_config(cfg: Any, policy: Any, path: str) -> list[Cause]:
    if policy == "None":
        if cfg is None:
            return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not _l(_d(cfg).get("nameservers")):
            return [required(f"{path}.nameservers", "must provide at least one DNS nameserver when `dnsPolicy` is "
                                                    "None")]
    if cfg is None:
        return []
    cfg = _d(cfg)
    out: list[Cause] = []
    servers = _l(cfg.get("nameservers"))
    if len(servers) > 3:
        out.append(invalid(f"{path}.nameservers", servers, "must not have more than 3 nameservers"))
    for i, ns in enumerate(servers):
        out.extend(invalid(f"{path}.nameservers[{i}]", _s(ns), m) for m in is_valid_ip(_s(ns)))
    searches = [_s(s) for s in _l(cfg.get("searches"))]
    if len(searches) > 32:
        out.append(invalid(f"{path}.searches", searches, "must not have more than 32 search paths"))
    if len(" ".join(searches)) > 2048:
        out.append(invalid(f"{path}.searches", searches, "must not have more than 2048 characters (including "
                                                         "spaces) in the search list"))
    for i, s in enumerate(searches):
        if s == ".":
            continue
        s = s[:-1] if s.endswith(".") else s
        if len(s) > 253:
            out.append(invalid(f"{path}.searches[{i}]", s, max_len_error(253)))
        if not _DNS1123_SUBDOMAIN_US_RE.fullmatch(s):
            out.append(invalid(f"{path}.searches[{i}]", s, regex_error(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', "
                "and must start and end with an alphanumeric character", _DNS1123_SUBDOMAIN_US_FMT, "example.com")))
    for i, o in enumerate(_l(cfg.get("options"))):
        if not _d(o).get("name"):
            out.append(required(f"{path}.options[{i}]", "must not be empty"))
    return out


def _validate_topology_spread(constraints: Any, path: str) -> list[Cause]:
    out: list[Cause] = []
    items = [_d(c) for c in _l(constraints)]
    for i, c in enumerate(items):
        p = f"{path}[{i}]"
        skew = c.get("maxSkew", 0)
        if not _is_int(skew) or skew <= 0:
            out.append(invalid(f"{p}.maxSkew", skew, IS_NOT_POSITIVE))
        tk, wu = _s(c.get("topologyKey")), c.get("whenUnsatisfiable", "")
        if not tk:
            out.append(required(f"{p}.topologyKey", "can not be empty"))
        if wu not in ("DoNotSchedule", "ScheduleAnyway"):
            out.append(not_supported(f"{p}.whenUnsatisfiable", wu, ("DoNotSchedule", "ScheduleAnyway")))
        for rest in items[i + 1:]:
            if _s(rest.get("topologyKey")) == tk and rest.get("whenUnsatisfiable", "") == wu:
                out.append(duplicate(f"{p}.{{topologyKey, whenUnsatisfiable}}", f"{{{tk}, {wu}}}"))
                break
        md = c.get("minDomains")
        if md is not None:
            if not _is_int(md) or md <= 0:
                out.append(invalid(f"{p}.minDomains", md, IS_NOT_POSITIVE))
            if wu != "DoNotSchedule":
                out.append(invalid(f"{p}.minDomains", md, f"can only use minDomains if whenUnsatisfiable="
                                                           f"DoNotSchedule, not {wu}"))
        for fld in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            v = c.get(fld)
            if v is not None and v not in ("Honor", "Ignore"):
                out.append(not_supported(f"{p}.{fld}", v, ("Honor", "Ignore")))
        keys = _l(c.get("matchLabelKeys"))
        sel = c.get("labelSelector")
        if keys:
            sel_keys: set[str] = set()
            if sel is None:
                out.append(forbidden(f"{p}.matchLabelKeys", "must not be specified when labelSelector is not set"))
            else:
                sel_keys = set(_d(_d(sel).get("matchLabels"))) | {_d(e).get("key") for e in
                                                                    _l(_d(sel).get("matchExpressions"))}
            for j, k in enumerate(keys):
                out.extend(validate_qualified_name(_s(k), f"{p}.matchLabelKeys[{j}]"))
                if k in sel_keys:
                    out.append(invalid(f"{p}.matchLabelKeys[{j}]", k, "exists in both matchLabelKeys and "
                                                                      "labelSelector"))
        out.extend(validate_label_selector(sel, f"{p}.labelSelector"))
    return out


# ---- volumes


def _validate_volumes(volumes: Any, path: str, pod_meta: Obj | None, resource_is_pod: bool
                      ) -> tuple[dict[str, Obj], list[Cause]]:
    """Upstream ValidateVolumes: the valid volumes by name (mounts may only use these) and the errors."""
    out: list[Cause] = []
    names: dict[str, Obj] = {}
    items = _l(volumes)
    pod_name = _s(_d(pod_meta).get("name"))
    created_pvcs = {f"{pod_name}-{_d(v).get('name', '')}" for v in items
                    if pod_name and _d(v).get("ephemeral") is not None}
    for i, v in enumerate(items):
        p = f"{path}[{i}]"
        if not isinstance(v, dict):
            out.append(type_invalid(p, v, "must be an object"))
            continue
        name = v.get("name", "")
        errs = _validate_volume_source(v, p, _s(name), pod_name, resource_is_pod)
        if not name:
            errs.append(required(f"{p}.name"))
        elif isinstance(name, str):
            errs.extend(validate_dns1123_label(name, f"{p}.name"))
        if name in names:
            errs.append(duplicate(f"{p}.name", name))
        if not errs:
            names[name] = v
        else:
            out.extend(errs)
        claim = _d(v.get("persistentVolumeClaim")).get("claimName")
        if v.get("persistentVolumeClaim") is not None and claim in created_pvcs:
            out.append(invalid(f"{p}.persistentVolumeClaim.claimName", claim,
                               "must not reference a PVC that gets created for an ephemeral volume"))
    return names, out


def _validate_volume_source(v: Obj, path: str, vol_name: str, pod_name: str, resource_is_pod: bool) -> list[Cause]:
    out: list[Cause] = []
    n = 0
    for key, shown in VOLUME_SOURCES:
        if v.get(key) is None:
            continue
        if n:
            out.append(forbidden(f"{path}.{shown}", "may not specify more than 1 volume type"))
            continue
        n += 1
        out.extend(_validate_one_volume_source(key, _d(v[key]), path, vol_name, pod_name, resource_is_pod))
    if n == 0:
        out.append(required(path, "must specify a volume type"))
    return out


def _need(src: Obj, path: str, *fields: str) -> list[Cause]:
    return [required(f"{path}.{f}") for f in fields if not src.get(f)]


def _validate_one_volume_source(kind: str, src: Obj, path: str, vol_name: str, pod_name: str,
                                resource_is_pod: bool) -> list[Cause]:
    p = f"{path}.{kind}"
    out: list[Cause] = []
    if kind == "emptyDir":
        sl = src.get("sizeLimit")
        q = parse_q(sl) if sl is not None else None
        if q is not None and q.sign() < 0:
            out.append(forbidden(f"{p}.sizeLimit", "SizeLimit field must be a valid resource quantity"))
    elif kind == "hostPath":
        out.extend(validate_host_path(src, p))
    elif kind == "gitRepo":
        out.extend(_need(src, p, "repository"))
        out.extend(_validate_local_descending_path(_s(src.get("directory")), f"{p}.directory"))
    elif kind == "gcePersistentDisk":
        pp = f"{path}.persistentDisk"
        out.extend(_need(src, pp, "pdName"))
        part = src.get("partition", 0)
        if _is_int(part) and not 0 <= part <= 255:
            out.append(invalid(f"{pp}.partition", part, inclusive_range_error(1, 255)))
    elif kind == "awsElasticBlockStore":
        out.extend(_need(src, p, "volumeID"))
        part = src.get("partition", 0)
        if _is_int(part) and not 0 <= part <= 255:
            out.append(invalid(f"{p}.partition", part, inclusive_range_error(1, 255)))
    elif kind == "secret":
        out.extend(_need(src, p, "secretName"))
        out.extend(_validate_file_mode(src.get("defaultMode"), f"{p}.defaultMode"))
        for i, kp in enumerate(_l(src.get("items"))):
            out.extend(_validate_key_to_path(_d(kp), f"{p}.items[{i}]"))
    elif kind == "configMap":
        out.extend(_need(src, p, "name"))
        out.extend(_validate_file_mode(src.get("defaultMode"), f"{p}.defaultMode"))
        for i, kp in enumerate(_l(src.get("items"))):
            out.extend(_validate_key_to_path(_d(kp), f"{p}.items[{i}]"))
    elif kind == "nfs":
        out.extend(_need(src, p, "server", "path"))
        if not _s(src.get("path")).startswith("/"):
            out.append(invalid(f"{p}.path", _s(src.get("path")), "must be an absolute path"))
    elif kind == "iscsi":
        out.extend(_need(src, p, "targetPortal"))
        iqn = _s(src.get("iqn"))
        if not iqn:
            out.append(required(f"{p}.iqn"))
        elif not iqn.startswith(("iqn", "eui", "naa")):
            out.append(invalid(f"{p}.iqn", iqn, "must be valid format starting with iqn, eui, or naa"))
        lun = src.get("lun", 0)
        if _is_int(lun) and not 0 <= lun <= 255:
            out.append(invalid(f"{p}.lun", lun, inclusive_range_error(0, 255)))
        if (src.get("chapAuthDiscovery") or src.get("chapAuthSession")) and src.get("secretRef") is None:
            out.append(required(f"{p}.secretRef"))
    elif kind == "glusterfs":
        out.extend(_need(src, p, "endpoints", "path"))
    elif kind == "flocker":
        if not src.get("datasetName") and not src.get("datasetUUID"):
            out.append(required(p, "one of datasetName and datasetUUID is required"))
        if src.get("datasetName") and src.get("datasetUUID"):
            out.append(invalid(p, "resource", "datasetName and datasetUUID can not be specified simultaneously"))
        if "/" in _s(src.get("datasetName")):
            out.append(invalid(f"{p}.datasetName", src.get("datasetName"), "must not contain '/'"))
    elif kind == "persistentVolumeClaim":
        out.extend(_need(src, p, "claimName"))
    elif kind == "rbd":
        if not _l(src.get("monitors")):
            out.append(required(f"{p}.monitors"))
        out.extend(_need(src, p, "image"))
    elif kind == "cinder":
        out.extend(_need(src, p, "volumeID"))
        if src.get("secretRef") is not None and not _d(src.get("secretRef")).get("name"):
            out.append(required(f"{p}.secretRef.name"))
    elif kind == "cephfs":
        if not _l(src.get("monitors")):
            out.append(required(f"{path}.cephfs.monitors"))
    elif kind == "quobyte":
        if not src.get("registry"):
            out.append(required(f"{p}.registry", "must be a host:port pair or multiple pairs separated by commas"))
        elif len(_s(src.get("tenant"))) >= 65:
            out.append(required(f"{p}.tenant", "must be a UUID and may not exceed a length of 64 characters"))
        out.extend(_need(src, p, "volume"))
    elif kind == "downwardAPI":
        out.extend(_validate_file_mode(src.get("defaultMode"), f"{p}.defaultMode"))
        for f in _l(src.get("items")):
            out.extend(_validate_downward_api_file(_d(f), p))
    elif kind == "fc":
        wwns, wwids = _l(src.get("targetWWNs")), _l(src.get("wwids"))
        if not wwns and not wwids:
            out.append(required(f"{p}.targetWWNs", "must specify either targetWWNs or wwids, but not both"))
        if wwns and wwids:
            out.append(invalid(f"{p}.targetWWNs", wwns, "targetWWNs and wwids can not be specified simultaneously"))
        if wwns:
            lun = src.get("lun")
            if lun is None:
                out.append(required(f"{p}.lun", "lun is required if targetWWNs is specified"))
            elif _is_int(lun) and not 0 <= lun <= 255:
                out.append(invalid(f"{p}.lun", lun, inclusive_range_error(0, 255)))
    elif kind == "flexVolume":
        out.extend(_need(src, p, "driver"))
        for k in _d(src.get("options")):
            ns = k.split("/", 1)[0] if "/" in k else k
            if ("." + ns.lower()).endswith((".kubernetes.io", ".k8s.io")):
                out.append(invalid(f"{p}.options[{k}]", k, "kubernetes.io and k8s.io namespaces are reserved"))
    elif kind == "azureFile":
        out.extend(_need(src, p, "secretName", "shareName"))
    elif kind == "vsphereVolume":
        out.extend(_need(src, p, "volumePath"))
    elif kind == "photonPersistentDisk":
        out.extend(_need(src, p, "pdID"))
    elif kind == "portworxVolume":
        out.extend(_need(src, p, "volumeID"))
    elif kind == "azureDisk":
        out.extend(_need(src, p, "diskName", "diskURI"))
        cm = src.get("cachingMode")
        if cm is not None and cm not in ("None", "ReadOnly", "ReadWrite"):
            out.append(not_supported(f"{p}.cachingMode", cm, ("None", "ReadOnly", "ReadWrite")))
        k = src.get("kind")
        if k is not None and k not in ("Dedicated", "Managed", "Shared"):
            out.append(not_supported(f"{p}.kind", k, ("Dedicated", "Managed", "Shared")))
    elif kind == "storageos":
        vn = _s(src.get("volumeName"))
        if not vn:
            out.append(required(f"{p}.volumeName"))
        else:
            out.extend(validate_dns1123_label(vn, f"{p}.volumeName"))
        if src.get("volumeNamespace"):
            out.extend(validate_dns1123_label(_s(src.get("volumeNamespace")), f"{p}.volumeNamespace"))
    elif kind == "projected":
        out.extend(_validate_file_mode(src.get("defaultMode"), f"{p}.defaultMode"))
        out.extend(_validate_projection_sources(src, p))
    elif kind == "scaleIO":
        out.extend(_need(src, p, "gateway", "system", "volumeName"))
    elif kind == "csi":
        out.extend(validate_csi_driver_name(_s(src.get("driver")), f"{p}.driver"))
        ref = src.get("nodePublishSecretRef")
        if ref is not None:
            name = _s(_d(ref).get("name"))
            if not name:
                out.append(required(f"{p}.nodePublishSecretRef.name"))
            else:
                out.extend(invalid(f"{p}.name", name, m) for m in dns1123_subdomain(name))
    elif kind == "ephemeral":
        tpl = src.get("volumeClaimTemplate")
        if tpl is None:
            out.append(required(f"{p}.volumeClaimTemplate"))
        else:
            out.extend(validate_pvc_template(_d(tpl), f"{p}.volumeClaimTemplate"))
            if pod_name and vol_name:
                pvc = f"{pod_name}-{vol_name}"
                out.extend(invalid(f"{p}.name", vol_name, f"PVC name {_labels.go_quote(pvc)}: {m}")
                           for m in dns1123_subdomain(pvc))
    elif kind == "image":
        if resource_is_pod and not src.get("reference"):
            out.append(required(f"{p}.reference"))
        out.extend(_enum(src.get("pullPolicy"), PULL_POLICIES, f"{p}.pullPolicy"))
    return out


def validate_host_path(src: Obj, path: str) -> list[Cause]:
    hp = _s(src.get("path"))
    if not hp:
        return [required(f"{path}.path")]
    out: list[Cause] = []
    if ".." in hp.split("/"):
        out.append(invalid(f"{path}.path", hp, "must not contain '..'"))
    t = src.get("type")
    if t is not None and t not in HOST_PATH_TYPES:
        out.append(not_supported(f"{path}.type", t, HOST_PATH_TYPES))
    return out


def validate_csi_driver_name(name: str, path: str) -> list[Cause]:
    out: list[Cause] = []
    if not name:
        out.append(required(path))
    if len(name) > 63:
        out.append(too_long(path, 63))
    out.extend(invalid(path, name, m) for m in is_dns1123_subdomain(name.lower()))
    return out


def _validate_file_mode(mode: Any, path: str) -> list[Cause]:
    if mode is None or (_is_int(mode) and 0 <= mode <= 0o777):
        return []
    return [invalid(path, mode, FILE_MODE_ERROR)]


def _validate_key_to_path(kp: Obj, path: str) -> list[Cause]:
    out = _need(kp, path, "key", "path")
    out.extend(_validate_local_non_reserved_path(_s(kp.get("path")), f"{path}.path"))
    out.extend(_validate_file_mode(kp.get("mode"), f"{path}.mode"))
    return out


def _validate_downward_api_file(f: Obj, path: str) -> list[Cause]:
    out = _need(f, path, "path")
    out.extend(_validate_local_non_reserved_path(_s(f.get("path")), f"{path}.path"))
    if f.get("fieldRef") is not None:
        out.extend(_validate_object_field_selector(_d(f["fieldRef"]), VOLUME_FIELD_PATHS, f"{path}.fieldRef"))
        if f.get("resourceFieldRef") is not None:
            out.append(invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"))
    elif f.get("resourceFieldRef") is not None:
        out.extend(_validate_resource_field_selector(_d(f["resourceFieldRef"]), f"{path}.resourceFieldRef", True))
    else:
        out.append(required(path, "one of fieldRef and resourceFieldRef is required"))
    out.extend(_validate_file_mode(f.get("mode"), f"{path}.mode"))
    return out


def _validate_projection_sources(src: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    all_paths: set[str] = set()
    for i, s in enumerate(_l(src.get("sources"))):
        s = _d(s)
        sp = f"{path}.sources[{i}]"
        n = 0
        for kind in ("secret", "configMap"):
            sub = s.get(kind)
            if sub is None:
                continue
            n += 1
            sub = _d(sub)
            if not sub.get("name"):
                out.append(required(f"{sp}.{kind}.name"))
            for j, kp in enumerate(_l(sub.get("items"))):
                kp = _d(kp)
                out.extend(_validate_key_to_path(kp, f"{sp}.{kind}.items[{j}]"))
                kpath = _s(kp.get("path"))
                if kpath:
                    if kpath in all_paths:
                        out.append(invalid(path, _s(sub.get("name")), "conflicting duplicate paths"))
                    all_paths.add(kpath)
        if s.get("downwardAPI") is not None:
            n += 1
            for f in _l(_d(s["downwardAPI"]).get("items")):
                f = _d(f)
                out.extend(_validate_downward_api_file(f, f"{sp}.downwardAPI"))
                fpath = _s(f.get("path"))
                if fpath:
                    if fpath in all_paths:
                        out.append(invalid(path, fpath, "conflicting duplicate paths"))
                    all_paths.add(fpath)
        if s.get("serviceAccountToken") is not None:
            n += 1
            tok = _d(s["serviceAccountToken"])
            exp = tok.get("expirationSeconds", 0)
            if _is_int(exp):
                if exp < 600:
                    out.append(invalid(f"{sp}.serviceAccountToken.expirationSeconds", exp,
                                       "may not specify a duration less than 10 minutes"))
                if exp > 1 << 32:
                    out.append(invalid(f"{sp}.serviceAccountToken.expirationSeconds", exp,
                                       "may not specify a duration larger than 2^32 seconds"))
            tpath = _s(tok.get("path"))
            if not tpath:
                out.append(required(f"{path}.path"))
            else:
                out.extend(_validate_local_non_reserved_path(tpath, f"{path}.path"))
        if s.get("clusterTrustBundle") is not None:
            n += 1
            ctb = _d(s["clusterTrustBundle"])
            cp = f"{sp}.clusterTrustBundle"
            if ctb.get("name") is not None and ctb.get("signerName") is not None:
                out.append(invalid(cp, ctb, "only one of name and signerName may be used"))
            elif ctb.get("name") is None and ctb.get("signerName") is None:
                out.append(required(cp, "either name or signerName must be specified"))
            cpath = _s(ctb.get("path"))
            if not cpath:
                out.append(required(f"{cp}.path"))
            out.extend(_validate_local_non_reserved_path(cpath, f"{cp}.path"))
            if cpath in all_paths:
                out.append(invalid(path, cpath, "conflicting duplicate paths"))
            all_paths.add(cpath)
        if n > 1:
            out.append(forbidden(sp, "may not specify more than 1 volume type per source"))
    return out


# ---------------------------------------------------------------------------
# PersistentVolumeClaim specs (PVCs, ephemeral volumes, StatefulSet claim templates)

ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
VOLUME_MODES = ("Block", "Filesystem")


def validate_access_modes(modes: list, path: str, detail: str = "") -> list[Cause]:
    out: list[Cause] = []
    if not modes:
        out.append(required(path, detail))
    rwop = other = False
    for m in modes:
        if m not in ACCESS_MODES:
            out.append(not_supported(path, m, ACCESS_MODES))
        elif m == "ReadWriteOncePod":
            rwop = True
        else:
            other = True
    if rwop and other:
        out.append(forbidden(path, "may not use ReadWriteOncePod with other access modes"))
    return out


def validate_pvc_template(tpl: Obj, path: str) -> list[Cause]:
    """Upstream ValidatePersistentVolumeClaimTemplate: labels and annotations only, then the claim spec."""
    meta = _d(tpl.get("metadata"))
    out = validate_annotations(meta.get("annotations"), f"{path}.metadata.annotations")
    out.extend(validate_labels(meta.get("labels"), f"{path}.metadata.labels"))
    for k in meta:
        if k not in ("labels", "annotations") and meta[k] not in (None, "", {}, []):
            out.append(forbidden(f"{path}.metadata.{k}", "cannot be set"))
    out.extend(validate_pvc_spec(_d(tpl.get("spec")), f"{path}.spec"))
    return out


def validate_pvc_spec(spec: Obj, path: str) -> list[Cause]:
    """Upstream ValidatePersistentVolumeClaimSpec."""
    out: list[Cause] = []
    modes = _l(spec.get("accessModes"))
    if not modes:
        out.append(required(f"{path}.accessModes", "at least 1 access mode is required"))
    if spec.get("selector") is not None:
        out.extend(validate_label_selector(spec["selector"], f"{path}.selector"))
    out.extend(m for m in validate_access_modes(modes, f"{path}.accessModes") if m.reason != REQUIRED)
    res = _d(spec.get("resources"))
    reqs = _d(res.get("requests"))
    sp = f"{path}.resources[storage]"
    if "storage" not in reqs:
        out.append(required(sp))
    else:
        q = parse_q(reqs["storage"])
        if q is None:
            out.append(invalid(sp, str(reqs["storage"]), QUANTITY_REGEX_ERROR))
        elif q.sign() <= 0:
            out.append(invalid(sp, str(q), IS_NOT_POSITIVE))
        else:
            out.extend(validate_resource_quantity_value("storage", q, sp))
    sc = spec.get("storageClassName")
    if sc and isinstance(sc, str):
        out.extend(invalid(f"{path}.storageClassName", sc, m) for m in dns1123_subdomain(sc))
    vm = spec.get("volumeMode")
    if vm is not None and vm not in VOLUME_MODES:
        out.append(not_supported(f"{path}.volumeMode", vm, VOLUME_MODES))
    ds, dsr = spec.get("dataSource"), spec.get("dataSourceRef")
    for fld, ref in (("dataSource", ds), ("dataSourceRef", dsr)):
        if ref is None:
            continue
        ref = _d(ref)
        rp = f"{path}.{fld}"
        out.extend(_need(ref, rp, "name", "kind"))
        group = _s(ref.get("apiGroup"))
        if not group and ref.get("kind") != "PersistentVolumeClaim":
            out.append(invalid(rp, _s(ref.get("kind")), "must be 'PersistentVolumeClaim' when referencing the "
                                                        "default apiGroup"))
        if group:
            out.extend(invalid(f"{rp}.apiGroup", group, m) for m in is_dns1123_subdomain(group))
        if fld == "dataSourceRef" and ref.get("namespace"):
            out.extend(invalid(f"{rp}.namespace", ref["namespace"], m) for m in dns1123_label(_s(ref["namespace"])))
    if dsr is not None and _d(dsr).get("namespace"):
        if ds is not None:
            out.append(invalid(path, f"{path}.dataSource", "may not be specified when dataSourceRef.namespace is "
                                                           "specified"))
    elif ds is not None and dsr is not None:
        a, b = _d(ds), _d(dsr)
        if (a.get("apiGroup"), a.get("kind"), a.get("name")) != (b.get("apiGroup"), b.get("kind"), b.get("name")):
            out.append(invalid(path, f"{path}.dataSource", "must match dataSourceRef"))
    return out
