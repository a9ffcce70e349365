"""`resource.Quantity`: parsing, exact arithmetic and upstream's canonical form.

Follows upstream `k8s.io/apimachinery/pkg/api/resource`. A quantity is kept
exactly as ``mantissa * 10**exponent`` (Python integers, no floats) plus its
format (`DecimalSI`, `BinarySI` or `DecimalExponent`), which decides how it is
written back:

* ``1000m`` -> ``1``, ``0.5`` -> ``500m``, ``1024Mi`` -> ``1Gi``,
  ``1.5Gi`` -> ``1536Mi``, ``100M`` stays ``100M``, ``1e3`` stays ``1e3``.
* Parsing rounds up (away from zero) to nano units and caps `BinarySI`
  values at 2^63-1, as upstream does.
* Like upstream, a string that is already canonical-looking is kept verbatim
  (``+1`` and ``01`` round-trip as written); any arithmetic drops it.

Where Kubernetes 1.33 is plainly wrong, this follows upstream's later fixes:
a `DecimalSI` value past ``E`` (or below ``n``) and a `BinarySI` value past
``Ei`` are written in exponent form (``1000E`` -> ``1e21``) instead of losing
their suffix (1.33 writes ``1``), and an exponent outside the int32 range is
rejected instead of wrapping around.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

__all__ = [
    "BINARY_SI",
    "DECIMAL_EXPONENT",
    "DECIMAL_SI",
    "Quantity",
    "QuantityError",
    "canonical",
    "new_milli_quantity",
    "new_quantity",
    "new_scaled_quantity",
    "parse_quantity",
    "quantity_from_wire",
]

DECIMAL_EXPONENT = "DecimalExponent"  # 12e6
BINARY_SI = "BinarySI"  # 12Mi
DECIMAL_SI = "DecimalSI"  # 12M

SPLIT_RE_STRING = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = "quantities must match the regular expression '" + SPLIT_RE_STRING + "'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"


class QuantityError(ValueError):
    """A string that is not a quantity; `message` is upstream's text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


_MAX_INT64 = (1 << 63) - 1
_MIN_INT64 = -(1 << 63)
_MAX_INT32 = (1 << 31) - 1
_NANO = -9
# Aligning two exponents further apart than this would build integers of
# millions of digits; no real quantity comes near (2^63 has 19 digits).
_MAX_ALIGN = 1_000_000

_DECIMAL_SUFFIXES = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_SUFFIX_BY_EXPONENT = {e: s for s, e in _DECIMAL_SUFFIXES.items()}
_BINARY_SUFFIX_BY_POWER = {1: "Ki", 2: "Mi", 3: "Gi", 4: "Ti", 5: "Pi", 6: "Ei"}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_DIGITS = frozenset("0123456789")


def _ndigits(n: int) -> int:
    """Decimal digits of |n| (n != 0)."""
    return len(str(abs(n)))


def _normalize(m: int, e: int) -> tuple[int, int]:
    if m == 0:
        return 0, 0
    if m % 10 == 0:
        s = str(m)
        stripped = s.rstrip("0")
        e += len(s) - len(stripped)
        m = int(stripped)
    return m, e


def _round_away(m: int, e: int, target: int) -> tuple[int, int, bool]:
    """Round m*10^e away from zero to exponent `target`; the flag says it was exact."""
    if m == 0 or e >= target:
        return m, e, True
    shift = target - e
    sign = -1 if m < 0 else 1
    a = abs(m)
    if shift > _ndigits(a):
        return sign, target, False
    q, r = divmod(a, 10**shift)
    if r:
        q += 1
    return sign * q, target, r == 0


@functools.total_ordering
class Quantity:
    """An exact, immutable `resource.Quantity`; `str(q)` is upstream's canonical form."""

    __slots__ = ("_m", "_e", "_format", "_s")

    _m: int
    _e: int
    _format: str
    _s: str | None

    def __init__(self, mantissa: int = 0, exponent: int = 0, format: str = DECIMAL_SI) -> None:
        self._m, self._e = _normalize(mantissa, exponent)
        self._format = format
        self._s = None

    @classmethod
    def _make(cls, m: int, e: int, format: str, s: str | None = None) -> Quantity:
        q = cls.__new__(cls)
        q._m, q._e = _normalize(m, e)
        q._format = format
        q._s = s
        return q

    @property
    def format(self) -> str:
        """`DecimalSI`, `BinarySI` or `DecimalExponent`: how the quantity is written."""
        return self._format

    # -- reading ----------------------------------------------------------

    def is_zero(self) -> bool:
        return self._m == 0

    def sign(self) -> int:
        return (self._m > 0) - (self._m < 0)

    def as_fraction(self) -> Fraction:
        """The exact value (beware of absurd exponents such as ``1e2000000000``)."""
        return Fraction(self._m) * Fraction(10) ** self._e

    def __float__(self) -> float:
        m, e = self._m, self._e
        if m == 0:
            return 0.0
        top = e + _ndigits(m)
        if top > 310:
            return float("inf") if m > 0 else float("-inf")
        if top < -330:
            return 0.0
        return float(self.as_fraction())

    def scaled_value(self, scale: int) -> int:
        """ceil(|q| / 10^scale) with q's sign, saturated to int64 (upstream `ScaledValue`)."""
        m, e, _ = _round_away(self._m, self._e, scale)
        if m == 0:
            return 0
        shift = e - scale
        if shift + _ndigits(m) > 19:
            return _MAX_INT64 if m > 0 else _MIN_INT64
        v = m * 10**shift
        return max(_MIN_INT64, min(_MAX_INT64, v))

    def value(self) -> int:
        """The value rounded up (away from zero) to an integer, saturated to int64."""
        return self.scaled_value(0)

    def milli_value(self) -> int:
        """ceil(q * 1000), away from zero, saturated to int64."""
        return self.scaled_value(-3)

    # -- arithmetic (new objects; the verbatim string is never carried over) --

    def _align(self, other: Quantity) -> tuple[int, int, int]:
        e = min(self._e, other._e)
        if self._m and other._m and abs(self._e - other._e) > _MAX_ALIGN:
            raise QuantityError("quantity exponents too far apart to add exactly")
        a = self._m * 10 ** (self._e - e) if self._m else 0
        b = other._m * 10 ** (other._e - e) if other._m else 0
        return a, b, e

    def __add__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        # Upstream: adding to a zero takes the other operand's format.
        fmt = other.format if self._m == 0 else self.format
        if other._m == 0:
            return Quantity._make(self._m, self._e, fmt)
        a, b, e = self._align(other)
        return Quantity._make(a + b, e, fmt)

    def __sub__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self + (-other)

    def __neg__(self) -> Quantity:
        return Quantity._make(-self._m, self._e, self.format)

    def __mul__(self, factor: int) -> Quantity:
        if not isinstance(factor, int) or isinstance(factor, bool):
            return NotImplemented
        return Quantity._make(self._m * factor, self._e, self.format)

    __rmul__ = __mul__

    def cmp(self, other: Quantity) -> int:
        """-1, 0 or 1 (upstream `Cmp`)."""
        a, b = self._m, other._m
        sa, sb = (a > 0) - (a < 0), (b > 0) - (b < 0)
        if sa != sb:
            return 1 if sa > sb else -1
        if sa == 0:
            return 0
        # Settle by magnitude before aligning exponents that may be far apart.
        ta, tb = self._e + _ndigits(a), other._e + _ndigits(b)
        if ta != tb:
            return sa if ta > tb else -sa
        x, y, _ = self._align(other)
        return (x > y) - (x < y)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self._m == other._m and self._e == other._e

    def __lt__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.cmp(other) < 0

    def __hash__(self) -> int:
        return hash((self._m, self._e))

    # -- writing ------------------------------------------------------------

    def __str__(self) -> str:
        s = self._s
        if s is None:
            s = self._s = _canonicalize(self._m, self._e, self.format)
        return s

    def __repr__(self) -> str:
        return f"Quantity({str(self)!r}, {self.format})"


def _decimal_canonical(m: int, e: int) -> tuple[int, int]:
    # Exponent a multiple of 3, as large as possible, without fractional digits.
    r = e % 3
    if r:
        m *= 10**r
        e -= r
    return m, e


def _exponent_form(m: int, e: int) -> str:
    m, e = _decimal_canonical(m, e)
    return f"{m}e{e}" if e else str(m)


def _canonicalize(m: int, e: int, fmt: str) -> str:
    if m == 0:
        return "0"
    if fmt == BINARY_SI:
        if e >= 70:
            # Divisible by 2^70: its 1024-exponent is past Ei.
            return _exponent_form(m, e)
        v = m * 10**e if e >= 0 else 0
        if e < 0 or -1024 < v < 1024:
            # Fractions and small values are written as DecimalSI, as upstream.
            fmt = DECIMAL_SI
        else:
            a, power = abs(v), 0
            while a >= 1024 and a % 1024 == 0:
                a //= 1024
                power += 1
            if power == 0:
                return str(v)
            suffix = _BINARY_SUFFIX_BY_POWER.get(power)
            if suffix is None:
                return _exponent_form(m, e)
            return f"{-a if v < 0 else a}{suffix}"
    elif fmt != DECIMAL_SI:
        fmt = DECIMAL_EXPONENT
    m, e = _decimal_canonical(m, e)
    if fmt == DECIMAL_SI:
        suffix = _DECIMAL_SUFFIX_BY_EXPONENT.get(e)
        if suffix is not None:
            return f"{m}{suffix}"
    return f"{m}e{e}" if e else str(m)


def _interpret_suffix(suffix: str) -> tuple[int, int, str] | None:
    """(base, exponent, format) for a suffix, or None."""
    exp = _DECIMAL_SUFFIXES.get(suffix)
    if exp is not None:
        return 10, exp, DECIMAL_SI
    exp = _BINARY_SUFFIXES.get(suffix)
    if exp is not None:
        return 2, exp, BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        digits = suffix[1:]
        body = digits[1:] if digits[0] in "+-" else digits
        if not body or not all(c in _DIGITS for c in body):
            return None
        n = int(digits)
        if abs(n) > _MAX_INT32:
            return None
        return 10, n, DECIMAL_EXPONENT
    return None


def _scan(s: str) -> tuple[bool, str, str, str, str]:
    """Split a quantity string: (positive, value, numerator, denominator, suffix)."""
    positive = True
    pos, end = 0, len(s)
    if s[0] == "-":
        positive = False
        pos = 1
    elif s[0] == "+":
        pos = 1
    # Leading zeros.
    while pos < end and s[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "0", "", ""
    start = pos
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    num = s[start:pos] or "0"
    if pos >= end:
        return positive, s, num, "", ""
    denom = ""
    if s[pos] == ".":
        pos += 1
        start = pos
        while pos < end and s[pos] in _DIGITS:
            pos += 1
        denom = s[start:pos]
        if pos >= end:
            return positive, s, num, denom, ""
    value = s[:pos]
    suffix_start = pos
    while pos < end and s[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and s[pos] in "+-":
        pos += 1
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise QuantityError(ERR_FORMAT_WRONG)
    return positive, value, num, denom, s[suffix_start:]


def parse_quantity(s: str | int | float) -> Quantity:
    """Parse a quantity string (upstream `ParseQuantity`); ints and floats are formatted first.

    Raises `QuantityError` with upstream's message. No whitespace is allowed
    (see `quantity_from_wire` for JSON values).
    """
    if isinstance(s, bool):
        raise QuantityError(ERR_FORMAT_WRONG)
    if isinstance(s, int):
        s = str(s)
    elif isinstance(s, float):
        if s != s or s in (float("inf"), float("-inf")):
            raise QuantityError(ERR_FORMAT_WRONG)
        s = repr(s)
    if not s:
        raise QuantityError(ERR_FORMAT_WRONG)
    if s == "0":
        return Quantity._make(0, 0, DECIMAL_SI, "0")

    positive, value, num, denom, suffix = _scan(s)
    interpreted = _interpret_suffix(suffix)
    if interpreted is None:
        raise QuantityError(ERR_SUFFIX)
    base, exponent, fmt = interpreted
    sign = 1 if positive else -1

    # Upstream's int64 fast path: it decides whether the input string is kept verbatim.
    if fmt == BINARY_SI:
        if not denom:
            precision = 15 - len(num) - exponent * 3 // 10 - 1
            if precision >= 0:
                n = int(num)
                result = n << exponent
                if result <= _MAX_INT64:
                    verbatim = s if n & 7 else None
                    return Quantity._make(sign * result, 0, fmt, verbatim)
    else:
        precision = 18 - (len(num) + len(denom))
        scale = exponent - len(denom)
        if precision >= 0 and scale >= _NANO:
            shifted = num + denom
            keep = scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"
            return Quantity._make(sign * int(shifted), scale, fmt, s if keep else None)

    # The general path: exact value, rounded up to nano, BinarySI capped.
    if not any(c in _DIGITS for c in value):
        raise QuantityError(ERR_NUMERIC)
    m = int(num + denom)
    e = -len(denom)
    if base == 10:
        e += exponent
    else:
        m <<= exponent
    m, e, _ = _round_away(m, e, _NANO)
    if fmt == BINARY_SI and m:
        # After rounding to nano, -9 <= e when e is negative.
        if e > 18 or (m * 10**e > _MAX_INT64 if e >= 0 else m > _MAX_INT64 * 10**-e):
            m, e = _MAX_INT64, 0
        elif e < 0 and m < 10**-e:
            fmt = DECIMAL_SI  # 0 < amount < 1
    return Quantity._make(sign * m, e, fmt)


def quantity_from_wire(value: Any) -> Quantity:
    """Decode a quantity from a JSON value as upstream's `UnmarshalJSON` does.

    Strings are trimmed of surrounding whitespace, numbers are formatted,
    `null` is zero.
    """
    if value is None:
        return Quantity._make(0, 0, DECIMAL_SI)
    if isinstance(value, str):
        return parse_quantity(value.strip())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return parse_quantity(value)
    raise QuantityError(ERR_FORMAT_WRONG)


def canonical(q: Quantity | str) -> str:
    """Upstream's canonical string of a quantity (or of a quantity string)."""
    if not isinstance(q, Quantity):
        q = parse_quantity(q)
    return str(q)


def new_quantity(value: int, format: str = DECIMAL_SI) -> Quantity:
    """`value` in `format` (upstream `NewQuantity`)."""
    return Quantity._make(value, 0, format)


def new_milli_quantity(value: int, format: str = DECIMAL_SI) -> Quantity:
    """`value`/1000 in `format` (upstream `NewMilliQuantity`)."""
    return Quantity._make(value, -3, format)


def new_scaled_quantity(value: int, scale: int) -> Quantity:
    """`value` * 10^scale in DecimalSI (upstream `NewScaledQuantity`)."""
    return Quantity._make(value, scale, DECIMAL_SI)
