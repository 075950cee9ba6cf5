/**
 * Where things are in a JSON text: a strict JSON scanner that records the line and column (1-based) of
 * every value by its JSON pointer, and reports a syntax error with its line and column. The value itself
 * comes from JSON.parse; this only locates.
 */

export interface TextLocation {
  line: number;
  column: number;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly location: TextLocation,
  ) {
    super(`${message} at line ${location.line}, column ${location.column}`);
    this.name = 'JsonSyntaxError';
  }
}

export interface LocatedJson {
  value: unknown;
  /** The location of the value at a JSON pointer, or of its nearest ancestor. */
  locate(pointer: string): TextLocation | undefined;
}

/** Parses JSON text; throws JsonSyntaxError with the line and column of the first error. */
export function parseLocated(text: string): LocatedJson {
  const locations = new Map<string, number>();
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (message: string): never => {
    throw new JsonSyntaxError(i >= text.length ? 'Unexpected end of JSON' : `${message} (found ${JSON.stringify(text[i])})`, position(text, i));
  };
  const string = () => {
    if (text[i] !== '"') fail('Expected a string');
    const start = i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail('Control character in a string');
      i++;
    }
    if (i >= text.length) fail('Unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (pointer: string): void => {
    ws();
    locations.set(pointer, i);
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        const key = string();
        ws();
        if (text[i] !== ':') fail("Expected ':' after a property name");
        i++;
        value(`${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail("Expected ',' or '}' after a property value");
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (let index = 0; ; index++) {
        value(`${pointer}/${index}`);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail("Expected ',' or ']' after an array element");
      }
    }
    if (c === '"') return void string();
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) fail('Unexpected token');
    i += literal![0].length;
  };
  value('');
  ws();
  if (i < text.length) fail('Unexpected text after the JSON value');
  const parsed: unknown = JSON.parse(text);
  return {
    value: parsed,
    locate(pointer: string) {
      let current = pointer === '/' ? '' : pointer;
      for (;;) {
        const offset = locations.get(current);
        if (offset !== undefined) return position(text, offset);
        if (current === '') return undefined;
        current = current.slice(0, current.lastIndexOf('/'));
      }
    },
  };
}

function position(text: string, offset: number): TextLocation {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
