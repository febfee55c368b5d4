/** Running untrusted code: one `Sandbox` interface, a backend per language. */
import { createJavaScriptSandbox } from './javascript-sandbox.ts';
import { createPythonSandbox } from './python-sandbox.ts';
import type { Sandbox, SandboxLanguage, SandboxLimits } from './sandbox.ts';
import { createStraightLineSandbox } from './straight-line-sandbox.ts';

export * from './sandbox.ts';
export { createJavaScriptSandbox, createQuickJsPool } from './javascript-sandbox.ts';
export type {
  JavaScriptSandboxOptions,
  QuickJsPool,
  QuickJsPoolOptions,
} from './javascript-sandbox.ts';
export { createPythonSandbox, pythonSandboxAvailability } from './python-sandbox.ts';
export type { PythonSandboxAvailability, PythonSandboxOptions } from './python-sandbox.ts';
export { createStraightLineSandbox } from './straight-line-sandbox.ts';
export type { StraightLineSandboxOptions } from './straight-line-sandbox.ts';

/** A sandbox for `language` under `limits` (each backend's defaults for the rest). */
export function createSandbox(
  language: SandboxLanguage,
  limits: Partial<SandboxLimits> = {},
): Sandbox {
  switch (language) {
    case 'js':
      return createJavaScriptSandbox({ limits });
    case 'python':
      return createPythonSandbox({ limits });
    case 'dsl':
      return createStraightLineSandbox({ limits });
  }
}
