"""Normalisation of symbols, company names and search queries.

Everything searchable is folded the same way: Unicode compatibility decomposition with the
combining marks dropped ("Société" -> "societe"), letters no decomposition reaches mapped by
hand ("Ørsted" -> "orsted", "Straße" -> "strasse"), case folded. Words are split on
whitespace, hyphens, slashes and commas; any other punctuation inside a word is dropped, so
"BRK.B" is the word "brkb", "AT&T" is "att" and "L'Oréal" is "loreal".
"""

from __future__ import annotations

import re
import unicodedata

# letters that NFKD leaves alone (they are not a base letter plus a combining mark)
_SPECIAL = str.maketrans({
    "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l", "Ł": "l",
    "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i", "ß": "ss",
})
_WORD_SPLIT = re.compile(r"[\s\-/,]+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
# a listed symbol, upper case: "AAPL", "BRK.B", "NOVO-B" (what the admin API accepts)
SYMBOL_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,11}$")


def fold(text: str) -> str:
    """Lower case without diacritics; punctuation is kept."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def words(text: str) -> list[str]:
    """The normalised words of ``text``, in order, duplicates kept."""
    result = []
    for part in _WORD_SPLIT.split(fold(text)):
        word = _NOT_ALNUM.sub("", part)
        if word:
            result.append(word)
    return result


def symbol_token(symbol: str) -> str:
    """A symbol as one word: "BRK.B" -> "brkb"."""
    return _NOT_ALNUM.sub("", fold(symbol))
