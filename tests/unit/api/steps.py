"""The registry's steps around a strategy, for the strategy tests: prepare, default, validate."""

from __future__ import annotations

import copy

from bosun.api import strategy as strategies
from bosun.api.resources import builtin_table
from bosun.api.strategy import Strategy

strategies.load_group_modules()
TABLE = builtin_table()


def strat(group: str, kind: str, version: str = "v1") -> Strategy:
    return strategies.strategy_for(TABLE.by_kind(group, version, kind))


def messages(causes) -> list[str]:  # noqa: ANN001 - Causes
    return [f"{c.field}: {c.message}" for c in causes]


def create(s: Strategy, obj: dict, *, uid: str | None = "uid-1", namespace: str | None = "default",
           created: str | None = None) -> tuple[dict, list[str]]:
    """What the registry does on create; `namespace` fills in a namespaced object's, `uid`/`created` its metadata."""
    obj = copy.deepcopy(obj)
    meta = obj.setdefault("metadata", {})
    if namespace is not None and s.resource.namespaced:
        meta.setdefault("namespace", namespace)
    if uid is not None:
        meta.setdefault("uid", uid)
    if created is not None:
        meta.setdefault("creationTimestamp", created)
    s.prepare_for_create(obj)
    s.default(obj)
    return obj, messages(s.validate(obj))


def update(s: Strategy, new: dict, old: dict) -> tuple[dict, list[str]]:
    """What the registry does on update: validation of the update runs when the object itself is valid."""
    new = copy.deepcopy(new)
    s.prepare_for_update(new, old)
    s.default(new)
    return new, messages(s.validate(new) or s.validate_update(new, old))
