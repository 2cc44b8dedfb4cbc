import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

describe('README', () => {
  it('shows the tour that readme-tour.ts type-checks, word for word', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const tour = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const checked = readFileSync(join(import.meta.dirname, 'readme-tour.ts'), 'utf8');
    expect(tour).to.be.a('string');
    expect(checked.endsWith(tour!)).to.equal(true);
  });

  it('names the two commands a newcomer runs', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).to.contain('npm ci && npm run demo');
    expect(readme).to.contain('npm ci && npm test');
  });
});
