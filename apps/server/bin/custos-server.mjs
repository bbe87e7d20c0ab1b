#!/usr/bin/env -S node --max-semi-space-size=16
// custos-server runs its TypeScript sources directly on Node 24 (type stripping); no build step.
// The shebang carries node-flags.json (a test keeps them equal).
import "../src/cli.ts";
