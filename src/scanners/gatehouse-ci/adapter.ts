// The CI workflow audit as an engine adapter (category `ci`): embedded, nothing to install.
import { createPolicyAdapter } from '../policy/adapter.js';
import { CI_DOCS, CI_SCANNER_ID, CI_SCANNER_VERSION } from './check.js';

export const gatehouseCiAdapter = createPolicyAdapter({
  id: CI_SCANNER_ID,
  category: 'ci',
  check: 'ci',
  version: CI_SCANNER_VERSION,
  docsPage: CI_DOCS,
});
