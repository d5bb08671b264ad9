"""Security Token Service: who am I, and temporary credentials.

Flow: ``provider.StsProvider`` mints credentials (``credentials.py``) for AssumeRole,
AssumeRoleWithWebIdentity and GetSessionToken and records which identity each issued access
key stands for, so GetCallerIdentity called with those credentials answers the assumed
role. Roles are looked up in IAM through the internal client; nothing is enforced.
"""

from fogbank.services.sts.provider import StsProvider

__all__ = ["StsProvider"]
