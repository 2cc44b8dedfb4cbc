/// <reference lib="dom" />

type Child = Node | string | null | undefined | false;

/**
 * An element with attributes and children: `h('button', { class: 'send', type: 'button' }, 'Send')`.
 * Attribute values are set as attributes (never as HTML), `on…` keys are refused, children that
 * are strings become text nodes: nothing here can inject markup.
 *
 * @example fragment
 * document.body.append(h('p', { class: 'note' }, 'Hello, ', h('strong', {}, 'world')));
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Readonly<Record<string, string | boolean | number | undefined>> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on')) throw new Error(`h: event handler attributes are not allowed (${name}); use fromEvent`);
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

interface Entry<T> {
  value: T;
  node: Element;
}

const CACHES = new WeakMap<Element, Map<string, Entry<unknown>>>();

/**
 * Makes `parent`'s children show `values`, one node per key: a value that is the same object as
 * last time keeps its node untouched, a changed one is drawn again (or updated in place by
 * `update`), and nodes are moved only when their order changed. State is immutable, so identity
 * says what changed; this is the whole of the page's DOM diffing.
 *
 * @example fragment
 * keyed(list, state.threads, (thread) => thread.id, (thread) => h('li', {}, thread.preview));
 */
export function keyed<T>(parent: Element, values: readonly T[], key: (value: T) => string, create: (value: T) => Element, update?: (node: Element, value: T) => void): void {
  const before = (CACHES.get(parent) as Map<string, Entry<T>> | undefined) ?? new Map<string, Entry<T>>();
  const after = new Map<string, Entry<T>>();
  for (const value of values) {
    const id = key(value);
    const known = before.get(id);
    if (known !== undefined && known.value === value) after.set(id, known);
    else if (known !== undefined && update !== undefined) {
      update(known.node, value);
      after.set(id, { value, node: known.node });
    } else {
      const node = create(value);
      // An opened <details> stays open when it is drawn again.
      if (known?.node instanceof HTMLDetailsElement && node instanceof HTMLDetailsElement) node.open = known.node.open;
      known?.node.replaceWith(node);
      after.set(id, { value, node });
    }
  }
  for (const [id, entry] of before) if (!after.has(id)) entry.node.remove();
  let cursor = parent.firstElementChild;
  for (const { node } of after.values()) {
    if (node !== cursor) parent.insertBefore(node, cursor);
    else cursor = cursor.nextElementSibling;
  }
  CACHES.set(parent, after as Map<string, Entry<unknown>>);
}
