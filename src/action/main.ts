// The action's entry point (bundled to dist/index.js). The one place that turns errors into a failed
// step: a ConfigError exits 2, anything unexpected 1; a failed gate exits 1 and a scanner error 3, in
// both cases with every output already set. `core.setFailed` does not stop the process by itself.
import * as core from '@actions/core';
import { ConfigError, EXIT_CODES } from '../errors.js';
import { scrubSecrets } from '../findings/redact.js';
import type { Logger } from '../logger.js';
import { readGitHubContext } from '../github/context.js';
import { ToolInstallError } from '../tools/install.js';
import { readActionInputs } from './inputs.js';
import { ArtifactRefusedError } from './fork-report.js';
import { runAction, type ActionIO } from './run-action.js';

/** @actions/core as the Logger; every line goes through scrubSecrets as a last line of defence. */
function createActionsLogger(): Logger {
  return {
    debug: (m) => core.debug(scrubSecrets(m)),
    info: (m) => core.info(scrubSecrets(m)),
    warning: (m) => core.warning(scrubSecrets(m)),
    error: (m) => core.error(scrubSecrets(m)),
  };
}

const io: ActionIO = {
  setOutput: (name, value) => core.setOutput(name, value),
  setFailed: (message) => core.setFailed(scrubSecrets(message)),
  addPath: (dir) => core.addPath(dir),
  setSecret: (value) => core.setSecret(value),
  getIDToken: (audience) => core.getIDToken(audience),
  error: (message, properties) => core.error(message, properties),
  warning: (message, properties) => core.warning(message, properties),
  notice: (message, properties) => core.notice(message, properties),
  exportVariable: (name, value) => core.exportVariable(name, value),
};

async function main(): Promise<number> {
  const logger = createActionsLogger();
  try {
    const inputs = readActionInputs((name) => core.getInput(name));
    const context = readGitHubContext(process.env);
    return await runAction({ inputs, context, io, logger, summaryFile: process.env.GITHUB_STEP_SUMMARY });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ConfigError) {
      io.setFailed(`Gatehouse configuration error: ${message}`);
      return EXIT_CODES.usage;
    }
    if (error instanceof ArtifactRefusedError) {
      // Nothing was commented or pushed: an untrusted artifact that fails validation is never used.
      io.setFailed(`Gatehouse ${message}`);
      return EXIT_CODES.gateFailed;
    }
    if (error instanceof ToolInstallError) {
      // A scanner that cannot be installed is a scanner that cannot run: fail closed, exit 3.
      io.setFailed(`Gatehouse could not install a scanner: ${message}`);
      return EXIT_CODES.scannerError;
    }
    io.setFailed(`Gatehouse failed: ${message}`);
    if (error instanceof Error && error.stack) core.debug(scrubSecrets(error.stack));
    return EXIT_CODES.gateFailed;
  }
}

process.exitCode = await main();
