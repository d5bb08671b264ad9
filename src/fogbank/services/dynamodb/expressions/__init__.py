"""DynamoDB's expression language: parse once, evaluate many times.

Flow: ``tokens`` splits the text; ``parser.Parser`` (recursive descent) resolves ``#names``
into document paths (``paths``), checks reserved words and builds ``nodes`` (conditions) or
``updates`` actions; trees are cached by (text, names map) and bound per request to the
ExpressionAttributeValues, with value-dependent checks run at binding. ``context`` tracks
used/undefined names and values per request. ``conditions.evaluate`` decides a condition on an
item, ``apply.apply_update`` applies an update plan, ``projection.project`` selects attributes,
``key_conditions`` turns a KeyConditionExpression into partition value + sort-key range, and
``legacy`` converts Expected/QueryFilter/ScanFilter/KeyConditions/AttributeUpdates/
AttributesToGet into the same trees.

Limits enforced as AWS does: 4096 bytes of expression text, 300 operators, 100 IN operands,
32 path levels. Deviations from AWS (or AWS behaviour we could not confirm):
- ``size()`` of a string counts characters (code points).
- An arithmetic result needing more than 38 significant digits is rejected with the
  38-digit error rather than rounded.
- Messages we could not confirm from AWS and wrote in AWS's style: key conditions on nested
  paths or comparing two paths, the legacy "Exists and ComparisonOperator cannot be used
  together" / "Value and AttributeValueList cannot be used together" / "Action ADD is not
  supported for the type ...", and "The document path has too many nesting levels".
"""

from fogbank.services.dynamodb.expressions.apply import apply_update
from fogbank.services.dynamodb.expressions.conditions import parse_condition
from fogbank.services.dynamodb.expressions.context import (
    ExpressionContext,
    check_attributes_need_expressions,
    check_parameter_mix,
)
from fogbank.services.dynamodb.expressions.key_conditions import KeyCondition, parse_key_condition
from fogbank.services.dynamodb.expressions.legacy import (
    condition_from_expected,
    condition_from_filter,
    key_condition_from_legacy,
    update_from_attribute_updates,
)
from fogbank.services.dynamodb.expressions.nodes import Condition, evaluate
from fogbank.services.dynamodb.expressions.paths import Item
from fogbank.services.dynamodb.expressions.projection import (
    Projection,
    parse_projection,
    project,
    projection_from_attributes_to_get,
    projection_of_paths,
)
from fogbank.services.dynamodb.expressions.updates import UpdatePlan, parse_update

__all__ = [
    "Condition",
    "ExpressionContext",
    "Item",
    "KeyCondition",
    "Projection",
    "UpdatePlan",
    "apply_update",
    "check_attributes_need_expressions",
    "check_parameter_mix",
    "condition_from_expected",
    "condition_from_filter",
    "evaluate",
    "key_condition_from_legacy",
    "parse_condition",
    "parse_key_condition",
    "parse_projection",
    "parse_update",
    "project",
    "projection_from_attributes_to_get",
    "projection_of_paths",
    "update_from_attribute_updates",
]
