#!/usr/bin/env bash
# Copies the binary alone into an empty dir, starts it, checks /healthz, / and the embedded htmx, stops it.
set -euo pipefail
bin=$(realpath "$1")
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
cp "$bin" "$dir/hearth"
cd "$dir"
port=$(( 20000 + RANDOM % 20000 ))
env -i PATH=/nonexistent HOME="$dir" ./hearth serve --port "$port" >"$dir/log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/healthz"; echo
curl -fsS -o /dev/null "http://127.0.0.1:$port/"
curl -fsS -o /dev/null "http://127.0.0.1:$port/static/htmx.min.js"
kill -TERM "$pid"
wait "$pid"
echo "binary smoke test: ok (exit 0 on SIGTERM, data dir: $(ls "$dir"/hearth-data))"
