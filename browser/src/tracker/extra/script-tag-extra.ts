import type { ExtraScript } from '../script-tag.js';
import { startExtra } from './start-extra.js';

/**
 * `footfall-extra.js`, the script tag's lazily loaded part: the core adds this script once the
 * page has loaded and puts its handle on the element, which is `document.currentScript` while
 * this runs.
 */
startExtra((document.currentScript as ExtraScript).core);
