#!/bin/sh
# MCC's namespace and search attributes (workflows/search_attributes.py) on the
# cluster; what `mcc up` passes to the embedded dev server. Idempotent.
set -eu
until temporal operator cluster health >/dev/null 2>&1; do sleep 2; done
temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1 ||
  temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention 30d
# A new namespace takes a moment to be served; registering too early fails, so retry.
for _ in $(seq 1 30); do
  if temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" \
    --name MccProject --type Keyword \
    --name MccIssue --type Int \
    --name MccPhase --type Keyword 2>/dev/null; then
    exit 0
  fi
  temporal operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" | grep -q MccPhase && exit 0
  sleep 2
done
echo "could not register MCC's search attributes" >&2
exit 1
