/** Global Privacy Control or Do Not Track, read once: either one turns the tracker off. */
export function privacySignal(): 'gpc' | 'dnt' | undefined {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
  return nav.globalPrivacyControl ? 'gpc' : nav.doNotTrack === '1' ? 'dnt' : undefined;
}
