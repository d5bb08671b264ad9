"""Write a deterministic sample readings file: ``python generate_sample.py --help``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "layers" / "billing" / "python"))

from billing.sample import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
