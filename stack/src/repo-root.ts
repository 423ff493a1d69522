import { fileURLToPath } from 'node:url';

/** The repository's root folder, whatever the caller's working directory. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
