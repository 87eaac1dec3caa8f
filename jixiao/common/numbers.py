"""Exact numbers and the one place where they are rounded for display.

Money is held as Decimal 万元 (at most 6 decimals, i.e. to the 分) or integer 分; scores and
rates are Fractions until printed. Every printed figure goes through the functions below so
that one quantity reads the same in the docx, the score sheet and summary.json.
"""

import math
from decimal import Decimal
from fractions import Fraction

WAN_TO_FEN = 1_000_000  # 1 万元 = 10,000 元 = 1,000,000 分


def to_fraction(value) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Decimal):
        return Fraction(value)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        # Only values read from a spreadsheet arrive as floats; their shortest repr is what
        # the user typed (317.395), not the binary expansion.
        return Fraction(Decimal(repr(value)))
    return Fraction(Decimal(str(value)))


def round_half_up(value, places: int = 2) -> Decimal:
    """Round an exact value the way Chinese financial reports do (四舍五入, halves away from 0)."""
    frac = to_fraction(value)
    scaled = abs(frac) * 10**places
    whole = math.floor(scaled)
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    sign = -1 if frac < 0 else 1
    return Decimal(sign * whole).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def fmt_fixed(value, places: int = 2) -> str:
    """12.5 → '12.50' (places fixed)."""
    return f"{round_half_up(value, places):.{places}f}"


def fmt_percent(value, places: int = 2) -> str:
    """A ratio (0.9 or Fraction) → '90.00%'."""
    return f"{fmt_fixed(to_fraction(value) * 100, places)}%"


def fmt_plain(value, max_places: int = 6) -> str:
    """Shortest exact form, no trailing zeros: 317.395 → '317.395', 331 → '331'."""
    d = round_half_up(value, max_places).normalize()
    text = f"{d:f}"
    return "0" if text in ("-0", "") else text


def fmt_wan(value) -> str:
    """万元 amounts as the seeds print them: exact, without padding (317.395, 331, 0.505)."""
    return fmt_plain(value, 6)


def wan_to_fen(value) -> int:
    frac = to_fraction(value) * WAN_TO_FEN
    if frac.denominator != 1:
        raise ValueError("金额精度超过“分”")
    return int(frac)


def fen_to_wan(fen: int) -> Decimal:
    return (Decimal(fen) / WAN_TO_FEN).normalize()
