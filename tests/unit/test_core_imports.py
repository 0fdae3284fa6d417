"""`mcc/` is the core: importing every one of its modules loads neither FastAPI nor Temporal."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

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


EDGE = (
    "fastapi",
    "starlette",
    "uvicorn",
    "socketio",
    "temporalio",
    "api",
    "workflows",
    "activities",
)


def test_no_core_module_imports_the_edge_even_inside_a_function():
    core = Path(__file__).resolve().parents[2] / "mcc"
    found = []
    for path in sorted(core.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found += [
                f"{path.relative_to(core.parent)}:{node.lineno} {name}"
                for name in names
                if name.split(".")[0] in EDGE
            ]
    assert found == []
