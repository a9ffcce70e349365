"""The storage contract, run against every backend (the `store` fixture is parametrized)."""

from __future__ import annotations

import asyncio
import random
from contextlib import aclosing

import pytest

from bosun.storage.interface import (
    CompactedError,
    Event,
    FutureRevisionError,
    KeyExistsError,
    KeyNotFoundError,
    KeyValue,
    RevisionMismatchError,
    Store,
)

PODS = "/registry/pods/"


async def next_events(store: Store, prefix: str, start: int, n: int, *, quiet: float = 0.3) -> list[Event]:
    """The first n events of a watch, checking that nothing more arrives for `quiet` seconds."""
    out: list[Event] = []
    async with aclosing(store.watch(prefix, start)) as it:
        async with asyncio.timeout(10):
            while len(out) < n:
                out.extend(await anext(it))
        try:
            async with asyncio.timeout(quiet):
                out.extend(await anext(it))
        except TimeoutError:
            pass
    return out


def summary(events: list[Event]) -> list[tuple[str, str, bytes | None, bytes | None, int]]:
    return [(e.type, e.key, e.value, e.prev_value, e.revision) for e in events]


# ---- single keys


async def test_create_and_get(store: Store) -> None:
    rev = await store.create(PODS + "default/web-1", b'{"a":1}')
    assert rev > 0
    assert await store.get(PODS + "default/web-1") == KeyValue(PODS + "default/web-1", b'{"a":1}', rev, rev)
    assert await store.get(PODS + "default/web-2") is None


async def test_create_existing_key_fails(store: Store) -> None:
    rev = await store.create(PODS + "default/web-1", b"one")
    with pytest.raises(KeyExistsError) as err:
        await store.create(PODS + "default/web-1", b"two")
    assert err.value.key == PODS + "default/web-1"
    assert await store.get(PODS + "default/web-1") == KeyValue(PODS + "default/web-1", b"one", rev, rev)
    assert await store.current_revision() == rev  # a failed write takes no revision


async def test_update_compares_and_swaps(store: Store) -> None:
    key = PODS + "default/web-1"
    created = await store.create(key, b"v1")
    updated = await store.update(key, b"v2", created)
    assert updated > created
    assert await store.get(key) == KeyValue(key, b"v2", updated, created)

    with pytest.raises(RevisionMismatchError) as err:
        await store.update(key, b"stale", created)
    assert err.value.key == key
    assert err.value.current == KeyValue(key, b"v2", updated, created)
    assert (await store.get(key)).value == b"v2"
    assert await store.current_revision() == updated


async def test_update_missing_key_is_a_mismatch_without_current(store: Store) -> None:
    key = PODS + "default/gone"
    rev = await store.create(key, b"v1")
    await store.delete(key)
    for expected in (rev, 0):
        with pytest.raises(RevisionMismatchError) as err:
            await store.update(key, b"v2", expected)
        assert err.value.current is None
    assert await store.get(key) is None  # an update never creates


async def test_delete_without_precondition(store: Store) -> None:
    key = PODS + "default/web-1"
    created = await store.create(key, b"v1")
    updated = await store.update(key, b"v2", created)
    rev, prev = await store.delete(key)
    assert rev > updated
    assert prev == KeyValue(key, b"v2", updated, created)
    assert await store.get(key) is None
    with pytest.raises(KeyNotFoundError) as err:
        await store.delete(key)
    assert err.value.key == key
    # the key can be created again, as a new object
    again = await store.create(key, b"v3")
    assert await store.get(key) == KeyValue(key, b"v3", again, again)


async def test_delete_with_precondition(store: Store) -> None:
    key = PODS + "default/web-1"
    created = await store.create(key, b"v1")
    updated = await store.update(key, b"v2", created)
    with pytest.raises(RevisionMismatchError) as err:
        await store.delete(key, created)
    assert err.value.current == KeyValue(key, b"v2", updated, created)
    assert await store.get(key) is not None

    rev, prev = await store.delete(key, updated)
    assert rev > updated and prev.mod_revision == updated
    with pytest.raises(KeyNotFoundError):
        await store.delete(key, updated)


async def test_revisions_are_global_and_strictly_increasing(store: Store) -> None:
    start = await store.current_revision()
    revs = [await store.create(PODS + "a/x", b"1"), await store.create("/registry/services/a/y", b"1")]
    revs.append(await store.update(PODS + "a/x", b"2", revs[0]))
    revs.append(await store.create("/registry/configmaps/b/z", b"1"))
    revs.append((await store.delete("/registry/services/a/y"))[0])
    assert start < revs[0]
    assert all(a < b for a, b in zip(revs, revs[1:], strict=False)), revs
    assert await store.current_revision() == revs[-1]
    # every object's resourceVersion comes from the same counter
    got = {kv.key: kv.mod_revision for kv in (await store.list("/registry/")).items}
    assert got == {PODS + "a/x": revs[2], "/registry/configmaps/b/z": revs[3]}


# ---- lists


async def test_list_is_in_key_order(store: Store) -> None:
    names = [f"ns{i % 3}/pod-{i:03d}" for i in range(40)]
    random.Random(7).shuffle(names)
    for name in names:
        await store.create(PODS + name, name.encode())
    result = await store.list(PODS)
    assert [kv.key for kv in result.items] == sorted(PODS + n for n in names)
    assert all(kv.value == kv.key[len(PODS):].encode() for kv in result.items)
    assert result.revision == await store.current_revision()
    assert result.more is False
    # a namespace is a prefix too
    ns1 = await store.list(PODS + "ns1/")
    assert [kv.key for kv in ns1.items] == sorted(PODS + n for n in names if n.startswith("ns1/"))


async def test_prefix_boundaries(store: Store) -> None:
    for key in ("/registry/pods/default/a", "/registry/pods/kube-system/b", "/registry/podsx/default/c",
                "/registry/pods", "/registry/pod/default/d", "/registry/podtemplates/default/e"):
        await store.create(key, b"x")
    listed = [kv.key for kv in (await store.list("/registry/pods/")).items]
    assert listed == ["/registry/pods/default/a", "/registry/pods/kube-system/b"]
    assert await store.count("/registry/pods/") == 2
    assert await store.count("/registry/podsx/") == 1
    assert [kv.key for kv in (await store.list("/registry/podsx/")).items] == ["/registry/podsx/default/c"]
    assert await store.count("/registry/") == 6
    assert await store.count("/registry/nothing/") == 0
    assert (await store.list("/registry/nothing/")).items == []

    start = await store.current_revision() + 1
    await store.create("/registry/podsx/default/f", b"x")
    await store.create("/registry/pods/default/g", b"x")
    events = await next_events(store, "/registry/pods/", start, 1)
    assert [e.key for e in events] == ["/registry/pods/default/g"]


async def test_paging_reads_every_page_at_the_first_page_revision(store: Store) -> None:
    keys = [f"{PODS}default/web-{i:02d}" for i in range(10)]
    revs = {k: await store.create(k, k.encode()) for k in keys}
    snapshot = await store.list(PODS)

    page = await store.list(PODS, limit=4)
    assert [kv.key for kv in page.items] == keys[:4]
    assert page.more is True and page.remaining == 6
    at = page.revision
    assert at == await store.current_revision()

    # writes between pages: a new key inside the range, an update and a delete of keys not read yet
    await store.create(f"{PODS}default/web-04a", b"new")
    await store.update(keys[5], b"changed", revs[keys[5]])
    await store.delete(keys[8])
    assert await store.current_revision() > at

    seen = list(page.items)
    while page.more:
        page = await store.list(PODS, start_key=seen[-1].key + "\0", limit=4, revision=at)
        assert page.revision == at
        seen.extend(page.items)
    assert seen == snapshot.items
    assert page.more is False

    current = [kv.key for kv in (await store.list(PODS)).items]
    assert f"{PODS}default/web-04a" in current and keys[8] not in current


async def test_start_key_and_limit(store: Store) -> None:
    keys = [f"{PODS}default/p{i}" for i in range(6)]
    for k in keys:
        await store.create(k, b"x")
    page = await store.list(PODS, start_key=keys[2], limit=2)
    assert [kv.key for kv in page.items] == keys[2:4]
    assert page.more is True and page.remaining == 2
    last = await store.list(PODS, start_key=keys[4], limit=2)
    assert [kv.key for kv in last.items] == keys[4:]
    assert last.more is False
    assert (await store.list(PODS, start_key=keys[5] + "\0")).items == []


async def test_list_at_an_old_revision(store: Store) -> None:
    a = await store.create(PODS + "ns/a", b"a1")
    b = await store.create(PODS + "ns/b", b"b1")
    old = await store.current_revision()
    a2 = await store.update(PODS + "ns/a", b"a2", a)
    await store.delete(PODS + "ns/b")
    c = await store.create(PODS + "ns/c", b"c1")

    then = await store.list(PODS, revision=old)
    assert then.revision == old
    assert then.items == [KeyValue(PODS + "ns/a", b"a1", a, a), KeyValue(PODS + "ns/b", b"b1", b, b)]
    before_a = await store.list(PODS, revision=a)
    assert before_a.items == [KeyValue(PODS + "ns/a", b"a1", a, a)]
    now = await store.list(PODS)
    assert now.items == [KeyValue(PODS + "ns/a", b"a2", a2, a), KeyValue(PODS + "ns/c", b"c1", c, c)]


async def test_list_at_a_future_revision_fails(store: Store, request: pytest.FixtureRequest) -> None:
    await store.create(PODS + "ns/a", b"x")
    current = await store.current_revision()
    with pytest.raises(FutureRevisionError) as err:
        await store.list(PODS, revision=current + 10)
    assert err.value.requested == current + 10 and err.value.current == current


async def test_count(store: Store) -> None:
    assert await store.count(PODS) == 0
    for i in range(7):
        await store.create(f"{PODS}ns{i % 2}/p{i}", b"x")
    await store.create("/registry/services/ns0/s", b"x")
    assert await store.count(PODS) == 7
    assert await store.count(PODS + "ns0/") == 4
    await store.delete(PODS + "ns0/p0")
    assert await store.count(PODS) == 6
    assert await store.count("/registry/") == 7


# ---- watch


async def test_watch_replays_history_then_follows_live_writes(store: Store) -> None:
    k1, k2 = PODS + "default/a", PODS + "default/b"
    r1 = await store.create(k1, b"a1")
    r2 = await store.create(k2, b"b1")
    r3 = await store.update(k1, b"a2", r1)
    r4, _ = await store.delete(k2)
    await store.create("/registry/services/default/a", b"other")  # outside the prefix

    async with aclosing(store.watch(PODS, r1)) as it:
        got: list[Event] = []
        async with asyncio.timeout(10):
            while len(got) < 4:
                got.extend(await anext(it))
            r5 = await store.create(k2, b"b2")
            r6 = await store.update(k1, b"a3", r3)
            while len(got) < 6:
                got.extend(await anext(it))
    assert summary(got) == [
        ("PUT", k1, b"a1", None, r1),
        ("PUT", k2, b"b1", None, r2),
        ("PUT", k1, b"a2", b"a1", r3),
        ("DELETE", k2, None, b"b1", r4),
        ("PUT", k2, b"b2", None, r5),
        ("PUT", k1, b"a3", b"a2", r6),
    ]
    assert [e.is_create for e in got] == [True, True, False, False, True, False]
    assert [e.create_revision for e in got] == [r1, r2, r1, r2, r5, r1]


async def test_watch_from_a_past_revision_in_the_middle(store: Store) -> None:
    revs = [await store.create(f"{PODS}ns/p{i}", b"x") for i in range(10)]
    events = await next_events(store, PODS, revs[6], 4)
    assert [e.revision for e in events] == revs[6:]
    assert [e.key for e in events] == [f"{PODS}ns/p{i}" for i in range(6, 10)]


async def test_watch_from_the_current_revision(store: Store) -> None:
    await store.create(PODS + "ns/old", b"x")
    current = await store.current_revision()
    # start = current includes the last write; current + 1 only what follows
    async with aclosing(store.watch(PODS, current)) as including, aclosing(
            store.watch(PODS, current + 1)) as following:
        new = await store.create(PODS + "ns/new", b"y")
        async with asyncio.timeout(10):
            first = await anext(including)
            if len(first) < 2:
                first += await anext(including)
            assert [(e.key, e.revision) for e in first] == [(PODS + "ns/old", current), (PODS + "ns/new", new)]
            assert [(e.key, e.revision) for e in await anext(following)] == [(PODS + "ns/new", new)]


async def test_watch_from_zero_sees_every_write_after_it_started(store: Store) -> None:
    received: list[Event] = []

    async def consume() -> None:
        async for batch in store.watch(PODS, 0):
            received.extend(batch)

    task = asyncio.create_task(consume())
    try:
        # "now" is when the watch got going, so write until it shows, then check what follows
        written: list[tuple[str, int]] = []
        async with asyncio.timeout(10):
            while not received:
                key = f"{PODS}ns/early-{len(written):04d}"
                written.append((key, await store.create(key, b"x")))
                await asyncio.sleep(0.02)
            for i in range(20):
                key = f"{PODS}ns/late-{i:02d}"
                written.append((key, await store.create(key, b"x")))
            while not received or received[-1].revision < written[-1][1]:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
    finally:
        task.cancel()
    first = [kr for kr in written if kr[1] == received[0].revision]
    assert first, "the first event must be one of the writes"
    tail = written[written.index(first[0]):]
    assert [(e.key, e.revision) for e in received] == tail  # no gap, no repeat, in order


async def test_watch_of_a_compacted_revision_fails(store: Store) -> None:
    key = PODS + "ns/a"
    created = rev = await store.create(key, b"1")
    for i in range(5):
        rev = await store.update(key, str(i).encode(), rev)
    old = rev - 3
    await store.compact(rev)
    assert await store.compacted_revision() == rev

    with pytest.raises(CompactedError) as err:
        async with aclosing(store.watch(PODS, old)) as it, asyncio.timeout(10):
            await anext(it)
    assert err.value.requested == old and err.value.compacted == rev

    with pytest.raises(CompactedError) as err:
        await store.list(PODS, revision=old)
    assert err.value.requested == old and err.value.compacted == rev

    # at the compaction point and after, reads and watches still work
    assert (await store.list(PODS, revision=rev)).items == [KeyValue(key, b"4", rev, created)]
    after = await store.update(key, b"5", rev)
    events = await next_events(store, PODS, rev + 1, 1)
    assert summary(events) == [("PUT", key, b"5", b"4", after)]
    await store.compact(rev - 2)  # compacting an already compacted revision does nothing
    assert await store.compacted_revision() == rev


async def test_history_between_two_revisions(store: Store) -> None:
    k1, k2 = PODS + "ns/a", PODS + "ns/b"
    r1 = await store.create(k1, b"a1")
    r2 = await store.create(k2, b"b1")
    await store.create("/registry/services/ns/a", b"other")  # outside the prefix
    r3 = await store.update(k1, b"a2", r1)
    r4, _ = await store.delete(k2)
    r5 = await store.create(k2, b"b2")  # after the window
    assert summary(await store.history(PODS, r2, r4)) == [
        ("PUT", k2, b"b1", None, r2),
        ("PUT", k1, b"a2", b"a1", r3),
        ("DELETE", k2, None, b"b1", r4),
    ]
    assert summary(await store.history(PODS, r5, r5)) == [("PUT", k2, b"b2", None, r5)]
    assert await store.history(PODS, r5 + 1, r5) == []
    await store.compact(r3)
    with pytest.raises(CompactedError):
        await store.history(PODS, r1, r5)


# ---- concurrency


async def test_concurrent_creates_of_one_key_have_one_winner(store: Store) -> None:
    key = PODS + "default/contended"
    results = await asyncio.gather(*(store.create(key, f"writer-{i}".encode()) for i in range(30)),
                                   return_exceptions=True)
    wins = [(i, r) for i, r in enumerate(results) if isinstance(r, int)]
    assert len(wins) == 1, results
    assert all(isinstance(r, KeyExistsError) for r in results if not isinstance(r, int)), results
    winner, rev = wins[0]
    assert await store.get(key) == KeyValue(key, f"writer-{winner}".encode(), rev, rev)


async def test_concurrent_updates_of_one_key_have_one_winner(store: Store) -> None:
    key = PODS + "default/contended"
    rev = await store.create(key, b"0")
    results = await asyncio.gather(*(store.update(key, f"writer-{i}".encode(), rev) for i in range(30)),
                                   return_exceptions=True)
    wins = [(i, r) for i, r in enumerate(results) if isinstance(r, int)]
    assert len(wins) == 1, results
    winner, new = wins[0]
    for r in results:
        if not isinstance(r, int):
            assert isinstance(r, RevisionMismatchError)
            assert r.current is not None and r.current.mod_revision == new
    assert (await store.get(key)).value == f"writer-{winner}".encode()


async def test_200_concurrent_writers(store: Store) -> None:
    start = await store.current_revision() + 1

    async def writer(i: int) -> tuple[str, bytes, int]:
        key, value = f"{PODS}ns{i % 5}/pod-{i:03d}", f"v2-{i}".encode()
        rev = await store.create(key, f"v1-{i}".encode())
        return key, value, await store.update(key, value, rev)

    acked = await asyncio.gather(*(writer(i) for i in range(200)))
    assert len({rev for _, _, rev in acked}) == 200
    assert await store.current_revision() == start + 399  # nothing but these writes happened

    for key, value, rev in acked:
        kv = await store.get(key)
        assert kv is not None and (kv.value, kv.mod_revision) == (value, rev)
    listed = await store.list(PODS)
    assert {kv.key: (kv.value, kv.mod_revision) for kv in listed.items} == {k: (v, r) for k, v, r in acked}
    assert await store.count(PODS) == 200

    events = await next_events(store, PODS, start, 400)
    assert [e.revision for e in events] == list(range(start, start + 400))
    assert sum(e.is_create for e in events) == 200


async def test_current_revision_is_never_ahead_of_what_reads_see(store: Store, request: pytest.FixtureRequest) -> None:
    # A client that takes current_revision() as "now" (an empty list's resourceVersion) and then
    # watches from the next revision must not miss a write that was in flight at that moment.
    async def writer(w: int) -> None:
        for i in range(40):
            await store.create(f"{PODS}ns/w{w:02d}-{i:03d}", b"x")

    writers = asyncio.gather(*(writer(w) for w in range(10)))
    ahead = []
    while not writers.done():
        now = await store.current_revision()
        seen = (await store.list(PODS, limit=1)).revision
        if seen < now:
            ahead.append((now, seen))
    await writers
    assert not ahead, f"current_revision() reported revisions reads could not see yet: {ahead[:5]}"
