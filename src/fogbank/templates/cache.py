"""The processed (plain CloudFormation) form of a template, cached by content, and made ahead
of time in a separate process.

The SAM transform costs ~0.4 s, most of it importing aws-sam-translator (and boto3, which it
imports). ``fogbank up`` on an unchanged application reuses the last result; on a changed
one, ``TemplateCache.prefetch`` forks a worker (or, where fork is unavailable, starts
``python -m fogbank.templates.cache``) before the cloud is even imported, so the transform
runs on another core while the cloud starts. The worker only writes the cache file: when it
fails, the caller transforms in process, which raises the same ``TemplateError`` a direct
load would.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from fogbank import __version__

# How deep under the template's directory a file may change the processed template.
_MAX_DEPTH = 3
_POLL_S = 0.005


def cache_key(template_path: Path, parameters: dict[str, str]) -> str:
    """Changes when the template, a file it may inline (DefinitionUri, nested documents in the
    same tree), the parameters or the tool versions change."""
    digest = hashlib.sha256()
    digest.update(template_path.read_bytes())
    digest.update(json.dumps(parameters, sort_keys=True).encode())
    digest.update(f"{__version__} {str(template_path.resolve())}".encode())
    base = template_path.parent
    for root, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("node_modules",
                                                                          "__pycache__")]
        if root.count(os.sep) - str(base).count(os.sep) > _MAX_DEPTH:
            dirs[:] = []
        for name in sorted(files):
            if name.endswith((".yaml", ".yml", ".json")):
                stat = os.stat(os.path.join(root, name))
                digest.update(f"{root}/{name}:{stat.st_mtime_ns}:{stat.st_size}".encode())
        for directory in sorted(dirs):  # a code directory appearing or vanishing
            digest.update(f"{root}/{directory}/".encode())
    return digest.hexdigest()[:32]


class TemplateCache:
    """``<state dir>/templates/<key>.json``: the last processed form of one application."""

    def __init__(self, state_dir: Path, template_path: Path,
                 parameters: dict[str, str]) -> None:
        self.template_path = template_path
        self.parameters = dict(parameters)
        self.directory = state_dir / "templates"
        self._worker: _Worker | None = None

    def path(self) -> Path:
        return self.directory / f"{cache_key(self.template_path, self.parameters)}.json"

    def read(self) -> str | None:
        try:
            return self.path().read_text()
        except OSError:
            return None

    def write(self, body: str) -> None:
        path = self.path()
        self.directory.mkdir(parents=True, exist_ok=True)
        for stale in self.directory.glob("*.json"):
            stale.unlink(missing_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(body)
        os.replace(partial, path)

    def prefetch(self) -> None:
        """Start transforming in another process when the cache misses and the template needs
        the SAM transform (plain CloudFormation loads fast enough in process)."""
        try:
            if self.read() is not None or b"AWS::Serverless" not in \
                    self.template_path.read_bytes():
                return
            self._worker = _Worker.start(self)
        except OSError:
            self._worker = None

    async def wait_for_prefetch(self) -> None:
        """Let a prefetch started earlier finish (its result, if any, is then in the cache)."""
        import asyncio

        worker, self._worker = self._worker, None
        if worker is None:
            return
        try:
            while not worker.done():
                await asyncio.sleep(_POLL_S)
        except BaseException:
            worker.kill()
            raise

    def cancel_prefetch(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.kill()


class _Worker:
    """A child process transforming a template into the cache: forked where possible (it
    then starts with this interpreter and its imports), else a fresh interpreter."""

    def __init__(self, pid: int | None, process: subprocess.Popen[bytes] | None) -> None:
        self._pid = pid
        self._process = process
        self._finished = False

    @classmethod
    def start(cls, cache: TemplateCache) -> _Worker:
        if hasattr(os, "fork"):
            # Both processes need botocore (the transform through boto3, the cloud for its
            # models): imported once, before the fork, it is paid for once.
            import botocore.session  # noqa: F401

            pid = os.fork()
            if pid == 0:  # the child: transform, write, leave without running any cleanup
                code = 1
                try:
                    sys.stdin.close()
                    devnull = os.open(os.devnull, os.O_WRONLY)
                    os.dup2(devnull, 1)
                    os.dup2(devnull, 2)
                    code = _transform_into(cache)
                finally:
                    os._exit(code)
            return cls(pid, None)
        process = subprocess.Popen(
            [sys.executable, "-m", "fogbank.templates.cache", str(cache.template_path),
             json.dumps(cache.parameters), str(cache.directory.parent)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return cls(None, process)

    def done(self) -> bool:
        if self._finished:
            return True
        if self._process is not None:
            self._finished = self._process.poll() is not None
        elif self._pid is not None:
            self._finished = os.waitpid(self._pid, os.WNOHANG)[0] != 0
        return self._finished

    def kill(self) -> None:
        if self.done():
            return
        if self._process is not None:
            self._process.kill()
            self._process.wait()
        elif self._pid is not None:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
        self._finished = True


def processed_body(template_path: Path, parameters: dict[str, str]) -> str:
    """Load and transform in this process (raises ``TemplateError``)."""
    from fogbank.templates.loader import load_template

    return json.dumps(load_template(template_path, parameters).processed)


def _transform_into(cache: TemplateCache) -> int:
    try:
        body = processed_body(cache.template_path, cache.parameters)
    except Exception:  # noqa: BLE001 - the parent repeats the load and reports the problems
        return 1
    cache.write(body)
    return 0


def _main(argv: list[str]) -> int:
    template_path, parameters, state_dir = Path(argv[0]), json.loads(argv[1]), Path(argv[2])
    return _transform_into(TemplateCache(state_dir, template_path, parameters))


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
