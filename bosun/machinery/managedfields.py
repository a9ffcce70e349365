"""Managed fields and server-side apply: field sets, comparison, merge and ownership.

This is upstream's structured-merge-diff as the API server uses it, over
plain wire-form dicts and the kinds' OpenAPI schema nodes (`bosun.api.schema`).

A *path* is a tuple of path elements, each in its `FieldsV1` spelling:
`f:<field>` (struct field or map key), `k:<json>` (list-map item by its key
fields, sorted by name), `v:<json>` (set item by value), `i:<n>` (list index).
A *field set* is a Python `set` of paths; `to_fields_v1` and `from_fields_v1`
convert it to and from the trie that `metadata.managedFields[].fieldsV1` holds.

Schema rules (upstream's OpenAPI to structured-merge-diff conversion): objects
with properties are structs, granular unless `x-kubernetes-map-type: atomic`;
maps (`additionalProperties`) are granular unless atomic; lists follow
`x-kubernetes-list-type` (`atomic`, `set`, `map` keyed by
`x-kubernetes-list-map-keys`), else a `merge` patch strategy makes them a map
keyed by the patch merge key (a set without one), else they are atomic.
Nodes without a schema are *deduced*: maps granular, lists atomic.

Built-in objects reach upstream's field manager as Go structs, which always
carry their non-pointer struct fields and never their empty `omitempty`
slices and maps; comparisons here look at objects through the same lens
(`_view`) so that `.` marks land where upstream puts them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from bosun.api import schema as schemas

Obj = dict[str, Any]
Node = dict[str, Any]
Path = tuple[str, ...]
FieldSet = set[Path]
Ignore = Callable[[Path], bool]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_UPDATE_MANAGERS = 10
ANCIENT_CHANGES = "ancient-changes"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# What the field manager never records (upstream's stripMetaManager): exact paths, not subtrees.
STRIPPED: frozenset[Path] = frozenset({
    ("f:apiVersion",), ("f:kind",), ("f:metadata",),
    ("f:metadata", "f:name"), ("f:metadata", "f:namespace"), ("f:metadata", "f:creationTimestamp"),
    ("f:metadata", "f:selfLink"), ("f:metadata", "f:uid"), ("f:metadata", "f:clusterName"),
    ("f:metadata", "f:generation"), ("f:metadata", "f:managedFields"), ("f:metadata", "f:resourceVersion"),
})


class _Missing:
    """An absent value (distinct from JSON null)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


class _Emptied:
    """A container all of whose items were removed: null for the walkers, dropped at the end."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "EMPTIED"


MISSING: Any = _Missing()
_EMPTIED: Any = _Emptied()


class SchemaError(ValueError):
    """An object that does not fit its schema (a list-map item without its key, duplicate keys)."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path_string(path)}: {message}" if path else message)


# ---- JSON as upstream spells it inside path elements


def go_json(value: Any) -> str:
    """Compact JSON with sorted keys and Go's HTML-safe escaping (encoding/json, jsoniter compatible)."""
    out = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    if any(c in out for c in "<>&\u2028\u2029"):
        out = (out.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
               .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return out


@functools.lru_cache(maxsize=65536)
def _pe_value(pe: str) -> Any:
    return orjson.loads(pe[2:])


def _value_key(v: Any) -> tuple:
    """Upstream's total order of values: numbers < strings < booleans < lists < maps < null."""
    if v is None:
        return (5,)
    if v is True or v is False:
        return (2, v)
    if isinstance(v, int | float):
        return (0, v)
    if isinstance(v, str):
        return (1, v)
    if isinstance(v, list):
        return (3, tuple(_value_key(x) for x in v))
    if isinstance(v, dict):
        return (4, tuple((k, _value_key(v[k])) for k in sorted(v)))
    return (6,)


@functools.lru_cache(maxsize=65536)
def pe_sort_key(pe: str) -> tuple:
    """Upstream's order of path elements: fields, then keys, then values, then indexes."""
    kind = pe[:2]
    if kind == "f:":
        return (0, pe[2:])
    if kind == "k:":
        fields = _pe_value(pe)
        return (1, tuple((k, _value_key(fields[k])) for k in sorted(fields)))
    if kind == "v:":
        return (2, _value_key(_pe_value(pe)))
    return (3, int(pe[2:]))


def _go_quote(v: Any) -> str:
    """Go's value.ToString: strings %q, numbers and booleans bare, null `null`."""
    if v is None:
        return "null"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, str):
        return orjson.dumps(v).decode()
    if isinstance(v, int | float):
        return str(v)
    if isinstance(v, list):
        return "[" + ",".join(_go_quote(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(f"{k}={_go_quote(v[k])}" for k in sorted(v)) + "}"
    return str(v)


def pe_string(pe: str) -> str:
    """One path element as upstream prints it: `.spec`, `[name="web"]`, `[="x"]`, `[0]`."""
    kind = pe[:2]
    if kind == "f:":
        return "." + pe[2:]
    if kind == "k:":
        fields = _pe_value(pe)
        return "[" + ",".join(f"{k}={_go_quote(fields[k])}" for k in sorted(fields)) + "]"
    if kind == "v:":
        return "[=" + _go_quote(_pe_value(pe)) + "]"
    return "[" + pe[2:] + "]"


def path_string(path: Path) -> str:
    """A path as upstream prints it in conflicts: `.spec.template.spec.containers[name="web"].image`."""
    return "".join(pe_string(pe) for pe in path)


def _path_sort_key(path: Path) -> tuple:
    # Upstream's Set.Iterate: at each level the members first, then the children, each in element order.
    last = len(path) - 1
    return tuple((0 if i == last else 1, pe_sort_key(pe)) for i, pe in enumerate(path))


def sorted_paths(paths: Iterable[Path]) -> list[Path]:
    return sorted(paths, key=_path_sort_key)


# ---- FieldsV1


def to_fields_v1(paths: Iterable[Path]) -> dict[str, Any]:
    """The `fieldsV1` trie of a field set, in upstream's key order, `.` marking a member with children."""
    root: dict[str, list] = {}
    for path in paths:
        if not path:
            continue
        node = root
        for pe in path[:-1]:
            node = node.setdefault(pe, [False, {}])[1]
        node.setdefault(path[-1], [False, {}])[0] = True

    def emit(children: dict[str, list], with_self: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if with_self and children:
            out["."] = {}
        for pe in sorted(children, key=pe_sort_key):
            member, sub = children[pe]
            out[pe] = emit(sub, member)
        return out

    return emit(root, False)


@functools.lru_cache(maxsize=65536)
def _canonical_pe(pe: str) -> str:
    kind = pe[:2]
    if kind == "f:":
        return pe
    if kind == "i:":
        n = int(pe[2:])
        if n < 0:
            raise ValueError(f"invalid index path element {pe!r}")
        return f"i:{n}"
    if kind in ("k:", "v:"):
        try:
            value = orjson.loads(pe[2:])
        except orjson.JSONDecodeError:
            raise ValueError(f"invalid path element {pe!r}") from None
        if kind == "k:" and (not isinstance(value, dict) or not value):
            raise ValueError(f"invalid key path element {pe!r}")
        return kind + go_json(value)
    raise ValueError(f"unknown path element {pe!r}")


def from_fields_v1(trie: Any) -> FieldSet:
    """The field set of a `fieldsV1` trie; ValueError when it is not one."""
    out: FieldSet = set()

    def walk(node: Any, prefix: Path) -> None:
        if not isinstance(node, dict):
            raise ValueError("fieldsV1 nodes must be objects")
        for key, sub in node.items():
            if key == ".":
                if not prefix:
                    raise ValueError("fieldsV1 root cannot be a member")
                out.add(prefix)
                continue
            path = prefix + (_canonical_pe(key),)
            if not isinstance(sub, dict):
                raise ValueError("fieldsV1 nodes must be objects")
            if not sub:
                out.add(path)
            else:
                walk(sub, path)

    walk(trie, ())
    return out


def recursive_difference(paths: FieldSet, ignored: Ignore | None) -> FieldSet:
    """The paths of a set that are neither ignored nor below an ignored path."""
    if ignored is None:
        return paths
    return {p for p in paths if not ignored(p)}


def ignore_prefixes(prefixes: Iterable[Path]) -> Ignore:
    """An ignore rule: the given paths and everything below them (upstream's reset fields)."""
    pre = frozenset(prefixes)

    def ignored(path: Path) -> bool:
        return any(path[:i] in pre for i in range(1, len(path) + 1))
    return ignored


def ignore_all_but(top_fields: Iterable[str]) -> Ignore:
    """An ignore rule: every top-level field except these (what a status subresource may not touch)."""
    keep = frozenset("f:" + f for f in top_fields)

    def ignored(path: Path) -> bool:
        return bool(path) and path[0] not in keep
    return ignored


# ---- the schema, as structured-merge-diff sees it


_SCALAR_TYPES = frozenset(("string", "integer", "number", "boolean"))
# Key fields of list-maps that upstream's schema defaults (ContainerPort, ServicePort).
_KEY_DEFAULTS: dict[str, Any] = {"protocol": "TCP"}
# Non-pointer struct fields that Go always serialises though the schema does not require them.
_ALWAYS_STRUCT: frozenset[tuple[str, str]] = frozenset({
    ("DeploymentSpec", "strategy"), ("StatefulSetSpec", "updateStrategy"), ("DaemonSetSpec", "updateStrategy"),
    ("ReplicaSetSpec", "template"), ("Container", "resources"), ("EphemeralContainer", "resources"),
    ("ServiceStatus", "loadBalancer"), ("IngressStatus", "loadBalancer"), ("NodeStatus", "daemonEndpoints"),
    ("NodeStatus", "nodeInfo"), ("NodeDaemonEndpoints", "kubeletEndpoint"),
    ("PersistentVolumeClaimSpec", "resources"), ("Event", "source"),
})


@dataclass(eq=False)
class TypeInfo:
    """One schema node classified: struct, map, list, scalar or deduced."""

    kind: str
    fields: dict[str, Node] = field(default_factory=dict)
    elem: Node | None = None
    atomic: bool = False
    keys: tuple[str, ...] | None = None  # lists: None atomic, () set, (k, ...) list-map
    always: dict[str, str] = field(default_factory=dict)  # struct fields Go always has: "struct" | "list"

    def child(self, key: str) -> TypeInfo:
        node = self.fields.get(key)
        if node is not None:
            return type_info(node)
        return type_info(self.elem)

    @property
    def elem_info(self) -> TypeInfo:
        return type_info(self.elem)


DEDUCED = TypeInfo("deduced")
_types: dict[int, tuple[Node, TypeInfo]] = {}


def type_info(node: Node | None) -> TypeInfo:
    if node is None:
        return DEDUCED
    hit = _types.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    info = _classify(node)
    if len(_types) > 50000:
        _types.clear()
    _types[id(node)] = (node, info)  # the node is kept alive so that its id is not reused
    return info


def _ext(node: Node, resolved: Node, key: str) -> Any:
    v = node.get(key)
    return resolved.get(key) if v is None else v


def _classify(node: Node) -> TypeInfo:
    resolved = schemas.resolve(node)
    if resolved is None:
        return DEDUCED
    if "oneOf" in resolved or "anyOf" in resolved or resolved.get("x-kubernetes-int-or-string"):
        return TypeInfo("scalar")
    props = resolved.get("properties")
    extra = resolved.get("additionalProperties")
    atomic_map = _ext(node, resolved, "x-kubernetes-map-type") == "atomic"
    if isinstance(props, dict):
        return TypeInfo("struct", fields=props, elem=extra if isinstance(extra, dict) else None,
                        atomic=atomic_map, always=_always(schemas.ref_name(node), resolved))
    if isinstance(extra, dict):
        return TypeInfo("map", elem=extra, atomic=atomic_map)
    t = schemas.types(resolved)
    if "items" in resolved or "array" in t:
        items = resolved.get("items")
        return TypeInfo("list", elem=items if isinstance(items, dict) else None, keys=_list_keys(node, resolved))
    if t & _SCALAR_TYPES and "object" not in t:
        return TypeInfo("scalar")
    return DEDUCED


def _list_keys(node: Node, resolved: Node) -> tuple[str, ...] | None:
    list_type = _ext(node, resolved, "x-kubernetes-list-type")
    if list_type == "atomic":
        return None
    if list_type == "set":
        return ()
    if list_type == "map":
        keys = _ext(node, resolved, "x-kubernetes-list-map-keys") or ()
        return tuple(keys) or None
    strategy = _ext(node, resolved, "x-kubernetes-patch-strategy") or ""
    if "merge" in str(strategy).split(","):
        key = _ext(node, resolved, "x-kubernetes-patch-merge-key")
        return (key,) if key else ()
    return None


def _always(name: str | None, resolved: Node) -> dict[str, str]:
    props: dict[str, Node] = resolved.get("properties") or {}
    required = set(resolved.get("required") or ())
    short = name.rsplit(".", 1)[-1] if name else ""
    has_meta = schemas.ref_name(props.get("metadata") or {}) == OBJECT_META
    out: dict[str, str] = {}
    for prop, pnode in props.items():
        target = schemas.resolve(pnode) or {}
        is_struct = isinstance(target.get("properties"), dict)
        is_list = "items" in target or "array" in schemas.types(target)
        if prop == "metadata" and has_meta:
            out[prop] = "struct"
        elif (has_meta and prop in ("spec", "status") and is_struct) or (short, prop) in _ALWAYS_STRUCT:
            out[prop] = "struct"
        elif prop in required and (is_struct or is_list):
            out[prop] = "struct" if is_struct else "list"
    return out


# ---- the Go lens


def _view(v: Any, t: TypeInfo, depth: int = 0) -> Any:
    """The object as upstream's typed conversion shows it: zero structs present, empty omitempty fields gone."""
    kind = t.kind
    if kind == "struct" and type(v) is dict:
        out: dict[str, Any] = {}
        fields = t.fields
        for key, val in v.items():
            fnode = fields.get(key)
            if fnode is None:
                out[key] = _view(val, type_info(t.elem), depth + 1)
                continue
            ft = type_info(fnode)
            if (val == [] or val == {}) and ft.kind in ("list", "map") and key not in t.always:
                continue
            out[key] = _view(val, ft, depth + 1)
        if depth < 24:
            for key, what in t.always.items():
                if key not in out:
                    out[key] = _view({}, type_info(fields[key]), depth + 1) if what == "struct" else None
        return out
    if kind == "map" and type(v) is dict:
        et = type_info(t.elem)
        if et.kind in ("struct", "map", "list"):
            return {key: _view(val, et, depth + 1) for key, val in v.items()}
        return v
    if kind == "list" and type(v) is list:
        et = type_info(t.elem)
        if et.kind in ("struct", "map", "list"):
            return [_view(x, et, depth + 1) for x in v]
        return v
    return v


def zero_object(schema_node: Node | None) -> Obj:
    """The empty object of a kind as upstream's field manager sees it before a create."""
    return _view({}, type_info(schema_node))


# ---- equality and list items


def equal(a: Any, b: Any) -> bool:
    """JSON equality that keeps booleans apart from numbers."""
    ta, tb = type(a), type(b)
    if ta is dict:
        if tb is not dict or len(a) != len(b):
            return False
        for k, av in a.items():
            bv = b.get(k, MISSING)
            if bv is MISSING or not equal(av, bv):
                return False
        return True
    if ta is list:
        if tb is not list or len(a) != len(b):
            return False
        return all(equal(x, y) for x, y in zip(a, b, strict=True))
    if ta is bool or tb is bool:
        return ta is tb and a == b
    if ta in (int, float) and tb in (int, float):
        return a == b
    return ta is tb and a == b


def _item_pe(item: Any, t: TypeInfo, path: Path, index: int) -> str:
    keys = t.keys
    if keys:
        if item is None:
            raise SchemaError(path, f"element {index}: associative list with keys has an element that's an "
                                    "explicit null")
        if type(item) is not dict:
            raise SchemaError(path, f"element {index}: associative list with keys has an element that's not a "
                                    "map type")
        fields: dict[str, Any] = {}
        for k in sorted(keys):
            if k in item:
                fields[k] = item[k]
            elif k in _KEY_DEFAULTS:
                fields[k] = _KEY_DEFAULTS[k]
            else:
                raise SchemaError(path, f'element {index}: associative list with keys has an element that omits '
                                        f'key field "{k}" (and doesn\'t have default value)')
        return "k:" + go_json(fields)
    if type(item) is dict:
        raise SchemaError(path, f"element {index}: associative list without keys has an element that's a map "
                                "type")
    return "v:" + go_json(item)


def _index(items: list | None, t: TypeInfo, path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, item in enumerate(items or ()):
        out.setdefault(_item_pe(item, t, path, i), item)
    return out


def _maplike(v: Any) -> bool:
    return v is MISSING or v is None or type(v) is dict


def _listlike(v: Any) -> bool:
    return v is MISSING or v is None or type(v) is list


def _granular_map(t: TypeInfo, a: Any, b: Any) -> bool:
    kind = t.kind
    if kind in ("struct", "map"):
        return not t.atomic and _maplike(a) and _maplike(b)
    return kind == "deduced" and (type(a) is dict or type(b) is dict) and _maplike(a) and _maplike(b)


def _assoc_list(t: TypeInfo, a: Any, b: Any) -> bool:
    return t.kind == "list" and t.keys is not None and _listlike(a) and _listlike(b)


# ---- field sets


def field_set(obj: Any, schema_node: Node | None, *, strict: bool = False) -> FieldSet:
    """Every field an object sets (upstream's ToFieldSet); `strict` refuses duplicate list keys."""
    out: FieldSet = set()
    _fields(obj, type_info(schema_node), (), out, strict)
    return out


def _fields(v: Any, t: TypeInfo, path: Path, out: FieldSet, strict: bool) -> None:
    kind = t.kind
    if kind in ("struct", "map") or (kind == "deduced" and type(v) is dict):
        if t.atomic:
            out.add(path)
            return
        if type(v) is not dict:
            return
        fields = t.fields if kind == "struct" else None
        for key, val in v.items():
            cp = path + ("f:" + key,)
            _fields(val, t.child(key), cp, out, strict)
            if val is None or val is _EMPTIED or (type(val) is dict and not val) or not fields or key not in fields:
                out.add(cp)
        return
    if kind == "list" or (kind == "deduced" and type(v) is list):
        if t.keys is None:
            out.add(path)
            return
        if type(v) is not list:
            return
        et = t.elem_info
        seen: set[str] = set()
        for i, item in enumerate(v):
            pe = _item_pe(item, t, path, i)
            if strict:
                if pe in seen:
                    raise SchemaError(path, f"duplicate entries for key {pe_string(pe)}")
                seen.add(pe)
            cp = path + (pe,)
            _fields(item, et, cp, out, strict)
            out.add(cp)
        return
    out.add(path)


def ensure_named_fields_are_members(paths: FieldSet, schema_node: Node | None) -> FieldSet:
    """The set plus every declared struct field above its members (upstream's EnsureNamedFieldsAreMembers)."""
    return _ensure_named(paths, type_info(schema_node))


def _ensure_named(paths: FieldSet, root: TypeInfo) -> FieldSet:
    out = set(paths)
    types: dict[Path, TypeInfo] = {(): root}
    for path in paths:
        t = root
        for i in range(len(path) - 1):
            pe = path[i]
            prefix = path[:i + 1]
            child = types.get(prefix)
            if child is None:
                if pe[:2] == "f:":
                    child = t.child(pe[2:])
                else:
                    child = t.elem_info if t.kind == "list" else DEDUCED
                types[prefix] = child
            if pe[:2] == "f:" and t.kind == "struct" and pe[2:] in t.fields:
                out.add(prefix)
            t = child
    return out


# ---- comparison


@dataclass
class Comparison:
    added: FieldSet = field(default_factory=set)
    modified: FieldSet = field(default_factory=set)
    removed: FieldSet = field(default_factory=set)

    def exclude(self, ignored: Ignore | None) -> Comparison:
        if ignored is None:
            return self
        return Comparison(recursive_difference(self.added, ignored), recursive_difference(self.modified, ignored),
                          recursive_difference(self.removed, ignored))

    def same(self) -> bool:
        return not (self.added or self.modified or self.removed)


def compare(old: Any, new: Any, schema_node: Node | None) -> Comparison:
    """What changed from `old` to `new`: leaves and items added, modified, removed (upstream's Compare)."""
    t = type_info(schema_node)
    c = Comparison()
    _compare(_view(old, t), _view(new, t), t, (), c)
    return c


def _compare(lhs: Any, rhs: Any, t: TypeInfo, path: Path, c: Comparison) -> None:
    if _granular_map(t, lhs, rhs):
        lm = lhs if type(lhs) is dict else None
        rm = rhs if type(rhs) is dict else None
        if lm or rm:
            if lm:
                for key, lv in lm.items():
                    _compare(lv, rm.get(key, MISSING) if rm else MISSING, t.child(key), path + ("f:" + key,), c)
            if rm:
                for key, rv in rm.items():
                    if not lm or key not in lm:
                        _compare(MISSING, rv, t.child(key), path + ("f:" + key,), c)
            _post(lhs, rhs, path, c)
            return
    elif _assoc_list(t, lhs, rhs):
        ll = lhs if type(lhs) is list else None
        rl = rhs if type(rhs) is list else None
        if ll or rl:
            li = _index(ll, t, path)
            ri = _index(rl, t, path)
            et = t.elem_info
            for pe, item in li.items():
                _compare(item, ri.get(pe, MISSING), et, path + (pe,), c)
            for pe, item in ri.items():
                if pe not in li:
                    _compare(MISSING, item, et, path + (pe,), c)
            _post(lhs, rhs, path, c)
            return
    if lhs is MISSING:
        c.added.add(path)
    elif rhs is MISSING:
        c.removed.add(path)
    elif not equal(lhs, rhs):
        c.modified.add(path)


def _post(lhs: Any, rhs: Any, path: Path, c: Comparison) -> None:
    if lhs is MISSING:
        c.added.add(path)
    elif rhs is MISSING:
        c.removed.add(path)


# ---- merge (the applied configuration over the live object)


def merge(live: Any, config: Any, schema_node: Node | None) -> Any:
    """The live object with the configuration merged in, configuration values winning (upstream's Merge)."""
    out = _merge(live, config, type_info(schema_node), ())
    return {} if out is MISSING else out


def _merge(lhs: Any, rhs: Any, t: TypeInfo, path: Path) -> Any:
    if rhs is MISSING:
        return lhs
    if lhs is MISSING:
        return rhs
    if _granular_map(t, lhs, rhs):
        lm = lhs if type(lhs) is dict else None
        rm = rhs if type(rhs) is dict else None
        if lm or rm:
            out: dict[str, Any] = {}
            if lm:
                for key, lv in lm.items():
                    rv = rm.get(key, MISSING) if rm else MISSING
                    mv = lv if rv is MISSING else _merge(lv, rv, t.child(key), path + ("f:" + key,))
                    if mv is not MISSING:
                        out[key] = mv
            if rm:
                for key, rv in rm.items():
                    if not lm or key not in lm:
                        out[key] = rv
            return out if out else MISSING
    elif _assoc_list(t, lhs, rhs):
        ll = lhs if type(lhs) is list else []
        rl = rhs if type(rhs) is list else []
        if ll or rl:
            merged = _merge_list(ll, rl, t, path)
            return merged if merged else MISSING
    return rhs


def _merge_list(ll: list, rl: list, t: TypeInfo, path: Path) -> list:
    """Items merged by key: live-only items keep their place, shared and new ones follow the config's order."""
    et = t.elem_info
    lpes = [_item_pe(x, t, path, i) for i, x in enumerate(ll)]
    rpes = [_item_pe(x, t, path, i) for i, x in enumerate(rl)]
    lobs: dict[str, Any] = {}
    for pe, item in zip(lpes, ll, strict=True):
        lobs[pe] = MISSING if pe in lobs else item  # a duplicated live item is not merged
    robs = dict(zip(rpes, rl, strict=True))
    shared = [pe for pe in rpes if pe in lobs]
    shared.reverse()
    next_shared = shared.pop() if shared else None
    merged_rhs: set[str] = set()
    out: list[Any] = []
    li = ri = 0
    nl, nr = len(ll), len(rl)
    while li < nl or ri < nr:
        if li < nl and ri < nr:
            pe = lpes[li]
            if pe == rpes[ri]:
                merged_rhs.add(pe)
                mv = _merge(lobs.get(pe, MISSING), robs[pe], et, path + (pe,))
                if mv is not MISSING:
                    out.append(mv)
                li += 1
                ri += 1
                next_shared = shared.pop() if shared else None
                continue
            if pe in robs and next_shared is not None and next_shared != pe:
                li += 1  # a shared item, but not the one due in this round
                continue
        if li < nl:
            pe = lpes[li]
            if pe not in robs:
                out.append(ll[li])
                li += 1
                continue
            if pe in merged_rhs:
                li += 1
                continue
        if ri < nr:
            pe = rpes[ri]
            merged_rhs.add(pe)
            mv = _merge(lobs.get(pe, MISSING), robs[pe], et, path + (pe,))
            if mv is not MISSING:
                out.append(mv)
            ri += 1
            if next_shared is not None and next_shared == pe:
                next_shared = shared.pop() if shared else None
    return out


# ---- removal


def remove_items(obj: Any, paths: FieldSet, schema_node: Node | None) -> Any:
    """The object without the given fields and items (and what is below them)."""
    return _finish(_remove_set(obj, paths, type_info(schema_node)))


def _remove_set(obj: Any, paths: FieldSet, t: TypeInfo) -> Any:
    if not paths:
        return obj
    trie: dict[str, list] = {}
    for path in paths:
        if not path:
            continue
        node = trie
        for pe in path[:-1]:
            node = node.setdefault(pe, [False, {}])[1]
        node.setdefault(path[-1], [False, {}])[0] = True
    out = _remove(obj, t, trie, ())
    return {} if out is _EMPTIED else out


def _remove(v: Any, t: TypeInfo, trie: dict[str, list], path: Path) -> Any:
    kind = t.kind
    if type(v) is dict and v and (kind in ("struct", "map", "deduced")):
        if t.atomic:
            return v
        out: dict[str, Any] = {}
        for key, val in v.items():
            node = trie.get("f:" + key)
            if node is not None:
                if node[0]:
                    continue
                if node[1]:
                    val = _remove(val, t.child(key), node[1], path + ("f:" + key,))
            out[key] = val
        return out if out else _EMPTIED
    if type(v) is list and v and kind == "list" and t.keys is not None:
        et = t.elem_info
        items: list[Any] = []
        for i, item in enumerate(v):
            try:
                pe = _item_pe(item, t, path, i)
            except SchemaError:
                items.append(item)
                continue
            node = trie.get(pe)
            if node is not None:
                if node[0]:
                    continue
                if node[1]:
                    item = _remove(item, et, node[1], path + (pe,))
            items.append(item)
        return items if items else _EMPTIED
    return v


def _finish(v: Any) -> Any:
    """Drop what removal emptied (upstream leaves nulls that its typed conversion then omits)."""
    if type(v) is dict:
        if not any(x is _EMPTIED or type(x) in (dict, list) for x in v.values()):
            return v
        return {k: _finish(x) for k, x in v.items() if x is not _EMPTIED}
    if type(v) is list:
        if not any(x is _EMPTIED or type(x) in (dict, list) for x in v):
            return v
        return [_finish(x) for x in v if x is not _EMPTIED]
    return v


# ---- owners (the decoded managedFields)


@dataclass
class Owner:
    """One managedFields entry: a manager's field set for one operation."""

    manager: str
    operation: str  # "Apply" | "Update"
    api_version: str
    fields: FieldSet
    time: str | None = None
    subresource: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        # Upstream's manager identifier: appliers are one entry whatever the version they applied.
        return (self.manager, self.operation, self.api_version if self.operation == "Update" else "",
                self.subresource)

    def identifier(self) -> str:
        """Upstream's JSON identifier (what conflicts are sorted by)."""
        d: dict[str, str] = {"manager": self.manager, "operation": self.operation}
        if self.operation == "Update" and self.api_version:
            d["apiVersion"] = self.api_version
        if self.subresource:
            d["subresource"] = self.subresource
        return orjson.dumps(d).decode()

    def describe(self) -> str:
        """How upstream names a manager in conflict messages."""
        out = orjson.dumps(self.manager).decode()
        if self.subresource:
            out += " with subresource " + orjson.dumps(self.subresource).decode()
        if self.operation == "Update":
            out += f" using {self.api_version}"
        return out


Owners = dict[tuple[str, str, str, str], Owner]


def decode_entries(entries: Any) -> Owners:
    """The owners of a managedFields list; ValueError when an entry is not valid (as upstream decodes them)."""
    owners: Owners = {}
    if entries is None:
        return owners
    if not isinstance(entries, list):
        raise ValueError("managedFields must be a list")
    for i, e in enumerate(entries):
        if not isinstance(e, dict):
            raise ValueError(f"managed fields entry {i} is not an object")
        op = e.get("operation")
        if op not in ("Apply", "Update"):
            raise ValueError("operation must be `Apply` or `Update`")
        api_version = e.get("apiVersion")
        if not api_version or not isinstance(api_version, str):
            raise ValueError("apiVersion must not be empty")
        ftype = e.get("fieldsType")
        if not ftype:
            raise ValueError(f"missing fieldsType in managed fields entry {i}")
        if ftype != "FieldsV1":
            raise ValueError(f'invalid fieldsType "{ftype}" in managed fields entry {i}')
        manager = e.get("manager") or ""
        subresource = e.get("subresource") or ""
        t = e.get("time")
        if not isinstance(manager, str) or not isinstance(subresource, str) or (t is not None
                                                                                and not isinstance(t, str)):
            raise ValueError(f"managed fields entry {i} is not valid")
        if t is not None:
            _parse_time(t)
        fields = from_fields_v1(e.get("fieldsV1") or {})
        owner = Owner(manager, op, api_version, fields, t, subresource)
        owners[owner.key] = owner
    return owners


def _parse_time(t: str) -> float:
    try:
        return datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ValueError(f"invalid time {t!r} in managed fields") from None


def _seconds(t: str | None) -> int:
    if not t:
        return 0
    try:
        return int(_parse_time(t))
    except ValueError:
        return 0


def encode_entries(owners: Owners) -> list[dict[str, Any]]:
    """The managedFields list of some owners, in upstream's order (Apply first, then by time, manager...)."""
    live = [o for o in owners.values() if o.fields]
    live.sort(key=lambda o: (o.operation, _seconds(o.time), o.manager, o.api_version, o.subresource))
    out: list[dict[str, Any]] = []
    for o in live:
        e: dict[str, Any] = {"manager": o.manager, "operation": o.operation, "apiVersion": o.api_version}
        if o.time:
            e["time"] = o.time
        e["fieldsType"] = "FieldsV1"
        e["fieldsV1"] = to_fields_v1(o.fields)
        if o.subresource:
            e["subresource"] = o.subresource
        out.append(e)
    return out


def is_reset(entries: Any) -> bool:
    """A client asking to drop all managedFields: `[]` or `[{}]`."""
    if not isinstance(entries, list):
        return False
    if not entries:
        return True
    return len(entries) == 1 and isinstance(entries[0], dict) and not any(entries[0].values())


def cap_update_managers(owners: Owners, limit: int = MAX_UPDATE_MANAGERS) -> Owners:
    """Fold the oldest Update entries into per-version `ancient-changes` ones beyond `limit` (as upstream)."""
    updaters = [k for k, o in owners.items() if o.operation == "Update"]
    if len(updaters) <= limit:
        return owners
    updaters.sort(key=lambda k: (_seconds(owners[k].time), owners[k].identifier()))
    first_of_version: dict[str, tuple] = {}
    length = len(updaters)
    for k in updaters:
        if length <= limit:
            break
        o = owners[k]
        bucket = (ANCIENT_CHANGES, "Update", o.api_version, "")
        first = first_of_version.get(o.api_version)
        if first is None:
            first_of_version[o.api_version] = k
            continue
        if bucket not in owners:
            f = owners.pop(first)
            owners[bucket] = Owner(ANCIENT_CHANGES, "Update", o.api_version, set(f.fields), f.time)
        b = owners[bucket]
        b.fields = b.fields | o.fields
        b.time = o.time
        if k != bucket:
            del owners[k]
        length -= 1
    return owners


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- Update and Apply


@dataclass
class Conflict:
    owner: Owner
    path: Path

    @property
    def field(self) -> str:
        return path_string(self.path)


def _without_managed(obj: Any) -> Any:
    if type(obj) is not dict:
        return {}
    meta = obj.get("metadata")
    if type(meta) is dict and "managedFields" in meta:
        return dict(obj, metadata={k: v for k, v in meta.items() if k != "managedFields"})
    return obj


def _settle(old: Any, new: Any, t: TypeInfo, owners: Owners, current: tuple | None, force: bool,
            ignored: Ignore | None) -> tuple[Comparison, list[Conflict]]:
    """What a write does to the other owners: they lose what it changed (or it conflicts) and what it removed."""
    c = Comparison()
    _compare(_view(old, t), _view(new, t), t, (), c)
    c = c.exclude(ignored)
    changed = c.modified | c.added
    conflicts: list[Conflict] = []
    losses: dict[tuple, FieldSet] = {}
    for key, o in owners.items():
        if key == current:
            continue
        clash = o.fields & changed
        if clash:
            conflicts.extend(Conflict(o, p) for p in clash)
            losses[key] = clash
    if conflicts and not force:
        conflicts.sort(key=lambda x: (x.owner.identifier(), _path_sort_key(x.path)))
        return c, conflicts
    for key, lost in losses.items():
        owners[key].fields = owners[key].fields - lost
    if c.removed:
        for key, o in owners.items():
            if key != current:
                o.fields = o.fields - c.removed
    for key in [k for k, o in owners.items() if not o.fields and k != current]:
        del owners[key]
    return c, []


def update(live: Obj | None, new: Obj, schema_node: Node | None, owners: Owners, *, manager: str,
           api_version: str, subresource: str = "", ignored: Ignore | None = None,
           now: str | None = None) -> Owners:
    """Ownership after an Update (create, update, non-apply patch): the writer takes what it changed.

    `live` is None for a create (the kind's zero object is compared against).
    """
    t = type_info(schema_node)
    old = zero_object(schema_node) if live is None else _without_managed(live)
    c, _ = _settle(old, _without_managed(new), t, owners, None, True, ignored)
    taken = recursive_difference((c.modified | c.added) - c.removed, ignored) - STRIPPED
    if taken:
        key = (manager, "Update", api_version, subresource)
        prev = owners.get(key)
        fields = taken | prev.fields if prev is not None else taken
        owners[key] = Owner(manager, "Update", api_version, fields, now or now_rfc3339(), subresource)
    return cap_update_managers(owners)


def apply_owners(live: Obj, config: Obj, schema_node: Node | None, owners: Owners, *, manager: str,
                 api_version: str, force: bool, subresource: str = "", ignored: Ignore | None = None,
                 now: str | None = None) -> tuple[Obj | None, bool, list[Conflict]]:
    """The object after applying `config` (upstream's Updater.Apply): (object, changed, conflicts).

    `owners` is updated in place; on conflicts (and no `force`) the object is None.
    Raises SchemaError when the configuration does not fit the schema.
    """
    t = type_info(schema_node)
    live = _without_managed(live)
    applied = recursive_difference(field_set(config, schema_node, strict=True), ignored)
    merged = _merge(live, config, t, ())
    merged = {} if merged is MISSING else merged
    key = (manager, "Apply", "", subresource)
    last = owners.get(key)
    owners[key] = Owner(manager, "Apply", api_version, applied, last.time if last else None, subresource)
    if last is not None and last.fields:
        merged = _prune(merged, owners, last.fields, t)
    merged = _finish(merged)
    _, conflicts = _settle(live, merged, t, owners, key, force, ignored)
    if conflicts:
        return None, False, conflicts
    changed = not equal(live, merged)
    mine = owners[key]
    mine.fields = mine.fields - STRIPPED
    if changed:
        mine.time = now or now_rfc3339()
    if not mine.fields:
        del owners[key]
    cap_update_managers(owners)
    return merged, changed, []


def _prune(merged: Obj, owners: Owners, last: FieldSet, t: TypeInfo) -> Obj:
    """Remove what the applier set last time and no longer sets, unless someone else owns it."""
    last_e = _ensure_named(last, t)
    pruned = _remove_set(merged, last_e, t)
    managed: FieldSet = set()
    for o in owners.values():
        managed |= o.fields
    merged_e = _ensure_named(_field_set_of(merged, t), t)
    pruned_e = _ensure_named(_field_set_of(pruned, t), t)
    pruned = _remove_set(merged, merged_e - (pruned_e | _ensure_named(managed, t)), t)
    pruned_e = _ensure_named(_field_set_of(pruned, t), t)
    return _remove_set(merged, (merged_e - pruned_e) & last_e, t)


def _field_set_of(obj: Any, t: TypeInfo) -> FieldSet:
    out: FieldSet = set()
    _fields(obj, t, (), out, False)
    return out


def apply(live: Obj | None, applied: Obj, manager: str, force: bool, schema_node: Node | None, *,
          api_version: str | None = None, subresource: str = "", ignored: Ignore | None = None,
          now: str | None = None) -> tuple[Obj | None, list[Conflict]]:
    """Server-side apply of `applied` by `manager` over `live` (None or {} to create).

    Returns (new object with its metadata.managedFields, []) or (None, conflicts).
    Raises SchemaError for a configuration that does not fit the schema and
    ValueError for undecodable live managedFields.
    """
    live = live or {}
    meta = live.get("metadata") if isinstance(live.get("metadata"), dict) else {}
    owners = decode_entries(meta.get("managedFields"))
    version = api_version or str(applied.get("apiVersion") or "")
    config = orjson.loads(orjson.dumps(applied))
    new, _, conflicts = apply_owners(live, config, schema_node, owners, manager=manager, api_version=version,
                                     force=force, subresource=subresource, ignored=ignored, now=now)
    if new is None:
        return None, conflicts
    set_managed_fields(new, owners)
    return new, []


def set_managed_fields(obj: Obj, owners: Owners) -> None:
    entries = encode_entries(owners)
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        if not entries:
            return
        meta = obj["metadata"] = {}
    else:
        meta = obj["metadata"] = dict(meta)
    if entries:
        meta["managedFields"] = entries
    else:
        meta.pop("managedFields", None)


# ---- conflicts as upstream reports them


def conflict_message(conflicts: list[Conflict]) -> str:
    if len(conflicts) == 1:
        c = conflicts[0]
        return f"Apply failed with 1 conflict: conflict with {c.owner.describe()}: {c.field}"
    by_owner: dict[str, list[Conflict]] = {}
    for c in conflicts:
        by_owner.setdefault(c.owner.identifier(), []).append(c)
    lines: list[str] = []
    for ident in sorted(by_owner):
        group = by_owner[ident]
        lines.append(f"conflicts with {group[0].owner.describe()}:")
        lines.extend(f"- {c.field}" for c in group)
    return f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)


def conflict_causes(conflicts: list[Conflict]) -> list[dict[str, str]]:
    return [{"reason": "FieldManagerConflict", "message": f"conflict with {c.owner.describe()}",
             "field": c.field} for c in conflicts]


# ---- client-side apply (kubectl's last-applied annotation)


def last_applied_allowed(live: Obj, schema_node: Node | None, api_version: str) -> FieldSet | None:
    """Fields of the last-applied annotation whose values still stand in the live object.

    Upstream lets `kubectl apply --server-side` take these over from the client-side
    apply owners without a conflict. None when there is no usable annotation.
    """
    meta = live.get("metadata") if isinstance(live.get("metadata"), dict) else {}
    ann = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
    raw = ann.get(LAST_APPLIED)
    if not raw or not isinstance(raw, str):
        return None
    try:
        last = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(last, dict) or last.get("apiVersion") != api_version:
        return None
    try:
        fields = field_set(last, schema_node)
        c = compare(last, _without_managed(live), schema_node)
    except SchemaError:
        return None
    return fields - c.modified - c.added - c.removed


def build_last_applied(applied: Obj) -> str:
    """The last-applied annotation value kubectl's server-side apply leaves (the config without it)."""
    obj = orjson.loads(orjson.dumps(applied))
    meta = obj.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("annotations"), dict):
        meta["annotations"].pop(LAST_APPLIED, None)
    return go_json(obj) + "\n"
