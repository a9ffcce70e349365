"""The etcd v3 backend: the same revisioned model, kept by an etcd cluster (for HA).

It speaks etcd's gRPC API (`etcdserverpb.KV` and `etcdserverpb.Watch`) with
grpcio. The few messages it needs are declared below from the field numbers
etcd publishes in `api/etcdserverpb/rpc.proto` and `api/mvccpb/kv.proto`, so
no generated code is carried. Keys are stored as given (after the optional
prefix), so `etcdctl get --prefix /registry/` shows what upstream shows.

Several endpoints may be given: a call goes to the last endpoint that
answered and moves on to the next one when that one cannot be reached (or has
no leader); watches reconnect with backoff and resume after the last revision
they delivered.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

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
    UnavailableError,
)

log = logging.getLogger("bosun.storage.etcd")

# ---- the etcd v3 messages used here (wire-compatible subset of rpc.proto / kv.proto)

# name -> [(field, number, type)], "*" before a type means repeated; enums are declared as int32
# (same wire encoding). `_ONEOFS` groups fields that etcd declares inside a oneof, which matters
# for presence: `Compare.create_revision = 0` must still be sent.
_MESSAGES: dict[str, list[tuple[str, int, str]]] = {
    "ResponseHeader": [("cluster_id", 1, "uint64"), ("member_id", 2, "uint64"), ("revision", 3, "int64"),
                       ("raft_term", 4, "uint64")],
    "KeyValue": [("key", 1, "bytes"), ("create_revision", 2, "int64"), ("mod_revision", 3, "int64"),
                 ("version", 4, "int64"), ("value", 5, "bytes"), ("lease", 6, "int64")],
    "Event": [("type", 1, "int32"), ("kv", 2, "KeyValue"), ("prev_kv", 3, "KeyValue")],
    "RangeRequest": [("key", 1, "bytes"), ("range_end", 2, "bytes"), ("limit", 3, "int64"),
                     ("revision", 4, "int64"), ("sort_order", 5, "int32"), ("sort_target", 6, "int32"),
                     ("serializable", 7, "bool"), ("keys_only", 8, "bool"), ("count_only", 9, "bool")],
    "RangeResponse": [("header", 1, "ResponseHeader"), ("kvs", 2, "*KeyValue"), ("more", 3, "bool"),
                      ("count", 4, "int64")],
    "PutRequest": [("key", 1, "bytes"), ("value", 2, "bytes"), ("lease", 3, "int64"), ("prev_kv", 4, "bool")],
    "PutResponse": [("header", 1, "ResponseHeader"), ("prev_kv", 2, "KeyValue")],
    "DeleteRangeRequest": [("key", 1, "bytes"), ("range_end", 2, "bytes"), ("prev_kv", 3, "bool")],
    "DeleteRangeResponse": [("header", 1, "ResponseHeader"), ("deleted", 2, "int64"),
                            ("prev_kvs", 3, "*KeyValue")],
    "RequestOp": [("request_range", 1, "RangeRequest"), ("request_put", 2, "PutRequest"),
                  ("request_delete_range", 3, "DeleteRangeRequest")],
    "ResponseOp": [("response_range", 1, "RangeResponse"), ("response_put", 2, "PutResponse"),
                   ("response_delete_range", 3, "DeleteRangeResponse")],
    "Compare": [("result", 1, "int32"), ("target", 2, "int32"), ("key", 3, "bytes"), ("version", 4, "int64"),
                ("create_revision", 5, "int64"), ("mod_revision", 6, "int64"), ("value", 7, "bytes"),
                ("range_end", 64, "bytes")],
    "TxnRequest": [("compare", 1, "*Compare"), ("success", 2, "*RequestOp"), ("failure", 3, "*RequestOp")],
    "TxnResponse": [("header", 1, "ResponseHeader"), ("succeeded", 2, "bool"), ("responses", 3, "*ResponseOp")],
    "CompactionRequest": [("revision", 1, "int64"), ("physical", 2, "bool")],
    "CompactionResponse": [("header", 1, "ResponseHeader")],
    "WatchCreateRequest": [("key", 1, "bytes"), ("range_end", 2, "bytes"), ("start_revision", 3, "int64"),
                           ("progress_notify", 4, "bool"), ("prev_kv", 6, "bool"), ("watch_id", 7, "int64"),
                           ("fragment", 8, "bool")],
    "WatchCancelRequest": [("watch_id", 1, "int64")],
    "WatchRequest": [("create_request", 1, "WatchCreateRequest"), ("cancel_request", 2, "WatchCancelRequest")],
    "WatchResponse": [("header", 1, "ResponseHeader"), ("watch_id", 2, "int64"), ("created", 3, "bool"),
                      ("canceled", 4, "bool"), ("compact_revision", 5, "int64"), ("cancel_reason", 6, "string"),
                      ("fragment", 7, "bool"), ("events", 11, "*Event")],
}
_ONEOFS = {
    "RequestOp": ("request", {"request_range", "request_put", "request_delete_range"}),
    "ResponseOp": ("response", {"response_range", "response_put", "response_delete_range"}),
    "Compare": ("target_union", {"version", "create_revision", "mod_revision", "value"}),
    "WatchRequest": ("request_union", {"create_request", "cancel_request"}),
}
_PACKAGE = "bosun.etcdv3"


def _build_messages() -> dict[str, Any]:
    fd = descriptor_pb2.FieldDescriptorProto
    scalar = {"bytes": fd.TYPE_BYTES, "string": fd.TYPE_STRING, "int64": fd.TYPE_INT64,
              "uint64": fd.TYPE_UINT64, "int32": fd.TYPE_INT32, "bool": fd.TYPE_BOOL}
    file = descriptor_pb2.FileDescriptorProto(name="bosun_etcdv3.proto", package=_PACKAGE, syntax="proto3")
    for name, fields in _MESSAGES.items():
        msg = file.message_type.add(name=name)
        oneof = _ONEOFS.get(name)
        if oneof:
            msg.oneof_decl.add(name=oneof[0])
        for fname, number, ftype in fields:
            repeated = ftype.startswith("*")
            ftype = ftype.lstrip("*")
            f = msg.field.add(name=fname, number=number,
                              label=fd.LABEL_REPEATED if repeated else fd.LABEL_OPTIONAL)
            if ftype in scalar:
                f.type = scalar[ftype]
            else:
                f.type = fd.TYPE_MESSAGE
                f.type_name = f".{_PACKAGE}.{ftype}"
            if oneof and fname in oneof[1]:
                f.oneof_index = 0
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return {name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{_PACKAGE}.{name}"))
            for name in _MESSAGES}


_pb = _build_messages()
RangeRequest = _pb["RangeRequest"]
RangeResponse = _pb["RangeResponse"]
PutRequest = _pb["PutRequest"]
DeleteRangeRequest = _pb["DeleteRangeRequest"]
RequestOp = _pb["RequestOp"]
Compare = _pb["Compare"]
TxnRequest = _pb["TxnRequest"]
TxnResponse = _pb["TxnResponse"]
CompactionRequest = _pb["CompactionRequest"]
CompactionResponse = _pb["CompactionResponse"]
WatchCreateRequest = _pb["WatchCreateRequest"]
WatchRequest = _pb["WatchRequest"]
WatchResponse = _pb["WatchResponse"]

# Compare.CompareResult / Compare.CompareTarget / mvccpb.Event.EventType
_EQUAL, _GREATER = 0, 1
_CREATE, _MOD = 1, 2
_DELETE = 1

_METHODS = {
    "Range": ("/etcdserverpb.KV/Range", RangeResponse),
    "Txn": ("/etcdserverpb.KV/Txn", TxnResponse),
    "Compact": ("/etcdserverpb.KV/Compact", CompactionResponse),
}
_WATCH = "/etcdserverpb.Watch/Watch"

# Asks a member without a raft leader to refuse at once (etcd's rpctypes.MetadataRequireLeaderKey),
# so the request moves on to a member that can serve it instead of hanging.
_REQUIRE_LEADER = (("hasleader", "true"),)

_CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", -1),
    ("grpc.max_send_message_length", -1),
    ("grpc.keepalive_time_ms", 10_000),
    ("grpc.keepalive_timeout_ms", 5_000),
    ("grpc.keepalive_permit_without_calls", 0),
    ("grpc.http2.max_pings_without_data", 0),
    # A restarted member must be found again in seconds, not after grpc's default 2 minute backoff.
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2_000),
]

_COMPACTED = "required revision has been compacted"
_FUTURE = "required revision is a future revision"


class _Compacted(StorageError):
    pass


class _Future(StorageError):
    pass


def _unreachable(err: grpc.aio.AioRpcError) -> bool:
    return err.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def _not_sent(err: grpc.aio.AioRpcError) -> bool:
    """True when the request surely did not reach a member that could apply it (safe to resend a write)."""
    details = err.details() or ""
    return err.code() == grpc.StatusCode.UNAVAILABLE and (
        "failed to connect" in details or "no leader" in details or "Connection refused" in details)


def _range_end(key: bytes) -> bytes:
    """etcd's range end for every key starting with `key` (`\\0` means: to the end of the keyspace)."""
    end = bytearray(key)
    while end:
        if end[-1] < 0xFF:
            end[-1] += 1
            return bytes(end)
        end.pop()
    return b"\0"


@dataclass
class _Endpoint:
    target: str
    channel: grpc.aio.Channel
    calls: dict[str, Any] = field(default_factory=dict)


class EtcdStore(Store):
    """A `Store` kept in etcd v3; `prefix` is put before every key (for sharing one etcd)."""

    name = "etcd"

    def __init__(
        self,
        endpoints: list[str],
        prefix: str = "",
        *,
        request_timeout: float = 15.0,
        ca_file: str | None = None,
        cert_file: str | None = None,
        key_file: str | None = None,
    ) -> None:
        if not endpoints:
            raise ValueError("etcd: no endpoints")
        self.endpoints = list(endpoints)
        self.prefix = prefix
        self.request_timeout = request_timeout
        self._tls = (ca_file, cert_file, key_file)
        self._conns: list[_Endpoint] = []
        self._active = 0
        self._closed = False

    # ---- lifecycle and transport

    async def start(self) -> None:
        ca_file, cert_file, key_file = self._tls
        for endpoint in self.endpoints:
            scheme, _, rest = endpoint.rpartition("://")
            target = rest.rstrip("/")
            if scheme == "https" or ca_file or cert_file:
                def read(path: str | None) -> bytes | None:
                    if path is None:
                        return None
                    with open(path, "rb") as f:
                        return f.read()
                creds = grpc.ssl_channel_credentials(read(ca_file), read(key_file), read(cert_file))
                channel = grpc.aio.secure_channel(target, creds, options=_CHANNEL_OPTIONS)
            else:
                channel = grpc.aio.insecure_channel(target, options=_CHANNEL_OPTIONS)
            conn = _Endpoint(target, channel)
            for name, (path, response) in _METHODS.items():
                conn.calls[name] = channel.unary_unary(
                    path, request_serializer=_serialize, response_deserializer=response.FromString)
            conn.calls["Watch"] = channel.stream_stream(
                _WATCH, request_serializer=_serialize, response_deserializer=WatchResponse.FromString)
            self._conns.append(conn)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for conn in self._conns:
            await conn.channel.close()

    async def _call(self, method: str, request: Any, *, resend: bool) -> Any:
        """One unary call, moving on through the endpoints while they cannot be reached.

        `resend` says whether the request may be repeated after an error that leaves it unknown
        whether it was applied (reads); writes move on only when they surely were not sent.
        """
        if self._closed or not self._conns:
            raise StorageError("etcd store is closed" if self._closed else "etcd store not started")
        n = len(self._conns)
        last: grpc.aio.AioRpcError | None = None
        for i in range(n):
            idx = (self._active + i) % n
            conn = self._conns[idx]
            try:
                response = await conn.calls[method](
                    request, timeout=self.request_timeout, metadata=_REQUIRE_LEADER)
            except grpc.aio.AioRpcError as e:
                if not _unreachable(e):
                    raise _translate(e) from None
                if not resend and not _not_sent(e):
                    raise UnavailableError(f"etcd {conn.target}: {e.details()} (the write may have been applied)") from None
                last = e
                continue
            if idx != self._active:
                log.info("etcd: now using endpoint %s", conn.target)
                self._active = idx
            return response
        assert last is not None
        raise UnavailableError(f"no etcd endpoint answered ({', '.join(self.endpoints)}): {last.details()}")

    # ---- keys

    def _key(self, key: str) -> bytes:
        return (self.prefix + key).encode()

    def _span(self, prefix: str) -> tuple[bytes, bytes]:
        """etcd's [key, range_end) for every key under prefix."""
        key = self._key(prefix)
        return (key, _range_end(key)) if key else (b"\0", b"\0")

    def _kv(self, kv: Any) -> KeyValue:
        return KeyValue(kv.key.decode()[len(self.prefix):], kv.value, kv.mod_revision, kv.create_revision)

    # ---- reads

    async def get(self, key: str) -> KeyValue | None:
        resp = await self._call("Range", RangeRequest(key=self._key(key)), resend=True)
        return self._kv(resp.kvs[0]) if resp.kvs else None

    async def list(self, prefix: str, *, start_key: str = "", limit: int = 0, revision: int = 0) -> ListResult:
        key, end = self._span(prefix)
        if start_key > prefix:
            key = self._key(start_key)
        req = RangeRequest(key=key, range_end=end, limit=max(limit, 0), revision=revision)
        try:
            resp = await self._call("Range", req, resend=True)
        except _Compacted:
            raise CompactedError(revision, await self._compaction_point(revision)) from None
        except _Future:
            raise FutureRevisionError(revision, await self.current_revision()) from None
        items = [self._kv(kv) for kv in resp.kvs]
        more = bool(resp.more)
        return ListResult(items, revision or resp.header.revision, more, resp.count - len(items) if more else 0)

    async def count(self, prefix: str) -> int:
        key, end = self._span(prefix)
        resp = await self._call("Range", RangeRequest(key=key, range_end=end, count_only=True), resend=True)
        return resp.count

    async def current_revision(self) -> int:
        key, end = self._span("")
        resp = await self._call("Range", RangeRequest(key=key, range_end=end, count_only=True, limit=1),
                                resend=True)
        return resp.header.revision

    async def compacted_revision(self) -> int:
        try:
            key, end = self._span("")
            await self._call("Range", RangeRequest(key=key, range_end=end, revision=1, count_only=True, limit=1),
                             resend=True)
        except _Compacted:
            return await self._compaction_point(1)
        return 0

    async def _compaction_point(self, revision: int) -> int:
        """etcd's compaction revision, known to be above `revision`.

        etcd names it only when refusing a watch at a compacted revision, so ask that way.
        """
        conn = self._conns[self._active]
        call = conn.calls["Watch"](metadata=_REQUIRE_LEADER)
        try:
            await call.write(WatchRequest(create_request=WatchCreateRequest(
                key=self._key("\0"), start_revision=max(revision, 1))))
            async with asyncio.timeout(self.request_timeout):
                while True:
                    resp = await call.read()
                    if resp is grpc.aio.EOF:
                        return 0
                    if resp.compact_revision:
                        return resp.compact_revision
        except (grpc.aio.AioRpcError, TimeoutError):
            return 0
        finally:
            call.cancel()

    # ---- writes

    async def _txn(self, txn: Any) -> Any:
        return await self._call("Txn", txn, resend=False)

    async def create(self, key: str, value: bytes) -> int:
        k = self._key(key)
        resp = await self._txn(TxnRequest(
            compare=[Compare(result=_EQUAL, target=_CREATE, key=k, create_revision=0)],
            success=[RequestOp(request_put=PutRequest(key=k, value=value))],
        ))
        if not resp.succeeded:
            raise KeyExistsError(key)
        return resp.header.revision

    async def update(self, key: str, value: bytes, expected_revision: int) -> int:
        k = self._key(key)
        compare = [Compare(result=_EQUAL, target=_MOD, key=k, mod_revision=expected_revision)]
        if expected_revision <= 0:
            # mod_revision 0 is how etcd compares a missing key: an update never creates.
            compare.append(Compare(result=_GREATER, target=_CREATE, key=k, create_revision=0))
        resp = await self._txn(TxnRequest(
            compare=compare,
            success=[RequestOp(request_put=PutRequest(key=k, value=value))],
            failure=[RequestOp(request_range=RangeRequest(key=k))],
        ))
        if not resp.succeeded:
            kvs = resp.responses[0].response_range.kvs
            raise RevisionMismatchError(key, self._kv(kvs[0]) if kvs else None)
        return resp.header.revision

    async def delete(self, key: str, expected_revision: int = 0) -> tuple[int, KeyValue]:
        k = self._key(key)
        if expected_revision:
            compare = Compare(result=_EQUAL, target=_MOD, key=k, mod_revision=expected_revision)
        else:
            compare = Compare(result=_GREATER, target=_CREATE, key=k, create_revision=0)
        resp = await self._txn(TxnRequest(
            compare=[compare],
            success=[RequestOp(request_delete_range=DeleteRangeRequest(key=k, prev_kv=True))],
            failure=[RequestOp(request_range=RangeRequest(key=k))],
        ))
        if not resp.succeeded:
            kvs = resp.responses[0].response_range.kvs
            if not kvs:
                raise KeyNotFoundError(key)
            raise RevisionMismatchError(key, self._kv(kvs[0]))
        prev = resp.responses[0].response_delete_range.prev_kvs
        return resp.header.revision, self._kv(prev[0])

    async def compact(self, revision: int) -> None:
        try:
            await self._call("Compact", CompactionRequest(revision=revision), resend=True)
        except _Compacted:
            return  # already compacted at or past this revision
        except _Future:
            await self.compact(await self.current_revision())

    # ---- watch

    async def history(self, prefix: str, from_revision: int, to_revision: int) -> list[Event]:
        """Past events, read through a watch from `from_revision`.

        etcd sends a new watch its history in batches (one per sync tick, 100 ms) and has
        no marker for "history done" (3.4 answers progress requests before that), so the
        read ends at the first event past `to_revision`, or when a second goes by without
        a batch while etcd's present is at or past `to_revision`.
        """
        out: list[Event] = []
        if from_revision > to_revision:
            return out
        key, end = self._span(prefix)
        conn = self._conns[self._active]
        call = conn.calls["Watch"](metadata=_REQUIRE_LEADER)
        present = 0
        try:
            await call.write(WatchRequest(create_request=WatchCreateRequest(
                key=key, range_end=end, start_revision=max(from_revision, 1), prev_kv=True)))
            async with asyncio.timeout(self.request_timeout * 4):
                while True:
                    try:
                        async with asyncio.timeout(1.0):
                            resp = await call.read()
                    except TimeoutError:
                        if present >= to_revision:
                            return out
                        continue
                    if resp is grpc.aio.EOF:
                        raise UnavailableError(f"etcd ended the history watch on {prefix}")
                    if resp.compact_revision:
                        raise CompactedError(from_revision, resp.compact_revision)
                    if resp.canceled:
                        raise StorageError(f"etcd canceled the watch on {prefix}: {resp.cancel_reason}")
                    present = max(present, resp.header.revision)
                    for e in resp.events:
                        if e.kv.mod_revision > to_revision:
                            return out
                        if e.kv.mod_revision >= from_revision:
                            out.append(self._event(e))
        except grpc.aio.AioRpcError as e:
            raise _translate(e) from None
        except TimeoutError:
            raise UnavailableError(f"etcd did not finish the history of {prefix} in time") from None
        finally:
            call.cancel()

    def _event(self, ev: Any) -> Event:
        kv = ev.kv
        prev = ev.prev_kv if ev.HasField("prev_kv") else None
        key = kv.key.decode()[len(self.prefix):]
        if ev.type == _DELETE:
            return Event("DELETE", key, None, prev.value if prev else None, kv.mod_revision,
                         prev.create_revision if prev else 0)
        return Event("PUT", key, kv.value, prev.value if prev else None, kv.mod_revision, kv.create_revision)

    async def watch(self, prefix: str, start_revision: int) -> AsyncIterator[list[Event]]:
        key, end = self._span(prefix)
        next_rev = start_revision  # 0 until etcd says where "now" is
        delay = 0.1
        failures = 0
        while not self._closed:
            if not self._conns:
                raise StorageError("etcd store not started")
            conn = self._conns[self._active]
            call = conn.calls["Watch"](metadata=_REQUIRE_LEADER)
            try:
                await call.write(WatchRequest(create_request=WatchCreateRequest(
                    key=key, range_end=end, start_revision=next_rev, prev_kv=True)))
                while True:
                    resp = await call.read()
                    if resp is grpc.aio.EOF:
                        break
                    if resp.compact_revision:
                        raise CompactedError(next_rev, resp.compact_revision)
                    if resp.canceled:
                        raise StorageError(f"etcd canceled the watch on {prefix}: {resp.cancel_reason}")
                    if resp.created:
                        if failures:
                            log.info("etcd: watch on %s resumed at revision %d via %s", prefix, next_rev,
                                     conn.target)
                        failures, delay = 0, 0.1
                        if next_rev == 0:
                            next_rev = resp.header.revision + 1
                        continue
                    # A revision never spans two responses (no `fragment`), so resuming at the
                    # revision after the last one delivered neither loses nor repeats events.
                    batch = [self._event(e) for e in resp.events if e.kv.mod_revision >= next_rev]
                    if batch:
                        next_rev = batch[-1].revision + 1
                        yield batch
            except grpc.aio.AioRpcError as e:
                if self._closed or e.code() == grpc.StatusCode.CANCELLED:
                    return
                if not _unreachable(e):
                    raise _translate(e) from None
                if failures == 0:
                    log.warning("etcd: watch on %s lost via %s (%s); reconnecting", prefix, conn.target,
                                e.details())
                failures += 1
            finally:
                call.cancel()
            if failures:
                if len(self._conns) > 1 and self._conns[self._active] is conn:
                    self._active = (self._active + 1) % len(self._conns)
                await asyncio.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 5.0)
            else:
                failures = 1  # the stream ended without error: reconnect at once, back off if it repeats


def _serialize(message: Any) -> bytes:
    return message.SerializeToString()


def _translate(err: grpc.aio.AioRpcError) -> StorageError:
    details = err.details() or str(err.code())
    if _COMPACTED in details:
        return _Compacted(details)
    if _FUTURE in details:
        return _Future(details)
    return StorageError(f"etcd: {details}")
