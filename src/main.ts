#!/usr/bin/env bun
// Entry point: argv to the CLI, nothing else. (Bun.argv is the same shape compiled or not.)
import { runCli } from "./cli/index.ts";

process.exitCode = await runCli(Bun.argv.slice(2));
