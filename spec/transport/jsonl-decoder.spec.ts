import { expect } from 'chai';
import type { JsonRpcMessage } from '../../src/jsonrpc/json-rpc-message.js';
import { JsonlDecoder } from '../../src/transport/jsonl-decoder.js';
import type { TransportDiagnostic } from '../../src/transport/transport-diagnostic.js';

function collect(): { decoder: JsonlDecoder; messages: JsonRpcMessage[]; diagnostics: TransportDiagnostic[] } {
  const messages: JsonRpcMessage[] = [];
  const diagnostics: TransportDiagnostic[] = [];
  const decoder = new JsonlDecoder({
    message: (message) => messages.push(message),
    diagnostic: (diagnostic) => diagnostics.push(diagnostic),
  });
  return { decoder, messages, diagnostics };
}

describe('JsonlDecoder', () => {
  it('joins a line split across chunks, delivering it only once complete', () => {
    const { decoder, messages } = collect();
    decoder.write(Buffer.from('{"method":"a",'));
    decoder.write(Buffer.from('"params":{"x"'));
    expect(messages).to.deep.equal([]);
    decoder.write(Buffer.from(':1}}\n'));
    expect(messages).to.deep.equal([{ method: 'a', params: { x: 1 } }]);
  });

  it('delivers many frames from one chunk, in order, keeping the trailing partial', () => {
    const { decoder, messages } = collect();
    decoder.write(Buffer.from('{"id":1,"result":1}\n{"id":2,"result":2}\n{"id":3,"result":3}\n{"id":4,'));
    expect(messages.map((m) => (m as { id: number }).id)).to.deep.equal([1, 2, 3]);
    decoder.write(Buffer.from('"result":4}\n'));
    expect(messages.map((m) => (m as { id: number }).id)).to.deep.equal([1, 2, 3, 4]);
  });

  it('accepts CRLF line ends, including a CR and LF split between chunks', () => {
    const { decoder, messages, diagnostics } = collect();
    decoder.write(Buffer.from('{"method":"a"}\r\n{"method":"b"}\r'));
    decoder.write(Buffer.from('\n'));
    expect(messages).to.deep.equal([{ method: 'a' }, { method: 'b' }]);
    expect(diagnostics).to.deep.equal([]);
  });

  it('decodes a two-byte character split between chunks', () => {
    const { decoder, messages, diagnostics } = collect();
    const bytes = Buffer.from('{"method":"caf\u00e9"}\n');
    const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of "é"
    decoder.write(bytes.subarray(0, cut));
    decoder.write(bytes.subarray(cut));
    expect(messages).to.deep.equal([{ method: 'caf\u00e9' }]);
    expect(diagnostics).to.deep.equal([]);
  });

  it('decodes an emoji split byte by byte', () => {
    const { decoder, messages } = collect();
    const bytes = Buffer.from('{"method":"n","params":{"text":"hi \u{1F680}!"}}\n');
    for (let i = 0; i < bytes.length; i++) decoder.write(bytes.subarray(i, i + 1));
    expect(messages).to.deep.equal([{ method: 'n', params: { text: 'hi \u{1F680}!' } }]);
  });

  it('skips blank and whitespace-only lines silently', () => {
    const { decoder, messages, diagnostics } = collect();
    decoder.write(Buffer.from('\n\r\n   \n{"method":"a"}\n\n\t\n'));
    expect(messages).to.deep.equal([{ method: 'a' }]);
    expect(diagnostics).to.deep.equal([]);
  });

  it('reports garbage lines as diagnostics and goes on with the next frames', () => {
    const { decoder, messages, diagnostics } = collect();
    decoder.write(Buffer.from('not json at all\n{"method":"a"}\n{"trunc\n'));
    decoder.write(Buffer.from('42\n"text"\nnull\n[1,2]\n{"foo":1}\n{"method":"b"}\n'));
    expect(messages).to.deep.equal([{ method: 'a' }, { method: 'b' }]);
    expect(diagnostics.map((d) => [d.kind, d.raw])).to.deep.equal([
      ['invalid-json', 'not json at all'],
      ['invalid-json', '{"trunc'],
      ['not-a-message', '42'],
      ['not-a-message', '"text"'],
      ['not-a-message', 'null'],
      ['not-a-message', '[1,2]'],
      ['not-a-message', '{"foo":1}'],
    ]);
    for (const diagnostic of diagnostics) expect(diagnostic.message).to.be.a('string').and.not.equal('');
  });

  it('keeps a failure response whose id is null', () => {
    const { decoder, messages } = collect();
    decoder.write('{"id":null,"error":{"code":-32700,"message":"Parse error"}}\n');
    expect(messages).to.deep.equal([{ id: null, error: { code: -32700, message: 'Parse error' } }]);
  });

  it('delivers a last line without a newline at end()', () => {
    const { decoder, messages } = collect();
    decoder.write(Buffer.from('{"method":"a"}\n{"method":"b"}'));
    expect(messages).to.have.length(1);
    decoder.end();
    expect(messages).to.deep.equal([{ method: 'a' }, { method: 'b' }]);
  });

  it('decodes one record at a time with decodeLine (WebSocket frames)', () => {
    const { decoder, messages, diagnostics } = collect();
    decoder.decodeLine('{"id":1,"result":{}}');
    decoder.decodeLine('oops');
    expect(messages).to.deep.equal([{ id: 1, result: {} }]);
    expect(diagnostics.map((d) => d.kind)).to.deep.equal(['invalid-json']);
  });

  it('handles a long line delivered in many small chunks and many lines in one big chunk', () => {
    const { decoder, messages } = collect();
    const text = 'x'.repeat(200_000);
    const line = Buffer.from(`${JSON.stringify({ method: 'long', params: { text } })}\n`);
    for (let i = 0; i < line.length; i += 1000) decoder.write(line.subarray(i, i + 1000));
    expect(messages).to.have.length(1);
    expect((messages[0] as { params: { text: string } }).params.text).to.have.length(200_000);

    const many = Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ id: i, result: i })).join('\n') + '\n';
    decoder.write(Buffer.from(many));
    expect(messages).to.have.length(10_001);
    expect(messages[10_000]).to.deep.equal({ id: 9_999, result: 9_999 });
  });
});
