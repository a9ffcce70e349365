"""Label selectors: the `?labelSelector=` syntax, `metav1.LabelSelector` and plain maps.

Semantics and error texts follow upstream `k8s.io/apimachinery/pkg/labels`
(Kubernetes 1.33), because the API server returns these messages to clients
verbatim in 400 `BadRequest` Status objects.

A `Selector` is immutable. It is compiled once into small closures so that
`matches()` costs a couple of dict lookups per requirement: a list of 10,000
pods is filtered without regex work or object allocation per pod.

Three constructors, three upstream behaviours:

* `parse_selector(s)` (upstream `labels.Parse`): `""` selects everything.
* `selector_from_label_selector(ls)` (upstream `metav1.LabelSelectorAsSelector`):
  `None` selects nothing, `{}` (no `matchLabels`, no `matchExpressions`)
  selects everything.
* `selector_from_set(d)` (upstream `labels.SelectorFromSet`): no validation;
  `None` and `{}` select everything. This is what ReplicationController and
  ReplicaSet-style owners use. A Service's `spec.selector` differs: upstream's
  endpoints controllers treat an absent/empty selector as "no selector, leave
  the endpoints alone" and never call this; callers must make that check
  themselves before building a selector.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DOES_NOT_EXIST",
    "DOUBLE_EQUALS",
    "EQUALS",
    "EXISTS",
    "GREATER_THAN",
    "IN",
    "LESS_THAN",
    "NOT_EQUALS",
    "NOT_IN",
    "Requirement",
    "Selector",
    "SelectorError",
    "everything",
    "go_quote",
    "is_dns1123_subdomain",
    "is_qualified_name",
    "is_valid_label_value",
    "new_requirement",
    "nothing",
    "parse_selector",
    "selector_from_label_selector",
    "selector_from_set",
    "validated_selector_from_set",
]


class SelectorError(ValueError):
    """A label selector that cannot be parsed or built; `message` is upstream's text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# Operators, spelled as upstream's `selection.Operator` values.
DOES_NOT_EXIST = "!"
EQUALS = "="
DOUBLE_EQUALS = "=="
IN = "in"
NOT_EQUALS = "!="
NOT_IN = "notin"
EXISTS = "exists"
GREATER_THAN = "gt"
LESS_THAN = "lt"

_BINARY_OPERATORS = (IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN)
_UNARY_OPERATORS = (EXISTS, DOES_NOT_EXIST)
_VALID_OPERATORS = _BINARY_OPERATORS + _UNARY_OPERATORS

# metav1.LabelSelectorRequirement operators.
_LABEL_SELECTOR_OPERATORS = {
    "In": IN,
    "NotIn": NOT_IN,
    "Exists": EXISTS,
    "DoesNotExist": DOES_NOT_EXIST,
}


# ---------------------------------------------------------------------------
# Go formatting helpers (the messages embed Go's %q and json.Marshal output)


def go_quote(s: str) -> str:
    """Format `s` as Go's `%q` / `strconv.Quote` does."""
    out = ['"']
    for ch in s:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        elif ch in _GO_SHORT_ESCAPES:
            out.append(_GO_SHORT_ESCAPES[ch])
        else:
            cp = ord(ch)
            if cp < 0x20 or cp == 0x7F:
                out.append(f"\\x{cp:02x}")
            elif cp < 0x10000:
                out.append(f"\\u{cp:04x}")
            else:
                out.append(f"\\U{cp:08x}")
    out.append('"')
    return "".join(out)


_GO_SHORT_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def _go_json_string(s: str) -> str:
    out = ['"']
    for ch in s:
        cp = ord(ch)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif cp < 0x20 or ch in "<>&\u2028\u2029":
            out.append(f"\\u{cp:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _go_bad_value(value: Any) -> str:
    """Render a field.Error BadValue as upstream's ErrorBody does."""
    if isinstance(value, str):
        return go_quote(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        if not value:
            # Upstream passes nil slices here (`append([]string(nil), ...)`).
            return "null"
        return "[" + ",".join(_go_bad_value_json(v) for v in value) + "]"
    return go_quote(str(value))


def _go_bad_value_json(value: Any) -> str:
    if isinstance(value, str):
        return _go_json_string(value)
    return _go_bad_value(value)


def _invalid(path: str, value: Any, detail: str) -> str:
    return f"{path}: Invalid value: {_go_bad_value(value)}: {detail}"


def _aggregate(messages: list[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message as is, several in brackets."""
    seen: list[str] = []
    for m in messages:
        if m not in seen:
            seen.append(m)
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"


# ---------------------------------------------------------------------------
# Validation of keys and values (upstream util/validation, 1.33 texts)

_QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QUALIFIED_NAME_ERR = (
    "must consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_QUALIFIED_NAME_MAX = 63
_QUALIFIED_NAME_RE = re.compile(_QUALIFIED_NAME_FMT)

_LABEL_VALUE_FMT = "(" + _QUALIFIED_NAME_FMT + ")?"
_LABEL_VALUE_ERR = (
    "a valid label must be an empty string or consist of alphanumeric characters, "
    "'-', '_' or '.', and must start and end with an alphanumeric character"
)
_LABEL_VALUE_MAX = 63
_LABEL_VALUE_RE = re.compile(_LABEL_VALUE_FMT)

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_ERR = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_MAX = 253
_DNS1123_SUBDOMAIN_RE = re.compile(_DNS1123_SUBDOMAIN_FMT)


def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    # Upstream's odd spacing ("'MyName',  or 'my.name', ") is part of the text.
    msg += " (e.g. " + " or ".join(f"'{e}', " for e in examples)
    return msg + f"regex used for validation is '{fmt}')"


def _max_len_error(n: int) -> str:
    return f"must be no more than {n} characters"


def _byte_len(s: str) -> int:
    # Go's len() counts bytes.
    return len(s) if s.isascii() else len(s.encode("utf-8", "surrogatepass"))


def is_dns1123_subdomain(value: str) -> list[str]:
    """Upstream `IsDNS1123Subdomain`: the list of problems, empty when valid."""
    errs = []
    if _byte_len(value) > _DNS1123_SUBDOMAIN_MAX:
        errs.append(_max_len_error(_DNS1123_SUBDOMAIN_MAX))
    if not _DNS1123_SUBDOMAIN_RE.fullmatch(value):
        errs.append(_regex_error(_DNS1123_SUBDOMAIN_ERR, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_qualified_name(value: str) -> list[str]:
    """Upstream `IsQualifiedName` (label keys): the list of problems, empty when valid."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    else:
        return [
            "a qualified name "
            + _regex_error(_QUALIFIED_NAME_ERR, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif _byte_len(name) > _QUALIFIED_NAME_MAX:
        errs.append("name part " + _max_len_error(_QUALIFIED_NAME_MAX))
    if not _QUALIFIED_NAME_RE.fullmatch(name):
        errs.append(
            "name part "
            + _regex_error(_QUALIFIED_NAME_ERR, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
        )
    return errs


def is_valid_label_value(value: str) -> list[str]:
    """Upstream `IsValidLabelValue`: the list of problems, empty when valid."""
    errs = []
    if _byte_len(value) > _LABEL_VALUE_MAX:
        errs.append(_max_len_error(_LABEL_VALUE_MAX))
    if not _LABEL_VALUE_RE.fullmatch(value):
        errs.append(_regex_error(_LABEL_VALUE_ERR, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def _key_error(key: Any, path: str) -> str | None:
    if not isinstance(key, str):
        return _invalid(path, key, "must be a string")
    errs = is_qualified_name(key)
    if errs:
        return _invalid(path, key, "; ".join(errs))
    return None


def _value_error(key: str, value: Any, path: str) -> str | None:
    if not isinstance(value, str):
        return _invalid(f"{path}[{key}]", value, "must be a string")
    errs = is_valid_label_value(value)
    if errs:
        return _invalid(f"{path}[{key}]", value, "; ".join(errs))
    return None


def _parse_int64(s: str) -> int | None:
    """strconv.ParseInt(s, 10, 64) without Python's extras (spaces, underscores)."""
    digits = s[1:] if s[:1] in ("+", "-") else s
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    n = int(s)
    if -(1 << 63) <= n < (1 << 63):
        return n
    return None


# ---------------------------------------------------------------------------
# Requirements


@dataclass(frozen=True, slots=True)
class Requirement:
    """One `key op values` term of a selector. Build it with `new_requirement`."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        op = self.operator
        if op == EXISTS:
            return self.key
        if op == DOES_NOT_EXIST:
            return "!" + self.key
        values = self.values
        joined = values[0] if len(values) == 1 else ",".join(sorted(values))
        if op == IN:
            return f"{self.key} in ({joined})"
        if op == NOT_IN:
            return f"{self.key} notin ({joined})"
        sym = {GREATER_THAN: ">", LESS_THAN: "<"}.get(op, op)
        return f"{self.key}{sym}{joined}"

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        return _compile_requirement(self)(labels if labels is not None else _EMPTY)


def new_requirement(key: str, operator: str, values: Iterable[str] = ()) -> Requirement:
    """Validate and build a requirement as upstream's `NewRequirement` does.

    Raises `SelectorError` with upstream's aggregated field-error message,
    e.g. ``values[0][app]: Invalid value: "a b": a valid label must be ...``.
    """
    vals = tuple(values)
    errs: list[str] = []
    key_err = _key_error(key, "key")
    if key_err:
        errs.append(key_err)
    if operator in (IN, NOT_IN):
        if not vals:
            errs.append(_invalid("values", vals, "for 'in', 'notin' operators, values set can't be empty"))
    elif operator in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS):
        if len(vals) != 1:
            errs.append(_invalid("values", vals, "exact-match compatibility requires one single value"))
    elif operator in (EXISTS, DOES_NOT_EXIST):
        if vals:
            errs.append(_invalid("values", vals, "values set must be empty for exists and does not exist"))
    elif operator in (GREATER_THAN, LESS_THAN):
        if len(vals) != 1:
            errs.append(_invalid("values", vals, "for 'Gt', 'Lt' operators, exactly one value is required"))
        for i, v in enumerate(vals):
            if not isinstance(v, str) or _parse_int64(v) is None:
                errs.append(_invalid(f"values[{i}]", v, "for 'Gt', 'Lt' operators, the value must be an integer"))
    else:
        supported = ", ".join(go_quote(o) for o in _VALID_OPERATORS)
        errs.append(f"operator: Unsupported value: {_go_bad_value(operator)}: supported values: {supported}")
    if isinstance(key, str):
        for i, v in enumerate(vals):
            err = _value_error(key, v, f"values[{i}]")
            if err:
                errs.append(err)
    if errs:
        raise SelectorError(_aggregate(errs))
    return Requirement(key, operator, vals)


_EMPTY: Mapping[str, str] = {}

_Check = Callable[[Mapping[str, str]], bool]


def _compile_requirement(r: Requirement) -> _Check:
    key, op, values = r.key, r.operator, r.values
    if op in (IN, EQUALS, DOUBLE_EQUALS):
        if len(values) == 1:
            want = values[0]
            return lambda labels: labels.get(key) == want
        wanted = frozenset(values)
        return lambda labels: labels.get(key) in wanted
    if op in (NOT_IN, NOT_EQUALS):
        if len(values) == 1:
            unwanted = values[0]
            return lambda labels: labels.get(key) != unwanted
        unwanted_set = frozenset(values)
        return lambda labels: labels.get(key) not in unwanted_set
    if op == EXISTS:
        return lambda labels: key in labels
    if op == DOES_NOT_EXIST:
        return lambda labels: key not in labels
    if op in (GREATER_THAN, LESS_THAN):
        bound = _parse_int64(values[0]) if len(values) == 1 else None
        if bound is None:
            return _never
        greater = op == GREATER_THAN

        def compare(labels: Mapping[str, str]) -> bool:
            got = labels.get(key)
            if got is None:
                return False
            n = _parse_int64(got)
            if n is None:
                return False
            return n > bound if greater else n < bound

        return compare
    return _never


def _always(labels: Mapping[str, str]) -> bool:
    return True


def _never(labels: Mapping[str, str]) -> bool:
    return False


def _compile(requirements: tuple[Requirement, ...]) -> _Check:
    if not requirements:
        return _always
    if all(r.operator in (EQUALS, DOUBLE_EQUALS) or (r.operator == IN and len(r.values) == 1)
           for r in requirements):
        pairs = {}
        for r in requirements:
            if r.key in pairs and pairs[r.key] != r.values[0]:
                return _never  # a=x,a=y
            pairs[r.key] = r.values[0]
        # Unrolled for the common sizes: a Python-level loop costs more than the lookups.
        if len(pairs) == 1:
            ((k1, v1),) = pairs.items()
            return lambda labels: labels.get(k1) == v1
        if len(pairs) == 2:
            (k1, v1), (k2, v2) = pairs.items()
            return lambda labels: labels.get(k1) == v1 and labels.get(k2) == v2
        if len(pairs) == 3:
            (k1, v1), (k2, v2), (k3, v3) = pairs.items()
            return lambda labels: labels.get(k1) == v1 and labels.get(k2) == v2 and labels.get(k3) == v3
        wanted = pairs.items()
        # dict_items containment compares values by key lookup, in C.
        return lambda labels: wanted <= labels.items()
    checks = tuple(_compile_requirement(r) for r in requirements)
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        c1, c2 = checks
        return lambda labels: c1(labels) and c2(labels)
    if len(checks) == 3:
        c1, c2, c3 = checks
        return lambda labels: c1(labels) and c2(labels) and c3(labels)

    def all_match(labels: Mapping[str, str]) -> bool:
        for check in checks:
            if not check(labels):
                return False
        return True

    return all_match


# ---------------------------------------------------------------------------
# Selectors


class Selector:
    """An immutable label selector: the AND of its requirements, or nothing at all."""

    __slots__ = ("_requirements", "_check", "_nothing")

    def __init__(self, requirements: Iterable[Requirement] = (), *, _nothing: bool = False) -> None:
        # Upstream keeps requirements sorted by key (a stable sort here).
        reqs = tuple(sorted(requirements, key=lambda r: r.key))
        self._requirements = reqs
        self._nothing = _nothing
        self._check = _never if _nothing else _compile(reqs)

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        return self._requirements

    @property
    def empty(self) -> bool:
        """True when the selector does not restrict the selection (upstream `Empty()`)."""
        return not self._nothing and not self._requirements

    @property
    def selects_nothing(self) -> bool:
        return self._nothing

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        return self._check(_EMPTY if labels is None else labels)

    def add(self, *requirements: Requirement) -> Selector:
        """A new selector with more requirements (selecting nothing stays nothing)."""
        if self._nothing:
            return self
        return Selector(self._requirements + requirements)

    def requires_exact_match(self, key: str) -> str | None:
        """The one value `key` must have (`=`, `==`, single-value `in`), else None."""
        for r in self._requirements:
            if r.key == key:
                if r.operator in (EQUALS, DOUBLE_EQUALS, IN) and len(r.values) == 1:
                    return r.values[0]
                return None
        return None

    def __str__(self) -> str:
        return ",".join(str(r) for r in self._requirements)

    def __repr__(self) -> str:
        if self._nothing:
            return "Selector(<nothing>)"
        return f"Selector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Selector):
            return NotImplemented
        return self._nothing == other._nothing and self._requirements == other._requirements

    def __hash__(self) -> int:
        return hash((self._nothing, self._requirements))


_EVERYTHING = Selector()
_NOTHING = Selector(_nothing=True)


def everything() -> Selector:
    """The selector that matches all label sets."""
    return _EVERYTHING


def nothing() -> Selector:
    """The selector that matches no label set (its string form is empty too)."""
    return _NOTHING


def selector_from_set(labels: Mapping[str, str] | None) -> Selector:
    """A selector matching exactly `labels` (upstream `SelectorFromSet`).

    No validation, as upstream; `None` and `{}` select everything. See the
    module docstring for Service selectors.
    """
    if not labels:
        return _EVERYTHING
    return Selector(Requirement(k, EQUALS, (v,)) for k, v in labels.items())


def validated_selector_from_set(labels: Mapping[str, str] | None) -> Selector:
    """`selector_from_set` that validates keys and values (upstream `ValidatedSelectorFromSet`)."""
    if not labels:
        return _EVERYTHING
    return Selector(new_requirement(k, EQUALS, (v,)) for k, v in sorted(labels.items()))


def selector_from_label_selector(ls: Mapping[str, Any] | None) -> Selector:
    """Convert a `metav1.LabelSelector` dict (upstream `LabelSelectorAsSelector`).

    `None` selects nothing; a selector without `matchLabels` and
    `matchExpressions` selects everything.
    """
    if ls is None:
        return _NOTHING
    match_labels = ls.get("matchLabels") or {}
    match_expressions = ls.get("matchExpressions") or []
    if not match_labels and not match_expressions:
        return _EVERYTHING
    requirements = []
    # Upstream walks a Go map (random order); sort so errors are deterministic.
    for k in sorted(match_labels, key=str):
        requirements.append(new_requirement(k, EQUALS, (match_labels[k],)))
    for expr in match_expressions:
        op_name = expr.get("operator")
        op = _LABEL_SELECTOR_OPERATORS.get(op_name) if isinstance(op_name, str) else None
        if op is None:
            shown = op_name if isinstance(op_name, str) else ("" if op_name is None else str(op_name))
            raise SelectorError(f"{go_quote(shown)} is not a valid label selector operator")
        requirements.append(new_requirement(expr.get("key", ""), op, expr.get("values") or ()))
    return Selector(requirements)


# ---------------------------------------------------------------------------
# The string syntax (upstream's lexer and recursive-descent parser)

(
    _T_ERROR,
    _T_EOS,
    _T_CLOSE_PAR,
    _T_COMMA,
    _T_NOT,
    _T_DOUBLE_EQUALS,
    _T_EQUALS,
    _T_GREATER,
    _T_IDENT,
    _T_IN,
    _T_LESS,
    _T_NOT_EQUALS,
    _T_NOT_IN,
    _T_OPEN_PAR,
) = range(14)

_STRING_TO_TOKEN = {
    ")": _T_CLOSE_PAR,
    ",": _T_COMMA,
    "!": _T_NOT,
    "==": _T_DOUBLE_EQUALS,
    "=": _T_EQUALS,
    ">": _T_GREATER,
    "in": _T_IN,
    "<": _T_LESS,
    "!=": _T_NOT_EQUALS,
    "notin": _T_NOT_IN,
    "(": _T_OPEN_PAR,
}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")
# Upstream's lexer reads bytes and uses 0 as its end marker, so a NUL in the
# input ends the selector too.
_END = "\0"

_TOKEN_OPERATOR = {
    _T_IN: IN,
    _T_EQUALS: EQUALS,
    _T_DOUBLE_EQUALS: DOUBLE_EQUALS,
    _T_GREATER: GREATER_THAN,
    _T_LESS: LESS_THAN,
    _T_NOT_IN: NOT_IN,
    _T_NOT_EQUALS: NOT_EQUALS,
}


def _lex(s: str) -> list[tuple[int, str]]:
    items: list[tuple[int, str]] = []
    n = len(s)
    pos = 0
    while True:
        while True:
            if pos < n:
                ch = s[pos]
                pos += 1
            else:
                ch = _END
            if ch not in _WHITESPACE:
                break
        if ch == _END:
            items.append((_T_EOS, ""))
            return items
        pos -= 1
        if ch in _SPECIAL:
            buf = ""
            last: tuple[int, str] | None = None
            while pos < n:
                c = s[pos]
                pos += 1
                if c == _END:
                    break
                if c not in _SPECIAL:
                    pos -= 1
                    break
                buf += c
                tok = _STRING_TO_TOKEN.get(buf)
                if tok is not None:
                    last = (tok, buf)
                elif last is not None:
                    pos -= 1
                    break
            items.append(last if last is not None else (_T_ERROR, f"error expected: keyword found '{buf}'"))
        else:
            start = pos
            end = n
            while pos < n:
                c = s[pos]
                pos += 1
                if c == _END:
                    end = pos - 1
                    break
                if c in _SPECIAL or c in _WHITESPACE:
                    pos -= 1
                    end = pos
                    break
            lit = s[start:end]
            items.append((_STRING_TO_TOKEN.get(lit, _T_IDENT), lit))


class _Parser:
    __slots__ = ("items", "position")

    def __init__(self, s: str) -> None:
        self.items = _lex(s)
        self.position = 0

    def lookahead(self, values: bool) -> tuple[int, str]:
        tok, lit = self.items[min(self.position, len(self.items) - 1)]
        if values and tok in (_T_IN, _T_NOT_IN):
            tok = _T_IDENT
        return tok, lit

    def consume(self, values: bool) -> tuple[int, str]:
        item = self.lookahead(values)
        self.position += 1
        return item

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            tok, lit = self.lookahead(True)
            if tok in (_T_IDENT, _T_NOT):
                try:
                    requirements.append(self.parse_requirement())
                except SelectorError as e:
                    raise SelectorError(f"unable to parse requirement: {e.message}") from None
                t, lit = self.consume(True)
                if t == _T_EOS:
                    return requirements
                if t == _T_COMMA:
                    t2, lit2 = self.lookahead(True)
                    if t2 not in (_T_IDENT, _T_NOT):
                        raise SelectorError(f"found '{lit2}', expected: identifier after ','")
                else:
                    raise SelectorError(f"found '{lit}', expected: ',' or 'end of string'")
            elif tok == _T_EOS:
                return requirements
            else:
                raise SelectorError(f"found '{lit}', expected: !, identifier, or 'end of string'")

    def parse_requirement(self) -> Requirement:
        key, op = self.parse_key_and_infer_operator()
        if op in (EXISTS, DOES_NOT_EXIST):
            return new_requirement(key, op, ())
        op = self.parse_operator()
        if op in (IN, NOT_IN):
            values = self.parse_values()
        else:
            values = self.parse_exact_value()
        return new_requirement(key, op, sorted(values))

    def parse_key_and_infer_operator(self) -> tuple[str, str]:
        op = ""
        tok, lit = self.consume(True)
        if tok == _T_NOT:
            op = DOES_NOT_EXIST
            tok, lit = self.consume(True)
        if tok != _T_IDENT:
            raise SelectorError(f"found '{lit}', expected: identifier")
        err = _key_error(lit, "<nil>")
        if err:
            raise SelectorError(err)
        if self.lookahead(True)[0] in (_T_EOS, _T_COMMA) and op != DOES_NOT_EXIST:
            op = EXISTS
        return lit, op

    def parse_operator(self) -> str:
        tok, lit = self.consume(False)
        op = _TOKEN_OPERATOR.get(tok)
        if op is None:
            raise SelectorError(f"found '{lit}', expected: {', '.join(_BINARY_OPERATORS)}")
        return op

    def parse_values(self) -> set[str]:
        tok, lit = self.consume(True)
        if tok != _T_OPEN_PAR:
            raise SelectorError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead(True)
        if tok in (_T_IDENT, _T_COMMA):
            values = self.parse_identifiers_list()
            if self.consume(True)[0] != _T_CLOSE_PAR:
                raise SelectorError(f"found '{lit}', expected: ')'")
            return values
        if tok == _T_CLOSE_PAR:
            self.consume(True)
            return {""}
        raise SelectorError(f"found '{lit}', expected: ',', ')' or identifier")

    def parse_identifiers_list(self) -> set[str]:
        values: set[str] = set()
        while True:
            tok, lit = self.consume(True)
            if tok == _T_IDENT:
                values.add(lit)
                tok2, lit2 = self.lookahead(True)
                if tok2 == _T_COMMA:
                    continue
                if tok2 == _T_CLOSE_PAR:
                    return values
                raise SelectorError(f"found '{lit2}', expected: ',' or ')'")
            if tok == _T_COMMA:
                if not values:
                    values.add("")  # "(,"
                tok2, _ = self.lookahead(True)
                if tok2 == _T_CLOSE_PAR:
                    values.add("")  # ",)"
                    return values
                if tok2 == _T_COMMA:
                    self.consume(True)
                    values.add("")  # ",,"
                continue
            raise SelectorError(f"found '{lit}', expected: ',', or identifier")

    def parse_exact_value(self) -> set[str]:
        tok, _ = self.lookahead(True)
        if tok in (_T_EOS, _T_COMMA):
            return {""}
        tok, lit = self.consume(True)
        if tok == _T_IDENT:
            return {lit}
        raise SelectorError(f"found '{lit}', expected: identifier")


def parse_selector(s: str) -> Selector:
    """Parse the `?labelSelector=` syntax (upstream `labels.Parse`).

    ``a=b``, ``a==b``, ``a!=b``, ``a in (x,y)``, ``a notin (x,y)``, ``a``,
    ``!a``, ``a>5``, ``a<5``, joined by commas. The empty string selects
    everything. Raises `SelectorError` with upstream's message.
    """
    if not s:
        return _EVERYTHING
    requirements = _Parser(s).parse()
    if not requirements:
        return _EVERYTHING
    return Selector(requirements)
