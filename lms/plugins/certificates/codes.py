"""Certificate codes: random, unguessable, and easy to read aloud or type from paper.

140 random bits (more than the 128 asked for, so the code splits into seven even groups)
in Crockford's base32: digits and upper-case letters without I, L, O and U, so nothing is
mistaken for 1 or 0. Shown as ``7KQ2-M4XD-...``; typed codes are accepted in any case,
with or without hyphens or spaces, and with the look-alikes Crockford maps (O->0, I/L->1).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BITS = 140
LENGTH = BITS // 5  # 28 characters
GROUP = 4
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_VALID = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def new_code() -> str:
    number = secrets.randbits(BITS)
    chars = []
    for _ in range(LENGTH):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def normalise(typed: str) -> str | None:
    """The stored form of a typed code, or None when it cannot be a code."""
    compact = re.sub(r"[\s-]", "", typed or "").upper().translate(_LOOKALIKES)
    return compact if _VALID.fullmatch(compact) else None


def display(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
