#!/usr/bin/env bash
# A throwaway PostgreSQL server for running the test suite against PostgreSQL.
#
#   scripts/pg-throwaway.sh start DIR   # prints the DATABASE_URL on stdout
#   scripts/pg-throwaway.sh stop DIR    # stops the server (DIR is left for you to delete)
#   scripts/pg-throwaway.sh url DIR     # prints the DATABASE_URL of a running server again
#
# Example:
#   export DATABASE_URL=$(scripts/pg-throwaway.sh start .pgdata)
#   make test
#   scripts/pg-throwaway.sh stop .pgdata && rm -rf .pgdata
#
# Uses the newest server under /usr/lib/postgresql/*/bin (Debian's `postgresql`
# package: apt-get install postgresql). Listens on 127.0.0.1 only, on a free
# port, with trust authentication, fsync off: for tests, never for data you want
# to keep. As root, the server runs as the `postgres` user (it refuses root).
set -euo pipefail

DBNAME=${PG_THROWAWAY_DB:-dossier}

die() { echo "pg-throwaway: $*" >&2; exit 1; }
log() { echo "pg-throwaway: $*" >&2; }

usage() {
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2

find_bindir() {
    local bindir
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/postgres" ]; then
        die "no PostgreSQL server found under /usr/lib/postgresql/*/bin; install it: apt-get install postgresql"
    fi
    echo "$bindir"
}

# Run a command as the server's owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    local bindir port attempt
    bindir=$(find_bindir)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ -e "$dir/data/PG_VERSION" ] && die "$dir/data already holds a cluster; stop it and delete $dir first"
    mkdir -p "$dir/data" "$dir/sock"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' user to run the server as (apt-get install postgresql creates it)"
        chown -R postgres: "$dir"
        chmod 0700 "$dir/data"
        runuser -u postgres -- test -w "$dir/data" \
            || die "user postgres cannot reach $dir: a parent directory is not searchable by it (mktemp -d makes 0700 directories: chown that one to postgres)"
    fi
    cd /  # the server user may not be able to read the caller's working directory

    log "initdb ($bindir) in $dir/data"
    as_owner "$bindir/initdb" -D "$dir/data" --auth=trust -U postgres \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync --no-instructions >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

    # A free port can be taken between the check and the bind: try a few.
    for attempt in 1 2 3; do
        port=$(free_port)
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
            start >&2; then
            break
        fi
        log "start on port $port failed (attempt $attempt); server log:"
        tail -20 "$dir/server.log" >&2 || true
        port=
    done
    [ -n "$port" ] || die "could not start PostgreSQL"
    echo "$port" >"$dir/port"

    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DBNAME" >&2
    log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, database $DBNAME"
    url
}

url() {
    [ -f "$dir/port" ] || die "no server started in $dir"
    echo "postgres://postgres@127.0.0.1:$(cat "$dir/port")/$DBNAME"
}

stop() {
    local bindir
    if [ ! -f "$dir/data/postmaster.pid" ]; then
        log "no server running in $dir"
        return 0
    fi
    bindir=$(find_bindir)
    dir=$(cd "$dir" && pwd)
    cd /
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2
}

case $cmd in
    start) start ;;
    stop) stop ;;
    url) url ;;
    *) usage ;;
esac
