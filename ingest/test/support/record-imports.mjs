// Preloaded into a service under test (NODE_OPTIONS=--import=<this file>): appends the URL of
// every module the process resolves to the file FOOTFALL_TEST_IMPORTS_FILE names, one a line, so
// a test can tell which libraries a service loaded. Plain JavaScript: it runs before tsx is there.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env.FOOTFALL_TEST_IMPORTS_FILE;
if (file) {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      appendFileSync(file, `${resolved.url}\n`);
      return resolved;
    },
  });
}
