#!/usr/bin/env -S node --max-semi-space-size=8
// Entry of the `replay` command. Sources are TypeScript run through tsx, so a checkout needs no build step.
// The server's answers are large (a comment page is 100+ KB) and short-lived: 8 MB semi-spaces (V8's
// default is 16) keep the young generation, and with it the process, about 30 MB smaller under load at the
// same throughput (bench/findings.md). `npm start` passes the same flag; `node bin/replay.js` does not.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv);
