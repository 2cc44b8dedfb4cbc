import { expect } from 'chai';
import fc from 'fast-check';
import { RpcConnection, type ConnectionDiagnostic } from '../../src/connection/rpc-connection.js';
import type { TurnEvent } from '../../src/turns/turn-event.js';
import { TurnRouter } from '../../src/turns/turn-router.js';
import type { JsonRpcMessage } from '../../src/jsonrpc/json-rpc-message.js';
import { ByteStreamTransport } from '../support/byte-stream-transport.js';
import { turnFrames } from '../support/fake-turn-server.js';

/** A line that is not a usable message: not JSON, or JSON that is no JSON-RPC object. Never blank. */
const garbageLine = fc.oneof(
  fc.constantFrom('not json', '{', '}{', '[1,2,3]', '42', 'null', '"a string"', '{"foo":1}', '{"method":', '\u0000\u0001'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => {
    if (s.includes('\n') || s.includes('\r') || s.trim() === '') return false;
    try {
      const value = JSON.parse(s) as unknown;
      return !(typeof value === 'object' && value !== null && !Array.isArray(value) && ('method' in value || 'id' in value));
    } catch {
      return true;
    }
  }),
);

/** Texts of a turn's deltas, any Unicode (emoji included, so chunks split characters). */
const turnTexts = fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), { maxLength: 8 });

const scenario = fc.record({
  turns: fc.array(turnTexts, { minLength: 1, maxLength: 6 }),
  // Which turn sends its next frame, round by round: an interleaving that keeps each turn's order.
  schedule: fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
  garbage: fc.array(fc.tuple(fc.nat(), garbageLine), { maxLength: 12 }),
  crlf: fc.boolean(),
  cuts: fc.array(fc.nat(), { maxLength: 30 }),
});

describe('frame stream (property): valid frames reach their turn in order, whatever the garbage and chunking', function () {
  this.timeout(120_000);

  it('delivers every valid frame, in order, to the right turn, and nothing throws', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ turns, schedule, garbage, crlf, cuts }) => {
        const expected = turns.map((texts, i) => turnFrames(`thread-${i}`, `turn-${i}`, texts));
        // Interleave the turns' frames.
        const cursors = expected.map(() => 0);
        const lines: string[] = [];
        let step = 0;
        while (cursors.some((c, i) => c < expected[i]!.length)) {
          const live = cursors.flatMap((c, i) => (c < expected[i]!.length ? [i] : []));
          const turn = live[(schedule[step % schedule.length] ?? 0) % live.length]!;
          lines.push(JSON.stringify(expected[turn]![cursors[turn]!]));
          cursors[turn]! += 1;
          step += 1;
        }
        // Mix in garbage lines.
        for (const [position, line] of garbage) lines.splice(position % (lines.length + 1), 0, line);
        const bytes = Buffer.from(lines.map((l) => l + (crlf ? '\r\n' : '\n')).join(''), 'utf8');

        const transport = new ByteStreamTransport();
        const connection = new RpcConnection(transport);
        const router = new TurnRouter(connection.notifications$);
        const diagnostics: ConnectionDiagnostic[] = [];
        connection.diagnostics$.subscribe((d) => diagnostics.push(d));
        const received = expected.map(() => [] as TurnEvent[]);
        const completed = expected.map(() => false);
        expected.forEach((_, i) =>
          router.turn(`turn-${i}`).subscribe({
            next: (event) => received[i]!.push(event),
            complete: () => (completed[i] = true),
          }),
        );
        // Cut the bytes at random places (inside UTF-8 characters too).
        const offsets = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        let start = 0;
        for (const offset of [...offsets, bytes.length]) {
          transport.write(bytes.subarray(start, offset));
          start = offset;
        }
        expect(received).to.deep.equal(expected.map((frames) => frames as unknown as TurnEvent[]));
        expect(completed.every(Boolean)).to.equal(true);
        expect(router.size).to.equal(0);
        expect(diagnostics.length).to.equal(garbage.length);
        await connection.close();
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a frame whole when it is split byte by byte', () => {
    const transport = new ByteStreamTransport();
    const frames: JsonRpcMessage[] = [];
    transport.frames$.subscribe((f) => frames.push(f));
    const line = `${JSON.stringify(turnFrames('t', 'u', ['héllo 👋 wörld'])[2])}\n`;
    for (const byte of Buffer.from(line, 'utf8')) transport.write(Uint8Array.of(byte));
    expect(frames).to.have.length(1);
    expect((frames[0] as { params: { delta: string } }).params.delta).to.equal('héllo 👋 wörld');
  });
});
