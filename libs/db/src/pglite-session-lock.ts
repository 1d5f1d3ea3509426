import type { PGlite } from '@electric-sql/pglite';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve: (size: number) => void;
  reject: (error: Error) => void;
  onData: (data: Uint8Array) => void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
  /** Our addition: a client is between the first message of an extended-protocol batch and its Sync. */
  extendedOwner?: number | null;
}

// Extended-protocol messages that leave state (the unnamed statement and portal) in the single PGlite session.
const PARSE = 0x50, BIND = 0x42, DESCRIBE = 0x44, EXECUTE = 0x45, CLOSE = 0x43, FLUSH = 0x48;
const SYNC = 0x53, SIMPLE_QUERY = 0x51, TERMINATE = 0x58;
const OPENS_BATCH = new Set([PARSE, BIND, DESCRIBE, EXECUTE, CLOSE, FLUSH]);

/**
 * pglite-socket 0.2.17 multiplexes many client connections onto PGlite's one session message by message,
 * keeping a client's messages together only inside an explicit transaction. node-postgres sends every
 * parameterised query as Parse/Bind/Describe/Execute/Sync, so two connections interleave and one fails with
 * "unnamed prepared statement does not exist". This gives the session to one client from its first
 * extended-protocol message until its Sync, exactly as the transaction rule does, and keeps the queue
 * running after a failed message (the original stops processing for good).
 */
export function serialiseExtendedProtocol(server: object): void {
  const queue = (server as { queryQueue?: QueryQueue }).queryQueue;
  if (!queue || !Array.isArray(queue.queue)) throw new Error('pglite-socket internals changed: cannot apply the session lock');

  queue.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = this.extendedOwner ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        let next: QueuedMessage | undefined;
        if (owner !== null && owner !== undefined) {
          const i = this.queue.findIndex((q) => q.handlerId === owner);
          if (i === -1) break; // wait for the owner's next message
          next = this.queue.splice(i, 1)[0];
        } else {
          next = this.queue.shift();
        }
        if (!next) break;
        const type = next.message[0]!;
        let size = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(next.message, {
              onRawData: (data: Uint8Array) => {
                size += data.length;
                next.onData(data);
              },
            }),
          );
          next.resolve(size);
        } catch (err) {
          next.reject(err as Error);
        }
        if (OPENS_BATCH.has(type)) this.extendedOwner = next.handlerId;
        else if (type === SYNC || type === SIMPLE_QUERY || type === TERMINATE) this.extendedOwner = null;
        this.lastHandlerId = next.handlerId;
      }
    } finally {
      this.processing = false;
    }
  };

  const clear = queue.clearTransactionIfNeeded.bind(queue);
  queue.clearTransactionIfNeeded = async function (this: QueryQueue, handlerId: number): Promise<void> {
    // A client that disconnects mid-batch must not keep the session.
    if (this.extendedOwner === handlerId) this.extendedOwner = null;
    await clear(handlerId);
    await this.processQueue();
  };
}
