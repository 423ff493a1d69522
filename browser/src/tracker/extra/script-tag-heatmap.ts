import type { ExtraScript } from '../script-tag.js';
import { showHeatmap } from './heatmap-overlay.js';

/**
 * `footfall-heatmap.js`, the script tag's third file: the lazy part adds it only when the page's
 * fragment carries a heatmap link, so visitors never load it; the core's handle is on the element.
 */
void showHeatmap((document.currentScript as ExtraScript).core);
