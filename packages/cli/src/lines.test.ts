// Proves how produce input becomes records: lines end at \n with an optional \r before it (also
// when \r and \n arrive in different chunks); a final newline adds no empty record, but empty lines
// in the middle are records; the last line needs no newline; key and value split at the first
// separator (multi-byte ones too), and a line without it has a null key. Bytes stay bytes.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineSplitter, readLines, splitKeyValue } from './lines.js';

async function linesOf(chunks: (string | Buffer)[]): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readLines(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))))) out.push(line.toString('utf8'));
  return out;
}

describe('readLines', () => {
  it('splits on \\n and drops a \\r before it', async () => {
    expect(await linesOf(['a\nb\r\nc\n'])).toEqual(['a', 'b', 'c']);
  });

  it('gives no record for the empty text after a final newline', async () => {
    expect(await linesOf(['one\ntwo\n'])).toEqual(['one', 'two']);
    expect(await linesOf(['one\r\ntwo\r\n'])).toEqual(['one', 'two']);
    expect(await linesOf([''])).toEqual([]);
  });

  it('keeps empty lines in the middle as empty records', async () => {
    expect(await linesOf(['a\n\n\r\nb\n'])).toEqual(['a', '', '', 'b']);
    expect(await linesOf(['\n'])).toEqual(['']);
  });

  it('takes a last line without a newline', async () => {
    expect(await linesOf(['a\nlast'])).toEqual(['a', 'last']);
    expect(await linesOf(['a\nlast\r'])).toEqual(['a', 'last']);
  });

  it('joins lines across chunk boundaries, including a \\r\\n split in two', async () => {
    expect(await linesOf(['hel', 'lo wo', 'rld\r', '\nnext', '\n'])).toEqual(['hello world', 'next']);
    expect(await linesOf(['x', '', 'y\n'])).toEqual(['xy']);
  });

  it('keeps multi-byte characters split across chunks intact', async () => {
    const euro = Buffer.from('€uro\n');
    expect(await linesOf([euro.subarray(0, 1), euro.subarray(1, 2), euro.subarray(2)])).toEqual(['€uro']);
  });

  it('keeps non-UTF-8 bytes as they are', async () => {
    const splitter = new LineSplitter();
    const [line] = splitter.push(Buffer.from([0xff, 0x00, 0x80, 0x0a]));
    expect([...line!]).toEqual([0xff, 0x00, 0x80]);
  });
});

describe('splitKeyValue', () => {
  const b = (s: string): Buffer => Buffer.from(s);
  const split = (line: string, sep?: string): [string | null, string] => {
    const { key, value } = splitKeyValue(b(line), sep === undefined ? undefined : b(sep));
    return [key === null ? null : key.toString(), value.toString()];
  };

  it('splits at the first separator only', () => {
    expect(split('k:v:w', ':')).toEqual(['k', 'v:w']);
    expect(split(':v', ':')).toEqual(['', 'v']);
    expect(split('k:', ':')).toEqual(['k', '']);
  });

  it('handles multi-byte separators', () => {
    expect(split('key=>value', '=>')).toEqual(['key', 'value']);
    expect(split('clé→valeur', '→')).toEqual(['clé', 'valeur']);
  });

  it('gives a null key without a separator, or without one in the line', () => {
    expect(split('k:v')).toEqual([null, 'k:v']);
    expect(split('no separator here', '\t')).toEqual([null, 'no separator here']);
  });
});
