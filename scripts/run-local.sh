#!/usr/bin/env bash
# Runs the whole system on this machine: PostgreSQL (the local server, or an embedded one when nothing answers),
# the api-service and the reconciler-service, then bootstraps an organization and prints its API key.
# Stop with Ctrl-C: every process started here is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."

export DB_HOST="${DB_HOST:-127.0.0.1}"
export DB_PORT="${DB_PORT:-5432}"
export DB_NAME="${DB_NAME:-fleet}"
export DB_USER="${DB_USER:-postgres}"
export LOG_JSON="${LOG_JSON:-false}"
state_dir=".fleet-demo"
mkdir -p "$state_dir"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [ ! -f api-service/target/quarkus-app/quarkus-run.jar ] || [ "${REBUILD:-0}" = 1 ]; then
  echo "Building (mvn -DskipTests install) ..."
  mvn -B -q -DskipTests install
fi

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

if ! port_open "$DB_HOST" "$DB_PORT"; then
  echo "Nothing answers on $DB_HOST:$DB_PORT: starting an embedded PostgreSQL on 127.0.0.1:5433"
  export DB_HOST=127.0.0.1 DB_PORT=5433
  mvn -B -q -pl test-support dependency:build-classpath -Dmdep.outputFile="$PWD/$state_dir/pg.classpath" >/dev/null
  java -cp "test-support/target/classes:$(cat "$state_dir/pg.classpath")" fleet.testsupport.DevPostgres 5433 "$DB_NAME" \
    >"$state_dir/postgres.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 60); do port_open 127.0.0.1 5433 && break; sleep 1; done
elif command -v psql >/dev/null 2>&1; then
  psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" \
    | grep -q 1 || psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -qc "CREATE DATABASE \"$DB_NAME\""
fi

echo "Starting api-service on :8080 and reconciler-service on :8090 (logs in $state_dir/)"
java -jar api-service/target/quarkus-app/quarkus-run.jar >"$state_dir/api-service.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do curl -fs localhost:8080/q/health/ready >/dev/null 2>&1 && break; sleep 1; done
java -jar reconciler-service/target/quarkus-app/quarkus-run.jar >"$state_dir/reconciler-service.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do curl -fs localhost:8090/q/health/ready >/dev/null 2>&1 && break; sleep 1; done

org="local-$(date +%Y%m%d-%H%M%S)"
java -jar tools/fleetctl/target/quarkus-app/quarkus-run.jar bootstrap --org "$org"
echo
echo "api-service:        grpc+http://localhost:8080  (health /q/health, metrics /q/metrics)"
echo "reconciler-service: http://localhost:8090       (health /q/health, metrics /q/metrics)"
echo "Press Ctrl-C to stop."
wait
