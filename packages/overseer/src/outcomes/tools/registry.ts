/**
 * Tools by name (`--tools calculator,python,js,lookup`), and a toolbox that runs a call as a
 * policy wrote it: unknown names and arguments that are not a JSON object become tool errors the
 * policy reads, never exceptions.
 */
import { OverseerError } from '../../errors.ts';
import type { JsonObject } from '../../spec/index.ts';
import type { SandboxLimits } from '../sandbox/index.ts';
import { calculator } from './calculator.ts';
import { lookup, readDocuments } from './lookup.ts';
import type { LookupDocument } from './lookup.ts';
import { sandboxedCode } from './sandboxed-code.ts';
import type { Tool, ToolResult } from './tool.ts';
import { toolError } from './tool.ts';

/** The tools there are, in the order `--tools` lists them. */
export const TOOL_NAMES = ['calculator', 'python', 'js', 'lookup'] as const;
/** A tool's name. */
export type ToolName = (typeof TOOL_NAMES)[number];

/** The tool each plain-text line prefix names (`calc: 12*(3+4)`), enabled or not. */
export const TOOL_TEXT_NAMES: Readonly<Record<string, ToolName>> = {
  calc: 'calculator',
  calculator: 'calculator',
  python: 'python',
  js: 'js',
  lookup: 'lookup',
};

/** What building tools may need: the lookup documents, the sandbox's limits. */
export interface ToolContext {
  /** A JSONL file of `{ id, title, text }` for `lookup`. */
  documents?: string | readonly LookupDocument[];
  /** Limits of the code tools' sandbox. */
  sandboxLimits?: Partial<SandboxLimits>;
}

function unknownTool(name: string): OverseerError {
  return new OverseerError('tools.unknown', `There is no tool "${name}".`, {
    hint: `Name tools among ${TOOL_NAMES.join(', ')}, e.g. --tools calculator,python.`,
  });
}

/** `calculator,python` → the names, checked: unknown, repeated or no names are errors. */
export function parseToolList(text: string): ToolName[] {
  const names = text.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) {
    throw new OverseerError('tools.bad-list', `--tools "${text}" has an empty name.`, {
      hint: `Write the names separated by commas, e.g. --tools calculator,lookup (tools: ${TOOL_NAMES.join(', ')}).`,
    });
  }
  return checkToolNames(names);
}

/** The names checked: each known and named once. */
export function checkToolNames(names: readonly string[]): ToolName[] {
  const seen = new Set<string>();
  for (const name of names) {
    if (!(TOOL_NAMES as readonly string[]).includes(name)) throw unknownTool(name);
    if (seen.has(name)) {
      throw new OverseerError('tools.bad-list', `The tool "${name}" is named twice.`, {
        hint: 'Name each tool once.',
      });
    }
    seen.add(name);
  }
  return names as ToolName[];
}

/** Builds the named tools. */
export function createTools(names: readonly string[], context: ToolContext = {}): Tool[] {
  return checkToolNames(names).map((name) => {
    switch (name) {
      case 'calculator':
        return calculator();
      case 'python':
      case 'js':
        return sandboxedCode(name, context.sandboxLimits);
      case 'lookup': {
        if (context.documents === undefined) {
          throw new OverseerError(
            'tools.no-documents',
            'The lookup tool needs documents to search.',
            {
              hint: 'Give --documents FILE (a JSONL file of {"id","title","text"}), or the scaffold option documents.',
            },
          );
        }
        const documents =
          typeof context.documents === 'string'
            ? readDocuments(context.documents)
            : context.documents;
        return lookup({ documents });
      }
    }
  });
}

/** A call's arguments as the JSON object the policy wrote, or why they are not one. */
export function parseToolArguments(
  text: string,
): { ok: true; value: JsonObject } | { ok: false; error: string } {
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `the arguments are not JSON (${(error as Error).message})` };
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? { ok: true, value: parsed as JsonObject }
    : { ok: false, error: 'the arguments are not a JSON object' };
}

/** The tools of an episode and a way to run a call as a policy wrote it. */
export interface Toolbox {
  readonly tools: readonly Tool[];
  /** Runs a call; `argumentsText` is the JSON the policy wrote. Never throws. */
  call(name: string, argumentsText: string): Promise<ToolResult & { arguments: JsonObject }>;
}

/** A toolbox over `tools`. */
export function toolbox(tools: readonly Tool[]): Toolbox {
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  return {
    tools,
    async call(name, argumentsText) {
      const tool = byName.get(name);
      const parsed = parseToolArguments(argumentsText);
      if (!parsed.ok) return { ...toolError('parsing', parsed.error), arguments: {} };
      const arguments_ = parsed.value;
      if (tool === undefined) {
        const known = tools.map((known) => known.name).join(', ') || 'none';
        return {
          ...toolError('parsing', `there is no tool "${name}" (tools: ${known})`),
          arguments: arguments_,
        };
      }
      try {
        return { ...(await tool.run(arguments_)), arguments: arguments_ };
      } catch (error) {
        // A tool's own failure (a sandbox that could not start) is the policy's tool error too.
        return { ...toolError('unknown', (error as Error).message), arguments: arguments_ };
      }
    },
  };
}
