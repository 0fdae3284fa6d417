#!/bin/sh
# Temporal's two databases and their schema, brought to this image's version.
# Idempotent: an existing database is kept and only newer schema steps are applied.
set -eu
SCHEMA=/etc/temporal/schema/postgresql/v12
for db in temporal temporal_visibility; do
  temporal-sql-tool --db "$db" create-database 2>/dev/null || echo "database $db exists"
done
temporal-sql-tool --db temporal setup-schema -v 0.0
temporal-sql-tool --db temporal update-schema -d "$SCHEMA/temporal/versioned"
temporal-sql-tool --db temporal_visibility setup-schema -v 0.0
temporal-sql-tool --db temporal_visibility update-schema -d "$SCHEMA/visibility/versioned"
