#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at a throwaway cluster of the machine's own Postgres
# (Debian's, /usr/lib/postgresql/<version>/bin), to check the DATABASE_URL path on a Postgres other
# than the embedded one. Skips, saying so, where the machine has none.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "skipped: no system Postgres on this machine"
  exit 0
fi
id postgres >/dev/null 2>&1 || useradd --system --user-group postgres
dir=$(mktemp -d /tmp/aos-ci-pg-XXXXXX)
chmod 0755 "$dir"
chown postgres "$dir"
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { as_pg "$bindir/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
echo "ci-password" > "$dir/pw"
chown postgres "$dir/pw"
as_pg "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pw" -A scram-sha-256 >/dev/null
as_pg "$bindir/pg_ctl" start -D "$dir/data" -w -l "$dir/log" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" >/dev/null
echo "system Postgres $("$bindir/postgres" --version) on port $port"
DATABASE_URL="postgres://postgres:ci-password@127.0.0.1:$port/postgres" "$@"
