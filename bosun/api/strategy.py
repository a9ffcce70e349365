"""Registry strategies: what differs per kind on the API server's one REST path.

The generic path (decode, default, validate, admit, store, encode) lives in
`bosun.apiserver`; a `Strategy` answers the per-kind questions: defaults,
validation, what create and update may touch (spec vs status, `generation`),
field selectors, graceful deletion. Group modules (`bosun.api.core`,
`bosun.api.apps`, ...) subclass it and register with `@register`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from bosun.api.resources import Resource
from bosun.api.validation import dns1123_subdomain, validate_object_meta, validate_object_meta_update
from bosun.machinery.errors import Cause

Obj = dict[str, Any]

_REGISTRY: dict[tuple[str, str], type[Strategy]] = {}


def register(group: str, kind: str):
    """Class decorator: the strategy for (group, kind) in every version."""
    def wrap(cls: type[Strategy]) -> type[Strategy]:
        _REGISTRY[(group, kind)] = cls
        return cls
    return wrap


# Top-level fields that are not "spec" for the purpose of generation bumps.
_NOT_SPEC = frozenset(("metadata", "status", "apiVersion", "kind"))


class Strategy:
    """Defaults and rules of one kind. Subclasses override what their kind needs."""

    # Create allowed through PUT of a missing object (upstream AllowCreateOnUpdate).
    allow_create_on_update: ClassVar[bool] = False
    # Update without resourceVersion allowed (upstream AllowUnconditionalUpdate).
    allow_unconditional_update: ClassVar[bool] = True
    # DELETE answers with the deleted object instead of a Success Status.
    return_deleted_object: ClassVar[bool] = False
    # Field selector labels beyond metadata.name / metadata.namespace.
    field_labels: ClassVar[tuple[str, ...]] = ()
    # Whether metadata.generation is maintained (objects with a spec).
    tracks_generation: ClassVar[bool] = True
    # Upstream's ValidateNameFunc of the kind: (name, prefix) -> problems. Subclasses override it
    # (`name_validator = staticmethod(dns1123_label)`); it is read from the class, so a plain function works too.
    name_validator: ClassVar[Callable[..., list[str]]] = staticmethod(dns1123_subdomain)

    def __init__(self, resource: Resource) -> None:
        self.resource = resource
        self.has_status = resource.subresource("status") is not None

    # ---- defaulting and validation (override per kind)

    def default(self, obj: Obj) -> None:
        """Fill in upstream's defaults in place (runs on every create and update)."""

    def validate(self, obj: Obj) -> list[Cause]:
        """Errors of a new object (metadata included); subclasses add theirs to `super().validate(obj)`."""
        return validate_object_meta(obj.get("metadata"), self.resource.namespaced, type(self).name_validator)

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        """Errors of an update, immutable fields included (runs when validate found none)."""
        return validate_object_meta_update(obj.get("metadata"), old.get("metadata"))

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return []

    def warnings(self, obj: Obj, old: Obj | None) -> list[str]:
        return []

    # ---- what create and update may touch

    def prepare_for_create(self, obj: Obj) -> None:
        """Reset what a client may not set on create (status where a status subresource exists)."""
        if self.has_status and "status" in obj:
            obj["status"] = {}
            if self._drop_empty_status:
                del obj["status"]
        if self.tracks_generation:
            obj["metadata"]["generation"] = 1

    _drop_empty_status: ClassVar[bool] = False

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        """An update of the main resource keeps the old status and bumps generation on spec changes."""
        if self.has_status:
            if "status" in old:
                obj["status"] = old["status"]
            else:
                obj.pop("status", None)
        if self.tracks_generation:
            gen = old["metadata"].get("generation", 1)
            obj["metadata"]["generation"] = gen + 1 if self.spec_changed(obj, old) else gen

    def prepare_for_status_update(self, obj: Obj, old: Obj) -> None:
        """An update of the status subresource changes only status (and metadata such as labels is kept old)."""
        new_status = obj.get("status")
        managed = obj.get("metadata", {}).get("managedFields")
        obj.clear()
        obj.update({k: v for k, v in old.items() if k != "status"})
        obj["metadata"] = dict(old["metadata"])
        if managed is not None:
            obj["metadata"]["managedFields"] = managed
        if new_status is not None:
            obj["status"] = new_status

    def spec_changed(self, obj: Obj, old: Obj) -> bool:
        for k in obj.keys() | old.keys():
            if k in _NOT_SPEC:
                continue
            if obj.get(k) != old.get(k):
                return True
        return False

    # ---- field selectors

    def field_values(self, obj: Obj) -> dict[str, str]:
        """The values of `field_labels` for field selectors (metadata ones are added by the caller)."""
        return {}

    # ---- deletion

    def grace_period(self, obj: Obj, requested: int | None) -> int:
        """Seconds of graceful deletion (0: delete at once)."""
        return 0

    def pending_finalizers(self, obj: Obj) -> list[str]:
        """What still holds an object whose deletion has begun (namespaces add spec.finalizers)."""
        return list(obj.get("metadata", {}).get("finalizers") or ())

    def on_delete(self, obj: Obj) -> None:
        """Mark an object whose deletion has begun but which finalizers or a grace period keep a while."""


def strategy_for(resource: Resource) -> Strategy:
    cls = _REGISTRY.get((resource.group, resource.kind), Strategy)
    return cls(resource)


GROUP_MODULES = ("core", "apps", "batch", "autoscaling", "networking", "policy", "rbac", "storage",
                 "coordination", "discovery", "events", "scheduling", "node", "certificates",
                 "admissionregistration", "apiextensions", "apiregistration", "flowcontrol")


def load_group_modules() -> None:
    """Import every group module (`bosun.api.<group>`) that exists, so their strategies register."""
    import importlib
    import importlib.util

    for name in GROUP_MODULES:
        if importlib.util.find_spec(f"bosun.api.{name}") is not None:
            importlib.import_module(f"bosun.api.{name}")
