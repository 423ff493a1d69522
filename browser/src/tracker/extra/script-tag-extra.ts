import type { ExtraScript } from '../script-tag.js';
import { startExtra } from './start-extra.js';

/**
 * `footfall-extra.js`, the script tag's lazily loaded part: the core adds this script once the
 * page has loaded and puts its handle on the element, which is `document.currentScript` while
 * this runs.
 */
const { core } = document.currentScript as ExtraScript;
// The core does not read `data-downloads` (bytes it cannot spare): its script element is the one that names its site.
core.options.downloads ??= document.querySelector<HTMLScriptElement>('script[data-downloads]')?.dataset.downloads;
startExtra(core);
