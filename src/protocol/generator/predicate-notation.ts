import type { Notation } from './codec-emitter.js';

/** What a predicate checks inline, given the expression of the value, instead of calling a function. */
type Inline = (value: string) => string;

const SCALARS: Readonly<Record<'string' | 'number' | 'boolean' | 'null', string>> = {
  string: 'isString',
  number: 'isNumber',
  boolean: 'isBoolean',
  null: 'isNull',
};

/**
 * Spells schema nodes as plain JavaScript predicates with the verdicts of the io-ts codecs the
 * {@link CodecEmitter} writes for them, member by member: `t.type` (an object whose required keys
 * are present, each accepted), `t.partial` (absent or `undefined`, or accepted), `t.record`,
 * `t.array`, `t.union`, `t.intersection`, `t.keyof` (an own key of the same object literal),
 * `t.literal` and the scalars. Each predicate is a name: a helper of the validators module, or a
 * function this notation hoists (one per distinct body), so that every call site sees one
 * function. The scalars and literals are checked inline where they are used.
 *
 * @example
 * const notation = new PredicateNotation();
 * const name = notation.object([{ name: 'id', required: true, value: notation.scalar('string') }]);
 * console.log(notation.declarations().join('\n'), notation.call(name, 'params'));
 */
export class PredicateNotation implements Notation {
  private readonly hoisted = new Map<string, string>();
  private readonly literals = new Set<string>();
  private readonly inline = new Map<string, Inline>([
    ['isString', (v) => `typeof ${v} === "string"`],
    ['isNumber', (v) => `typeof ${v} === "number"`],
    ['isBoolean', (v) => `typeof ${v} === "boolean"`],
    ['isNull', (v) => `${v} === null`],
    ['isUnknown', () => 'true'],
    ['isNever', () => 'false'],
    ['isUndefined', (v) => `${v} === undefined`],
  ]);

  readonly unknown = 'isUnknown';
  readonly never = 'isNever';

  scalar(type: 'string' | 'number' | 'boolean' | 'null'): string {
    return SCALARS[type];
  }

  array(item: string | undefined): string {
    if (item === undefined) return 'isArray';
    return this.hoist(`if (!Array.isArray(u)) return false;\nfor (let i = 0; i < u.length; i += 1) if (!(${this.call(item, 'u[i]')})) return false;\nreturn true;`);
  }

  record(value: string | undefined): string {
    if (value === undefined) return 'isRecord';
    // io-ts checks the keys Object.keys lists, in its order.
    return this.hoist(`if (!isRecord(u)) return false;\nfor (const k of Object.keys(u)) if (!(${this.call(value, 'u[k]')})) return false;\nreturn true;`);
  }

  object(members: readonly { readonly name: string; readonly required: boolean; readonly value: string }[]): string {
    // A required literal member (a variant's `type` tag) first: in a union, the wrong variants fail at once.
    const tagged = (m: { readonly required: boolean; readonly value: string }) => m.required && this.literals.has(m.value);
    const ordered = [...members.filter(tagged), ...members.filter((m) => !tagged(m))];
    const checks = ordered.map(({ name, required, value }) => {
      const key = JSON.stringify(name);
      const member = `u[${key}]`;
      // t.type fails a key that is absent even when its codec accepts undefined; t.partial passes an undefined member.
      return required
        ? `(${member} !== undefined || hasOwn.call(u, ${key})) && ${this.call(value, member)}`
        : `(${member} === undefined || ${this.call(value, member)})`;
    });
    return this.hoist(`return isRecord(u)${checks.map((check) => ` &&\n  ${check}`).join('')};`);
  }

  literal(value: string | number | boolean | null): string {
    if (value === null) return 'isNull';
    const spelled = JSON.stringify(value);
    const name = this.hoist(`return u === ${spelled};`);
    this.inline.set(name, (v) => `${v} === ${spelled}`);
    this.literals.add(name);
    return name;
  }

  enum(values: readonly (string | number | boolean | null)[]): string {
    const strings = values.filter((v): v is string => typeof v === 'string');
    const parts: string[] = [];
    if (strings.length === 1) parts.push(this.literal(strings[0]!));
    else if (strings.length > 1) {
      // The same own-key lookup in the same kind of object literal as t.keyof.
      const keys = this.hoistConst(`{ ${strings.map((v) => `${JSON.stringify(v)}: null`).join(', ')} }`);
      parts.push(this.hoist(`return typeof u === "string" && hasOwn.call(${keys}, u);`));
    }
    for (const value of values) if (typeof value !== 'string') parts.push(this.literal(value));
    return this.union(parts);
  }

  union(parts: readonly string[]): string {
    const unique = [...new Set(parts)];
    if (unique.length === 0) return 'isNever';
    if (unique.length === 1) return unique[0]!;
    return this.hoist(`return ${unique.map((part) => `(${this.call(part, 'u')})`).join(' ||\n  ')};`);
  }

  intersection(parts: readonly string[]): string {
    if (parts.length === 1) return parts[0]!;
    return this.hoist(`return ${parts.map((part) => `(${this.call(part, 'u')})`).join(' &&\n  ')};`);
  }

  /** The check of `predicate` on the value spelled `value`: inline for scalars and literals, else a call. */
  call(predicate: string, value: string): string {
    const inline = this.inline.get(predicate);
    return inline === undefined ? `${predicate}(${value})` : inline(value);
  }

  /** Every hoisted declaration so far, in the order they were made (each uses only earlier ones or functions). */
  declarations(): string[] {
    return [...this.hoisted].map(([body, name]) =>
      body.startsWith('const:') ? `const ${name} = ${body.slice('const:'.length)};` : `function ${name}(u: any): boolean {\n${indentBody(body)}\n}`,
    );
  }

  private hoist(body: string, prefix = 'p'): string {
    let name = this.hoisted.get(body);
    if (name === undefined) {
      name = `${prefix}${this.hoisted.size}`;
      this.hoisted.set(body, name);
    }
    return name;
  }

  private hoistConst(expression: string): string {
    return this.hoist(`const:${expression}`, 'k');
  }
}

function indentBody(body: string): string {
  return body
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
