import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkExamples, extractExamples } from '../../scripts/check-examples.js';

const tmp = resolve(import.meta.dirname, '..', '.tmp', 'check-examples-self-test');

describe('check-examples script', () => {
  it('extracts each @example up to the next tag or the end of the comment, keeping line numbers across a code fence', () => {
    const text = [
      '/**',
      ' * Summary.',
      ' * @example',
      ' * ```ts',
      ' * const a = 1;',
      ' * console.log(a);',
      ' * ```',
      ' * @see other',
      ' */',
      '/**',
      ' * @example fragment',
      ' * thread.run(…);',
      ' */',
    ].join('\n');
    expect(extractExamples('src/x.ts', text)).to.deep.equal([
      { file: 'src/x.ts', line: 4, code: ['', 'const a = 1;', 'console.log(a);', ''], fragment: false },
      { file: 'src/x.ts', line: 12, code: ['thread.run(…);'], fragment: true },
    ]);
  });

  it('passes correct examples, skips a marked fragment, and reports a wrong example at its source line', function () {
    this.timeout(180_000);
    mkdirSync(tmp, { recursive: true });
    const file = join(tmp, 'sample.ts');
    writeFileSync(file, [
      '/**',
      ' * Right: public names, an ambient `thread`, an import of its own, and this file\'s export.',
      ' * @example',
      ' * import { lastValueFrom } from \'rxjs\';',
      ' * const result = await lastValueFrom(thread.run$(\'Say hello\').pipe(retryOnOverload()));',
      ' * console.log(result.finalResponse, right + 1);',
      ' */',
      'export const right = 1;',
      '/**',
      ' * Wrong.',
      ' * @example',
      ' * const count: number = codex;',
      ' */',
      'export const wrong = 2;',
      '/**',
      ' * A fragment, not checked.',
      ' * @example fragment',
      ' * await thread.run(…);',
      ' */',
      'export const fragment = 3;',
      '',
    ].join('\n'));
    const { found, checked, failures } = checkExamples([file], join(tmp, 'out'));
    expect({ found, checked }).to.deep.equal({ found: 3, checked: 2 });
    expect(failures).to.have.length(1);
    expect(failures[0]).to.match(/sample\.ts:12 @example: Type 'Codex' is not assignable to type 'number'/);
  });
});
