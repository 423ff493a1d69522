// The client's side of "nothing acknowledged is lost": every request body is kept until an answer
// settles it. A 2xx acknowledges its events; a 4xx refuses them (our bodies are valid, so that is a
// finding); 429 and 503 with Retry-After are retried after it, other failures (a 503 without
// Retry-After among them) and requests that never got an answer after a back-off. A retry sends the same body, so the service recognises the events it
// may already hold. At the end, acknowledged + refused = sent, and ClickHouse must hold exactly the
// acknowledged events.
import type { Path } from './scenario.js';
import type { Payload } from './payloads.js';

const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;
const DEFAULT_RETRY_AFTER_S = 1;
/** Distinct kinds of failed answer tallied by name; past this many the rest are tallied as one. */
const MAX_FAILURE_KINDS = 20;

/** Counters of one path; plain numbers so a step can take a snapshot and subtract. */
export interface DeliveryCounts {
  /** Requests written (first sends and retries). */
  attempts: number;
  /** 2xx answers. */
  ok: number;
  /** 429 and 503 with Retry-After: the designed answer to overload, retried after it. */
  deferred: number;
  /** Any other non-2xx answer (a 429 or 503 without Retry-After too: retried after a back-off). */
  failed: number;
  /** Sent and never answered: connection refused or reset, time-out, or cut by the end of a run. */
  lost: number;
  retries: number;
  /** Distinct events put into a request. */
  sentEvents: number;
  /** Events a 2xx answer took (stored now, or recognised as stored before). */
  acknowledgedEvents: number;
  /** Of those, the ones the service said it already held (a retry of a request it had taken). */
  duplicateEvents: number;
  refusedEvents: number;
}

export const zeroCounts = (): DeliveryCounts => ({
  attempts: 0,
  ok: 0,
  deferred: 0,
  failed: 0,
  lost: 0,
  retries: 0,
  sentEvents: 0,
  acknowledgedEvents: 0,
  duplicateEvents: 0,
  refusedEvents: 0,
});

export function subtractCounts(after: DeliveryCounts, before: DeliveryCounts): DeliveryCounts {
  const out = zeroCounts();
  for (const key of Object.keys(out) as (keyof DeliveryCounts)[]) out[key] = after[key] - before[key];
  return out;
}

export function addCounts(a: DeliveryCounts, b: DeliveryCounts): DeliveryCounts {
  const out = zeroCounts();
  for (const key of Object.keys(out) as (keyof DeliveryCounts)[]) out[key] = a[key] + b[key];
  return out;
}

/** Attempts that did not get a 2xx, as a share of all attempts. */
export function failedRate(counts: DeliveryCounts): number {
  return counts.attempts === 0 ? 0 : (counts.deferred + counts.failed + counts.lost) / counts.attempts;
}

export interface Outgoing {
  readonly id: number;
  readonly payload: Payload;
  attempts: number;
  sentAt: number;
  dueAt: number;
}

/** How many of a 2xx answer's events were taken, already held, or refused. */
interface Settlement {
  acknowledged: number;
  duplicates: number;
  refused: number;
}

function settle2xx(path: Path, events: number, body: string): Settlement {
  if (path === 'beacon') {
    // {"accepted": n, "duplicates": n, "refused": [{index, reason}]}
    const answer = JSON.parse(body) as { accepted: number; duplicates?: number; refused?: unknown[] };
    const duplicates = answer.duplicates ?? 0;
    return { acknowledged: answer.accepted + duplicates, duplicates, refused: answer.refused?.length ?? 0 };
  }
  // The Collector answers {"partialSuccess": {}} or names how many spans it rejected.
  let rejected = 0;
  try {
    const answer = JSON.parse(body) as { partialSuccess?: { rejectedSpans?: string | number } };
    rejected = Number(answer.partialSuccess?.rejectedSpans ?? 0);
  } catch {
    // An empty or non-JSON 200 rejected nothing.
  }
  return { acknowledged: events - rejected, duplicates: 0, refused: rejected };
}

export class Delivery {
  readonly counts = zeroCounts();
  /** The first refusal's status and body, to say what the service objected to. */
  firstRefusal: string | undefined;
  /** The first 429 or 503's status and body, to say why the service asked for a retry. */
  firstDeferral: string | undefined;
  /** Answers that were neither 2xx nor a 429/503 with Retry-After, tallied by status and message:
   * which part of the stack answered them, and why. */
  readonly failureKinds = new Map<string, number>();
  private nextId = 0;
  private readonly inFlight = new Map<number, Outgoing>();
  private readonly retryQueue: Outgoing[] = [];

  constructor(
    readonly path: Path,
    private readonly makePayload: () => Payload,
  ) {}

  /** Distinct request bodies made so far (first sends; retries are not counted). */
  get created(): number {
    return this.nextId;
  }

  /** The body to send now: a retry that is due, else a new one. Registers it as in flight. */
  next(now = Date.now()): Outgoing {
    const retry = this.dueRetry(now);
    if (retry) return retry;
    const payload = this.makePayload();
    const outgoing: Outgoing = { id: this.nextId++, payload, attempts: 0, sentAt: now, dueAt: now };
    this.counts.sentEvents += payload.events;
    return this.send(outgoing, now);
  }

  /** A queued retry that is due now, registered as in flight; undefined when none is due. */
  dueRetry(now = Date.now()): Outgoing | undefined {
    const head = this.retryQueue[0];
    if (!head || head.dueAt > now) return undefined;
    this.retryQueue.shift();
    this.counts.retries += 1;
    return this.send(head, now);
  }

  private send(outgoing: Outgoing, now: number): Outgoing {
    outgoing.attempts += 1;
    outgoing.sentAt = now;
    this.counts.attempts += 1;
    this.inFlight.set(outgoing.id, outgoing);
    return outgoing;
  }

  /** An answer to the request `id`; `retryAfter` is the header's value, if any. */
  answered(id: number, status: number, body: string, retryAfter: string | undefined, now = Date.now()): void {
    const outgoing = this.inFlight.get(id);
    // Already given up on as lost (it is queued for a retry): the late answer is ignored, the retry
    // will settle it.
    if (!outgoing) return;
    this.inFlight.delete(id);
    if (status >= 200 && status < 300) {
      const settled = settle2xx(this.path, outgoing.payload.events, body);
      this.counts.ok += 1;
      this.counts.acknowledgedEvents += settled.acknowledged;
      this.counts.duplicateEvents += settled.duplicates;
      this.counts.refusedEvents += settled.refused;
      if (settled.refused > 0) this.firstRefusal ??= `${status} ${body.slice(0, 300)}`;
    } else if ((status === 429 || status === 503) && retryAfter !== undefined) {
      this.counts.deferred += 1;
      this.firstDeferral ??= `${status} ${body.slice(0, 300)}`;
      const seconds = Number(retryAfter);
      this.requeue(outgoing, now + (Number.isFinite(seconds) ? seconds : DEFAULT_RETRY_AFTER_S) * 1000);
    } else if (status >= 500) {
      this.counts.failed += 1;
      this.tallyFailure(status, retryAfter, body);
      this.requeue(outgoing, now + backoffMs(outgoing.attempts));
    } else {
      // Any other 4xx: the service will never take this body; retrying it would change nothing.
      this.counts.failed += 1;
      this.tallyFailure(status, retryAfter, body);
      this.counts.refusedEvents += outgoing.payload.events;
      this.firstRefusal ??= `${status} ${body.slice(0, 300)}`;
    }
  }

  private tallyFailure(status: number, retryAfter: string | undefined, body: string): void {
    let kind = `${status}${retryAfter === undefined ? ' without Retry-After' : ''}: ${failureMessage(body)}`;
    if (!this.failureKinds.has(kind) && this.failureKinds.size >= MAX_FAILURE_KINDS) kind = 'other answers';
    this.failureKinds.set(kind, (this.failureKinds.get(kind) ?? 0) + 1);
  }

  /** Requests in flight for longer than `olderThanMs` will get no answer (their connection was
   * closed or timed out): queue them for a retry. */
  giveUpOlderThan(olderThanMs: number, now = Date.now()): void {
    for (const outgoing of this.inFlight.values()) {
      if (now - outgoing.sentAt >= olderThanMs) this.lostOne(outgoing.id, now);
    }
  }

  /** The request `id` will get no answer (its connection failed): queue it for a retry. */
  lostOne(id: number, now = Date.now()): void {
    const outgoing = this.inFlight.get(id);
    if (!outgoing) return;
    this.inFlight.delete(id);
    this.counts.lost += 1;
    this.requeue(outgoing, now + backoffMs(outgoing.attempts));
  }

  /** Everything still waiting for an answer or a retry. */
  get unsettled(): number {
    return this.inFlight.size + this.retryQueue.length;
  }

  /** When the next queued retry is due, if any. */
  get nextDueAt(): number | undefined {
    return this.retryQueue[0]?.dueAt;
  }

  private requeue(outgoing: Outgoing, dueAt: number): void {
    outgoing.dueAt = dueAt;
    // Kept in due order, so the head is always the first one due.
    let index = this.retryQueue.length;
    while (index > 0 && this.retryQueue[index - 1]!.dueAt > dueAt) index -= 1;
    this.retryQueue.splice(index, 0, outgoing);
  }
}

/** The message of an error answer: the JSON `message` that both the ingest service and the
 * Collector give, else the start of the body. */
function failureMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof message === 'string') return message.slice(0, 120);
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return body.slice(0, 120) || '(empty body)';
}

function backoffMs(attempts: number): number {
  return Math.min(FIRST_BACKOFF_MS * 2 ** (attempts - 1), MAX_BACKOFF_MS);
}
