"""Control-plane records of functions and layer versions, and their AWS output shapes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_CODE_SIZE_UNZIPPED = 262_144_000
MAX_CODE_SIZE_ZIPPED = 52_428_800
TOTAL_CODE_SIZE = 80_530_636_800
HOT_RELOAD_BUCKET = "hot-reload"


@dataclass
class CodeLocation:
    """Where a function's or layer's files are: an extracted zip or a hot-reload directory."""

    kind: str  # "zip" | "dir"
    path: str
    sha256: str
    size: int
    zip_path: str = ""


@dataclass
class FunctionRecord:
    name: str
    arn: str
    runtime: str
    role: str
    handler: str
    code: CodeLocation
    last_modified: str
    revision_id: str
    description: str = ""
    timeout_s: int = 3
    memory_mb: int = 128
    variables: dict[str, str] = field(default_factory=dict)
    layers: list[dict[str, Any]] = field(default_factory=list)  # Arn, CodeSize, path
    tags: dict[str, str] = field(default_factory=dict)
    statements: list[dict[str, Any]] = field(default_factory=list)
    reserved_concurrency: int | None = None
    architectures: list[str] = field(default_factory=lambda: ["x86_64"])
    ephemeral_mb: int = 512
    tracing_mode: str = "PassThrough"
    dead_letter_arn: str | None = None
    kms_key_arn: str | None = None
    log_format: str = "Text"
    version: str = "$LATEST"  # a published version's record is a snapshot with its number
    last_version: int = 0

    @property
    def qualified_arn(self) -> str:
        return self.arn if self.version == "$LATEST" else f"{self.arn}:{self.version}"

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> FunctionRecord:
        doc = dict(doc)
        doc["code"] = CodeLocation(**doc["code"])
        return cls(**doc)

    def configuration(self) -> dict[str, Any]:
        """The ``FunctionConfiguration`` output shape."""
        config: dict[str, Any] = {
            "FunctionName": self.name,
            "FunctionArn": self.qualified_arn,
            "Runtime": self.runtime,
            "Role": self.role,
            "Handler": self.handler,
            "CodeSize": self.code.size,
            "Description": self.description,
            "Timeout": self.timeout_s,
            "MemorySize": self.memory_mb,
            "LastModified": self.last_modified,
            "CodeSha256": self.code.sha256,
            "Version": self.version,
            "TracingConfig": {"Mode": self.tracing_mode},
            "RevisionId": self.revision_id,
            "State": "Active",
            "LastUpdateStatus": "Successful",
            "PackageType": "Zip",
            "Architectures": list(self.architectures),
            "EphemeralStorage": {"Size": self.ephemeral_mb},
            "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
            "LoggingConfig": {"LogFormat": self.log_format, "LogGroup": f"/aws/lambda/{self.name}"},
        }
        if self.variables:
            config["Environment"] = {"Variables": dict(self.variables)}
        if self.layers:
            config["Layers"] = [{"Arn": lay["Arn"], "CodeSize": lay["CodeSize"]}
                                for lay in self.layers]
        if self.dead_letter_arn:
            config["DeadLetterConfig"] = {"TargetArn": self.dead_letter_arn}
        if self.kms_key_arn:
            config["KMSKeyArn"] = self.kms_key_arn
        return config


@dataclass
class LayerVersionRecord:
    name: str
    version: int
    layer_arn: str
    content: CodeLocation
    created_date: str
    description: str = ""
    compatible_runtimes: list[str] = field(default_factory=list)
    compatible_architectures: list[str] = field(default_factory=list)
    license_info: str | None = None

    @property
    def version_arn(self) -> str:
        return f"{self.layer_arn}:{self.version}"

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> LayerVersionRecord:
        doc = dict(doc)
        doc["content"] = CodeLocation(**doc["content"])
        return cls(**doc)

    def summary(self) -> dict[str, Any]:
        """``LayerVersionsListItem``."""
        item: dict[str, Any] = {
            "LayerVersionArn": self.version_arn,
            "Version": self.version,
            "Description": self.description,
            "CreatedDate": self.created_date,
        }
        if self.compatible_runtimes:
            item["CompatibleRuntimes"] = list(self.compatible_runtimes)
        if self.compatible_architectures:
            item["CompatibleArchitectures"] = list(self.compatible_architectures)
        if self.license_info:
            item["LicenseInfo"] = self.license_info
        return item

    def output(self) -> dict[str, Any]:
        """``GetLayerVersionResponse`` / ``PublishLayerVersionResponse``."""
        content: dict[str, Any] = {"CodeSha256": self.content.sha256,
                                   "CodeSize": self.content.size}
        if self.content.zip_path:
            content["Location"] = f"file://{self.content.zip_path}"
        return {"Content": content, "LayerArn": self.layer_arn, **self.summary()}
