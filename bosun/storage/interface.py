"""The revisioned key-value store every backend implements (etcd v3's model).

A single global revision counter; every write gets the next revision.
`mod_revision` of a key is the revision of its last write (the object's
`metadata.resourceVersion`), `create_revision` the revision that created it.
Values are opaque bytes (objects serialized as JSON without resourceVersion).
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal


@dataclass(slots=True)
class KeyValue:
    key: str
    value: bytes
    mod_revision: int
    create_revision: int


@dataclass(slots=True)
class Event:
    """One change. For DELETE, `value` is None and `prev_value` holds the deleted value."""

    type: Literal["PUT", "DELETE"]
    key: str
    value: bytes | None
    prev_value: bytes | None
    revision: int  # mod revision of this change
    create_revision: int  # of the key as it was (for DELETE: of the deleted key)

    @property
    def is_create(self) -> bool:
        return self.type == "PUT" and self.create_revision == self.revision


class StorageError(Exception):
    pass


class KeyExistsError(StorageError):
    def __init__(self, key: str) -> None:
        super().__init__(f"key exists: {key}")
        self.key = key


class KeyNotFoundError(StorageError):
    def __init__(self, key: str) -> None:
        super().__init__(f"key not found: {key}")
        self.key = key


class RevisionMismatchError(StorageError):
    """A compare-and-swap lost: the key's current state is attached (None if deleted)."""

    def __init__(self, key: str, current: KeyValue | None) -> None:
        super().__init__(f"revision mismatch: {key}")
        self.key = key
        self.current = current


class CompactedError(StorageError):
    def __init__(self, requested: int, compacted: int) -> None:
        super().__init__(f"required revision {requested} has been compacted (compacted revision {compacted})")
        self.requested = requested
        self.compacted = compacted


class FutureRevisionError(StorageError):
    def __init__(self, requested: int, current: int) -> None:
        super().__init__(f"required revision {requested} is a future revision (current {current})")
        self.requested = requested
        self.current = current


class UnavailableError(StorageError):
    """The backend cannot be reached right now (retry with backoff)."""


@dataclass(slots=True)
class ListResult:
    items: list[KeyValue]
    revision: int  # the revision the list was read at
    more: bool  # True when `limit` cut the list short
    remaining: int = 0  # items left after this page (when more), best effort


def prefix_end(prefix: str) -> str:
    """The first key after every key starting with prefix (etcd's range_end); "" means every key."""
    if not prefix:
        return "\U0010ffff"
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class Store(abc.ABC):
    """A revisioned store with watch. All methods are coroutines safe to call concurrently."""

    name: str = "store"

    @abc.abstractmethod
    async def start(self) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def get(self, key: str) -> KeyValue | None: ...

    @abc.abstractmethod
    async def list(self, prefix: str, *, start_key: str = "", limit: int = 0, revision: int = 0) -> ListResult:
        """Keys under prefix, in key order, from start_key (inclusive), at `revision` (0: current).

        Raises CompactedError when `revision` is older than the compaction point.
        """

    @abc.abstractmethod
    async def count(self, prefix: str) -> int: ...

    @abc.abstractmethod
    async def create(self, key: str, value: bytes) -> int:
        """Create key; returns the new revision. Raises KeyExistsError."""

    @abc.abstractmethod
    async def update(self, key: str, value: bytes, expected_revision: int) -> int:
        """Replace key if its mod revision is `expected_revision`; returns the new revision.

        Raises RevisionMismatchError (with the current value) otherwise.
        """

    @abc.abstractmethod
    async def delete(self, key: str, expected_revision: int = 0) -> tuple[int, KeyValue]:
        """Delete key (if its mod revision is expected_revision, when non-zero).

        Returns (revision of the delete, deleted key-value). Raises KeyNotFoundError or
        RevisionMismatchError.
        """

    @abc.abstractmethod
    def watch(self, prefix: str, start_revision: int) -> AsyncIterator[list[Event]]:
        """Batches of events for keys under prefix with revision >= start_revision, in order.

        Raises CompactedError (from the iterator) when start_revision is compacted.
        """

    @abc.abstractmethod
    async def history(self, prefix: str, from_revision: int, to_revision: int) -> list[Event]:
        """The events under prefix with from_revision <= revision <= to_revision, in order.

        Raises CompactedError when from_revision is compacted.
        """

    @abc.abstractmethod
    async def compact(self, revision: int) -> None: ...

    @abc.abstractmethod
    async def current_revision(self) -> int: ...

    async def compacted_revision(self) -> int:
        return 0
