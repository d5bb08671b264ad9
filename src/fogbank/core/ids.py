"""Injected identifier generation (request ids, resource ids, random suffixes)."""

from __future__ import annotations

import os
import random
import string
import uuid


class Ids:
    """Source of identifiers; tests pass ``Ids(seed=...)`` for repeatable values."""

    def __init__(self, seed: int | None = None) -> None:
        # Identifiers need to be unique, not secret: a Mersenne Twister seeded from the OS
        # costs no system call per id (SystemRandom reads /dev/urandom every time).
        self._random = random.Random(seed if seed is not None else os.urandom(32))

    def uuid(self) -> str:
        """A UUID4 string, AWS's request id form."""
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

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
