"""The lines and error payloads the Lambda service itself writes (START/END/REPORT, faults)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime


def start_line(request_id: str, version: str) -> str:
    return f"START RequestId: {request_id} Version: {version}"


def end_line(request_id: str) -> str:
    return f"END RequestId: {request_id}"


def report_line(request_id: str, *, duration_ms: float, memory_mb: int, max_memory_mb: int,
                init_ms: float | None, status: str | None = None) -> str:
    parts = [
        f"REPORT RequestId: {request_id}",
        f"Duration: {duration_ms:.2f} ms",
        f"Billed Duration: {max(math.ceil(duration_ms), 1)} ms",
        f"Memory Size: {memory_mb} MB",
        f"Max Memory Used: {max_memory_mb} MB",
    ]
    if init_ms is not None:
        parts.append(f"Init Duration: {init_ms:.2f} ms")
    if status:
        parts.append(f"Status: {status}")
    return "\t".join(parts) + "\t"


def timeout_line(request_id: str, epoch_s: float, timeout_s: float) -> str:
    moment = datetime.fromtimestamp(epoch_s, tz=UTC)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return f"{stamp} {request_id} Task timed out after {timeout_s:.2f} seconds"


def fault_payload(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


def timeout_payload(request_id: str, timeout_s: float) -> bytes:
    return fault_payload(
        "Sandbox.Timedout",
        f"RequestId: {request_id} Error: Task timed out after {timeout_s:.2f} seconds",
    )


def exit_payload(request_id: str, reason: str, *, out_of_memory: bool) -> bytes:
    error_type = "Runtime.OutOfMemory" if out_of_memory else "Runtime.ExitError"
    return fault_payload(
        error_type, f"RequestId: {request_id} Error: Runtime exited with error: {reason}"
    )


def exit_log_line(request_id: str, reason: str, *, out_of_memory: bool) -> str:
    error_type = "Runtime.OutOfMemory" if out_of_memory else "Runtime.ExitError"
    return f"RequestId: {request_id} Error: Runtime exited with error: {reason}\n{error_type}"
