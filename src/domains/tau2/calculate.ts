/** A safe arithmetic evaluator for the `calculate` tool: numbers, + - * /, unary signs and parentheses. */
import { ToolError } from '../kit.js';

/**
 * Evaluates an arithmetic expression with the usual precedence, e.g. `'(2 + 3) * 1.5'` → 7.5. Anything else
 * (names, other operators, unbalanced parentheses, division by zero) throws a {@link ToolError}.
 */
export function evaluateArithmetic(expression: string): number {
  const tokens = expression.match(/\d+(?:\.\d*)?|\.\d+|[-+*/()]|\S/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const bad = (what: string) => new ToolError(`invalid expression '${expression}': ${what}`);

  // Grammar: sum := product (('+'|'-') product)*; product := unary (('*'|'/') unary)*;
  // unary := ('+'|'-') unary | number | '(' sum ')'
  const sum = (): number => {
    let value = product();
    for (let op = peek(); op === '+' || op === '-'; op = peek()) {
      pos++;
      value = op === '+' ? value + product() : value - product();
    }
    return value;
  };
  const product = (): number => {
    let value = unary();
    for (let op = peek(); op === '*' || op === '/'; op = peek()) {
      pos++;
      const rhs = unary();
      if (op === '/' && rhs === 0) throw bad('division by zero');
      value = op === '*' ? value * rhs : value / rhs;
    }
    return value;
  };
  const unary = (): number => {
    const tok = tokens[pos++];
    if (tok === '-') return -unary();
    if (tok === '+') return unary();
    if (tok === '(') {
      const value = sum();
      if (tokens[pos++] !== ')') throw bad("missing ')'");
      return value;
    }
    if (tok !== undefined && /^[\d.]/.test(tok)) return Number(tok);
    throw bad(tok === undefined ? 'unexpected end' : `unexpected '${tok}'`);
  };

  if (tokens.length === 0) throw bad('empty');
  const value = sum();
  if (pos < tokens.length) throw bad(`unexpected '${tokens[pos]}'`);
  return value;
}
