"""The Lambda control plane and invoke API.

Deviations from AWS:
- Only Python runtimes execute, all on the interpreter running fogbank (a differing
  ``Runtime`` logs one warning). Other runtimes are accepted by CreateFunction but Invoke
  answers ``InvalidRuntimeException``. ``PackageType: Image`` is rejected.
- boto3/botocore (and their dependencies) are the versions installed with fogbank and are
  pre-imported in every environment, so a boto3 shipped in the function's code or layers is
  not the one used.
- Versions are snapshots of the configuration; a hot-reload function's versions all run
  the directory as it is now. Permissions and tags are function-wide (a
  ``Qualifier`` on AddPermission/RemovePermission/GetPolicy is ignored).
- ``Code.S3Bucket == "hot-reload"`` runs the directory ``S3Key`` in place (LocalStack's
  convention); its CodeSha256 is a hash of the path and its CodeSize 0. ``requirements.txt``
  in such a directory is pip-installed once per content hash into a cache.
- ``GetFunction``'s ``Code.Location`` is a ``file://`` URL of the stored zip.
- The payload limit of Event invocations is 1 MB. The Runtime API
  (``AWS_LAMBDA_RUNTIME_API``) is not served. Event retries wait exactly one and then two
  minutes (AWS: about that); a throttled event is retried until its maximum age; an
  invocation that fails and has both an OnFailure destination and a DeadLetterConfig goes
  to both.
- Event source mappings poll SQS queues and DynamoDB streams; Kinesis mappings are
  rejected (no Kinesis here), Kafka, MQ and DocumentDB ones as unrecognized sources. A
  stream mapping with ``StartingPosition: LATEST`` that has not finished a batch yet resumes
  after a restart from the records created since the mapping was (whole-second precision);
  retries of a failed stream batch back off from 0.1 s doubling to 10 s (injected clock).
  An idle shard is polled every 10 ms, every 20 ms after 2 s without records.
  ``ParallelizationFactor`` reads up to factor × BatchSize records and runs one lane per
  hash of the item keys concurrently, checkpointing when all lanes are done (AWS's lanes
  advance independently); with a tumbling window batches run one lane. Tumbling-window
  state lives in memory (a restart starts the window afresh). An SQS mapping runs five
  long-polling workers (at most ``MaximumConcurrency``, up to ten) instead of scaling with
  the backlog; a throttled batch is retried a few times, then left to the visibility
  timeout. ``LastProcessingResult`` is kept in memory (``No records processed``
  after a restart).
- An init that outlasts the 10 s Init phase is not restarted inside the invoke as AWS
  does: it goes on, and fails as "Task timed out" only past ``max(10 s, Timeout)``.
- Resource policies are stored and returned but not enforced.
- ``/tmp`` is private only through ``TMPDIR`` (so ``tempfile``): each environment gets its
  own directory, removed when the environment ends. A handler that writes a literal
  ``/tmp/x`` writes the host's ``/tmp`` (a private mount namespace would need root).
- Memory: the environment's RSS is polled every 20 ms from 50 ms into an invoke, plus its
  peak RSS (``ru_maxrss``) when the invoke ends; an allocation spike shorter than a poll can
  go unseen until then, and child processes the handler starts are not counted.
- Idle environments are frozen (SIGSTOP on their process group, SIGCONT before the next
  invoke), as Lambda freezes an idle sandbox: background threads and child processes run
  during invokes, not while idle. The freeze comes once no invoke has picked the
  environment up for 10 ms (AWS: as soon as the runtime asks for an event and none is
  waiting), so such threads may run up to 10 ms past an invoke. A child that starts its
  own session is not frozen. One that the handler left running and that later ends the
  process does so during a following invoke (``Runtime.ExitError``), as on AWS; an
  environment found dead while idle is replaced.
- ``PATH`` starts with a directory of ``python``/``python3``/``python3.X`` shims standing for
  Lambda's ``/var/lang/bin``: fogbank's interpreter run with ``-S``, so a handler's
  ``subprocess.run(["python3", ...])`` sees the stdlib and ``PYTHONPATH`` (code,
  requirements, layers) but not fogbank's packages; there is no ``pip`` there. Layers'
  ``bin`` directories stand for ``/opt/bin``; other host tools come from the host's
  ``/usr/local/bin:/usr/bin:/bin``.
- A burst of cold starts is forked one at a time by one zygote process; a spawn waiting
  longer than 30 s fails the invoke with ``ServiceException``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from pathlib import Path
from typing import Any

from fogbank.core.clock import lambda_timestamp
from fogbank.services.base import Provider, RequestContext, ServiceContext, operation
from fogbank.services.lambda_.async_config import AsyncConfigOperations
from fogbank.services.lambda_.async_delivery import AsyncDelivery
from fogbank.services.lambda_.code import prepare_code
from fogbank.services.lambda_.errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    PreconditionFailedException,
    RequestTooLargeException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from fogbank.services.lambda_.invoke import Invoker, QueuedEvent, decode_client_context
from fogbank.services.lambda_.layer_ops import LayerOperations
from fogbank.services.lambda_.logs import LogShipper
from fogbank.services.lambda_.mappings.ops import EventSourceMappingOperations
from fogbank.services.lambda_.models import CodeLocation, FunctionRecord
from fogbank.services.lambda_.policy import PolicyOperations
from fogbank.services.lambda_.requirements import RequirementsInstaller, default_cache_root
from fogbank.services.lambda_.runtime.manager import ExecutionManager
from fogbank.services.lambda_.runtime.spec import MAX_PAYLOAD_BYTES, InvokeRequest
from fogbank.services.lambda_.runtime.zygote import Launched
from fogbank.services.lambda_.settings_ops import ACCOUNT_CONCURRENCY, SettingsOperations
from fogbank.services.lambda_.store import LambdaStore
from fogbank.services.lambda_.validation import (
    check_environment,
    check_range,
    check_role,
    check_runtime,
    model_runtimes,
    parse_function_name,
)
from fogbank.services.lambda_.versions import VersionOperations

MAX_EVENT_PAYLOAD_BYTES = 1024 * 1024
LOG_TAIL_BYTES = 4096

log = logging.getLogger("fogbank.lambda")


class LambdaProvider(LayerOperations, PolicyOperations, VersionOperations, SettingsOperations,
                     EventSourceMappingOperations, AsyncConfigOperations, Provider):
    """AWS Lambda: functions, layers, permissions, concurrency and local execution."""

    service = "lambda"

    def __init__(self, ctx: ServiceContext, *, cache_dir: Path | None = None,
                 async_retry_delays_s: tuple[float, ...] = (60.0, 120.0),
                 idle_timeout_s: float = 600.0) -> None:
        self.ctx = ctx
        self.state_dir = Path(ctx.state_dir)
        self.store = LambdaStore(self.state_dir)
        self.logs = LogShipper(ctx.client)
        self.runtime = ExecutionManager(
            state_dir=self.state_dir / "runtime", clock=ctx.clock, ids=ctx.ids,
            log_sink=self.logs.submit, account_concurrency=ACCOUNT_CONCURRENCY,
            idle_timeout_s=idle_timeout_s,
        )
        self.invoker = Invoker(
            store=self.store, manager=self.runtime,
            requirements=RequirementsInstaller(cache_dir or default_cache_root()),
            region=ctx.region, edge_url=ctx.config.edge_url,
            retry_delays_s=async_retry_delays_s,
        )
        self.invoker.delivery = AsyncDelivery(
            store=self.store, invoke=self.invoker.invoke, clock=ctx.clock, client=ctx.client,
            policy=self.event_policy, retry_delays_s=async_retry_delays_s)
        self._runtimes: list[str] | None = None
        self._warming: asyncio.Task[None] | None = None
        self._refresh_unreserved()
        self._init_mappings()

    async def start(self) -> None:
        # The zygote takes ~0.2 s to import boto3: start it in the background so the cloud is
        # ready at once; an invoke that comes sooner waits for it (Zygote.start is idempotent).
        self._warming = asyncio.create_task(self._warm_up())
        self.mapping_pollers.start()

    async def _warm_up(self) -> None:
        try:
            await self.invoker.start()
        except Exception:
            log.exception("the Lambda runtime could not start; invokes will retry")
        self.invoker.resume()

    def adopt_runtime(self, launched: Launched) -> None:
        """Run environments from a zygote process started ahead of the cloud
        (``fogbank.services.lambda_.runtime.zygote.launch``)."""
        self.runtime.zygote.adopt(launched)

    async def flush_logs(self) -> None:
        """Wait until every log line of finished invokes is in CloudWatch Logs (logs are
        shipped in the background, a few tens of milliseconds behind)."""
        await self.logs.flush()

    async def stop(self) -> None:
        await self.mapping_pollers.stop()
        if self._warming is not None and not self._warming.done():
            self._warming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._warming
        await self.invoker.stop()
        await self.logs.stop()

    # ------------------------------------------------------------------ helpers

    def function_arn(self, name: str) -> str:
        return f"arn:aws:lambda:{self.ctx.region}:{self.ctx.account_id}:function:{name}"

    def _record(self, function_name: str, qualifier: str | None = None, *,
                readonly: bool = False) -> FunctionRecord:
        """The record a (possibly qualified) name designates: $LATEST, a version or an
        alias's version. ``readonly`` records are shared: the caller must not change them."""
        name, embedded = parse_function_name(function_name)
        if qualifier and embedded and qualifier != embedded:
            raise InvalidParameterValueException(
                "The derived qualifier from the function name does not match the specified"
                " qualifier.")
        latest = self.store.peek_function(name) if readonly else self.store.get_function(name)
        if latest is None:
            raise ResourceNotFoundException(f"Function not found: {self.function_arn(name)}")
        wanted = qualifier or embedded
        if wanted in (None, "$LATEST"):
            return latest
        target: str | None = wanted
        if not str(wanted).isdigit():
            alias = self.store.get_alias(name, str(wanted))
            target = alias["FunctionVersion"] if alias else None
            if target == "$LATEST":
                return latest
        record = self.store.get_version(name, int(target)) if target else None
        if record is None:
            raise ResourceNotFoundException(
                f"Function not found: {self.function_arn(name)}:{wanted}")
        return record

    def _routed(self, record: FunctionRecord, function_name: str,
                qualifier: str | None) -> FunctionRecord:
        """Apply an alias's ``RoutingConfig``: an additional version takes its weight's share."""
        _, embedded = parse_function_name(function_name)
        alias_name = qualifier or embedded
        if not alias_name or alias_name == "$LATEST" or alias_name.isdigit():
            return record
        alias = self.store.get_alias(record.name, alias_name) or {}
        weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
        draw = int(self.ctx.ids.hex(8), 16) / 16**8
        for version, weight in weights.items():
            if draw < float(weight):
                chosen = self.store.get_version(record.name, int(version))
                return chosen if chosen is not None else record
            draw -= float(weight)
        return record

    def _latest(self, function_name: str) -> FunctionRecord:
        """$LATEST, for operations that change the function itself."""
        name, qualifier = parse_function_name(function_name)
        if qualifier not in (None, "$LATEST"):
            raise InvalidParameterValueException(
                "Unsupported qualified function name or ARN: only $LATEST can be changed")
        return self._record(name)

    def _valid_runtimes(self) -> list[str]:
        if self._runtimes is None:
            self._runtimes = model_runtimes()
        return self._runtimes

    def _refresh_unreserved(self) -> None:
        self.runtime.unreserved_capacity = ACCOUNT_CONCURRENCY - self.store.total_reserved()

    def _touch(self, record: FunctionRecord) -> None:
        record.last_modified = lambda_timestamp(self.ctx.clock.now())
        record.revision_id = self.ctx.ids.uuid()

    def _check_revision(self, record: FunctionRecord, revision_id: str | None) -> None:
        if revision_id is not None and revision_id != record.revision_id:
            raise PreconditionFailedException(
                "The Revision Id provided does not match the latest Revision Id. Call the"
                " GetFunction/GetAlias API to retrieve the latest Revision Id"
            )

    def _apply_config(self, record: FunctionRecord, params: dict[str, Any]) -> None:
        check_range(params.get("timeout"), "timeout", 1, 900)
        check_range(params.get("memory_size"), "memorySize", 128, 10240)
        if params.get("runtime") is not None:
            check_runtime(params["runtime"], self._valid_runtimes())
            record.runtime = params["runtime"]
        if params.get("role") is not None:
            check_role(params["role"])
            record.role = params["role"]
        if params.get("environment") is not None:
            record.variables = check_environment(params["environment"])
        if params.get("layers") is not None:
            record.layers = self.resolve_layers(params["layers"])
        for key, attr in (("handler", "handler"), ("description", "description"),
                          ("timeout", "timeout_s"), ("memory_size", "memory_mb"),
                          ("kms_key_arn", "kms_key_arn")):
            if params.get(key) is not None:
                setattr(record, attr, params[key])
        if params.get("tracing_config"):
            record.tracing_mode = params["tracing_config"].get("Mode", record.tracing_mode)
        if params.get("dead_letter_config") is not None:
            record.dead_letter_arn = params["dead_letter_config"].get("TargetArn") or None
        if params.get("ephemeral_storage"):
            size = int(params["ephemeral_storage"].get("Size", 512))
            check_range(size, "ephemeralStorage.size", 512, 10240)
            record.ephemeral_mb = size
        if params.get("logging_config"):
            record.log_format = params["logging_config"].get("LogFormat", record.log_format)

    # ------------------------------------------------------------------ functions

    @operation("CreateFunction")
    async def create_function(self, ctx: RequestContext, *, function_name: str, role: str,
                              code: dict[str, Any], runtime: str | None = None,
                              handler: str | None = None, package_type: str | None = None,
                              tags: dict[str, str] | None = None,
                              architectures: list[str] | None = None,
                              **params: Any) -> dict[str, Any]:
        name, _ = parse_function_name(function_name)
        if package_type == "Image":
            raise InvalidParameterValueException(
                "fogbank runs Zip functions only; PackageType Image is not supported")
        if runtime is None:
            raise InvalidParameterValueException("Runtime is required for .zip file packages")
        if not handler:
            raise InvalidParameterValueException("Handler is required for .zip file packages")
        check_runtime(runtime, self._valid_runtimes())
        check_role(role)
        if self.store.get_function(name) is not None:
            raise ResourceConflictException(f"Function already exist: {name}")
        draft = FunctionRecord(name=name, arn=self.function_arn(name), runtime=runtime,
                               role=role, handler=handler, code=CodeLocation("zip", "", "", 0),
                               last_modified="", revision_id="")
        self._apply_config(draft, params)
        draft.code = await prepare_code(code, self.store.function_code_dir(name), self.ctx.client)
        draft.tags = dict(tags or {})
        draft.architectures = list(architectures or ["x86_64"])
        self._touch(draft)
        self.store.put_function(draft)
        self.invoker.prepare_requirements(draft)
        if params.get("publish"):
            return self.publish(draft, None).configuration()
        return draft.configuration()

    @operation("GetFunction")
    def get_function(self, ctx: RequestContext, *, function_name: str,
                     qualifier: str | None = None, **_: Any) -> dict[str, Any]:
        record = self._record(function_name, qualifier)
        result: dict[str, Any] = {"Configuration": record.configuration()}
        if record.code.kind == "zip":
            result["Code"] = {"RepositoryType": "S3", "Location": f"file://{record.code.zip_path}"}
        else:
            result["Code"] = {"RepositoryType": "S3"}
        if record.tags:
            result["Tags"] = dict(record.tags)
        if record.reserved_concurrency is not None:
            result["Concurrency"] = {"ReservedConcurrentExecutions": record.reserved_concurrency}
        return result

    @operation("GetFunctionConfiguration")
    def get_function_configuration(self, ctx: RequestContext, *, function_name: str,
                                   qualifier: str | None = None, **_: Any) -> dict[str, Any]:
        return self._record(function_name, qualifier).configuration()

    @operation("ListFunctions")
    def list_functions(self, ctx: RequestContext, *, marker: str | None = None,
                       max_items: int | None = None, function_version: str | None = None,
                       **_: Any) -> dict[str, Any]:
        check_range(max_items, "maxItems", 1, 10000)
        records = self.store.list_functions()
        if function_version == "ALL":
            records = [version for latest in records
                       for version in (latest, *self.store.versions(latest.name))]
        start = _decode_marker(marker)
        page = records[start:start + (max_items or 50)]
        result: dict[str, Any] = {"Functions": [r.configuration() for r in page]}
        if start + len(page) < len(records):
            result["NextMarker"] = _encode_marker(start + len(page))
        return result

    @operation("DeleteFunction")
    def delete_function(self, ctx: RequestContext, *, function_name: str,
                        qualifier: str | None = None, **_: Any) -> dict[str, Any]:
        name, embedded = parse_function_name(function_name)
        version = qualifier or embedded
        if version == "$LATEST":
            raise InvalidParameterValueException(
                "$LATEST version cannot be deleted without deleting the function.")
        record = self._record(function_name, qualifier)
        if version is not None:
            if not version.isdigit():
                raise InvalidParameterValueException(
                    "Deletion of aliases is not supported by DeleteFunction; use DeleteAlias.")
            users = [a["Name"] for a in self.store.aliases(name)
                     if a["FunctionVersion"] == version]
            if users:
                raise ResourceConflictException(
                    "Unable to delete version because the following aliases reference it:"
                    f" [{', '.join(users)}]")
            self.store.delete_version(name, int(version))
            self.delete_invoke_configs(name, version)
            self.runtime.retire(name, version)
            return {}
        self.runtime.retire(record.name)
        self.delete_invoke_configs(record.name)
        self.store.delete_function_versions(record.name)
        self.store.delete_function(record.name)
        self._refresh_unreserved()
        return {}

    @operation("UpdateFunctionCode")
    async def update_function_code(self, ctx: RequestContext, *, function_name: str,
                                   revision_id: str | None = None, dry_run: bool = False,
                                   **code: Any) -> dict[str, Any]:
        record = self._latest(function_name)
        self._check_revision(record, revision_id)
        aws_code = {aws: code[py] for py, aws in (
            ("zip_file", "ZipFile"), ("s3_bucket", "S3Bucket"), ("s3_key", "S3Key"),
            ("s3_object_version", "S3ObjectVersion"), ("image_uri", "ImageUri"),
        ) if code.get(py) is not None}
        location = await prepare_code(aws_code, self.store.function_code_dir(record.name),
                                      self.ctx.client)
        if dry_run:
            return record.configuration()
        record.code = location
        if code.get("architectures"):
            record.architectures = list(code["architectures"])
        self._touch(record)
        self.store.put_function(record)
        self.runtime.retire(record.name, "$LATEST")
        self.invoker.prepare_requirements(record)
        if code.get("publish"):
            return self.publish(record, None).configuration()
        return record.configuration()

    @operation("UpdateFunctionConfiguration")
    def update_function_configuration(self, ctx: RequestContext, *, function_name: str,
                                      revision_id: str | None = None,
                                      **params: Any) -> dict[str, Any]:
        record = self._latest(function_name)
        self._check_revision(record, revision_id)
        self._apply_config(record, params)
        self._touch(record)
        self.store.put_function(record)
        self.runtime.retire(record.name, "$LATEST")
        return record.configuration()

    # ------------------------------------------------------------------ invoke

    @operation("Invoke")
    async def invoke(self, ctx: RequestContext, *, function_name: str,
                     invocation_type: str | None = None, log_type: str | None = None,
                     client_context: str | None = None, payload: bytes | None = None,
                     qualifier: str | None = None, **_: Any) -> dict[str, Any]:
        record = self._routed(self._record(function_name, qualifier, readonly=True),
                              function_name, qualifier)
        body = payload.encode() if isinstance(payload, str) else bytes(payload or b"")
        if len(body) > MAX_PAYLOAD_BYTES:
            raise RequestTooLargeException(
                f"Request must be smaller than {MAX_PAYLOAD_BYTES} bytes for the InvokeFunction"
                " operation")
        if body and not body.isspace():
            try:
                json.loads(body)
            except ValueError as exc:
                raise InvalidRequestContentException(
                    f"Could not parse request body into json: Could not parse payload into"
                    f" json: {exc}") from exc
        context = decode_client_context(client_context)
        if client_context and context is None:
            raise InvalidRequestContentException(
                "Client context must be a valid Base64-encoded JSON object.")
        kind = invocation_type or "RequestResponse"
        if kind == "DryRun":
            return {"StatusCode": 204, "Payload": b""}
        if kind == "Event":
            if len(body) > MAX_EVENT_PAYLOAD_BYTES:
                raise RequestTooLargeException(
                    f"Request must be smaller than {MAX_EVENT_PAYLOAD_BYTES} bytes for the"
                    " InvokeFunction operation")
            self.invoker.enqueue(QueuedEvent(record.name, ctx.request_id, body,
                                             _invoked_arn(record, function_name, qualifier),
                                             record.version, self.ctx.clock.now()))
            return {"StatusCode": 202, "Payload": b""}
        invoked_arn = _invoked_arn(record, function_name, qualifier)
        outcome = await self.invoker.invoke(
            record, InvokeRequest(ctx.request_id, body, invoked_arn, context))
        result: dict[str, Any] = {"StatusCode": 200, "Payload": outcome.payload,
                                  "ExecutedVersion": record.version}
        if outcome.function_error:
            result["FunctionError"] = outcome.function_error
        if log_type == "Tail":
            text = "".join(line + "\n" for line in outcome.log_lines).encode()
            result["LogResult"] = base64.b64encode(text[-LOG_TAIL_BYTES:]).decode()
        return result

def _invoked_arn(record: FunctionRecord, function_name: str, qualifier: str | None) -> str:
    """The ARN the caller used, qualified by the alias or version it named."""
    _, embedded = parse_function_name(function_name)
    used = qualifier or embedded
    return f"{record.arn}:{used}" if used else record.arn


def _encode_marker(index: int) -> str:
    return base64.urlsafe_b64encode(f"fogbank:{index}".encode()).decode()


def _decode_marker(marker: str | None) -> int:
    if not marker:
        return 0
    try:
        prefix, _, index = base64.urlsafe_b64decode(marker.encode()).decode().partition(":")
        if prefix == "fogbank" and int(index) >= 0:
            return int(index)
    except (ValueError, UnicodeDecodeError):
        pass
    raise InvalidParameterValueException("Invalid marker")
