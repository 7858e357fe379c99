"""The real HTTP and moto S3 servers (tests/fixtures_servers.py), shared with this folder."""

import sys
from pathlib import Path

# pytest here does not put tests/ on sys.path, and the helpers module must be
# importable by name so every folder shares one module (and one server each).
_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fixtures_servers import http_server, moto_endpoint, s3_bucket  # noqa: E402

__all__ = ["http_server", "moto_endpoint", "s3_bucket"]
