// For every workspace's tests: the paths of the Collector, k6, prometheus and promtool.
export { toolPath, toolsDir } from '../../src/tools.js';
export type { ToolName } from '../../src/tools.js';
