// Fails when folders import each other in a circle, at any depth of src/ (src/scoring <-> src/manyModels,
// src/runtime/formats <-> src/runtime/inference, ...), even where no two modules do. Part of
// `npm run depcheck`; dependency-cruiser finds module cycles and forbidden imports, this finds the rest.
import { createRequire } from 'node:module';
import path from 'node:path';
import { cruise } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
const config = require(path.resolve('.dependency-cruiser.cjs'));
const result = await cruise(['src'], { ...config.options, ruleSet: { forbidden: [] } });

/**
 * An import a -> b between two folders that are siblings under the two modules' closest common folder:
 * src/manyModels/scoring/x.ts -> src/scoring/y.ts is manyModels -> scoring (under src). Imports of a
 * file beside the folders (a parent's own module) are not folder edges.
 */
function siblingEdge(from, to) {
  const a = from.split('/');
  const b = to.split('/');
  let common = 0;
  while (common < a.length - 1 && common < b.length - 1 && a[common] === b[common]) common++;
  if (common >= a.length - 1 || common >= b.length - 1) return undefined;
  const parent = a.slice(0, common).join('/');
  return [`${parent}/${a[common]}`, `${parent}/${b[common]}`];
}

const edges = new Map();
for (const module of result.output.modules) {
  if (!module.source.startsWith('src/')) continue;
  for (const dependency of module.dependencies) {
    if (!dependency.resolved.startsWith('src/')) continue;
    const edge = siblingEdge(module.source, dependency.resolved);
    if (!edge) continue;
    const [from, to] = edge;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${module.source} -> ${dependency.resolved}`);
  }
}

// Tarjan's strongly connected components over the folder graph.
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
let next = 0;
function visit(folder) {
  index.set(folder, next);
  low.set(folder, next++);
  stack.push(folder);
  onStack.add(folder);
  for (const to of edges.get(folder)?.keys() ?? []) {
    if (!index.has(to)) {
      visit(to);
      low.set(folder, Math.min(low.get(folder), low.get(to)));
    } else if (onStack.has(to)) low.set(folder, Math.min(low.get(folder), index.get(to)));
  }
  if (low.get(folder) !== index.get(folder)) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    onStack.delete(member);
    component.push(member);
  } while (member !== folder);
  if (component.length > 1) cycles.push(component);
}
for (const folder of edges.keys()) if (!index.has(folder)) visit(folder);

if (cycles.length === 0) {
  console.log(`No folder imports another in a circle (${edges.size} folders with imports checked).`);
} else {
  for (const component of cycles) {
    console.error(`Folders importing each other in a circle: ${component.join(', ')}`);
    for (const from of component)
      for (const [to, example] of edges.get(from) ?? [])
        if (component.includes(to)) console.error(`  ${from} -> ${to}, e.g. ${example}`);
  }
  process.exitCode = 1;
}
