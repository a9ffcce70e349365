"""resource.Quantity: parsing, canonical form, arithmetic (upstream `api/resource`)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bosun.machinery.quantity import (
    BINARY_SI,
    DECIMAL_EXPONENT,
    DECIMAL_SI,
    Quantity,
    QuantityError,
    canonical,
    new_milli_quantity,
    new_quantity,
    new_scaled_quantity,
    parse_quantity,
    quantity_from_wire,
)

FORMAT_WRONG = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
NUMERIC = "unable to parse numeric part of quantity"
SUFFIX = "unable to parse quantity's suffix"

MAX_INT64 = 2**63 - 1
Ki, Mi, Gi, Ti, Pi, Ei = (1024**i for i in range(1, 7))


def dec(m: int, e: int) -> Fraction:
    return Fraction(m) * Fraction(10) ** e


# Upstream's TestQuantityParse table: input -> exact value and format.
PARSE_TABLE = [
    ("0", 0, DECIMAL_SI),
    ("0n", 0, DECIMAL_SI),
    ("0u", 0, DECIMAL_SI),
    ("0m", 0, DECIMAL_SI),
    ("0Ki", 0, BINARY_SI),
    ("0k", 0, DECIMAL_SI),
    ("0Mi", 0, BINARY_SI),
    ("0M", 0, DECIMAL_SI),
    ("0Gi", 0, BINARY_SI),
    ("0G", 0, DECIMAL_SI),
    ("0Ti", 0, BINARY_SI),
    ("0T", 0, DECIMAL_SI),
    ("1", 1, DECIMAL_SI),
    ("1Ki", Ki, BINARY_SI),
    ("8Ki", 8 * Ki, BINARY_SI),
    ("7Mi", 7 * Mi, BINARY_SI),
    ("6Gi", 6 * Gi, BINARY_SI),
    ("5Ti", 5 * Ti, BINARY_SI),
    ("4Pi", 4 * Pi, BINARY_SI),
    ("3Ei", 3 * Ei, BINARY_SI),
    ("10Ti", 10 * Ti, BINARY_SI),
    ("100Ti", 100 * Ti, BINARY_SI),
    ("5n", dec(5, -9), DECIMAL_SI),
    ("4u", dec(4, -6), DECIMAL_SI),
    ("3m", dec(3, -3), DECIMAL_SI),
    ("9", 9, DECIMAL_SI),
    ("8k", dec(8, 3), DECIMAL_SI),
    ("50k", dec(5, 4), DECIMAL_SI),
    ("7M", dec(7, 6), DECIMAL_SI),
    ("6G", dec(6, 9), DECIMAL_SI),
    ("5T", dec(5, 12), DECIMAL_SI),
    ("40T", dec(4, 13), DECIMAL_SI),
    ("300T", dec(3, 14), DECIMAL_SI),
    ("2P", dec(2, 15), DECIMAL_SI),
    ("1E", dec(1, 18), DECIMAL_SI),
    ("1E-3", dec(1, -3), DECIMAL_EXPONENT),
    ("1e3", dec(1, 3), DECIMAL_EXPONENT),
    ("1E6", dec(1, 6), DECIMAL_EXPONENT),
    ("1e9", dec(1, 9), DECIMAL_EXPONENT),
    ("1E12", dec(1, 12), DECIMAL_EXPONENT),
    ("1e15", dec(1, 15), DECIMAL_EXPONENT),
    ("1E18", dec(1, 18), DECIMAL_EXPONENT),
    ("1e14", dec(1, 14), DECIMAL_EXPONENT),
    ("1e13", dec(1, 13), DECIMAL_EXPONENT),
    ("1e+3", dec(1, 3), DECIMAL_EXPONENT),
    ("100.035k", 100035, DECIMAL_SI),
    ("0.001", dec(1, -3), DECIMAL_SI),
    ("0.0005k", dec(5, -1), DECIMAL_SI),
    ("0.005", dec(5, -3), DECIMAL_SI),
    ("0.05", dec(5, -2), DECIMAL_SI),
    ("0.5", dec(5, -1), DECIMAL_SI),
    ("0.00050k", dec(5, -1), DECIMAL_SI),
    ("0.00500", dec(5, -3), DECIMAL_SI),
    ("0.05000", dec(5, -2), DECIMAL_SI),
    ("0.50000", dec(5, -1), DECIMAL_SI),
    ("0.5e0", dec(5, -1), DECIMAL_EXPONENT),
    ("0.5e-1", dec(5, -2), DECIMAL_EXPONENT),
    ("0.5e-2", dec(5, -3), DECIMAL_EXPONENT),
    ("10.035M", dec(10035, 3), DECIMAL_SI),
    ("1.2e3", dec(12, 2), DECIMAL_EXPONENT),
    ("1.3E+6", dec(13, 5), DECIMAL_EXPONENT),
    ("1.40e9", dec(14, 8), DECIMAL_EXPONENT),
    ("1.53E12", dec(153, 10), DECIMAL_EXPONENT),
    ("1.6e15", dec(16, 14), DECIMAL_EXPONENT),
    ("1.7E18", dec(17, 17), DECIMAL_EXPONENT),
    ("9.01", dec(901, -2), DECIMAL_SI),
    ("8.1k", dec(81, 2), DECIMAL_SI),
    ("7.123456M", 7123456, DECIMAL_SI),
    ("6.987654321G", 6987654321, DECIMAL_SI),
    ("5.444T", dec(5444, 9), DECIMAL_SI),
    ("40.1T", dec(401, 11), DECIMAL_SI),
    ("300.2T", dec(3002, 11), DECIMAL_SI),
    ("2.5P", dec(25, 14), DECIMAL_SI),
    ("1.01E", dec(101, 16), DECIMAL_SI),
    # Things that saturate or round (up, to nano).
    ("3.001n", dec(4, -9), DECIMAL_SI),
    ("1.1E-9", dec(2, -9), DECIMAL_EXPONENT),
    ("0.0000000001", dec(1, -9), DECIMAL_SI),
    ("0.0000000005", dec(1, -9), DECIMAL_SI),
    ("0.00000000050", dec(1, -9), DECIMAL_SI),
    ("0.5e-9", dec(1, -9), DECIMAL_EXPONENT),
    ("0.9n", dec(1, -9), DECIMAL_SI),
    ("0.00000012345", dec(124, -9), DECIMAL_SI),
    ("0.00000012354", dec(124, -9), DECIMAL_SI),
    ("1e-2000000000", dec(1, -9), DECIMAL_EXPONENT),
    ("9Ei", MAX_INT64, BINARY_SI),
    ("9223372036854775807Ki", MAX_INT64, BINARY_SI),
    ("10000000000.5Ei", MAX_INT64, BINARY_SI),
    ("12E", dec(12, 18), DECIMAL_SI),
    # DecimalSI is not capped.
    ("99999999999999999999", 99999999999999999999, DECIMAL_SI),
    ("1e2000000000", None, DECIMAL_EXPONENT),
    # Fractional binary values.
    ("100.035Ki", dec(10243584, -2), BINARY_SI),
    ("0.5Mi", Fraction(Mi, 2), BINARY_SI),
    ("0.05Gi", dec(536870912, -1), BINARY_SI),
    ("0.025Ti", dec(274877906944, -1), BINARY_SI),
    ("1.5Pi", 3 * Pi // 2, BINARY_SI),
    # Things written by trolls.
    ("0.000000000001Ki", dec(2, -9), DECIMAL_SI),  # rounds up, changes format
    (".001", dec(1, -3), DECIMAL_SI),
    (".0001k", dec(100, -3), DECIMAL_SI),
    ("1.", 1, DECIMAL_SI),
    ("1.G", dec(1, 9), DECIMAL_SI),
    (".", 0, DECIMAL_SI),
    ("-.", 0, DECIMAL_SI),
    ("-", 0, DECIMAL_SI),
    ("00", 0, DECIMAL_SI),
    ("Ki", 0, BINARY_SI),
    ("m", 0, DECIMAL_SI),
]


@pytest.mark.parametrize("text,value,fmt", PARSE_TABLE)
def test_parse(text: str, value: int | Fraction | None, fmt: str) -> None:
    for sign, prefix in ((1, ""), (1, "+"), (-1, "-")):
        if prefix and text[0] in "+-":
            continue
        q = parse_quantity(prefix + text)
        assert q.format == fmt, prefix + text
        if value is not None:
            assert q.as_fraction() == sign * value, prefix + text
        assert parse_quantity(str(q)) == q, prefix + text


PARSE_ERRORS = [
    ("", FORMAT_WRONG),
    (" 1", FORMAT_WRONG),
    ("1 ", FORMAT_WRONG),
    ("1x", FORMAT_WRONG),
    ("aoeu", FORMAT_WRONG),
    ("1.1.M", FORMAT_WRONG),
    ("1+1.0M", FORMAT_WRONG),
    ("1e3m", FORMAT_WRONG),
    ("1e--3", FORMAT_WRONG),
    ("1,5", FORMAT_WRONG),
    ("1_000", FORMAT_WRONG),
    ("١", FORMAT_WRONG),
    ("0.1mi", SUFFIX),
    ("0.1am", FORMAT_WRONG),
    (".5i", SUFFIX),
    ("1i", SUFFIX),
    ("1K", SUFFIX),
    ("1KI", FORMAT_WRONG),
    ("1ki", SUFFIX),
    ("1e", SUFFIX),
    ("1E+", SUFFIX),
    ("1ee3", SUFFIX),
    ("-3.01i", SUFFIX),
    ("-3.01e-", SUFFIX),
    # Exponents outside int32 are rejected rather than wrapped around.
    ("1e4294967297", SUFFIX),
    ("1e2147483648", SUFFIX),
    ("1e-2147483648", SUFFIX),
    ("1e99999999999999999999", SUFFIX),
    # The slow path needs digits.
    (".Pi", NUMERIC),
    ("-Ei", NUMERIC),
    (".e-10", NUMERIC),
]


@pytest.mark.parametrize("text,message", PARSE_ERRORS)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as info:
        parse_quantity(text)
    assert info.value.message == message
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


def test_exponent_bounds() -> None:
    assert str(parse_quantity("1e2147483647")) == "10e2147483646"
    assert str(parse_quantity("1e-2147483647")) == "1e-9"


CANONICAL = [
    # input, canonical form
    ("1000m", "1"),
    ("0.5", "500m"),
    ("1024Mi", "1Gi"),
    ("1.5Gi", "1536Mi"),
    ("100M", "100M"),
    ("1e3", "1e3"),
    ("1E3", "1E3"),
    ("1Ki", "1Ki"),
    ("1Mi", "1Mi"),
    ("1Gi", "1Gi"),
    ("1000M", "1G"),
    ("1000000k", "1G"),
    ("1000000000", "1G"),
    ("0.001T", "1G"),
    (".001Ki", "1024m"),
    (".000001Ki", "1024u"),
    (".000000001Ki", "1024n"),
    (".000000000001Ki", "2n"),
    ("307200Ki", "300Mi"),
    ("1025024Mi", "1001Gi"),
    ("1024Gi", "1Ti"),
    ("5000m", "5"),
    ("1000u", "1m"),
    ("1.08", "1080m"),
    ("1080000000n", "1080m"),
    ("0.00500", "5m"),
    ("1.0", "1"),
    ("2048", "2048"),
    ("1048576", "1048576"),
    ("1536", "1536"),
    ("100m", "100m"),
    ("250m", "250m"),
    ("1500m", "1500m"),
    ("2000m", "2"),
    ("128974848", "128974848"),
    ("129e6", "129e6"),
    ("123Mi", "123Mi"),
    ("129M", "129M"),
    ("1.5", "1500m"),
    ("0.1", "100m"),
    ("100.035Ki", "102435840m"),
    ("0.5Mi", "512Ki"),
    ("1.5Ki", "1536"),
    ("2.5Ki", "2560"),
    ("8Ki", "8Ki"),
    ("1024", "1024"),
    ("1025", "1025"),
    ("0.5Ki", "512"),
    ("1000Ki", "1000Ki"),
    ("1M", "1M"),
    ("1.5M", "1500k"),
    ("1.0005k", "1000500m"),
    (".001e12", "1e9"),
    ("0.001e0", "1e-3"),
    ("1000e-12", "1e-9"),
    ("80e-3", "80e-3"),
    ("0.08", "80m"),
    ("3e3", "3e3"),
    ("3000", "3k"),
    ("00", "0"),
    ("0Ki", "0"),
    ("0e6", "0"),
    ("-0", "0"),
    ("9Ei", "9223372036854775807"),
    ("3.001n", "4n"),
    ("1e-12", "1e-9"),
    ("0.5e-1", "50e-3"),
    ("1.1E-9", "2e-9"),
    # Upstream keeps a canonical-looking input verbatim, quirks included.
    ("+1", "+1"),
    ("01", "01"),
    ("1.G", "1.G"),
    ("+1Ki", "+1Ki"),
    ("-1", "-1"),
    # Past the suffix tables: exponent form, not a lost magnitude (1.33 wrote "1").
    ("1000E", "1e21"),
    ("5000E", "5e21"),
    ("1000000E", "1e24"),
    ("12E", "12E"),
    ("99999999999999999999", "99999999999999999999"),
    ("1e2000000000", "100e1999999998"),
]


@pytest.mark.parametrize("text,expected", CANONICAL)
def test_canonical(text: str, expected: str) -> None:
    assert canonical(text) == expected
    assert str(parse_quantity(text)) == expected
    # Canonical output is stable.
    assert canonical(expected) == expected
    if expected != "0" and text[0] not in "+-":
        neg = "-" + expected if expected[0] not in "+-" else None
        if neg:
            assert canonical("-" + text) == neg


# Upstream's TestQuantityString: (mantissa, exponent, format) -> canonical.
QUANTITY_STRING = [
    (Gi, 0, BINARY_SI, "1Gi"),
    (300 * Mi, 0, BINARY_SI, "300Mi"),
    (6 * Ki, 0, BINARY_SI, "6Ki"),
    (1001 * Gi, 0, BINARY_SI, "1001Gi"),
    (Ti, 0, BINARY_SI, "1Ti"),
    (5, 0, BINARY_SI, "5"),
    (500, -3, BINARY_SI, "500m"),
    (1000, 0, BINARY_SI, "1k"),
    (2000, 0, BINARY_SI, "2000"),
    (1, 9, DECIMAL_SI, "1G"),
    (1000, 6, DECIMAL_SI, "1G"),
    (1000000, 3, DECIMAL_SI, "1G"),
    (1000000000, 0, DECIMAL_SI, "1G"),
    (1, -3, DECIMAL_SI, "1m"),
    (80, -3, DECIMAL_SI, "80m"),
    (1080, -3, DECIMAL_SI, "1080m"),
    (108, -2, DECIMAL_SI, "1080m"),
    (10800, -4, DECIMAL_SI, "1080m"),
    (300, 6, DECIMAL_SI, "300M"),
    (1, 12, DECIMAL_SI, "1T"),
    (1, 18, DECIMAL_SI, "1E"),
    (1, 21, DECIMAL_SI, "1e21"),
    (5, 21, DECIMAL_SI, "5e21"),
    (1, 24, DECIMAL_SI, "1e24"),
    (1, 70, BINARY_SI, "10e69"),
    (2, 70, BINARY_SI, "20e69"),
    (1, 72, BINARY_SI, "1e72"),
    (2**70, 0, BINARY_SI, "1180591620717411303424"),
    (1234567, 6, DECIMAL_SI, "1234567M"),
    (1234567, -3, BINARY_SI, "1234567m"),
    (3, 3, DECIMAL_SI, "3k"),
    (1025, 0, BINARY_SI, "1025"),
    (0, 0, DECIMAL_SI, "0"),
    (0, 0, BINARY_SI, "0"),
    (1, 9, DECIMAL_EXPONENT, "1e9"),
    (1, -3, DECIMAL_EXPONENT, "1e-3"),
    (1, -9, DECIMAL_EXPONENT, "1e-9"),
    (80, -3, DECIMAL_EXPONENT, "80e-3"),
    (300, 6, DECIMAL_EXPONENT, "300e6"),
    (1, 12, DECIMAL_EXPONENT, "1e12"),
    (1, 3, DECIMAL_EXPONENT, "1e3"),
    (3, 3, DECIMAL_EXPONENT, "3e3"),
    (0, 0, DECIMAL_EXPONENT, "0"),
    (1, -9, DECIMAL_SI, "1n"),
    (80, -9, DECIMAL_SI, "80n"),
    (1080, -9, DECIMAL_SI, "1080n"),
    (108, -8, DECIMAL_SI, "1080n"),
    (10800, -10, DECIMAL_SI, "1080n"),
    (1, -6, DECIMAL_SI, "1u"),
    (80, -6, DECIMAL_SI, "80u"),
    (1080, -6, DECIMAL_SI, "1080u"),
    # Below nano: exponent form.
    (1, -12, DECIMAL_SI, "1e-12"),
    (1, -10, DECIMAL_SI, "100e-12"),
    # An unknown format is written as DecimalExponent.
    (1500, 0, "", "1500"),
    (15, 2, "", "1500"),
    (15, 3, "", "15e3"),
]


@pytest.mark.parametrize("m,e,fmt,expected", QUANTITY_STRING)
def test_quantity_string(m: int, e: int, fmt: str, expected: str) -> None:
    q = Quantity(m, e, fmt)
    assert str(q) == expected
    if m:
        assert str(-q) == "-" + expected
    # Canonical strings parse back to the same value (parsing rounds below nano).
    if q.is_zero() or q.as_fraction() >= Fraction(1, 10**9):
        assert parse_quantity(expected) == q


def test_values_round_up_away_from_zero() -> None:
    table = [
        # text, value(), milli_value()
        ("0", 0, 0),
        ("1", 1, 1000),
        ("1500m", 2, 1500),
        ("100m", 1, 100),
        ("1n", 1, 1),
        ("1.0001m", 1, 2),
        ("1Gi", Gi, Gi * 1000),
        ("-1500m", -2, -1500),
        ("-1n", -1, -1),
        ("12E", MAX_INT64, MAX_INT64),
        ("9223372036854775807", MAX_INT64, MAX_INT64),
        ("-9223372036854775808", -(2**63), -(2**63)),
        ("-100E", -(2**63), -(2**63)),
        ("1e2000000000", MAX_INT64, MAX_INT64),
        ("1e-2000000000", 1, 1),
    ]
    for text, value, milli in table:
        q = parse_quantity(text)
        assert q.value() == value, text
        assert q.milli_value() == milli, text
    assert parse_quantity("1500m").scaled_value(3) == 1
    assert parse_quantity("1G").scaled_value(6) == 1000
    assert parse_quantity("1").scaled_value(-9) == 10**9


def test_comparison() -> None:
    table = [
        ("0", "0", 0),
        ("100m", "50m", 1),
        ("50m", "100m", -1),
        ("10000T", "100Gi", 1),
        ("1Gi", "1024Mi", 0),
        ("1000m", "1", 0),
        ("1e3", "1k", 0),
        ("-1", "1m", -1),
        ("-1", "-2", 1),
        ("0", "-1n", 1),
        ("1e2000000000", "1", 1),
        ("1e2000000000", "-1e2000000000", 1),
        ("1n", "1e-2000000000", 0),
        ("9.01", "9010m", 0),
        ("901e-2", "9.01", 0),
        ("800m", "79e-2", 1),
    ]
    for a, b, want in table:
        qa, qb = parse_quantity(a), parse_quantity(b)
        assert qa.cmp(qb) == want, (a, b)
        assert qb.cmp(qa) == -want, (a, b)
        assert (qa == qb) is (want == 0)
        assert (qa < qb) is (want < 0)
        assert (qa > qb) is (want > 0)
        assert (qa <= qb) is (want <= 0)
    assert hash(parse_quantity("1Gi")) == hash(parse_quantity("1024Mi"))
    assert max(parse_quantity(s) for s in ["1", "500m", "2Ki"]) == parse_quantity("2048")
    assert parse_quantity("1") != "1"


def test_arithmetic() -> None:
    q = parse_quantity
    assert str(q("1Gi") + q("512Mi")) == "1536Mi"
    assert str(q("1") - q("250m")) == "750m"
    assert str(q("100m") + q("900m")) == "1"
    assert str(q("1") + q("1Ki")) == "1025"
    assert str(q("1Ki") + q("1")) == "1025"
    assert str(q("2Ki") - q("1Ki")) == "1Ki"
    assert str(q("1Ki") - q("2Ki")) == "-1Ki"
    assert str(q("1Ki") + q("500m")) == "1024500m"
    assert str(-q("1500m")) == "-1500m"
    assert str(q("500m") * 3) == "1500m"
    assert str(2 * q("1Gi")) == "2Gi"
    assert str(q("1Ei") * 1024) == "1180591620717411303424"
    assert (q("0.1") + q("0.2")) == q("300m")  # exact, no float drift
    total = Quantity()
    for s in ["100m", "250m", "1", "650m"]:
        total = total + q(s)
    assert str(total) == "2"


def test_zero_takes_the_other_format() -> None:
    zero = parse_quantity("0")
    for text in ["100m", "1Gi"]:
        value = parse_quantity(text)
        assert str(value + zero) == text
        assert str(zero + value) == text
        assert str(value - zero) == text
        assert str(zero - value) == "-" + text
    assert (parse_quantity("0") + parse_quantity("1Gi")).format == BINARY_SI
    assert (parse_quantity("1") + parse_quantity("1Gi")).format == DECIMAL_SI


def test_arithmetic_drops_the_verbatim_string() -> None:
    q = parse_quantity("+1")
    assert str(q) == "+1"
    assert str(q + parse_quantity("0")) == "1"
    assert str(-parse_quantity("01")) == "-1"


def test_immutable_and_hashable() -> None:
    q = parse_quantity("1Gi")
    q2 = q + parse_quantity("1Gi")
    assert str(q) == "1Gi" and str(q2) == "2Gi"
    assert {q: "a"}[parse_quantity("1024Mi")] == "a"
    assert repr(q) == "Quantity('1Gi', BinarySI)"
    with pytest.raises(AttributeError):
        q.format = DECIMAL_SI  # type: ignore[misc]


def test_floats_and_fractions() -> None:
    assert float(parse_quantity("1500m")) == 1.5
    assert float(parse_quantity("1Gi")) == float(Gi)
    assert float(parse_quantity("0")) == 0.0
    assert float(parse_quantity("1e2000000000")) == float("inf")
    assert float(parse_quantity("-1e2000000000")) == float("-inf")
    assert parse_quantity("1.5").as_fraction() == Fraction(3, 2)
    assert parse_quantity("-5m").sign() == -1
    assert parse_quantity("0").is_zero()


def test_constructors() -> None:
    assert str(new_quantity(5)) == "5"
    assert str(new_quantity(1024, BINARY_SI)) == "1Ki"
    assert str(new_quantity(1000, BINARY_SI)) == "1k"
    assert str(new_milli_quantity(1500)) == "1500m"
    assert str(new_milli_quantity(500, BINARY_SI)) == "500m"
    assert str(new_scaled_quantity(3, 6)) == "3M"
    assert str(Quantity()) == "0"


def test_numbers_and_wire_values() -> None:
    assert str(parse_quantity(2)) == "2"
    assert str(parse_quantity(0)) == "0"
    assert str(parse_quantity(0.5)) == "500m"
    assert str(parse_quantity(1e-05)) == "10e-6"
    assert str(parse_quantity(12345678901234567890)) == "12345678901234567890"
    for bad in [True, float("nan"), float("inf")]:
        with pytest.raises(QuantityError):
            parse_quantity(bad)  # type: ignore[arg-type]
    assert str(quantity_from_wire(" 100m\n")) == "100m"
    assert str(quantity_from_wire(None)) == "0"
    assert str(quantity_from_wire(4)) == "4"
    assert str(quantity_from_wire(0.25)) == "250m"
    with pytest.raises(QuantityError):
        quantity_from_wire([1])
    with pytest.raises(QuantityError) as info:
        quantity_from_wire("1x")
    assert info.value.message == FORMAT_WRONG


def test_parsing_is_cheap_for_common_values() -> None:
    values = ["100m", "128Mi", "1", "2Gi", "500m", "1.5"] * 1000
    assert sum(parse_quantity(v).milli_value() for v in values) == 1000 * (
        100 + 128 * Mi * 1000 + 1000 + 2 * Gi * 1000 + 500 + 1500
    )
