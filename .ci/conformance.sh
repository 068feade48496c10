#!/usr/bin/env bash
# MCP conformance (@modelcontextprotocol/conformance, pinned in package.json): every server scenario
# against the fixture test/fixtures/conformance-server.ts served directly by the SDK, then through
# a real Hearth's Streamable HTTP bridge, judged against test/conformance/conformance-baseline.yml.
# Exits non-zero only for unexpected failures or stale baseline entries. Everything it starts
# (Hearth, children, the suite) is stopped, and the suite writes its results to a temp dir it removes.
set -euo pipefail
cd "$(dirname "$0")/.."
# The suite's dependencies crash on Node 20, so it runs under Bun, like everything else here.
exec bun test/conformance/run.ts --direct "$@"
