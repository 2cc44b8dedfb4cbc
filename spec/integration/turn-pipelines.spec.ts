import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { lastValueFrom, toArray } from 'rxjs';
import { TransportClosedError } from '../../src/errors/transport-closed-error.js';
import { toAsyncIterable } from '../../src/operators/to-async-iterable.js';
import { toReadable } from '../../src/operators/to-readable.js';
import type { TurnEvent } from '../../src/turns/turn-event.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { startScriptedCodex, type ScriptedCodex } from '../../src/testing/scripted-codex.js';

const CHUNKS = Array.from({ length: 40 }, (_, i) => `w${i} `);

describe('a turn in a pipeline (for await, Readable), against the real app-server', function () {
  this.timeout(60_000);
  let scripted: ScriptedCodex | undefined;
  afterEach(async () => {
    await scripted?.dispose();
    scripted = undefined;
  });

  const methods = (events: readonly TurnEvent[]) => events.map((event) => event.method);

  /** A running turn that streams CHUNKS, and all its events as events$ gives them. */
  async function countingTurn() {
    scripted = await startScriptedCodex();
    scripted.mock.enqueue(response(deltas(CHUNKS)));
    const thread = await scripted.codex.threadStart();
    const turn = await thread.turn('Count');
    return { turn, expected: lastValueFrom(turn.events$.pipe(toArray())) };
  }

  it('for await gives every event of the turn, in order, as events$ does', async () => {
    const { turn, expected } = await countingTurn();
    const got: TurnEvent[] = [];
    for await (const event of toAsyncIterable(turn.events$)) {
      got.push(event);
      // A slow loop: the turn runs on meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(got).to.deep.equal(await expected);
    expect(methods(got).at(0)).to.equal('turn/started');
    expect(methods(got).at(-1)).to.equal('turn/completed');
    expect(got.filter((e) => e.method === 'item/agentMessage/delta').map((e) => (e.params as { delta: string }).delta)).to.deep.equal(CHUNKS);
  });

  it('a Readable piped into a slow writer delivers every event, in order, and ends with the turn', async () => {
    const { turn, expected } = await countingTurn();
    const got: TurnEvent[] = [];
    await pipeline(
      toReadable(turn.events$, { highWaterMark: 2 }),
      new Writable({
        objectMode: true,
        highWaterMark: 1,
        write(event: TurnEvent, _encoding, done) {
          got.push(event);
          setTimeout(done, 2);
        },
      }),
    );
    expect(got).to.deep.equal(await expected);
  });

  it('break leaves the loop (unsubscribing) while the turn itself runs on to its answer', async () => {
    scripted = await startScriptedCodex();
    const hold = gate('after the first delta');
    scripted.mock.enqueue(response(deltas(['first ']), hold, deltas(['second'])));
    const thread = await scripted.codex.threadStart();
    const turn = await thread.turn('Go');
    const seen: string[] = [];
    for await (const event of toAsyncIterable(turn.events$)) {
      seen.push(event.method);
      if (event.method === 'item/agentMessage/delta') break;
    }
    expect(seen.at(-1)).to.equal('item/agentMessage/delta');
    hold.open();
    expect((await turn.run()).finalResponse).to.contain('second');
  });

  it('a closed connection ends the loop and the Readable with TransportClosedError, as it errors events$', async () => {
    scripted = await startScriptedCodex();
    const hold = gate('held');
    scripted.mock.enqueue(response(deltas(['partial']), hold, deltas(['never'])));
    const thread = await scripted.codex.threadStart();
    const turn = await thread.turn('Go');
    const viaLoop = (async () => {
      const got: string[] = [];
      try {
        for await (const event of toAsyncIterable(turn.events$)) got.push(event.method);
      } catch (error) {
        return { got, error };
      }
      return { got, error: undefined };
    })();
    const readable = toReadable(turn.events$);
    const viaReadable = (async () => {
      try {
        for await (const event of readable) void event;
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    await hold.waitUntilReached();
    await scripted.codex.close();
    const loop = await viaLoop;
    expect(loop.error).to.be.instanceOf(TransportClosedError);
    expect(loop.got).to.include('turn/started');
    expect(await viaReadable).to.be.instanceOf(TransportClosedError);
    hold.open();
  });
});
