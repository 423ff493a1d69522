// Delivers a weekly digest: to the alert webhook (FOOTFALL_ALERT_WEBHOOK_URL) and, when SMTP
// settings are given, by mail through nodemailer. The webhook message is not an alert: it keeps
// Grafana's `title` and `message` (and Slack's `text`), which a receiver of the alerts already
// shows, and says what it is in `kind: "digest"`, with the facts as data in `digest`.
import type { DigestFacts } from './compose-digest.js';
import type { DigestText } from './digest-text.js';

export interface MailSettings {
  /** `smtp://user:pass@host:587` or `smtps://...`. */
  smtpUrl: string;
  from: string;
  /** One address or several, comma-separated. */
  to: string;
}

/** The webhook message of a digest. */
export function digestMessage(facts: DigestFacts, text: DigestText) {
  const message = text.sentences.join('\n');
  return {
    receiver: 'footfall-ingest',
    kind: 'digest',
    site: facts.site,
    week: facts.week,
    title: text.title,
    message,
    text: `${text.title}\n${message}`,
    digest: facts,
  };
}

/** Posts the digest; true once the webhook answered 2xx. Tries a few times, each bounded in time. */
export async function postDigest(
  facts: DigestFacts,
  text: DigestText,
  options: {
    url: string;
    attempts?: number;
    pauseMs?: number;
    timeoutMs?: number;
    /** Run before each try: throws to stop posting (the lease's fence, src/lease/). */
    fence?: () => Promise<void>;
  },
): Promise<boolean> {
  const body = JSON.stringify(digestMessage(facts, text));
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await options.fence?.();
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.body?.cancel();
      if (response.ok) return true;
    } catch {
      // Unreachable, refused or too slow: tried again below, then next round.
    }
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 1000));
  }
  return false;
}

/** Mails the digest as plain text; resolves once the SMTP server accepted it, throws when it did not. */
export async function mailDigest(text: DigestText, settings: MailSettings): Promise<void> {
  // Imported on the first mail: about 4 MiB of heap that a service without SMTP settings never needs.
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport(settings.smtpUrl);
  try {
    await transport.sendMail({ from: settings.from, to: settings.to, subject: text.title, text: `${text.sentences.join('\n')}\n` });
  } finally {
    transport.close();
  }
}
