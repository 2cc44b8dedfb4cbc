/**
 * Breaks text into lines of at most `width` characters: at spaces where it can, inside a word
 * only when the word alone is too long. Newlines in the text are kept. Greedy, so the lines
 * before the last one stay the same as more text streams in (the plain view relies on it to
 * print each line once).
 *
 * @example
 * wrapText('one two three', 7); // ['one two', 'three']
 */
export function wrapText(text: string, width: number): string[] {
  const size = Math.max(1, Math.floor(width));
  return text.split('\n').flatMap((paragraph) => wrapParagraph(paragraph, size));
}

function wrapParagraph(paragraph: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (candidate.length <= width) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    let rest = word;
    while (rest.length > width) {
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    line = rest;
  }
  lines.push(line);
  return lines;
}
