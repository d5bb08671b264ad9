"""Identity and Access Management — stored, not enforced.

Flow: ``provider.IamProvider`` handles roles and composes the other operation groups:
``users`` (users, access keys) and ``groups`` (groups, membership) build on ``principals``
(inline and attached policies of roles, users and groups, one implementation for all three),
which builds on ``managed`` (customer managed policies and their versions) and
``common.IamBase`` (store, ids, time). ``validation`` holds IAM's parameter checks, messages
and Marker paging; ``store.IamStore`` keeps JSON records in SQLite. Policy documents are
returned URL-encoded, as IAM does.
"""

from fogbank.services.iam.provider import IamProvider

__all__ = ["IamProvider"]
