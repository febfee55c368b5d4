/**
 * `python` and `js`: a program run in the sandbox (outcomes/sandbox: QuickJS for js, bubblewrap
 * for python), one fresh sandbox per call so no state leaks between calls and no worker outlives
 * the episode. Where the sandbox refuses (no bubblewrap on this machine), the refusal is the tool's
 * error — the program never runs unsandboxed.
 */
import type { JsonObject } from '../../spec/index.ts';
import { createSandbox } from '../sandbox/index.ts';
import type { SandboxLimits, SandboxResult } from '../sandbox/index.ts';
import type { Tool, ToolErrorType, ToolResult } from './tool.ts';
import { oneStringParameter, stringArgument, toolError } from './tool.ts';

/** The languages a code tool runs. */
export type CodeLanguage = 'python' | 'js';

const errorTypes: Record<Exclude<SandboxResult['status'], 'ok'>, ToolErrorType> = {
  timeout: 'timeout',
  memory: 'limit',
  'output-limit': 'output_limit',
  error: 'unknown',
  refused: 'sandbox_unavailable',
};

/** What a finished run gives the policy: its printed output, then JavaScript's value if any. */
function resultOf(result: SandboxResult): ToolResult {
  if (result.status !== 'ok') {
    const detail = result.stderr.trim() || result.stdout.trim() || 'no output';
    return toolError(errorTypes[result.status], `${result.status}: ${detail}`);
  }
  const value =
    result.value === undefined || result.value === null ? '' : JSON.stringify(result.value);
  const printed = result.stdout.replace(/\n$/, '');
  return { ok: true, output: [printed, value].filter((part) => part !== '').join('\n') };
}

/** A tool that runs `language` programs in the sandbox under `limits`. */
export function sandboxedCode(language: CodeLanguage, limits: Partial<SandboxLimits> = {}): Tool {
  const label = language === 'python' ? 'Python 3' : 'JavaScript (QuickJS, no Node APIs)';
  return {
    name: language,
    description: `Runs a ${label} program in a sandbox without network or host files and returns what it prints${language === 'js' ? ' and the value of its last expression' : ''}.`,
    parameters: oneStringParameter('code', `The ${label} program.`),
    textName: language,
    textArgument: 'code',
    async run(arguments_: JsonObject) {
      const code = stringArgument(language, arguments_, 'code');
      if (!code.ok) return code.result;
      const sandbox = createSandbox(language, limits);
      try {
        return resultOf(await sandbox.exec({ code: code.value }));
      } finally {
        await sandbox.close();
      }
    },
  };
}
