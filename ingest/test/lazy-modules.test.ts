// Large libraries a service needs only for something it may never be asked to do are imported
// when first needed, not at start: each is megabytes of JavaScript heap held for the life of the
// process. Their use is tested where it happens (self-telemetry.test.ts, digest tests).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startIngest } from '@footfall/stack';
import { expect, it } from 'vitest';
import { recordedImports, recordingImports } from './support/recorded-imports.js';

it('a service without self-telemetry or mail settings loads neither the OpenTelemetry SDK nor nodemailer', async () => {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'footfall-lazy-'));
  const importsFile = join(dataDir, 'imports.txt');
  // Started means ready: the app built, ClickHouse migrated.
  const service = await startIngest({ port, dataDir, logFile: join(dataDir, 'ingest.log'), env: recordingImports(importsFile) });
  expect(await service.stop()).toBe(0);
  const imports = recordedImports(importsFile);
  // The recording saw the service's own modules.
  expect(imports.some((url) => url.endsWith('/ingest/src/app.ts'))).toBe(true);
  expect(imports.find((url) => url.includes('/@opentelemetry/sdk-node/'))).toBeUndefined();
  expect(imports.find((url) => url.includes('/node_modules/nodemailer/'))).toBeUndefined();
});
