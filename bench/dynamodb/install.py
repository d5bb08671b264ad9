"""The peers' own environments: moto's server mode in ``bench/.venv`` (the same plain venv that
``bench.venv`` makes for MiniStack) and dynalite under ``bench/.node`` (npm, no global install)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bench.load import BenchError
from bench.venv import venv_python

MOTO_REQUIREMENT = "moto[server]"
DYNALITE_PACKAGE = "dynalite"
INSTALL_TIMEOUT_S = 600
_MOTO_PROBE = "import moto.server, flask, boto3"


def ensure_moto(venv_dir: Path) -> Path:
    """``moto_server`` inside ``venv_dir`` (created and installed into on first use)."""
    python = venv_python(venv_dir)
    if not python.exists():
        print(f"bench: creating {venv_dir} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv_dir)], check=True, timeout=120)
    probe = subprocess.run([str(python), "-c", _MOTO_PROBE], capture_output=True, check=False,
                           timeout=120)
    if probe.returncode != 0:
        print(f"bench: installing {MOTO_REQUIREMENT} into {venv_dir} …", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", MOTO_REQUIREMENT],
                       check=True, timeout=INSTALL_TIMEOUT_S)
    server = venv_dir / "bin" / "moto_server"
    if not server.exists():
        raise BenchError(f"{server} is missing after installing {MOTO_REQUIREMENT}")
    return server


def ensure_dynalite(node_dir: Path) -> Path:
    """dynalite's ``cli.js`` under ``node_dir`` (``npm install --prefix`` on first use), after
    checking that its LevelDB binding (classic-level, prebuilt for linux-x64) loads."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise BenchError("node and npm are needed for dynalite "
                         "(Node 20: apt-get install nodejs npm)")
    cli = node_dir / "node_modules" / DYNALITE_PACKAGE / "cli.js"
    if not cli.exists():
        print(f"bench: npm install --prefix {node_dir} {DYNALITE_PACKAGE} …", flush=True)
        node_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(node_dir), "--no-audit", "--no-fund",
                        DYNALITE_PACKAGE], check=True, timeout=INSTALL_TIMEOUT_S)
    probe = subprocess.run(["node", "-e", "require('classic-level')"], cwd=node_dir,
                           capture_output=True, text=True, check=False, timeout=60)
    if probe.returncode != 0:
        raise BenchError(f"dynalite's LevelDB binding does not load: {probe.stderr.strip()[-500:]}")
    return cli
