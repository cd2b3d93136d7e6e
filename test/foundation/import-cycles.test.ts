import fs from 'node:fs';
import path from 'node:path';

// Reads every import (type-only too) under src/ and looks for a module that reaches itself again.
// A circle makes load order matter and keeps a module from being read on its own.
const SRC = path.resolve(__dirname, '../../src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function localImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/g)) {
    const base = path.resolve(path.dirname(file), m[1]);
    const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((p) => fs.existsSync(p));
    if (hit) out.push(hit);
  }
  return out;
}

function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, 'open');
    stack.push(n);
    for (const next of graph.get(n) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) { const c = visit(next); if (c) return c; }
    }
    stack.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of graph.keys()) if (!state.has(n)) { const c = visit(n); if (c) return c; }
  return null;
}

describe('module structure', () => {
  test('when every import under src/ is followed, then no module imports itself through others', () => {
    const graph = new Map(sources(SRC).map((f) => [f, localImports(f)]));
    const cycle = findCycle(graph);
    expect(cycle?.map((f) => path.relative(SRC, f)) ?? null).toBeNull();
  });
});
