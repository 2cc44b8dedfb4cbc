/** What the parser expects next. Numbers rather than strings: the state is read per character. */
const enum Mode {
  Value,
  String,
  Number,
  Literal,
  AfterValue,
  Key,
  FirstKey,
  Colon,
  FirstValue,
  Done,
  Failed,
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

type Container = Record<string, unknown> | unknown[];

/**
 * A JSON text that is not JSON: `at` is the offset of the character that broke it (the text's
 * length when it ended too early).
 *
 * @example
 * const parser = new PartialJsonParser();
 * parser.push('{"a" 1}');
 * parser.error; // PartialJsonError: expected ':' at 5
 */
export class PartialJsonError extends Error {
  override readonly name = 'PartialJsonError';
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(`${message} at ${at}`);
  }
}

/**
 * Parses a JSON text as it arrives, chunk by chunk, keeping its state between chunks: each chunk
 * costs time in proportion to its own length, never a re-parse of what came before.
 *
 * At any point `snapshot()` is the value so far, a deep-partial one that only grows: a string
 * value shows as the prefix received (never in the middle of an escape); a key appears once its
 * value has begun (at once for strings, objects and arrays; numbers, `true`, `false` and `null`
 * once complete, as `12` could still become `123`). Every snapshot is a prefix-extension of the
 * one before, and after `finish()` the value equals `JSON.parse` of the whole text.
 *
 * Snapshots are new objects where the value changed and share what did not: values that are
 * complete are shared between snapshots, and only the containers still open (from the root to
 * the place being written) are copied. `snapshotDue` says when a snapshot keeps the total cost
 * linear.
 *
 * @example
 * const parser = new PartialJsonParser();
 * parser.push('{"title":"Revi');
 * parser.snapshot(); // { title: 'Revi' }
 * parser.push('ew","score":4');
 * parser.snapshot(); // { title: 'Review' } (4 could still be 42)
 * parser.push('2}');
 * parser.finish(); // { title: 'Review', score: 42 }
 */
export class PartialJsonParser {
  private mode = Mode.Value;
  /** Characters taken so far (offsets in errors). */
  private offset = 0;
  private root: unknown = undefined;
  /** The open containers, root first, and the key being written in each object. */
  private readonly stack: Container[] = [];
  private readonly keys: (string | undefined)[] = [];
  /** The string being read: its text so far, whether it is a key, and an escape cut by a chunk end. */
  private text = '';
  private isKey = false;
  private escape: string | undefined;
  private token = '';
  private literal = '';
  private literalValue: unknown = undefined;
  private failure: PartialJsonError | undefined;
  /** Whether the value changed since the last snapshot, and that snapshot. */
  private changed = false;
  private last: unknown = undefined;
  /** Characters taken since the last snapshot, and the entries of each open object (arrays have a length). */
  private sinceSnapshot = 0;
  private readonly entries: number[] = [];

  /** Why the text is not JSON, once it is known; the parser then ignores further input. */
  get error(): PartialJsonError | undefined {
    return this.failure;
  }

  /** Whether the value grew since the last `snapshot()`. */
  get dirty(): boolean {
    return this.changed;
  }

  /**
   * Whether a snapshot is worth taking now: the value grew, and the text received since the last
   * snapshot is at least a quarter of the entries a snapshot copies (those of the open
   * containers). So all snapshots together cost at most four times the text's length: linear,
   * where a snapshot at every delta of a huge open array would be quadratic. Below a few hundred
   * open entries, that is every delta that changed the value.
   */
  get snapshotDue(): boolean {
    if (!this.changed) return false;
    let copied = 0;
    const stack = this.stack;
    for (let depth = 0; depth < stack.length; depth += 1) {
      const container = stack[depth]!;
      copied += Array.isArray(container) ? container.length : this.entries[depth]!;
    }
    return this.sinceSnapshot * 4 >= copied;
  }

  /** Takes the next chunk of the text. Returns false once the text is known not to be JSON. */
  push(chunk: string): boolean {
    if (this.mode === Mode.Failed) return false;
    const length = chunk.length;
    let i = 0;
    while (i < length) {
      switch (this.mode) {
        case Mode.String:
          i = this.readString(chunk, i);
          break;
        case Mode.Number: {
          const start = i;
          while (i < length && isNumberChar(chunk.charCodeAt(i))) i += 1;
          this.token += chunk.slice(start, i);
          if (i < length) this.endNumber(i);
          break;
        }
        case Mode.Literal: {
          const code = chunk[i]!;
          const expected = this.literal[this.token.length];
          if (code !== expected) return this.fail(`expected '${this.literal}'`, i);
          this.token += code;
          i += 1;
          if (this.token.length === this.literal.length) this.attach(this.literalValue);
          break;
        }
        default: {
          const code = chunk.charCodeAt(i);
          if (code === SPACE || code === LF || code === CR || code === TAB) {
            i += 1;
            break;
          }
          if (!this.structural(code, i)) return false;
          i += 1;
        }
      }
      // A string that broke the text ends the chunk in the failed mode (TypeScript narrows it away).
      if ((this.mode as Mode) === Mode.Failed) return false;
    }
    this.offset += length;
    this.sinceSnapshot += length;
    return true;
  }

  /**
   * The value so far as a deep-partial snapshot (see the class), or `undefined` before any value
   * has begun. Returns the same object while nothing changed.
   */
  snapshot(): unknown {
    if (!this.changed) return this.last;
    this.changed = false;
    this.sinceSnapshot = 0;
    const stack = this.stack;
    if (stack.length === 0) {
      this.last = this.root;
      return this.last;
    }
    // Copy the open containers from the innermost out: each copy takes its open child's copy.
    let inner: unknown = undefined;
    for (let depth = stack.length - 1; depth >= 0; depth -= 1) {
      const live = stack[depth]!;
      let copy: Container;
      if (Array.isArray(live)) {
        copy = live.slice();
        if (inner !== undefined) copy[copy.length - 1] = inner;
      } else {
        copy = { ...live };
        const key = this.keys[depth];
        if (inner !== undefined && key !== undefined) define(copy, key, inner);
      }
      inner = copy;
    }
    this.last = inner;
    return inner;
  }

  /**
   * Ends the text: returns the value, equal to `JSON.parse` of the whole text, or throws
   * `PartialJsonError` when the text is not JSON or ended too early.
   */
  finish(): unknown {
    if (this.mode === Mode.Number && this.stack.length === 0) this.endNumber(0);
    if (this.mode !== Mode.Done && this.failure === undefined) this.fail('unexpected end of the text', 0);
    if (this.failure !== undefined) throw this.failure;
    return this.root;
  }

  /** A structural character (not inside a string, number or literal); false when it is not JSON. */
  private structural(code: number, i: number): boolean {
    const mode = this.mode;
    if (mode === Mode.Value || mode === Mode.FirstValue) {
      if (mode === Mode.FirstValue && code === 0x5d /* ] */) return this.close(true, i);
      return this.beginValue(code, i);
    }
    if (mode === Mode.AfterValue) {
      const top = this.stack[this.stack.length - 1];
      if (code === 0x2c /* , */) {
        this.mode = Array.isArray(top) ? Mode.Value : Mode.Key;
        return true;
      }
      if (code === 0x5d /* ] */ && Array.isArray(top)) return this.close(true, i);
      if (code === 0x7d /* } */ && top !== undefined && !Array.isArray(top)) return this.close(false, i);
      return this.fail("expected ',' or the end of the container", i);
    }
    if (mode === Mode.Key || mode === Mode.FirstKey) {
      if (code === QUOTE) {
        this.mode = Mode.String;
        this.isKey = true;
        this.text = '';
        return true;
      }
      if (mode === Mode.FirstKey && code === 0x7d /* } */) return this.close(false, i);
      return this.fail('expected a key', i);
    }
    if (mode === Mode.Colon) {
      if (code !== 0x3a /* : */) return this.fail("expected ':'", i);
      this.mode = Mode.Value;
      return true;
    }
    return this.fail(this.mode === Mode.Done ? 'unexpected text after the value' : 'unexpected character', i);
  }

  private beginValue(code: number, i: number): boolean {
    switch (code) {
      case 0x7b /* { */:
        this.open({});
        this.mode = Mode.FirstKey;
        return true;
      case 0x5b /* [ */:
        this.open([]);
        this.mode = Mode.FirstValue;
        return true;
      case QUOTE:
        this.mode = Mode.String;
        this.isKey = false;
        this.text = '';
        this.put('');
        return true;
      case 0x74 /* t */:
        return this.beginLiteral('true', true);
      case 0x66 /* f */:
        return this.beginLiteral('false', false);
      case 0x6e /* n */:
        return this.beginLiteral('null', null);
      default:
        if (code === 0x2d /* - */ || (code >= 0x30 && code <= 0x39)) {
          this.mode = Mode.Number;
          this.token = String.fromCharCode(code);
          return true;
        }
        return this.fail('expected a value', i);
    }
  }

  private beginLiteral(literal: string, value: unknown): boolean {
    this.mode = Mode.Literal;
    this.literal = literal;
    this.literalValue = value;
    this.token = literal[0]!;
    return true;
  }

  /** Reads string characters from `i`; returns where it stopped (the chunk's end, or after the closing quote). */
  private readString(chunk: string, i: number): number {
    const length = chunk.length;
    let text = '';
    while (i < length) {
      if (this.escape !== undefined) {
        // An escape may be cut by the chunk's end: keep its characters until it is whole.
        let escape = this.escape;
        while (i < length && !isWholeEscape(escape)) {
          escape += chunk[i];
          i += 1;
        }
        this.escape = escape;
        if (!isWholeEscape(escape)) break;
        const decoded = unescape(escape);
        if (decoded === undefined) {
          this.fail('bad escape', i);
          return length;
        }
        text += decoded;
        this.escape = undefined;
        continue;
      }
      const start = i;
      let code = 0;
      while (i < length) {
        code = chunk.charCodeAt(i);
        if (code === QUOTE || code === BACKSLASH || code < 0x20) break;
        i += 1;
      }
      text += chunk.slice(start, i);
      if (i === length) break;
      if (code < 0x20) {
        this.fail('control character in a string', i);
        return length;
      }
      i += 1;
      if (code === BACKSLASH) {
        this.escape = '\\';
        continue;
      }
      // The closing quote.
      this.text += text;
      this.endString();
      return i;
    }
    if (text.length > 0) {
      this.text += text;
      if (!this.isKey) this.update(this.text);
    }
    return i;
  }

  private endString(): void {
    if (this.isKey) {
      this.keys[this.keys.length - 1] = this.text;
      this.mode = Mode.Colon;
      return;
    }
    this.update(this.text);
    this.afterValue();
  }

  private endNumber(i: number): void {
    const token = this.token;
    if (!NUMBER.test(token)) {
      this.fail('bad number', i);
      return;
    }
    this.attach(Number(token));
  }

  private open(container: Container): void {
    this.put(container);
    this.stack.push(container);
    this.keys.push(undefined);
    this.entries.push(0);
  }

  private close(isArray: boolean, i: number): boolean {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined || Array.isArray(top) !== isArray) return this.fail('mismatched bracket', i);
    this.stack.pop();
    this.keys.pop();
    this.entries.pop();
    this.afterValue();
    return true;
  }

  /** Puts a complete value where the next one goes. */
  private attach(value: unknown): void {
    this.put(value);
    this.afterValue();
  }

  /** Adds a value where the next one goes: a new array element, the current key's value, or the root. */
  private put(value: unknown): void {
    this.changed = true;
    const stack = this.stack;
    if (stack.length === 0) this.root = value;
    else {
      const top = stack[stack.length - 1]!;
      if (Array.isArray(top)) top.push(value);
      else {
        define(top, this.keys[this.keys.length - 1]!, value);
        this.entries[this.entries.length - 1]! += 1;
      }
    }
  }

  /** Replaces the value last put (a string that grew). */
  private update(value: string): void {
    this.changed = true;
    const stack = this.stack;
    if (stack.length === 0) this.root = value;
    else {
      const top = stack[stack.length - 1]!;
      if (Array.isArray(top)) top[top.length - 1] = value;
      else define(top, this.keys[this.keys.length - 1]!, value);
    }
  }

  private afterValue(): void {
    this.mode = this.stack.length === 0 ? Mode.Done : Mode.AfterValue;
  }

  private fail(message: string, i: number): false {
    this.failure ??= new PartialJsonError(message, this.offset + i);
    this.mode = Mode.Failed;
    return false;
  }
}

function isNumberChar(code: number): boolean {
  // 0-9 . + - e E
  return (code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x2b || code === 0x2d || code === 0x65 || code === 0x45;
}

function isWholeEscape(escape: string): boolean {
  return escape.length === 6 || (escape.length === 2 && escape[1] !== 'u');
}

function unescape(escape: string): string | undefined {
  if (escape[1] === 'u') {
    const hex = escape.slice(2);
    return /^[0-9a-fA-F]{4}$/.test(hex) ? String.fromCharCode(parseInt(hex, 16)) : undefined;
  }
  return ESCAPES[escape[1]!];
}

/** Sets a key as `JSON.parse` does: `__proto__` is an own property, not the prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
