"""The bench virtualenv: the peers live here and only here (a plain venv, no system packages)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PEER_PACKAGES = ("ministack", "aws-sam-translator", "boto3")
_PROBE = "import ministack, samtranslator, boto3"
INSTALL_TIMEOUT_S = 600


def venv_python(venv_dir: Path) -> Path:
    return venv_dir / "bin" / "python"


def _ready(venv_dir: Path) -> bool:
    python = venv_python(venv_dir)
    if not python.exists():
        return False
    probe = subprocess.run([str(python), "-c", _PROBE], capture_output=True, check=False,
                           timeout=60)
    return probe.returncode == 0


def ensure_peer_venv(venv_dir: Path) -> Path:
    """Create ``venv_dir`` and install the peers into it unless that was done; its python."""
    if _ready(venv_dir):
        return venv_python(venv_dir)
    print(f"bench: creating {venv_dir} and installing {', '.join(PEER_PACKAGES)} …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv_dir)], check=True, timeout=120)
    subprocess.run([str(venv_python(venv_dir)), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", *PEER_PACKAGES],
                   check=True, timeout=INSTALL_TIMEOUT_S)
    if not _ready(venv_dir):
        raise RuntimeError(f"{venv_dir} was created but `{_PROBE}` still fails there")
    return venv_python(venv_dir)


def package_version(python: Path, distribution: str) -> str:
    """The installed version of ``distribution`` as ``python`` sees it ("?" if unknown)."""
    code = f"import importlib.metadata as m; print(m.version({distribution!r}))"
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                          check=False, timeout=60)
    return done.stdout.strip() or "?"
