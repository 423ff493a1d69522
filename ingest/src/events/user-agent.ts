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
 * Device, browser, OS and bot flag from a user agent. Parsing costs tens of microseconds and a
 * site sees few distinct agents, so the answers are cached (bounded; cleared when full).
 */
export class UserAgents {
  private readonly cache = new Map<string, Device>();

  describe(userAgent: string): Device {
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
  return {
    device: parsed.platform.type ?? UNKNOWN.device,
    browser: parsed.browser.name ?? UNKNOWN.browser,
    os: parsed.os.name ?? UNKNOWN.os,
  };
}
