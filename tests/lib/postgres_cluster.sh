# Sourced by the shell tests that run their own PostgreSQL cluster.
#
# start_postgres_cluster WORK: finds the newest PostgreSQL server binaries
# (exits 77, skipped, without them), makes WORK readable to the postgres user
# when run as root, and starts a throwaway cluster in WORK/pg on a free port
# of 127.0.0.1 (trust authentication, fsync off). Sets PG_BIN, PG_DATA,
# PG_PORT and the function pg (runs a command as the cluster's owner).
# stop_postgres_cluster: stops it at once (for the caller's cleanup trap).
# free_port: a TCP port on 127.0.0.1 nothing listens on.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 30000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
  done
  echo "no free port" >&2; exit 1
}

start_postgres_cluster() {
  local work="$1"
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL server binaries not found: skipped"; exit 77; }
  chmod 755 "$work"
  pg() { "$@"; }
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$work"
    pg() { runuser -u postgres -- "$@"; }
  fi
  PG_DATA="$work/pg"
  PG_PORT="$(free_port)"
  pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --no-sync >"$work/initdb.log" 2>&1 ||
    { cat "$work/initdb.log" >&2; exit 1; }
  pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$work/pg.log" -w \
     -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $work -c fsync=off" start >/dev/null ||
    { cat "$work/pg.log" >&2; exit 1; }
}

stop_postgres_cluster() {
  [ -n "${PG_DATA:-}" ] && pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
}
