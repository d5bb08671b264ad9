"""Injected identifier generation (request ids, resource ids, random suffixes)."""

from __future__ import annotations

import os
import random
import string


class Ids:
    """Source of identifiers; tests pass ``Ids(seed=...)`` for repeatable values."""

    def __init__(self, seed: int | None = None) -> None:
        # Identifiers need to be unique, not secret: a Mersenne Twister seeded from the OS
        # costs no system call per id (SystemRandom reads /dev/urandom every time).
        self._random = random.Random(seed if seed is not None else os.urandom(32))

    def uuid(self) -> str:
        """A UUID4 string, AWS's request id form (formatted by hand: several are made for
        every request, and ``uuid.UUID`` costs five times as much)."""
        digits = f"{self._random.getrandbits(128):032x}"
        variant = "89ab"[int(digits[16], 16) & 3]
        return (f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-"
                f"{digits[20:]}")

    def short(self, length: int = 10,
              alphabet: str = string.ascii_lowercase + string.digits) -> str:
        """A short random token, e.g. an API id (``a1b2c3d4e5``)."""
        return "".join(self._random.choice(alphabet) for _ in range(length))

    def upper(self, length: int = 12) -> str:
        """Upper-case suffix as CloudFormation uses in physical names
        (``HelloFunction-AB12CD34EF``)."""
        return self.short(length, string.ascii_uppercase + string.digits)

    def hex(self, length: int = 32) -> str:
        return self.short(length, "0123456789abcdef")
