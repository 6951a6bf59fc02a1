import type { Knex } from 'knex';
import { AI_MODEL_SETTINGS, type AiModelChanges, type AiModelEvent, type AiModelSettings } from '../domain/aiModel/index.js';
import { NotFound, assertNever } from '../domain/errors.js';
import type { Projection } from './projection.js';

/** Only the known settings become columns, whatever else an event's data carries. */
const columnsOf = (changes: AiModelChanges): AiModelChanges =>
  Object.fromEntries(AI_MODEL_SETTINGS.filter((key) => changes[key] !== undefined).map((key) => [key, changes[key]]));

export const aiModelsProjection: Projection<AiModelEvent> = {
  name: 'ai_models',
  tables: ['ai_models'],
  handles: ['AiModelConfigured', 'AiModelUpdated', 'AiModelDeactivated'],
  changesOf(event) {
    switch (event.type) {
      case 'AiModelConfigured': {
        const { settings, at } = event.data;
        const row = { ...columnsOf(settings), display_name_lower: settings.display_name.toLowerCase(), created_at: at, updated_at: at };
        return [{ kind: 'insert', table: 'ai_models', row, conflict: ['display_name_lower'] }];
      }
      case 'AiModelUpdated': {
        const { displayName, changes, at } = event.data;
        return [{ kind: 'set', table: 'ai_models', key: { display_name_lower: displayName.toLowerCase() }, set: { ...columnsOf(changes), updated_at: at } }];
      }
      case 'AiModelDeactivated': {
        const { displayName, at } = event.data;
        return [{ kind: 'set', table: 'ai_models', key: { display_name_lower: displayName.toLowerCase() }, set: { is_active: false, updated_at: at } }];
      }
      default:
        return assertNever(event);
    }
  },
};

/** What anyone may see of a model: never its provider's model name or key name. */
export type PublicAiModel = Pick<AiModelSettings, 'display_name' | 'description' | 'response_time_info' | 'login_required' | 'daily_limit'>;

/** What staff see. */
export interface AiModelView extends AiModelSettings {
  created_at: string;
  updated_at: string;
}

type AiModelRow = AiModelSettings & { created_at: Date; updated_at: Date };

const PUBLIC_COLUMNS = ['display_name', 'description', 'response_time_info', 'login_required', 'daily_limit'];
const ALL_COLUMNS = [...AI_MODEL_SETTINGS, 'created_at', 'updated_at'];
const ORDER = [{ column: 'created_at' }, { column: 'display_name_lower' }];

const toView = ({ created_at, updated_at, ...settings }: AiModelRow): AiModelView => ({
  ...settings,
  created_at: created_at.toISOString(),
  updated_at: updated_at.toISOString(),
});

/** The public list (GET /api/ai/models/): active models, oldest first. */
export async function listActiveModels(db: Knex): Promise<PublicAiModel[]> {
  return (await db('ai_models').select(PUBLIC_COLUMNS).where({ is_active: true }).orderBy(ORDER)) as PublicAiModel[];
}

/** An active model by display name, in any case; its full settings are for the server's own use, not for clients. */
export async function findActiveModel(db: Knex, displayName: string): Promise<AiModelSettings | undefined> {
  return (await db('ai_models')
    .select(AI_MODEL_SETTINGS)
    .where({ display_name_lower: displayName.toLowerCase(), is_active: true })
    .first()) as AiModelSettings | undefined;
}

/** Every model, inactive ones included (staff). */
export async function listAllModels(db: Knex): Promise<AiModelView[]> {
  return ((await db('ai_models').select(ALL_COLUMNS).orderBy(ORDER)) as AiModelRow[]).map(toView);
}

/** One model by display name, in any case, inactive included (staff); NotFound otherwise. */
export async function getAiModel(db: Knex, displayName: string): Promise<AiModelView> {
  const row = (await db('ai_models').select(ALL_COLUMNS).where({ display_name_lower: displayName.toLowerCase() }).first()) as AiModelRow | undefined;
  if (!row) throw new NotFound();
  return toView(row);
}

/** Whether any model was ever configured (the offline seed runs only when none was). */
export async function anyAiModel(db: Knex): Promise<boolean> {
  return (await db('ai_models').first('display_name_lower')) !== undefined;
}
