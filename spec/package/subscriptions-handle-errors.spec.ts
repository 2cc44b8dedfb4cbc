import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '../..');

/** The code a user copies: README code blocks, the examples, and the JSDoc examples of the connection and operators. */
function snippets(): { readonly where: string; readonly code: string }[] {
  const found: { where: string; code: string }[] = [];
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const [i, match] of [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].entries()) found.push({ where: `README.md block ${i + 1}`, code: match[1]! });
  for (const dir of ['examples', 'examples/support']) {
    for (const file of readdirSync(join(root, dir)).filter((name) => name.endsWith('.ts'))) {
      found.push({ where: `${dir}/${file}`, code: readFileSync(join(root, dir, file), 'utf8') });
    }
  }
  for (const dir of ['src/connection', 'src/operators']) {
    for (const file of readdirSync(join(root, dir)).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(join(root, dir, file), 'utf8');
      for (const match of source.matchAll(/@example\n((?: \*(?: .*)?\n)+?) \*\//g)) {
        found.push({ where: `${relative(root, join(root, dir, file))} @example`, code: match[1]!.replace(/^ \* ?/gm, '') });
      }
    }
  }
  return found;
}

/** `x.subscribe(…)` calls that give no error handler: no argument, a lone callback, or an observer without `error`. */
function unhandledSubscriptions(code: string): string[] {
  const file = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'subscribe') {
      const [first, second] = node.arguments;
      const observerWithError =
        first !== undefined && ts.isObjectLiteralExpression(first) && first.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'error');
      if (second === undefined && !observerWithError) found.push(node.getText(file).split('\n')[0]!.trim());
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('documentation and examples', () => {
  it('handle the error of every subscription they show (an unhandled one, e.g. TransportClosedError, kills the process)', () => {
    const missing = snippets().flatMap(({ where, code }) => unhandledSubscriptions(code).map((call) => `${where}: ${call}`));
    expect(missing).to.deep.equal([]);
  });

  it('the check finds a subscription without an error handler', () => {
    expect(unhandledSubscriptions('turn.events$.subscribe(write); a$.subscribe({ next: f }); b$.subscribe({ next: f, error: g }); c$.subscribe(f, g);')).to.deep.equal([
      'turn.events$.subscribe(write)',
      'a$.subscribe({ next: f })',
    ]);
  });
});
