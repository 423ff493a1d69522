// Writes the rendered dashboards and provisioning files into the repository.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderAll } from '../src/render.js';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
for (const [path, content] of renderAll()) {
  const target = join(repositoryRoot, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  console.log(`wrote ${path}`);
}
