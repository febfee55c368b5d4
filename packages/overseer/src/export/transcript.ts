/**
 * How an episode's tree reads as text, the one rendering every export format shares: a node's
 * question, then its children in order — thoughts and answers as lines the policy wrote, a
 * sub-question as what the policy asked (its answer comes back from the sub-tree), an action as
 * what the policy did after the observation it answered.
 */
import type { Judgment, Step } from '../spec/index.ts';
import type { EpisodeRecord } from '../store/index.ts';

/** A chat message as trainers read it. */
export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A message with the steps whose text it carries (so a format can weight it by their labels). */
export interface TranscriptMessage extends Message {
  stepIds: string[];
}

/** A node of the episode tree (the root question or a sub-question) and its children in order. */
export interface EpisodeNode {
  step: Step;
  /** The question this node answers: the problem's question at the root, else the sub-question. */
  question: string;
  /** The node's answer: the episode's answer at the root, else the node's output. */
  answer: string;
  children: Step[];
}

/** One child of a node as it appears in the node's transcript. */
export interface TranscriptLine {
  step: Step;
  /** The text before the line that the policy did not write (an action's new observation). */
  observation: string | null;
  /** What the policy proposed: a thought, an answer, an action, or the sub-question asked. */
  proposal: string;
  /** What came back (a sub-question's answer), or null. */
  reply: string | null;
  /** The line as a single text: `proposal`, preceded by the observation, followed by `=reply`. */
  text: string;
}

/**
 * The nodes of an episode that have children or are the root, root first, then sub-questions in
 * the order they were logged.
 */
export function episodeNodes(record: EpisodeRecord): EpisodeNode[] {
  const { episode } = record;
  const children = new Map<string, Step[]>();
  for (const step of episode.steps) {
    if (step.parentId === null) continue;
    const siblings = children.get(step.parentId) ?? [];
    siblings.push(step);
    children.set(step.parentId, siblings);
  }
  // Stable sort: equal indices keep the order they were logged in.
  for (const siblings of children.values()) siblings.sort((a, b) => a.index - b.index);
  const nodes: EpisodeNode[] = [];
  for (const step of episode.steps) {
    const isRoot = step.parentId === null;
    if (!isRoot && step.kind !== 'subquestion' && step.kind !== 'question') continue;
    nodes.push({
      step,
      question: isRoot ? episode.problem.question : step.input,
      answer: isRoot ? (episode.answer ?? step.output) : step.output,
      children: children.get(step.id) ?? [],
    });
  }
  return nodes;
}

/** The root node, or undefined for an episode without steps. */
export function rootNode(record: EpisodeRecord): EpisodeNode | undefined {
  const [first] = episodeNodes(record);
  return first?.step.parentId === null ? first : undefined;
}

/** A node's children as transcript lines. */
export function transcriptLines(node: EpisodeNode): TranscriptLine[] {
  let lastObservation = node.question;
  return node.children.map((step) => {
    let observation: string | null = null;
    let proposal = step.output;
    let reply: string | null = null;
    if (step.kind === 'action') {
      if (step.input !== '' && step.input !== lastObservation) observation = step.input;
      if (step.input !== '') lastObservation = step.input;
    } else if (step.kind === 'subquestion' || step.kind === 'question') {
      proposal = step.input;
      reply = step.output;
    }
    // `=` joins a question and its answer, as in the task families' snap format (`Pa,1=b`).
    const text = `${observation === null ? '' : `${observation}\n`}${proposal}${reply === null ? '' : `=${reply}`}`;
    return { step, observation, proposal, reply, text };
  });
}

/**
 * A node as a conversation: the question from the user; the policy's lines as assistant turns;
 * what came back to it (a sub-question's answer, an environment's observation) as user turns.
 * It always ends with an assistant turn (the node's answer when the lines do not end with one).
 */
export function nodeConversation(node: EpisodeNode): TranscriptMessage[] {
  const messages: TranscriptMessage[] = [{ role: 'user', content: node.question, stepIds: [] }];
  let pending: { lines: string[]; stepIds: string[] } = { lines: [], stepIds: [] };
  const flush = () => {
    if (pending.lines.length === 0) return;
    messages.push({
      role: 'assistant',
      content: pending.lines.join('\n'),
      stepIds: pending.stepIds,
    });
    pending = { lines: [], stepIds: [] };
  };
  for (const line of transcriptLines(node)) {
    if (line.observation !== null) {
      flush();
      messages.push({ role: 'user', content: line.observation, stepIds: [] });
    }
    pending.lines.push(line.proposal);
    pending.stepIds.push(line.step.id);
    if (line.step.kind === 'action') flush();
    if (line.reply !== null) {
      flush();
      messages.push({ role: 'user', content: line.reply, stepIds: [] });
    }
  }
  flush();
  if (messages.at(-1)?.role !== 'assistant') {
    messages.push({ role: 'assistant', content: node.answer, stepIds: [node.step.id] });
  }
  return messages;
}

/**
 * The judgment that counts for each step: the last one logged, among those by `overseer` when
 * given (a run may have several overseers judge the same steps).
 */
export function judgmentsByStep(record: EpisodeRecord, overseer?: string): Map<string, Judgment> {
  const byStep = new Map<string, Judgment>();
  for (const { stepId, judgment } of record.judgments) {
    if (overseer === undefined || judgment.overseer.name === overseer) byStep.set(stepId, judgment);
  }
  return byStep;
}

/** The leading lines that have a judgment (labeling stops at the first unjudged step). */
export function judgedPrefix(
  lines: TranscriptLine[],
  judgments: Map<string, Judgment>,
): Array<TranscriptLine & { judgment: Judgment }> {
  const prefix: Array<TranscriptLine & { judgment: Judgment }> = [];
  for (const line of lines) {
    const judgment = judgments.get(line.step.id);
    if (judgment === undefined) break;
    prefix.push({ ...line, judgment });
  }
  return prefix;
}

/** A PRM800K-style rating: the judgment's own, else the sign of its score. */
export function ratingOf(judgment: Judgment): -1 | 0 | 1 {
  if (judgment.rating !== undefined) return judgment.rating;
  return judgment.score > 0 ? 1 : judgment.score < 0 ? -1 : 0;
}
