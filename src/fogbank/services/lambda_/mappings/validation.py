"""AWS's checks of CreateEventSourceMapping / UpdateEventSourceMapping parameters, applied
onto a ``MappingRecord`` (defaults on create, a merge on update)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fogbank.services.lambda_.errors import InvalidParameterValueException, ValidationException
from fogbank.services.lambda_.mappings.filters import parse_filter_criteria
from fogbank.services.lambda_.mappings.model import (
    DYNAMODB,
    KINESIS,
    SQS,
    MappingRecord,
    is_fifo_queue,
)
from fogbank.services.lambda_.validation import check_range

STREAM_POSITIONS = ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")
RESPONSE_TYPES = ("ReportBatchItemFailures",)
DEFAULT_BATCH_SIZE = {SQS: 10, DYNAMODB: 100, KINESIS: 100}
STREAM_ONLY = ("parallelization_factor", "maximum_retry_attempts",
               "maximum_record_age_in_seconds", "bisect_batch_on_function_error",
               "tumbling_window_in_seconds", "destination_config")


def _int(value: Any, name: str) -> int:
    """CloudFormation passes template numbers through as given, strings included."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidParameterValueException(f"Invalid value {value!r} for {name}") from None


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _range(value: Any, name: str, low: int, high: int) -> int:
    number = _int(value, name)
    check_range(number, name, low, high)
    return number


def check_create(record: MappingRecord, params: dict[str, Any]) -> None:
    """Validate the source-specific rules of a new mapping and apply ``params``."""
    if record.kind == SQS:
        for name in STREAM_ONLY:
            if params.get(name) is not None:
                raise InvalidParameterValueException(
                    f"Unsupported parameter for SQS event source: {_aws_name(name)}")
        if params.get("starting_position") is not None:
            raise InvalidParameterValueException(
                "StartingPosition is not valid for SQS event sources.")
    else:
        position = params.get("starting_position")
        if position is None:
            raise InvalidParameterValueException(
                "1 validation error detected: Value null at 'startingPosition' failed to"
                " satisfy constraint: Member must not be null")
        if position not in STREAM_POSITIONS:
            raise InvalidParameterValueException(
                f"1 validation error detected: Value '{position}' at 'startingPosition' failed"
                " to satisfy constraint: Member must satisfy enum value set:"
                " [LATEST, AT_TIMESTAMP, TRIM_HORIZON]")
        if position == "AT_TIMESTAMP" and record.kind == DYNAMODB:
            raise InvalidParameterValueException(
                "Unsupported starting position for DynamoDB stream: AT_TIMESTAMP")
        if position == "AT_TIMESTAMP":
            stamp = params.get("starting_position_timestamp")
            if stamp is None:
                raise InvalidParameterValueException(
                    "StartingPositionTimestamp must be specified for AT_TIMESTAMP.")
            record.starting_position_timestamp = (
                stamp.timestamp() if isinstance(stamp, datetime) else float(stamp))
        record.starting_position = position
        if params.get("scaling_config"):
            raise InvalidParameterValueException(
                "ScalingConfig is only supported for SQS event sources.")
    record.batch_size = DEFAULT_BATCH_SIZE.get(record.kind, 100)
    if params.get("enabled") is not None:
        record.enabled = _bool(params["enabled"])
    apply_update(record, params)


def apply_update(record: MappingRecord, params: dict[str, Any]) -> None:
    """Apply the tunable parameters (shared by Create and Update) with AWS's checks."""
    if record.kind == SQS:
        for name in STREAM_ONLY:
            if params.get(name) is not None:
                raise InvalidParameterValueException(
                    f"Unsupported parameter for SQS event source: {_aws_name(name)}")
    if params.get("batch_size") is not None:
        record.batch_size = _range(params["batch_size"], "batchSize", 1, 10000)
    if params.get("maximum_batching_window_in_seconds") is not None:
        record.maximum_batching_window_s = _range(
            params["maximum_batching_window_in_seconds"], "maximumBatchingWindowInSeconds",
            0, 300)
    if record.kind == SQS:
        fifo = is_fifo_queue(record.event_source_arn)
        if fifo and record.batch_size > 10:
            raise InvalidParameterValueException(
                "Batch size for FIFO queues must be less than or equal to 10.")
        if fifo and record.maximum_batching_window_s:
            raise InvalidParameterValueException(
                "Batching window is not supported for FIFO queues.")
        if record.batch_size > 10 and record.maximum_batching_window_s < 1:
            raise InvalidParameterValueException(
                "Maximum batch window in seconds must be greater than 0 if maximum batch size"
                " is greater than 10")
    if params.get("filter_criteria") is not None:
        record.filter_criteria = _filter_criteria(params["filter_criteria"])
    if params.get("function_response_types") is not None:
        given = params["function_response_types"]
        types = list(given) if isinstance(given, list) else [str(given)]
        for name in types:
            if name not in RESPONSE_TYPES:
                raise InvalidParameterValueException(
                    f"1 validation error detected: Value '[{name}]' at 'functionResponseTypes'"
                    " failed to satisfy constraint: Member must satisfy constraint: [Member"
                    " must satisfy enum value set: [ReportBatchItemFailures]]")
        record.function_response_types = types
    if params.get("scaling_config") is not None:
        if not isinstance(params["scaling_config"], dict):
            raise InvalidParameterValueException("ScalingConfig must be an object")
        scaling = dict(params["scaling_config"])
        if scaling.get("MaximumConcurrency") is not None:
            scaling["MaximumConcurrency"] = _range(
                scaling["MaximumConcurrency"], "scalingConfig.maximumConcurrency", 2, 1000)
        record.scaling_config = scaling or None
    if params.get("parallelization_factor") is not None:
        record.parallelization_factor = _range(
            params["parallelization_factor"], "parallelizationFactor", 1, 10)
    if params.get("maximum_retry_attempts") is not None:
        record.maximum_retry_attempts = _range(
            params["maximum_retry_attempts"], "maximumRetryAttempts", -1, 10000)
    if params.get("maximum_record_age_in_seconds") is not None:
        age = _range(params["maximum_record_age_in_seconds"], "maximumRecordAgeInSeconds",
                     -1, 604800)
        if 0 <= age < 60:
            raise ValidationException(
                f"1 validation error detected: Value '{age}' at 'maximumRecordAgeInSeconds'"
                " failed to satisfy constraint: Member must have value greater than or equal"
                " to 60")
        record.maximum_record_age_s = age
    if params.get("bisect_batch_on_function_error") is not None:
        record.bisect_batch_on_function_error = _bool(params["bisect_batch_on_function_error"])
    if params.get("tumbling_window_in_seconds") is not None:
        record.tumbling_window_s = _range(
            params["tumbling_window_in_seconds"], "tumblingWindowInSeconds", 0, 900)
    if params.get("destination_config") is not None:
        record.destination_config = _destination(params["destination_config"])
    if params.get("kms_key_arn") is not None:
        record.kms_key_arn = params["kms_key_arn"] or None


def _filter_criteria(value: Any) -> dict[str, Any] | None:
    parse_filter_criteria(value)  # raises InvalidParameterValueException
    filters = (value or {}).get("Filters") if isinstance(value, dict) else None
    return {"Filters": [{"Pattern": f.get("Pattern")} for f in filters]} if filters else None


def _destination(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        raise InvalidParameterValueException("DestinationConfig must be an object")
    on_failure = value.get("OnFailure") or {}
    arn = on_failure.get("Destination") if isinstance(on_failure, dict) else None
    if not isinstance(on_failure, dict) or (arn is not None and not isinstance(arn, str)):
        raise InvalidParameterValueException("DestinationConfig.OnFailure must be an object"
                                             " with a Destination ARN")
    if arn:
        service = str(arn).split(":")[2] if str(arn).count(":") >= 5 else ""
        if service not in ("sqs", "sns", "s3"):
            raise InvalidParameterValueException(
                f"Unsupported OnFailure destination: {arn}. Use an Amazon SQS queue, an Amazon"
                " SNS topic or an Amazon S3 bucket.")
        return {"OnFailure": {"Destination": arn}}
    return {"OnFailure": {}}


def _aws_name(python_name: str) -> str:
    return {"maximum_record_age_in_seconds": "MaximumRecordAgeInSeconds",
            "tumbling_window_in_seconds": "TumblingWindowInSeconds"}.get(
        python_name, "".join(part.capitalize() for part in python_name.split("_")))
