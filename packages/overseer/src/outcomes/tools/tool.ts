/**
 * A tool a policy may call while it answers (the `tools` scaffold): a name, a JSON schema of its
 * arguments for providers' native function calling, the line prefix of the plain-text protocol,
 * and `run`, which never throws — a failure is a result the policy reads, as Inspect's tools do.
 */
import type { JsonObject } from '../../spec/index.ts';

/** Why a call failed, in Inspect's `ToolCallError` vocabulary (so the export carries it as is). */
export type ToolErrorType =
  'parsing' | 'timeout' | 'limit' | 'output_limit' | 'approval' | 'sandbox_unavailable' | 'unknown';

/** What a call gave back: its output, or an error the policy is shown instead. */
export type ToolResult =
  { ok: true; output: string } | { ok: false; type: ToolErrorType; error: string };

/** A tool as a provider's function calling describes it. */
export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON schema of the arguments object. */
  parameters: JsonObject;
}

/** A tool: its definition, its plain-text line, and how it runs. */
export interface Tool extends ToolDefinition {
  /** The prefix of its line in the plain-text protocol (`calc` for `calc: 12*(3+4)`). */
  readonly textName: string;
  /** The argument the rest of a plain-text line fills. */
  readonly textArgument: string;
  /** Runs one call; never throws. */
  run(arguments_: JsonObject): Promise<ToolResult>;
}

/** A failed result. */
export function toolError(type: ToolErrorType, error: string): ToolResult {
  return { ok: false, type, error };
}

/** The string argument `name` of a call, or a parsing error naming it. */
export function stringArgument(
  tool: string,
  arguments_: JsonObject,
  name: string,
): { ok: true; value: string } | { ok: false; result: ToolResult } {
  const value = arguments_[name];
  return typeof value === 'string'
    ? { ok: true, value }
    : {
        ok: false,
        result: toolError('parsing', `${tool} needs a string argument "${name}".`),
      };
}

/** The JSON schema of an arguments object holding one required string, `name`. */
export function oneStringParameter(name: string, description: string): JsonObject {
  return {
    type: 'object',
    properties: { [name]: { type: 'string', description } },
    required: [name],
    additionalProperties: false,
  };
}
