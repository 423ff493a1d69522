// Writes load/scenarios/<name>.js for every scenario, and the contract's names their traffic sends
// (load/lib/wire-names.js): `npm run k6:render -w @footfall/load`.
import { rmSync, writeFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCENARIO_NAMES, SCENARIOS } from '../scenarios.js';
import { k6ScriptPath, renderK6Script, renderWireNames, WIRE_NAMES_PATH } from './render.js';

const loadDir = new URL('../../', import.meta.url);
const wanted = new Set(SCENARIO_NAMES.map((name) => k6ScriptPath(name)));
// A scenario that was removed takes its script with it.
for (const file of readdirSync(new URL('scenarios/', loadDir))) {
  if (file.endsWith('.js') && !wanted.has(`scenarios/${file}`)) rmSync(fileURLToPath(new URL(`scenarios/${file}`, loadDir)));
}
for (const name of SCENARIO_NAMES) {
  writeFileSync(fileURLToPath(new URL(k6ScriptPath(name), loadDir)), renderK6Script(SCENARIOS[name]));
  console.log(`wrote load/${k6ScriptPath(name)}`);
}
writeFileSync(fileURLToPath(new URL(WIRE_NAMES_PATH, loadDir)), renderWireNames());
console.log(`wrote load/${WIRE_NAMES_PATH}`);
