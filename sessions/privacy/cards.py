"""Card numbers: a real network prefix (IIN) and length, then Luhn. One rule, the same in the recorder
(static/recorder/src/luhn.js); the shared vectors in tests/vectors/privacy/ hold both to it.

Why a prefix table and not Luhn alone: one Luhn-valid number in ten passes the checksum by chance, so
without the prefix and length rule one millisecond timestamp (13 digits starting with 1) in ten, order
numbers and ids would be masked. No network issues 13-digit numbers starting with 1 (UATP, the only
network on 1, uses 15 digits), so no millisecond timestamp until the year 2286 can match.
"""

from __future__ import annotations

# Two-digit prefix -> allowed lengths. Sources: the networks' published IIN ranges (ISO/IEC 7812).
_ANY = tuple(range(13, 20))
_R = {
    # UATP (airline cards): 1, 15 digits.
    **{f"1{d}": (15,) for d in "0123456789"},
    # Mir 2200-2204, BORICA 2205, Mastercard 2221-2720: 16 (Mir up to 19).
    **{f"{p}": (16, 17, 18, 19) for p in range(22, 28)},
    # Diners 300-305/3095/36/38/39 (14-19), Amex 34/37 (15), JCB 3528-3589 (16-19).
    **{f"{p}": (14, 15, 16, 17, 18, 19) for p in (30, 34, 35, 36, 37, 38, 39)},
    # Visa: 13, 16, 19.
    **{f"4{d}": (13, 16, 19) for d in "0123456789"},
    # Maestro 50/56-58 (13-19), Mastercard 51-55 (16).
    **{f"{p}": _ANY for p in (50, 56, 57, 58)},
    **{f"{p}": (16,) for p in (51, 52, 53, 54, 55)},
    # Discover, UnionPay, Maestro, RuPay, Elo, InterPayment...: 6 (13-19).
    **{f"6{d}": _ANY for d in "0123456789"},
    # UnionPay 81, RuPay 82, Uzcard 86: 16-19.
    **{f"{p}": (16, 17, 18, 19) for p in (81, 82, 86)},
    # Troy 9792, Humo 9860: 16.
    "97": (16,),
    "98": (16,),
}
CARD_LENGTHS: dict[str, tuple[int, ...]] = _R


_DOUBLED = {str(d): (2 * d - 9 if d > 4 else 2 * d) for d in range(10)}


def luhn_valid(digits: str) -> bool:
    """Luhn checksum of a string of digits (the rightmost is the check digit)."""
    total = sum(ord(c) - 48 for c in digits[-1::-2]) + sum(_DOUBLED[c] for c in digits[-2::-2])
    return total % 10 == 0


def is_card_number(digits: str) -> bool:
    """True when `digits` (only 0-9) has a network's prefix and length and passes Luhn."""
    lengths = CARD_LENGTHS.get(digits[:2])
    return lengths is not None and len(digits) in lengths and luhn_valid(digits)
