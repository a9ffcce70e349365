"""Managed fields on every write and server-side apply: upstream's field manager in the API server.

Writes that are not apply (create, update, non-apply patch) are `Update`
operations: the writer's entry takes the fields the write changed and the
other entries lose them. `application/apply-patch+yaml` PATCHes are `Apply`
operations: the applied configuration is merged into the live object, fields
its manager applied before and omits now are pruned, and fields another
manager owns with a different value are conflicts (409) unless forced.
The pure machinery is `bosun.machinery.managedfields`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import orjson

from bosun.api import schema as schemas
from bosun.machinery import errors
from bosun.machinery import managedfields as mf

if TYPE_CHECKING:
    from bosun.apiserver.registry import Registry, WriteContext
    from bosun.apiserver.server import APIServer

log = logging.getLogger("bosun.apiserver.managedfields")
Obj = dict[str, Any]
_UNSET: Any = object()
# The manager whose server-side applies take over from client-side apply (upstream's lastAppliedManager).
KUBECTL = "kubectl"


class ManagedFields:
    def __init__(self, server: APIServer) -> None:
        self.server = server
        self._failures = 0

    # ---- what a write may not take: upstream's reset fields

    def _ignored(self, reg: Registry, subresource: str) -> mf.Ignore | None:
        if subresource == "status":
            return mf.ignore_all_but(("status",))
        if not subresource and reg.resource.subresource("status") is not None:
            return mf.ignore_prefixes([("f:status",)])
        return None

    # ---- Update operations

    def on_write(self, reg: Registry, new: dict, old: dict | None, ctx: WriteContext) -> None:
        """Record a create, update or non-apply patch in `new`'s metadata.managedFields."""
        meta = new.get("metadata")
        if not isinstance(meta, dict):
            return
        sent = meta.pop("managedFields", _UNSET)
        live_entries = None
        if old is not None and isinstance(old.get("metadata"), dict):
            live_entries = old["metadata"].get("managedFields")
        try:
            owners = self._owners_for_update(live_entries, sent, bool(ctx.subresource))
        except ValueError:
            owners = {}
        schema = self.server.schema_for(reg)
        candidate = orjson.loads(orjson.dumps(new))
        try:
            # Upstream records the decoded object, which its decoder has already defaulted.
            reg.strategy.default(candidate)
        except Exception:  # noqa: BLE001 - the registry reports bad objects itself, later
            candidate = new
        try:
            owners = mf.update(old, candidate, schema, owners, manager=ctx.field_manager or "unknown",
                               api_version=reg.resource.api_version, subresource=ctx.subresource,
                               ignored=self._ignored(reg, ctx.subresource))
        except (mf.SchemaError, ValueError) as e:
            # Upstream's UpdateNoErrors: the write goes on without managed fields rather than fail.
            self._failures += 1
            if self._failures == 1 or self._failures % 1000 == 0:
                log.error("failed to update managedFields of %s %s/%s: %s", reg.resource.kind,
                          meta.get("namespace", ""), meta.get("name", ""), e)
            return
        entries = mf.encode_entries(owners)
        if entries:
            meta["managedFields"] = entries

    @staticmethod
    def _owners_for_update(live_entries: Any, sent: Any, subresource: bool) -> mf.Owners:
        # A subresource write cannot set managedFields; `[]` or `[{}]` resets them; a sent list that
        # decodes and is not empty replaces the stored one; anything else keeps the stored one.
        if subresource or sent is _UNSET or sent is None:
            return mf.decode_entries(live_entries)
        if mf.is_reset(sent):
            return {}
        try:
            owners = mf.decode_entries(sent)
        except ValueError:
            owners = {}
        return owners or mf.decode_entries(live_entries)

    # ---- Apply

    def apply(self, reg: Registry, live: dict, patch: dict, ctx: WriteContext, force: bool) -> dict[str, Any]:
        """The object an apply patch makes of `live` ({} when the object does not exist yet)."""
        r = reg.resource
        if ctx.subresource == "scale":
            api_version, kind = "autoscaling/v1", "Scale"
            schema = schemas.for_kind("autoscaling", "v1", "Scale")
        else:
            api_version, kind = r.api_version, r.kind
            schema = self.server.schema_for(reg)
        got_av, got_kind = patch.get("apiVersion"), patch.get("kind")
        if got_av != api_version or got_kind != kind:
            raise errors.bad_request(f"invalid object type: {_gvk_string(got_av, got_kind)}")
        pmeta = patch.get("metadata")
        if pmeta is not None and not isinstance(pmeta, dict):
            raise errors.bad_request("metadata must be an object")
        if pmeta and pmeta.get("managedFields") is not None:
            raise errors.bad_request("metadata.managedFields must be nil")
        manager = ctx.field_manager
        ignored = self._ignored(reg, ctx.subresource)
        creating = not live
        new, conflicts = self._apply(live, patch, manager, force, schema, api_version, ctx.subresource,
                                     ignored, reg)
        if conflicts and manager == KUBECTL:
            # Fields client-side apply set, whose values still stand, move to kubectl without conflict.
            allowed = mf.last_applied_allowed(live, schema, api_version)
            if allowed is not None:
                conflicts = [c for c in conflicts if c.path not in allowed]
                if not conflicts:
                    new, conflicts = self._apply(live, patch, manager, True, schema, api_version,
                                                 ctx.subresource, ignored, reg)
        if conflicts:
            raise errors.StatusError(409, "Conflict", mf.conflict_message(conflicts),
                                     {"causes": mf.conflict_causes(conflicts)})
        assert new is not None
        if manager == KUBECTL:
            ann = (new.get("metadata") or {}).get("annotations")
            if isinstance(ann, dict) and ann.get(mf.LAST_APPLIED):
                new["metadata"]["annotations"] = dict(ann, **{mf.LAST_APPLIED: mf.build_last_applied(patch)})
        if ctx.subresource != "scale":
            self._check_name(reg, live, new, creating)
        return new

    def _apply(self, live: Obj, patch: Obj, manager: str, force: bool, schema: Any, api_version: str,
               subresource: str, ignored: mf.Ignore | None, reg: Registry) -> tuple[Obj | None, list]:
        try:
            return mf.apply(live, patch, manager, force, schema, api_version=api_version,
                            subresource=subresource, ignored=ignored)
        except mf.SchemaError as e:
            meta = patch.get("metadata") if isinstance(patch.get("metadata"), dict) else {}
            ns = meta.get("namespace") or (live.get("metadata") or {}).get("namespace", "")
            raise errors.StatusError(500, "", f"failed to create typed patch object ({ns}/{meta.get('name', '')}; "
                                              f"{_gvk_string(patch.get('apiVersion'), patch.get('kind'))}): {e}"
                                     ) from None
        except ValueError as e:
            raise errors.StatusError(500, "", f"failed to decode managed fields: {e}") from None

    @staticmethod
    def _check_name(reg: Registry, live: Obj, new: Obj, creating: bool) -> None:
        meta = new.get("metadata") if isinstance(new.get("metadata"), dict) else {}
        name = meta.get("name") or ""
        if creating:
            if not name:
                raise errors.bad_request("the name of the object was undeterminable: name must be provided")
            return
        lmeta = live.get("metadata") or {}
        if name != lmeta.get("name"):
            raise errors.bad_request(f"the name of the object ({name}) does not match the name on the URL "
                                     f"({lmeta.get('name', '')})")
        ns = meta.get("namespace")
        if reg.resource.namespaced and ns and ns != lmeta.get("namespace"):
            raise errors.bad_request(f"the namespace of the object ({ns}) does not match the namespace on the "
                                     f"request ({lmeta.get('namespace', '')})")


def _gvk_string(api_version: Any, kind: Any) -> str:
    """A GroupVersionKind as Go prints it: `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`."""
    av = api_version if isinstance(api_version, str) else ""
    group, _, version = av.rpartition("/")
    return f"{group}/{version}, Kind={kind if isinstance(kind, str) else ''}"
