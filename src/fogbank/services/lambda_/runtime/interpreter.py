"""The ``python`` a function's subprocesses find first on ``PATH``.

On Lambda, ``/var/lang/bin`` (first on ``PATH``) holds the runtime's own interpreter, which
knows nothing of the Lambda service's internals. Here the interpreter is fogbank's, whose
``bin`` directory and site-packages hold fogbank and everything installed with it. So
environments get a directory of small shims instead (``python``, ``python3``,
``python3.X``) that run the same interpreter with ``-S``: the standard library plus
``PYTHONPATH`` (the function's code, requirements and layers), none of fogbank's packages.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from fogbank.services.lambda_.runtime.spec import PYTHON_TAG

SHIM_NAMES = ("python", "python3", PYTHON_TAG)


def write_python_shims(bin_dir: Path) -> Path:
    """Create (or refresh) the shims in ``bin_dir``; returns ``bin_dir``."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -S "$@"\n'
    for name in SHIM_NAMES:
        path = bin_dir / name
        try:
            if path.read_text() == script:
                continue
        except OSError:
            pass
        staging = path.with_name(f".{name}.{os.getpid()}")
        staging.write_text(script)
        staging.chmod(0o755)
        staging.replace(path)
    return bin_dir
