"""The filter pattern compiler on its own."""

from __future__ import annotations

import pytest

from fogbank.services.logs.filter_pattern import FilterPatternError, compile_filter_pattern

APACHE = ('127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0"'
          " 200 1534")


@pytest.mark.parametrize(("pattern", "message", "expected"), [
    ("", "anything", True),
    ("ERROR", "an ERROR here", True),
    ("ERROR", "an error here", False),
    ("ERROR Exception", "ERROR: Exception raised", True),
    ("ERROR Exception", "ERROR only", False),
    ('"Connection refused"', "x Connection refused y", True),
    ('"Connection refused"', "Connection was refused", False),
    ("?ERROR ?WARN", "WARN: low", True),
    ("?ERROR ?WARN", "INFO: ok", False),
    ("ERROR -retry", "ERROR retry scheduled", False),
    ('ERROR -"will retry"', "ERROR giving up", True),
    ("%ERROR [0-9]{3}%", "ERROR 503 upstream", True),
    ("%ERROR [0-9]{3}%", "ERROR 5x3", False),
    ('{ $.eventType = "UpdateTrail" }', '{"eventType": "UpdateTrail"}', True),
    ('{ $.eventType = "Update*" }', '{"eventType": "UpdateTrail"}', True),
    ("{ $.eventType = Update* }", '{"eventType": "DeleteTrail"}', False),
    ('{ $.eventType != "UpdateTrail" }', '{"eventType": "DeleteTrail"}', True),
    ("{ $.bandwidth > 75 }", '{"bandwidth": 80}', True),
    ("{ $.bandwidth > 75 }", '{"bandwidth": "80"}', False),
    ("{ $.latency <= 10.5 }", '{"latency": 10.5}', True),
    ("{ $.code = 200 }", '{"code": 200}', True),
    ("{ $.a.b[1] = x }", '{"a": {"b": ["w", "x"]}}', True),
    ("{ $.ok IS TRUE }", '{"ok": true}', True),
    ("{ $.ok IS FALSE }", '{"ok": true}', False),
    ("{ $.gone NOT EXISTS }", '{"here": 1}', True),
    ("{ $.value IS NULL }", '{"value": null}', True),
    ('{ ($.a = 1 || $.b = 2) && $.c = "z" }', '{"b": 2, "c": "z"}', True),
    ('{ ($.a = 1 || $.b = 2) && $.c = "z" }', '{"b": 3, "c": "z"}', False),
    ('{ $.level = "ERROR" }', "not json at all", False),
    ("[ip, user, username, timestamp, request, status_code, bytes]", APACHE, True),
    ("[ip, user, username, timestamp, request, status_code]", APACHE, False),
    ("[ip, ..., status_code = 200, bytes > 1000]", APACHE, True),
    ("[ip, ..., status_code = 4* || status_code = 5*, bytes]", APACHE, False),
    ("[ip = 127.0.0.*, user, ...]", APACHE, True),
    ('[..., request = "GET *gif*", status_code, bytes]', APACHE, True),
    ("[..., timestamp = 10/Oct*, request, status_code != 200, bytes]", APACHE, False),
    ("[..., bytes < 1000 || bytes > 1500]", APACHE, True),
    ("[a, b]", "one", False),
])
def test_patterns(pattern: str, message: str, expected: bool) -> None:
    assert compile_filter_pattern(pattern)(message) is expected


@pytest.mark.parametrize("pattern", [
    "[ip, , status]", "[ip, status > x]", "{ $.a = }", "{ $.a > x }", '"unterminated',
    "{ $.a[*] = 1 }", "{ $.a = 1", "%(%",
])
def test_invalid_patterns(pattern: str) -> None:
    with pytest.raises(FilterPatternError):
        compile_filter_pattern(pattern)
