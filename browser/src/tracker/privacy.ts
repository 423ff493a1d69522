/** Global Privacy Control or Do Not Track, read once: either one turns the tracker off. */
export const privacySignal = (): 'gpc' | 'dnt' | false =>
  (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl ? 'gpc' : navigator.doNotTrack === '1' && 'dnt';
