"""Event pattern matching, table-driven from the examples in the EventBridge user guide
("Content filtering in Amazon EventBridge event patterns", "Event patterns")."""

from __future__ import annotations

import pytest

from fogbank.services.events.patterns import PatternError, compile_pattern

EC2_EVENT = {
    "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
    "account": "111122223333", "time": "2017-12-22T18:43:48Z", "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {"instance-id": "i-1234567890abcdef0", "state": "terminated",
               "c-count": 5, "d-count": 0, "x-limit": 301.8, "source-ip": "10.0.0.123",
               "FileName": "image.PNG", "location": "", "nothing": None,
               "eventVersion": "", "responseElements": None,
               "ip6": "2001:db8::1", "tags": ["prod", "web"],
               "items": [{"name": "a", "n": 1}, {"name": "b", "n": 2}]},
}

CASES = [
    # exact values, OR within a field, AND across fields
    ({"source": ["aws.ec2"]}, True),
    ({"source": ["aws.s3", "aws.ec2"]}, True),
    ({"source": ["aws.ec2"], "detail-type": ["nope"]}, False),
    ({"detail": {"state": ["terminated"]}}, True),
    ({"detail": {"state": ["TERMINATED"]}}, False),
    # prefix, suffix, equals-ignore-case
    ({"time": [{"prefix": "2017-12-22"}]}, True),
    ({"time": [{"prefix": "2018"}]}, False),
    ({"detail": {"state": [{"prefix": {"equals-ignore-case": "TERM"}}]}}, True),
    ({"detail": {"FileName": [{"suffix": ".png"}]}}, False),
    ({"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}}, True),
    ({"detail": {"state": [{"equals-ignore-case": "TeRmInAtEd"}]}}, True),
    # wildcard
    ({"detail": {"FileName": [{"wildcard": "*.PNG"}]}}, True),
    ({"detail": {"FileName": [{"wildcard": "im*e.*"}]}}, True),
    ({"detail": {"FileName": [{"wildcard": "*.jpg"}]}}, False),
    # anything-but
    ({"detail": {"state": [{"anything-but": "initializing"}]}}, True),
    ({"detail": {"state": [{"anything-but": ["stopped", "terminated"]}]}}, False),
    ({"detail": {"c-count": [{"anything-but": 123}]}}, True),
    ({"detail": {"c-count": [{"anything-but": [5, 6]}]}}, False),
    ({"detail": {"state": [{"anything-but": {"prefix": "term"}}]}}, False),
    ({"detail": {"state": [{"anything-but": {"prefix": "init"}}]}}, True),
    ({"detail": {"FileName": [{"anything-but": {"suffix": ".PNG"}}]}}, False),
    ({"detail": {"state": [{"anything-but": {"equals-ignore-case": ["TERMINATED"]}}]}}, False),
    ({"detail": {"state": [{"anything-but": {"wildcard": "*min*"}}]}}, False),
    ({"detail": {"missing": [{"anything-but": "x"}]}}, False),
    # numeric
    ({"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}}, True),
    ({"detail": {"c-count": [{"numeric": [">", 5]}]}}, False),
    ({"detail": {"d-count": [{"numeric": ["<", 10]}]}}, True),
    ({"detail": {"x-limit": [{"numeric": ["=", 301.8]}]}}, True),
    ({"detail": {"state": [{"numeric": [">", 0]}]}}, False),
    ({"detail": {"c-count": [5.0]}}, True),
    ({"detail": {"c-count": ["5"]}}, False),
    # exists
    ({"detail": {"c-count": [{"exists": True}]}}, True),
    ({"detail": {"c-count": [{"exists": False}]}}, False),
    ({"detail": {"missing": [{"exists": False}]}}, True),
    ({"detail": {"missing": [{"exists": True}]}}, False),
    ({"detail": {"items": [{"exists": True}]}}, False),  # not a leaf
    ({"nothere": {"deeper": [{"exists": False}]}}, True),
    # null and empty string
    ({"detail": {"nothing": [None]}}, True),
    ({"detail": {"location": [""]}}, True),
    ({"detail": {"location": [None]}}, False),
    ({"detail": {"missing": [None]}}, False),
    ({"detail": {"responseElements": [None], "eventVersion": [""]}}, True),
    # cidr
    ({"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}}, True),
    ({"detail": {"source-ip": [{"cidr": "10.0.1.0/24"}]}}, False),
    ({"detail": {"ip6": [{"cidr": "2001:db8::/32"}]}}, True),
    # arrays: any element matches
    ({"resources": [{"prefix": "arn:aws:ec2:us-west-1"}]}, True),
    ({"detail": {"tags": ["web"]}}, True),
    ({"detail": {"tags": ["dev"]}}, False),
    ({"detail": {"items": {"name": ["b"]}}}, True),
    ({"detail": {"items": {"name": ["c"]}}}, False),
    # $or
    ({"$or": [{"source": ["aws.s3"]}, {"detail": {"c-count": [5]}}]}, True),
    ({"$or": [{"source": ["aws.s3"]}, {"detail": {"c-count": [6]}}]}, False),
    ({"source": ["aws.ec2"], "$or": [{"detail": {"state": ["x"]}},
                                     {"detail": {"$or": [{"d-count": [0]},
                                                         {"c-count": [1]}]}}]}, True),
]


@pytest.mark.parametrize(("pattern", "expected"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_pattern_matches_like_eventbridge(pattern, expected):
    assert compile_pattern(pattern).matches(EC2_EVENT) is expected


INVALID = [
    ('["a"]', "Filter is not an object"),
    ("{", "malformed JSON"),
    ('{"source": "aws.ec2"}', '"source" must be an object or an array'),
    ('{"source": []}', "Empty arrays are not allowed"),
    ('{"source": [{"prefix": 5}]}', "prefix match pattern must be a string"),
    ('{"source": [{"bogus": "x"}]}', "Unrecognized match type bogus"),
    ('{"n": [{"numeric": [">", "x"]}]}', "must be numeric"),
    ('{"n": [{"numeric": "5"}]}', "Value of numeric must be an array."),
    ('{"n": [{"numeric": ["<", 5, ">", 1]}]}', "Bad numeric range operator"),
    ('{"n": [{"exists": "yes"}]}', "exists match pattern must be either true or false."),
    ('{"n": [{"anything-but": [true]}]}', "anything but list"),
    ('{"n": [{"wildcard": "a**b"}]}', "Consecutive wildcard characters"),
    ('{"n": [{"cidr": "10.0.0.300/8"}]}', "Nonstandard IP address"),
    ('{"n": [[1]]}', "Match value must be String, number, true, false, or null"),
    ('{"$or": [{"a": ["x"]}]}', "Or relationship"),
]


@pytest.mark.parametrize(("text", "reason"), INVALID, ids=[r for _, r in INVALID])
def test_invalid_patterns_are_rejected_with_reason(text, reason):
    with pytest.raises(PatternError, match=None) as caught:
        compile_pattern(text)
    assert reason in str(caught.value)


def test_wildcard_escapes_literal_star():
    pattern = compile_pattern({"k": [{"wildcard": r"a\*b"}]})
    assert pattern.matches({"k": "a*b"})
    assert not pattern.matches({"k": "axb"})
