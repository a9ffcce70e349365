"""What every controller is made of: shared informers feeding keys into a rate-limited queue, one `sync(key)`.

A controller subclass names itself (`name`, with upstream's aliases), says
which informers it watches in `setup()` (registering handlers that call
`enqueue`), and implements `sync(key)`: read the desired state from the
informer caches, compare it with the world, take one step toward it. It is
level-triggered and idempotent; an exception requeues the key with backoff.
"""

from __future__ import annotations

import abc
import asyncio
import logging
from dataclasses import dataclass
from typing import Any, ClassVar

from bosun.client.events import EventRecorder
from bosun.client.informer import SharedInformerFactory
from bosun.client.rest import APIClient
from bosun.client.workqueue import WorkQueue, run_workers

Obj = dict[str, Any]


def object_key(obj: Obj) -> str:
    """`namespace/name`, or `name` for a cluster-scoped object (the informers' store key)."""
    meta = obj.get("metadata") or {}
    ns = meta.get("namespace")
    return f"{ns}/{meta.get('name', '')}" if ns else meta.get("name", "")


def split_key(key: str) -> tuple[str, str]:
    ns, _, name = key.rpartition("/")
    return ns, name


@dataclass
class ControllerContext:
    """What the controller manager hands every controller."""

    api: APIClient
    informers: SharedInformerFactory
    recorder: EventRecorder
    options: Any = None  # the parsed command line, for controllers with flags of their own


class Controller(abc.ABC):
    name: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    # Off unless named in --controllers, as upstream's disabled-by-default controllers.
    default_enabled: ClassVar[bool] = True
    workers: ClassVar[int] = 2

    def __init__(self, ctx: ControllerContext) -> None:
        self.ctx = ctx
        self.api = ctx.api
        self.recorder = ctx.recorder
        self.queue: WorkQueue[str] = WorkQueue(name=self.name)
        self.log = logging.getLogger(f"bosun.controllers.{self.name}")

    @abc.abstractmethod
    def setup(self) -> None:
        """Create informers and register handlers (before the factory starts)."""

    def enqueue(self, obj: Obj) -> None:
        self.queue.add(object_key(obj))

    @abc.abstractmethod
    async def sync(self, key: str) -> None:
        """One step toward the desired state of `key`; raising requeues it with backoff."""

    async def run(self) -> None:
        """Work until cancelled."""
        try:
            await run_workers(self.queue, self.sync, self.workers)
        except asyncio.CancelledError:
            self.queue.shutdown(drain=False)
            raise
