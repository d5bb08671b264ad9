"""CloudFormation: the local stack engine behind the AWS API.

Flow: ``provider`` (operations) → ``stack_inputs``/``templates`` (parse, SAM-transform,
check parameters and capabilities) → an asyncio task running ``engine`` (create / update /
delete with events and rollback) → ``resources`` handlers, which call other services only
through the internal client. ``store`` keeps stacks, events and change sets in SQLite;
``custom_responses`` serves custom resources' ResponseURL on the edge.
"""

from fogbank.services.cloudformation.provider import CloudFormationProvider

__all__ = ["CloudFormationProvider"]
