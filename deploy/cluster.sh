#!/usr/bin/env bash
# `make cluster`: the reference deployment on this machine — N gunicorn processes
# (gevent, one worker each) sharing PostgreSQL and Redis, behind nginx with
# sticky sessions and WebSocket upgrade, served on one port. Ctrl-C stops all.
#
# Settings (environment):
#   CLUSTER_PORT (8080)        the port nginx listens on (127.0.0.1)
#   CLUSTER_PROCESSES (2)      how many Fabrique processes, on CLUSTER_PORT+1, +2, …
#   CLUSTER_DB (fabrique_cluster) database created on the local PostgreSQL if missing
#   PGHOST/PGPORT/PGUSER       (127.0.0.1 / 5432 / postgres) the PostgreSQL server
#   DATABASE_URL               overrides the URL built from the above
#   SOCKETIO_MESSAGE_QUEUE     (redis://127.0.0.1:6379/0)
#   FABRIQUE_TRUSTED_PROXIES   (1) nginx stands before every process: trust its X-Forwarded-For
#   CLUSTER_RUN (instance/cluster) nginx config, pid, logs and server logs
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
PORT=${CLUSTER_PORT:-8080}
N=${CLUSTER_PROCESSES:-2}
DB=${CLUSTER_DB:-fabrique_cluster}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
export DATABASE_URL=${DATABASE_URL:-postgresql+psycopg://$PGUSER@$PGHOST:$PGPORT/$DB}
export SOCKETIO_MESSAGE_QUEUE=${SOCKETIO_MESSAGE_QUEUE:-redis://127.0.0.1:6379/0}
export FABRIQUE_TRUSTED_PROXIES=${FABRIQUE_TRUSTED_PROXIES:-1}
RUN=${CLUSTER_RUN:-$ROOT/instance/cluster}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

die() { echo "cluster: $*" >&2; exit 1; }
[ -x "$NGINX" ] || die "nginx is missing (make system installs it)"
pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL is not reachable on $PGHOST:$PGPORT"
redis-cli -u "$SOCKETIO_MESSAGE_QUEUE" ping 2>/dev/null | grep -q PONG || die "Redis is not reachable at $SOCKETIO_MESSAGE_QUEUE"

if [ -z "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    echo "cluster: creating database $DB"
    psql -d postgres -qc "CREATE DATABASE \"$DB\""
fi
echo "cluster: migrating and loading the demo"
"$PY" -m flask --app wsgi db upgrade
"$PY" -m flask --app wsgi demo load

mkdir -p "$RUN"
PIDS=()
cleanup() {
    trap - INT TERM EXIT
    echo
    echo "cluster: stopping"
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup INT TERM EXIT

SERVERS=""
for i in $(seq 1 "$N"); do
    p=$((PORT + i))
    SERVERS+="        server 127.0.0.1:$p max_fails=1 fail_timeout=5s;"$'\n'
    # One worker per process: Socket.IO state lives in the process; more capacity = more processes.
    "$ROOT/.venv/bin/gunicorn" -k gevent -w 1 --worker-connections 10000 -b "127.0.0.1:$p" \
        --chdir "$ROOT" wsgi:app >"$RUN/fabrique-$p.log" 2>&1 &
    PIDS+=($!)
done

python3 - "$ROOT/deploy/nginx.conf.template" "$RUN/nginx.conf" "$RUN" "127.0.0.1:$PORT" "$SERVERS" <<'EOF'
import sys
src, dst, run, listen, servers = sys.argv[1:]
text = open(src).read().replace("@@RUN@@", run).replace("@@LISTEN@@", listen)
open(dst, "w").write(text.replace("@@SERVERS@@\n", servers))
EOF
"$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/error.log" || die "invalid nginx config: $RUN/nginx.conf"
"$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/error.log" -g "daemon off;" &
PIDS+=($!)

for i in $(seq 1 "$N"); do
    p=$((PORT + i))
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "http://127.0.0.1:$p/" 2>/dev/null && break
        sleep 0.2
    done
    curl -fsS -o /dev/null "http://127.0.0.1:$p/" || die "process on port $p did not start (see $RUN/fabrique-$p.log)"
done
echo "cluster: $N processes behind nginx — http://127.0.0.1:$PORT/   (logs in $RUN; Ctrl-C stops)"
# A Fabrique process may be killed to watch its clients fail over; nginx ending ends the cluster.
wait "${PIDS[-1]}" || true
