"""Plain data crossing into and out of the execution layer."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_PAYLOAD_BYTES = 6 * 1024 * 1024
RUNTIME_DIR = Path(__file__).resolve().parent
PYTHON_TAG = f"python{sys.version_info.major}.{sys.version_info.minor}"


@dataclass(frozen=True)
class FunctionSpec:
    """Everything an execution environment of one function revision needs."""

    function_name: str
    function_arn: str
    version: str
    runtime: str
    handler: str
    memory_mb: int
    timeout_s: int
    region: str
    edge_url: str
    code_dir: Path
    variables: dict[str, str] = field(default_factory=dict)
    extra_paths: tuple[Path, ...] = ()  # requirements cache, then layer python dirs
    lib_paths: tuple[Path, ...] = ()  # layer lib dirs for LD_LIBRARY_PATH
    revision: str = ""  # changes whenever code or configuration changes
    reserved_concurrency: int | None = None

    @property
    def pool_key(self) -> tuple[str, str]:
        return (self.function_name, self.version)

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def sys_path(self) -> list[str]:
        return [str(self.code_dir), *(str(p) for p in self.extra_paths)]

    def environment(self, log_stream_name: str, tmp_dir: Path,
                    python_bin_dir: Path) -> dict[str, str]:
        """The process environment exactly as Lambda builds it, plus the function's own.
        ``python_bin_dir`` (see ``interpreter.py``) stands where Lambda's PATH has
        ``/var/lang/bin``, the layers' ``bin`` directories where it has ``/opt/bin``."""
        code = str(self.code_dir)
        lib_dirs = [code, f"{code}/lib", *(str(p) for p in self.lib_paths)]
        layer_bins = [str(p.parent / "bin") for p in self.lib_paths]
        env = {
            "PATH": os.pathsep.join([str(python_bin_dir), "/usr/local/bin", "/usr/bin/", "/bin",
                                     *layer_bins]),
            "LD_LIBRARY_PATH": os.pathsep.join(lib_dirs),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "PYTHONPATH": os.pathsep.join(self.sys_path()),
        }
        env.update(self.variables)
        env.update({
            "_HANDLER": self.handler,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{self.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": self.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": self.version,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": self.log_group_name,
            "AWS_LAMBDA_LOG_STREAM_NAME": log_stream_name,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_SESSION_TOKEN": "test",
            "AWS_ENDPOINT_URL": self.edge_url,
            "LAMBDA_TASK_ROOT": code,
            "LAMBDA_RUNTIME_DIR": str(RUNTIME_DIR),
            "TMPDIR": str(tmp_dir),
        })
        return env


@dataclass(frozen=True)
class InvokeRequest:
    request_id: str
    payload: bytes
    invoked_arn: str
    client_context: dict[str, Any] | None = None
    identity: dict[str, Any] | None = None


@dataclass
class InvokeOutcome:
    """What one invoke produced: the response payload and the log lines of the invoke."""

    payload: bytes
    function_error: str | None
    log_events: list[tuple[int, str]]  # (timestamp ms, line)
    log_stream_name: str
    cold_start: bool = False

    @property
    def log_lines(self) -> list[str]:
        return [text for _, text in self.log_events]


class Throttled(Exception):
    """No concurrency left for the function (reserved) or the account (unreserved)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
