import { expect } from 'chai';
import * as t from 'io-ts';
import { clientRequestCodecs } from '../../src/protocol/generated/methods.js';
import { CHAT_UI_METHODS } from '../../src/relay/relay-options.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DEFAULT_RELAY_OPTIONS } from '../../src/relay/relay-options.js';
import { PARAM_POLICY, paramPolicy, type ParamPolicySettings } from '../../src/relay/relay-param-policy.js';

/** The param names a params codec of the generated protocol declares. */
function paramNames(codec: t.Mixed): string[] {
  if (codec instanceof t.RecursiveType) return paramNames(codec.type as t.Mixed);
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) return Object.keys(codec.props as object);
  if (codec instanceof t.IntersectionType || codec instanceof t.UnionType) return (codec.types as t.Mixed[]).flatMap(paramNames);
  return [];
}

describe('relay param policy table', () => {
  it('classifies every param of every chat UI method of the generated protocol, and no other', () => {
    for (const method of CHAT_UI_METHODS) {
      const codec = clientRequestCodecs[method as keyof typeof clientRequestCodecs];
      expect(codec, method).to.not.equal(undefined);
      const declared = [...new Set(paramNames(codec.params as t.Mixed))].sort();
      expect(Object.keys(PARAM_POLICY[method] ?? {}).sort(), method).to.deep.equal(declared);
    }
    expect(Object.keys(PARAM_POLICY).sort()).to.deep.equal([...CHAT_UI_METHODS].sort());
  });

  describe('each rule and the option that opens it', () => {
    const root = mkdtempSync(`${tmpdir()}/codex-rx-policy-`);
    after(() => rmSync(root, { recursive: true, force: true }));
    const policy = (options: Partial<ParamPolicySettings> = {}) => paramPolicy({ ...DEFAULT_RELAY_OPTIONS, roots: [root], ...options });
    const refused = (check: ReturnType<typeof paramPolicy>, method: string, params: unknown) => check(method, params)?.param;

    it('instructions, application context, mode instructions: only with allowInstructions', () => {
      const calls: [string, unknown, string][] = [
        ['thread/start', { baseInstructions: 'b' }, 'baseInstructions'],
        ['thread/resume', { threadId: 't', developerInstructions: 'd' }, 'developerInstructions'],
        ['turn/start', { threadId: 't', input: [], additionalContext: { a: { kind: 'application', value: 'v' } } }, 'additionalContext.a.kind'],
        ['turn/steer', { threadId: 't', expectedTurnId: 'u', input: [], additionalContext: { a: 'not an entry' } }, 'additionalContext.a.kind'],
        ['turn/start', { threadId: 't', input: [], collaborationMode: { mode: 'plan', settings: { model: 'm', developer_instructions: 'x' } } }, 'collaborationMode.settings.developer_instructions'],
      ];
      for (const [method, params, param] of calls) {
        expect(refused(policy(), method, params), method).to.equal(param);
        expect(refused(policy({ allowInstructions: true }), method, params), method).to.equal(undefined);
      }
      expect(refused(policy(), 'turn/start', { threadId: 't', input: [], additionalContext: { a: { kind: 'untrusted', value: 'v' } } })).to.equal(undefined);
      expect(refused(policy(), 'turn/start', { threadId: 't', input: [], collaborationMode: { mode: 'plan', settings: { model: 'm', developer_instructions: null } } })).to.equal(undefined);
      expect(refused(policy(), 'thread/start', { baseInstructions: null })).to.equal(undefined);
    });

    it('dynamicTools only with allowDynamicTools; a refused param only with allowedParams', () => {
      const tools = { dynamicTools: [{ type: 'function', name: 't', description: 'd', inputSchema: {} }] };
      expect(refused(policy(), 'thread/start', tools)).to.equal('dynamicTools');
      expect(refused(policy({ allowDynamicTools: true }), 'thread/start', tools)).to.equal(undefined);
      const output = { threadId: 't', input: [], toolOutput: { name: 'x', output: 'y' } };
      expect(refused(policy(), 'turn/start', output)).to.equal('toolOutput');
      expect(refused(policy({ allowedParams: ['turn/start.toolOutput'] }), 'turn/start', output)).to.equal(undefined);
      expect(refused(policy({ allowedParams: ['turn/steer.toolOutput'] }), 'turn/start', output)).to.equal('toolOutput');
    });

    it('sandbox policies: no wider than maxSandbox, network access and external sandboxes count as full access, writable roots inside the roots', () => {
      const turn = (sandboxPolicy: unknown) => ({ threadId: 't', input: [], sandboxPolicy });
      expect(refused(policy(), 'turn/start', turn({ type: 'workspaceWrite', writableRoots: [root], excludeSlashTmp: true }))).to.equal(undefined);
      expect(refused(policy(), 'turn/start', turn({ type: 'workspaceWrite', writableRoots: ['/'] }))).to.equal('sandboxPolicy.writableRoots[0]');
      expect(refused(policy(), 'turn/start', turn({ type: 'workspaceWrite', networkAccess: true }))).to.equal('sandboxPolicy.networkAccess');
      expect(refused(policy(), 'turn/start', turn({ type: 'externalSandbox', networkAccess: 'restricted' }))).to.equal('sandboxPolicy');
      expect(refused(policy(), 'turn/start', turn({ type: 'readOnly', access: 'full' }))).to.equal('sandboxPolicy.access');
      expect(refused(policy(), 'turn/start', turn({ type: 'toString' }))).to.equal('sandboxPolicy.type');
      expect(refused(policy({ maxSandbox: 'read-only' }), 'turn/start', turn({ type: 'workspaceWrite' }))).to.equal('sandboxPolicy');
      expect(refused(policy({ maxSandbox: 'read-only' }), 'thread/fork', { threadId: 't', sandbox: 'workspace-write' })).to.equal('sandbox');
      expect(refused(policy({ maxSandbox: 'danger-full-access' }), 'turn/start', turn({ type: 'workspaceWrite', networkAccess: true }))).to.equal(undefined);
      expect(refused(policy({ maxSandbox: 'danger-full-access' }), 'thread/start', { sandbox: 'danger-full-access' })).to.equal(undefined);
      expect(() => policy({ maxSandbox: 'wide' as never })).to.throw(RangeError);
    });

    it('approval never and the granular form only with allowApprovalNever; capabilities only the two a client needs', () => {
      const granular = { granular: { mcp_elicitations: false, rules: false, sandbox_approval: false } };
      for (const approvalPolicy of ['never', granular, 'on-failure', 7]) {
        expect(refused(policy(), 'turn/start', { threadId: 't', input: [], approvalPolicy })).to.equal('approvalPolicy');
        expect(refused(policy({ allowApprovalNever: true }), 'turn/start', { threadId: 't', input: [], approvalPolicy })).to.equal(undefined);
      }
      const init = (capabilities: unknown) => ({ clientInfo: { name: 'n', version: '1' }, capabilities });
      expect(refused(policy(), 'initialize', init({ experimentalApi: true, optOutNotificationMethods: ['x'] }))).to.equal(undefined);
      expect(refused(policy(), 'initialize', init({ explicitGatewayOauth: true }))).to.equal('capabilities.explicitGatewayOauth');
      expect(refused(policy(), 'initialize', init({ extensions: {} }))).to.equal('capabilities.extensions');
    });

    it('inputs: local files inside the roots, unknown types refused; params that are not an object refused', () => {
      const turn = (input: unknown) => ({ threadId: 't', input });
      expect(refused(policy(), 'turn/start', turn([{ type: 'text', text: 'x' }, { type: 'localImage', path: `${root}/a.png` }]))).to.equal(undefined);
      expect(refused(policy(), 'turn/start', turn([{ type: 'skill', name: 's', path: '/etc/skill' }]))).to.equal('input[0].path');
      expect(refused(policy(), 'turn/steer', { ...turn([{ type: 'mention', name: 'm', path: 'app://x' }]), expectedTurnId: 'u' })).to.equal('input[0].path');
      expect(refused(policy(), 'turn/start', turn([{ type: 'shell', text: 'x' }]))).to.equal('input[0].type');
      expect(refused(policy(), 'turn/start', turn('text'))).to.equal('input');
      expect(refused(policy(), 'thread/read', ['t'])).to.equal('params');
      expect(refused(policy(), 'config/value/write', { keyPath: 'x' })).to.equal(undefined);
    });
  });
});
