// Finds PromQL that leans on operator precedence around `and`, `or` and `unless`. In PromQL `*`
// binds tighter than `and` and `and` tighter than `or`, so `A and B * C` scales B, not A: written
// meaning "(A and B) * C", it silently means something else. The rule held here: within one pair
// of parentheses (or one function argument), a set operator shares its level with no other
// operator but itself, so every operand that is combined further is parenthesised.
//
// Prometheus 2.42 (the Debian package the stack runs) has no parse_query API to hand out the syntax
// tree, so this reads the text: it only needs brackets, strings and operators, not a full grammar.

const SET_OPERATORS = new Set(['and', 'or', 'unless']);
// Longest first, so `==` is not read as two `=`, nor `<=` as `<`.
const SYMBOL_OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '^'];

interface Group {
  start: number;
  operators: Set<string>;
  /** Label matchers and range selectors hold no operators, only `=`, `=~` and durations. */
  opaque: boolean;
}

export interface Mixing {
  operators: string[];
  /** The text of the parenthesised group (or the whole expression) where they meet. */
  text: string;
}

export function precedenceMixings(expr: string): Mixing[] {
  const found: Mixing[] = [];
  const stack: Group[] = [{ start: 0, operators: new Set(), opaque: false }];
  const close = (group: Group, end: number): void => {
    const operators = [...group.operators];
    if (operators.some((op) => SET_OPERATORS.has(op)) && operators.length > 1) {
      found.push({ operators: operators.sort(), text: expr.slice(group.start, end).trim() });
    }
  };
  let i = 0;
  while (i < expr.length) {
    const group = stack[stack.length - 1]!;
    const char = expr[i]!;
    if (char === '"' || char === "'" || char === '`') {
      const end = expr.indexOf(char, i + 1);
      i = end < 0 ? expr.length : end + 1;
      continue;
    }
    if (char === '(' || char === '[' || char === '{') {
      stack.push({ start: i + 1, operators: new Set(), opaque: group.opaque || char !== '(' });
      i++;
      continue;
    }
    if (char === ')' || char === ']' || char === '}') {
      close(stack.pop()!, i);
      i++;
      continue;
    }
    if (char === ',') {
      // Each function argument is judged on its own.
      close(group, i);
      stack[stack.length - 1] = { start: i + 1, operators: new Set(), opaque: group.opaque };
      i++;
      continue;
    }
    if (group.opaque) {
      i++;
      continue;
    }
    const word = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(expr.slice(i))?.[0];
    if (word) {
      if (SET_OPERATORS.has(word)) group.operators.add(word);
      i += word.length;
      continue;
    }
    const symbol = SYMBOL_OPERATORS.find((op) => expr.startsWith(op, i));
    if (symbol) {
      group.operators.add(symbol);
      i += symbol.length;
      continue;
    }
    i++;
  }
  close(stack[0]!, expr.length);
  return found;
}
