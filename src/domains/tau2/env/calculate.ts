/**
 * The `calculate` tool that tau2's retail and airline toolkits define identically: a character check, then
 * `str(round(float(eval(expression)), 2))`. The argument is not validated, so a non-str fails on iteration
 * (`'int' object is not iterable`) or in `eval` itself.
 */
import { pyFloatRepr } from '../../../export/legacy/json.js';
import type { PyValue } from '../../../util/pyjson.js';
import { pyIter, pyRound } from './builtins.js';
import { t } from './model.js';
import { toPyFloat } from './pyarith.js';
import { evalArithmetic } from './pyeval.js';
import { pyTypeName, typeError, valueError } from './python.js';
import type { MethodSpec } from './toolkit.js';

const ALLOWED = '0123456789+-*/(). ';

/** `calculate(expression)`'s body: the result text, or the `PyError` Python raises. */
export function calculate(expression: PyValue): string {
  // `all(char in ALLOWED for char in expression)`: `in` on a str is a substring test and wants a str.
  for (const char of pyIter(expression)) {
    if (typeof char !== 'string') {
      throw typeError(`'in <string>' requires string as left operand, not ${pyTypeName(char)}`);
    }
    if (!ALLOWED.includes(char)) throw valueError('Invalid characters in expression');
  }
  if (typeof expression !== 'string') throw typeError('eval() arg 1 must be a string, bytes or code object');
  return pyFloatRepr(pyRound(toPyFloat(evalArithmetic(expression)), 2) as number);
}

/** The `calculate` tool (`@is_tool(ToolType.GENERIC)`), the same in retail's and airline's toolkits. */
export const calculateTool: MethodSpec = {
  name: 'calculate',
  description: 'Calculate the result of a mathematical expression.',
  toolType: 'generic',
  params: [
    {
      name: 'expression',
      type: t.str,
      description:
        "The mathematical expression to calculate, such as '2 + 2'. The expression can contain numbers, operators (+, -, *, /), parentheses, and spaces.",
    },
  ],
  run: (_db, a) => calculate(a['expression']!),
};
