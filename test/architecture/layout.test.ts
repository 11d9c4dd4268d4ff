import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

/**
 * The layout rules of docs/architecture.md, checked on the source: arrows
 * between src/ folders point one way (no cycle), nothing imports cli/, model/
 * imports nothing of the project, and no function grows past 100 lines.
 */

const ROOT = resolve(process.cwd(), 'src');
const files = readdirSync(ROOT, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => join(ROOT, f));

const folderOf = (file: string): string => {
  const rel = relative(ROOT, file);
  return rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '.';
};

function imports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier)
      found.push((node.moduleSpecifier as ts.StringLiteral).text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    )
      found.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s));
}

const edges = new Map<string, Set<string>>();
for (const file of files) {
  const from = folderOf(file);
  for (const target of imports(file)) {
    const to = folderOf(target);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from)!.add(to);
  }
}

test('no import cycle between folders of src/', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const walk = (folder: string, path: string[]): void => {
    state.set(folder, 'open');
    for (const next of edges.get(folder) ?? []) {
      if (state.get(next) === 'open')
        cycles.push([...path, folder, next].slice(path.indexOf(next)).join(' -> '));
      else if (!state.has(next)) walk(next, [...path, folder]);
    }
    state.set(folder, 'done');
  };
  for (const folder of edges.keys()) if (!state.has(folder)) walk(folder, []);
  assert.deepEqual(cycles, []);
});

test('nothing imports cli/, and model/ imports nothing of the project', () => {
  const intoCli = [...edges].filter(([from, to]) => from !== 'cli' && from !== '.' && to.has('cli'));
  assert.deepEqual(intoCli, []);
  assert.deepEqual([...(edges.get('model') ?? [])], []);
});

/** Lines of `node` inside object and array literals of 10 lines or more: data tables, not logic. */
function dataLines(node: ts.Node, source: ts.SourceFile): Set<number> {
  const lines = new Set<number>();
  const visit = (n: ts.Node): void => {
    if (ts.isObjectLiteralExpression(n) || ts.isArrayLiteralExpression(n)) {
      const start = source.getLineAndCharacterOfPosition(n.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(n.getEnd()).line;
      if (end - start + 1 >= 10) {
        for (let l = start; l <= end; l++) lines.add(l);
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(node, visit);
  return lines;
}

test('no function in src/ is longer than 100 lines, data tables aside', () => {
  const long: string[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (
        ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isArrowFunction(node) ||
        ts.isFunctionExpression(node) ||
        ts.isConstructorDeclaration(node)
      ) {
        const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        const logic = end - start + 1 - dataLines(node, source).size;
        if (logic > 100) long.push(`${relative(ROOT, file)}:${start + 1} (${logic} lines of logic)`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  assert.deepEqual(long, []);
});
