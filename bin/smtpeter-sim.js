#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// Memory: two V8 settings, set before anything else is loaded (bench phase (e)
// measures peak RSS of long `fire` runs; see docs/performance.md).
// - A full GC once the old generation is 1.5x what survived the last one.
//   V8's default lets it grow up to ~4x when allocation is fast: with a live
//   heap of ~20 MB, `fire` carried ~45 MB of dead objects between full GCs.
//   The extra full GCs cost no measurable CPU at that heap size.
// - Baseline (Liftoff) code only for WebAssembly: optimising undici's llhttp
//   parser in the background takes ~35 MB for a moment, which was the peak of
//   short runs; parsing a short webhook response is cheap either way.
setFlagsFromString('--heap-growing-percent=50');
setFlagsFromString('--liftoff-only');

const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv);
