#!/usr/bin/env bash
# The whole system on this machine and one scripted curtailment (README's first command):
# PostgreSQL (the local server, or an embedded PostgreSQL 15 when nothing answers on DB_HOST:DB_PORT), the fleet
# simulator (1 000 LuxOS miners on 127.1.x.y), the api-service and two reconciler replicas, then bootstrap → register →
# telemetry → Preview → Start → ACTIVE → Stop in restore waves → COMPLETED, a summary, and a clean shutdown.
# Options are passed to the demo (e.g. --miners 2000 --fraction 0.3); --help lists them.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f tools/demo/target/demo.jar ] || [ ! -f api-service/target/quarkus-app/quarkus-run.jar ] \
   || [ ! -f reconciler-service/target/quarkus-app/quarkus-run.jar ] || [ "${REBUILD:-0}" = 1 ]; then
  echo "Building once (mvn -B -q -DskipTests install) ..."
  mvn -B -q -DskipTests install
fi
exec java -jar tools/demo/target/demo.jar --repo . "$@"
