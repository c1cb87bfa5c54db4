/**
 * CPython 3.12's tokenizer and parser for the texts tau2's `calculate` lets through (digits, `+ - * / ( ) .`
 * and spaces): the expression tree, or the `SyntaxError` CPython raises, worded as CPython words it — which
 * depends on how far its two parser passes read (see `Parser`).
 */
import type { EvalValue } from './pyarith.js';
import { PyError } from './python.js';

/** The expression tree: literals, `+x`/`-x`, binary operators, calls with at most one argument (no commas). */
export type Node =
  | { t: 'value'; value: EvalValue }
  | { t: 'unary'; op: '+' | '-'; e: Node }
  | { t: 'binary'; op: string; l: Node; r: Node }
  | { t: 'call'; callee: Node; arg?: { star: '' | '*' | '**'; e: Node } };

interface Token {
  type: 'number' | 'op' | 'error';
  text: string;
  /** Parenthesis depth after the token, as CPython's tokenizer records it (`(` counts already). */
  level: number;
}

// str(SyntaxError) of eval's input: the message and where (eval's source is "<string>").
const syntaxError = (msg: string, line = 1): PyError =>
  new PyError('SyntaxError', `${msg} (<string>, line ${line})`);

const LEADING_ZEROS =
  'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers';

/** CPython's tokenizer over the allowed characters; it stops at its first error, as CPython's does. */
function tokenize(src: string): { tokens: Token[]; endLevel: number } {
  const tokens: Token[] = [];
  let level = 0;
  let i = 0;
  const digitsFrom = (j: number) => {
    while (j < src.length && src[j]! >= '0' && src[j]! <= '9') j++;
    return j;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ') {
      i++;
      continue;
    }
    if (c >= '0' && c <= '9') {
      let j = digitsFrom(i);
      const isFloat = src[j] === '.';
      if (isFloat) j = digitsFrom(j + 1);
      const text = src.slice(i, j);
      // "007" is an error, "000" and "007.5" are not.
      if (!isFloat && text.length > 1 && text[0] === '0' && /[1-9]/.test(text)) {
        tokens.push({ type: 'error', text: LEADING_ZEROS, level });
        return { tokens, endLevel: level };
      }
      tokens.push({ type: 'number', text, level });
      i = j;
    } else if (c === '.' && src[i + 1] !== undefined && src[i + 1]! >= '0' && src[i + 1]! <= '9') {
      const j = digitsFrom(i + 1);
      tokens.push({ type: 'number', text: src.slice(i, j), level });
      i = j;
    } else if (src.startsWith('...', i)) {
      tokens.push({ type: 'op', text: '...', level });
      i += 3;
    } else if (src.startsWith('**', i) || src.startsWith('//', i)) {
      tokens.push({ type: 'op', text: src.slice(i, i + 2), level });
      i += 2;
    } else {
      if (c === '(') level++;
      if (c === ')') {
        if (level === 0) {
          tokens.push({ type: 'error', text: "unmatched ')'", level });
          return { tokens, endLevel: level };
        }
        level--;
      }
      tokens.push({ type: 'op', text: c, level });
      i++;
    }
  }
  return { tokens, endLevel: level };
}

const END: Token = { type: 'op', text: '<end>', level: 0 };

/**
 * CPython's PEG parser on this grammar subset. A first pass parses; when it fails, a second pass with the
 * `invalid_*` rules looks for a specific message (`Perhaps you forgot a comma?` for two expressions side by
 * side inside brackets, starred expressions in a group). Reading a token is what raises the tokenizer's
 * errors, and reading past the end with a bracket open raises `'(' was never closed`, so messages depend on
 * how far the parser reads: this parser reads as far as CPython's does (one token past each operand).
 */
class Parser {
  pos = 0;
  invalid = false;
  constructor(
    private readonly tokens: Token[],
    private readonly endLevel: number,
  ) {}

  peek(): Token {
    const tok = this.tokens[this.pos];
    if (tok === undefined) {
      if (this.endLevel > 0) throw syntaxError("'(' was never closed");
      return END;
    }
    if (tok.type === 'error') throw syntaxError(tok.text);
    return tok;
  }

  private isOp(text: string): boolean {
    const tok = this.peek();
    return tok.type === 'op' && tok.text === text;
  }

  /** `eval: expressions NEWLINE* ENDMARKER` (no commas, so one expression). */
  parseEval(): Node | null {
    const e = this.expression();
    return e !== null && this.peek() === END ? e : null;
  }

  expression(): Node | null {
    if (this.invalid) {
      // invalid_expression: a disjunction directly followed by another expression.
      const start = this.pos;
      if (this.sum() !== null) {
        this.invalid = false;
        const b = this.expression();
        this.invalid = true;
        if (b !== null && this.tokens[this.pos - 1]!.level > 0) {
          throw syntaxError('invalid syntax. Perhaps you forgot a comma?');
        }
      }
      this.pos = start;
    }
    return this.sum();
  }

  private binaryChain(operand: () => Node | null, ops: readonly string[]): Node | null {
    let left = operand();
    if (left === null) return null;
    for (;;) {
      const tok = this.peek();
      if (tok.type !== 'op' || !ops.includes(tok.text)) return left;
      const save = this.pos;
      this.pos++;
      const right = operand();
      if (right === null) {
        this.pos = save;
        return left;
      }
      left = { t: 'binary', op: tok.text, l: left, r: right };
    }
  }

  private sum(): Node | null {
    return this.binaryChain(() => this.term(), ['+', '-']);
  }

  private term(): Node | null {
    return this.binaryChain(() => this.factor(), ['*', '/', '//']);
  }

  private factor(): Node | null {
    const tok = this.peek();
    if (tok.type === 'op' && (tok.text === '+' || tok.text === '-')) {
      const save = this.pos;
      this.pos++;
      const e = this.factor();
      if (e === null) {
        this.pos = save;
        return null;
      }
      return { t: 'unary', op: tok.text, e };
    }
    return this.power();
  }

  private power(): Node | null {
    const base = this.primary();
    if (base === null) return null;
    if (!this.isOp('**')) return base;
    const save = this.pos;
    this.pos++;
    const exp = this.factor();
    if (exp === null) {
      this.pos = save;
      return base;
    }
    return { t: 'binary', op: '**', l: base, r: exp };
  }

  private primary(): Node | null {
    let node = this.atom();
    if (node === null) return null;
    for (;;) {
      const save = this.pos;
      if (this.isOp('.')) {
        // `primary '.' NAME`: there is no NAME, but the parser reads the token to find out.
        this.pos++;
        this.peek();
        this.pos = save;
        return node;
      }
      if (!this.isOp('(')) return node;
      this.pos++;
      const arg = this.argument();
      if (!this.isOp(')')) {
        this.pos = save;
        return node;
      }
      this.pos++;
      node = arg === undefined ? { t: 'call', callee: node } : { t: 'call', callee: node, arg };
    }
  }

  // One call argument (no commas are possible): `*e`, `**e` or `e`; undefined for none.
  private argument(): { star: '' | '*' | '**'; e: Node } | undefined {
    if (this.isOp(')')) return undefined;
    const save = this.pos;
    const star = this.isOp('*') ? '*' : this.isOp('**') ? '**' : '';
    if (star !== '') this.pos++;
    const e = this.expression();
    if (e === null) {
      this.pos = save;
      return undefined;
    }
    return { star, e };
  }

  private atom(): Node | null {
    const tok = this.peek();
    if (tok.type === 'number') {
      this.pos++;
      return { t: 'value', value: numberValue(tok.text) };
    }
    if (tok.type === 'op' && tok.text === '...') {
      this.pos++;
      return { t: 'value', value: { kind: 'ellipsis' } };
    }
    if (!(tok.type === 'op' && tok.text === '(')) return null;
    const start = this.pos;
    this.pos++;
    if (this.isOp(')')) {
      this.pos++;
      return { t: 'value', value: { kind: 'tuple' } };
    }
    const inner = this.pos;
    if (this.isOp('*')) {
      // The tuple alternative `(*x, ...)` reads a starred operand before it misses its comma.
      this.pos++;
      this.sum();
      this.pos = inner;
    }
    const e = this.expression();
    if (e !== null && this.isOp(')')) {
      this.pos++;
      return e;
    }
    if (this.invalid) {
      // invalid_group: `(*e)` and `(**e)`.
      for (const [star, what] of [
        ['*', 'starred'],
        ['**', 'double starred'],
      ] as const) {
        this.pos = inner;
        if (!this.isOp(star)) continue;
        this.pos++;
        if (this.expression() !== null && this.isOp(')')) {
          throw syntaxError(`cannot use ${what} expression here`);
        }
      }
    }
    this.pos = start;
    return null;
  }
}

function numberValue(text: string): EvalValue {
  return text.includes('.') ? { kind: 'float', v: Number(text) } : { kind: 'int', v: BigInt(text) };
}

/** Parses `src` as `eval` does, raising CPython's `SyntaxError` texts. */
export function parseArithmetic(src: string): Node {
  // eval() drops leading spaces and tabs; an empty source is an error "at line 0".
  const { tokens, endLevel } = tokenize(src.replace(/^[ \t]+/, ''));
  if (tokens.length === 0) throw syntaxError('invalid syntax', 0);
  const parser = new Parser(tokens, endLevel);
  const ast = parser.parseEval();
  if (ast !== null) return ast;
  // A tokenizer error anywhere in the source wins over the parser's own messages, but not over one that
  // reading the source already raised (those propagate from peek() directly).
  const tokenizerError = tokens.find((t) => t.type === 'error');
  parser.pos = 0;
  parser.invalid = true;
  try {
    parser.parseEval();
  } catch (err) {
    if (tokenizerError !== undefined && !/was never closed/.test((err as PyError).message)) {
      throw syntaxError(tokenizerError.text);
    }
    throw err;
  }
  throw syntaxError(tokenizerError?.text ?? 'invalid syntax');
}
