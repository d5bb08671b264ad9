"""Where the local cloud lives and how it is addressed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_ACCOUNT_ID = "000000000000"
DEFAULT_REGION = "us-east-1"
DEFAULT_EDGE_PORT = 4566
DEFAULT_API_PORT = 3000
STATE_DIR_NAME = ".fogbank"


def default_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


@dataclass(frozen=True)
class CloudConfig:
    """Settings of one local cloud: state directory, account, region and ports."""

    state_dir: Path
    region: str = field(default_factory=default_region)
    account_id: str = DEFAULT_ACCOUNT_ID
    host: str = "127.0.0.1"
    edge_port: int = DEFAULT_EDGE_PORT
    api_port: int = DEFAULT_API_PORT

    @property
    def edge_url(self) -> str:
        return f"http://{self.host}:{self.edge_port}"

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.api_port}"

    def service_dir(self, service: str) -> Path:
        path = self.state_dir / service
        path.mkdir(parents=True, exist_ok=True)
        return path
