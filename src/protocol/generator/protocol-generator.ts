import { CodecEmitter, docComment, indent } from './codec-emitter.js';
import type { JsonSchema, JsonSchemaObject } from './json-schema.js';
import { PredicateNotation } from './predicate-notation.js';

/**
 * What the generator writes: file name (relative to the output folder) → contents.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * import { join } from 'node:path';
 * import { readSchemaBundle } from './schema-bundle.js';
 *
 * const { bundle } = readSchemaBundle(resolveCodexBinary());
 * const files: GeneratedFiles = new ProtocolGenerator(bundle, 'codex-cli 0.171.0').generate();
 * for (const [name, contents] of files) writeFileSync(join('src/protocol/generated', name), contents);
 */
export type GeneratedFiles = ReadonlyMap<string, string>;

/** One method of a `oneOf` message union (ClientRequest, ServerNotification, …). */
interface MethodEntry {
  readonly method: string;
  /** The params' codec and static type; undefined when the method takes none. */
  readonly params: { readonly codec: string; readonly type: string } | undefined;
  /** The named params definition, from which the response's name usually follows. */
  readonly paramsName: string | undefined;
  readonly description: string | undefined;
}

/**
 * Responses whose names do not follow from their method's params or path. The schema bundle names
 * each request's params but not its response, so the response is found by convention
 * (`FooParams` → `FooResponse`, `foo/bar` → `FooBarResponse`) and, where the server's names break
 * the convention, here. A method that none of these resolves still gets generated, with an
 * `unknown` result and a line in the generator's report, so a new runtime stays usable and its new
 * irregular names are visible.
 */
const IRREGULAR_RESPONSES: Readonly<Record<string, string>> = {
  'account/logout': 'LogoutAccountResponse',
  'account/gatewayOAuth/read': 'GatewayOAuthReadResponse',
  'account/gatewayOAuth/login': 'GatewayOAuthLoginResponse',
  'account/gatewayOAuth/cancel': 'GatewayOAuthCancelResponse',
  'account/securitySetup/read': 'GetAccountSecuritySetupResponse',
  'account/rateLimits/read': 'GetAccountRateLimitsResponse',
  'account/usage/read': 'GetAccountTokenUsageResponse',
  'account/workspaceMessages/read': 'GetWorkspaceMessagesResponse',
  'accountSession/list': 'AccountSessionsResponse',
  'config/value/write': 'ConfigWriteResponse',
  'config/batchWrite': 'ConfigWriteResponse',
  'config/mcpServer/reload': 'McpServerRefreshResponse',
  'externalAgentConfig/import/readHistories': 'ExternalAgentConfigImportHistoriesReadResponse',
  // The schema has no response for it; the server answers what the other config writes answer.
  'modelProvider/default/set': 'ConfigWriteResponse',
};

/**
 * The notifications every turn sends many of, or one of per turn, in the order a turn sends
 * them, then those every connection or thread gets once: the connection checks these with
 * compiled validators (`validators.ts`) instead of the io-ts codecs' `is`, which walks a tree of
 * combinator objects per frame (and is built on first use). The others keep `is`.
 */
const HOT_NOTIFICATIONS: readonly string[] = [
  'turn/started',
  'item/started',
  'item/agentMessage/delta',
  'item/reasoning/textDelta',
  'item/reasoning/summaryTextDelta',
  'item/reasoning/summaryPartAdded',
  'item/commandExecution/outputDelta',
  'item/fileChange/outputDelta',
  'item/plan/delta',
  'item/completed',
  'turn/diff/updated',
  'turn/plan/updated',
  'thread/tokenUsage/updated',
  'account/rateLimits/updated',
  'thread/status/changed',
  'turn/completed',
  // Once per connection or per thread, but each would have io-ts build its codec tree in every
  // process (`thread/started` holds a whole Thread): milliseconds of a program's first thread.
  'thread/started',
  'thread/readState/changed',
  'warning',
  'configWarning',
  'remoteControl/status/changed',
];

/**
 * The requests every program sends, whose params and results would otherwise have io-ts build and
 * walk their codecs (a thread's and a turn's whole tree) in the first moments of every process.
 */
const HOT_REQUESTS: readonly string[] = ['initialize', 'thread/start', 'thread/resume', 'turn/start'];

/** Identifiers that a definition may not take in the generated module. */
const RESERVED = new Set(['t', 'lazy', 'Array', 'Object', 'Record', 'Error', 'Function', 'Symbol', 'Promise', 'undefined']);

/**
 * The io-ts combinators the generated codecs may use. None of them refines: for each, `is(u)` holds
 * exactly when `decode(u)` succeeds, and then decoding returns `u` itself. RpcConnection relies on
 * that to accept a frame with `is` and decode only what `is` rejects, for the error report.
 */
const NON_REFINING_COMBINATORS = new Set([
  'string', 'number', 'boolean', 'null', 'undefined', 'unknown', 'never', 'literal', 'keyof',
  'type', 'partial', 'intersection', 'union', 'array', 'record', 'UnknownArray', 'UnknownRecord', 'Type', 'TypeOf',
]);

/**
 * Generates io-ts codecs and method maps from the app-server's JSON Schema bundle
 * (`codex_app_server_protocol.schemas.json`, which nests the v2 definitions under `v2`).
 *
 * @example
 * import { readSchemaBundle } from './schema-bundle.js';
 *
 * const { bundle, runtimeVersion } = readSchemaBundle(resolveCodexBinary());
 * const generator = new ProtocolGenerator(bundle, runtimeVersion);
 * const files = generator.generate();
 * generator.report().forEach((line) => console.warn(line));
 */
export class ProtocolGenerator {
  private readonly definitions = new Map<string, JsonSchema>();
  private readonly names = new Map<string, string>();
  private readonly emitter = new CodecEmitter((ref) => this.identifierOf(ref));
  /** For the methods module, which imports the codecs as the namespace `c`. */
  private readonly qualifiedEmitter = new CodecEmitter((ref) => `c.${this.identifierOf(ref)}`);
  private readonly degraded: string[] = [];

  constructor(
    bundle: JsonSchemaObject,
    private readonly runtimeVersion: string,
  ) {
    const { v2, ...roots } = bundle.definitions ?? {};
    const nested = (typeof v2 === 'object' ? v2 : {}) as Record<string, JsonSchema>;
    for (const [name, schema] of Object.entries(nested)) this.add(name, schema, `#/definitions/v2/${name}`);
    for (const [name, schema] of Object.entries(roots)) {
      const existing = this.definitions.get(name);
      if (existing !== undefined) {
        if (!sameShape(existing, schema)) throw new Error(`definition ${name} differs between the root and v2 namespaces`);
        this.names.set(`#/definitions/${name}`, this.names.get(`#/definitions/v2/${name}`)!);
        continue;
      }
      this.add(name, schema, `#/definitions/${name}`);
    }
  }

  get definitionCount(): number {
    return this.definitions.size;
  }

  /**
   * The generated modules. Throws only where the output would be wrong (an unresolved `$ref`, a
   * definition that differs between namespaces, a codec that refines); what can only be typed
   * loosely is generated loosely and listed in {@link report}.
   */
  generate(): GeneratedFiles {
    this.degraded.length = 0;
    const clientRequests = this.methods('ClientRequest');
    const notifications = this.methods('ServerNotification');
    const serverRequests = this.methods('ServerRequest');
    const clientNotifications = this.methods('ClientNotification');
    const header = `// Generated by scripts/generate-protocol.ts from ${this.runtimeVersion}. Do not edit.\n`;
    const methods = this.methodsModule(clientRequests, notifications, serverRequests, clientNotifications);
    const codecs = this.codecsModule();
    assertNoRefinements(codecs + methods);
    return new Map([
      ['codecs.ts', header + codecs],
      ['methods.ts', header + methods],
      ['validators.ts', header + this.validatorsModule()],
      ['generated-from.ts', header + this.generatedFromModule()],
    ]);
  }

  /** What the last {@link generate} had to type loosely, one line each; empty when nothing. */
  report(): readonly string[] {
    return [...this.degraded];
  }

  /** The number of entries in each method map, for reports. */
  counts(): Record<string, number> {
    return {
      definitions: this.definitions.size,
      clientRequests: this.methods('ClientRequest').length,
      serverNotifications: this.methods('ServerNotification').length,
      serverRequests: this.methods('ServerRequest').length,
      clientNotifications: this.methods('ClientNotification').length,
    };
  }

  private add(name: string, schema: JsonSchema, ref: string): void {
    this.definitions.set(name, schema);
    this.names.set(ref, RESERVED.has(name) ? `${name}_` : name);
  }

  private identifierOf(ref: string): string {
    const name = this.names.get(ref);
    if (name === undefined) throw new Error(`unresolved $ref ${ref}`);
    return name;
  }

  private generatedFromModule(): string {
    const version = /\d+\.\d+\.\d+\S*/.exec(this.runtimeVersion)?.[0] ?? this.runtimeVersion;
    return [
      '/**',
      ' * The codex runtime this protocol was generated from: what `codex --version` printed, and its version.',
      ' *',
      ' * @example',
      " * import { generatedFrom } from 'codex-rx';",
      ' * console.log(`codecs generated from ${generatedFrom.runtime}`);',
      ' */',
      `export const generatedFrom = { runtime: ${JSON.stringify(this.runtimeVersion)}, version: ${JSON.stringify(version)} } as const;`,
      '',
    ].join('\n');
  }

  private codecsModule(): string {
    const out: string[] = [
      "import * as t from 'io-ts';\n",
      '// Each definition is a codec (value) and its static type (t.TypeOf) under one name. A codec is',
      '// built on first use, so importing the module costs little whatever the size of the protocol.\n',
      LAZY_HELPER,
    ];
    for (const group of this.orderedGroups()) {
      const recursive = group.length > 1 || this.dependenciesOf(group[0]!).has(group[0]!);
      for (const name of group) {
        const schema = this.definitions.get(name)!;
        const id = this.names.get(this.refOf(name))!;
        const doc = docComment(schema);
        if (recursive) {
          // A recursive definition needs its static type written out: t.TypeOf cannot see through t.recursion.
          out.push(`${doc}export type ${id} = ${this.emitter.type(schema)};`);
          out.push(`export const ${id}: t.Type<${id}> = lazy<t.Type<${id}>>(${JSON.stringify(id)}, () => ${this.emitter.codec(schema)});\n`);
        } else {
          out.push(`${doc}export const ${id} = lazy(${JSON.stringify(id)}, () => ${this.emitter.codec(schema)});`);
          out.push(`export type ${id} = t.TypeOf<typeof ${id}>;\n`);
        }
      }
    }
    return out.join('\n');
  }

  /**
   * Compiled validators for the {@link HOT_NOTIFICATIONS}: for each, a function with the verdict of
   * `serverNotificationCodecs[method].is` on any JSON value, written from the same schema nodes
   * (spec/protocol/compiled-validators.spec.ts runs both over recorded and generated values).
   */
  private validatorsModule(): string {
    const notation = new PredicateNotation();
    const wanted: string[] = [];
    const emitter = new CodecEmitter((ref) => {
      const name = this.identifierOf(ref);
      if (!wanted.includes(name)) wanted.push(name);
      return `is_${name}`;
    });
    const union = this.definitions.get('ServerNotification') as JsonSchemaObject;
    const entries: string[] = [];
    for (const variant of union.oneOf ?? []) {
      const shape = variant as JsonSchemaObject;
      const method = (shape.properties?.['method'] as JsonSchemaObject | undefined)?.enum?.[0];
      if (typeof method !== 'string' || !HOT_NOTIFICATIONS.includes(method)) continue;
      const params = shape.properties?.['params'];
      let predicate = params === undefined ? 'isUndefined' : emitter.emitWith(params, notation);
      // As methods(): params that may be null may also be absent.
      if (params !== undefined && /\bt\.null\b/.test(this.qualifiedEmitter.codec(params))) predicate = notation.union([predicate, 'isUndefined']);
      entries.push(`${JSON.stringify(method)}: ${predicate},`);
    }
    const requestEntries: string[] = [];
    for (const entry of this.methods('ClientRequest')) {
      if (!HOT_REQUESTS.includes(entry.method)) continue;
      const variant = (this.definitions.get('ClientRequest') as JsonSchemaObject).oneOf!.find(
        (v) => ((v as JsonSchemaObject).properties?.['method'] as JsonSchemaObject | undefined)?.enum?.[0] === entry.method,
      ) as JsonSchemaObject;
      const params = variant.properties?.['params'];
      let paramsPredicate = params === undefined ? 'isUndefined' : emitter.emitWith(params, notation);
      if (params !== undefined && /\bt\.null\b/.test(this.qualifiedEmitter.codec(params))) paramsPredicate = notation.union([paramsPredicate, 'isUndefined']);
      const response = this.responseOf(entry);
      const resultPredicate = response === undefined ? 'isUnknown' : emitter.emitWith({ $ref: this.refOfIdentifier(response) }, notation);
      requestEntries.push(`${JSON.stringify(entry.method)}: { params: ${paramsPredicate}, result: ${resultPredicate} },`);
    }
    const definitions: string[] = [];
    for (let i = 0; i < wanted.length; i += 1) {
      const name = wanted[i]!;
      const schema = this.definitions.get(this.refOfIdentifier(name).split('/').pop()!)!;
      definitions.push(`function is_${name}(u: any): boolean {\n  return ${notation.call(emitter.emitWith(schema, notation), 'u')};\n}`);
    }
    return [
      "import type { ClientRequestMap, ServerNotificationMap } from './methods.js';\n",
      '// Plain predicates with the verdicts of the io-ts codecs, for the notifications of a turn (see',
      '// HOT_NOTIFICATIONS in the generator). Parameters are `any`: they are JSON values, read as such.\n',
      PREDICATE_HELPERS,
      ...definitions,
      '',
      ...notation.declarations(),
      '',
      '/**',
      ' * Validators of the params of the notifications a turn sends, by method: each answers as',
      " * `serverNotificationCodecs[method].is` does for any JSON value, without walking the codec's combinators.",
      ' *',
      ' * @example',
      " * const valid = serverNotificationValidators['item/agentMessage/delta']?.({ threadId: 't', turnId: 'u', itemId: 'i', delta: 'Hi' });",
      ' */',
      'export const serverNotificationValidators: { readonly [M in keyof ServerNotificationMap]?: (params: unknown) => boolean } = {',
      indent(entries.join('\n')),
      '};\n',
      '/**',
      ' * Validators of the params and results of the requests every program sends: each answers as the',
      " * `clientRequestCodecs[method]` codec's `is` does for any JSON value.",
      ' *',
      ' * @example',
      " * const valid = clientRequestValidators['thread/start']?.params({});",
      ' */',
      'export const clientRequestValidators: { readonly [M in keyof ClientRequestMap]?: { readonly params: (params: unknown) => boolean; readonly result: (result: unknown) => boolean } } = {',
      indent(requestEntries.join('\n')),
      '};\n',
    ].join('\n');
  }

  private methodsModule(
    clientRequests: readonly MethodEntry[],
    notifications: readonly MethodEntry[],
    serverRequests: readonly MethodEntry[],
    clientNotifications: readonly MethodEntry[],
  ): string {
    const codecOf = (params: MethodEntry['params']) => (params === undefined ? 't.undefined' : params.codec);
    const typeOf = (params: MethodEntry['params']) => (params === undefined ? 'undefined' : params.type);
    const withResponses = (entries: readonly MethodEntry[]) =>
      entries.map((entry) => {
        const response = this.responseOf(entry);
        return { ...entry, result: response === undefined ? 't.unknown' : `c.${response}`, resultType: response === undefined ? 'unknown' : `c.${response}` };
      });
    const requests = withResponses(clientRequests);
    const handled = withResponses(serverRequests);
    const key = (method: string) => JSON.stringify(method);
    const doc = (entry: MethodEntry) => (entry.description ? docComment({ description: entry.description }) : '');

    const lines: string[] = [
      "import * as t from 'io-ts';",
      `import * as c from './codecs.js';\n`,
      '/**',
      ' * Client → server requests: params and result of each method.',
      ' *',
      ' * @example',
      " * type Listed = ClientRequestMap['thread/list']['result'];",
      ' */',
      'export interface ClientRequestMap {',
      indent(requests.map((e) => `${doc(e)}${key(e.method)}: { params: ${typeOf(e.params)}; result: ${e.resultType} };`).join('\n')),
      '}\n',
      '/**',
      ' * Server → client notifications: params of each method.',
      ' *',
      ' * @example',
      " * type Delta = ServerNotificationMap['item/agentMessage/delta']; // { threadId, turnId, itemId, delta, … }",
      ' */',
      'export interface ServerNotificationMap {',
      indent(notifications.map((e) => `${doc(e)}${key(e.method)}: ${typeOf(e.params)};`).join('\n')),
      '}\n',
      '/**',
      ' * Server → client requests (approvals, user input, …): params and the response the client owes.',
      ' *',
      ' * @example',
      " * type Decision = ServerRequestMap['item/commandExecution/requestApproval']['result']; // { decision: … }",
      ' */',
      'export interface ServerRequestMap {',
      indent(handled.map((e) => `${doc(e)}${key(e.method)}: { params: ${typeOf(e.params)}; result: ${e.resultType} };`).join('\n')),
      '}\n',
      '/**',
      ' * Client → server notifications.',
      ' *',
      ' * @example',
      " * type Initialized = ClientNotificationMap['initialized']; // undefined: it has no params",
      ' */',
      'export interface ClientNotificationMap {',
      indent(clientNotifications.map((e) => `${key(e.method)}: ${typeOf(e.params)};`).join('\n')),
      '}\n',
      '/**',
      ' * The params and result codecs of every client request method, looked up by method.',
      ' *',
      ' * @example',
      " * const checked = clientRequestCodecs['thread/start'].params.decode({ model: 'gpt-5.4' });",
      ' */',
      'export const clientRequestCodecs: { readonly [M in keyof ClientRequestMap]: { readonly params: t.Type<ClientRequestMap[M][\'params\'], unknown, unknown>; readonly result: t.Type<ClientRequestMap[M][\'result\'], unknown, unknown> } } = {',
      indent(requests.map((e) => `${key(e.method)}: { params: ${codecOf(e.params)}, result: ${e.result} },`).join('\n')),
      '};\n',
      '/**',
      ' * The params codec of every server notification method, looked up by method.',
      ' *',
      ' * @example',
      " * const decoded = serverNotificationCodecs['turn/completed'].decode(message.params);",
      ' */',
      'export const serverNotificationCodecs: { readonly [M in keyof ServerNotificationMap]: t.Type<ServerNotificationMap[M], unknown, unknown> } = {',
      indent(notifications.map((e) => `${key(e.method)}: ${codecOf(e.params)},`).join('\n')),
      '};\n',
      '/**',
      ' * The params and result codecs of every server request method, looked up by method.',
      ' *',
      ' * @example',
      " * const ok = serverRequestCodecs['item/commandExecution/requestApproval'].result.is({ decision: 'accept' });",
      ' */',
      'export const serverRequestCodecs: { readonly [M in keyof ServerRequestMap]: { readonly params: t.Type<ServerRequestMap[M][\'params\'], unknown, unknown>; readonly result: t.Type<ServerRequestMap[M][\'result\'], unknown, unknown> } } = {',
      indent(handled.map((e) => `${key(e.method)}: { params: ${codecOf(e.params)}, result: ${e.result} },`).join('\n')),
      '};\n',
      '/**',
      ' * The params codec of every client notification method.',
      ' *',
      ' * @example',
      " * clientNotificationCodecs['initialized'].is(undefined); // true",
      ' */',
      'export const clientNotificationCodecs: { readonly [M in keyof ClientNotificationMap]: t.Type<ClientNotificationMap[M], unknown, unknown> } = {',
      indent(clientNotifications.map((e) => `${key(e.method)}: ${codecOf(e.params)},`).join('\n')),
      '};\n',
    ];
    return lines.join('\n');
  }

  private methods(unionName: string): MethodEntry[] {
    const union = this.definitions.get(unionName);
    if (union === undefined || typeof union === 'boolean' || union.oneOf === undefined) {
      throw new Error(`${unionName} is missing from the schema bundle or is not a oneOf`);
    }
    return union.oneOf.map((variant) => {
      const shape = variant as JsonSchemaObject;
      const methodSchema = shape.properties?.['method'] as JsonSchemaObject | undefined;
      const method = methodSchema?.enum?.[0];
      if (typeof method !== 'string') throw new Error(`${unionName}: a variant has no method name`);
      const params = shape.properties?.['params'];
      if (params === undefined) return { method, params: undefined, paramsName: undefined, description: shape.description };
      const named = namedParams(params);
      const codec = this.qualifiedEmitter.codec(params);
      const type = this.qualifiedEmitter.type(params);
      // Params that may be null may as well be left out: callers then pass nothing.
      const optional = /\bt\.null\b/.test(codec);
      return {
        method,
        params: optional ? { codec: `t.union([${codec}, t.undefined])`, type: `${type} | undefined` } : { codec, type },
        paramsName: named === undefined ? undefined : this.identifierOf(named),
        description: shape.description,
      };
    });
  }

  /** The identifier of a request's response definition, or undefined (reported) when none is found. */
  private responseOf(entry: MethodEntry): string | undefined {
    const candidates = [
      IRREGULAR_RESPONSES[entry.method],
      entry.paramsName?.replace(/Params$/, 'Response'),
      `${entry.method
        .split('/')
        .map((segment) => segment.charAt(0).toUpperCase() + segment.slice(1))
        .join('')}Response`,
    ];
    for (const candidate of candidates) {
      if (candidate !== undefined && this.definitions.has(candidate)) return this.names.get(this.refOf(candidate))!;
    }
    this.degraded.push(
      `${entry.method}: no response definition (tried ${candidates.filter(Boolean).join(', ')}); its result is typed unknown`,
    );
    return undefined;
  }

  /** The `$ref` an identifier of the codecs module was made for. */
  private refOfIdentifier(identifier: string): string {
    const found = [...this.names].find(([, id]) => id === identifier);
    if (found === undefined) throw new Error(`no definition is named ${identifier}`);
    return found[0];
  }

  private refOf(name: string): string {
    const nested = `#/definitions/v2/${name}`;
    return this.names.has(nested) ? nested : `#/definitions/${name}`;
  }

  private dependenciesOf(name: string): Set<string> {
    const found = new Set<string>();
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node !== null && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') found.add(value.split('/').pop()!);
          else if (key !== 'enum' && key !== 'default' && key !== 'const') visit(value);
        }
      }
    };
    visit(this.definitions.get(name));
    return found;
  }

  /**
   * Definitions grouped into strongly connected components, dependencies first (Tarjan's
   * algorithm emits components in reverse topological order of the "depends on" graph, which is
   * exactly declaration order). Names are visited sorted so the output is stable.
   */
  private orderedGroups(): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const groups: string[][] = [];
    let counter = 0;
    // A $ref to nothing is left to the emitter, which names it in its error.
    const known = (names: Set<string>) => [...names].filter((name) => this.definitions.has(name)).sort();
    const edges = new Map([...this.definitions.keys()].map((name) => [name, known(this.dependenciesOf(name))]));
    const connect = (name: string): void => {
      index.set(name, counter);
      low.set(name, counter);
      counter += 1;
      stack.push(name);
      onStack.add(name);
      for (const next of edges.get(name) ?? []) {
        if (!index.has(next)) {
          connect(next);
          low.set(name, Math.min(low.get(name)!, low.get(next)!));
        } else if (onStack.has(next)) {
          low.set(name, Math.min(low.get(name)!, index.get(next)!));
        }
      }
      if (low.get(name) === index.get(name)) {
        const group: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.push(member);
        } while (member !== name);
        groups.push(group.sort());
      }
    };
    for (const name of [...this.definitions.keys()].sort()) if (!index.has(name)) connect(name);
    return groups;
  }
}

/**
 * Defines `lazy` in the codecs module: a codec that builds its definition on first use and then
 * hands every call straight to the built codec (its functions replace the wrapper's own), so
 * later uses cost one property lookup. It is an io-ts RecursiveType, whose `type` is the built codec.
 */
const LAZY_HELPER = `function lazy<C extends t.Any>(name: string, build: () => C): t.Type<t.TypeOf<C>, t.OutputOf<C>, t.InputOf<C>> {
  let built: C | undefined;
  const definition = (): C => {
    if (built === undefined) {
      built = build();
      Object.assign(self, { name: built.name, is: built.is, validate: built.validate, encode: built.encode });
    }
    return built;
  };
  const self = new t.RecursiveType<C, t.TypeOf<C>, t.OutputOf<C>, t.InputOf<C>>(
    name,
    (u): u is t.TypeOf<C> => definition().is(u),
    (u, context) => definition().validate(u, context),
    (a) => definition().encode(a),
    definition,
  );
  return self;
}
`;

/** The helpers every compiled validator may call (see PredicateNotation). */
const PREDICATE_HELPERS = `const hasOwn = Object.prototype.hasOwnProperty;
function isRecord(u: any): boolean {
  return u !== null && typeof u === 'object' && !Array.isArray(u);
}
function isArray(u: any): boolean {
  return Array.isArray(u);
}
function isUndefined(u: any): boolean {
  return u === undefined;
}
function isUnknown(_u: any): boolean {
  return true;
}
function isNever(_u: any): boolean {
  return false;
}
function isString(u: any): boolean {
  return typeof u === 'string';
}
function isNumber(u: any): boolean {
  return typeof u === 'number';
}
function isBoolean(u: any): boolean {
  return typeof u === 'boolean';
}
function isNull(u: any): boolean {
  return u === null;
}
`;

/**
 * Throws when generated code uses an io-ts combinator outside {@link NON_REFINING_COMBINATORS}
 * (a refinement, a brand, \`t.Int\`, \`t.exact\` …): with one, \`is\` could accept what \`decode\` rejects
 * or decode could return something other than its input.
 *
 * @example
 * assertNoRefinements('export const Port = t.refinement(t.number, (n) => n > 0);'); // throws
 */
export function assertNoRefinements(generated: string): void {
  const used = new Set([...generated.replace(LAZY_HELPER, '').matchAll(/\bt\.(\w+)/g)].map((match) => match[1]!));
  const refining = [...used].filter((name) => !NON_REFINING_COMBINATORS.has(name)).sort();
  if (refining.length > 0) {
    throw new Error(`generated codecs use ${refining.map((name) => `t.${name}`).join(', ')}, which may refine: is() and decode() could disagree`);
  }
}

/** The `$ref` of params given as a definition, or as that definition or null. */
function namedParams(params: JsonSchema): string | undefined {
  if (typeof params === 'boolean') return undefined;
  if (params.$ref !== undefined) return params.$ref;
  const refs = (params.anyOf ?? params.oneOf ?? []).flatMap((s) => (typeof s === 'object' && s.$ref ? [s.$ref] : []));
  return refs.length === 1 ? refs[0] : undefined;
}

/** Two schemas that differ only in documentation describe the same shape. */
function sameShape(a: JsonSchema, b: JsonSchema): boolean {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== 'object') return node;
    const kept = Object.entries(node)
      .filter(([key]) => !['$schema', 'title', 'description'].includes(key))
      .map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? value.split('/').pop() : strip(value)] as const)
      .sort(([x], [y]) => x.localeCompare(y));
    return Object.fromEntries(kept);
  };
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}
