import Bowser from 'bowser';
import { isbot } from 'isbot';

export interface Device {
  device: string;
  browser: string;
  os: string;
  bot: boolean;
}

const CACHE_SIZE = 2000;
/**
 * User agents are cut to this length before they are parsed, cached or hashed: real ones are
 * 100-300 characters, and the cache then holds at most CACHE_SIZE x 512 characters (2 MB).
 */
export const MAX_USER_AGENT_CHARS = 512;
/** Bowser names an unknown browser after the agent's own text; stored values stay short. */
const MAX_NAME_CHARS = 64;

/**
 * Device, browser, OS and bot flag from a user agent. Parsing costs tens of microseconds and a
 * site sees few distinct agents, so the answers are cached (bounded in count and, agents being
 * cut first, in size; cleared when full).
 */
export class UserAgents {
  private readonly cache = new Map<string, Device>();

  describe(fullUserAgent: string): Device {
    const userAgent = cutUserAgent(fullUserAgent);
    let device = this.cache.get(userAgent);
    if (device) return device;
    device = { ...describeParsed(userAgent), bot: isbot(userAgent) };
    if (this.cache.size >= CACHE_SIZE) this.cache.clear();
    this.cache.set(userAgent, device);
    return device;
  }
}

const UNKNOWN = { device: 'unknown', browser: 'unknown', os: 'unknown' };

/** Bowser throws on an empty agent (a request without the header is not worth a 500). */
function describeParsed(userAgent: string): Omit<Device, 'bot'> {
  if (userAgent.trim() === '') return UNKNOWN;
  const parsed = Bowser.parse(userAgent);
  // `||`, not `??`: bowser answers an empty browser name for an agent it recognises nothing in.
  return {
    device: (parsed.platform.type || UNKNOWN.device).slice(0, MAX_NAME_CHARS),
    browser: (parsed.browser.name || UNKNOWN.browser).slice(0, MAX_NAME_CHARS),
    os: (parsed.os.name || UNKNOWN.os).slice(0, MAX_NAME_CHARS),
  };
}

/** The agent as the service uses it everywhere: at most MAX_USER_AGENT_CHARS characters. */
export function cutUserAgent(userAgent: string): string {
  return userAgent.length > MAX_USER_AGENT_CHARS ? userAgent.slice(0, MAX_USER_AGENT_CHARS) : userAgent;
}
