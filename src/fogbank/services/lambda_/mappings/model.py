"""The durable record of one event source mapping and its AWS output shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SQS = "sqs"
DYNAMODB = "dynamodb"
KINESIS = "kinesis"


def source_kind(event_source_arn: str) -> str | None:
    """``sqs`` / ``dynamodb`` / ``kinesis`` for the ARNs of the sources Lambda polls here."""
    parts = event_source_arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return None
    service, resource = parts[2], parts[5]
    if service == "sqs" and resource:
        return SQS
    if service == "dynamodb" and "/stream/" in resource:
        return DYNAMODB
    if service == "kinesis" and resource.startswith("stream/"):
        return KINESIS
    return None


def is_fifo_queue(queue_arn: str) -> bool:
    return queue_arn.endswith(".fifo")


@dataclass
class MappingRecord:
    uuid: str
    event_source_arn: str
    function_arn: str  # as the caller named it (may carry a version or alias)
    kind: str
    state: str = "Creating"  # Creating | Enabled | Disabled | Enabling | Disabling | ...
    enabled: bool = True
    batch_size: int = 10
    maximum_batching_window_s: int = 0
    starting_position: str | None = None
    starting_position_timestamp: float | None = None
    filter_criteria: dict[str, Any] | None = None
    function_response_types: list[str] = field(default_factory=list)
    destination_config: dict[str, Any] | None = None
    scaling_config: dict[str, Any] | None = None
    maximum_retry_attempts: int = -1
    maximum_record_age_s: int = -1
    bisect_batch_on_function_error: bool = False
    parallelization_factor: int = 1
    tumbling_window_s: int = 0
    tags: dict[str, str] = field(default_factory=dict)
    kms_key_arn: str | None = None
    last_modified_s: float = 0.0
    created_s: float = 0.0
    last_processing_result: str = "No records processed"
    state_transition_reason: str = "USER_INITIATED"

    @property
    def is_stream(self) -> bool:
        return self.kind in (DYNAMODB, KINESIS)

    @property
    def reports_item_failures(self) -> bool:
        return "ReportBatchItemFailures" in self.function_response_types

    @property
    def maximum_concurrency(self) -> int | None:
        value = (self.scaling_config or {}).get("MaximumConcurrency")
        return int(value) if value is not None else None

    def arn(self, region: str, account_id: str) -> str:
        return f"arn:aws:lambda:{region}:{account_id}:event-source-mapping:{self.uuid}"

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> MappingRecord:
        known = {name for name in cls.__dataclass_fields__}
        return cls(**{key: value for key, value in doc.items() if key in known})

    def output(self, region: str, account_id: str,
               state: str | None = None) -> dict[str, Any]:
        """The ``EventSourceMappingConfiguration`` shape."""
        out: dict[str, Any] = {
            "UUID": self.uuid,
            "BatchSize": self.batch_size,
            "MaximumBatchingWindowInSeconds": self.maximum_batching_window_s,
            "EventSourceArn": self.event_source_arn,
            "FunctionArn": self.function_arn,
            "LastModified": self.last_modified_s,
            "State": state or self.state,
            "StateTransitionReason": self.state_transition_reason,
            "FunctionResponseTypes": list(self.function_response_types),
            "EventSourceMappingArn": self.arn(region, account_id),
        }
        if self.is_stream:
            out.update({
                "StartingPosition": self.starting_position,
                "ParallelizationFactor": self.parallelization_factor,
                "LastProcessingResult": self.last_processing_result,
                "DestinationConfig": self.destination_config or {"OnFailure": {}},
                "MaximumRecordAgeInSeconds": self.maximum_record_age_s,
                "BisectBatchOnFunctionError": self.bisect_batch_on_function_error,
                "MaximumRetryAttempts": self.maximum_retry_attempts,
                "TumblingWindowInSeconds": self.tumbling_window_s,
            })
            if self.starting_position_timestamp is not None:
                out["StartingPositionTimestamp"] = self.starting_position_timestamp
        if self.filter_criteria:
            out["FilterCriteria"] = self.filter_criteria
        if self.scaling_config:
            out["ScalingConfig"] = self.scaling_config
        if self.kms_key_arn:
            out["KMSKeyArn"] = self.kms_key_arn
        return out
