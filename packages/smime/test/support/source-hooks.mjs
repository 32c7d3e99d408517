// Module hooks for a child node on the TypeScript sources (node --import ./register-hooks.mjs):
// "./x.js" imports resolve to x.ts, which typescript's transpileModule turns into JavaScript.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const fromSource = context.parentURL?.endsWith('.ts') && specifier.endsWith('.js');
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !fromSource) throw error;
    return next(specifier.replace(/\.js$/, '.ts'), context);
  }
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const fileName = fileURLToPath(url);
  const source = ts.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return { format: 'module', source, shortCircuit: true };
}
