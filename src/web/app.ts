/// <reference lib="dom" />
// The codex-rx web UI: runs in the page, on codex-rx/browser and RxJS, connected to the relay
// that served it. Several threads side by side; each turn streams into its pane.
import { fromEvent, Subject, takeUntil, type Observable } from 'rxjs';
import { agentTextDeltas, ApprovalMode, Codex, Sandbox, TransportClosedError, type IncomingServerRequest, type IncomingServerRequestOf, type Thread, type TurnHandle } from '../browser/index.js';

const APPROVALS = new Set(['item/commandExecution/requestApproval', 'item/fileChange/requestApproval']);

const codex = new Codex({ clientInfo: { name: 'codex_rx_web', title: 'codex-rx web', version: '0.1.0' } });
const panes = new Map<string, Pane>();
const status = element('div', 'status', 'connecting…');
const board = element('main', 'board');
const newThread = button('New thread', 'new-thread');
document.body.append(header(), board);

function header(): HTMLElement {
  const bar = element('header', 'bar');
  bar.append(element('strong', 'title', 'codex-rx'), newThread, status);
  return bar;
}

codex
  .ready()
  .then((metadata) => setStatus(`connected: app-server ${metadata.serverVersion}`, 'ok'))
  .catch((error: unknown) => setStatus(`cannot connect: ${message(error)}`, 'error'));

codex.notifications$.subscribe({ error: (error: unknown) => setStatus(connectionLost(error), 'error') });

// Approvals are answered later, by a click. The panes draw what `pendingServerRequests$` lists:
// a request leaves the list when it is answered, when the server withdraws it (an interrupted
// turn) or when the connection ends, and its card goes with it. Watching the list also tells the
// connection that someone sees these requests, so it never gives a default answer for them.
let pending: readonly IncomingServerRequest[] = [];
codex.pendingServerRequests$.subscribe({
  next: (list) => {
    pending = list;
    for (const pane of panes.values()) showApprovals(pane);
  },
  error: () => undefined,
});

function showApprovals(pane: Pane): void {
  pane.showApprovals(pending.filter((request) => threadOf(request) === pane.threadId));
}

function threadOf(request: IncomingServerRequest): string | undefined {
  return APPROVALS.has(request.method) ? (request.params as { threadId?: string }).threadId : undefined;
}

fromEvent(newThread, 'click').subscribe(() => void openThread());

async function openThread(): Promise<void> {
  try {
    const thread = await codex.threadStart({ approvalMode: ApprovalMode.askUser, sandbox: Sandbox.workspaceWrite });
    const pane = new Pane(thread, panes.size + 1);
    panes.set(thread.id, pane);
    board.append(pane.root);
    showApprovals(pane);
  } catch (error) {
    setStatus(`could not start a thread: ${message(error)}`, 'error');
  }
}

class Pane {
  readonly root = element('section', 'pane');
  private readonly output = element('pre', 'output');
  private readonly usage = element('div', 'usage');
  private readonly error = element('div', 'error');
  private readonly approvals = element('div', 'approvals');
  private readonly cards = new Map<string | number, HTMLElement>();
  private readonly prompt = document.createElement('textarea');
  private readonly state = element('span', 'state', 'idle');
  private turn: TurnHandle | undefined;
  private readonly dropped$ = new Subject<void>();

  constructor(
    private readonly thread: Thread,
    index: number,
  ) {
    this.prompt.className = 'prompt';
    this.prompt.rows = 2;
    this.prompt.placeholder = 'Ask, or steer the running turn';
    const send = button('Send', 'send');
    const steer = button('Steer', 'steer');
    const interrupt = button('Interrupt', 'interrupt');
    const title = element('h2', 'pane-title', `Thread ${index} `);
    title.append(this.state);
    const controls = element('div', 'controls');
    controls.append(send, steer, interrupt);
    this.root.dataset['threadId'] = thread.id;
    this.root.append(title, this.output, this.approvals, this.usage, this.error, this.prompt, controls);
    clicks(send).pipe(takeUntil(this.dropped$)).subscribe(() => void this.send());
    clicks(steer).pipe(takeUntil(this.dropped$)).subscribe(() => void this.steer());
    clicks(interrupt).pipe(takeUntil(this.dropped$)).subscribe(() => void this.turn?.interrupt().catch((e: unknown) => this.fail(e)));
  }

  get threadId(): string {
    return this.thread.id;
  }

  /** Shows a card for each approval newly pending on this thread; removes the cards of those no longer pending. */
  showApprovals(pending: readonly IncomingServerRequest[]): void {
    const ids = new Set(pending.map((request) => request.id));
    for (const [id, card] of this.cards) {
      if (ids.has(id)) continue;
      this.cards.delete(id);
      if (card.querySelector('.decided') === null) card.remove();
    }
    for (const request of pending) if (!this.cards.has(request.id)) this.cards.set(request.id, this.ask(request));
  }

  private ask(request: IncomingServerRequest): HTMLElement {
    const params = request.params as { command?: string | null; reason?: string | null };
    const what = params.command ?? params.reason ?? request.method;
    const card = element('div', 'approval');
    const accept = button('Accept', 'accept');
    const decline = button('Decline', 'decline');
    card.append(element('code', 'command', what), accept, decline);
    this.approvals.append(card);
    const decide = (decision: 'accept' | 'decline') => () => {
      // Marked decided first: answering takes the request off the list at once, and a decided card stays.
      card.replaceChildren(element('span', 'decided', `${decision === 'accept' ? 'accepted' : 'declined'}: ${what}`));
      // Both approval kinds take the same answer.
      (request as IncomingServerRequestOf<'item/commandExecution/requestApproval'>).respond({ decision });
    };
    accept.addEventListener('click', decide('accept'), { once: true });
    decline.addEventListener('click', decide('decline'), { once: true });
    return card;
  }

  private async send(): Promise<void> {
    const text = this.prompt.value.trim();
    if (text === '') return;
    this.prompt.value = '';
    this.error.textContent = '';
    this.usage.textContent = '';
    this.output.textContent = '';
    try {
      const turn = await this.thread.turn(text);
      this.turn = turn;
      this.state.textContent = 'running';
      turn.events$.pipe(agentTextDeltas()).subscribe({ next: (delta) => this.output.append(delta), error: () => undefined });
      turn.result$.subscribe({
        next: (result) => {
          this.state.textContent = result.status;
          const total = result.usage?.last ?? result.usage?.total;
          if (total !== undefined) this.usage.textContent = `tokens: ${total.inputTokens} in (${total.cachedInputTokens} cached), ${total.outputTokens} out, ${total.totalTokens} total`;
        },
        error: (error: unknown) => this.fail(error),
      });
    } catch (error) {
      this.fail(error);
    }
  }

  private async steer(): Promise<void> {
    const text = this.prompt.value.trim();
    if (text === '' || this.turn === undefined) return;
    this.prompt.value = '';
    await this.turn.steer(text).catch((error: unknown) => this.fail(error));
  }

  private fail(error: unknown): void {
    this.state.textContent = 'failed';
    this.error.textContent = error instanceof TransportClosedError ? connectionLost(error) : `Turn failed: ${message(error)}`;
  }
}

function connectionLost(error: unknown): string {
  return `Connection lost: ${message(error)}`;
}

function setStatus(text: string, kind: 'ok' | 'error'): void {
  status.textContent = text;
  status.className = `status ${kind}`;
}

function clicks(target: HTMLElement): Observable<Event> {
  return fromEvent(target, 'click');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label: string, className: string): HTMLButtonElement {
  const node = element('button', className, label);
  node.type = 'button';
  return node;
}
