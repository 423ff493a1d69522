// The balancer in front of the simulated ingest replicas: a node:http proxy that sends each beacon
// to the replica its session hashes to (stickiness, docs/scaling.md "Routing"). While that replica
// is down (it refuses connections, or died under a request), the session's requests are held: the
// router answers 503 with Retry-After instead of passing them to another replica, because the
// dead replica may hold their rows in its log already (it took them, the answer was lost) and
// replays them when it is back; a retry stored by another replica meanwhile would be a second copy.
// The hold is bounded: once a replica has been down for `holdMs`, its sessions go on to the next
// replica in the ring (the replica is taken as gone; docs/scaling.md says what that costs). It
// never sends a request twice: once a request may have reached a replica (the connection was
// made), a failure is the client's to retry, as a balancer with its POST retries off does. It
// records, per replica, which event ids it forwarded and which attempts were cut without an
// answer, for the reconciliation.
import { createHash } from 'node:crypto';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Bodies larger than a beacon may be are refused, as the service refuses them. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ReplicaTraffic {
  /** Requests answered by this replica, by status. */
  answered: Record<number, number>;
  /** Requests sent to this replica that got no answer (it died under them). */
  cut: number;
  /** Event ids of the cut requests: the ones a client retries elsewhere while this replica is down. */
  cutIds: Set<string>;
  /** Requests answered 503 with Retry-After because this replica, their session's, was down. */
  held: number;
  /** Requests that found this replica down past the hold and went on to the next. */
  passedOn: number;
}

export interface RouterOptions {
  /**
   * How long a replica's sessions are held (503 with Retry-After) after it went down, in ms;
   * past that they go on to the next replica. 0 passes them on at once (no hold).
   */
  holdMs: number;
  /** The clock, epoch ms. */
  now?: () => number;
}

/** What the router asks a held client to wait before its retry, in seconds. */
export const HOLD_RETRY_AFTER_S = 1;

export interface Router {
  url: string;
  traffic: ReplicaTraffic[];
  /**
   * From now on, drop the answers of replica `index` as if it had crashed after taking the rows
   * into its log but before answering (the hard case of docs/scaling.md); `false` stops it.
   */
  loseAnswersOf(index: number | false): void;
  close(): Promise<void>;
}

/** The session of a beacon (its first event's), else the client's address: what a visitor repeats. */
function routingKey(body: Buffer, incoming: IncomingMessage): { key: string; ids: string[] } {
  try {
    const beacon = JSON.parse(body.toString('utf8')) as { events?: { id?: unknown; session?: unknown }[] };
    const events = Array.isArray(beacon.events) ? beacon.events : [];
    const ids = events.flatMap((event) => (typeof event.id === 'string' ? [event.id] : []));
    const session = events[0]?.session;
    if (typeof session === 'string') return { key: session, ids };
    return { key: incoming.socket.remoteAddress ?? '', ids };
  } catch {
    // Not a beacon the router can read: the service will answer it; route by address.
    return { key: incoming.socket.remoteAddress ?? '', ids: [] };
  }
}

/** A stable hash of the key onto the replicas (rendezvous-free: replicas are a fixed, ordered list). */
export function replicaOf(key: string, replicas: number): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) % replicas;
}

function readBody(incoming: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    incoming.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    incoming.on('error', reject);
  });
}

type Attempt = { status: number; headers: IncomingMessage['headers']; body: Buffer } | 'refused' | 'cut';

function forward(replicaUrl: string, agent: Agent, incoming: IncomingMessage, body: Buffer): Promise<Attempt> {
  return new Promise((resolve) => {
    let connected = false;
    const outgoing = request(
      `${replicaUrl}${incoming.url ?? '/'}`,
      {
        method: incoming.method,
        agent,
        headers: { ...incoming.headers, host: new URL(replicaUrl).host, 'content-length': String(body.length) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', () => resolve('cut'));
      },
    );
    outgoing.on('socket', (socket) => {
      // A reused keep-alive socket is connected already; a new one says so when it connects.
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    // Refused before any byte left: safe to try the next replica. Anything later may have been taken.
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve(!connected && error.code === 'ECONNREFUSED' ? 'refused' : 'cut'));
    outgoing.end(body);
  });
}

export async function startRouter(replicaUrls: string[], options: RouterOptions): Promise<Router> {
  const now = options.now ?? Date.now;
  const traffic: ReplicaTraffic[] = replicaUrls.map(() => ({ answered: {}, cut: 0, cutIds: new Set(), held: 0, passedOn: 0 }));
  /** Since when each replica is down (refused a connection or died under a request); undefined while it answers. */
  const downSince: (number | undefined)[] = replicaUrls.map(() => undefined);
  const markDown = (index: number) => {
    downSince[index] ??= now();
  };
  /** Whether the sessions of a down replica are still held for it (else they go on to the next). */
  const holding = (index: number) => downSince[index] !== undefined && now() - downSince[index]! < options.holdMs;
  const agents = replicaUrls.map(() => new Agent({ keepAlive: true }));
  let losing: number | false = false;
  const handle = async (incoming: IncomingMessage, reply: ServerResponse) => {
    const body = await readBody(incoming);
    if (body === undefined) {
      reply.writeHead(413, { 'content-type': 'application/json' }).end('{"message":"body too large for the router"}');
      return;
    }
    const { key, ids } = routingKey(body, incoming);
    const first = replicaOf(key, replicaUrls.length);
    for (let step = 0; step < replicaUrls.length; step += 1) {
      const index = (first + step) % replicaUrls.length;
      const seen = traffic[index]!;
      const attempt = await forward(replicaUrls[index]!, agents[index]!, incoming, body);
      if (attempt === 'refused') {
        markDown(index);
        if (holding(index)) {
          seen.held += 1;
          reply
            .writeHead(503, { 'content-type': 'application/json', 'retry-after': String(HOLD_RETRY_AFTER_S) })
            .end(`{"message":"replica-${index}, this session's, is down; held until it is back"}`);
          return;
        }
        seen.passedOn += 1;
        continue;
      }
      if (attempt === 'cut') markDown(index);
      else downSince[index] = undefined;
      if (attempt === 'cut' || losing === index) {
        seen.cut += 1;
        for (const id of ids) seen.cutIds.add(id);
        // The answer was lost with the replica: the client retries (same body, same ids).
        reply
          .writeHead(502, { 'content-type': 'application/json' })
          .end('{"message":"the replica closed the connection without an answer"}');
        return;
      }
      seen.answered[attempt.status] = (seen.answered[attempt.status] ?? 0) + 1;
      const headers = { ...attempt.headers };
      delete headers['transfer-encoding'];
      delete headers.connection;
      delete headers['keep-alive'];
      reply.writeHead(attempt.status, { ...headers, 'content-length': String(attempt.body.length) }).end(attempt.body);
      return;
    }
    reply.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"no replica accepts connections"}');
  };
  const server: Server = createServer((incoming, reply) => {
    handle(incoming, reply).catch(() => {
      if (!reply.headersSent) reply.writeHead(502).end();
      else reply.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    traffic,
    loseAnswersOf: (index) => {
      losing = index;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const agent of agents) agent.destroy();
    },
  };
}
