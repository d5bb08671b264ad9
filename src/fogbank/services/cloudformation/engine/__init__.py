"""The local CloudFormation engine, in stages:

``intrinsics``/``conditions`` evaluate template values in a ``Scope`` (parameters, pseudo
parameters, mappings, conditions, resource lookups) → ``graph`` orders resources by their
implicit (Ref/GetAtt/Sub) and explicit (DependsOn) dependencies → ``planner`` turns a template
change into plain-data changes (change sets) → ``executor`` (create, delete) and ``updater``
(update, rollback) call resource handlers through ``runtime.StackRun``, which records
resource and stack events in a ``StackSink`` (the provider's store).
"""

from fogbank.services.cloudformation.engine.executor import create_stack, delete_stack
from fogbank.services.cloudformation.engine.intrinsics import NO_VALUE, Intrinsics, Scope
from fogbank.services.cloudformation.engine.model import ResourceState, StackEvent, StackRecord
from fogbank.services.cloudformation.engine.runtime import EngineEnv, StackSink
from fogbank.services.cloudformation.engine.updater import UpdateInput, update_stack

__all__ = [
    "NO_VALUE",
    "EngineEnv",
    "Intrinsics",
    "ResourceState",
    "Scope",
    "StackEvent",
    "StackRecord",
    "StackSink",
    "UpdateInput",
    "create_stack",
    "delete_stack",
    "update_stack",
]
