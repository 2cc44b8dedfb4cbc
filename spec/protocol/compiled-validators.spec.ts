import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as t from 'io-ts';
import { clientRequestCodecs, serverNotificationCodecs } from '../../src/protocol/generated/methods.js';
import { clientRequestValidators, serverNotificationValidators } from '../../src/protocol/generated/validators.js';

/** The frames the pinned server wrote during one real turn (bench/record-fixture.ts). */
const FIXTURE = join(import.meta.dirname, '../../bench/fixtures/turn-50-deltas.jsonl');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const recorded = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as { method?: string; params?: Json; result?: Json });

// For the methods no recorded frame has: the members their params may have, so that mutations start near valid values.
const GENERIC_SEED: Json = {
  threadId: 'thr',
  turnId: 'turn',
  itemId: 'item',
  delta: 'text',
  summaryIndex: 0,
  contentIndex: 0,
  diff: '',
  explanation: null,
  plan: [{ step: 'a', status: 'pending' }],
  status: { type: 'idle' },
};

// The notifications a connection or a new thread gets once, as the pinned server sent them
// (ids and paths replaced): none is in the recorded turn.
const THREAD_ID = '0000000a-0000-7000-8000-000000000001';
const CONNECTION_SEEDS: Readonly<Record<string, Json>> = {
  'thread/started': {
    thread: {
      id: THREAD_ID,
      environments: [{ environmentId: 'local', cwd: '/tmp/work', runtimeWorkspaceRoots: ['/tmp/work'] }],
      extra: null,
      sessionId: THREAD_ID,
      forkedFromId: null,
      attachedToThreadId: null,
      parentThreadId: null,
      preview: '',
      ephemeral: false,
      section: null,
      sectionEnteredAt: null,
      projectId: null,
      historyMode: 'paginated',
      modelProvider: 'codex_rx_mock',
      model: 'mock-model',
      reasoningEffort: null,
      createdAt: 1796644526,
      updatedAt: 1796644526,
      recencyAt: 1796644526,
      status: { type: 'idle' },
      path: '/tmp/home/sessions/rollout.jsonl',
      cwd: '/tmp/work',
      cliVersion: '0.171.0',
      originator: 'codex_rx',
      source: 'vscode',
      canAcceptDirectInput: true,
      threadSource: null,
      agentNickname: null,
      agentRole: null,
      gitInfo: null,
      name: null,
      daybreakEnabled: null,
      turns: [],
    },
  },
  'thread/readState/changed': { threadId: THREAD_ID, readState: { firstUnread: { type: 'turn', turnId: 'turn' }, revision: 'rev' } },
  warning: { threadId: THREAD_ID, message: 'Model metadata for `mock-model` not found.' },
  configWarning: { summary: 'Codex could not find bubblewrap on PATH.', details: null },
  'remoteControl/status/changed': { status: 'disabled', serverName: 'host', installationId: 'install', environmentId: null },
};

const methods = Object.keys(serverNotificationValidators) as (keyof typeof serverNotificationValidators)[];

/** One edit of a JSON value: at the node `path` leads to (each number picks a child, or stops), do `op`. */
interface Edit {
  readonly path: readonly number[];
  readonly op: 'delete' | 'replace' | 'null' | 'stringify' | 'wrap';
  readonly replacement: Json;
}

function applyEdit(value: Json, edit: Edit): Json {
  const at = (node: Json, depth: number): Json | undefined => {
    const children = Array.isArray(node) ? node.map((_, i) => i) : node !== null && typeof node === 'object' ? Object.keys(node) : [];
    const pick = edit.path[depth];
    if (pick !== undefined && children.length > 0 && pick % (children.length + 1) !== children.length) {
      const key = children[pick % (children.length + 1)]!;
      const copy: any = Array.isArray(node) ? [...node] : { ...(node as object) };
      const next = at(copy[key], depth + 1);
      if (next === undefined) {
        if (Array.isArray(copy)) copy.splice(key as number, 1);
        else delete copy[key];
      } else copy[key] = next;
      return copy;
    }
    switch (edit.op) {
      case 'delete':
        return undefined;
      case 'replace':
        return edit.replacement;
      case 'null':
        return null;
      case 'stringify':
        return JSON.stringify(node);
      case 'wrap':
        return [node];
    }
  };
  return at(value, 0) ?? null;
}

const edit: fc.Arbitrary<Edit> = fc.record({
  path: fc.array(fc.nat(40), { maxLength: 6 }),
  op: fc.constantFrom('delete', 'replace', 'null', 'stringify', 'wrap'),
  replacement: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
});

function verdicts(method: (typeof methods)[number], value: unknown): { compiled: boolean; ioTs: boolean } {
  return { compiled: serverNotificationValidators[method]!(value), ioTs: (serverNotificationCodecs[method] as t.Any).is(value) };
}

/** Mutations of the seeds, and random JSON. */
function candidates(seeds: readonly Json[]): fc.Arbitrary<Json> {
  return fc.oneof(
    { arbitrary: fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 3 })).map(([seed, edits]) => edits.reduce(applyEdit, seed)), weight: 4 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, weight: 1 },
  );
}

describe('compiled notification validators', () => {
  it('cover the notifications of a recorded turn and those of a new connection and thread, and accept their frames as io-ts does', () => {
    let checked = 0;
    for (const frame of recorded) {
      if (frame.method === undefined || !(frame.method in serverNotificationValidators)) continue;
      const { compiled, ioTs } = verdicts(frame.method as (typeof methods)[number], frame.params);
      expect({ method: frame.method, compiled }).to.deep.equal({ method: frame.method, compiled: ioTs });
      expect(compiled, frame.method).to.equal(true);
      checked += 1;
    }
    expect(checked).to.be.greaterThan(55);
    for (const [method, seed] of Object.entries(CONNECTION_SEEDS)) {
      expect(method in serverNotificationValidators, method).to.equal(true);
      const { compiled, ioTs } = verdicts(method as (typeof methods)[number], seed);
      expect({ method, compiled, ioTs }).to.deep.equal({ method, compiled: true, ioTs: true });
    }
    for (const method of ['item/agentMessage/delta', 'item/started', 'item/completed', 'turn/started', 'turn/completed', 'thread/tokenUsage/updated']) {
      expect(serverNotificationValidators).to.have.property(method);
    }
  });

  it('give the verdicts of the io-ts codecs on mutated recorded frames and on random JSON', () => {
    for (const method of methods) {
      const seeds: Json[] = recorded.filter((frame) => frame.method === method).map((frame) => frame.params!);
      if (CONNECTION_SEEDS[method] !== undefined) seeds.push(CONNECTION_SEEDS[method]);
      if (seeds.length === 0) seeds.push(GENERIC_SEED);
      const value = candidates(seeds);
      let accepted = 0;
      fc.assert(
        fc.property(value, (candidate) => {
          const { compiled, ioTs } = verdicts(method, candidate);
          if (ioTs) accepted += 1;
          expect(compiled, `${method}: ${JSON.stringify(candidate).slice(0, 400)}`).to.equal(ioTs);
        }),
        { numRuns: 400 },
      );
      // Not only rejections: the mutations keep many values valid, so both sides of every check are exercised.
      expect(accepted, method).to.be.greaterThan(0);
    }
  });
});

describe('compiled request validators', () => {
  // Params as a program sends them; the turn/start result as the pinned server answered it.
  const turnStartResult = recorded.find((frame) => (frame.result as { turn?: unknown } | undefined)?.turn !== undefined)!.result!;
  const SEEDS: Readonly<Record<string, { readonly params: Json[]; readonly result: Json[] }>> = {
    initialize: {
      params: [{ clientInfo: { name: 'codex_rx', title: null, version: '0.1.0' }, capabilities: { experimentalApi: true } }],
      result: [{ userAgent: 'codex/0.171.0', codexHome: '/tmp/home', platformFamily: 'unix', platformOs: 'linux' }],
    },
    'thread/start': { params: [{}, { approvalPolicy: 'on-request', approvalsReviewer: 'auto_review', model: 'gpt-5.4' }], result: [GENERIC_SEED] },
    'thread/resume': { params: [{ threadId: 'thr' }], result: [GENERIC_SEED] },
    'turn/start': { params: [{ threadId: 'thr', input: [{ type: 'text', text: 'Hi', text_elements: [] }] }], result: [turnStartResult] },
  };

  it('give the verdicts of the io-ts codecs on params and results, mutated and random', () => {
    const requests = Object.keys(clientRequestValidators) as (keyof typeof clientRequestValidators)[];
    expect(requests).to.include.members(['thread/start', 'turn/start']);
    for (const method of requests) {
      for (const side of ['params', 'result'] as const) {
        const seeds: readonly Json[] = SEEDS[method]?.[side] ?? [GENERIC_SEED];
        const codec = clientRequestCodecs[method][side] as t.Any;
        const compiled = clientRequestValidators[method]![side];
        for (const seed of seeds) if (seed !== GENERIC_SEED) expect(compiled(seed), `${method} ${side} seed`).to.equal(codec.is(seed));
        fc.assert(
          fc.property(candidates(seeds), (candidate) => {
            expect(compiled(candidate), `${method} ${side}: ${JSON.stringify(candidate).slice(0, 400)}`).to.equal(codec.is(candidate));
          }),
          { numRuns: 300 },
        );
      }
    }
    expect(clientRequestValidators['turn/start']!.result(turnStartResult)).to.equal(true);
  });
});
