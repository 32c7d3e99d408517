// Module hooks (node:module register) for a child node process: run the workspace's TypeScript
// sources directly (types dropped by typescript's transpileModule, as vitest does) and append
// every loaded URL to the file named by $SEALPOST_LOAD_LOG, to see which libraries a step loads.
import { appendFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    // The sources import each other as "./x.js" (what tsc emits); the file on disk is x.ts.
    const relative = specifier.startsWith('.') && specifier.endsWith('.js');
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !relative || !context.parentURL?.endsWith('.ts'))
      throw err;
    return next(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, next) {
  if (process.env.SEALPOST_LOAD_LOG) appendFileSync(process.env.SEALPOST_LOAD_LOG, `${url}\n`);
  if (!url.endsWith('.ts')) return next(url, context);
  const fileName = fileURLToPath(url);
  const { outputText } = ts.transpileModule(readFileSync(fileName, 'utf8'), {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
