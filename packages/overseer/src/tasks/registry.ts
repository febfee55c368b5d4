/**
 * Task families by name, so an experiment file or the CLI can name one and a run can record the
 * `{ name, options }` it used and be replayed.
 */
import { Registry } from '../util/registry.ts';
import { AdditionOptions, addition } from './addition.ts';
import { CameraDropboxOptions, cameraDropbox } from './camera-dropbox.ts';
import { ConveyorDropboxOptions, conveyorDropbox } from './conveyor-dropbox.ts';
import type { TaskFamily } from './family.ts';
import { PairSumOptions, pairSum } from './pair-sum.ts';
import { PermutationPoweringOptions, permutationPowering } from './permutation-powering.ts';
import { SequentialAssignmentsOptions, sequentialAssignments } from './sequential-assignments.ts';
import { ShortestPathOptions, shortestPath } from './shortest-path.ts';
import { UnionFindOptions, unionFind } from './union-find.ts';
import { WildcardSearchOptions, wildcardSearch } from './wildcard-search.ts';

/** What a family says of itself before it is built. */
export interface FamilyTraits {
  kind: TaskFamily['kind'];
  /**
   * The legend of the family's questions and answers (`P13c`, `Sadae`, `!`, the grid), for
   * `overseer tasks` and the report: what a reader needs to read a transcript.
   */
  notation: string;
}

/** How a world's items are named (items.ts). */
const ITEM_NAMES =
  'Items are named by words over a…h, as long as the world needs (8 items: a…h; 16 or 64: aa…hh), so a question splits into names of one length: `Sadae` is S, ad, ae.';

/** A world family's notation, with how its items are named. */
function world(notation: string): string {
  return `${notation} ${ITEM_NAMES}`;
}

/** The task families; a family's factory parses its options again, so either entry point is strict. */
export const families = new Registry<TaskFamily, void, FamilyTraits>({
  noun: 'task family',
  plural: 'task families',
  codes: { unknown: 'task.unknown-family', badOptions: 'task.bad-options' },
})
  .register('permutation-powering', {
    kind: 'question',
    describe: 'σ^k(x) for a random permutation σ (IDA, 2018)',
    notation: world(
      "`P<k><x>` asks for σ^k(x), the item reached by applying the world's permutation σ to item x k times (`P13c`: σ^13(c)); the answer is an item. The expert splits k = 2m + b into two σ^m questions.",
    ),
    schema: PermutationPoweringOptions,
    create: (options) => permutationPowering(options),
  })
  .register('sequential-assignments', {
    kind: 'question',
    describe: 'the value of a variable in a random straight-line program (IDA, 2018)',
    notation: world(
      "`A<x>` asks for the value of variable x in the world's straight-line program (constants `x := 3`, then `x := f(y, z)` through one random table f); the answer is a value 0…values−1.",
    ),
    schema: SequentialAssignmentsOptions,
    create: (options) => sequentialAssignments(options),
  })
  .register('wildcard-search', {
    kind: 'question',
    describe: 'sums of ±1 values over bit strings matching a wildcard pattern (IDA, 2018)',
    notation:
      '`W<pattern>` over 0, 1 and `*` asks for the sum of the ±1 values of the bit strings the pattern matches (`W1*0*`: the values of 1000, 1001, 1100 and 1101 added); the answer is a signed integer. The expert splits on the first `*`.',
    schema: WildcardSearchOptions,
    create: (options) => wildcardSearch(options),
  })
  .register('shortest-path', {
    kind: 'question',
    describe: 'distances and next steps in a random directed graph (IDA, 2018)',
    notation: world(
      "`D<a><b>` asks for the distance from vertex a to vertex b of the world's directed graph (`!` when b cannot be reached); `S<a><b>` for the next vertex on a shortest path from a to b (the first by name when several tie).",
    ),
    schema: ShortestPathOptions,
    create: (options) => shortestPath(options),
  })
  .register('union-find', {
    kind: 'question',
    describe: 'the value of an item through trees of equalities (IDA, 2018)',
    notation: world(
      "`V<x>` asks for the value of item x, `U<x>` for its parent in its class's tree of equalities (a root is its own parent); only roots' values are given.",
    ),
    schema: UnionFindOptions,
    create: (options) => unionFind(options),
  })
  .register('addition', {
    kind: 'question',
    describe: 'addition of d-digit numbers, with a line-checkable chain of thought',
    notation:
      "`123+456` asks for the sum. Snap: `123+456=` → `579`. Chain of thought: `123+456:` → one line per column, least significant first, `a+b+c=ks` (the column's digits, the carry in, the carry out k and digit s), then the answer line: `3+6+0=09`, `2+5+0=07`, `1+4+0=05`, `=579`; a line may add a block of columns at once (`23+56+0=079`).",
    schema: AdditionOptions,
    create: (options) => addition(options),
  })
  .register('pair-sum', {
    kind: 'question',
    describe: 'any two items whose values sum to a target: many right answers per question',
    notation: world(
      "`V<x>` asks for item x's value (the world gives n items the values 0…n−1), `I<v>` for the item whose value is v, and `S<v>` for any two items x, y whose values sum to v mod n, answered `xy` (`S6` → `adae`; the same item twice counts).",
    ),
    schema: PairSumOptions,
    create: (options) => pairSum(options),
  })
  .register('camera-dropbox', {
    kind: 'environment',
    describe: 'MONA’s Camera Dropbox gridworld (reward hacking by blocking a camera)',
    notation:
      'An observation is the 4×4 grid, rows top to bottom joined by `/`: `.` floor, `A` the agent, `B` a box, `C` the camera (watching the bottom row), the hole (bottom-left) as the digit of boxes in it — `..../.AB./.B../0..C`. Actions: U, D, L, R (pushing boxes Sokoban-style). A hack drops both boxes after blocking the camera with a box on the bottom row; the intended behaviour drops one.',
    schema: CameraDropboxOptions,
    create: (options) => cameraDropbox(options),
  })
  .register('conveyor-dropbox', {
    kind: 'environment',
    describe:
      'Camera Dropbox plus a conveyor the overseer does not model (capability vs tampering)',
    notation:
      'An observation is two rows joined by `/`. Top: `.` floor, `A` the agent, `a` the agent carrying a box. Bottom: the hole as the digit of boxes in it; the depot `B` (two boxes), `b` (one), `_` (none); the conveyor `>` (empty) or the digit of steps until its box lands; the camera `C`, the digit of notches covered, or `X` (blocked); `.` floor — `..A....../0....B>.C`. Actions: L, R walk; D picks up, drops, puts on the conveyor or covers the camera, by what is below.',
    schema: ConveyorDropboxOptions,
    create: (options) => conveyorDropbox(options),
  });

/** The registered families, in a stable order, with one line each. */
export function listFamilies(): Array<{
  name: string;
  kind: TaskFamily['kind'];
  description: string;
  notation: string;
}> {
  return families
    .list()
    .map(({ name, kind, describe, notation }) => ({ name, kind, description: describe, notation }));
}

/** The notation legend of family `name`, or undefined for a name no family has (old results). */
export function familyNotation(name: string): string | undefined {
  const canonical = families.canonical(name);
  return canonical === undefined ? undefined : families.entry(canonical).notation;
}

/** Builds a family by name; an unknown name or option is an OverseerError that says what is valid. */
export function getFamily(name: string, options: Record<string, unknown> = {}): TaskFamily {
  return families.create({ name, options });
}
