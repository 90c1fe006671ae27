/**
 * What the benchmark's server processes and the orchestrator share: the request bodies, the
 * model names, and the small IPC protocol a child uses to say it is ready (and, for the
 * profiled gateway, to start and stop the CPU profiler).
 */

/** The model the fast upstream answers for; every throughput run asks for it. */
export const MODEL = 'gpt-4o-mini';
/** The model served by the paced upstream (a pause between stream chunks), for time to first token. */
export const PACED_MODEL = 'gpt-4o-mini-paced';
export const CHAT_PATH = '/v1/chat/completions';
export const API_KEY = 'sk-bench-0000000000000000';

/** Twenty words: a streamed answer is a role chunk, twenty content chunks and a finish chunk. */
export const REPLY =
  'A gateway earns its place by checking every request it sees while adding as little delay as it possibly can.';

/** A small, realistic chat request: a system prompt, one user turn and the usual sampling fields. */
export function chatBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [
      {
        role: 'system',
        content: 'You are a concise assistant for an online bookshop. Answer in one or two sentences.',
      },
      { role: 'user', content: 'Do you ship to Norway, and how long does delivery usually take?' },
    ],
    temperature: 0.2,
    max_tokens: 128,
    user: 'bench-user-42',
    ...(stream ? { stream: true } : {}),
  });
}

export type ChildMessage =
  | { type: 'ready'; urls: Record<string, string> }
  | { type: 'profile-saved'; path: string }
  | { type: 'failed'; message: string };

export type ParentMessage = { type: 'profile-start' } | { type: 'profile-stop'; path: string };

export function isChildMessage(value: unknown): value is ChildMessage {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

export function isParentMessage(value: unknown): value is ParentMessage {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

/** Sends a message to the orchestrator (children run with an IPC channel). */
export function tell(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * Runs a child's `close` when the orchestrator asks (SIGTERM, SIGINT) or disappears (the IPC
 * channel closes), so no server outlives the benchmark.
 */
export function exitWithParent(close: () => Promise<void>): void {
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    const timer = setTimeout(() => process.exit(0), 2_000);
    timer.unref();
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}

/** Reads a required environment variable or exits with a message naming it. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    process.stderr.write(`${name} is not set; this script is started by bench/gateway.bench.ts.\n`);
    process.exit(2);
  }
  return value;
}
