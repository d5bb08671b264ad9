"""Member names the model does not carry (query-protocol compatibility renames)."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.model import Shape


@dataclass(frozen=True)
class QueryName:
    """A member's query/XML name when the model does not say it (always flattened).

    ``name`` ``"*"`` means "the list member's shape name" (SQS batch entries).
    """

    name: str
    key_name: str = "Name"
    value_name: str = "Value"

    def element_name(self, shape: Shape) -> str:
        if shape.type_name == "list":
            return self.element_name_for(str(shape.member.name))
        return self.name

    def element_name_for(self, list_member_shape_name: str) -> str:
        return list_member_shape_name if self.name == "*" else self.name
