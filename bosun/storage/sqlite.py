"""The embedded SQLite backend: etcd's revisioned model in one file.

Every write appends a row to `kv` under the next global revision (a delete
appends a tombstone), and `latest` points at each live key's current row, so
reads of the present are index look-ups while reads of the past (paged lists
at one revision, watch history) walk `kv`. Compaction drops rows that no read
at or after the compaction point can see.

Writes go through one writer thread that commits whatever is queued in one
transaction (group commit), so many concurrent clients share each fsync.
A write is acknowledged only after its transaction is durable (WAL,
synchronous=FULL).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bosun.storage.interface import (
    CompactedError,
    Event,
    FutureRevisionError,
    KeyExistsError,
    KeyNotFoundError,
    KeyValue,
    ListResult,
    RevisionMismatchError,
    StorageError,
    Store,
    prefix_end,
)

log = logging.getLogger("bosun.storage.sqlite")

SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (
    rev INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    create_rev INTEGER NOT NULL,
    prev_rev INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    value BLOB
);
CREATE INDEX IF NOT EXISTS kv_key_rev ON kv (key, rev);
CREATE TABLE IF NOT EXISTS latest (key TEXT PRIMARY KEY, rev INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('rev', 1), ('compact', 0);
"""

MAX_BATCH = 1024


@dataclass(slots=True)
class _Op:
    kind: str
    args: tuple[Any, ...]
    future: asyncio.Future[Any]
    result: Any = None
    error: BaseException | None = None
    events: list[Event] = field(default_factory=list)


@dataclass(slots=True)
class _Subscriber:
    start: str
    end: str
    queue: asyncio.Queue[list[Event]]


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA cache_size=-65536")
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


class SQLiteStore(Store):
    name = "sqlite"

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: queue.SimpleQueue[_Op | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._readers: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._rev = 1  # last revision handed out (writer thread)
        self._committed = 1  # last revision committed and delivered (event loop)
        self._compact = 0
        self._subscribers: list[_Subscriber] = []
        self._listeners: list[tuple[str, str, Callable[[list[Event]], None]]] = []
        self._closed = False

    # ---- lifecycle

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(self.path)
        conn.executescript(SCHEMA)
        (meta_rev,) = conn.execute("SELECT value FROM meta WHERE name='rev'").fetchone()
        (max_rev,) = conn.execute("SELECT coalesce(max(rev), 0) FROM kv").fetchone()
        (self._compact,) = conn.execute("SELECT value FROM meta WHERE name='compact'").fetchone()
        self._rev = max(meta_rev, max_rev)
        self._committed = self._rev
        self._readers = ThreadPoolExecutor(max_workers=3, thread_name_prefix="sqlite-read")
        self._writer = threading.Thread(target=self._write_loop, args=(conn,), name="sqlite-write", daemon=True)
        self._writer.start()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        if self._writer is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._writer.join)
        if self._readers is not None:
            self._readers.shutdown(wait=True)

    # ---- reads

    def _reader(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path)
            conn.execute("PRAGMA query_only=1")
            self._local.conn = conn
        return conn

    async def _read(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        assert self._readers is not None, "store not started"
        return await asyncio.get_running_loop().run_in_executor(self._readers, lambda: fn(self._reader()))

    async def get(self, key: str) -> KeyValue | None:
        def q(c: sqlite3.Connection) -> KeyValue | None:
            row = c.execute(
                "SELECT kv.value, kv.rev, kv.create_rev FROM latest JOIN kv ON kv.rev = latest.rev "
                "WHERE latest.key = ?", (key,)).fetchone()
            return KeyValue(key, row[0], row[1], row[2]) if row else None
        return await self._read(q)

    async def list(self, prefix: str, *, start_key: str = "", limit: int = 0, revision: int = 0) -> ListResult:
        lo = max(prefix, start_key) if start_key else prefix
        hi = prefix_end(prefix)
        fetch = limit + 1 if limit > 0 else -1

        def q(c: sqlite3.Connection) -> ListResult:
            c.execute("BEGIN")
            try:
                (rev,) = c.execute("SELECT value FROM meta WHERE name='rev'").fetchone()
                (compact,) = c.execute("SELECT value FROM meta WHERE name='compact'").fetchone()
                at = revision or rev
                if at < compact:
                    raise CompactedError(at, compact)
                if at > rev:
                    raise FutureRevisionError(at, rev)
                if at >= rev:
                    rows = c.execute(
                        "SELECT latest.key, kv.value, kv.rev, kv.create_rev FROM latest "
                        "JOIN kv ON kv.rev = latest.rev WHERE latest.key >= ? AND latest.key < ? "
                        "ORDER BY latest.key LIMIT ?", (lo, hi, fetch)).fetchall()
                    at = rev
                else:
                    rows = c.execute(
                        "SELECT kv.key, kv.value, kv.rev, kv.create_rev FROM "
                        "(SELECT key, max(rev) AS r FROM kv WHERE key >= ? AND key < ? AND rev <= ? "
                        " GROUP BY key) m JOIN kv ON kv.rev = m.r WHERE kv.deleted = 0 "
                        "ORDER BY kv.key LIMIT ?", (lo, hi, at, fetch)).fetchall()
                more = limit > 0 and len(rows) > limit
                remaining = 0
                if more:
                    rows = rows[:limit]
                    (remaining,) = c.execute(
                        "SELECT count(*) FROM latest WHERE key > ? AND key < ?", (rows[-1][0], hi)).fetchone()
                return ListResult([KeyValue(r[0], r[1], r[2], r[3]) for r in rows], at, more, remaining)
            finally:
                c.execute("COMMIT")
        return await self._read(q)

    async def count(self, prefix: str) -> int:
        hi = prefix_end(prefix)
        return await self._read(
            lambda c: c.execute("SELECT count(*) FROM latest WHERE key >= ? AND key < ?", (prefix, hi)).fetchone()[0])

    async def current_revision(self) -> int:
        return self._committed

    async def compacted_revision(self) -> int:
        return self._compact

    # ---- writes

    def _submit(self, kind: str, *args: Any) -> asyncio.Future[Any]:
        if self._closed:
            raise StorageError("store is closed")
        assert self._loop is not None, "store not started"
        fut = self._loop.create_future()
        self._queue.put(_Op(kind, args, fut))
        return fut

    async def create(self, key: str, value: bytes) -> int:
        return await self._submit("create", key, value)

    async def update(self, key: str, value: bytes, expected_revision: int) -> int:
        return await self._submit("update", key, value, expected_revision)

    async def delete(self, key: str, expected_revision: int = 0) -> tuple[int, KeyValue]:
        return await self._submit("delete", key, expected_revision)

    async def compact(self, revision: int) -> None:
        await self._submit("compact", revision)

    # ---- the writer thread

    def _write_loop(self, conn: sqlite3.Connection) -> None:
        while True:
            op = self._queue.get()
            if op is None:
                break
            batch = [op]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            self._run_batch(conn, batch)
            if stop:
                break
        conn.close()

    def _run_batch(self, conn: sqlite3.Connection, batch: list[_Op]) -> None:
        start_rev = self._rev
        start_compact = self._compact
        try:
            conn.execute("BEGIN IMMEDIATE")
            for op in batch:
                try:
                    op.result = getattr(self, "_op_" + op.kind)(conn, op, *op.args)
                except StorageError as e:
                    op.error = e
            conn.execute("UPDATE meta SET value = ? WHERE name = 'rev'", (self._rev,))
            conn.execute("COMMIT")
        except sqlite3.Error as e:
            log.error("sqlite write batch of %d failed: %s", len(batch), e)
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            self._rev = start_rev
            self._compact = start_compact
            for op in batch:
                op.error = StorageError(f"datastore write failed: {e}")
                op.events = []
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(self._deliver, batch)
        except RuntimeError:
            pass  # loop closed during shutdown

    @staticmethod
    def _current(conn: sqlite3.Connection, key: str) -> tuple[int, int, bytes] | None:
        return conn.execute(
            "SELECT kv.rev, kv.create_rev, kv.value FROM latest JOIN kv ON kv.rev = latest.rev "
            "WHERE latest.key = ?", (key,)).fetchone()

    def _op_create(self, conn: sqlite3.Connection, op: _Op, key: str, value: bytes) -> int:
        if conn.execute("SELECT 1 FROM latest WHERE key = ?", (key,)).fetchone():
            raise KeyExistsError(key)
        self._rev += 1
        rev = self._rev
        conn.execute("INSERT INTO kv (rev, key, create_rev, prev_rev, deleted, value) VALUES (?,?,?,0,0,?)",
                     (rev, key, rev, value))
        conn.execute("INSERT INTO latest (key, rev) VALUES (?, ?)", (key, rev))
        op.events.append(Event("PUT", key, value, None, rev, rev))
        return rev

    def _op_update(self, conn: sqlite3.Connection, op: _Op, key: str, value: bytes, expected: int) -> int:
        cur = self._current(conn, key)
        if cur is None:
            raise RevisionMismatchError(key, None)
        if cur[0] != expected:
            raise RevisionMismatchError(key, KeyValue(key, cur[2], cur[0], cur[1]))
        self._rev += 1
        rev = self._rev
        conn.execute("INSERT INTO kv (rev, key, create_rev, prev_rev, deleted, value) VALUES (?,?,?,?,0,?)",
                     (rev, key, cur[1], cur[0], value))
        conn.execute("UPDATE latest SET rev = ? WHERE key = ?", (rev, key))
        op.events.append(Event("PUT", key, value, cur[2], rev, cur[1]))
        return rev

    def _op_delete(self, conn: sqlite3.Connection, op: _Op, key: str, expected: int) -> tuple[int, KeyValue]:
        cur = self._current(conn, key)
        if cur is None:
            raise KeyNotFoundError(key)
        prev = KeyValue(key, cur[2], cur[0], cur[1])
        if expected and cur[0] != expected:
            raise RevisionMismatchError(key, prev)
        self._rev += 1
        rev = self._rev
        conn.execute("INSERT INTO kv (rev, key, create_rev, prev_rev, deleted, value) VALUES (?,?,?,?,1,NULL)",
                     (rev, key, cur[1], cur[0]))
        conn.execute("DELETE FROM latest WHERE key = ?", (key,))
        op.events.append(Event("DELETE", key, None, cur[2], rev, cur[1]))
        return rev, prev

    def _op_compact(self, conn: sqlite3.Connection, op: _Op, revision: int) -> None:
        revision = min(revision, self._rev)
        if revision <= self._compact:
            return None
        # Rows older than the compaction point that a read at or after it can no
        # longer see: superseded versions, and tombstones with what they deleted.
        conn.execute(
            "DELETE FROM kv WHERE rev < ? AND (deleted = 1 OR EXISTS "
            "(SELECT 1 FROM kv k2 WHERE k2.key = kv.key AND k2.rev > kv.rev AND k2.rev <= ?))",
            (revision, revision))
        conn.execute("UPDATE meta SET value = ? WHERE name = 'compact'", (revision,))
        self._compact = revision
        return None

    # ---- delivery and watch (on the event loop)

    def listen(self, prefix: str, fn: Callable[[list[Event]], None]) -> Callable[[], None]:
        """Call fn synchronously, on the event loop, with each committed batch of events under prefix.

        Listeners run before the writers are acknowledged, so a cache kept by a
        listener is as fresh as the store for any read that follows a write.
        """
        item = (prefix, prefix_end(prefix), fn)
        self._listeners.append(item)
        return lambda: self._listeners.remove(item)

    def _deliver(self, batch: list[_Op]) -> None:
        events: list[Event] = []
        for op in batch:
            events.extend(op.events)
        if events:
            self._committed = max(self._committed, events[-1].revision)
        if events and self._listeners:
            for start, end, fn in list(self._listeners):
                mine = [e for e in events if start <= e.key < end]
                if mine:
                    try:
                        fn(mine)
                    except Exception:  # noqa: BLE001 - one listener must not stop delivery
                        log.exception("storage listener for %s failed", start)
        if events and self._subscribers:
            for sub in self._subscribers:
                mine = [e for e in events if sub.start <= e.key < sub.end]
                if mine:
                    sub.queue.put_nowait(mine)
        for op in batch:
            if op.future.done():
                continue
            if op.error is not None:
                op.future.set_exception(op.error)
            else:
                op.future.set_result(op.result)

    async def watch(self, prefix: str, start_revision: int) -> AsyncIterator[list[Event]]:
        sub = _Subscriber(prefix, prefix_end(prefix), asyncio.Queue())
        self._subscribers.append(sub)
        try:
            last = self._committed
            if start_revision > 0:
                if start_revision < self._compact:
                    raise CompactedError(start_revision, self._compact)
                last = start_revision - 1
                while True:
                    history = await self._history(prefix, last + 1, 2000)
                    if not history:
                        break
                    last = history[-1].revision
                    yield history
                    if len(history) < 2000:
                        break
            while True:
                batch = await sub.queue.get()
                fresh = [e for e in batch if e.revision > last]
                if fresh:
                    last = fresh[-1].revision
                    yield fresh
        finally:
            self._subscribers.remove(sub)

    async def history(self, prefix: str, from_revision: int, to_revision: int) -> list[Event]:
        if from_revision < self._compact:
            raise CompactedError(from_revision, self._compact)
        out: list[Event] = []
        while from_revision <= to_revision:
            page = await self._history(prefix, from_revision, 2000)
            out.extend(e for e in page if e.revision <= to_revision)
            if len(page) < 2000 or page[-1].revision >= to_revision:
                break
            from_revision = page[-1].revision + 1
        return out

    async def _history(self, prefix: str, from_rev: int, limit: int) -> list[Event]:
        hi = prefix_end(prefix)

        def q(c: sqlite3.Connection) -> list[Event]:
            rows = c.execute(
                "SELECT kv.rev, kv.key, kv.create_rev, kv.deleted, kv.value, p.value FROM kv "
                "LEFT JOIN kv p ON p.rev = kv.prev_rev AND kv.prev_rev > 0 "
                "WHERE kv.rev >= ? AND kv.key >= ? AND kv.key < ? ORDER BY kv.rev LIMIT ?",
                (from_rev, prefix, hi, limit)).fetchall()
            out = []
            for rev, key, create_rev, deleted, value, prev in rows:
                if deleted:
                    out.append(Event("DELETE", key, None, prev, rev, create_rev))
                else:
                    out.append(Event("PUT", key, value, prev, rev, create_rev))
            return out
        return await self._read(q)
