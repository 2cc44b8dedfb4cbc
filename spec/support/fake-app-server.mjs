#!/usr/bin/env node
// A stand-in for `codex app-server` over stdio, for what the real server cannot be made to do:
// answer initialize with a chosen (even empty) result. Env:
//   FAKE_INITIALIZE_RESULT  JSON of the initialize result (default: a complete one)
//   FAKE_LOG                a file that gets one line per request method received
//   FAKE_EXIT_ON_INITIALIZE exit with this code instead of answering initialize
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const result = process.env.FAKE_INITIALIZE_RESULT
  ? JSON.parse(process.env.FAKE_INITIALIZE_RESULT)
  : { userAgent: 'fake-server/0.0.1', codexHome: '/tmp', platformFamily: 'unix', platformOs: 'linux' };

createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line);
  if (message.method === undefined || message.id === undefined) return;
  if (process.env.FAKE_LOG) appendFileSync(process.env.FAKE_LOG, `${message.method}\n`);
  if (message.method === 'initialize') {
    if (process.env.FAKE_EXIT_ON_INITIALIZE) {
      process.stderr.write('fake server: giving up during initialize\n');
      process.exit(Number(process.env.FAKE_EXIT_ON_INITIALIZE));
    }
    // A little later, so that concurrent first calls really overlap.
    setTimeout(() => process.stdout.write(`${JSON.stringify({ id: message.id, result })}\n`), 50);
    return;
  }
  process.stdout.write(`${JSON.stringify({ id: message.id, result: { data: [], nextCursor: null } })}\n`);
});
