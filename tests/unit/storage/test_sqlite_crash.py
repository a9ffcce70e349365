"""SQLite durability: a process SIGKILLed mid-stream loses no acknowledged write and no watch event."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bosun.storage.interface import Event
from bosun.storage.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[3]
PREFIX = "/registry/configmaps/crash/"

# Writes creates from 16 concurrent clients forever, printing `ACK key revision` once each is
# acknowledged; a watcher from `watch_from` prints `EVENT revision key` for each event it sees.
CHILD = r"""
import asyncio, sys
from bosun.storage.sqlite import SQLiteStore

async def main(path, tag, watch_from):
    store = SQLiteStore(path)
    await store.start()
    out = sys.stdout

    async def watcher():
        async for batch in store.watch(PREFIX, watch_from):
            out.write("".join(f"EVENT {e.revision} {e.key}\n" for e in batch))
            out.flush()

    async def writer(w):
        i = 0
        while True:
            key = f"{PREFIX}{tag}-{w:02d}-{i:06d}"
            rev = await store.create(key, f"value of {key}".encode())
            out.write(f"ACK {key} {rev}\n")
            out.flush()
            i += 1

    asyncio.create_task(watcher())
    await asyncio.sleep(0.05)
    await asyncio.gather(*(writer(w) for w in range(16)))

PREFIX = sys.argv[4]
asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


def value_of(key: str) -> bytes:
    return f"value of {key}".encode()


async def run_and_kill(path: Path, tag: str, watch_from: int, acks_wanted: int) -> tuple[dict[str, int], list[int]]:
    """Runs the writer child until it has acknowledged `acks_wanted` writes, then SIGKILLs it.

    Returns what it acknowledged (key -> revision) and the revisions its watcher saw, in order.
    """
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, str(path), tag, str(watch_from), PREFIX,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    acked: dict[str, int] = {}
    watched: list[int] = []

    def take(line: bytes) -> None:
        if not line.endswith(b"\n"):
            return  # cut short by the kill: never complete, so never acknowledged
        kind, a, b = line.decode().split()
        if kind == "ACK":
            acked[a] = int(b)
        else:
            watched.append(int(a))

    try:
        async with asyncio.timeout(60):
            while len(acked) < acks_wanted or not watched:
                line = await proc.stdout.readline()
                if not line:
                    raise AssertionError(f"child exited early: {(await proc.stderr.read()).decode()[-3000:]}")
                take(line)
    finally:
        proc.send_signal(signal.SIGKILL)
    # what it wrote before it died is still in the pipe
    for line in (await proc.stdout.read()).splitlines(keepends=True):
        take(line)
    await proc.wait()
    return acked, watched


async def test_sigkill_loses_no_acknowledged_write_and_no_event(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    all_acked: dict[str, int] = {}
    resume = 0  # the watcher's position, carried across the crashes
    for tag in ("first", "second"):
        acked, watched = await run_and_kill(path, tag, resume, 400)
        all_acked |= acked
        assert watched == list(range(watched[0], watched[0] + len(watched))), watched[:20]
        if resume:
            # a watcher resuming after a crash replays exactly what it had not seen, then follows
            assert watched == list(range(resume, resume + len(watched))), watched[:20]
        resume = watched[-1] + 1

    store = SQLiteStore(path)
    await store.start()
    try:
        state = {kv.key: kv for kv in (await store.list(PREFIX)).items}
        missing = [k for k in all_acked if k not in state]
        assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {missing[:5]}"
        for key, rev in all_acked.items():
            kv = state[key]
            assert (kv.value, kv.mod_revision, kv.create_revision) == (value_of(key), rev, rev)
        # only creates happened: every revision from the first write on holds exactly one key
        current = await store.current_revision()
        assert sorted(kv.mod_revision for kv in state.values()) == list(range(2, current + 1))
        assert max(all_acked.values()) <= current

        # the watcher resumes once more, from its last position, while new writes arrive
        seen: list[Event] = []

        async def consume() -> None:
            async for batch in store.watch(PREFIX, resume):
                seen.extend(batch)

        task = asyncio.create_task(consume())
        new = {}
        for i in range(20):
            key = f"{PREFIX}after-{i:02d}"
            new[key] = await store.create(key, value_of(key))
        try:
            async with asyncio.timeout(20):
                while not seen or seen[-1].revision < max(new.values()):
                    await asyncio.sleep(0.01)
            await asyncio.sleep(0.2)
        finally:
            task.cancel()
        assert min(new.values()) > current  # no revision is handed out twice
        by_rev = {kv.mod_revision: kv.key for kv in state.values()} | {r: k for k, r in new.items()}
        assert [e.revision for e in seen] == list(range(resume, max(new.values()) + 1))
        assert all(e.key == by_rev[e.revision] and e.is_create and e.value == value_of(e.key) for e in seen)
    finally:
        await store.close()
