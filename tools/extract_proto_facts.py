"""Extract Kubernetes protobuf wire facts from a kubectl binary into `bosun/api/protobuf_fields.json`.

Two sources inside the (statically linked, non-PIE, amd64) Go binary are read:

* the gzipped `FileDescriptorProto`s that gogo-protobuf generated code registers
  (message names, field numbers, wire types, map entries);
* the Go runtime type information of the API structs (the `json:` struct tags and
  whether a field is a pointer), which the protobuf descriptors alone do not say:
  JSON names that differ from proto names (`uID` -> `uid`, `Name` -> `name`),
  `,inline` embedded structs (`Probe.handler`, `Volume.volumeSource`), named slice
  types whose JSON form is a bare array (`ExtraValue`, `Verbs`), and which scalar
  fields are non-pointer `omitempty` (so a zero read from the wire means "unset").

The JSON schemas shipped with `kubernetes_validate` give the group/version/kind of
each top-level message (`x-kubernetes-group-version-kind`).

Only facts are written: message and field names, numbers, types and flags.

Usage: python tools/extract_proto_facts.py [--kubectl PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from google.protobuf import descriptor_pb2

DEFAULT_KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "bosun" / "api" / "protobuf_fields.json"

SCALARS = {
    descriptor_pb2.FieldDescriptorProto.TYPE_STRING: "string",
    descriptor_pb2.FieldDescriptorProto.TYPE_INT32: "int32",
    descriptor_pb2.FieldDescriptorProto.TYPE_INT64: "int64",
    descriptor_pb2.FieldDescriptorProto.TYPE_BOOL: "bool",
    descriptor_pb2.FieldDescriptorProto.TYPE_BYTES: "bytes",
}
TYPE_MESSAGE = descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE
LABEL_REPEATED = descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED

# Go reflect kinds (internal/abi).
K_PTR, K_SLICE, K_ARRAY, K_CHAN, K_MAP, K_STRUCT = 22, 23, 17, 18, 21, 25

# API groups the brief asks about, as proto package prefixes.
EXPECTED_GROUPS = {
    "core": "k8s.io.api.core.",
    "apps": "k8s.io.api.apps.",
    "batch": "k8s.io.api.batch.",
    "autoscaling": "k8s.io.api.autoscaling.",
    "networking": "k8s.io.api.networking.",
    "policy": "k8s.io.api.policy.",
    "rbac": "k8s.io.api.rbac.",
    "storage": "k8s.io.api.storage.",
    "coordination": "k8s.io.api.coordination.",
    "discovery": "k8s.io.api.discovery.",
    "events": "k8s.io.api.events.",
    "scheduling": "k8s.io.api.scheduling.",
    "node": "k8s.io.api.node.",
    "certificates": "k8s.io.api.certificates.",
    "admissionregistration": "k8s.io.api.admissionregistration.",
    "authentication": "k8s.io.api.authentication.",
    "authorization": "k8s.io.api.authorization.",
    "flowcontrol": "k8s.io.api.flowcontrol.",
    "meta/v1": "k8s.io.apimachinery.pkg.apis.meta.v1",
    "runtime": "k8s.io.apimachinery.pkg.runtime",
    "util/intstr": "k8s.io.apimachinery.pkg.util.intstr",
    "api/resource": "k8s.io.apimachinery.pkg.api.resource",
    "apiextensions": "k8s.io.apiextensions_apiserver.",
    "apiregistration": "k8s.io.kube_aggregator.",
}

# Kinds the apiserver serves in protobuf that the OpenAPI definitions do not list.
EXTRA_KINDS = {
    "meta.k8s.io/v1/PartialObjectMetadata": "k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadata",
    "meta.k8s.io/v1/PartialObjectMetadataList": "k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadataList",
    "meta.k8s.io/v1beta1/PartialObjectMetadataList": (
        "k8s.io.apimachinery.pkg.apis.meta.v1beta1.PartialObjectMetadataList"
    ),
    "meta.k8s.io/v1/DeleteOptions": "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "v1/List": "k8s.io.api.core.v1.List",
}


class ElfImage:
    """Virtual-address reads over a non-PIE ELF64 little-endian executable."""

    def __init__(self, data: bytes) -> None:
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise SystemExit("not a little-endian ELF64 binary")
        self.data = data
        shoff = struct.unpack_from("<Q", data, 0x28)[0]
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        raw = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize) for i in range(shnum)]
        strtab = raw[shstrndx][4]
        self.sections: dict[str, tuple[int, int, int]] = {}
        for name_off, _typ, _flags, addr, off, size in raw:
            end = data.index(b"\0", strtab + name_off)
            self.sections[data[strtab + name_off : end].decode()] = (addr, off, size)
        self._ranges = sorted(v for v in self.sections.values() if v[0])

    def offset(self, addr: int) -> int:
        for start, off, size in self._ranges:
            if start <= addr < start + size:
                return off + addr - start
        raise KeyError(hex(addr))

    def u64(self, addr: int) -> int:
        return struct.unpack_from("<Q", self.data, self.offset(addr))[0]

    def i32(self, addr: int) -> int:
        return struct.unpack_from("<i", self.data, self.offset(addr))[0]

    def byte(self, addr: int) -> int:
        return self.data[self.offset(addr)]


class GoTypes:
    """Go runtime type descriptors (internal/abi layout of go1.2x, amd64)."""

    # abi.Type: Size_ PtrBytes Hash TFlag Align_ FieldAlign_ Kind_ Equal GCData Str PtrToThis
    TFLAG_UNCOMMON, TFLAG_EXTRA_STAR = 1, 2

    def __init__(self, elf: ElfImage) -> None:
        self.elf = elf
        self.types_base = elf.sections[".rodata"][0]
        tl_addr, tl_off, tl_size = elf.sections[".typelink"]
        offsets = struct.unpack_from(f"<{tl_size // 4}i", elf.data, tl_off)
        self.reachable = self._walk([self.types_base + o for o in offsets])

    def kind(self, t: int) -> int:
        return self.elf.byte(t + 23) & 0x1F

    def _varint(self, p: int) -> tuple[int, int]:
        value = shift = 0
        while True:
            b = self.elf.data[p]
            p += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value, p

    def name(self, addr: int) -> tuple[str, str]:
        """A Go `abi.Name`: (name, tag)."""
        p = self.elf.offset(addr)
        flags = self.elf.data[p]
        n, p = self._varint(p + 1)
        text = self.elf.data[p : p + n].decode()
        p += n
        tag = ""
        if flags & 2:
            n, p = self._varint(p)
            tag = self.elf.data[p : p + n].decode()
        return text, tag

    def type_name(self, t: int) -> str:
        text, _ = self.name(self.types_base + self.elf.i32(t + 40))
        return text[1:] if self.elf.byte(t + 20) & self.TFLAG_EXTRA_STAR else text

    def pkg_path(self, t: int) -> str | None:
        if not self.elf.byte(t + 20) & self.TFLAG_UNCOMMON:
            return None
        # The uncommon record follows the kind-specific part of the type.
        size = {K_STRUCT: 80, K_PTR: 56, K_SLICE: 56, K_ARRAY: 72, K_CHAN: 64}.get(self.kind(t))
        if size is None:
            if self.kind(t) in (K_MAP, 19, 20):
                return None
            size = 48
        return self.name(self.types_base + self.elf.i32(t + size))[0]

    def struct_fields(self, t: int) -> list[tuple[str, str, int]]:
        """(name, tag, field type) of each field of a struct type."""
        array, length = self.elf.u64(t + 56), self.elf.u64(t + 64)
        out = []
        for i in range(length):
            rec = array + 24 * i
            name, tag = self.name(self.elf.u64(rec))
            out.append((name, tag, self.elf.u64(rec + 8)))
        return out

    def _walk(self, roots: list[int]) -> set[int]:
        seen: set[int] = set()
        stack = list(roots)
        while stack:
            t = stack.pop()
            if t in seen:
                continue
            seen.add(t)
            k = self.kind(t)
            if k in (K_PTR, K_SLICE, K_ARRAY, K_CHAN):
                stack.append(self.elf.u64(t + 48))
            elif k == K_MAP:
                stack += [self.elf.u64(t + 48), self.elf.u64(t + 56)]
            elif k == K_STRUCT:
                stack += [ft for _, _, ft in self.struct_fields(t)]
        return seen

    def named_k8s_types(self) -> dict[tuple[str, str], int]:
        out = {}
        for t in self.reachable:
            if self.kind(t) == K_PTR:
                continue
            pkg = self.pkg_path(t)
            if pkg and pkg.startswith("k8s.io/"):
                out[(pkg, self.type_name(t).rsplit(".", 1)[-1])] = t
        return out


def tag_value(tag: str, key: str) -> str | None:
    m = re.search(r"(?:^|\s)" + key + r':"((?:[^"\\]|\\.)*)"', tag)
    return m.group(1) if m else None


def find_descriptors(data: bytes) -> list[descriptor_pb2.FileDescriptorProto]:
    files = {}
    for m in re.finditer(b"\x1f\x8b\x08", data):
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            raw = d.decompress(data[m.start() : m.start() + (8 << 20)])
        except zlib.error:
            continue
        if not d.eof:
            continue
        fd = descriptor_pb2.FileDescriptorProto()
        try:
            fd.ParseFromString(raw)
        except Exception:  # noqa: BLE001 - most gzip streams are not descriptors
            continue
        if fd.name and fd.package.startswith("k8s.io."):
            files[fd.name] = fd
    return list(files.values())


def go_package(proto_package: str) -> str:
    return "k8s.io/" + proto_package[len("k8s.io.") :].replace(".", "/")


def load_kinds(messages: dict[str, list]) -> dict[str, str]:
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("kubernetes_validate is not installed")
    path = (
        Path(spec.submodule_search_locations[0])
        / "kubernetes-json-schema"
        / "v1.33.0-local"
        / "_definitions.json"
    )
    defs = json.loads(path.read_text())["$defs"]
    kinds = {}
    for name, schema in defs.items():
        if not name.startswith("io.k8s."):
            continue
        message = "k8s.io." + name[len("io.k8s.") :]
        if message not in messages:
            continue
        for gvk in schema.get("x-kubernetes-group-version-kind", ()):
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            kinds[f"{api_version}/{gvk['kind']}"] = message
    for key, message in EXTRA_KINDS.items():
        if message in messages:
            kinds.setdefault(key, message)
    return dict(sorted(kinds.items()))


def extract(kubectl: Path) -> tuple[dict, list[str]]:
    data = kubectl.read_bytes()
    files = find_descriptors(data)
    go = GoTypes(ElfImage(data))
    go_types = go.named_k8s_types()
    notes: list[str] = []
    messages: dict[str, list] = {}
    lists: list[str] = []

    for fd in sorted(files, key=lambda f: f.package):
        gopkg = go_package(fd.package)
        for msg in fd.message_type:
            full = f"{fd.package}.{msg.name}"
            entries = {f".{full}.{n.name}": n for n in msg.nested_type if n.options.map_entry}
            gofields: dict[int, tuple[str, int]] = {}
            t = go_types.get((gopkg, msg.name))
            if t is None:
                notes.append(f"no Go type for {full}")
            elif go.kind(t) == K_SLICE:
                # A named slice (`type ExtraValue []string`): JSON is the bare array.
                lists.append(full)
            elif go.kind(t) == K_STRUCT:
                for _name, tag, ftype in go.struct_fields(t):
                    pb = tag_value(tag, "protobuf")
                    if not pb or pb.count(",") < 1:
                        continue
                    gofields[int(pb.split(",")[1])] = (tag_value(tag, "json") or "", go.kind(ftype))
            rows = []
            for f in sorted(msg.field, key=lambda f: f.number):
                jtag, gokind = gofields.get(f.number, ("", 0))
                jparts = jtag.split(",")
                flags = ""
                if f.label == LABEL_REPEATED and f.type_name not in entries:
                    flags += "r"
                if "inline" in jparts[1:]:
                    json_name = ""
                    flags += "i"
                elif jparts[0] and jparts[0] != "-":
                    json_name = jparts[0]
                else:
                    json_name = f.name
                if (
                    f.type in SCALARS
                    and f.label != LABEL_REPEATED
                    and gokind not in (0, K_PTR)
                    and "omitempty" in jparts[1:]
                ):
                    flags += "z"
                if f.type in SCALARS:
                    row = [json_name, f.number, SCALARS[f.type], flags]
                elif f.type == TYPE_MESSAGE and f.type_name in entries:
                    kv = {e.name: e for e in entries[f.type_name].field}
                    row = [json_name, f.number, "map", flags]
                    for side in ("key", "value"):
                        e = kv[side]
                        row.append(SCALARS.get(e.type) or e.type_name.lstrip("."))
                elif f.type == TYPE_MESSAGE:
                    row = [json_name, f.number, f.type_name.lstrip("."), flags]
                else:
                    raise SystemExit(f"{full}.{f.name}: unsupported field type {f.type}")
                rows.append(row)
            messages[full] = rows

    kinds = load_kinds(messages)
    facts = {"messages": dict(sorted(messages.items())), "lists": sorted(lists), "kinds": kinds}
    return facts, notes


def kubectl_version(kubectl: Path) -> str:
    try:
        out = subprocess.run(
            [str(kubectl), "version", "--client", "-o", "json"], capture_output=True, timeout=30, check=True
        ).stdout
        return json.loads(out)["clientVersion"]["gitVersion"]
    except (OSError, subprocess.SubprocessError, ValueError, KeyError):
        return "unknown"


def dump(facts: dict, source: str) -> str:
    """One line per message and per kind, so diffs stay readable."""
    dumps = lambda v: json.dumps(v, separators=(",", ":"))  # noqa: E731
    lines = ["{", f'"source":{dumps(source)},', '"messages":{']
    items = list(facts["messages"].items())
    for i, (name, rows) in enumerate(items):
        lines.append(f"{dumps(name)}:{dumps(rows)}" + ("," if i < len(items) - 1 else ""))
    lines.append("},")
    lines.append(f'"lists":{dumps(facts["lists"])},')
    lines.append('"kinds":{')
    kinds = list(facts["kinds"].items())
    for i, (key, message) in enumerate(kinds):
        lines.append(f"{dumps(key)}:{dumps(message)}" + ("," if i < len(kinds) - 1 else ""))
    lines.append("}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubectl", type=Path, default=Path(DEFAULT_KUBECTL))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    facts, notes = extract(args.kubectl)
    source = f"kubectl {kubectl_version(args.kubectl)}"
    args.out.write_text(dump(facts, source))

    packages = collections.Counter(m.rsplit(".", 1)[0] for m in facts["messages"])
    present = [g for g, prefix in EXPECTED_GROUPS.items() if any(p.startswith(prefix) for p in packages)]
    missing = [g for g in EXPECTED_GROUPS if g not in present]
    for note in notes:
        print("note:", note, file=sys.stderr)
    print(
        f"{source}: {len(facts['messages'])} messages in {len(packages)} packages, {len(facts['kinds'])} kinds"
    )
    print("groups present:", ", ".join(present))
    print("groups missing:", ", ".join(missing) or "none")
    print("wrote", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
