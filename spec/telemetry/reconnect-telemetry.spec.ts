import { expect } from 'chai';
import { ApprovalMode } from '../../src/client/approval-mode.js';
import { Sandbox } from '../../src/client/sandbox.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { startReconnectFixture, until, withinOrExplain, type ReconnectFixture } from '../reconnect/reconnect-fixture.js';
import { TelemetryFixture } from './telemetry-fixture.js';

describe('telemetry of a turn across a reconnection, against the real app-server', function () {
  this.timeout(60_000);
  let otel: TelemetryFixture;
  let fixture: ReconnectFixture | undefined;
  afterEach(async () => {
    await fixture?.dispose();
    await otel.dispose();
  });

  it('one span for the turn, with the drop and the reconnection as events; the reconnection and its downtime as metrics', async () => {
    otel = new TelemetryFixture();
    fixture = await startReconnectFixture({ codex: { telemetry: otel.config() } });
    const { codex, mock, proxy, harness } = fixture;
    const hold = gate();
    mock.enqueue(response(deltas(['Before ', 'the gap'], { id: 'msg_before' }), hold, deltas(['After ', 'the gap'], { id: 'msg_after' })));
    const thread = await codex.threadStart({ cwd: harness.workspace });
    const turn = await thread.turn('finish while I am away');
    let firstDone = false;
    turn.events$.subscribe({
      next: (event) => {
        if (event.method === 'item/completed' && event.params.item.id === 'msg_before') firstDone = true;
      },
      error: () => undefined,
    });
    await hold.waitUntilReached();
    await until('the first message completed live', () => firstDone);
    proxy.refuse(true);
    proxy.cutAll();
    hold.open();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    proxy.refuse(false);
    const result = await withinOrExplain(turn.run(), fixture);
    expect(result.status).to.equal('completed');

    const span = await otel.ended('invoke_agent codex');
    expect(otel.spans.filter((s) => s.name === 'invoke_agent codex')).to.have.length(1);
    expect(span.attributes).to.include({ 'codex.turn.status': 'completed', 'codex.turn.id': result.id });
    const events = span.events.map((event) => event.name);
    expect(events, otel.tree()).to.include.ordered.members(['codex.connection.lost', 'codex.connection.reconnected']);
    const reconnected = span.events.find((event) => event.name === 'codex.connection.reconnected')!;
    expect(reconnected.attributes?.['codex.reconnect.downtime_ms']).to.be.at.least(1_000);
    const reconnects = await otel.points('codex.connection.reconnects');
    expect(reconnects.reduce((sum, point) => sum + (point.value as number), 0)).to.equal(1);
    const downtime = await otel.points('codex.connection.downtime');
    expect((downtime[0]!.value as { sum: number }).sum).to.be.at.least(1);
  });

  it('a command that ends while the connection is down: a codex.item.reconstructed event for it, and its span from the rebuilt item', async () => {
    otel = new TelemetryFixture();
    fixture = await startReconnectFixture({ codex: { telemetry: otel.config() } });
    const { codex, mock, proxy, harness } = fixture;
    mock.enqueue(response(execCommand('sleep 1; echo slept', { callId: 'call_sleep' })), response(assistantMessage('Slept.')));
    const thread = await codex.threadStart({ cwd: harness.workspace, sandbox: Sandbox.workspaceWrite });
    const turn = await thread.turn('sleep a second', { approvalMode: ApprovalMode.denyAll });
    let commandStarted = false;
    turn.events$.subscribe({
      next: (event) => {
        if (event.method === 'item/started' && event.params.item.type === 'commandExecution') commandStarted = true;
      },
      error: () => undefined,
    });
    // Cut while the command runs, and stay away until it (and the turn) ended: only the stored turn tells of it.
    await until('the command started live', () => commandStarted);
    proxy.refuse(true);
    proxy.cutAll();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    proxy.refuse(false);
    const result = await withinOrExplain(turn.run(), fixture);
    expect(result.status).to.equal('completed');

    const span = await otel.ended('invoke_agent codex');
    const rebuilt = span.events.filter((event) => event.name === 'codex.item.reconstructed');
    expect(rebuilt.map((event) => event.attributes?.['codex.item.type']), otel.tree()).to.include('commandExecution');
    const command = rebuilt.find((event) => event.attributes?.['codex.item.type'] === 'commandExecution')!;
    expect(command.attributes?.['codex.item.id']).to.be.a('string');
    // The turn ended during the gap: its rebuilt end says how many items were rebuilt with it.
    const reconciled = span.events.filter((event) => event.name === 'codex.turn.reconciled');
    expect(reconciled.map((event) => event.attributes), otel.tree()).to.deep.equal([{ 'codex.turn.reconstructed_items': rebuilt.length, 'codex.turn.reconciled_end': true }]);
    expect(span.events.map((event) => event.name).at(-1)).to.equal('codex.turn.reconciled');
    // The command's span still ends under the turn, with what the stored item says.
    const execution = otel.span('execute_command');
    expect(execution.parentSpanContext?.spanId).to.equal(span.spanContext().spanId);
    expect(execution.attributes).to.include({ 'codex.item.id': command.attributes?.['codex.item.id'], 'codex.item.status': 'completed', 'codex.command.exit_code': 0 });
  });
});
