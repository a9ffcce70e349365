"""The three PATCH bodies of `kubectl patch`: JSON patch, merge patch and strategic merge patch.

Each follows what upstream's apiserver does with it (`endpoints/handlers/patch.go`, evanphx/json-patch
and `apimachinery/pkg/util/strategicpatch`), down to the Status a bad patch gets back:

* decode errors are 400 BadRequest with Go's `json: cannot unmarshal ...` text;
* a JSON patch that does not apply is 422 Invalid with the generic message upstream's
  `NewGenericServerResponse` puts there (it drops the json-patch detail);
* most strategic merge patch failures reach upstream's apiserver as plain Go errors, so they are
  500 with no reason and the strategicpatch message (`Error from server: map: ... does not contain
  declared merge key: name` in kubectl).

All three may change `doc` in place; callers pass a copy.
"""

from __future__ import annotations

import copy
import decimal
from collections.abc import Callable
from typing import Any

from bosun.api import schema as schemas
from bosun.machinery import errors

Node = dict[str, Any]

MAX_JSON_PATCH_OPERATIONS = 10000
REJECTED = "the server rejected our request due to an error in our request"

DIRECTIVE = "$patch"
RETAIN_KEYS = "$retainKeys"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"
SET_ELEMENT_ORDER = "$setElementOrder"

BAD_PRIMITIVE_LIST = "invalid patch format of primitive list"
BAD_RETAIN_KEYS = "invalid patch format of retainKeys"
BAD_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list"

_MAP, _SCALAR = "map", "scalar"


# --- JSON patch (RFC 6902) ---------------------------------------------------------------------


def json_patch(doc: Any, patch: Any) -> Any:
    """Apply an RFC 6902 patch (`application/json-patch+json`) to `doc` and return the result.

    Semantics are evanphx/json-patch v4's, which upstream's apiserver uses, quirks included:
    `replace` of a missing object key adds it, negative array indices count from the end, a
    missing `value` means null, and `test` of a missing path passes for a null value.
    """
    ops = _decode_json_patch(patch)
    if len(ops) > MAX_JSON_PATCH_OPERATIONS:
        raise errors.StatusError(413, "RequestEntityTooLarge",
                                 "Request entity too large: The allowed maximum operations in a JSON patch "
                                 f"is {MAX_JSON_PATCH_OPERATIONS}, got {len(ops)}")
    try:
        for op in ops:
            doc = _apply_operation(doc, op if op is not None else {})
    except _OperationError as e:
        # Upstream answers every failed operation (test, missing path, bad op) the same way.
        raise _rejected() from e
    return doc


class _OperationError(Exception):
    """A JSON patch operation that does not apply (the text is evanphx's, for logs and tests)."""


def _apply_operation(doc: Any, op: dict[str, Any]) -> Any:
    kind = op.get("op") if isinstance(op.get("op"), str) else "unknown"
    if kind == "add":
        path = _op_path(op, "path")
        container, key = _find_container(doc, path)
        if container is None:
            raise _OperationError(f'add operation does not apply: doc is missing path: "{path}"')
        _container_add(container, key, op.get("value"))
    elif kind == "remove":
        path = _op_path(op, "path")
        container, key = _find_container(doc, path)
        if container is None:
            raise _OperationError(f'remove operation does not apply: doc is missing path: "{path}"')
        _container_remove(container, key)
    elif kind == "replace":
        path = _op_path(op, "path")
        if path == "":
            value = op.get("value")
            if not isinstance(value, dict | list):
                raise _OperationError("replace operation value must be object or array")
            return value
        container, key = _find_container(doc, path)
        if container is None:
            raise _OperationError(f"replace operation does not apply: doc is missing path: {path}")
        _container_get(container, key)
        _container_set(container, key, op.get("value"))
    elif kind == "move":
        source = _op_path(op, "from")
        container, key = _find_container(doc, source)
        if container is None:
            raise _OperationError(f"move operation does not apply: doc is missing from path: {source}")
        value = _container_get(container, key)
        _container_remove(container, key)
        path = _op_path(op, "path")
        container, key = _find_container(doc, path)
        if container is None:
            raise _OperationError(f"move operation does not apply: doc is missing destination path: {path}")
        _container_add(container, key, value)
    elif kind == "copy":
        source = _op_path(op, "from")
        container, key = _find_container(doc, source)
        if container is None:
            raise _OperationError(f"copy operation does not apply: doc is missing from path: {source}")
        value = copy.deepcopy(_container_get(container, key))
        path = _op_path(op, "path")
        container, key = _find_container(doc, path)
        if container is None:
            raise _OperationError(f"copy operation does not apply: doc is missing destination path: {path}")
        _container_add(container, key, value)
    elif kind == "test":
        _test_operation(doc, op)
    else:
        raise _OperationError(f"Unexpected kind: {kind}")
    return doc


def _test_operation(doc: Any, op: dict[str, Any]) -> None:
    path = _op_path(op, "path")
    if path == "":
        if "value" not in op or not _json_equal(doc, op["value"]):
            raise _OperationError(f"testing value {path} failed")
        return
    container, key = _find_container(doc, path)
    if container is None:
        raise _OperationError(f"test operation does not apply: is missing path: {path}")
    current = _container_get(container, key)
    if "value" not in op:
        raise _OperationError(f"testing value {path} failed")
    if current is None:
        # A missing key and a null both read as nil there.
        if op["value"] is None:
            return
        raise _OperationError(f"testing value {path} failed")
    if not _json_equal(current, op["value"]):
        raise _OperationError(f"testing value {path} failed")


def _op_path(op: dict[str, Any], field: str) -> str:
    value = op.get(field)
    if not isinstance(value, str):
        raise _OperationError(f"operation missing {field} field")
    return value


def _find_container(doc: Any, path: str) -> tuple[Any, str]:
    """evanphx `findObject`: the object or array holding the last segment (whose first segment it ignores)."""
    parts = path.split("/")
    if len(parts) < 2:
        return None, ""
    node = doc
    for part in parts[1:-1]:
        try:
            node = _container_get(node, _unescape_pointer(part))
        except _OperationError:
            return None, ""
        if not isinstance(node, dict | list):
            return None, ""
    return node, _unescape_pointer(parts[-1])


def _unescape_pointer(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def _atoi(key: str) -> int:
    """Go's strconv.Atoi: an optional sign and decimal digits that fit an int64."""
    digits = key[1:] if key[:1] in ("+", "-") else key
    if not digits or not (digits.isascii() and digits.isdigit()) or not -(2**63) <= int(key) < 2**63:
        raise _OperationError(f'strconv.Atoi: parsing "{key}": invalid syntax')
    return int(key)


def _from_end(index: int, length: int) -> int:
    """A negative index counts from the end (evanphx's SupportNegativeIndices, on by default)."""
    if index < 0:
        if index < -length:
            raise _OperationError(f"Unable to access invalid index: {index}")
        index += length
    return index


def _container_get(container: Any, key: str) -> Any:
    if isinstance(container, dict):
        return container.get(key)
    index = _from_end(_atoi(key), len(container))
    if index >= len(container):
        raise _OperationError(f"Unable to access invalid index: {index}")
    return container[index]


def _container_set(container: Any, key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
    else:
        container[_from_end(_atoi(key), len(container))] = value


def _container_add(container: Any, key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    if key == "-":
        container.append(value)
        return
    index = _atoi(key)
    if index >= len(container) + 1:
        raise _OperationError(f"Unable to access invalid index: {index}")
    container.insert(_from_end(index, len(container) + 1), value)


def _container_remove(container: Any, key: str) -> None:
    if isinstance(container, dict):
        if key not in container:
            raise _OperationError(f"Unable to remove nonexistent key: {key}")
        del container[key]
        return
    index = _atoi(key)
    if index >= len(container):
        raise _OperationError(f"Unable to access invalid index: {index}")
    del container[_from_end(index, len(container))]


def _json_equal(a: Any, b: Any) -> bool:
    """evanphx `lazyNode.equal`: structural, numbers by their JSON text (so 1 is not 1.0)."""
    if isinstance(a, dict):
        if not isinstance(b, dict) or len(a) != len(b):
            return False
        for key, value in a.items():
            if key not in b:
                return False
            if value is None or b[key] is None:
                if (value is None) != (b[key] is None):
                    return False
                continue
            if not _json_equal(value, b[key]):
                return False
        return True
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_json_equal, a, b))
    return _eq(a, b)


def _decode_json_patch(patch: Any) -> list[Any]:
    """Upstream's strict decode into `[]jsonPatchOp`: only the shape is checked here, not the ops."""
    if patch is None:
        return []
    if not isinstance(patch, list):
        raise errors.bad_request(f"error decoding patch: json: cannot unmarshal {_json_kind(patch)} "
                                 "into Go value of type []handlers.jsonPatchOp")
    for op in patch:
        if op is None:
            continue
        if not isinstance(op, dict):
            raise errors.bad_request(f"error decoding patch: json: cannot unmarshal {_json_kind(op)} "
                                     "into Go value of type handlers.jsonPatchOp")
        for name, value in op.items():
            if name in ("op", "path", "from") and value is not None and not isinstance(value, str):
                raise errors.bad_request(f"error decoding patch: json: cannot unmarshal {_json_kind(value)} "
                                         f"into Go struct field jsonPatchOp.{name} of type string")
    return patch


def _rejected() -> errors.StatusError:
    return errors.StatusError(422, "Invalid", REJECTED, {})


# --- JSON merge patch (RFC 7386) ---------------------------------------------------------------


def merge_patch(doc: Any, patch: Any) -> Any:
    """Apply an RFC 7386 merge patch (`application/merge-patch+json`): null deletes, objects merge,
    anything else replaces."""
    if patch is None:
        raise errors.bad_request("Invalid JSON Patch")
    if not isinstance(patch, dict):
        raise errors.bad_request(f"error decoding patch: json: cannot unmarshal {_json_kind(patch)} "
                                 "into Go value of type map[string]interface {}")
    if not isinstance(doc, dict):
        doc = {}
    _merge_docs(doc, patch)
    return doc


def _merge_docs(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            doc.pop(key, None)
            continue
        current = doc.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            _merge_docs(current, value)
        elif isinstance(current, dict):
            doc[key] = value
        else:
            # A value that lands where there was no object keeps none of its nulls (evanphx's pruneNulls).
            doc[key] = _prune_nulls(value)


def _prune_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        for key in [k for k, v in value.items() if v is None]:
            del value[key]
        for v in value.values():
            _prune_nulls(v)
    elif isinstance(value, list):
        for v in value:
            _prune_nulls(v)
    return value


# --- Strategic merge patch -----------------------------------------------------------------------


def strategic_merge_patch(doc: Any, patch: Any, schema: Node | None) -> Any:
    """Apply a Kubernetes strategic merge patch (`application/strategic-merge-patch+json`).

    `schema` is the kind's JSON-schema node (`bosun.api.schema.for_kind`); its
    `x-kubernetes-patch-strategy` and `x-kubernetes-patch-merge-key` say which lists merge and by
    what key. Without a schema every map merges and every list is replaced, as in a merge patch.
    """
    if patch is None:
        return doc
    if not isinstance(patch, dict):
        raise errors.bad_request(f"json: cannot unmarshal {_json_kind(patch)} "
                                 "into Go value of type map[string]interface {}")
    if not isinstance(doc, dict):
        doc = {}
    return _merge_map(doc, patch, schema)


def _merge_map(original: dict[str, Any] | None, patch: dict[str, Any], node: Node | None) -> dict[str, Any]:
    """upstream `mergeMap` with the server's options (parallel lists merged, unmatched nulls dropped)."""
    if DIRECTIVE in patch:
        return _map_directive(patch)
    if original is None:
        original = {}
    _apply_retain_keys(original, patch)
    _apply_set_element_orders(original, patch, node)
    for key, value in list(patch.items()):
        delete_list = key.startswith(DELETE_FROM_PRIMITIVE_LIST)
        if delete_list:
            key = _directive_target(key, DELETE_FROM_PRIMITIVE_LIST, BAD_PRIMITIVE_LIST)
        if value is None:
            original.pop(key, None)
            continue
        if key not in original or type(original[key]) is not type(value):
            if not delete_list:
                _take_from_patch(original, key, value)
            continue
        current = original[key]
        if isinstance(current, dict):
            child, strategy, _ = _field(node, key)
            original[key] = _clean(value) if strategy == "replace" else _merge_map(current, value, child)
        elif isinstance(current, list):
            child, strategy, merge_key = _field(node, key)
            original[key] = _merge_list_field(current, value, schemas.items(child), strategy, merge_key,
                                              delete_list)
        else:
            original[key] = value
    return original


def _map_directive(patch: dict[str, Any]) -> dict[str, Any]:
    directive = patch[DIRECTIVE]
    if directive == "replace":
        del patch[DIRECTIVE]
        return _clean(patch)
    if directive == "delete":
        # Upstream leaves an empty map in place of the deleted one.
        return {}
    raise _failed(f"unknown patch type: {_go_s(directive)} in map: {_go(patch)}")


def _take_from_patch(original: dict[str, Any], key: str, value: Any) -> None:
    """A value with nothing to merge into: taken whole, minus maps that carry `$patch`."""
    value, keep = _remove_directives(value)
    if keep:
        original[key] = _clean(value)
    else:
        original.pop(key, None)


def _apply_retain_keys(original: dict[str, Any], patch: dict[str, Any]) -> None:
    if RETAIN_KEYS not in patch:
        return
    retain = patch.pop(RETAIN_KEYS)
    if not isinstance(retain, list):
        raise errors.bad_request(BAD_RETAIN_KEYS)
    keep = {k for k in retain if isinstance(k, str)}
    for key, value in patch.items():
        if value is None or key.startswith((DELETE_FROM_PRIMITIVE_LIST, SET_ELEMENT_ORDER)):
            continue
        if key not in keep:
            raise errors.bad_request(BAD_RETAIN_KEYS)
    for key in [k for k in original if k not in keep]:
        del original[key]


def _apply_set_element_orders(original: dict[str, Any], patch: dict[str, Any], node: Node | None) -> None:
    """upstream `mergePatchIntoOriginal`: merge each list that has a `$setElementOrder/<list>`, then order it."""
    for directive in [k for k in patch if k.startswith(SET_ELEMENT_ORDER)]:
        order = patch.pop(directive)
        if not isinstance(order, list):
            raise _failed(_bad_arg_type([], order))
        key = _directive_target(directive, SET_ELEMENT_ORDER, BAD_SET_ELEMENT_ORDER)
        in_original, in_patch = key in original, key in patch
        current, wanted = original.get(key), patch.get(key)
        if in_original and not isinstance(current, list):
            raise _failed(_bad_arg_type([], current))
        if in_patch and not isinstance(wanted, list):
            raise _failed(_bad_arg_type([], wanted))
        current = current if in_original else []
        wanted = wanted if in_patch else []
        child, strategy, merge_key = _field(node, key)
        _check_order(wanted, order, merge_key)
        if in_original and in_patch:
            merged = _merge_list_field(current, wanted, schemas.items(child), strategy, merge_key, False)
        elif in_original:
            merged = current
        elif in_patch:
            merged = _clean(_remove_directives(wanted)[0])
        else:
            continue
        if merge_key:
            listed, server_only = _partition_maps(merged, order, merge_key)
        else:
            listed, server_only = _partition_scalars(merged, order)
        # `current` is read after the merge on purpose: upstream's in-place slice edits show through it.
        kind = _element_kind(current, wanted)
        original[key] = _normalize_order(listed, server_only, order, current, merge_key, kind)
        patch.pop(key, None)


def _check_order(wanted: list[Any], order: list[Any], merge_key: str) -> None:
    """The patch list must follow `$setElementOrder` (deletions and directive items aside)."""
    if not order or not wanted:
        return
    items = wanted
    if merge_key:
        for item in wanted:
            if not isinstance(item, dict):
                raise _failed(_bad_arg_type({}, item))
        items = [v for v in wanted if not _is_delete(v)]
    i = j = 0
    while i < len(items) and j < len(order):
        if isinstance(items[i], dict) and DIRECTIVE in items[i]:
            i += 1
            continue
        if _merge_key_equal(items[i], order[j], merge_key):
            i += 1
        j += 1
    if i < len(items) and j >= len(order):
        raise _failed(f"the order in patch list:\n{_go(wanted)}\n doesn't match {SET_ELEMENT_ORDER} list:\n"
                      f"{_go(order)}")


def _merge_list_field(current: list[Any], wanted: list[Any], item_node: Node | None, strategy: str,
                      merge_key: str, delete_list: bool) -> list[Any]:
    """upstream `mergeSliceHandler`: lists merge only under strategy "merge" (or as a deletion list)."""
    if strategy == "merge" or delete_list:
        return _merge_list(current, wanted, item_node, merge_key, delete_list)
    return _clean(wanted)


def _merge_list(current: list[Any], wanted: list[Any], item_node: Node | None, merge_key: str,
                delete_list: bool) -> list[Any]:
    """upstream `mergeSlice`.

    `current` is edited the way Go edits the slice's backing array (deletions shift items left,
    appends fill the freed tail), because `$setElementOrder` later reads the same array.
    """
    if not current and not wanted:
        return current
    kind = _element_kind(current, wanted)
    added: list[Any] = []
    if kind == _SCALAR:
        if delete_list:
            drop = {_key(v) for v in wanted}
            return [v for v in current if _key(v) not in drop]
        merged = _dedupe(current + wanted)
        server_order = current
    else:
        if not merge_key:
            raise _failed(f"cannot merge lists without merge key for {_kind_name(item_node)}")
        backing, length, wanted, replace = _apply_list_directives(current, wanted, merge_key)
        if replace:
            added = list(backing)
        server_order = backing[:length]
        for item in wanted:
            if merge_key not in item:
                raise _failed(_no_merge_key(item, merge_key))
            i = _find(backing, length, merge_key, item[merge_key])
            if i >= 0:
                backing[i] = _merge_map(backing[i], item, item_node)
                continue
            if length < len(backing):
                backing[length] = item
            else:
                backing = backing[:length] + [item]
            length += 1
            added.append(item)
        merged = backing[:length]
    if merge_key:
        listed, server_only = _partition_maps(merged, wanted, merge_key)
    else:
        listed, server_only = _partition_scalars(merged, wanted)
    out = _normalize_order(listed, server_only, wanted, server_order, merge_key, kind)
    for item in added:
        _clean(item)
    return out


def _apply_list_directives(current: list[Any], wanted: list[Any],
                           merge_key: str) -> tuple[list[Any], int, list[Any], bool]:
    """upstream `mergeSliceWithSpecialElements`: `$patch` items delete, replace or are refused."""
    backing, length = current, len(current)
    rest: list[Any] = []
    replace = False
    for item in wanted:
        if DIRECTIVE not in item:
            rest.append(item)
            continue
        directive = item[DIRECTIVE]
        if directive == "delete":
            if merge_key not in item:
                raise _failed(_no_merge_key(item, merge_key))
            while (i := _find(backing, length, merge_key, item[merge_key])) >= 0:
                backing[i:length - 1] = backing[i + 1:length]
                length -= 1
        elif directive == "replace":
            replace = True
        elif directive == "merge":
            raise _failed("merging lists cannot yet be specified in the patch")
        else:
            raise _failed(f"unknown patch type: {_go_s(directive)} in map: {_go(item)}")
    if replace:
        return rest, len(rest), [], True
    return backing, length, rest, False


def _find(items: list[Any], length: int, merge_key: str, value: Any) -> int:
    for i in range(length):
        item = items[i]
        if not isinstance(item, dict):
            raise _failed(f"value for key {i} is not a map")
        if merge_key in item and _eq(item[merge_key], value):
            return i
    return -1


def _partition_maps(merged: list[Any], by: list[Any], merge_key: str) -> tuple[list[Any], list[Any]]:
    listed: list[Any] = []
    server_only: list[Any] = []
    for item in merged:
        if not isinstance(item, dict):
            raise _failed(_bad_arg_type({}, item))
        if merge_key not in item:
            raise _failed(_no_merge_key(item, merge_key))
        (listed if _find(by, len(by), merge_key, item[merge_key]) >= 0 else server_only).append(item)
    return listed, server_only


def _partition_scalars(merged: list[Any], by: list[Any]) -> tuple[list[Any], list[Any]]:
    present = {_key(v) for v in by}
    listed = [v for v in merged if _key(v) in present]
    server_only = [v for v in merged if _key(v) not in present]
    return listed, server_only


def _normalize_order(listed: list[Any], server_only: list[Any], listed_order: list[Any],
                     server_order: list[Any], merge_key: str, kind: str) -> list[Any]:
    """upstream `normalizeElementOrder`: each part in its own order, then interleaved by the live order."""
    listed = _sort_by(listed, listed_order, merge_key, kind)
    server_only = _sort_by(server_only, server_order, merge_key, kind)
    position = _positions(server_order, merge_key, kind)
    out: list[Any] = []
    i = j = 0
    while i < len(server_only) and j < len(listed):
        a, b = position(server_only[i]), position(listed[j])
        # An item the live list does not know yet goes before the rest: upstream's order, not ours.
        if a >= 0 and b >= 0 and a < b:
            out.append(server_only[i])
            i += 1
        else:
            out.append(listed[j])
            j += 1
    return out + server_only[i:] + listed[j:]


def _sort_by(items: list[Any], order: list[Any], merge_key: str, kind: str) -> list[Any]:
    """upstream `normalizeSliceOrder`, including its lopsided less function under Go's stable sort."""
    deleted: list[Any] = []
    if kind == _MAP:
        for item in (*items, *order):
            if not isinstance(item, dict):
                raise _failed(_bad_arg_type({}, item))
            if merge_key not in item:
                raise _failed(_no_merge_key(item, merge_key))
        deleted = [v for v in items if _is_delete(v)]
        items = [v for v in items if not _is_delete(v)]
    position = _positions(order, merge_key, kind)

    def less(a: Any, b: Any) -> bool:
        i = position(a)
        if i >= 0:
            j = position(b)
            if j >= 0:
                return i < j
        return True

    items = list(items)
    _stable_sort(items, less)
    return items + deleted


def _positions(order: list[Any], merge_key: str, kind: str) -> Callable[[Any], int]:
    """upstream `index`: the first position of an item (by merge key for maps) in `order`, or -1."""
    def value(item: Any) -> Any:
        if kind == _MAP:
            return item.get(merge_key) if isinstance(item, dict) else None
        return item

    first: dict[Any, int] = {}
    for i, item in enumerate(order):
        first.setdefault(_key(value(item)), i)
    return lambda item: first.get(_key(value(item)), -1)


def _element_kind(*lists: list[Any]) -> str:
    """upstream `sliceElementType`: all items one type, and not lists."""
    first: type | None = None
    for items in lists:
        for item in items:
            if first is None:
                first = type(item)
                if first is list:
                    # ErrNoListOfLists, which upstream maps to its generic 422.
                    raise _rejected()
            elif type(item) is not first:
                raise _failed(f"list element types are not identical: {_go(list(lists))}")
    if first is None:
        raise _failed("no elements in any of the given slices")
    return _MAP if first is dict else _SCALAR


def _dedupe(items: list[Any]) -> list[Any]:
    """upstream `deduplicateScalars` (which moves the last item into each duplicate's place)."""
    s = list(items)
    last = len(s) - 1
    i = 0
    while i < last:
        j = i + 1
        while j <= last:
            if _eq(s[i], s[j]):
                s[j] = s[last]
                del s[last:]
                last -= 1
                j -= 1
            j += 1
        i += 1
    return s


def _field(node: Node | None, key: str) -> tuple[Node | None, str, str]:
    """Schema, patch strategy (without retainKeys) and merge key of a field of `node`."""
    if node is None:
        return None, "", ""
    child = schemas.prop(node, key)
    if child is None:
        # A map (`labels`, `limits`): every key has the value schema and no strategy.
        return schemas.additional(node), "", ""
    strategies = [s for s in str(child.get("x-kubernetes-patch-strategy", "")).split(",")
                  if s and s != "retainKeys"]
    return child, (strategies[0] if strategies else ""), str(child.get("x-kubernetes-patch-merge-key", ""))


def _kind_name(node: Node | None) -> str:
    types = schemas.types(node)
    for json_type, go_kind in (("object", "struct"), ("string", "string"), ("integer", "int64"),
                               ("number", "float64"), ("boolean", "bool")):
        if json_type in types:
            return go_kind
    return "interface"


def _directive_target(key: str, prefix: str, bad_format: str) -> str:
    parts = key.split("/", 1)
    if len(parts) <= 1 or parts[0] != prefix:
        raise errors.bad_request(bad_format)
    return parts[1]


def _is_delete(item: Any) -> bool:
    return isinstance(item, dict) and DIRECTIVE in item and item[DIRECTIVE] == "delete"


def _is_directive_key(key: str) -> bool:
    return key in (DIRECTIVE, RETAIN_KEYS) or key.startswith((SET_ELEMENT_ORDER, DELETE_FROM_PRIMITIVE_LIST))


def _remove_directives(value: Any) -> tuple[Any, bool]:
    """upstream `removeDirectives`: drop every map (and list item) that carries `$patch`."""
    if isinstance(value, dict):
        if DIRECTIVE in value:
            return None, False
        for key in list(value):
            child, keep = _remove_directives(value[key])
            if keep:
                value[key] = child
            else:
                del value[key]
        return value, True
    if isinstance(value, list):
        return [child for child, keep in map(_remove_directives, value) if keep], True
    return value, True


def _clean(value: Any) -> Any:
    """Drop null map values and directive keys from a value taken from the patch.

    Upstream leaves them in and lets decoding into the Go type drop them; here objects stay dicts.
    """
    if isinstance(value, dict):
        for key in [k for k, v in value.items() if v is None or _is_directive_key(k)]:
            del value[key]
        for child in value.values():
            _clean(child)
    elif isinstance(value, list):
        for child in value:
            _clean(child)
    return value


def _merge_key_equal(left: Any, right: Any, merge_key: str) -> bool:
    if not merge_key:
        return _eq(left, right)
    for item in (left, right):
        if not isinstance(item, dict):
            raise _failed(_bad_arg_type({}, item))
        if merge_key not in item:
            raise _failed(_no_merge_key(item, merge_key))
    return _eq(left[merge_key], right[merge_key])


def _eq(a: Any, b: Any) -> bool:
    """Go's `==` on decoded JSON: same dynamic type and value (so 1 is not 1.0, and true is not 1)."""
    return type(a) is type(b) and not isinstance(a, dict | list) and a == b


_UNCOMPARABLE = object()


def _key(value: Any) -> Any:
    """A set/dict key with `_eq`'s meaning; maps and lists never match anything."""
    if isinstance(value, dict | list):
        return (_UNCOMPARABLE, id(value))
    return (type(value), value)


def _stable_sort(data: list[Any], less: Callable[[Any, Any], bool]) -> None:
    """Go's `sort.SliceStable` step for step, since upstream's less is not a strict weak order."""

    def swap(i: int, j: int) -> None:
        data[i], data[j] = data[j], data[i]

    def insertion_sort(a: int, b: int) -> None:
        for i in range(a + 1, b):
            j = i
            while j > a and less(data[j], data[j - 1]):
                swap(j, j - 1)
                j -= 1

    def swap_range(a: int, b: int, n: int) -> None:
        for i in range(n):
            swap(a + i, b + i)

    def rotate(a: int, m: int, b: int) -> None:
        i, j = m - a, b - m
        while i != j:
            if i > j:
                swap_range(m - i, m, j)
                i -= j
            else:
                swap_range(m - i, m + j - i, i)
                j -= i
        swap_range(m - i, m, i)

    def sym_merge(a: int, m: int, b: int) -> None:
        if m - a == 1:
            i, j = m, b
            while i < j:
                h = (i + j) // 2
                if less(data[h], data[a]):
                    i = h + 1
                else:
                    j = h
            for k in range(a, i - 1):
                swap(k, k + 1)
            return
        if b - m == 1:
            i, j = a, m
            while i < j:
                h = (i + j) // 2
                if not less(data[m], data[h]):
                    i = h + 1
                else:
                    j = h
            for k in range(m, i, -1):
                swap(k, k - 1)
            return
        mid = (a + b) // 2
        n = mid + m
        if m > mid:
            start, r = n - b, mid
        else:
            start, r = a, m
        p = n - 1
        while start < r:
            c = (start + r) // 2
            if not less(data[p - c], data[c]):
                start = c + 1
            else:
                r = c
        end = n - start
        if start < m < end:
            rotate(start, m, end)
        if a < start < mid:
            sym_merge(a, start, mid)
        if mid < end < b:
            sym_merge(mid, end, b)

    n = len(data)
    block = 20
    a, b = 0, block
    while b <= n:
        insertion_sort(a, b)
        a, b = b, b + block
    insertion_sort(a, n)
    while block < n:
        a, b = 0, 2 * block
        while b <= n:
            sym_merge(a, a + block, b)
            a, b = b, b + 2 * block
        if a + block < n:
            sym_merge(a, a + block, n)
        block *= 2


# --- errors in upstream's words ------------------------------------------------------------------


def _failed(message: str) -> errors.StatusError:
    """A strategicpatch error upstream's apiserver returns as is: 500, no reason, the Go message."""
    return errors.StatusError(500, "", message)


def _no_merge_key(item: dict[str, Any], merge_key: str) -> str:
    return f"map: {_go(item)} does not contain declared merge key: {merge_key}"


def _bad_arg_type(expected: Any, actual: Any) -> str:
    return f"expected a {_go_type(expected)}, but received a {_go_type(actual)}"


def _json_kind(value: Any) -> str:
    """The JSON kind Go's decoder names in `cannot unmarshal <kind> into ...`."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    return "number"


def _go_type(value: Any) -> str:
    """`reflect.TypeOf(v)` of a decoded JSON value, printed with %s."""
    if value is None:
        return "%!s(<nil>)"
    return {dict: "map[string]interface {}", list: "[]interface {}", str: "string", bool: "bool",
            int: "int64", float: "float64"}.get(type(value), type(value).__name__)


def _go(value: Any) -> str:
    """A decoded JSON value printed with Go's %v (maps with sorted keys, `<nil>` for null)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go(v) for v in value) + "]"
    if isinstance(value, float):
        return _go_float(value)
    return str(value)


def _go_s(value: Any) -> str:
    """A decoded JSON value printed with Go's %s (non-strings come out as `%!s(type=value)`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go_s(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go_s(v) for v in value) + "]"
    if value is None:
        return "%!s(<nil>)"
    return f"%!s({_go_type(value)}={_go(value)})"


def _go_float(value: float) -> str:
    """strconv's shortest %g, the way fmt prints a float64 for %v."""
    if value == 0:
        return "-0" if str(value).startswith("-") else "0"
    sign, digit_tuple, exp = decimal.Decimal(repr(value)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exp = int(exp) + len(digit_tuple) - len(digits)
    nd = len(digits)
    point = nd + exp
    eprec = nd if 6 > nd >= point else 6
    x = point - 1
    prefix = "-" if sign else ""
    if x < -4 or x >= eprec:
        mantissa = digits[0] + ("." + digits[1:] if nd > 1 else "")
        return f"{prefix}{mantissa}e{'-' if x < 0 else '+'}{abs(x):02d}"
    if point <= 0:
        return f"{prefix}0.{'0' * -point}{digits}"
    if point >= nd:
        return prefix + digits + "0" * (point - nd)
    return f"{prefix}{digits[:point]}.{digits[point:]}"
