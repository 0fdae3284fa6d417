#!/usr/bin/env bash
# The embedded Temporal dev server alone, with MCC's settings and search attributes.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/mcc temporal
