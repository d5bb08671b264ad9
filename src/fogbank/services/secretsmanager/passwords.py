"""GetRandomPassword's generator (also behind CloudFormation's ``GenerateSecretString``)."""

from __future__ import annotations

import random
import string

from fogbank.services.secretsmanager.errors import InvalidParameterException
from fogbank.services.secretsmanager.names import check_length, check_range

PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
DEFAULT_LENGTH = 32
TOO_SHORT = "Password length is too short based on the required types."


def random_password(rng: random.Random, *, length: int | None = None,
                    exclude_characters: str | None = None, exclude_numbers: bool = False,
                    exclude_punctuation: bool = False, exclude_uppercase: bool = False,
                    exclude_lowercase: bool = False, include_space: bool = False,
                    require_each_included_type: bool = True) -> str:
    """A password from the included character types, with at least one character of each
    type when ``require_each_included_type`` (AWS's default)."""
    size = DEFAULT_LENGTH if length is None else length
    check_range(size, "passwordLength", 1, 4096)
    check_length(exclude_characters, "excludeCharacters", 0, 4096)
    excluded = set(exclude_characters or "")
    groups = []
    for chars, skip in ((string.ascii_lowercase, exclude_lowercase),
                        (string.ascii_uppercase, exclude_uppercase),
                        (string.digits, exclude_numbers),
                        (PUNCTUATION, exclude_punctuation),
                        (" ", not include_space)):
        kept = "".join(c for c in chars if c not in excluded)
        if not skip and kept:
            groups.append(kept)
    if not groups:
        raise InvalidParameterException("The password cannot be generated because every"
                                        " character type is excluded.")
    # The space is a character AWS may use, not a type it requires.
    required = [group for group in groups if group != " "]
    if require_each_included_type and size < len(required):
        raise InvalidParameterException(TOO_SHORT)
    alphabet = "".join(groups)
    while True:
        password = "".join(rng.choice(alphabet) for _ in range(size))
        if not require_each_included_type or all(
                any(c in group for c in password) for group in required):
            return password
