import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../config.js';
import { exitWithStartupFailure, StartupFailure } from '../startupFailure.js';
import { withInfrastructure } from './infrastructure.js';
import type { Infrastructure } from '../server.js';
import { registerProjectionCommands } from './projectionCommands.js';
import { registerHistoryCommands } from './historyCommands.js';
import { registerUserCommands } from './userCommands.js';
import { registerImportCommands } from './importCommands.js';
import { seedExamples } from '../commands/seedExamples.js';
import { configureAiModel, deactivateAiModel, updateAiModel } from '../commands/aiModels.js';
import { aiModelExists } from '../projections/aiModelExists.js';
import { registerPrivacyCommands } from './privacyCommands.js';
import type { CommandDeps } from '../commands/deps.js';
import type { CommandContext } from '../domain/decider.js';
import { AI_PROVIDERS, newAiModelSettings } from '../domain/aiModel/index.js';
import { AppError, ValidationFailed } from '../domain/errors.js';
import { aiModelBody } from '../http/schemas/aiModels.js';
import { bodyValidator } from '../http/validation/bodyValidator.js';
import { listAllModels } from '../projections/aiModels.js';
import { dailyUsage } from '../projections/aiUsageDaily.js';

// `npx resumate admin <command>` (bin/resumate.js): the admins' and analysts' entry point.
// Exit codes: 0 success, 1 failure, 2 wrong usage.

/** The server module loads only for commands that write (see infrastructure.ts). */
const commandDeps = async (infra: Infrastructure) => (await import('../server.js')).commandDeps(infra);

const program = new Command('resumate admin').description('ResuMate administration and analysis').exitOverride();

registerProjectionCommands(program);
registerHistoryCommands(program);
registerUserCommands(program);
registerImportCommands(program);
registerPrivacyCommands(program);

const examples = program.command('examples').description('the public example job applications');
examples
  .command('seed')
  .description('creates the non-login "example" user and five example applications, each only if missing')
  .option('--json', 'machine-readable output')
  .action(async (options: { json?: boolean }) => {
    // Projectors run here too (or stand by for a running API's): each write waits for its read model.
    const report = await withInfrastructure(
      async (infra) => seedExamples({ commands: await commandDeps(infra), db: infra.db, catchUp: () => infra.projections.catchUp() }),
      { runProjectors: true },
    );
    if (options.json) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    console.log(`example user: ${report.userCreated ? 'created' : 'already present'} (id ${report.userId})`);
    const created = report.applicationsCreated;
    console.log(`example applications: ${created.length} created${created.length > 0 ? ` (ids ${created.join(', ')})` : ''}, ${report.applicationsPresent} already present`);
  });

const aiModels = program.command('ai-models').description('AI model settings (every change is an event)');
aiModels
  .command('usage')
  .description('generations per model on one UTC day (reserved, and released after a failed call)')
  .option('--day <YYYY-MM-DD>', 'the UTC day; default today')
  .option('--json', 'machine-readable output')
  .action(async (options: { day?: string; json?: boolean }) => {
    const day = options.day ?? new Date().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      console.error(`--day must look like 2026-11-24 (got "${day}")`);
      process.exit(2);
    }
    const usage = await withInfrastructure((infra) => dailyUsage(infra.db, day));
    if (options.json) {
      console.log(JSON.stringify(usage, null, 2));
      return;
    }
    if (usage.length === 0) console.log(`No generations on ${day}.`);
    for (const u of usage) console.log(`${u.model.padEnd(30)} ${String(u.reserved - u.released).padStart(6)} used  (${u.reserved} reserved, ${u.released} released)`);
  });
aiModels
  .command('list')
  .description('every model, inactive ones included')
  .option('--json', 'machine-readable output')
  .action(async (options: { json?: boolean }) => {
    const models = await withInfrastructure((infra) => listAllModels(infra.db));
    if (options.json) {
      console.log(JSON.stringify(models, null, 2));
      return;
    }
    if (models.length === 0) console.log('No AI models configured.');
    for (const m of models) {
      const access = `${m.login_required ? 'login required' : 'anonymous ok'}, limit ${m.daily_limit || 'none'}`;
      console.log(`${m.display_name.padEnd(24)} ${(m.is_active ? 'active' : 'inactive').padEnd(9)} ${m.api_provider.padEnd(14)} ${m.model_name.padEnd(28)} ${access}`);
    }
  });

interface AiModelSetOptions {
  provider?: string;
  modelName?: string;
  apiKeyName?: string;
  dailyLimit?: string;
  loginRequired?: boolean;
  active?: boolean;
  inactive?: boolean;
  description?: string;
  responseTime?: string;
}

/** API field -> the option that sets it, so a refusal names what the admin typed. */
const AI_MODEL_OPTIONS: Record<string, string> = {
  display_name: '<display-name>',
  model_name: '--model-name',
  api_provider: '--provider',
  api_key_name: '--api-key-name',
  is_active: '--active/--inactive',
  login_required: '--login-required',
  daily_limit: '--daily-limit',
  response_time_info: '--response-time',
  description: '--description',
};

/** Refusals are for the admin to read, not stack traces: invalid input exits 2, anything else 1. */
async function reportingRefusals(run: () => Promise<string>): Promise<void> {
  try {
    console.log(await run());
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const fieldErrors = err instanceof ValidationFailed ? Object.entries(err.fieldErrors) : [];
    console.error(fieldErrors.length > 0 ? fieldErrors.map(([field, messages]) => `${AI_MODEL_OPTIONS[field] ?? field}: ${messages.join(' ')}`).join('\n') : err.message);
    process.exit(err instanceof ValidationFailed ? 2 : 1);
  }
}

const aiModelSettings = bodyValidator(aiModelBody);
const cliContext = (deps: CommandDeps): CommandContext => ({ userId: null, requestId: 'admin-cli', at: deps.clock.now().toISOString() });

aiModels
  .command('set <display-name>')
  .description('creates the model, or changes only the given settings of an existing one')
  .addOption(new Option('--provider <provider>', 'api_provider').choices(AI_PROVIDERS))
  .option('--model-name <name>', "the provider's model id")
  .option('--api-key-name <name>', "environment variable holding the provider's key (blank only for offline)")
  .option('--daily-limit <n|none>', 'generations per user or anonymous client per UTC day; none or 0 = unlimited')
  .option('--login-required', 'only signed-in users may use it')
  .option('--no-login-required', 'anonymous clients may use it too')
  .addOption(new Option('--inactive', 'hide it from clients').conflicts('active'))
  .option('--active', 'offer it to clients')
  .option('--description <text>', 'shown to clients')
  .option('--response-time <text>', 'shown to clients, e.g. "5-10 seconds"')
  .action((displayName: string, o: AiModelSetOptions) =>
    reportingRefusals(async () => {
      const given = {
        display_name: displayName,
        model_name: o.modelName,
        api_provider: o.provider,
        api_key_name: o.apiKeyName,
        is_active: o.inactive ? false : o.active,
        login_required: o.loginRequired,
        daily_limit: o.dailyLimit === 'none' ? null : o.dailyLimit,
        response_time_info: o.responseTime,
        description: o.description,
      };
      const body = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
      // The argument names the model to change; it renames nothing, not even the case.
      const { display_name: _name, ...changes } = aiModelSettings.parsePartial(body);
      // Projectors run here too (or stand by for a running API's), so the write can wait for ai_models.
      return withInfrastructure(async (infra) => {
        const deps = await commandDeps(infra);
        if (await aiModelExists(deps, displayName)) {
          await updateAiModel(deps, displayName, changes, cliContext(deps));
          return `AI model "${displayName}" updated`;
        }
        await configureAiModel(deps, newAiModelSettings(aiModelSettings.parse(body)), cliContext(deps));
        return `AI model "${displayName}" created`;
      }, { runProjectors: true });
    }),
  );

aiModels
  .command('deactivate <display-name>')
  .description('hides the model from clients (its history stays in the log)')
  .action((displayName: string) =>
    reportingRefusals(() =>
      withInfrastructure(async (infra) => {
        const deps = await commandDeps(infra);
        await deactivateAiModel(deps, displayName, cliContext(deps));
        return `AI model "${displayName}" is inactive`;
      }, { runProjectors: true }),
    ),
  );

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  if (err instanceof ConfigError || err instanceof StartupFailure) exitWithStartupFailure(err);
  console.error(err);
  process.exit(1);
}
