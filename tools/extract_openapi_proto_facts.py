"""Extract the wire facts of the OpenAPI v2 protobuf (`openapi.v2`, gnostic) from a kubectl binary.

kubectl 1.27 and other client-go consumers ask `/openapi/v2` for
`application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and parse only that.
The messages they decode are registered in the binary as a serialized
`FileDescriptorProto` (google.golang.org/protobuf keeps it uncompressed). This
tool finds it, and writes only facts to `bosun/api/openapi_v2_fields.json`:
per message, rows `[field name, number, type, flags]` (flags `r` repeated).

Usage: python tools/extract_openapi_proto_facts.py [--kubectl PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from google.protobuf import descriptor_pb2

DEFAULT_KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "bosun" / "api" / "openapi_v2_fields.json"
FILE_NAME = b"openapiv2/OpenAPIv2.proto"

SCALARS = {
    descriptor_pb2.FieldDescriptorProto.TYPE_STRING: "string",
    descriptor_pb2.FieldDescriptorProto.TYPE_INT64: "int64",
    descriptor_pb2.FieldDescriptorProto.TYPE_BOOL: "bool",
    descriptor_pb2.FieldDescriptorProto.TYPE_DOUBLE: "double",
    descriptor_pb2.FieldDescriptorProto.TYPE_BYTES: "bytes",
}


def _varint(data: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def descriptor_end(data: bytes, start: int) -> int:
    """Where the serialized FileDescriptorProto starting at `start` ends: at the first byte no field can start."""
    i = start
    while i < len(data):
        tag, j = _varint(data, i)
        number, wire = tag >> 3, tag & 7
        if number == 0 or number > 14 or wire not in (0, 2):
            return i
        if wire == 0:
            _, i = _varint(data, j)
        else:
            length, j = _varint(data, j)
            i = j + length
    return i


def find(data: bytes) -> descriptor_pb2.FileDescriptorProto:
    at = data.find(b"\n" + bytes([len(FILE_NAME)]) + FILE_NAME)
    if at < 0:
        raise SystemExit("no openapi.v2 descriptor in this binary")
    fd = descriptor_pb2.FileDescriptorProto()
    fd.ParseFromString(data[at:descriptor_end(data, at)])
    return fd


def facts(fd: descriptor_pb2.FileDescriptorProto) -> dict[str, list]:
    out: dict[str, list] = {}
    for m in fd.message_type:
        rows = []
        for f in m.field:
            if f.type == descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE:
                type_ = f.type_name.lstrip(".")
            else:
                type_ = SCALARS[f.type]
            flags = "r" if f.label == descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED else ""
            rows.append([f.name, f.number, type_, flags])
        out[f"{fd.package}.{m.name}"] = rows
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubectl", type=Path, default=Path(DEFAULT_KUBECTL))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    table = facts(find(args.kubectl.read_bytes()))
    lines = ["{"] + [f"{json.dumps(k)}:{json.dumps(v, separators=(',', ':'))}," for k, v in table.items()]
    lines[-1] = lines[-1].rstrip(",")
    args.out.write_text("\n".join(lines + ["}"]) + "\n")
    print(f"{len(table)} messages written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
