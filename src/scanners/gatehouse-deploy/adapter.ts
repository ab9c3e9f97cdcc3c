// The deployment-file checks as an engine adapter (category `misconfig`): embedded, nothing to install.
import { createPolicyAdapter } from '../policy/adapter.js';
import { DEPLOY_DOCS, DEPLOY_SCANNER_ID, DEPLOY_SCANNER_VERSION } from './check.js';

export const gatehouseDeployAdapter = createPolicyAdapter({
  id: DEPLOY_SCANNER_ID,
  category: 'misconfig',
  check: 'deploy',
  version: DEPLOY_SCANNER_VERSION,
  docsPage: DEPLOY_DOCS,
});
