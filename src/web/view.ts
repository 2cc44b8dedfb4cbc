/// <reference lib="dom" />
import { strictJsonSchemaViolations, type IncomingServerRequest, type protocol } from '../browser/index.js';
import type { AppState } from './app-state.js';
import { h, keyed } from './dom.js';
import type { Intent } from './intent.js';
import { markdownHtml } from './markdown.js';
import type { ItemView, PaneState, TurnView } from './pane-state.js';

const SANDBOXES = [
  ['workspace-write', 'workspace write'],
  ['read-only', 'read only'],
  ['danger-full-access', 'full access'],
] as const;
const EFFORTS = ['minimal', 'low', 'medium', 'high', 'xhigh'];

/**
 * The page, drawn from the app's state and nothing else: `render(state)` after every change.
 * Clicks and keys become `Intent`s passed to `emit`; the view keeps no state of its own (what
 * the person is typing stays in the form fields until it is sent).
 *
 * @example fragment
 * const render = createView(document.body, (intent) => intents$.next(intent));
 * state$.subscribe(render);
 */
export function createView(root: HTMLElement, emit: (intent: Intent) => void): (state: AppState) => void {
  const banner = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const notice = h('div', { class: 'notice', role: 'alert' });
  const threadList = h('ul', { class: 'thread-list', 'aria-label': 'Recent threads' });
  const searchStatus = h('div', { class: 'search-status', 'aria-live': 'polite' });
  const board = h('main', { class: 'board', 'aria-label': 'Open threads' });
  const empty = h('p', { class: 'empty' }, 'Open a thread from the list, or start a new one.');
  const form = newThreadForm(emit);
  const search = h('input', { type: 'search', class: 'search', placeholder: 'Search threads', 'aria-label': 'Search threads' });
  search.addEventListener('input', () => emit({ type: 'search', query: search.value.trim() }));
  root.append(
    h('header', { class: 'bar' }, h('h1', { class: 'title' }, 'codex-rx'), banner),
    h('div', { class: 'layout' }, h('nav', { class: 'sidebar', 'aria-label': 'Threads' }, form.node, search, searchStatus, threadList), h('div', { class: 'work' }, notice, empty, board)),
  );

  return (state) => {
    drawBanner(banner, state, emit);
    notice.textContent = state.notice ?? '';
    form.models(state.models);
    const open = new Set(state.panes.map((pane) => pane.threadId));
    if (state.search === null) {
      searchStatus.textContent = '';
      searchStatus.className = 'search-status';
      keyed(threadList, state.threads, (thread) => thread.id, (thread) => threadEntry(thread, null, open.has(thread.id), emit));
    } else {
      const { rows, final } = state.search;
      searchStatus.textContent = final ? `${rows.length} thread${rows.length === 1 ? '' : 's'} found` : `searching… ${rows.length} found so far`;
      searchStatus.className = `search-status ${final ? 'final' : 'partial'}`;
      keyed(threadList, rows, (row) => row.thread.id, (row) => threadEntry(row.thread, row.snippet, open.has(row.thread.id), emit));
    }
    empty.hidden = state.panes.length > 0;
    keyed(board, state.panes, (pane) => pane.threadId, (pane) => paneShell(pane, emit), (node, pane) => drawPane(node, pane));
  };
}

function drawBanner(banner: HTMLElement, state: AppState, emit: (intent: Intent) => void): void {
  const status = state.connection;
  if (status.state === 'ready') banner.replaceChildren('connected');
  else if (status.state === 'connecting') banner.replaceChildren('connecting…');
  else if (status.state === 'reconnecting') banner.replaceChildren(`connection lost: reconnecting (attempt ${status.attempt})…`);
  else {
    const again = h('button', { type: 'button', class: 'reconnect' }, 'Reconnect');
    again.addEventListener('click', () => emit({ type: 'reconnect', threadIds: state.panes.map((pane) => pane.threadId) }));
    banner.replaceChildren(`disconnected: ${status.reason} `, again);
  }
  banner.className = `status ${status.state === 'ready' ? 'ok' : status.state === 'closed' ? 'error' : 'warn'}`;
}

function newThreadForm(emit: (intent: Intent) => void): { node: HTMLElement; models: (models: readonly protocol.Model[]) => void } {
  const cwd = h('input', { name: 'cwd', placeholder: "the server's directory", autocomplete: 'off' });
  const model = h('select', { name: 'model' });
  const effort = h('select', { name: 'effort' }, h('option', { value: '' }, 'default'), ...EFFORTS.map((name) => h('option', { value: name }, name)));
  const sandbox = h('select', { name: 'sandbox' }, ...SANDBOXES.map(([value, label]) => h('option', { value }, label)));
  const start = h('button', { type: 'submit', class: 'new-thread' }, 'New thread');
  const form = h('form', { class: 'new-thread-form', 'aria-label': 'New thread' }, field('Working directory', cwd), field('Model', model), field('Effort', effort), field('Sandbox', sandbox), start);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    emit({ type: 'new', cwd: cwd.value.trim(), model: model.value, effort: effort.value, sandbox: sandbox.value });
  });
  let shown: readonly protocol.Model[] | undefined;
  return {
    node: form,
    models: (models) => {
      if (models === shown) return;
      shown = models;
      const chosen = model.value;
      // The configured model may not be in the binary's list: "server default" sends none.
      model.replaceChildren(h('option', { value: '' }, 'server default'), ...models.map((entry) => h('option', { value: entry.model }, entry.displayName || entry.model)));
      model.value = chosen;
    },
  };
}

function field(label: string, control: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

function threadEntry(thread: protocol.Thread, snippet: string | null, open: boolean, emit: (intent: Intent) => void): HTMLElement {
  const title = thread.name ?? (thread.preview || '(no prompt yet)');
  const button = h(
    'button',
    { type: 'button', class: `thread-entry${open ? ' open' : ''}`, 'data-thread-id': thread.id, 'aria-current': open ? 'true' : undefined },
    h('span', { class: 'thread-title' }, title),
    snippet === null ? null : h('span', { class: 'thread-snippet' }, snippet),
    h('span', { class: 'thread-meta' }, `${thread.cwd} · ${ago(thread.updatedAt)}`),
  );
  button.addEventListener('click', () => emit({ type: 'open', threadId: thread.id }));
  return h('li', {}, button);
}

/** A pane's frame, made once: its composer keeps what is typed while the rest is drawn again. */
function paneShell(pane: PaneState, emit: (intent: Intent) => void): HTMLElement {
  const threadId = pane.threadId;
  const prompt = h('textarea', { class: 'prompt', rows: 3, placeholder: 'Ask (Enter sends, Shift+Enter for a new line, Esc interrupts)', 'aria-label': 'Message' });
  const schema = h('textarea', { class: 'schema', rows: 4, placeholder: '{"type":"object","properties":{…},"required":[…],"additionalProperties":false}', 'aria-label': 'Output JSON Schema' });
  const schemaError = h('div', { class: 'schema-error', role: 'alert' });
  const send = h('button', { type: 'submit', class: 'send' }, 'Send');
  const steer = h('button', { type: 'button', class: 'steer' }, 'Steer');
  const interrupt = h('button', { type: 'button', class: 'interrupt' }, 'Interrupt');
  const composer = h(
    'form',
    { class: 'composer', 'aria-label': 'Message to the agent' },
    prompt,
    h('details', { class: 'typed' }, h('summary', {}, 'Typed output (JSON Schema)'), schema, schemaError),
    h('div', { class: 'controls' }, send, steer, interrupt),
  );
  const name = h('input', { class: 'name', 'aria-label': 'Thread name', placeholder: 'name this thread' });
  const rename = h('button', { type: 'submit', class: 'rename' }, 'Rename');
  const archive = h('button', { type: 'button', class: 'archive' }, 'Archive');
  const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close pane' }, '×');
  const renameForm = h('form', { class: 'rename-form' }, name, rename);
  const node = h(
    'section',
    { class: 'pane', 'data-thread-id': threadId, 'aria-label': `Thread ${threadId}` },
    h('header', { class: 'pane-head' }, h('h2', { class: 'pane-title' }), h('span', { class: 'state' }), close),
    h('div', { class: 'pane-sub' }, h('span', { class: 'cwd' }), renameForm, archive),
    h('div', { class: 'goal' }),
    h('div', { class: 'pane-error', role: 'alert' }),
    h('ol', { class: 'turns' }),
    h('div', { class: 'approvals', 'aria-live': 'assertive' }),
    composer,
  );
  const running = () => node.dataset['running'];
  const submit = () => {
    const text = prompt.value.trim();
    if (text === '') return;
    let outputSchema: unknown;
    if (schema.value.trim() !== '') {
      try {
        outputSchema = JSON.parse(schema.value);
      } catch (error) {
        schemaError.textContent = `not JSON: ${error instanceof Error ? error.message : String(error)}`;
        return;
      }
      // The server would refuse the turn: say where, here, rather than send it.
      const violations = strictJsonSchemaViolations(outputSchema);
      if (violations.length > 0) {
        schemaError.replaceChildren(
          h('div', {}, 'Strict mode would refuse this schema:'),
          h('ul', { class: 'schema-violations' }, ...violations.map((violation) => h('li', {}, h('code', {}, violation.path), ` ${violation.message}`))),
        );
        return;
      }
    }
    schemaError.textContent = '';
    prompt.value = '';
    emit({ type: 'send', threadId, text, outputSchema });
  };
  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  prompt.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  node.addEventListener('keydown', (event) => {
    const turnId = running();
    if (event.key === 'Escape' && turnId) {
      event.preventDefault();
      emit({ type: 'interrupt', threadId, turnId });
    }
  });
  steer.addEventListener('click', () => {
    const text = prompt.value.trim();
    const turnId = running();
    if (text === '' || !turnId) return;
    prompt.value = '';
    emit({ type: 'steer', threadId, turnId, text });
  });
  interrupt.addEventListener('click', () => {
    const turnId = running();
    if (turnId) emit({ type: 'interrupt', threadId, turnId });
  });
  renameForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (name.value.trim() !== '') emit({ type: 'rename', threadId, name: name.value.trim() });
  });
  archive.addEventListener('click', () => emit({ type: 'archive', threadId }));
  close.addEventListener('click', () => emit({ type: 'close', threadId }));
  drawPane(node, pane, emit);
  return node;
}

const EMITTERS = new WeakMap<Element, (intent: Intent) => void>();

function drawPane(node: Element, pane: PaneState, emit?: (intent: Intent) => void): void {
  if (emit !== undefined) EMITTERS.set(node, emit);
  const send = EMITTERS.get(node)!;
  const running = pane.turns.findLast((turn) => turn.status === 'inProgress');
  const section = node as HTMLElement;
  if (running === undefined) delete section.dataset['running'];
  else section.dataset['running'] = running.id;
  section.querySelector('.pane-title')!.textContent = pane.name ?? (pane.preview || pane.turns[0]?.input || 'New thread');
  section.querySelector('.state')!.textContent = !pane.loaded ? 'loading…' : running !== undefined ? 'running' : (pane.turns.at(-1)?.status ?? 'idle');
  section.querySelector('.cwd')!.textContent = pane.cwd;
  section.querySelector('.pane-error')!.textContent = pane.error ?? '';
  const goal = section.querySelector('.goal')!;
  goal.textContent = pane.goal === null ? '' : `Goal (${pane.goal.status}): ${pane.goal.objective} · ${pane.goal.tokensUsed.toLocaleString('en')} tokens used${pane.goal.tokenBudget == null ? '' : ` of ${pane.goal.tokenBudget.toLocaleString('en')}`}`;
  section.querySelectorAll<HTMLButtonElement>('.steer, .interrupt').forEach((button) => (button.disabled = running === undefined));
  keyed(section.querySelector('.turns')!, pane.turns, (turn) => turn.id, (turn) => turnNode(turn));
  keyed(section.querySelector('.approvals')!, pane.approvals, (request) => String(request.id), (request) => approvalCard(request, pane, send));
}

function turnNode(turn: TurnView): HTMLElement {
  const items = h('div', { class: 'items' });
  keyed(items, turn.items, (view) => view.id, (view) => itemNode(view));
  const meta = [statusLabel(turn.status)];
  if (turn.durationMs !== null) meta.push(seconds(turn.durationMs));
  if (turn.tokens !== null) meta.push(`${turn.tokens.total.toLocaleString('en')} tokens (${turn.tokens.input.toLocaleString('en')} in, ${turn.tokens.cached.toLocaleString('en')} cached, ${turn.tokens.output.toLocaleString('en')} out)`);
  return h(
    'li',
    { class: `turn ${turn.status}`, 'data-turn-id': turn.id },
    turn.input === '' ? null : h('div', { class: 'user-message' }, turn.input),
    turn.plan === null ? null : planNode(turn.plan),
    items,
    turn.typed ? typedOutput(turn) : null,
    turn.retry === null ? null : h('div', { class: 'retry', role: 'status' }, `retrying: ${turn.retry}`),
    turn.error === null ? null : h('div', { class: 'turn-error', role: 'alert' }, turn.error),
    h('div', { class: 'turn-meta' }, meta.join(' · ')),
  );
}

function planNode(plan: NonNullable<TurnView['plan']>): HTMLElement {
  return h(
    'div',
    { class: 'plan' },
    plan.explanation === null ? null : h('p', {}, plan.explanation),
    h('ul', { class: 'checklist' }, ...plan.steps.map((step) => h('li', { class: step.status }, h('input', { type: 'checkbox', disabled: true, checked: step.status === 'completed', 'aria-label': step.status }), ` ${step.step}`))),
  );
}

function itemNode(view: ItemView): HTMLElement {
  const node = itemBody(view);
  node.classList.add('item');
  node.dataset['itemId'] = view.id;
  if (view.reconstructed) node.append(h('span', { class: 'reconstructed', title: 'rebuilt from the stored turn after a reconnection' }, 'recovered after reconnection'));
  return node;
}

function itemBody(view: ItemView): HTMLElement {
  const item = view.item;
  switch (item.type) {
    case 'agentMessage': {
      const body = h('div', { class: 'markdown' });
      body.innerHTML = markdownHtml(view.text);
      return h('div', { class: 'agent-message' }, body);
    }
    case 'reasoning':
      return h('details', { class: 'reasoning' }, h('summary', {}, 'Reasoning'), h('div', { class: 'reasoning-text' }, view.text));
    case 'plan':
      return h('div', { class: 'plan-item' }, h('div', { class: 'label' }, 'Plan'), h('div', { class: 'markdown' }, view.text));
    case 'commandExecution': {
      const output = h('pre', { class: 'output', tabindex: 0, 'aria-label': 'Command output' });
      if (view.hiddenLines > 0) output.append(h('span', { class: 'hidden-lines' }, `… ${view.hiddenLines.toLocaleString('en')} earlier lines not shown\n`));
      output.append(view.output);
      const meta = [statusLabel(item.status)];
      if (item.exitCode != null) meta.push(`exit ${item.exitCode}`);
      if (item.durationMs != null) meta.push(seconds(item.durationMs));
      return h(
        'div',
        { class: `command ${item.status}` },
        h('div', { class: 'command-head' }, h('span', { class: 'label' }, '$'), h('code', { class: 'command-line' }, askedCommand(item)), h('span', { class: 'cwd' }, item.cwd)),
        view.output === '' && view.hiddenLines === 0 ? null : output,
        h('div', { class: 'command-meta' }, meta.join(' · ')),
      );
    }
    case 'fileChange':
      return h('div', { class: `file-change ${item.status}` }, ...item.changes.map(diffNode), h('div', { class: 'command-meta' }, statusLabel(item.status)));
    case 'mcpToolCall':
      return toolNode(`${item.server}.${item.tool}`, item.status, item.arguments, item.error?.message ?? (item.result == null ? null : item.result.content));
    case 'dynamicToolCall':
      return toolNode(item.namespace ? `${item.namespace}.${item.tool}` : item.tool, item.status, item.arguments, item.contentItems?.map((content) => (content.type === 'inputText' ? content.text : `[${content.type}]`)).join('\n') ?? null);
    case 'webSearch':
      return h('div', { class: 'web-search' }, h('span', { class: 'label' }, 'Web search'), ` ${item.query || webAction(item.action)}`);
    case 'contextCompaction':
      return h('div', { class: 'note' }, 'Context compacted');
    default:
      return h('div', { class: 'note' }, item.type);
  }
}

/** The turn's typed output: the partial object while it streams, then the validated value. */
function typedOutput(turn: TurnView): HTMLElement | null {
  if (turn.outputError !== null) return h('div', { class: 'typed-output invalid', role: 'alert' }, `Typed output refused: ${turn.outputError}`);
  if (turn.output === null) return null;
  const { value, final } = turn.output;
  return h(
    'div',
    { class: `typed-output ${final ? 'final' : 'partial'}` },
    h('div', { class: 'label' }, final ? 'Typed output (validated)' : 'Typed output (streaming…)'),
    h('pre', {}, JSON.stringify(value, null, 2)),
  );
}

function toolNode(name: string, status: string, args: unknown, result: unknown): HTMLElement {
  return h(
    'div',
    { class: 'tool-call' },
    h('div', {}, h('span', { class: 'label' }, 'Tool'), ' ', h('code', { class: 'tool-name' }, name), ` · ${statusLabel(status)}`),
    h('pre', { class: 'tool-args' }, json(args)),
    result === null || result === undefined ? null : h('pre', { class: 'tool-result' }, typeof result === 'string' ? result : json(result)),
  );
}

function diffNode(change: protocol.FileUpdateChange): HTMLElement {
  const lines = change.diff.replace(/\n$/, '').split('\n').map((line) => h('span', { class: line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : 'ctx' }, `${line}\n`));
  // An added file's "diff" is its content: every line is new.
  if (change.kind.type === 'add') lines.forEach((line) => (line.className = 'add'));
  const kind = change.kind.type === 'update' && change.kind.move_path ? `move to ${change.kind.move_path}:` : change.kind.type;
  return h('div', { class: 'diff' }, h('div', { class: 'diff-path' }, `${kind} ${change.path}`), h('pre', { class: 'diff-body' }, ...lines));
}

function approvalCard(request: IncomingServerRequest, pane: PaneState, emit: (intent: Intent) => void): HTMLElement {
  const params = request.params as { command?: string | null; commandActions?: readonly { command: string }[] | null; cwd?: string | null; reason?: string | null; itemId?: string; grantRoot?: string | null };
  const answer = (decision: 'accept' | 'acceptForSession' | 'decline', label: string, kind: string) => {
    const button = h('button', { type: 'button', class: kind }, label);
    button.addEventListener('click', () => emit({ type: 'answer', request, decision }));
    return button;
  };
  let what: HTMLElement;
  if (request.method === 'item/commandExecution/requestApproval') {
    what = h('div', {}, h('div', { class: 'label' }, 'Run this command?'), h('code', { class: 'command' }, params.commandActions?.map((action) => action.command).join(' && ') || unwrap(params.command ?? '')), h('div', { class: 'cwd' }, `in ${params.cwd ?? pane.cwd}`));
  } else {
    const change = pane.turns.flatMap((turn) => turn.items).find((view) => view.id === params.itemId);
    const changes = change?.item.type === 'fileChange' ? change.item.changes : [];
    what = h('div', {}, h('div', { class: 'label' }, 'Apply these changes?'), ...changes.map(diffNode), params.grantRoot ? h('div', { class: 'cwd' }, `and allow writes under ${params.grantRoot}`) : null);
  }
  return h(
    'div',
    { class: 'approval', role: 'group', 'aria-label': 'Approval' },
    what,
    params.reason ? h('div', { class: 'reason' }, params.reason) : null,
    h('div', { class: 'controls' }, answer('accept', 'Accept', 'accept'), answer('acceptForSession', 'Accept for session', 'accept-session'), answer('decline', 'Decline', 'decline')),
  );
}

/** The command as the model asked for it: the server reports it wrapped in the login shell (`/bin/bash -lc "…"`). */
function askedCommand(item: protocol.ThreadItem & { type: 'commandExecution' }): string {
  const asked = item.commandActions.map((action) => action.command).filter((command) => command !== '');
  return asked.length > 0 ? asked.join(' && ') : unwrap(item.command);
}

function unwrap(command: string): string {
  const match = /^\S*\/(?:ba|z)?sh -l?c (["'])([\s\S]*)\1$/.exec(command);
  if (match === null) return command;
  return match[1] === "'" ? match[2]!.replaceAll(`'\\''`, `'`) : match[2]!.replace(/\\(["\\$`])/g, '$1');
}

function webAction(action: protocol.WebSearchAction | null | undefined): string {
  if (action == null) return '';
  return 'query' in action && action.query ? action.query : 'url' in action && action.url ? action.url : action.type;
}

function statusLabel(status: string): string {
  return status === 'inProgress' ? 'running' : status;
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function ago(unixSeconds: number): string {
  const minutes = Math.round((Date.now() / 1000 - unixSeconds) / 60);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h ago`;
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

function json(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}
