/**
 * The rows of the original ResuMate's Django tables that the import reads, one query per
 * table, paged by primary key (keyset paging: `$1` is the last id seen, `$2` the page size).
 * Dates come back as text and ids as numbers, whatever the column types.
 */

export interface DjangoUser {
  id: number;
  username: string;
  email: string;
  password: string;
  is_staff: boolean;
  is_active: boolean;
  date_joined: string;
  last_login: string | null;
}

export interface DjangoAiModel {
  id: number;
  display_name: string;
  model_name: string;
  api_provider: string;
  api_key_name: string;
  is_active: boolean;
  login_required: boolean;
  daily_limit: number | null;
  response_time_info: string;
  description: string;
}

export interface DjangoResume {
  id: number;
  user_id: number;
  username: string;
  title: string;
  content: string;
  created_at: string;
  updated_at: string;
}

export interface DjangoJobApplication {
  id: number;
  user_id: number;
  job_title: string;
  company_name: string;
  original_job_description: string;
  resume_used_id: number | null;
  /** Owner of `resume_used_id`; null when that resume does not exist. */
  resume_owner_id: number | null;
  date_applied: string | null;
  status: string;
  notes: string;
  is_deleted: boolean;
  is_example: boolean;
  created_at: string;
  updated_at: string;
}

export type DjangoTable = 'auth_user' | 'ai_aimodel' | 'resume_resume' | 'job_tracker_jobapplication';

export const DJANGO_TABLES: readonly DjangoTable[] = ['auth_user', 'ai_aimodel', 'resume_resume', 'job_tracker_jobapplication'];

// ISO 8601 in UTC with milliseconds, exactly what Date#toISOString gives: microseconds are cut, not rounded.
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const id = (column: string) => `${column}::float8`;

export const PAGE_QUERIES: Record<DjangoTable, string> = {
  auth_user: `
    SELECT ${id('id')} AS id, username, email, password, is_staff, is_active,
           ${iso('date_joined')} AS date_joined, ${iso('last_login')} AS last_login
    FROM auth_user WHERE id > $1 ORDER BY id LIMIT $2`,
  ai_aimodel: `
    SELECT ${id('id')} AS id, display_name, model_name, api_provider, api_key_name, is_active, login_required,
           daily_limit::float8 AS daily_limit, response_time_info, description
    FROM ai_aimodel WHERE id > $1 ORDER BY id LIMIT $2`,
  resume_resume: `
    SELECT ${id('r.id')} AS id, ${id('r.user_id')} AS user_id, u.username, r.title, r.content,
           ${iso('r.created_at')} AS created_at, ${iso('r.updated_at')} AS updated_at
    FROM resume_resume r JOIN auth_user u ON u.id = r.user_id
    WHERE r.id > $1 ORDER BY r.id LIMIT $2`,
  job_tracker_jobapplication: `
    SELECT ${id('a.id')} AS id, ${id('a.user_id')} AS user_id, a.job_title, a.company_name, a.original_job_description,
           ${id('a.resume_used_id')} AS resume_used_id, ${id('r.user_id')} AS resume_owner_id,
           a.date_applied::text AS date_applied, a.status, a.notes, a.is_deleted, a.is_example,
           ${iso('a.created_at')} AS created_at, ${iso('a.updated_at')} AS updated_at
    FROM job_tracker_jobapplication a LEFT JOIN resume_resume r ON r.id = a.resume_used_id
    WHERE a.id > $1 ORDER BY a.id LIMIT $2`,
};
