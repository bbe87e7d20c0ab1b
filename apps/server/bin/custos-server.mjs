#!/usr/bin/env node
// custos-server runs its TypeScript sources directly on Node 24 (type stripping); no build step.
import "../src/cli.ts";
