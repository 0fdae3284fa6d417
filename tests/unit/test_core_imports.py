"""`mcc/` is the core: importing every one of its modules loads neither FastAPI nor Temporal."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import importlib, json, pkgutil, sys
import mcc
names = [m.name for m in pkgutil.walk_packages(mcc.__path__, "mcc.")]
for name in names:
    importlib.import_module(name)
edge = sorted(
    m for m in sys.modules
    if m.split(".")[0] in ("fastapi", "starlette", "temporalio", "api", "workflows", "activities")
)
print(json.dumps({"modules": len(names), "edge": edge}))
"""


def test_importing_every_core_module_loads_neither_fastapi_nor_temporal():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["modules"] > 50
    assert seen["edge"] == []
