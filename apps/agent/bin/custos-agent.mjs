#!/usr/bin/env node
// Runs the agent from source on Node >= 22.18 / 24 (type stripping); the single executable
// bundles src/main.ts instead.
import "../src/main.ts";
