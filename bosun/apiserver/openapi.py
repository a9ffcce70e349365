"""The OpenAPI documents: `/openapi/v2` and `/openapi/v3` (index and one document per group-version).

Built from the resource table and the upstream 1.33 schemas (`bosun.api.schema`,
which holds them as JSON Schema): the types go back to OpenAPI's spelling
(`type: string` for `["string", "null"]`, `$ref` into `definitions` or
`components/schemas`), and every path carries the operations, parameters and
`x-kubernetes-*` extensions kubectl reads. kubectl looks for the
`fieldValidation` parameter on a path to validate server-side, follows the
schemas for `explain`, and reads merge keys and patch strategies from them.
Documents are built on first use and rebuilt when the table changes.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from bosun.api import schema
from bosun.api.resources import Resource, ResourceTable

Obj = dict[str, Any]

META = "io.k8s.apimachinery.pkg.apis.meta.v1."
STATUS = META + "Status"
DELETE_OPTIONS = META + "DeleteOptions"
WATCH_EVENT = META + "WatchEvent"
PATCH = META + "Patch"
RESOURCE_LIST = META + "APIResourceList"
GROUP = META + "APIGroup"
GROUP_LIST = META + "APIGroupList"
VERSIONS = META + "APIVersions"
VERSION_INFO = "io.k8s.apimachinery.pkg.version.Info"
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"

# Media types as upstream lists them per operation.
OBJECT_TYPES = ("application/json", "application/yaml", "application/vnd.kubernetes.protobuf")
LIST_TYPES = OBJECT_TYPES + ("application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch")
WATCH_TYPES = LIST_TYPES
PATCH_TYPES = ("application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json",
               "application/strategic-merge-patch+json")

# Connect subresources: their options kinds have no schema; operations are "connect" with string responses.
CONNECT = {"attach", "exec", "portforward", "proxy"}


def _q(name: str, description: str, type_: str = "string", unique: bool = True, items: str | None = None) -> Obj:
    p: Obj = {"name": name, "in": "query", "description": description, "type": type_}
    if items:
        p["items"] = {"type": items}
    if unique:
        p["uniqueItems"] = True
    return p


PARAMS: dict[str, Obj] = {p["name"]: p for p in (
    _q("allowWatchBookmarks", "allowWatchBookmarks requests watch events with type \"BOOKMARK\". Servers that do "
       "not implement bookmarks may ignore this flag and bookmarks are sent at the server's discretion. Clients "
       "should not assume bookmarks are returned at any specific interval, nor may they assume the server will "
       "send any BOOKMARK event during a session. If this is not a watch, this field is ignored.", "boolean"),
    _q("continue", "The continue option should be set when retrieving more results from the server. Since this "
       "value is server defined, clients may only use the continue value from a previous query result with "
       "identical query parameters (except for the value of continue) and the server may reject a continue value "
       "it does not recognize."),
    _q("dryRun", "When present, indicates that modifications should not be persisted. An invalid or unrecognized "
       "dryRun directive will result in an error response and no further processing of the request. Valid values "
       "are: - All: all dry run stages will be processed"),
    _q("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes. "
       "The value must be less than or 128 characters long, and only contain printable characters, as defined by "
       "https://golang.org/pkg/unicode/#IsPrint."),
    _q("fieldSelector", "A selector to restrict the list of returned objects by their fields. Defaults to "
       "everything."),
    _q("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request "
       "(POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any "
       "unknown fields that are silently dropped from the object, and will ignore all but the last duplicate "
       "field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a "
       "warning via the standard warning response header for each unknown field that is dropped from the object, "
       "and for each duplicate field that is encountered. The request will still succeed if there are no other "
       "errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: "
       "This will fail the request with a BadRequest error if any unknown fields would be dropped from the "
       "object, or if any duplicate fields are present. The error returned from the server will contain all "
       "unknown and duplicate fields encountered."),
    _q("force", "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields "
       "owned by other people. Force flag must be unset for non-apply patch requests.", "boolean"),
    _q("gracePeriodSeconds", "The duration in seconds before the object should be deleted. Value must be "
       "non-negative integer. The value zero indicates delete immediately. If this value is nil, the default "
       "grace period for the specified type will be used. Defaults to a per object value if not specified. zero "
       "means delete immediately.", "integer"),
    _q("ignoreStoreReadErrorWithClusterBreakingPotential", "if set to true, it will trigger an unsafe deletion "
       "of the resource in case the normal deletion flow fails with a corrupt object error.", "boolean"),
    _q("labelSelector", "A selector to restrict the list of returned objects by their labels. Defaults to "
       "everything."),
    _q("limit", "limit is a maximum number of responses to return for a list call. If more items exist, the "
       "server will set the `continue` field on the list metadata to a value that can be used with the same "
       "initial query to retrieve the next set of results.", "integer"),
    _q("orphanDependents", "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. "
       "Should the dependent objects be orphaned. If true/false, the \"orphan\" finalizer will be added to/removed "
       "from the object's finalizers list. Either this field or PropagationPolicy may be set, but not both.",
       "boolean"),
    _q("pretty", "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent "
       "indicates a browser or command-line HTTP tool (curl and wget)."),
    _q("propagationPolicy", "Whether and how garbage collection will be performed. Either this field or "
       "OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in "
       "the metadata.finalizers and the resource-specific default policy. Acceptable values are: 'Orphan' - "
       "orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the "
       "background; 'Foreground' - a cascading policy that deletes all dependents in the foreground."),
    _q("resourceVersion", "resourceVersion sets a constraint on what resource versions a request may be served "
       "from. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details."),
    _q("resourceVersionMatch", "resourceVersionMatch determines how resourceVersion is applied to list calls. "
       "It is highly recommended that resourceVersionMatch be set for list calls where resourceVersion is set "
       "See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details."),
    _q("sendInitialEvents", "`sendInitialEvents=true` may be set together with `watch=true`. In that case, the "
       "watch stream will begin with synthetic events to produce the current state of objects in the collection. "
       "Once all such events have been sent, a synthetic \"Bookmark\" event  will be sent.", "boolean"),
    _q("timeoutSeconds", "Timeout for the list/watch call. This limits the duration of the call, regardless of "
       "any activity or inactivity.", "integer"),
    _q("watch", "Watch for changes to the described resources and return them as a stream of add, update, and "
       "remove notifications. Specify resourceVersion.", "boolean"),
    # pods/log
    _q("container", "The container for which to stream logs. Defaults to only container if there is one "
       "container in the pod."),
    _q("follow", "Follow the log stream of the pod. Defaults to false.", "boolean"),
    _q("insecureSkipTLSVerifyBackend", "insecureSkipTLSVerifyBackend indicates that the apiserver should not "
       "confirm the validity of the serving certificate of the backend it is connecting to.", "boolean"),
    _q("limitBytes", "If set, the number of bytes to read from the server before terminating the log output.",
       "integer"),
    _q("previous", "Return previous terminated container logs. Defaults to false.", "boolean"),
    _q("sinceSeconds", "A relative time in seconds before the current time from which to show logs.", "integer"),
    _q("sinceTime", "An RFC3339 timestamp from which to show logs."),
    _q("stream", "Specify which container log stream to return to the client. Acceptable values are \"All\", "
       "\"Stdout\" and \"Stderr\". If not specified, \"All\" is used."),
    _q("tailLines", "If set, the number of lines from the end of the logs to show.", "integer"),
    _q("timestamps", "If true, add an RFC3339 or RFC3339Nano timestamp at the beginning of every line of log "
       "output. Defaults to false.", "boolean"),
    # connect
    _q("command", "Command is the remote command to execute. argv array. Not executed within a shell.", "array",
       items="string"),
    _q("stderr", "Redirect the standard error stream of the pod for this call.", "boolean"),
    _q("stdin", "Redirect the standard input stream of the pod for this call. Defaults to false.", "boolean"),
    _q("stdout", "Redirect the standard output stream of the pod for this call.", "boolean"),
    _q("tty", "TTY if true indicates that a tty will be allocated for the call. Defaults to false.", "boolean"),
    _q("ports", "List of ports to forward Required when using WebSockets", "array", items="integer"),
    _q("path", "Path is the URL path to use for the current proxy request."),
)}

LIST_PARAMS = ("allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion",
               "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch")
WRITE_PARAMS = ("dryRun", "fieldManager", "fieldValidation")
DELETE_PARAMS = ("dryRun", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential",
                 "orphanDependents", "propagationPolicy")
COLLECTION_DELETE_PARAMS = ("continue", "dryRun", "fieldSelector", "gracePeriodSeconds",
                            "ignoreStoreReadErrorWithClusterBreakingPotential", "labelSelector", "limit",
                            "orphanDependents", "propagationPolicy", "resourceVersion", "resourceVersionMatch",
                            "sendInitialEvents", "timeoutSeconds")
LOG_PARAMS = ("container", "follow", "insecureSkipTLSVerifyBackend", "limitBytes", "previous", "sinceSeconds",
              "sinceTime", "stream", "tailLines", "timestamps")
CONNECT_PARAMS = {"attach": ("container", "stderr", "stdin", "stdout", "tty"),
                  "exec": ("command", "container", "stderr", "stdin", "stdout", "tty"),
                  "portforward": ("ports",), "proxy": ("path",)}


def _camel(s: str) -> str:
    return s[:1].upper() + s[1:]


def group_id(group: str) -> str:
    """The group as upstream spells it in operation ids: `rbac.authorization.k8s.io` -> `RbacAuthorization`."""
    if not group:
        return "Core"
    name = group.removesuffix(".k8s.io")
    return "".join(_camel(p) for p in name.split(".") if p)


def tag(group: str, version: str) -> str:
    g = group_id(group)
    return f"{g[:1].lower()}{g[1:]}_{version}"


def _ref_target(name: str, v3: bool) -> str:
    return ("#/components/schemas/" if v3 else "#/definitions/") + name


def convert(node: Any, v3: bool, prop_name: str = "") -> Any:
    """A JSON-Schema node of kubernetes-validate back in OpenAPI form."""
    if isinstance(node, list):
        return [convert(x, v3) for x in node]
    if not isinstance(node, dict):
        return node
    out: Obj = {}
    ref = node.get("$ref")
    for k, v in node.items():
        if k == "$ref":
            continue
        if k == "type":
            if isinstance(v, list):
                v = next((t for t in v if t != "null"), "object")
            out[k] = v
        elif k == "enum" and prop_name in ("apiVersion", "kind"):
            continue  # added by the JSON-Schema conversion; upstream has none here
        elif k == "properties":
            out[k] = {pn: convert(pv, v3, pn) for pn, pv in v.items()}
        elif k in ("items", "additionalProperties", "oneOf", "allOf", "anyOf"):
            out[k] = convert(v, v3)
        else:
            out[k] = v
    if ref is not None:
        target = _ref_target(ref.rsplit("/", 1)[-1], v3)
        if v3 and out:
            out = {"allOf": [{"$ref": target}], **out}
        else:
            out["$ref"] = target
    return out


def convert_definition(name: str, v3: bool) -> Obj:
    d = schema.definitions()[name]
    if "oneOf" in d and "type" not in d:
        # IntOrString and Quantity: upstream v2 says string; v3 keeps the alternatives.
        out: Obj = {"description": d.get("description", "")} if d.get("description") else {}
        if name == INT_OR_STRING:
            out["format"] = "int-or-string"
        if v3:
            out["oneOf"] = convert(d["oneOf"], v3)
        else:
            out["type"] = "string"
        return out
    return convert(d, v3)


def _refs(node: Any, acc: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            acc.add(ref.rsplit("/", 1)[-1])
        for v in node.values():
            _refs(v, acc)
    elif isinstance(node, list):
        for v in node:
            _refs(v, acc)


def closure(roots: set[str]) -> list[str]:
    """Every definition reachable from roots, sorted."""
    defs = schema.definitions()
    seen: set[str] = set()
    todo = [r for r in roots if r in defs]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        found: set[str] = set()
        _refs(defs[name], found)
        todo.extend(n for n in found if n not in seen and n in defs)
    return sorted(seen)


def _gvk(group: str, version: str, kind: str) -> Obj:
    return {"group": group, "kind": kind, "version": version}


class _Doc:
    """Paths of one document, written once for both spellings (v2 and v3)."""

    def __init__(self, v3: bool) -> None:
        self.v3 = v3
        self.paths: dict[str, Obj] = {}
        self.roots: set[str] = set()

    def _schema(self, name: str | None) -> Obj:
        if name is None:
            return {"type": "string"}
        self.roots.add(name)
        return {"$ref": _ref_target(name, self.v3)}

    def _params(self, names: tuple[str, ...] | list[str]) -> list[Obj]:
        out = []
        for n in names:
            p = dict(PARAMS[n])
            if self.v3:
                s: Obj = {"type": p.pop("type")}
                if "items" in p:
                    s["items"] = p.pop("items")
                if p.pop("uniqueItems", False):
                    s["uniqueItems"] = True
                p["schema"] = s
            out.append(p)
        return out

    def _path_params(self, namespaced: bool, named: str | None, path_param: bool = False) -> list[Obj]:
        out: list[Obj] = []
        if named is not None:
            out.append(self._path_param("name", f"name of the {named}"))
        if namespaced:
            out.append(self._path_param("namespace", "object name and auth scope, such as for teams and projects"))
        if path_param:
            out.append(self._path_param("path", "path to the resource"))
        return out + self._params(("pretty",))

    def _path_param(self, name: str, description: str) -> Obj:
        p: Obj = {"name": name, "in": "path", "description": description, "required": True}
        if self.v3:
            p["schema"] = {"type": "string", "uniqueItems": True}
        else:
            p.update(type="string", uniqueItems=True)
        return p

    def _responses(self, codes: dict[str, str | None], media: tuple[str, ...]) -> Obj:
        out: Obj = {}
        for code, name in codes.items():
            desc = {"200": "OK", "201": "Created", "202": "Accepted"}[code]
            s = self._schema(name)
            if self.v3:
                out[code] = {"description": desc, "content": {m: {"schema": s} for m in media}}
            else:
                out[code] = {"description": desc, "schema": s}
        out["401"] = {"description": "Unauthorized"}
        return out

    def operation(self, path: str, method: str, *, op_id: str, description: str, tags: list[str], action: str,
                  gvk: Obj | None, params: tuple[str, ...] | list[str] = (), body: str | None = None,
                  body_types: tuple[str, ...] = ("*/*",), body_required: bool = True,
                  responses: dict[str, str | None], media: tuple[str, ...] = OBJECT_TYPES,
                  path_params: list[Obj] | None = None) -> None:
        entry = self.paths.setdefault(path, {})
        if path_params is not None and "parameters" not in entry:
            entry["parameters"] = path_params
        op: Obj = {"description": description, "operationId": op_id, "tags": tags}
        ps = self._params(params)
        if body is not None and not self.v3:
            ps.insert(0, {"name": "body", "in": "body", "required": body_required, "schema": self._schema(body)})
        if ps:
            op["parameters"] = ps
        if body is not None and self.v3:
            s = self._schema(body)
            op["requestBody"] = {"content": {m: {"schema": s} for m in body_types}, "required": body_required}
        op["responses"] = self._responses(responses, media)
        if not self.v3:
            op["consumes"] = list(body_types) if body is not None else ["*/*"]
            op["produces"] = list(media)
            op["schemes"] = ["https"]
        op["x-kubernetes-action"] = action
        if gvk is not None:
            op["x-kubernetes-group-version-kind"] = gvk
        entry[method] = op


def _prefix(group: str, version: str) -> str:
    return f"/apis/{group}/{version}" if group else f"/api/{version}"


def _add_resource(doc: _Doc, r: Resource, gv_tag: str) -> None:
    g, v = r.group, r.version
    kind_def = schema.definition_name(g, v, r.kind)
    list_def = schema.definition_name(g, v, r.list_kind)
    gvk = _gvk(g, v, r.kind)
    gid = group_id(g) + _camel(v)
    prefix = _prefix(g, v)
    ns = "Namespaced" if r.namespaced else ""
    base = f"{prefix}/namespaces/{{namespace}}/{r.plural}" if r.namespaced else f"{prefix}/{r.plural}"
    item = base + "/{name}"
    tags = [gv_tag]
    verbs = set(r.verbs)
    coll_pp = doc._path_params(r.namespaced, None)
    item_pp = doc._path_params(r.namespaced, r.kind)
    if "list" in verbs:
        doc.operation(base, "get", op_id=f"list{gid}{ns}{r.kind}", tags=tags, action="list", gvk=gvk,
                      description=f"list or watch objects of kind {r.kind}", params=LIST_PARAMS,
                      responses={"200": list_def}, media=LIST_TYPES, path_params=coll_pp)
        if r.namespaced:
            doc.operation(f"{prefix}/{r.plural}", "get", op_id=f"list{gid}{r.kind}ForAllNamespaces", tags=tags,
                          action="list", gvk=gvk, description=f"list or watch objects of kind {r.kind}",
                          responses={"200": list_def}, media=LIST_TYPES,
                          path_params=doc._params(LIST_PARAMS) + doc._params(("pretty",)))
    if "create" in verbs:
        created = {"200": kind_def, "201": kind_def, "202": kind_def} if kind_def else {"200": None}
        doc.operation(base, "post", op_id=f"create{gid}{ns}{r.kind}", tags=tags, action="post", gvk=gvk,
                      description=f"create {_article(r.kind)} {r.kind}", params=WRITE_PARAMS, body=kind_def,
                      responses=created, path_params=coll_pp)
    if "deletecollection" in verbs:
        doc.operation(base, "delete", op_id=f"deletecollection{gid}{ns}{r.kind}", tags=tags,
                      action="deletecollection", gvk=gvk, description=f"delete collection of {r.kind}",
                      params=COLLECTION_DELETE_PARAMS, body=DELETE_OPTIONS, body_required=False,
                      responses={"200": STATUS}, path_params=coll_pp)
    if "get" in verbs:
        doc.operation(item, "get", op_id=f"read{gid}{ns}{r.kind}", tags=tags, action="get", gvk=gvk,
                      description=f"read the specified {r.kind}", responses={"200": kind_def},
                      path_params=item_pp)
    if "update" in verbs:
        doc.operation(item, "put", op_id=f"replace{gid}{ns}{r.kind}", tags=tags, action="put", gvk=gvk,
                      description=f"replace the specified {r.kind}", params=WRITE_PARAMS, body=kind_def,
                      responses={"200": kind_def, "201": kind_def}, path_params=item_pp)
    if "delete" in verbs:
        doc.operation(item, "delete", op_id=f"delete{gid}{ns}{r.kind}", tags=tags, action="delete", gvk=gvk,
                      description=f"delete {_article(r.kind)} {r.kind}", params=DELETE_PARAMS, body=DELETE_OPTIONS,
                      body_required=False, responses={"200": STATUS, "202": STATUS}, path_params=item_pp)
    if "patch" in verbs:
        doc.operation(item, "patch", op_id=f"patch{gid}{ns}{r.kind}", tags=tags, action="patch", gvk=gvk,
                      description=f"partially update the specified {r.kind}", params=WRITE_PARAMS + ("force",),
                      body=PATCH, body_types=PATCH_TYPES, responses={"200": kind_def, "201": kind_def},
                      path_params=item_pp)
    if "watch" in verbs:
        wbase = f"{prefix}/watch/namespaces/{{namespace}}/{r.plural}" if r.namespaced else f"{prefix}/watch/{r.plural}"
        wpp = doc._params(LIST_PARAMS)
        doc.operation(wbase, "get", op_id=f"watch{gid}{ns}{r.kind}List", tags=tags, action="watchlist", gvk=gvk,
                      description=f"watch individual changes to a list of {r.kind}. deprecated: use the 'watch' "
                      "parameter with a list operation instead.", responses={"200": WATCH_EVENT},
                      media=WATCH_TYPES, path_params=wpp + coll_pp)
        doc.operation(wbase + "/{name}", "get", op_id=f"watch{gid}{ns}{r.kind}", tags=tags, action="watch",
                      gvk=gvk, description=f"watch changes to an object of kind {r.kind}. deprecated: use the "
                      "'watch' parameter with a list operation instead, filtered to a single item with the "
                      "'fieldSelector' parameter.", responses={"200": WATCH_EVENT}, media=WATCH_TYPES,
                      path_params=wpp + item_pp)
        if r.namespaced:
            doc.operation(f"{prefix}/watch/{r.plural}", "get", op_id=f"watch{gid}{r.kind}ListForAllNamespaces",
                          tags=tags, action="watchlist", gvk=gvk, description=f"watch individual changes to a "
                          f"list of {r.kind}. deprecated: use the 'watch' parameter with a list operation instead.",
                          responses={"200": WATCH_EVENT}, media=WATCH_TYPES,
                          path_params=wpp + doc._params(("pretty",)))
    for sub in r.subresources:
        _add_subresource(doc, r, sub, item, gid, ns, tags)


def _add_subresource(doc: _Doc, r: Resource, sub: Any, item: str, gid: str, ns: str, tags: list[str]) -> None:
    sg = r.group if sub.group is None else sub.group
    sv = sub.version or r.version
    path = f"{item}/{sub.name}"
    title = "".join(_camel(p) for p in sub.name.split("-"))
    title = {"portforward": "Portforward", "ephemeralcontainers": "Ephemeralcontainers"}.get(sub.name, title)
    pp = doc._path_params(r.namespaced, sub.kind if sub.name in CONNECT else r.kind)
    if sub.name in CONNECT:
        params = CONNECT_PARAMS[sub.name]
        gvk = _gvk("", r.version, sub.kind) if not r.group else _gvk(r.group, r.version, sub.kind)
        methods = {"get": "Get", "post": "Post", "put": "Put", "delete": "Delete", "patch": "Patch"}
        allowed = {"get": "get", "create": "post", "update": "put", "delete": "delete", "patch": "patch"}
        for verb in sub.verbs:
            m = allowed[verb]
            for p, extra in ((path, []), (path + "/{path}", ["path"])) if sub.name == "proxy" else ((path, []),):
                ppp = doc._path_params(r.namespaced, sub.kind, bool(extra))
                doc.operation(p, m, op_id=f"connect{gid}{methods[m]}{ns}{r.kind}{title}" + ("WithPath" if extra
                              else ""), tags=tags, action="connect", gvk=gvk,
                              description=f"connect {m.upper()} requests to {sub.name} of {r.kind}",
                              params=params if not extra else (), responses={"200": None}, media=("*/*",),
                              path_params=ppp)
        return
    kind_def = schema.definition_name(sg, sv, sub.kind)
    gvk = _gvk(sg, sv, sub.kind)
    if sub.name == "log":
        doc.operation(path, "get", op_id=f"read{gid}{ns}{r.kind}Log", tags=tags, action="get", gvk=gvk,
                      description=f"read log of the specified {r.kind}", params=LOG_PARAMS,
                      responses={"200": None}, media=("text/plain", "application/json", "application/yaml",
                                                      "application/vnd.kubernetes.protobuf"), path_params=pp)
        return
    verbs = set(sub.verbs)
    if "create" in verbs:
        doc.operation(path, "post", op_id=f"create{gid}{ns}{r.kind}{title}", tags=tags, action="post", gvk=gvk,
                      description=f"create {sub.name} of {_article(r.kind)} {r.kind}", params=WRITE_PARAMS,
                      body=kind_def, responses={"200": kind_def, "201": kind_def, "202": kind_def},
                      path_params=pp)
    if "get" in verbs:
        doc.operation(path, "get", op_id=f"read{gid}{ns}{r.kind}{title}", tags=tags, action="get", gvk=gvk,
                      description=f"read {sub.name} of the specified {r.kind}", responses={"200": kind_def},
                      path_params=pp)
    if "update" in verbs:
        doc.operation(path, "put", op_id=f"replace{gid}{ns}{r.kind}{title}", tags=tags, action="put", gvk=gvk,
                      description=f"replace {sub.name} of the specified {r.kind}", params=WRITE_PARAMS,
                      body=kind_def, responses={"200": kind_def, "201": kind_def}, path_params=pp)
    if "patch" in verbs:
        doc.operation(path, "patch", op_id=f"patch{gid}{ns}{r.kind}{title}", tags=tags, action="patch", gvk=gvk,
                      description=f"partially update {sub.name} of the specified {r.kind}",
                      params=WRITE_PARAMS + ("force",), body=PATCH, body_types=PATCH_TYPES,
                      responses={"200": kind_def, "201": kind_def}, path_params=pp)


def _article(kind: str) -> str:
    return "an" if kind[:1] in "AEIOU" else "a"


def _finish(doc: _Doc, title_paths: dict[str, Obj]) -> Obj:
    names = closure(doc.roots)
    info = {"title": "Kubernetes", "version": schema.KUBE_VERSION}
    if doc.v3:
        return {"openapi": "3.0.0", "info": info, "paths": title_paths,
                "components": {"schemas": {n: convert_definition(n, True) for n in names},
                               "securitySchemes": {"BearerToken": {
                                   "type": "apiKey", "description": "Bearer Token authentication",
                                   "name": "authorization", "in": "header"}}}}
    return {"swagger": "2.0", "info": info, "paths": title_paths,
            "definitions": {n: convert_definition(n, False) for n in names},
            "securityDefinitions": {"BearerToken": {"description": "Bearer Token authentication",
                                                    "in": "header", "name": "authorization", "type": "apiKey"}},
            "security": [{"BearerToken": []}]}


def _discovery_ops(doc: _Doc, group: str, versions: list[str]) -> None:
    """The discovery paths of a group (`/apis/apps/`, `/apis/apps/v1/`) as upstream documents them."""
    t = [tag(group, "").rstrip("_")] if group else ["core"]
    if group:
        doc.operation(f"/apis/{group}/", "get", op_id=f"get{group_id(group)}APIGroup", tags=t, action="get",
                      gvk=None, description="get information of a group", responses={"200": GROUP},
                      media=("application/json", "application/yaml", "application/vnd.kubernetes.protobuf"))
    for v in versions:
        doc.operation(_prefix(group, v) + "/", "get", op_id=f"get{group_id(group)}{_camel(v)}APIResources",
                      tags=[tag(group, v)], action="get", gvk=None, description="get available resources",
                      responses={"200": RESOURCE_LIST})


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha512(body).hexdigest().upper() + '"'


class OpenAPI:
    """The documents of one table, cached until the table's rows change."""

    def __init__(self, table: ResourceTable) -> None:
        self.table = table
        self._signature: tuple[int, ...] = ()
        self._v2: tuple[bytes, str] | None = None
        self._v2_proto: tuple[bytes, str] | None = None
        self._v3: dict[str, tuple[bytes, str]] = {}

    def _check(self) -> None:
        sig = tuple(id(r) for r in self.table.rows)
        if sig != self._signature:
            self._signature = sig
            self._v2 = self._v2_proto = None
            self._v3 = {}

    def _group_versions(self) -> list[tuple[str, str]]:
        seen: list[tuple[str, str]] = []
        for r in self.table.rows:
            if (r.group, r.version) not in seen:
                seen.append((r.group, r.version))
        return seen

    def build_v2(self) -> Obj:
        doc = _Doc(False)
        groups = self.table.groups()
        doc.operation("/api/", "get", op_id="getCoreAPIVersions", tags=["core"], action="get", gvk=None,
                      description="get available API versions", responses={"200": VERSIONS})
        doc.operation("/apis/", "get", op_id="getAPIVersions", tags=["apis"], action="get", gvk=None,
                      description="get available API versions", responses={"200": GROUP_LIST})
        doc.operation("/version/", "get", op_id="getCodeVersion", tags=["version"], action="get", gvk=None,
                      description="get the version information for this server", responses={"200": VERSION_INFO},
                      media=("application/json",))
        for group, versions in groups.items():
            _discovery_ops(doc, group, versions)
        for r in self.table.rows:
            _add_resource(doc, r, tag(r.group, r.version))
        return _finish(doc, dict(sorted(doc.paths.items())))

    def build_v3(self, path: str) -> Obj | None:
        doc = _Doc(True)
        groups = self.table.groups()
        if path == "api":
            doc.operation("/api/", "get", op_id="getCoreAPIVersions", tags=["core"], action="get", gvk=None,
                          description="get available API versions", responses={"200": VERSIONS})
        elif path == "apis":
            doc.operation("/apis/", "get", op_id="getAPIVersions", tags=["apis"], action="get", gvk=None,
                          description="get available API versions", responses={"200": GROUP_LIST})
        elif path == "version":
            doc.operation("/version/", "get", op_id="getCodeVersion", tags=["version"], action="get", gvk=None,
                          description="get the version information for this server",
                          responses={"200": VERSION_INFO}, media=("application/json",))
        elif path.startswith("apis/") and path.count("/") == 1:
            group = path[5:]
            if group not in groups or not group:
                return None
            _discovery_ops(doc, group, [])
        else:
            parts = path.split("/")
            if len(parts) == 2 and parts[0] == "api":
                group, version = "", parts[1]
            elif len(parts) == 3 and parts[0] == "apis":
                group, version = parts[1], parts[2]
            else:
                return None
            rows = self.table.in_group_version(group, version)
            if not rows:
                return None
            _discovery_ops(doc, group, [version])
            for r in rows:
                _add_resource(doc, r, tag(group, version))
        return _finish(doc, dict(sorted(doc.paths.items())))

    def v2_json(self) -> tuple[bytes, str]:
        self._check()
        if self._v2 is None:
            body = orjson.dumps(self.build_v2())
            self._v2 = (body, _etag(body))
        return self._v2

    def v2_proto(self) -> tuple[bytes, str]:
        self._check()
        if self._v2_proto is None:
            from bosun.apiserver import openapi_proto

            body = openapi_proto.document(self.build_v2())
            self._v2_proto = (body, _etag(body))
        return self._v2_proto

    def v3_paths(self) -> list[str]:
        out = ["api", "apis", "version"]
        for group in self.table.groups():
            if group:
                out.append(f"apis/{group}")
        for group, version in self._group_versions():
            out.append(f"apis/{group}/{version}" if group else f"api/{version}")
        return out

    def v3_document(self, path: str) -> tuple[bytes, str] | None:
        self._check()
        cached = self._v3.get(path)
        if cached is None:
            doc = self.build_v3(path)
            if doc is None:
                return None
            body = orjson.dumps(doc)
            cached = self._v3[path] = (body, _etag(body))
        return cached

    def v3_index(self) -> Obj:
        paths: Obj = {}
        for p in self.v3_paths():
            found = self.v3_document(p)
            if found is not None:
                paths[p] = {"serverRelativeURL": f"/openapi/v3/{p}?hash={found[1].strip(chr(34))}"}
        return {"paths": paths}
