/**
 * An episode's trace as a collapsible tree (STYLE 6): each node shows what it was given and what it
 * produced — a question or sub-question with its answer, a chain-of-thought line, an environment
 * step (observation → action), the final answer — with who produced it, its timing, its cost and
 * every judgment of it.
 */
import { useState } from 'react';
import { formatDuration } from '../format.ts';
import type { JudgmentRecord, Step } from '../types.ts';
import { JudgmentView } from './judgment-view.tsx';
import { TextBlock } from './text-block.tsx';

/** A node of the tree with its children in sibling order. */
export interface TreeNode {
  step: Step;
  children: TreeNode[];
  depth: number;
}

/** The leaves below a node, in tree order: what a closed node summarises. */
export function leavesOf(node: TreeNode): Step[] {
  if (node.children.length === 0) return [node.step];
  return node.children.flatMap(leavesOf);
}

/** How many leaf answers a closed node lists before "and N more". */
const LEAF_SUMMARY_LIMIT = 8;

/** A closed node's leaf answers, so they read without opening it. */
function LeafAnswers({ node }: { node: TreeNode }) {
  const leaves = leavesOf(node);
  const shown = leaves.slice(0, LEAF_SUMMARY_LIMIT);
  return (
    <ul className="leaf-answers muted" data-testid="leaf-answers">
      {shown.map((leaf) => (
        <li key={leaf.id}>
          {leaf.kind === 'question' || leaf.kind === 'subquestion' ? `${leaf.input} → ` : ''}
          {leaf.output}
        </li>
      ))}
      {leaves.length > shown.length ? <li>and {leaves.length - shown.length} more</li> : null}
    </ul>
  );
}

/** Builds the tree from the flat step list (parents before children); orphans hang at the root. */
export function buildTree(steps: Step[]): TreeNode[] {
  const nodes = new Map<string, TreeNode>();
  const roots: TreeNode[] = [];
  for (const step of steps) {
    const parent = step.parentId === null ? undefined : nodes.get(step.parentId);
    const node: TreeNode = {
      step,
      children: [],
      depth: parent === undefined ? 0 : parent.depth + 1,
    };
    nodes.set(step.id, node);
    (parent === undefined ? roots : parent.children).push(node);
  }
  const sort = (list: TreeNode[]) => {
    list.sort((a, b) => a.step.index - b.step.index);
    for (const node of list) sort(node.children);
  };
  sort(roots);
  return roots;
}

/** The ids of `stepId` and its ancestors (to open the tree down to a step). */
export function ancestorsOf(steps: Step[], stepId: string): Set<string> {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const path = new Set<string>();
  let current = byId.get(stepId);
  while (current !== undefined && !path.has(current.id)) {
    path.add(current.id);
    current = current.parentId === null ? undefined : byId.get(current.parentId);
  }
  return path;
}

interface NodeProps {
  node: TreeNode;
  judgments: Map<string, JudgmentRecord[]>;
  expanded: Set<string>;
  toggle: (id: string) => void;
  highlight?: string;
}

const kindLabels: Record<Step['kind'], string> = {
  question: 'question',
  subquestion: 'sub-question',
  thought: 'thought',
  action: 'action',
  answer: 'answer',
};

/** The body of a node, by kind: what it was given and what it produced. */
function StepBody({ step }: { step: Step }) {
  switch (step.kind) {
    case 'question':
    case 'subquestion':
      return (
        <div className="step-body">
          <div className="field">
            <span className="field-label">Q</span>
            <TextBlock text={step.input} />
          </div>
          <div className="field">
            <span className="field-label">A</span>
            <TextBlock text={step.output} />
          </div>
        </div>
      );
    case 'action':
      return (
        <div className="step-body">
          <div className="field">
            <span className="field-label">observation</span>
            <TextBlock text={step.input} />
          </div>
          <div className="field">
            <span className="field-label">action</span>
            <TextBlock text={step.output} />
          </div>
        </div>
      );
    case 'thought':
    case 'answer':
      return (
        <div className="step-body">
          <TextBlock text={step.output} className="line" />
          {step.input === '' ? null : (
            <details className="context">
              <summary>context the policy saw</summary>
              <TextBlock text={step.input} />
            </details>
          )}
        </div>
      );
  }
}

function Node({ node, judgments, expanded, toggle, highlight }: NodeProps) {
  const { step } = node;
  const open = expanded.has(step.id);
  const own = judgments.get(step.id) ?? [];
  const hasChildren = node.children.length > 0;
  return (
    <li
      className={`node kind-${step.kind}${highlight === step.id ? ' highlight' : ''}`}
      data-step-id={step.id}
      data-testid="trace-node"
    >
      <div className="node-head">
        {hasChildren ? (
          <button
            type="button"
            className="toggle"
            aria-expanded={open}
            aria-label={`${open ? 'collapse' : 'expand'} ${step.id}`}
            onClick={() => toggle(step.id)}
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="toggle-spacer" />
        )}
        <span className={`kind kind-${step.kind}`}>{kindLabels[step.kind]}</span>
        <span className="muted">
          {step.id} · {step.producer} · {formatDuration(step.timing.durationMs)} · {step.cost.calls}{' '}
          call
          {step.cost.calls === 1 ? '' : 's'}
          {step.cost.inputTokens + step.cost.outputTokens > 0
            ? ` · ${step.cost.inputTokens}+${step.cost.outputTokens} tokens`
            : ''}
          {step.cost.usd === undefined ? '' : ` · $${step.cost.usd.toFixed(4)}`}
          {hasChildren
            ? ` · ${node.children.length} child${node.children.length === 1 ? '' : 'ren'}`
            : ''}
        </span>
      </div>
      <StepBody step={step} />
      {own.length === 0 ? null : (
        <div className="judgments">
          {own.map((record) => (
            <JudgmentView key={record.seq} judgment={record.judgment} />
          ))}
        </div>
      )}
      {hasChildren && !open ? <LeafAnswers node={node} /> : null}
      {hasChildren && open ? (
        <ul className="children">
          {node.children.map((child) => (
            <Node
              key={child.step.id}
              node={child}
              judgments={judgments}
              expanded={expanded}
              toggle={toggle}
              {...(highlight === undefined ? {} : { highlight })}
            />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** Props of `TraceTree`. */
export interface TraceTreeProps {
  steps: Step[];
  judgments: JudgmentRecord[];
  /** Nodes shallower than this start open (default 1: the root only). */
  openDepth?: number;
  /** A step to open the tree down to and mark. */
  highlight?: string;
}

/** The whole trace; nodes open and close one by one, or all at once. */
export function TraceTree({ steps, judgments, openDepth = 1, highlight }: TraceTreeProps) {
  const roots = buildTree(steps);
  const byStep = new Map<string, JudgmentRecord[]>();
  for (const record of judgments) {
    byStep.set(record.stepId, [...(byStep.get(record.stepId) ?? []), record]);
  }
  const [expanded, setExpanded] = useState<Set<string>>(() => {
    const initial = new Set<string>();
    const walk = (node: TreeNode) => {
      if (node.depth < openDepth) initial.add(node.step.id);
      node.children.forEach(walk);
    };
    roots.forEach(walk);
    if (highlight !== undefined) for (const id of ancestorsOf(steps, highlight)) initial.add(id);
    return initial;
  });
  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  if (steps.length === 0) return <p className="muted">This episode recorded no steps.</p>;
  return (
    <div className="trace-tree" data-testid="trace-tree">
      <div className="tree-controls">
        <button type="button" onClick={() => setExpanded(new Set(steps.map((step) => step.id)))}>
          expand all
        </button>
        <button type="button" onClick={() => setExpanded(new Set())}>
          collapse all
        </button>
      </div>
      <ul className="tree">
        {roots.map((root) => (
          <Node
            key={root.step.id}
            node={root}
            judgments={byStep}
            expanded={expanded}
            toggle={toggle}
            {...(highlight === undefined ? {} : { highlight })}
          />
        ))}
      </ul>
    </div>
  );
}
