/**
 * Pulls metric and label names out of PromQL text and attribute names out of TraceQL text, so tests can check
 * that queries only use the names the project defines. A light lexer, enough for the queries we write: it does
 * not parse PromQL, it strips what is not a name (strings, range windows, numbers) and classifies identifiers.
 */

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'offset',
  'bool',
  'by',
  'without',
  'on',
  'ignoring',
  'inf',
  'nan',
]);
const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;

export interface PromqlNames {
  metrics: Set<string>;
  labels: Set<string>;
}

export function promqlNames(query: string): PromqlNames {
  const metrics = new Set<string>();
  const labels = new Set<string>();
  let text = query
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // string literals
    .replace(/\[[^\]]*\]/g, ''); // range windows
  // label names in grouping clauses
  text = text.replace(GROUPING, (_whole, _kw: string, list: string) => {
    for (const l of list.split(',')) if (l.trim()) labels.add(l.trim());
    return ' ';
  });
  // label matchers: {name op "value", ...}
  text = text.replace(/\{([^}]*)\}/g, (_whole, body: string) => {
    for (const m of body.matchAll(/([a-zA-Z_]\w*)\s*(=~|!~|!=|=)/g)) labels.add(m[1]!);
    return ' ';
  });
  for (const m of text.matchAll(/(?<![\w.])[a-zA-Z_:][\w:]*/g)) {
    const name = m[0];
    const after = text.slice(m.index! + name.length);
    if (/^\s*\(/.test(after)) continue; // a function or an aggregation
    if (KEYWORDS.has(name.toLowerCase())) continue;
    if (/^\d/.test(name)) continue;
    metrics.add(name);
  }
  return { metrics, labels };
}

/** `span.x.y` and `resource.x.y` attribute references of a TraceQL query (without the scope). */
export function traceqlAttributes(query: string): Set<string> {
  const text = query.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return new Set([...text.matchAll(/\b(?:span|resource)\.([a-zA-Z_][\w.]*)/g)].map((m) => m[1]!));
}
