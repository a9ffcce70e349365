"""Label selectors: upstream `labels.Parse`, `LabelSelectorAsSelector`, `SelectorFromSet`."""

from __future__ import annotations

import pytest

from bosun.machinery.labels import (
    DOES_NOT_EXIST,
    EQUALS,
    EXISTS,
    GREATER_THAN,
    IN,
    NOT_IN,
    Requirement,
    Selector,
    SelectorError,
    everything,
    go_quote,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
    new_requirement,
    nothing,
    parse_selector,
    selector_from_label_selector,
    selector_from_set,
    validated_selector_from_set,
)

NAME_REGEX_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation "
    "is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_REGEX_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
    "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
PREFIX_REGEX_MSG = (
    "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)


# --- parsing: accepted input and its canonical string ----------------------

PARSE_OK = [
    ("", ""),
    ("   ", ""),
    ("a=b", "a=b"),
    ("a==b", "a==b"),
    ("a!=b", "a!=b"),
    ("a", "a"),
    ("!a", "!a"),
    ("a>5", "a>5"),
    ("a<5", "a<5"),
    ("a in (x,y)", "a in (x,y)"),
    ("a in (y,x)", "a in (x,y)"),
    ("a notin (x,y)", "a notin (x,y)"),
    (" a  in  ( x , y ) ", "a in (x,y)"),
    ("\ta=b\n,\rc", "a=b,c"),
    ("a in (x,x,y)", "a in (x,y)"),
    ("x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"),
    ("a in ()", "a in ()"),
    ("a in (,)", "a in ()"),
    ("a in (x,)", "a in (,x)"),
    ("a in (,x)", "a in (,x)"),
    ("a=", "a="),
    ("a=,b=c", "a=,b=c"),
    ("a!=", "a!="),
    # Requirements are sorted by key, stably.
    ("b=c,a", "a,b=c"),
    ("z=1,a=2,m", "a=2,m,z=1"),
    ("a=1,a=2", "a=1,a=2"),
    # in/notin are keywords only in operator position.
    ("in=notin", "in=notin"),
    ("a in (in,notin)", "a in (in,notin)"),
    ("notin", "notin"),
    ("!in", "!in"),
    # Qualified keys and odd but valid values.
    ("example.com/app=x", "example.com/app=x"),
    ("app.kubernetes.io/name=my_app-1.0", "app.kubernetes.io/name=my_app-1.0"),
    ("A_b.c-D=Z", "A_b.c-D=Z"),
    ("a=" + "v" * 63, "a=" + "v" * 63),
    ("k" * 63, "k" * 63),
    ("p" * 253 + "/n", "p" * 253 + "/n"),
    # Upstream's lexer treats a NUL as the end of the input.
    ("a=b\x00,c=d", "a=b,c=d"),
    ("a\x00", "a"),
]


@pytest.mark.parametrize("text,canonical", PARSE_OK)
def test_parse_canonical_string(text: str, canonical: str) -> None:
    sel = parse_selector(text)
    assert str(sel) == canonical
    # The canonical form parses back to the same selector.
    assert parse_selector(canonical) == sel


def test_parse_requirements_detail() -> None:
    sel = parse_selector("x in (b,a),!y,z,w>3,v!=q,u==r")
    assert sel.requirements == (
        Requirement("u", "==", ("r",)),
        Requirement("v", "!=", ("q",)),
        Requirement("w", GREATER_THAN, ("3",)),
        Requirement("x", IN, ("a", "b")),
        Requirement("y", DOES_NOT_EXIST, ()),
        Requirement("z", EXISTS, ()),
    )


def test_empty_and_everything() -> None:
    assert parse_selector("").empty
    assert parse_selector("  ").empty
    assert everything().empty
    assert str(everything()) == ""
    assert not parse_selector("a").empty
    assert parse_selector("") == everything()


# --- parsing: rejected input and upstream's exact message -------------------

PARSE_ERRORS = [
    ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
    ("a in b", "unable to parse requirement: found 'b' expected: '('"),
    ("a in", "unable to parse requirement: found '' expected: '('"),
    ("a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'"),
    ("a in (x", "unable to parse requirement: found '', expected: ',' or ')'"),
    ("a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
    ("a in (x,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
    ("a=(b)", "unable to parse requirement: found '(', expected: identifier"),
    ("a=!b", "unable to parse requirement: found '!', expected: identifier"),
    ("!", "unable to parse requirement: found '', expected: identifier"),
    ("!=a", "found '!=', expected: !, identifier, or 'end of string'"),
    ("=a", "found '=', expected: !, identifier, or 'end of string'"),
    (",a", "found ',', expected: !, identifier, or 'end of string'"),
    ("(a)", "found '(', expected: !, identifier, or 'end of string'"),
    ("a,", "found '', expected: identifier after ','"),
    ("a=b,,c", "found ',', expected: identifier after ','"),
    ("a=b,=c", "found '=', expected: identifier after ','"),
    ("a=b c", "found 'c', expected: ',' or 'end of string'"),
    ("a==b==c", "found '==', expected: ',' or 'end of string'"),
    ("!a=b", "found '=', expected: ',' or 'end of string'"),
    ("a in (x) y", "found 'y', expected: ',' or 'end of string'"),
    ("a=b)", "found ')', expected: ',' or 'end of string'"),
    ("a>b", "unable to parse requirement: values[0]: Invalid value: \"b\": "
            "for 'Gt', 'Lt' operators, the value must be an integer"),
    ("a>", "unable to parse requirement: values[0]: Invalid value: \"\": "
           "for 'Gt', 'Lt' operators, the value must be an integer"),
    ("a<1.5", "unable to parse requirement: values[0]: Invalid value: \"1.5\": "
              "for 'Gt', 'Lt' operators, the value must be an integer"),
    ("a>99999999999999999999", "unable to parse requirement: values[0]: Invalid value: "
                               "\"99999999999999999999\": for 'Gt', 'Lt' operators, the value must be an integer"),
    ("app:monolith", "unable to parse requirement: <nil>: Invalid value: \"app:monolith\": name part " + NAME_REGEX_MSG),
    ("*bar=x", "unable to parse requirement: <nil>: Invalid value: \"*bar\": name part " + NAME_REGEX_MSG),
    ("Foo/bar=x", "unable to parse requirement: <nil>: Invalid value: \"Foo/bar\": " + PREFIX_REGEX_MSG),
    ("app.kubernetes_io/name=vault",
     "unable to parse requirement: <nil>: Invalid value: \"app.kubernetes_io/name\": " + PREFIX_REGEX_MSG),
    ("/a", "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty"),
    ("a/", "unable to parse requirement: <nil>: Invalid value: \"a/\": name part must be non-empty; "
           "name part " + NAME_REGEX_MSG),
    ("a/b/c ?=? def",
     "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name " + NAME_REGEX_MSG
     + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
    ("k" * 64, "unable to parse requirement: <nil>: Invalid value: \"" + "k" * 64
               + "\": name part must be no more than 63 characters"),
    ("p" * 254 + "/n", "unable to parse requirement: <nil>: Invalid value: \"" + "p" * 254
                       + "/n\": prefix part must be no more than 253 characters"),
    ("-a", "unable to parse requirement: <nil>: Invalid value: \"-a\": name part " + NAME_REGEX_MSG),
    ("a=-b", "unable to parse requirement: values[0][a]: Invalid value: \"-b\": " + VALUE_REGEX_MSG),
    ("a=b_", "unable to parse requirement: values[0][a]: Invalid value: \"b_\": " + VALUE_REGEX_MSG),
    # Values are sorted before they are validated and indexed.
    ("a in (x,-y)", "unable to parse requirement: values[0][a]: Invalid value: \"-y\": " + VALUE_REGEX_MSG),
    ("a in (x,y_)", "unable to parse requirement: values[1][a]: Invalid value: \"y_\": " + VALUE_REGEX_MSG),
    # Gt/Lt values are label values too: negative bounds are rejected upstream.
    ("a>-5", "unable to parse requirement: values[0][a]: Invalid value: \"-5\": " + VALUE_REGEX_MSG),
    ("a=" + "v" * 64, "unable to parse requirement: values[0][a]: Invalid value: \"" + "v" * 64
                      + "\": must be no more than 63 characters"),
    ("a=" + "v" * 63 + "-", "unable to parse requirement: values[0][a]: Invalid value: \"" + "v" * 63
                            + "-\": must be no more than 63 characters; " + VALUE_REGEX_MSG),
    ("é=x", "unable to parse requirement: <nil>: Invalid value: \"é\": name part " + NAME_REGEX_MSG),
]


@pytest.mark.parametrize("text,message", PARSE_ERRORS)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as info:
        parse_selector(text)
    assert info.value.message == message
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


def test_error_quotes_like_go() -> None:
    with pytest.raises(SelectorError) as info:
        parse_selector('a="b"')
    assert 'Invalid value: "\\"b\\""' in info.value.message


# --- matching ---------------------------------------------------------------

MATCH_TABLE = [
    # selector, labels, matches
    ("", {}, True),
    ("", None, True),
    ("", {"a": "b"}, True),
    ("x=y", {"x": "y"}, True),
    ("x=y", {"x": "z"}, False),
    ("x=y", {}, False),
    ("x=y", None, False),
    ("x==y", {"x": "y"}, True),
    ("x=", {"x": ""}, True),
    ("x=", {}, False),
    ("x!=y", {"x": "z"}, True),
    ("x!=y", {"x": "y"}, False),
    ("x!=y", {}, True),
    ("x!=", {}, True),
    ("x!=", {"x": ""}, False),
    ("x=y,z=w", {"x": "y", "z": "w"}, True),
    ("x=y,z=w", {"x": "y", "z": "v"}, False),
    ("x=y,z=w", {"x": "y"}, False),
    ("x=y,z=w,q=r", {"x": "y", "z": "w", "q": "r"}, True),
    ("x=y,z=w,q=r", {"x": "y", "z": "w", "q": "s"}, False),
    ("x=y,z=w,q=r,s=t", {"x": "y", "z": "w", "q": "r", "s": "t", "extra": "1"}, True),
    ("x=y,z=w,q=r,s=t", {"x": "y", "z": "w", "q": "r"}, False),
    ("x=y,x=z", {"x": "y"}, False),
    ("x=y,x==y", {"x": "y"}, True),
    ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
    ("x in (a,b)", {"x": "a"}, True),
    ("x in (a,b)", {"x": "b"}, True),
    ("x in (a,b)", {"x": "c"}, False),
    ("x in (a,b)", {}, False),
    ("x in (a)", {"x": "a"}, True),
    ("x in ()", {"x": ""}, True),
    ("x in ()", {}, False),
    ("x notin (a,b)", {"x": "c"}, True),
    ("x notin (a,b)", {"x": "a"}, False),
    ("x notin (a,b)", {}, True),
    ("x notin (a)", {"x": "a"}, False),
    ("x", {"x": ""}, True),
    ("x", {"y": "x"}, False),
    ("!x", {"y": "x"}, True),
    ("!x", {"x": ""}, False),
    ("!x", None, True),
    ("x>1", {"x": "2"}, True),
    ("x>1", {"x": "1"}, False),
    ("x>1", {"x": "+2"}, True),
    ("x>0", {"x": "-1"}, False),
    ("x<0", {"x": "-1"}, True),
    ("x>1", {"x": "abc"}, False),
    ("x>1", {"x": " 2"}, False),
    ("x>1", {"x": "1_0"}, False),
    ("x>1", {"x": "99999999999999999999"}, False),
    ("x>1", {}, False),
    ("x<1", {"x": "0"}, True),
    ("x<1", {"x": "-5"}, True),
    ("x<1", {"x": "1"}, False),
    ("x<1", {}, False),
    ("x,!y,z in (a,b),w notin (c),v>3", {"x": "", "z": "b", "w": "d", "v": "4"}, True),
    ("x,!y,z in (a,b),w notin (c),v>3", {"x": "", "z": "b", "w": "c", "v": "4"}, False),
    ("x,!y,z in (a,b)", {"x": "", "y": "", "z": "b"}, False),
    ("x,!y", {"x": ""}, True),
    ("example.com/a=b", {"example.com/a": "b"}, True),
]


@pytest.mark.parametrize("text,labels,expected", MATCH_TABLE)
def test_matches(text: str, labels: dict[str, str] | None, expected: bool) -> None:
    sel = parse_selector(text)
    assert sel.matches(labels) is expected
    # The slow, per-requirement path agrees with the compiled one.
    assert all(r.matches(labels) for r in sel.requirements) is expected


def test_nothing() -> None:
    sel = nothing()
    assert not sel.matches({})
    assert not sel.matches(None)
    assert not sel.matches({"a": "b"})
    assert not sel.empty
    assert sel.selects_nothing
    assert str(sel) == ""
    assert sel != everything()
    assert sel.add(Requirement("a", EXISTS)) is sel


def test_add_and_exact_match() -> None:
    sel = parse_selector("b=1")
    sel2 = sel.add(new_requirement("a", IN, ["x"]), new_requirement("c", NOT_IN, ["y"]))
    assert str(sel) == "b=1"
    assert str(sel2) == "a in (x),b=1,c notin (y)"
    assert sel2.requires_exact_match("a") == "x"
    assert sel2.requires_exact_match("b") == "1"
    assert sel2.requires_exact_match("c") is None
    assert sel2.requires_exact_match("d") is None
    assert parse_selector("a in (x,y)").requires_exact_match("a") is None


def test_selector_is_hashable_and_immutable() -> None:
    a, b = parse_selector("a=b,c"), parse_selector("c, a = b")
    assert a == b and hash(a) == hash(b)
    assert {a: 1}[b] == 1
    with pytest.raises(AttributeError):
        a.foo = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        a.requirements[0].key = "z"  # type: ignore[misc]
    assert repr(a) == "Selector('a=b,c')"
    assert repr(nothing()) == "Selector(<nothing>)"


def test_matches_other_mappings() -> None:
    from types import MappingProxyType

    labels = MappingProxyType({"a": "b", "c": "d", "e": "f", "g": "h"})
    assert parse_selector("a=b,c=d,e=f,g=h").matches(labels)
    assert not parse_selector("a=b,c=d,e=f,g=x").matches(labels)


# --- metav1.LabelSelector ----------------------------------------------------

LABEL_SELECTOR_OK = [
    ({}, ""),
    ({"matchLabels": {}}, ""),
    ({"matchLabels": None, "matchExpressions": None}, ""),
    ({"matchLabels": {"b": "2", "a": "1"}}, "a=1,b=2"),
    ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["y", "x"]}]}, "a in (x,y)"),
    ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["x"]}]}, "a notin (x)"),
    ({"matchExpressions": [{"key": "a", "operator": "Exists"}]}, "a"),
    ({"matchExpressions": [{"key": "a", "operator": "DoesNotExist", "values": []}]}, "!a"),
    ({"matchExpressions": [{"key": "a", "operator": "Exists", "values": None}]}, "a"),
    (
        {
            "matchLabels": {"z": "1"},
            "matchExpressions": [
                {"key": "b", "operator": "In", "values": ["x"]},
                {"key": "a", "operator": "DoesNotExist"},
            ],
        },
        "!a,b in (x),z=1",
    ),
]


@pytest.mark.parametrize("ls,canonical", LABEL_SELECTOR_OK)
def test_label_selector(ls: dict, canonical: str) -> None:
    sel = selector_from_label_selector(ls)
    assert str(sel) == canonical
    assert sel.empty is (canonical == "")


def test_label_selector_none_selects_nothing_and_empty_everything() -> None:
    assert selector_from_label_selector(None) is nothing()
    assert not selector_from_label_selector(None).matches({"a": "b"})
    assert selector_from_label_selector({}) is everything()
    assert selector_from_label_selector({}).matches({"a": "b"})


def test_label_selector_matching() -> None:
    sel = selector_from_label_selector(
        {
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["fe", "be"]},
                {"key": "canary", "operator": "DoesNotExist"},
            ],
        }
    )
    assert sel.matches({"app": "web", "tier": "fe"})
    assert not sel.matches({"app": "web", "tier": "db"})
    assert not sel.matches({"app": "web", "tier": "fe", "canary": "true"})
    assert not sel.matches({"tier": "fe"})


LABEL_SELECTOR_ERRORS = [
    (
        {"matchExpressions": [{"key": "a", "operator": "Foo"}]},
        '"Foo" is not a valid label selector operator',
    ),
    (
        {"matchExpressions": [{"key": "a", "operator": "in", "values": ["x"]}]},
        '"in" is not a valid label selector operator',
    ),
    (
        {"matchExpressions": [{"key": "a"}]},
        '"" is not a valid label selector operator',
    ),
    (
        {"matchExpressions": [{"key": "a", "operator": "In", "values": []}]},
        "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    ),
    (
        {"matchExpressions": [{"key": "a", "operator": "NotIn"}]},
        "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    ),
    (
        {"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x", "<y>"]}]},
        '[values: Invalid value: ["x","\\u003cy\\u003e"]: values set must be empty for exists and does not exist, '
        'values[1][a]: Invalid value: "<y>": ' + VALUE_REGEX_MSG + "]",
    ),
    (
        {"matchExpressions": [{"key": "a", "operator": "In", "values": ["-x"]}]},
        'values[0][a]: Invalid value: "-x": ' + VALUE_REGEX_MSG,
    ),
    (
        {"matchExpressions": [{"key": "a b", "operator": "Exists"}]},
        'key: Invalid value: "a b": name part ' + NAME_REGEX_MSG,
    ),
    (
        {"matchExpressions": [{"operator": "Exists"}]},
        'key: Invalid value: "": name part must be non-empty; name part ' + NAME_REGEX_MSG,
    ),
    (
        {"matchLabels": {"app": "a b"}},
        'values[0][app]: Invalid value: "a b": ' + VALUE_REGEX_MSG,
    ),
    (
        {"matchLabels": {"a b": "c d"}},
        '[key: Invalid value: "a b": name part ' + NAME_REGEX_MSG
        + ', values[0][a b]: Invalid value: "c d": ' + VALUE_REGEX_MSG + "]",
    ),
]


@pytest.mark.parametrize("ls,message", LABEL_SELECTOR_ERRORS)
def test_label_selector_errors(ls: dict, message: str) -> None:
    with pytest.raises(SelectorError) as info:
        selector_from_label_selector(ls)
    assert info.value.message == message


# --- plain maps ----------------------------------------------------------------


def test_selector_from_set() -> None:
    assert selector_from_set(None) is everything()
    assert selector_from_set({}) is everything()
    sel = selector_from_set({"b": "2", "a": "1"})
    assert str(sel) == "a=1,b=2"
    assert sel.matches({"a": "1", "b": "2", "c": "3"})
    assert not sel.matches({"a": "1"})
    assert sel == parse_selector("a=1,b=2")
    # No validation, as upstream's SelectorFromSet.
    assert selector_from_set({"a b": "c d"}).matches({"a b": "c d"})


def test_validated_selector_from_set() -> None:
    assert validated_selector_from_set({}) is everything()
    assert str(validated_selector_from_set({"a": "1"})) == "a=1"
    with pytest.raises(SelectorError) as info:
        validated_selector_from_set({"a": "-"})
    assert info.value.message == 'values[0][a]: Invalid value: "-": ' + VALUE_REGEX_MSG


# --- new_requirement -----------------------------------------------------------

NEW_REQUIREMENT_ERRORS = [
    ("a", EQUALS, [], "values: Invalid value: null: exact-match compatibility requires one single value"),
    ("a", EQUALS, ["x", "y"], 'values: Invalid value: ["x","y"]: exact-match compatibility requires one single value'),
    ("a", GREATER_THAN, ["1", "2"], 'values: Invalid value: ["1","2"]: for \'Gt\', \'Lt\' operators, exactly one value is required'),
    ("a", "~", [], 'operator: Unsupported value: "~": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"'),
]


@pytest.mark.parametrize("key,op,values,message", NEW_REQUIREMENT_ERRORS)
def test_new_requirement_errors(key: str, op: str, values: list[str], message: str) -> None:
    with pytest.raises(SelectorError) as info:
        new_requirement(key, op, values)
    assert info.value.message == message


def test_requirement_string_sorts_values_without_mutating() -> None:
    r = new_requirement("a", IN, ["c", "b", "a"])
    assert str(r) == "a in (a,b,c)"
    assert r.values == ("c", "b", "a")


# --- validation helpers -------------------------------------------------------------


@pytest.mark.parametrize(
    "value,ok",
    [
        ("a", True),
        ("A", True),
        ("a.b-c_d", True),
        ("1", True),
        ("k" * 63, True),
        ("k" * 64, False),
        ("example.com/a", True),
        ("EXAMPLE.com/a", False),
        ("-a", False),
        ("a-", False),
        ("a/b/c", False),
        ("/a", False),
        ("a/", False),
        ("", False),
        ("a\n", False),
    ],
)
def test_is_qualified_name(value: str, ok: bool) -> None:
    assert (is_qualified_name(value) == []) is ok


@pytest.mark.parametrize(
    "value,ok",
    [
        ("", True),
        ("a", True),
        ("a.b-c_d", True),
        ("v" * 63, True),
        ("v" * 64, False),
        ("-a", False),
        ("a_", False),
        ("a b", False),
        ("a\n", False),
        ("é", False),
    ],
)
def test_is_valid_label_value(value: str, ok: bool) -> None:
    assert (is_valid_label_value(value) == []) is ok


def test_is_dns1123_subdomain() -> None:
    assert is_dns1123_subdomain("example.com") == []
    assert is_dns1123_subdomain("a" * 253) == []
    assert is_dns1123_subdomain("a" * 254) == ["must be no more than 253 characters"]
    assert len(is_dns1123_subdomain("Example.com")) == 1
    assert len(is_dns1123_subdomain("a..b")) == 1


def test_byte_length_counts_utf8_like_go() -> None:
    # 32 two-byte characters: 64 bytes, over the limit, as Go's len() sees it.
    errs = is_valid_label_value("é" * 32)
    assert errs[0] == "must be no more than 63 characters"


@pytest.mark.parametrize(
    "value,quoted",
    [
        ("abc", '"abc"'),
        ('a"b', '"a\\"b"'),
        ("a\\b", '"a\\\\b"'),
        ("a\nb\tc", '"a\\nb\\tc"'),
        ("\x00\x7f", '"\\x00\\x7f"'),
        ("é", '"é"'),
        ("\u00a0", '"\\u00a0"'),
    ],
)
def test_go_quote(value: str, quoted: str) -> None:
    assert go_quote(value) == quoted


def test_matching_many_objects_is_cheap() -> None:
    pods = [{"app": f"app{i % 50}", "tier": "fe" if i % 2 else "be"} for i in range(10_000)]
    sel = parse_selector("app in (app1,app2),tier=fe")
    assert sum(1 for p in pods if sel.matches(p)) == 200
    assert isinstance(sel, Selector)
