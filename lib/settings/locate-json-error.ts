/**
 * Where a JSON text stops being JSON. V8's JSON.parse gives a position for some errors and,
 * for others ("Unexpected token"), only a snippet of the text, which may hold a secret and
 * must not be echoed. This scanner finds the offset itself; it runs only after JSON.parse
 * has failed, and is iterative so that deeply nested input cannot overflow the stack.
 */
export function jsonErrorOffset(text: string): number {
  const stack: string[] = [];
  let state: 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'after' = 'value';
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= n) return state === 'after' && stack.length === 0 ? -1 : n;
    const c = text[i];
    switch (state) {
      case 'value':
      case 'valueOrClose': {
        if (state === 'valueOrClose' && c === ']') {
          stack.pop();
          i++;
          state = 'after';
        } else if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          state = c === '{' ? 'keyOrClose' : 'valueOrClose';
        } else {
          const end = c === '"' ? stringEnd(text, i) : literalEnd(text, i);
          if (end < 0) return -end - 1;
          i = end;
          state = 'after';
        }
        break;
      }
      case 'key':
      case 'keyOrClose': {
        if (state === 'keyOrClose' && c === '}') {
          stack.pop();
          i++;
          state = 'after';
        } else if (c === '"') {
          const end = stringEnd(text, i);
          if (end < 0) return -end - 1;
          i = end;
          state = 'colon';
        } else return i;
        break;
      }
      case 'colon':
        if (c !== ':') return i;
        i++;
        state = 'value';
        break;
      case 'after': {
        const top = stack[stack.length - 1];
        if (top === undefined) return i;
        if (c === ',') state = top === '{' ? 'key' : 'value';
        else if ((top === '{' && c === '}') || (top === '[' && c === ']')) stack.pop();
        else return i;
        i++;
        break;
      }
    }
  }
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

// Both helpers return the offset just past the token, or -(offset of the error) - 1.
function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) return -j - 1;
    if (c === 0x5c) {
      const e = text[j + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return -j - 1;
        j += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j++;
      else return -j - 1;
    }
  }
  return -text.length - 1;
}

const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

function literalEnd(text: string, start: number): number {
  LITERAL.lastIndex = start;
  const m = LITERAL.exec(text);
  return m ? start + m[0].length : -start - 1;
}
