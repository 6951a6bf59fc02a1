import { randomUUID } from 'node:crypto';
import type { EsdbClient } from './esdbClient.js';
import { LOG_IDENTITY_STREAM } from './esdbMapping.js';
import { WrongExpectedVersionError } from './port.js';

const LOG_CREATED = 'ResumateLogCreated';

/**
 * The log's id is the first event of LOG_IDENTITY_STREAM. The first caller writes it with
 * expected revision no_stream; a concurrent creator loses that race and reads the winner's,
 * so every caller converges on the first event. A wiped server has no such stream: a new id.
 */
export async function logIdOf(client: EsdbClient): Promise<string> {
  const existing = await firstLogId(client);
  if (existing) return existing;
  const created = { type: LOG_CREATED, data: { logId: randomUUID() }, metadata: { at: new Date().toISOString() } };
  try {
    await client.append(LOG_IDENTITY_STREAM, [created], 'no_stream');
  } catch (err) {
    if (!(err instanceof WrongExpectedVersionError)) throw err;
  }
  const logId = await firstLogId(client);
  if (!logId) throw new Error(`EventStoreDB stream ${LOG_IDENTITY_STREAM} holds no log id after creating one`);
  return logId;
}

async function firstLogId(client: EsdbClient): Promise<string | undefined> {
  const [first] = await client.readStream(LOG_IDENTITY_STREAM, { fromRevision: 0n, maxCount: 1 });
  if (!first) return undefined;
  const data = first.data as { logId?: unknown } | null;
  if (typeof data?.logId !== 'string') throw new Error(`EventStoreDB stream ${LOG_IDENTITY_STREAM} starts with ${first.type}, not a log id`);
  return data.logId;
}
