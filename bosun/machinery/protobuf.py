"""The Kubernetes protobuf encoding (`application/vnd.kubernetes.protobuf`) for wire-form dicts.

One generic transcoder driven by `bosun/api/protobuf_fields.json`, the table of
message facts `tools/extract_proto_facts.py` extracts from kubectl: every message
is a list of rows `[json name, number, type, flags(, map key, map value)]`,
flags `r` repeated, `i` an `,inline` embedded struct, `z` a non-pointer
`omitempty` scalar (a zero read from the wire means "unset", as JSON would have
left it out).

An object on the wire is `MAGIC` followed by a `runtime.Unknown` whose `raw`
holds the message of its kind; a watch stream is a sequence of 4-byte
big-endian length-prefixed `meta.v1.WatchEvent`s whose `object.raw` holds the
object in that same enveloped form.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import threading
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import orjson

MAGIC = b"k8s\x00"
CONTENT_TYPE = "application/vnd.kubernetes.protobuf"
WATCH_CONTENT_TYPE = "application/vnd.kubernetes.protobuf;stream=watch"

FACTS_PATH = Path(__file__).resolve().parent.parent / "api" / "protobuf_fields.json"

# Fixed wire contracts of the envelopes (checked against the facts table in the tests).
UNKNOWN_TYPE_META, UNKNOWN_RAW, UNKNOWN_CONTENT_ENCODING, UNKNOWN_CONTENT_TYPE = 1, 2, 3, 4
TYPE_META_API_VERSION, TYPE_META_KIND = 1, 2
WATCH_EVENT_TYPE, WATCH_EVENT_OBJECT = 1, 2
RAW_EXTENSION_RAW = 1

_META = "k8s.io.apimachinery.pkg.apis.meta.v1."
TIME = _META + "Time"
MICRO_TIME = _META + "MicroTime"
DURATION = _META + "Duration"
FIELDS_V1 = _META + "FieldsV1"
INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity"
QUANTITY_VALUE = "k8s.io.apimachinery.pkg.api.resource.QuantityValue"
RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension"


class ProtobufError(ValueError):
    """A body that cannot be transcoded: bad bytes, or a kind without a protobuf message."""


# Value kinds of a field (or of a map key/value).
STRING, INT32, INT64, BOOL, BYTES, MESSAGE = range(6)
# Message flavours: an ordinary struct, or a type with its own JSON form.
(
    PLAIN,
    K_TIME,
    K_MICRO_TIME,
    K_DURATION,
    K_INT_OR_STRING,
    K_QUANTITY,
    K_RAW_EXTENSION,
    K_FIELDS_V1,
    K_LIST,
) = range(9)

_SCALARS = {"string": STRING, "int32": INT32, "int64": INT64, "bool": BOOL, "bytes": BYTES}
_SPECIAL = {
    TIME: K_TIME,
    MICRO_TIME: K_MICRO_TIME,
    DURATION: K_DURATION,
    INT_OR_STRING: K_INT_OR_STRING,
    QUANTITY: K_QUANTITY,
    QUANTITY_VALUE: K_QUANTITY,
    RAW_EXTENSION: K_RAW_EXTENSION,
    FIELDS_V1: K_FIELDS_V1,
}
_WIRE_LEN, _WIRE_VARINT = 2, 0
# What bad bytes raise deep in the decoder; the public functions turn them into ProtobufError.
_MALFORMED = (
    IndexError,
    KeyError,
    AttributeError,
    UnicodeDecodeError,
    TypeError,
    ValueError,
    OverflowError,
    RecursionError,
)
_U64 = (1 << 64) - 1


@cache
def _facts() -> dict[str, Any]:
    return orjson.loads(FACTS_PATH.read_bytes())


class _Field:
    __slots__ = (
        "name",
        "number",
        "kind",
        "message",
        "repeated",
        "inline",
        "zero_unset",
        "tag",
        "key_kind",
        "value_kind",
        "value_message",
        "is_map",
    )

    def __init__(self, row: list) -> None:
        self.name: str = row[0]
        self.number: int = row[1]
        flags: str = row[3]
        self.repeated = "r" in flags
        self.inline = "i" in flags
        self.zero_unset = "z" in flags
        self.is_map = row[2] == "map"
        self.message: _Message | None = None
        self.value_message: _Message | None = None
        self.key_kind = self.value_kind = STRING
        if self.is_map:
            self.kind = MESSAGE
            self.key_kind = _SCALARS[row[4]]
            self.value_kind, self.value_message = _type_of(row[5])
        else:
            self.kind, self.message = _type_of(row[2])
        wire = _WIRE_VARINT if self.kind in (INT32, INT64, BOOL) else _WIRE_LEN
        self.tag = _varint((self.number << 3) | wire)


class _Message:
    """One message's fields, ready for both directions."""

    __slots__ = ("name", "flavour", "fields", "by_number", "by_name", "inline")

    def __init__(self, name: str) -> None:
        self.name = name
        self.flavour = _SPECIAL.get(name, PLAIN)
        self.fields: list[_Field] = []
        self.by_number: dict[int, _Field] = {}
        self.by_name: dict[str, _Field] = {}
        self.inline: list[_Field] = []


_messages: dict[str, _Message] = {}
_building: dict[str, _Message] = {}
_compile_lock = threading.RLock()


def _message(name: str) -> _Message:
    msg = _messages.get(name)
    if msg is not None:
        return msg
    with _compile_lock:
        msg = _messages.get(name) or _building.get(name)
        if msg is not None:
            return msg  # compiled meanwhile, or a cycle back to a message being compiled
        rows = _facts()["messages"].get(name)
        if rows is None:
            raise ProtobufError(f"no protobuf message {name}")
        outermost = not _building
        try:
            msg = _building[name] = _Message(name)
            if name in _lists():
                msg.flavour = K_LIST
            msg.fields = [_Field(row) for row in rows]
            msg.by_number = {f.number: f for f in msg.fields}
            msg.by_name = {f.name: f for f in msg.fields if not f.inline}
            msg.inline = [f for f in msg.fields if f.inline]
            if outermost:
                # Publish only complete messages: other threads read `_messages` unlocked.
                _messages.update(_building)
        finally:
            if outermost:
                _building.clear()
        return msg


@cache
def _lists() -> frozenset[str]:
    return frozenset(_facts()["lists"])


def _type_of(type_name: str) -> tuple[int, _Message | None]:
    kind = _SCALARS.get(type_name)
    if kind is not None:
        return kind, None
    return MESSAGE, _message(type_name)


@cache
def _kinds() -> dict[str, str]:
    return _facts()["kinds"]


def message_for(api_version: str, kind: str) -> str | None:
    """The protobuf message full name for an apiVersion and kind, if it has one."""
    return _kinds().get(f"{api_version}/{kind}")


# ---------------------------------------------------------------- wire primitives


_ONE_BYTE = [bytes([i]) for i in range(128)]


def _varint(value: int) -> bytes:
    if 0 <= value < 128:
        return _ONE_BYTE[value]
    value &= _U64
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    b = buf[pos]
    pos += 1
    if b < 0x80:
        return b, pos
    result = b & 0x7F
    shift = 7
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result & _U64, pos
        shift += 7
        if shift > 63:
            raise ProtobufError("varint too long")


def _skip(buf: bytes, pos: int, wire: int) -> int:
    if wire == 0:
        return _read_varint(buf, pos)[1]
    if wire == 2:
        n, pos = _read_varint(buf, pos)
        return pos + n
    if wire == 1:
        return pos + 8
    if wire == 5:
        return pos + 4
    raise ProtobufError(f"unsupported wire type {wire}")


def _fields(buf: bytes, pos: int, end: int):
    """Yield (number, wire type, value or start, end) for each field in buf[pos:end]."""
    while pos < end:
        key, pos = _read_varint(buf, pos)
        wire = key & 7
        if wire == 0:
            value, pos = _read_varint(buf, pos)
            yield key >> 3, 0, value, pos
        elif wire == 2:
            n, pos = _read_varint(buf, pos)
            start, pos = pos, pos + n
            if pos > end:
                raise ProtobufError("truncated field")
            yield key >> 3, 2, start, pos
        else:
            pos = _skip(buf, pos, wire)
            yield key >> 3, wire, None, pos
    if pos != end:
        raise ProtobufError("truncated message")


# ---------------------------------------------------------------- decoding


def _scalar_from_varint(kind: int, value: int) -> Any:
    if kind == INT64:
        return value - (1 << 64) if value >= 1 << 63 else value
    if kind == INT32:
        value &= 0xFFFFFFFF
        return value - (1 << 32) if value >= 1 << 31 else value
    if kind == BOOL:
        return value != 0
    raise ProtobufError("varint for a length-delimited field")


def _decode_value(kind: int, msg: _Message | None, buf: bytes, start: int, end: int) -> Any:
    """A length-delimited value (string, bytes or message) as its JSON form."""
    if kind == STRING:
        return buf[start:end].decode("utf-8", "replace")
    if kind == BYTES:
        return base64.b64encode(buf[start:end]).decode("ascii")
    if kind == MESSAGE:
        return _decode_message(msg, buf, start, end)  # type: ignore[arg-type]
    raise ProtobufError("length-delimited data for a varint field")


def _decode_message(msg: _Message, buf: bytes, pos: int, end: int) -> Any:
    if msg.flavour != PLAIN:
        return _decode_special(msg, buf, pos, end)
    out: dict[str, Any] = {}
    by_number = msg.by_number
    # The hot loop: varints of one byte (nearly every key and length) take the fast path.
    while pos < end:
        key = buf[pos]
        pos += 1
        if key >= 0x80:
            key, pos = _read_varint(buf, pos - 1)
        wire = key & 7
        if wire == 2:
            n = buf[pos]
            pos += 1
            if n >= 0x80:
                n, pos = _read_varint(buf, pos - 1)
            start = pos
            pos += n
            if pos > end:
                raise ProtobufError(f"{msg.name}: truncated field")
            f = by_number.get(key >> 3)
            if f is None:
                continue
            kind = f.kind
            if kind == STRING:
                if not n and f.zero_unset:
                    out.pop(f.name, None)
                    continue
                v = buf[start:pos].decode("utf-8", "replace")
            elif kind == MESSAGE:
                if f.is_map:
                    k, v = _decode_entry(f, buf, start, pos)
                    out.setdefault(f.name, {})[k] = v
                    continue
                v = _decode_message(f.message, buf, start, pos)  # type: ignore[arg-type]
                if f.inline:
                    out.update(v)
                    continue
            elif kind == BYTES:
                v = base64.b64encode(buf[start:pos]).decode("ascii")
            elif f.repeated:
                # Packed repeated scalars: accepted though gogo's proto2 never packs them.
                items = out.setdefault(f.name, [])
                p = start
                while p < pos:
                    raw, p = _read_varint(buf, p)
                    items.append(_scalar_from_varint(kind, raw))
                continue
            else:
                raise ProtobufError(f"{msg.name}.{f.name}: length-delimited data for a varint field")
        elif wire == 0:
            v = buf[pos]
            pos += 1
            if v >= 0x80:
                v, pos = _read_varint(buf, pos - 1)
            f = by_number.get(key >> 3)
            if f is None:
                continue
            v = _scalar_from_varint(f.kind, v)
        else:
            pos = _skip(buf, pos, wire)
            continue
        if f.repeated:
            items = out.get(f.name)
            if items is None:
                out[f.name] = [v]
            else:
                items.append(v)
        elif v is None or (f.zero_unset and not v):
            out.pop(f.name, None)
        else:
            out[f.name] = v
    if pos != end:
        raise ProtobufError(f"{msg.name}: truncated message")
    return out


def _decode_entry(f: _Field, buf: bytes, pos: int, end: int) -> tuple[Any, Any]:
    key: Any = None
    value: Any = None
    for number, wire, v, stop in _fields(buf, pos, end):
        if number == 1:
            key = (
                _scalar_from_varint(f.key_kind, v)
                if wire == 0
                else _decode_value(f.key_kind, None, buf, v, stop)
            )
        elif number == 2:
            if wire == 0:
                value = _scalar_from_varint(f.value_kind, v)
            else:
                value = _decode_value(f.value_kind, f.value_message, buf, v, stop)
    if key is None:
        key = "" if f.key_kind == STRING else 0
    if value is None:
        value = _zero(f.value_kind, f.value_message)
    return key, value


def _zero(kind: int, msg: _Message | None) -> Any:
    if kind == MESSAGE:
        return _decode_message(msg, b"", 0, 0)  # type: ignore[arg-type]
    return {STRING: "", BYTES: "", INT32: 0, INT64: 0, BOOL: False}[kind]


def _decode_special(msg: _Message, buf: bytes, pos: int, end: int) -> Any:
    flavour = msg.flavour
    values: dict[int, Any] = {}
    for number, wire, v, stop in _fields(buf, pos, end):
        if flavour == K_LIST:
            if number == 1 and wire == 2:
                values.setdefault(1, []).append(buf[v:stop].decode("utf-8", "replace"))
        else:
            values[number] = v if wire == 0 else buf[v:stop]
    if flavour in (K_TIME, K_MICRO_TIME):
        seconds = _scalar_from_varint(INT64, values.get(1, 0))
        nanos = _scalar_from_varint(INT32, values.get(2, 0))
        if not seconds and not nanos:
            return None
        return format_time(seconds) if flavour == K_TIME else format_micro_time(seconds, nanos)
    if flavour == K_DURATION:
        return format_duration(_scalar_from_varint(INT64, values.get(1, 0)))
    if flavour == K_INT_OR_STRING:
        if values.get(1, 0) == 1:
            return bytes(values.get(3, b"")).decode("utf-8", "replace")
        return _scalar_from_varint(INT32, values.get(2, 0))
    if flavour == K_QUANTITY:
        text = bytes(values.get(1, b"")).decode("utf-8", "replace")
        return text or "0"
    if flavour in (K_RAW_EXTENSION, K_FIELDS_V1):
        raw = values.get(1)
        return _decode_embedded(bytes(raw)) if raw else None
    if flavour == K_LIST:
        return values.get(1, [])
    raise ProtobufError(f"no decoder for {msg.name}")


def _decode_embedded(raw: bytes) -> Any:
    if raw.startswith(MAGIC):
        return decode_object(raw)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        raise ProtobufError(f"embedded object is neither protobuf nor JSON: {e}") from None


# ---------------------------------------------------------------- encoding


def _encode_message(msg: _Message, obj: Any, out: bytearray) -> None:
    if msg.flavour != PLAIN:
        _encode_special(msg, obj, out)
        return
    if not isinstance(obj, dict):
        raise ProtobufError(f"{msg.name}: expected an object, got {type(obj).__name__}")
    # Objects are sparse next to their schemas: walk the keys, then write in field order.
    by_name = msg.by_name
    present = [
        (f.number, f, v) for k, v in obj.items() if v is not None and (f := by_name.get(k)) is not None
    ]
    if msg.inline:
        present += [(f.number, f, obj) for f in msg.inline]
    present.sort(key=_first)
    for _, f, value in present:
        if f.is_map:
            if not isinstance(value, dict):
                raise ProtobufError(f"{msg.name}.{f.name}: expected an object")
            for k in sorted(value):
                entry = bytearray()
                _encode_field(f.key_kind, None, 1, k, entry)
                v = value[k]
                if v is not None or f.value_kind == MESSAGE:
                    _encode_field(f.value_kind, f.value_message, 2, v, entry)
                out += f.tag
                _put_len(out, len(entry))
                out += entry
        elif f.repeated:
            if not isinstance(value, list):
                raise ProtobufError(f"{msg.name}.{f.name}: expected a list")
            for item in value:
                if item is not None:
                    _encode_value(f, item, out)
        else:
            _encode_value(f, value, out)


def _first(item: tuple) -> int:
    return item[0]


def _put_len(out: bytearray, n: int) -> None:
    if n < 128:
        out.append(n)
    else:
        out += _varint(n)


def _encode_value(f: _Field, value: Any, out: bytearray) -> None:
    kind = f.kind
    out += f.tag
    if kind == STRING:
        if not isinstance(value, str):
            raise ProtobufError(f"{f.name}: expected a string, got {type(value).__name__}")
        data = value.encode()
        _put_len(out, len(data))
        out += data
    elif kind == INT32 or kind == INT64:
        if not isinstance(value, int) or isinstance(value, bool):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise ProtobufError(f"{f.name}: expected an integer, got {value!r}")
        if 0 <= value < 128:
            out.append(value)
        else:
            out += _varint(value)
    elif kind == BOOL:
        if not isinstance(value, bool):
            raise ProtobufError(f"{f.name}: expected a boolean, got {value!r}")
        out.append(1 if value else 0)
    elif kind == BYTES:
        data = _b64decode(f.name, value)
        _put_len(out, len(data))
        out += data
    else:
        sub = bytearray()
        _encode_message(f.message, value, sub)  # type: ignore[arg-type]
        _put_len(out, len(sub))
        out += sub


def _encode_field(kind: int, msg: _Message | None, number: int, value: Any, out: bytearray) -> None:
    """A map entry's key or value."""
    if kind == MESSAGE:
        sub = bytearray()
        if value is not None:
            _encode_message(msg, value, sub)  # type: ignore[arg-type]
        out += _varint((number << 3) | _WIRE_LEN)
        out += _varint(len(sub))
        out += sub
        return
    if kind in (INT32, INT64, BOOL):
        out += _varint(number << 3)
        if kind == BOOL:
            out.append(1 if value else 0)
        else:
            out += _varint(int(value))
        return
    if kind == BYTES:
        data = _b64decode(str(number), value)
    elif isinstance(value, str):
        data = value.encode()
    else:
        raise ProtobufError(f"map key or value: expected a string, got {value!r}")
    out += _varint((number << 3) | _WIRE_LEN)
    out += _varint(len(data))
    out += data


def _b64decode(name: str, value: Any) -> bytes:
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if not isinstance(value, str):
        raise ProtobufError(f"{name}: expected a base64 string, got {type(value).__name__}")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as e:
        raise ProtobufError(f"{name}: illegal base64 data: {e}") from None


def _put_bytes(out: bytearray, number: int, data: bytes) -> None:
    out += _varint((number << 3) | _WIRE_LEN)
    out += _varint(len(data))
    out += data


def _put_varint(out: bytearray, number: int, value: int) -> None:
    out += _varint(number << 3)
    out += _varint(value)


def _encode_special(msg: _Message, value: Any, out: bytearray) -> None:
    flavour = msg.flavour
    if flavour in (K_TIME, K_MICRO_TIME):
        if value in (None, ""):
            return
        seconds, nanos = parse_time(value)
        if seconds:
            _put_varint(out, 1, seconds)
        if nanos:
            _put_varint(out, 2, nanos)
    elif flavour == K_DURATION:
        nanos = parse_duration(value) if isinstance(value, str) else int(value)
        _put_varint(out, 1, nanos)
    elif flavour == K_INT_OR_STRING:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ProtobufError(f"IntOrString: expected an integer or a string, got {value!r}")
        if isinstance(value, int):
            _put_varint(out, 1, 0)
            _put_varint(out, 2, value)
            _put_bytes(out, 3, b"")
        else:
            _put_varint(out, 1, 1)
            _put_varint(out, 2, 0)
            _put_bytes(out, 3, value.encode())
    elif flavour == K_QUANTITY:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ProtobufError(f"quantity: expected a string or a number, got {value!r}")
        _put_bytes(out, 1, str(value).encode())
    elif flavour in (K_RAW_EXTENSION, K_FIELDS_V1):
        if value is not None:
            _put_bytes(out, 1, orjson.dumps(value))
    elif flavour == K_LIST:
        if not isinstance(value, list):
            raise ProtobufError(f"{msg.name}: expected a list")
        for item in value:
            _put_bytes(out, 1, str(item).encode())
    else:
        raise ProtobufError(f"no encoder for {msg.name}")


# ---------------------------------------------------------------- special JSON forms

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def format_time(seconds: int) -> str:
    """metav1.Time's JSON form: RFC 3339 in UTC, whole seconds."""
    t = _EPOCH + timedelta(seconds=seconds)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"


def format_micro_time(seconds: int, nanos: int) -> str:
    """metav1.MicroTime's JSON form: RFC 3339 in UTC with six fractional digits."""
    return f"{format_time(seconds)[:-1]}.{nanos // 1000:06d}Z"


def parse_time(text: str) -> tuple[int, int]:
    """(seconds, nanos) since the epoch of an RFC 3339 timestamp."""
    if not isinstance(text, str):
        raise ProtobufError(f"time: expected a string, got {text!r}")
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})", text)
    if m is None:
        raise ProtobufError(f"time: {text!r} is not RFC 3339")
    date, clock, frac, zone = m.groups()
    try:
        t = datetime.fromisoformat(f"{date}T{clock}{'+00:00' if zone in 'Zz' else zone}")
    except ValueError as e:
        raise ProtobufError(f"time: {text!r}: {e}") from None
    delta = t - _EPOCH
    seconds = delta.days * 86400 + delta.seconds
    nanos = int((frac or "0")[:9].ljust(9, "0"))
    return seconds, nanos


_DURATION_UNITS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,
    "\u03bcs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_DURATION_PART = re.compile(r"(\d*)(?:\.(\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")


def parse_duration(text: str) -> int:
    """Nanoseconds of a Go duration string (`1h0m0s`, `30s`, `1.5s`, `-2m`)."""
    s = text
    sign = 1
    if s[:1] in ("-", "+"):
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise ProtobufError(f"invalid duration {text!r}")
    total = 0
    pos = 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if m is None or not (m.group(1) or m.group(2)):
            raise ProtobufError(f"invalid duration {text!r}")
        whole, frac, unit = m.groups()
        scale = _DURATION_UNITS[unit]
        total += int(whole or 0) * scale
        if frac:
            total += int(frac) * scale // 10 ** len(frac)
        pos = m.end()
    return sign * total


def _frac(value: int, digits: int) -> str:
    whole, rest = divmod(value, 10**digits)
    tail = f"{rest:0{digits}d}".rstrip("0")
    return f"{whole}.{tail}" if tail else str(whole)


def format_duration(nanos: int) -> str:
    """Go's time.Duration.String: `1h0m0s`, `1m30s`, `1.5s`, `500ms`, `0s`."""
    if nanos == 0:
        return "0s"
    sign = "-" if nanos < 0 else ""
    u = abs(nanos)
    if u < 1_000:
        return f"{sign}{u}ns"
    if u < 1_000_000:
        return f"{sign}{_frac(u, 3)}\u00b5s"
    if u < 1_000_000_000:
        return f"{sign}{_frac(u, 6)}ms"
    secs, sub = divmod(u, 1_000_000_000)
    text = f"{_frac(secs % 60 * 1_000_000_000 + sub, 9)}s"
    minutes = secs // 60
    if minutes:
        text = f"{minutes % 60}m{text}"
        hours = minutes // 60
        if hours:
            text = f"{hours}h{text}"
    return sign + text


# ---------------------------------------------------------------- public API


def _encode_checked(msg: _Message, obj: Any, out: bytearray) -> None:
    try:
        _encode_message(msg, obj, out)
    except ProtobufError:
        raise
    except (TypeError, ValueError, AttributeError, OverflowError, RecursionError) as e:
        raise ProtobufError(f"cannot encode {msg.name}: {e}") from None


def decode_object(data: bytes) -> dict[str, Any]:
    """The wire-form dict of an enveloped protobuf object (`k8s\\0` + runtime.Unknown)."""
    buf = bytes(data)
    if not buf.startswith(MAGIC):
        raise ProtobufError("protobuf body does not start with the k8s magic")
    api_version = kind = ""
    raw: tuple[int, int] | None = None
    encoding = ""
    try:
        for number, wire, v, stop in _fields(buf, len(MAGIC), len(buf)):
            if wire != 2:
                continue
            if number == UNKNOWN_TYPE_META:
                for n, w, tv, tstop in _fields(buf, v, stop):
                    if w == 2 and n == TYPE_META_API_VERSION:
                        api_version = buf[tv:tstop].decode()
                    elif w == 2 and n == TYPE_META_KIND:
                        kind = buf[tv:tstop].decode()
            elif number == UNKNOWN_RAW:
                raw = (v, stop)
            elif number == UNKNOWN_CONTENT_ENCODING:
                encoding = buf[v:stop].decode()
        if encoding:
            raise ProtobufError(f"unsupported content encoding {encoding!r}")
        if not kind:
            raise ProtobufError("protobuf object has no kind")
        name = message_for(api_version, kind)
        if name is None:
            raise ProtobufError(f"no protobuf message for {api_version}, Kind={kind}")
        body = _decode_message(_message(name), buf, *(raw or (0, 0)))
    except ProtobufError:
        raise
    except _MALFORMED as e:
        raise ProtobufError(f"malformed protobuf: {e}") from None
    return {"kind": kind, "apiVersion": api_version, **body}


def encode_object(obj: dict[str, Any]) -> bytes:
    """The enveloped protobuf form (`k8s\\0` + runtime.Unknown) of a wire-form dict."""
    api_version = obj.get("apiVersion") or ""
    kind = obj.get("kind") or ""
    name = message_for(api_version, kind)
    if name is None:
        raise ProtobufError(f"no protobuf message for {api_version}, Kind={kind}")
    body = bytearray()
    _encode_checked(_message(name), obj, body)
    type_meta = bytearray()
    _put_bytes(type_meta, TYPE_META_API_VERSION, api_version.encode())
    _put_bytes(type_meta, TYPE_META_KIND, kind.encode())
    out = bytearray(MAGIC)
    _put_bytes(out, UNKNOWN_TYPE_META, type_meta)
    _put_bytes(out, UNKNOWN_RAW, body)
    _put_bytes(out, UNKNOWN_CONTENT_ENCODING, b"")
    _put_bytes(out, UNKNOWN_CONTENT_TYPE, b"")
    return bytes(out)


def encode_message(message: str, obj: Any) -> bytes:
    """The bare protobuf bytes of one message (no envelope), by full name."""
    out = bytearray()
    _encode_checked(_message(message), obj, out)
    return bytes(out)


def decode_message(message: str, data: bytes) -> Any:
    """The JSON form of the bare protobuf bytes of one message, by full name."""
    try:
        return _decode_message(_message(message), bytes(data), 0, len(data))
    except ProtobufError:
        raise
    except _MALFORMED as e:
        raise ProtobufError(f"malformed protobuf: {e}") from None


def encode_watch_event(type: str, obj: dict[str, Any]) -> bytes:
    """One frame of a protobuf watch stream: length-prefixed meta.v1.WatchEvent."""
    event = bytearray()
    _put_bytes(event, WATCH_EVENT_TYPE, type.encode())
    raw = bytearray()
    _put_bytes(raw, RAW_EXTENSION_RAW, encode_object(obj))
    _put_bytes(event, WATCH_EVENT_OBJECT, raw)
    return struct.pack(">I", len(event)) + bytes(event)


def decode_watch_event(frame: bytes) -> tuple[str, dict[str, Any]]:
    """(type, object) of one length-prefixed watch frame, as `encode_watch_event` makes."""
    if len(frame) < 4:
        raise ProtobufError("short watch frame")
    (length,) = struct.unpack_from(">I", frame)
    if len(frame) != 4 + length:
        raise ProtobufError(f"watch frame length {length} does not match {len(frame) - 4} bytes")
    buf = bytes(frame)
    event_type = ""
    obj: dict[str, Any] | None = None
    try:
        for number, wire, v, stop in _fields(buf, 4, len(buf)):
            if wire != 2:
                continue
            if number == WATCH_EVENT_TYPE:
                event_type = buf[v:stop].decode()
            elif number == WATCH_EVENT_OBJECT:
                for n, w, rv, rstop in _fields(buf, v, stop):
                    if n == RAW_EXTENSION_RAW and w == 2:
                        obj = _decode_embedded(buf[rv:rstop])
    except ProtobufError:
        raise
    except _MALFORMED as e:
        raise ProtobufError(f"malformed watch event: {e}") from None
    if obj is None:
        raise ProtobufError("watch event without an object")
    return event_type, obj
