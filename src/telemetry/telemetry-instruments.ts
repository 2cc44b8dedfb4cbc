import type { Attributes, Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';

/** The buckets of `gen_ai.client.token.usage` the GenAI conventions advise. */
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** The buckets of `gen_ai.client.operation.duration` the GenAI conventions advise, in seconds. */
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

/**
 * The metrics of a client: GenAI token usage and operation duration, turns in flight, requests
 * in flight and waiting for a slot, overload retries, reconnections and their downtime, and tool
 * calls by outcome.
 *
 * @example
 * import { metrics } from '@opentelemetry/api';
 *
 * const instruments = new TelemetryInstruments(metrics.getMeterProvider().getMeter('codex-rx'));
 * instruments.turnStarted({ 'gen_ai.operation.name': 'invoke_agent' });
 */
export class TelemetryInstruments {
  private readonly tokenUsage: Histogram;
  private readonly operationDuration: Histogram;
  private readonly turnsActive: UpDownCounter;
  private readonly requestsInFlight: UpDownCounter;
  private readonly requestsWaiting: UpDownCounter;
  private readonly overloadRetries: Counter;
  private readonly reconnects: Counter;
  private readonly downtime: Histogram;
  private readonly toolCalls: Counter;

  constructor(meter: Meter) {
    this.tokenUsage = meter.createHistogram('gen_ai.client.token.usage', {
      description: 'Tokens used per turn, by type (input, output)',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    this.operationDuration = meter.createHistogram('gen_ai.client.operation.duration', {
      description: 'How long a turn took, from the request to its end',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.turnsActive = meter.createUpDownCounter('codex.turns.active', { description: 'Turns asked for and not ended', unit: '{turn}' });
    this.requestsInFlight = meter.createUpDownCounter('codex.requests.in_flight', { description: 'Requests on the wire, waiting for their answer', unit: '{request}' });
    this.requestsWaiting = meter.createUpDownCounter('codex.requests.waiting', { description: 'Requests waiting for a slot under maxInFlightRequests', unit: '{request}' });
    this.overloadRetries = meter.createCounter('codex.requests.overload_retries', { description: 'Requests refused for overload (-32001) and sent again', unit: '{retry}' });
    this.reconnects = meter.createCounter('codex.connection.reconnects', { description: 'Reconnections after a drop', unit: '{reconnect}' });
    this.downtime = meter.createHistogram('codex.connection.downtime', { description: 'How long the connection was down before a reconnection', unit: 's' });
    this.toolCalls = meter.createCounter('codex.tool_calls', { description: 'Commands, file changes and tool calls that ended, by outcome', unit: '{call}' });
  }

  turnStarted(attributes: Attributes): void {
    this.turnsActive.add(1, attributes);
  }

  /** A turn ended after `seconds`, having used the given tokens (undefined: not reported). */
  turnEnded(attributes: Attributes, seconds: number, input: number | undefined, output: number | undefined, errorType: string | undefined): void {
    this.turnsActive.add(-1, attributes);
    this.operationDuration.record(seconds, errorType === undefined ? attributes : { ...attributes, 'error.type': errorType });
    if (input !== undefined) this.tokenUsage.record(input, { ...attributes, 'gen_ai.token.type': 'input' });
    if (output !== undefined) this.tokenUsage.record(output, { ...attributes, 'gen_ai.token.type': 'output' });
  }

  requestQueued(): void {
    this.requestsWaiting.add(1);
  }

  requestSent(): void {
    this.requestsWaiting.add(-1);
    this.requestsInFlight.add(1);
  }

  requestSettled(onWire: boolean): void {
    if (onWire) this.requestsInFlight.add(-1);
    else this.requestsWaiting.add(-1);
  }

  overloadRetry(method: string): void {
    this.overloadRetries.add(1, { 'rpc.method': method });
  }

  reconnected(attempts: number, downtimeMs: number): void {
    this.reconnects.add(1, { 'codex.reconnect.attempts': attempts });
    this.downtime.record(downtimeMs / 1000);
  }

  toolCall(attributes: Attributes): void {
    this.toolCalls.add(1, attributes);
  }
}
