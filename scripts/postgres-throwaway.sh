#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and the bench: a fresh data folder, 127.0.0.1 only,
# a free port, run as the unprivileged `postgres` user (the server refuses root).
#   scripts/postgres-throwaway.sh start   -> prints the URL (postgres://gatehouse:...@127.0.0.1:PORT/gatehouse)
#                                            and the data folder on stderr; stop with:
#   scripts/postgres-throwaway.sh stop DIR
#   scripts/postgres-throwaway.sh crash DIR     the server gone at once (no shutdown), its folder kept
#   scripts/postgres-throwaway.sh restart DIR   again on that folder, with the settings it last had
# PG_SHARED_BUFFERS: the server's shared_buffers (default 128MB, PostgreSQL's own; the 10M bench's
# figures in docs/dashboard.md use 6GB, with vm.nr_hugepages reserved for it).
set -euo pipefail
BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "postgres-throwaway: no PostgreSQL server binaries (apt-get install -y postgresql)" >&2
  exit 1
fi
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
  start)
    SHARED_BUFFERS="${PG_SHARED_BUFFERS:-128MB}"
    if ! [[ "$SHARED_BUFFERS" =~ ^[0-9]+(kB|MB|GB)$ ]]; then
      echo "postgres-throwaway: PG_SHARED_BUFFERS must be a size such as 128MB or 6GB, not '$SHARED_BUFFERS'" >&2
      exit 2
    fi
    DIR="$(mktemp -d /tmp/gatehouse-pg-XXXXXX)"
    # A start that fails (initdb, or a server that refuses its settings) says the server's last words
    # and leaves no folder or password file behind.
    # (A server still running, a start that timed out, is stopped first: its folder is its only handle.)
    trap '{ [ -f "$DIR/server.log" ] && tail -5 "$DIR/server.log" >&2; } || true
      { [ -f "$DIR/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1; } || true
      rm -rf "$DIR" "$DIR.pw"' EXIT
    [ "$(id -u)" = 0 ] && chown postgres "$DIR"
    PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
    PASS="$(node -e "console.log(require('crypto').randomBytes(12).toString('hex'))")"
    printf '%s\n' "$PASS" > "$DIR.pw" && chmod 644 "$DIR.pw"
    as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=scram-sha-256 --pwfile="$DIR.pw" -E UTF8 >/dev/null
    # huge_pages=try (PostgreSQL's default, said here): its shared memory on huge pages when the kernel
    # has enough reserved (vm.nr_hugepages), else on normal pages. A backend maps each page of the
    # shared buffers it touches the first time; on a VM where that is costly (the bench machine: ~14 us
    # of CPU per 4 KB page) huge pages took about half of PostgreSQL's CPU off a 10M cache miss.
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR -c fsync=off -c max_connections=200 -c shared_buffers=$SHARED_BUFFERS -c huge_pages=try" start >/dev/null
    rm -f "$DIR.pw"
    # The data folder alone on its line: .ci/run reads it from there.
    echo "postgres-throwaway: data folder $DIR" >&2
    echo "postgres-throwaway: shared_buffers $SHARED_BUFFERS" >&2
    # Which it got (the benches' PostgreSQL CPU depends on it): the postmaster's HugetlbPages.
    HUGE_KB="$(sed -n 's/^HugetlbPages:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$(head -1 "$DIR/data/postmaster.pid")/status" 2>/dev/null || true)"
    if [ "${HUGE_KB:-0}" -gt 0 ]; then
      echo "postgres-throwaway: shared memory on huge pages ($HUGE_KB kB)" >&2
    elif [ -n "$HUGE_KB" ]; then
      echo "postgres-throwaway: shared memory on normal pages (vm.nr_hugepages $(cat /proc/sys/vm/nr_hugepages), free $(sed -n 's/^HugePages_Free:[[:space:]]*//p' /proc/meminfo); docs/dashboard.md, PostgreSQL)" >&2
    fi
    trap - EXIT
    echo "postgres://postgres:$PASS@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    as_pg "$BIN/pg_ctl" -D "$2/data" -m immediate stop >/dev/null || true
    rm -rf "$2"
    ;;
  crash)
    as_pg "$BIN/pg_ctl" -D "$2/data" -m immediate stop >/dev/null
    ;;
  restart)
    # No -o: pg_ctl starts it with the options of its last start (data/postmaster.opts), port included.
    if ! as_pg "$BIN/pg_ctl" -D "$2/data" -l "$2/server.log" -w restart >/dev/null 2>&1; then
      tail -5 "$2/server.log" >&2 || true
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 start | stop DIR | crash DIR | restart DIR" >&2
    exit 2
    ;;
esac
