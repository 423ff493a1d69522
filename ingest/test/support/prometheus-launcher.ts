// A launcher of a native binary the way `npm run stack` starts one (its own process group, so
// Ctrl-C reaches only the launcher): Prometheus on the port and folder given, then nothing until
// killed. The launcher-crash test kills it with SIGKILL and watches what it leaves behind.
import { startPrometheus } from '@footfall/stack';

const [port, dataDir] = process.argv.slice(2);
await startPrometheus({
  port: Number(port),
  dataDir: dataDir!,
  logFile: `${dataDir}/prometheus.log`,
  targets: { ingest: '127.0.0.1:1', collector: '127.0.0.1:1' },
  ownProcessGroup: true,
});
console.log('ready');
setInterval(() => undefined, 60_000);
