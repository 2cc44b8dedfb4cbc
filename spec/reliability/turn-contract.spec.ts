import { expect } from 'chai';
import { Codex } from '../../src/client/codex.js';
import type { RunInput } from '../../src/client/run-input.js';
import { InvalidParamsError } from '../../src/jsonrpc/json-rpc-error.js';
import { FakeTurnServer } from '../support/fake-turn-server.js';
import { UnhandledErrorWatch, settle } from '../support/no-unhandled-errors.js';

/** A client of a fake server whose turns the spec plays. */
async function heldTurnServer() {
  const server = new FakeTurnServer();
  server.autoPlay = false;
  // Results of the fake are minimal; decoding them is not what these specs are about.
  const codex = await Codex.connect({ transport: () => server.transport, validateResults: false });
  return { server, codex };
}

describe('turn contract: odd input from the caller or the server ends in a result or a typed error', () => {
  const watch = new UnhandledErrorWatch();
  beforeEach(() => watch.start());
  afterEach(async () => {
    await settle();
    watch.stop();
    expect(watch.errors, 'unhandled rejections or uncaught exceptions').to.deep.equal([]);
  });

  it('resolves run() when turn/completed carries a turn without items: with the items seen live, or none', async () => {
    const { server, codex } = await heldTurnServer();
    const thread = await codex.threadStart();
    const withoutItems = async (keepLiveItems: boolean) => {
      const turn = await thread.turn('hi');
      await settle(1);
      const frames = server.held.get(turn.id)!;
      const completed = frames[frames.length - 1]! as { params: { turn: { items?: unknown } } };
      delete completed.params.turn.items;
      if (!keepLiveItems) server.held.set(turn.id, frames.filter((frame) => !('method' in frame && frame.method === 'item/completed')));
      server.play(turn.id);
      return turn.run();
    };
    const live = await withoutItems(true);
    expect(live.status).to.equal('completed');
    expect(live.finalResponse).to.equal('Hello world');
    expect(live.items).to.have.length(1);
    const none = await withoutItems(false);
    expect(none.status).to.equal('completed');
    expect(none.finalResponse).to.equal(null);
    expect(none.items).to.deep.equal([]);
    await codex.close();
  });

  it('rejects run(null), run(undefined) and a null item with InvalidParamsError, sending nothing', async () => {
    const { server, codex } = await heldTurnServer();
    const thread = await codex.threadStart();
    for (const input of [null, undefined, [null], [undefined], 42] as unknown as RunInput[]) {
      const error = await thread.run(input).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).to.be.instanceOf(InvalidParamsError);
      expect((error as InvalidParamsError).message).to.contain('nothing was sent');
    }
    expect(server.transport.requests('turn/start')).to.deep.equal([]);
    await codex.close();
  });
});
