"""Checks a botocore client makes before sending, which fogbank repeats for other clients
(the aws CLI with validation off, raw HTTP, SDKs in other languages)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from fogbank.core.errors import ServiceError
from fogbank.services.secretsmanager.listing import words


def call(cloud: Any, operation: str, **params: Any) -> dict[str, Any]:
    return asyncio.run(cloud.dispatcher.call("secretsmanager", operation, params))


@pytest.mark.parametrize(("operation", "params", "message"), [
    ("CreateSecret", {"Name": "s", "SecretString": "v", "ClientRequestToken": "short"},
     "Value 'short' at 'clientRequestToken' failed to satisfy constraint: Member must have"
     " length greater than or equal to 32"),
    ("GetRandomPassword", {"PasswordLength": 4097},
     "Value '4097' at 'passwordLength' failed to satisfy constraint: Member must have value"
     " less than or equal to 4096"),
    ("CreateSecret", {"Name": "x" * 513},
     "at 'name' failed to satisfy constraint: Member must have length less than or equal to"
     " 512"),
    ("ListSecrets", {"MaxResults": 101},
     "Member must have value less than or equal to 100"),
])
def test_model_constraints(make_cloud: Callable[[], Any], operation: str,
                           params: dict[str, Any], message: str) -> None:
    with pytest.raises(ServiceError) as caught:
        call(make_cloud(), operation, **params)
    assert caught.value.error_code == "ValidationException"
    assert message in caught.value.message


def test_filter_words_split_at_punctuation_and_case() -> None:
    assert words("prod/AppBeta/x") == ["prod", "app", "beta", "x"]
    assert words("COMPANYthings") == ["compan", "ythings"]
    assert words("SecretFTag") == ["secret", "f", "tag"]
