"""``requirements.txt`` of hot-reload code directories, installed once per content hash."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
import sys
from pathlib import Path

from fogbank.services.lambda_.runtime.spec import PYTHON_TAG

log = logging.getLogger("fogbank.lambda.requirements")


class RequirementsError(Exception):
    """pip could not install a function's requirements."""


def default_cache_root() -> Path:
    base = os.environ.get("FOGBANK_CACHE_DIR")
    return Path(base) if base else Path.home() / ".cache" / "fogbank"


class RequirementsInstaller:
    """``pip install --target <cache>/requirements/<sha>`` with the interpreter running fogbank."""

    def __init__(self, cache_root: Path) -> None:
        self.root = cache_root / "requirements"
        self._locks: dict[str, asyncio.Lock] = {}
        self._failures: dict[str, str] = {}

    @staticmethod
    def requirements_file(code_dir: Path) -> Path | None:
        path = code_dir / "requirements.txt"
        if not path.is_file():
            return None
        lines = [line.strip() for line in path.read_text(errors="replace").splitlines()]
        if not any(line and not line.startswith("#") for line in lines):
            return None
        return path

    def target_for(self, requirements: Path) -> Path:
        digest = hashlib.sha256(requirements.read_bytes() + PYTHON_TAG.encode()).hexdigest()
        return self.root / digest

    async def ensure(self, code_dir: Path) -> Path | None:
        """The directory holding the installed requirements (``None`` when there are none)."""
        requirements = self.requirements_file(code_dir)
        if requirements is None:
            return None
        target = self.target_for(requirements)
        if target.is_dir():
            return target
        key = target.name
        if key in self._failures:
            raise RequirementsError(self._failures[key])
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if not target.is_dir():
                await self._install(requirements, target, code_dir)
        return target

    async def _install(self, requirements: Path, target: Path, code_dir: Path) -> None:
        staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.parent.mkdir(parents=True, exist_ok=True)
        log.info("installing %s into %s", requirements, target)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-input", "--target", str(staging), "-r", str(requirements),
            cwd=str(code_dir), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        if process.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            tail = output.decode(errors="replace").strip().splitlines()[-15:]
            message = (f"pip install -r {requirements} failed (exit {process.returncode}): "
                       + "\n".join(tail))
            self._failures[target.name] = message
            log.error("%s", message)
            raise RequirementsError(message)
        try:
            os.replace(staging, target)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)  # another process finished first
        log.info("installed %s", requirements)
