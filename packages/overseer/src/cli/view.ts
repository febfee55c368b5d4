/**
 * `overseer view`: serves the web viewer for a run store — runs, episodes, transcripts, search
 * and the human-overseer queue — on 127.0.0.1 unless `--host` is given, until interrupted. It
 * prints the token that rating a queued step requires.
 */
import type { ViewerServer } from '../viewer-server/server.ts';
import { addStoreOption } from './runs.ts';
import { integerArgument } from './arguments.ts';
import type { Verb } from './verbs.ts';

/** What `overseer view` was asked for. */
export interface ViewRequest {
  store: string;
  host: string;
  port: number;
}

/** The start-up lines: where the viewer is and the token that rating needs. */
export function describeViewer(server: ViewerServer, store: string): string {
  return [
    `Overseer viewer for ${store}: ${server.url}`,
    `rating token: ${server.token}`,
    `human-overseer queue (the link carries the token): ${server.queueUrl}`,
    'press Ctrl-C to stop',
    '',
  ].join('\n');
}

/** Serves the viewer until SIGINT or SIGTERM, then closes it. */
export async function runView(request: ViewRequest): Promise<void> {
  const { startViewerServer } = await import('../viewer-server/server.ts');
  const { readableStore } = await import('../store/open-run-store.ts');
  // A Postgres store is served from a local copy that follows the database while the viewer runs.
  const local = await readableStore(request.store, { follow: true });
  const server = await startViewerServer({ ...request, store: local.directory }).catch(
    async (error: unknown) => {
      await local.close();
      throw error;
    },
  );
  process.stdout.write(describeViewer(server, local.location));
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  await local.close();
}

/** `overseer view`. */
export const viewVerb: Verb = {
  register(program) {
    const command = program
      .command('view')
      .description('Serve the web viewer of a run store (runs, episodes, search, human queue).')
      .option('--port <n>', 'port to listen on (0: any free port)', integerArgument(0), 4173)
      .option(
        '--host <address>',
        'interface to listen on (others can connect unless 127.0.0.1)',
        '127.0.0.1',
      );
    addStoreOption(command).action(
      async (options: { store: string; host: string; port: number }) => {
        await runView({ store: options.store, host: options.host, port: options.port });
      },
    );
  },
};
