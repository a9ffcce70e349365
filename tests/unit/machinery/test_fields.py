"""Field selectors: upstream `fields.ParseSelector`, escaping and unsupported-field messages."""

from __future__ import annotations

import pytest

from bosun.machinery.fields import (
    EQUALS,
    METADATA_FIELDS,
    NOT_EQUALS,
    FieldSelector,
    FieldSelectorError,
    escape_value,
    everything,
    object_meta_fields,
    one_term_equal,
    parse_field_selector,
    unescape_value,
    unknown_field_message,
)

PARSE_OK = [
    # text, requirements, canonical string
    ("", (), ""),
    (",", (), ""),
    (",,", (), ""),
    ("a=b", (("a", EQUALS, "b"),), "a=b"),
    ("a==b", (("a", EQUALS, "b"),), "a=b"),
    ("a!=b", (("a", NOT_EQUALS, "b"),), "a!=b"),
    ("a=", (("a", EQUALS, ""),), "a="),
    ("=b", (("", EQUALS, "b"),), "=b"),
    ("a!=", (("a", NOT_EQUALS, ""),), "a!="),
    # Terms are sorted by their raw text; empty terms are skipped.
    ("b=1,a=2", (("a", EQUALS, "2"), ("b", EQUALS, "1")), "a=2,b=1"),
    ("b=1,,a=2,", (("a", EQUALS, "2"), ("b", EQUALS, "1")), "a=2,b=1"),
    (
        "spec.nodeName=n1,status.phase!=Running,metadata.name==p",
        (("metadata.name", EQUALS, "p"), ("spec.nodeName", EQUALS, "n1"), ("status.phase", NOT_EQUALS, "Running")),
        "metadata.name=p,spec.nodeName=n1,status.phase!=Running",
    ),
    # Whitespace is data, as upstream.
    ("a = b", (("a ", EQUALS, " b"),), "a = b"),
    # The first operator splits the term: `!=` before `==` before `=`.
    ("a!=\\=b", (("a", NOT_EQUALS, "=b"),), "a!=\\=b"),
    ("a=!b", (("a", EQUALS, "!b"),), "a=!b"),
    ("a!b=c", (("a!b", EQUALS, "c"),), "a!b=c"),
    # Escapes in values.
    ("a=x\\,y", (("a", EQUALS, "x,y"),), "a=x\\,y"),
    ("a=x\\=y", (("a", EQUALS, "x=y"),), "a=x\\=y"),
    ("a=x\\\\y", (("a", EQUALS, "x\\y"),), "a=x\\\\y"),
    ("a=\\,,b=\\=", (("a", EQUALS, ","), ("b", EQUALS, "=")), "a=\\,,b=\\="),
    ("a!=x\\,y,b=c", (("a", NOT_EQUALS, "x,y"), ("b", EQUALS, "c")), "a!=x\\,y,b=c"),
    ("a=é", (("a", EQUALS, "é"),), "a=é"),
]


@pytest.mark.parametrize("text,requirements,canonical", PARSE_OK)
def test_parse(text: str, requirements: tuple, canonical: str) -> None:
    sel = parse_field_selector(text)
    assert sel.requirements == requirements
    assert sel.empty is (requirements == ())
    assert str(sel) == canonical
    assert parse_field_selector(canonical) == sel


PARSE_ERRORS = [
    ("a", "invalid selector: 'a'; can't understand 'a'"),
    ("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
    ("a!b", "invalid selector: 'a!b'; can't understand 'a!b'"),
    ("a=b=c", "invalid field selector: unescaped character in value: 61"),
    ("a==b=c", "invalid field selector: unescaped character in value: 61"),
    # `!=` is found first, which leaves an unescaped `=` in the value.
    ("a!==b", "invalid field selector: unescaped character in value: 61"),
    ("a=b\\", "invalid field selector: invalid escape sequence: \\"),
    ("a=b\\x", "invalid field selector: invalid escape sequence: \\x"),
    ("a=\\n", "invalid field selector: invalid escape sequence: \\n"),
]


@pytest.mark.parametrize("text,message", PARSE_ERRORS)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(FieldSelectorError) as info:
        parse_field_selector(text)
    assert info.value.message == message
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


def test_escaped_comma_never_splits() -> None:
    # `a=x\,b=y` is one term whose value holds an unescaped `=`.
    with pytest.raises(FieldSelectorError) as info:
        parse_field_selector("a=x\\,b=y")
    assert info.value.message == "invalid field selector: unescaped character in value: 61"


@pytest.mark.parametrize(
    "raw,escaped",
    [("", ""), ("abc", "abc"), ("a,b", "a\\,b"), ("a=b", "a\\=b"), ("a\\b", "a\\\\b"), ("\\,=", "\\\\\\,\\=")],
)
def test_escape_round_trip(raw: str, escaped: str) -> None:
    assert escape_value(raw) == escaped
    assert unescape_value(escaped) == raw


def test_unescape_errors() -> None:
    with pytest.raises(FieldSelectorError, match="unescaped character in value: 44"):
        unescape_value("a,b")
    with pytest.raises(FieldSelectorError, match="invalid escape sequence"):
        unescape_value("a\\")


MATCH_TABLE = [
    ("", {}, True),
    ("", {"a": "b"}, True),
    ("a=b", {"a": "b"}, True),
    ("a=b", {"a": "c"}, False),
    ("a=b", {}, False),
    ("a=", {}, True),
    ("a=", {"a": ""}, True),
    ("a!=b", {"a": "c"}, True),
    ("a!=b", {}, True),
    ("a!=b", {"a": "b"}, False),
    ("a!=", {}, False),
    ("a=b,c=d", {"a": "b", "c": "d"}, True),
    ("a=b,c=d", {"a": "b", "c": "x"}, False),
    ("a=b,c!=d", {"a": "b", "c": "x"}, True),
    ("a=x\\,y", {"a": "x,y"}, True),
    ("metadata.name=p1,metadata.namespace=default", {"metadata.name": "p1", "metadata.namespace": "default"}, True),
    ("metadata.name=p1,metadata.namespace=default", {"metadata.name": "p1", "metadata.namespace": "kube"}, False),
]


@pytest.mark.parametrize("text,fields,expected", MATCH_TABLE)
def test_matches(text: str, fields: dict[str, str], expected: bool) -> None:
    assert parse_field_selector(text).matches(fields) is expected


def test_unsupported() -> None:
    sel = parse_field_selector("spec.nodeName=n,metadata.name=p,status.phase=Running")
    assert sel.unsupported({"metadata.name", "metadata.namespace", "spec.nodeName", "status.phase"}) is None
    # The first unsupported field in upstream's (sorted) order is reported.
    assert sel.unsupported(METADATA_FIELDS) == "field label not supported: spec.nodeName"
    assert sel.unsupported(METADATA_FIELDS | {"spec.nodeName"}) == "field label not supported: status.phase"
    assert everything().unsupported(set()) is None
    assert sel.fields() == ["metadata.name", "spec.nodeName", "status.phase"]


def test_unknown_field_message() -> None:
    assert unknown_field_message("spec.foo") == (
        '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"'
    )
    assert unknown_field_message('a"b').startswith('"a\\"b" is not')


def test_object_meta_fields() -> None:
    pod = {"metadata": {"name": "p", "namespace": "ns"}}
    assert object_meta_fields(pod) == {"metadata.name": "p", "metadata.namespace": "ns"}
    assert object_meta_fields(pod, namespaced=False) == {"metadata.name": "p"}
    assert object_meta_fields({}) == {"metadata.name": "", "metadata.namespace": ""}
    sel = parse_field_selector("metadata.namespace=")
    assert sel.matches(object_meta_fields({"metadata": {"name": "node1"}}, namespaced=False))


def test_requires_exact_match_and_transform() -> None:
    sel = parse_field_selector("spec.nodeName=n1,status.phase!=Failed")
    assert sel.requires_exact_match("spec.nodeName") == "n1"
    assert sel.requires_exact_match("status.phase") is None
    assert sel.requires_exact_match("metadata.name") is None

    def fn(field: str, value: str) -> tuple[str, str]:
        if field == "status.phase":
            return "", ""
        return field.upper(), value + "!"

    assert str(sel.transform(fn)) == "SPEC.NODENAME=n1!"
    with pytest.raises(RuntimeError):
        sel.transform(lambda f, v: (_ for _ in ()).throw(RuntimeError("no")))


def test_constructors_and_identity() -> None:
    assert everything().empty and str(everything()) == ""
    assert parse_field_selector("") is everything()
    assert one_term_equal("metadata.name", "a,b") == FieldSelector([("metadata.name", EQUALS, "a,b")])
    assert str(one_term_equal("metadata.name", "a,b")) == "metadata.name=a\\,b"
    a, b = parse_field_selector("a=1,b=2"), parse_field_selector("b=2,a==1")
    assert a == b and hash(a) == hash(b)
    assert repr(a) == "FieldSelector('a=1,b=2')"
