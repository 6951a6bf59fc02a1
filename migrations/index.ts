import type { Knex } from 'knex';
import * as events from './20261124_01_events.js';
import * as projectionCheckpoints from './20261124_02_projection_checkpoints.js';
import * as idSequences from './20261124_03_id_sequences.js';
import * as users from './20261124_04_users.js';
import * as resumes from './20261124_05_resumes.js';
import * as jobApplications from './20261124_06_job_applications.js';
import * as ai from './20261124_07_ai.js';
import * as moveCheckpoint from './20261130_01_move_checkpoint.js';
import * as goneResumes from './20261203_01_gone_resumes.js';
import * as streamSnapshots from './20261203_02_stream_snapshots.js';
import * as ownerCounts from './20261203_03_owner_counts.js';
import * as logIdentity from './20261203_04_log_identity.js';
import * as dataKeys from './20261203_05_data_keys.js';
import * as aiUsageByUser from './20261203_06_ai_usage_by_user.js';

/**
 * Migrations are listed here rather than discovered on disk, so the same list works
 * under tsx, compiled to dist/, and inside the Docker image.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261124_01_events': events,
  '20261124_02_projection_checkpoints': projectionCheckpoints,
  '20261124_03_id_sequences': idSequences,
  '20261124_04_users': users,
  '20261124_05_resumes': resumes,
  '20261124_06_job_applications': jobApplications,
  '20261124_07_ai': ai,
  '20261130_01_move_checkpoint': moveCheckpoint,
  '20261203_01_gone_resumes': goneResumes,
  '20261203_02_stream_snapshots': streamSnapshots,
  '20261203_03_owner_counts': ownerCounts,
  '20261203_04_log_identity': logIdentity,
  '20261203_05_data_keys': dataKeys,
  '20261203_06_ai_usage_by_user': aiUsageByUser,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`Unknown migration ${name}`);
    return migration;
  },
};
