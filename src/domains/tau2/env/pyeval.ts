/**
 * `eval(expression, {"__builtins__": None}, {})` for the texts tau2's `calculate` tools let through (digits,
 * `+ - * / ( ) .` and spaces), as CPython 3.12 evaluates them: ints of any size, floats, `/` `//` `**`, the
 * empty tuple `()`, `...`, calls (`2(3)` is a call, and fails as one), complex results of a negative base
 * raised to a fractional power, and the same exceptions with the same texts — including the parser's
 * `SyntaxError`s (`pyparse.ts`); the operators are in `pyarith.ts`.
 */
import { binary, type EvalValue, reprValue, typeName, unary } from './pyarith.js';
import { type Node, parseArithmetic } from './pyparse.js';
import { typeError } from './python.js';

function evaluate(node: Node): EvalValue {
  switch (node.t) {
    case 'value':
      return node.value;
    case 'unary':
      return unary(node.op, evaluate(node.e));
    case 'binary':
      return binary(node.op, evaluate(node.l), evaluate(node.r));
    case 'call': {
      const callee = evaluate(node.callee);
      if (node.arg !== undefined) {
        const arg = evaluate(node.arg.e);
        if (node.arg.star === '*' && arg.kind !== 'tuple') {
          throw typeError(`${reprValue(callee)} argument after * must be an iterable, not ${typeName(arg)}`);
        }
        if (node.arg.star === '**') {
          throw typeError(`${reprValue(callee)} argument after ** must be a mapping, not ${typeName(arg)}`);
        }
      }
      throw typeError(`'${typeName(callee)}' object is not callable`);
    }
  }
}

/** `eval(src, {"__builtins__": None}, {})` for a str of digits, `+-*\/().` and spaces. */
export function evalArithmetic(src: string): EvalValue {
  return evaluate(parseArithmetic(src));
}
