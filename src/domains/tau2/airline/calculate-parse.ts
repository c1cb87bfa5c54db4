/**
 * CPython 3.12's parser for the characters tau2's `calculate` allows (`0123456789+-*\/(). `): numbers, `+ - * /
 * // **`, unary signs, parentheses, calls, `()` and `...`. `compile` returns the expression tree or raises the
 * `SyntaxError` CPython raises, with its precedence rules: a tokenizer error or an unclosed `(` reached while
 * parsing comes first, then the parser's error, which a tokenizer error later in the source replaces.
 */
import { PyError } from '../env/python.js';

/** An expression tree of the allowed subset. */
export type Node =
  | { t: 'num'; value: bigint | number }
  | { t: 'ellipsis' }
  | { t: 'tuple' }
  | { t: 'unary'; op: '+' | '-'; operand: Node }
  | { t: 'binary'; op: string; left: Node; right: Node }
  | { t: 'call'; callee: Node; arg: Node | null; unpack: '' | '*' | '**' };

type Token =
  | { k: 'num'; text: string; depth: number }
  | { k: 'op'; text: string; depth: number }
  | { k: 'eof'; depth: number }
  | { k: 'error'; message: string };

const syntaxError = (message: string, line = 1): PyError =>
  new PyError('SyntaxError', `${message} (<string>, line ${line})`);

const LEADING_ZEROS =
  'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers';

/** CPython's tokenizer over the allowed characters; a tokenizer error becomes the last token. */
function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  const digits = () => {
    while (i < src.length && src[i]! >= '0' && src[i]! <= '9') i++;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ') {
      i++;
      continue;
    }
    const start = i;
    const isDigit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1]))) {
      digits();
      const intPart = src.slice(start, i);
      if (src[i] === '.') {
        i++;
        digits();
      } else if (/^0+[1-9]/.test(intPart)) {
        // An int literal with leading zeros (a float such as 0123.5 is fine).
        tokens.push({ k: 'error', message: LEADING_ZEROS });
        return tokens;
      }
      tokens.push({ k: 'num', text: src.slice(start, i), depth });
      continue;
    }
    let op: string = c;
    if (src.startsWith('...', i)) op = '...';
    else if (src.startsWith('**', i) || src.startsWith('//', i)) op = src.slice(i, i + 2);
    i += op.length;
    if (op === '(') depth++;
    if (op === ')') {
      if (depth === 0) {
        tokens.push({ k: 'error', message: "unmatched ')'" });
        return tokens;
      }
      depth--;
    }
    tokens.push({ k: 'op', text: op, depth });
  }
  tokens.push({ k: 'eof', depth });
  return tokens;
}

// A token the grammar cannot take; `message` when CPython's second pass names the mistake.
class ParseFailure {
  constructor(
    readonly at: number,
    readonly message?: string,
  ) {}
}

/**
 * The parser, fetching tokens lazily as CPython's does: a tokenizer error or an unclosed `(` at the end is
 * raised when the parser reaches it; a token the grammar cannot take is a {@link ParseFailure}.
 */
class Parser {
  pos = 0;
  furthest = -1;
  constructor(readonly tokens: Token[]) {}

  peek(offset = 0): Token {
    const index = Math.min(this.pos + offset, this.tokens.length - 1);
    this.furthest = Math.max(this.furthest, index);
    const tok = this.tokens[index]!;
    if (tok.k === 'error') throw syntaxError(tok.message);
    if (tok.k === 'eof' && tok.depth > 0) throw syntaxError("'(' was never closed");
    return tok;
  }
  isOp(text: string): boolean {
    const tok = this.peek();
    return tok.k === 'op' && tok.text === text;
  }
  fail(): never {
    throw new ParseFailure(this.pos);
  }

  expr(): Node {
    let left = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.tokens[this.pos++] as { text: string }).text;
      left = { t: 'binary', op, left, right: this.term() };
    }
    return left;
  }
  term(): Node {
    let left = this.factor();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//')) {
      const op = (this.tokens[this.pos++] as { text: string }).text;
      left = { t: 'binary', op, left, right: this.factor() };
    }
    return left;
  }
  factor(): Node {
    if (this.isOp('+') || this.isOp('-')) {
      const op = (this.tokens[this.pos++] as { text: string }).text as '+' | '-';
      return { t: 'unary', op, operand: this.factor() };
    }
    const base = this.primary();
    if (this.isOp('**')) {
      this.pos++;
      return { t: 'binary', op: '**', left: base, right: this.factor() };
    }
    return base;
  }
  primary(): Node {
    let node = this.atom();
    for (;;) {
      if (this.isOp('(')) {
        this.pos++;
        // One argument at most (no commas): `f()`, `f(x)`, `f(*x)`, `f(**x)`.
        const unpack = this.isOp('*') ? '*' : this.isOp('**') ? '**' : '';
        this.pos += unpack === '' ? 0 : 1;
        const arg = unpack === '' && this.isOp(')') ? null : this.expr();
        if (!this.isOp(')')) this.fail();
        this.pos++;
        node = { t: 'call', callee: node, arg, unpack };
      } else if (this.isOp('.')) {
        // Attribute access needs a NAME, which the allowed characters cannot spell.
        this.peek(1);
        this.fail();
      } else return node;
    }
  }
  atom(): Node {
    const tok = this.peek();
    if (tok.k === 'num') {
      this.pos++;
      return { t: 'num', value: tok.text.includes('.') ? Number(tok.text) : BigInt(tok.text) };
    }
    if (tok.k === 'op' && tok.text === '...') {
      this.pos++;
      return { t: 'ellipsis' };
    }
    if (tok.k === 'op' && tok.text === '(') {
      this.pos++;
      if (this.isOp(')')) {
        this.pos++;
        return { t: 'tuple' };
      }
      // `(*x)` and `(**x)` parse, then CPython's invalid_group rejects them.
      const star = this.isOp('*') ? 'starred' : this.isOp('**') ? 'double starred' : '';
      this.pos += star === '' ? 0 : 1;
      const inner = this.expr();
      if (!this.isOp(')')) this.fail();
      if (star !== '') throw new ParseFailure(this.pos, `cannot use ${star} expression here`);
      this.pos++;
      return inner;
    }
    return this.fail();
  }
}

/** `compile(src, '<string>', 'eval')`: the expression tree, or CPython's `SyntaxError`. */
export function compile(src: string): Node {
  // eval() strips leading blanks; an empty source fails on line 0.
  const text = src.replace(/^ +/, '');
  const parser = new Parser(tokenize(text));
  let failure: ParseFailure;
  try {
    const node = parser.expr();
    if (parser.peek().k === 'eof') return node;
    failure = new ParseFailure(parser.pos);
  } catch (err) {
    if (!(err instanceof ParseFailure)) throw err;
    failure = err;
  }
  if (text === '') throw syntaxError('invalid syntax', 0);
  let error = syntaxError(failure.message ?? 'invalid syntax');
  // CPython's second pass tries "an expression followed by another": it parses that second expression (which
  // may reach a tokenizer error or the unclosed end) and, inside brackets only, says "Perhaps you forgot a
  // comma?".
  const tok = parser.tokens[failure.at]!;
  if (failure.message === undefined && (tok.k === 'num' || (tok.k === 'op' && tok.text === '...'))) {
    parser.pos = failure.at;
    try {
      parser.expr();
    } catch (err) {
      if (!(err instanceof ParseFailure)) throw err;
    }
    if (tok.depth > 0) error = syntaxError('invalid syntax. Perhaps you forgot a comma?');
  }
  // Then the rest of the source is tokenized: a tokenizer error there replaces the parser's error.
  for (const rest of parser.tokens.slice(parser.furthest + 1)) {
    if (rest.k === 'error') throw syntaxError(rest.message);
  }
  throw error;
}
