/**
 * Progress of a run, counted in training steps over every unit: a cli-progress bar with the arm,
 * the round and the time left on a terminal; a plain line every so often (and at every round)
 * when the output is a file or a pipe; nothing at all in quiet mode (`--json`). Progress goes to
 * stderr, so stdout carries only the results.
 */
import cliProgress from 'cli-progress';

/** How progress is shown. */
export type ProgressMode = 'bar' | 'lines' | 'quiet';

/** Where the run is, for the progress line. */
export interface ProgressPosition {
  /** `experiment/arm seed S`. */
  unit: string;
  round: number;
  rounds: number;
  /** What the unit is doing: `amplify`, `distill`, `evaluate` … */
  phase: string;
}

/**
 * Work of one kind (a trainer on a task family): steps of different kinds cost very different
 * time (an imitation step is milliseconds, an RL update on an environment can be a second), so the
 * time left is estimated kind by kind.
 */
export interface ProgressWork {
  kind: string;
  /** Steps of this kind in the run. */
  steps: number;
  /** Of which an earlier attempt already took. */
  done: number;
}

/** What the loop reports progress to. */
export interface ProgressReporter {
  /** Starts counting the run's work. */
  start(work: readonly ProgressWork[]): void;
  /** The unit, round or phase changed; `kind` is the unit's kind of work. */
  at(position: ProgressPosition, kind?: string): void;
  /**
   * `steps` more training steps of the current kind were taken; `timed` false when they cost no
   * time here (reused from an earlier computation), so they do not speed up the estimate.
   */
  advance(steps: number, timed?: boolean): void;
  /** A message for the user (a finished arm, a failure), shown without breaking the bar. */
  log(message: string): void;
  stop(): void;
}

/**
 * Estimates the time left from this process's pace, kind by kind: each kind's remaining steps at
 * that kind's measured seconds per step (time spent evaluating and amplifying included), and a
 * kind not seen yet at the mean pace of those seen.
 */
export class TimeLeft {
  private readonly remaining = new Map<string, number>();
  private readonly seconds = new Map<string, number>();
  private readonly taken = new Map<string, number>();
  private current: string | undefined;
  private last: number;

  constructor(
    work: readonly ProgressWork[],
    private readonly now: () => number,
  ) {
    for (const { kind, steps, done } of work) {
      this.remaining.set(kind, (this.remaining.get(kind) ?? 0) + Math.max(0, steps - done));
    }
    this.last = now();
  }

  /** Time from the last call on belongs to `kind`. */
  switchTo(kind: string | undefined): void {
    this.charge();
    this.current = kind;
  }

  advance(steps: number, timed = true): void {
    this.charge();
    if (this.current === undefined) return;
    if (timed) this.taken.set(this.current, (this.taken.get(this.current) ?? 0) + steps);
    this.remaining.set(this.current, Math.max(0, (this.remaining.get(this.current) ?? 0) - steps));
  }

  /** Seconds left; NaN before any step was timed. */
  secondsLeft(): number {
    this.charge();
    const paces = new Map<string, number>();
    for (const [kind, steps] of this.taken) {
      if (steps > 0) paces.set(kind, (this.seconds.get(kind) ?? 0) / 1000 / steps);
    }
    if (paces.size === 0) return Number.NaN;
    const meanPace = [...paces.values()].reduce((sum, pace) => sum + pace, 0) / paces.size;
    let total = 0;
    for (const [kind, steps] of this.remaining) total += steps * (paces.get(kind) ?? meanPace);
    return total;
  }

  private charge(): void {
    const time = this.now();
    if (this.current !== undefined) {
      this.seconds.set(this.current, (this.seconds.get(this.current) ?? 0) + (time - this.last));
    }
    this.last = time;
  }
}

/** The mode for a stream: a bar on a terminal outside CI, lines otherwise. */
export function progressModeFor(stream: NodeJS.WriteStream, quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  return stream.isTTY && !process.env.CI ? 'bar' : 'lines';
}

/** `1h 02m`, `3m 10s`, `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '…';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

/** Options of `createProgress`. */
export interface ProgressOptions {
  mode: ProgressMode;
  stream?: NodeJS.WriteStream;
  /** Least time between two plain lines in `lines` mode (default 15 s). */
  lineIntervalMs?: number;
  /** The clock, in ms (tests pass a fake one). */
  now?: () => number;
}

/** What every mode counts: steps done of the total, the time left, where the run is. */
class ProgressCount {
  total = 0;
  done = 0;
  clock: TimeLeft;
  position: ProgressPosition | undefined;

  constructor(private readonly now: () => number) {
    this.clock = new TimeLeft([], now);
  }

  start(work: readonly ProgressWork[]): void {
    this.total = work.reduce((sum, entry) => sum + entry.steps, 0);
    this.done = work.reduce((sum, entry) => sum + Math.min(entry.done, entry.steps), 0);
    this.clock = new TimeLeft(work, this.now);
  }

  /** Moves to `next`; true when the unit or the round changed. */
  move(next: ProgressPosition, kind: string | undefined): boolean {
    const position = this.position;
    const changed =
      position === undefined || next.unit !== position.unit || next.round !== position.round;
    this.position = next;
    if (kind !== undefined) this.clock.switchTo(kind);
    return changed;
  }

  advance(steps: number, timed = true): void {
    this.done += steps;
    this.clock.advance(steps, timed);
  }

  /** `unit · round R/N · phase`, or empty before the first position. */
  where(): string {
    const position = this.position;
    return position === undefined
      ? ''
      : `${position.unit} · round ${Math.min(position.round + 1, position.rounds)}/${position.rounds} · ${position.phase}`;
  }

  timeLeft(): string {
    return formatDuration(this.clock.secondsLeft());
  }
}

/** Counts and shows nothing (`--json`). */
function quietProgress(count: ProgressCount): ProgressReporter {
  return {
    start: (work) => count.start(work),
    at: (next, kind) => void count.move(next, kind),
    advance: (steps, timed) => count.advance(steps, timed),
    log() {},
    stop() {},
  };
}

/** A plain line at every new unit or round, and at most every `interval` ms in between. */
function lineProgress(
  count: ProgressCount,
  stream: NodeJS.WriteStream,
  now: () => number,
  interval: number,
): ProgressReporter {
  let lastLine = -Infinity;
  const line = (): void => {
    lastLine = now();
    const { done, total } = count;
    const percent = total === 0 ? 100 : Math.floor((100 * done) / total);
    stream.write(
      `[${String(percent).padStart(3)}%] ${count.where()} · ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} steps · ${count.timeLeft()} left\n`,
    );
  };
  return {
    start: (work) => count.start(work),
    at(next, kind) {
      if (count.move(next, kind)) line();
    },
    advance(steps, timed) {
      count.advance(steps, timed);
      if (now() - lastLine >= interval) line();
    },
    log(message) {
      stream.write(`${message}\n`);
    },
    stop() {},
  };
}

/** A cli-progress bar, redrawn on every change. */
function barProgress(count: ProgressCount, stream: NodeJS.WriteStream): ProgressReporter {
  const bars = new cliProgress.MultiBar(
    {
      format: '{where} |{bar}| {percentage}% · {value}/{total} steps · {left} left',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      stream,
      // Training is synchronous between yields: redraw on every update rather than on a timer.
      synchronousUpdate: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  const payload = () => ({ where: count.where(), left: count.timeLeft() });
  const redraw = (): void => bar?.update(count.done, payload());
  return {
    start(work) {
      count.start(work);
      bar = bars.create(count.total, count.done, payload());
    },
    at(next, kind) {
      count.move(next, kind);
      redraw();
    },
    advance(steps, timed) {
      count.advance(steps, timed);
      redraw();
    },
    log(message) {
      bars.log(`${message}\n`);
      redraw();
    },
    stop() {
      redraw();
      bars.stop();
    },
  };
}

/** A reporter for the mode. */
export function createProgress(options: ProgressOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const count = new ProgressCount(now);
  if (options.mode === 'quiet') return quietProgress(count);
  if (options.mode === 'lines') {
    return lineProgress(count, stream, now, options.lineIntervalMs ?? 15_000);
  }
  return barProgress(count, stream);
}
