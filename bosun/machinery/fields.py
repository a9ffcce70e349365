"""Field selectors: the `?fieldSelector=` syntax.

Semantics and error texts follow upstream `k8s.io/apimachinery/pkg/fields`
(Kubernetes 1.33): terms are `field=value`, `field==value` or
`field!=value`, joined by commas (AND). In values, `\\,`, `\\=` and `\\\\`
escape a comma, an equals sign and a backslash; the field part takes no
escapes and whitespace is significant everywhere, as upstream. A field that is
absent from an object's field set compares as the empty string.

Which fields a kind supports is the API layer's business (its strategies know
them); this module answers "is every field of the selector in this set?" with
upstream's messages:

* `unsupported(allowed)` -> ``field label not supported: <name>``, the text of
  the per-kind conversion functions (pods, nodes, CRDs, ...);
* `unknown_field_message(name)` -> the text of upstream's default
  `DefaultMetaV1FieldSelectorConversion`, for kinds that only support
  `metadata.name` and `metadata.namespace`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from bosun.machinery.labels import go_quote

__all__ = [
    "EQUALS",
    "METADATA_FIELDS",
    "NOT_EQUALS",
    "FieldSelector",
    "FieldSelectorError",
    "escape_value",
    "everything",
    "object_meta_fields",
    "one_term_equal",
    "parse_field_selector",
    "unescape_value",
    "unknown_field_message",
]

EQUALS = "="
NOT_EQUALS = "!="

# Every kind supports these two (upstream `AddObjectMetaFieldsSet`).
METADATA_FIELDS = frozenset({"metadata.name", "metadata.namespace"})

# `==` is checked before `=` so that it leaves no `=` on the value.
_TERM_OPERATORS = ("!=", "==", "=")

Term = tuple[str, str, str]


class FieldSelectorError(ValueError):
    """A field selector that cannot be parsed; `message` is upstream's text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def escape_value(s: str) -> str:
    """Escape `\\`, `,` and `=` in a field selector value (upstream `EscapeValue`)."""
    if "\\" not in s and "," not in s and "=" not in s:
        return s
    return s.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def unescape_value(s: str) -> str:
    """Undo `escape_value` (upstream `UnescapeValue`); bad escapes raise `FieldSelectorError`."""
    if "\\" not in s and "," not in s and "=" not in s:
        return s
    out = []
    in_slash = False
    for ch in s:
        if in_slash:
            if ch in "\\,=":
                out.append(ch)
            else:
                raise FieldSelectorError(f"invalid field selector: invalid escape sequence: \\{ch}")
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch in ",=":
            # Upstream formats the rune with %v, which prints its code point.
            raise FieldSelectorError(f"invalid field selector: unescaped character in value: {ord(ch)}")
        else:
            out.append(ch)
    if in_slash:
        raise FieldSelectorError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def unknown_field_message(field: str) -> str:
    """Upstream's default conversion error for kinds with only metadata fields."""
    return (
        f"{go_quote(field)} is not a known field selector: only "
        f'{go_quote("metadata.name")}, {go_quote("metadata.namespace")}'
    )


def object_meta_fields(obj: Mapping[str, Any], namespaced: bool = True) -> dict[str, str]:
    """The `metadata.name` / `metadata.namespace` fields of an object (every kind has them)."""
    meta = obj.get("metadata") or {}
    fields = {"metadata.name": meta.get("name") or ""}
    if namespaced:
        fields["metadata.namespace"] = meta.get("namespace") or ""
    return fields


def _split_terms(selector: str) -> list[str]:
    # Escaped commas stay in the term, backslash included; the value is unescaped later.
    terms = []
    start = 0
    in_slash = False
    for i, ch in enumerate(selector):
        if in_slash:
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch == ",":
            terms.append(selector[start:i])
            start = i + 1
    terms.append(selector[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    # The field takes no escapes: the first operator found splits the term.
    for i in range(len(term)):
        for op in _TERM_OPERATORS:
            if term.startswith(op, i):
                return term[:i], op, term[i + len(op) :]
    return None


class FieldSelector:
    """An immutable field selector: the AND of `(field, op, value)` terms, op `=` or `!=`."""

    __slots__ = ("_requirements",)

    def __init__(self, requirements: Iterable[Term] = ()) -> None:
        self._requirements = tuple(requirements)

    @property
    def requirements(self) -> tuple[Term, ...]:
        """The terms in upstream's order; `==` is reported as `=`."""
        return self._requirements

    @property
    def empty(self) -> bool:
        return not self._requirements

    def matches(self, fields: Mapping[str, str]) -> bool:
        for field, op, value in self._requirements:
            if (fields.get(field, "") == value) != (op == EQUALS):
                return False
        return True

    def fields(self) -> list[str]:
        """The field names used, in order, without duplicates."""
        return list(dict.fromkeys(f for f, _, _ in self._requirements))

    def unsupported(self, allowed: set[str] | frozenset[str]) -> str | None:
        """``field label not supported: <name>`` for the first field outside `allowed`, else None."""
        for field, _, _ in self._requirements:
            if field not in allowed:
                return f"field label not supported: {field}"
        return None

    def requires_exact_match(self, field: str) -> str | None:
        """The value `field` must equal, when a `=` term names it, else None."""
        for f, op, value in self._requirements:
            if f == field and op == EQUALS:
                return value
        return None

    def transform(self, fn: Callable[[str, str], tuple[str, str]]) -> FieldSelector:
        """Rewrite each term's (field, value); a term mapped to ("", "") is dropped, as upstream."""
        out = []
        for field, op, value in self._requirements:
            new_field, new_value = fn(field, value)
            if new_field or new_value:
                out.append((new_field, op, new_value))
        return FieldSelector(out)

    def __str__(self) -> str:
        return ",".join(f"{f}{op}{escape_value(v)}" for f, op, v in self._requirements)

    def __repr__(self) -> str:
        return f"FieldSelector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldSelector):
            return NotImplemented
        return self._requirements == other._requirements

    def __hash__(self) -> int:
        return hash(self._requirements)


_EVERYTHING = FieldSelector()


def everything() -> FieldSelector:
    """The field selector that matches every object."""
    return _EVERYTHING


def one_term_equal(field: str, value: str) -> FieldSelector:
    """`field=value` (upstream `OneTermEqualSelector`)."""
    return FieldSelector([(field, EQUALS, value)])


def parse_field_selector(s: str) -> FieldSelector:
    """Parse the `?fieldSelector=` syntax (upstream `fields.ParseSelector`).

    Terms are sorted as upstream sorts them; empty terms are skipped; the
    empty string selects everything. Raises `FieldSelectorError`.
    """
    if not s:
        return _EVERYTHING
    requirements: list[Term] = []
    for part in sorted(_split_terms(s)):
        if not part:
            continue
        split = _split_term(part)
        if split is None:
            raise FieldSelectorError(f"invalid selector: '{s}'; can't understand '{part}'")
        field, op, raw = split
        requirements.append((field, NOT_EQUALS if op == NOT_EQUALS else EQUALS, unescape_value(raw)))
    return FieldSelector(requirements)
