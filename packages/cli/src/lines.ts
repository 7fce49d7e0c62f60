// Splitting produce input into records without loading it: chunks in, lines out. A line ends at
// \n; a \r before it is dropped (Windows line ends); text after the last \n is a line only when it
// is not empty, so a file that ends with a newline gives no extra empty record. Lines are bytes
// (Buffers), so values need not be UTF-8.

export class LineSplitter {
  /** Pieces of the line still open at the end of the last chunk. */
  private partial: Buffer[] = [];

  /** The complete lines in `chunk` (with what came before it). */
  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    // Bounded by the chunk: each pass moves `start` past one newline.
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      let line = chunk.subarray(start, nl);
      if (this.partial.length > 0) {
        line = Buffer.concat([...this.partial, line]);
        this.partial = [];
      }
      lines.push(stripCr(line));
      start = nl + 1;
    }
    if (start < chunk.length) this.partial.push(chunk.subarray(start));
    return lines;
  }

  /** The last line, when the input did not end with a newline. */
  end(): Buffer | undefined {
    if (this.partial.length === 0) return undefined;
    const last = stripCr(Buffer.concat(this.partial));
    this.partial = [];
    return last.length > 0 ? last : undefined;
  }
}

const stripCr = (line: Buffer): Buffer => (line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line);

/** Lines of a stream of chunks (strings are taken as UTF-8). */
export async function* readLines(input: AsyncIterable<Buffer | string>, onChunk?: (bytes: number) => void): AsyncGenerator<Buffer> {
  const splitter = new LineSplitter();
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    onChunk?.(buf.length);
    yield* splitter.push(buf);
  }
  const last = splitter.end();
  if (last !== undefined) yield last;
}

/**
 * Key and value of a line: split at the first `separator` when one is given and present; a line
 * without it is all value, with a null key (as kcat does).
 */
export function splitKeyValue(line: Buffer, separator: Buffer | undefined): { key: Buffer | null; value: Buffer } {
  if (separator === undefined || separator.length === 0) return { key: null, value: line };
  const at = line.indexOf(separator);
  if (at === -1) return { key: null, value: line };
  return { key: line.subarray(0, at), value: line.subarray(at + separator.length) };
}
