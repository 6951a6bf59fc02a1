/**
 * The ceiling for bench/tracker: a bare Koa app in its own process that does the least work a
 * correct endpoint could do — verify the same JWT, run the same SELECT (GET) or one plain
 * INSERT (POST) — on the same database, with the same pool size as the API.
 */
import Koa from 'koa';
import jwt from 'jsonwebtoken';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const secret = process.env.SECRET_KEY!;

const userIdOf = (header: string | undefined): number => {
  const claims = jwt.verify(header?.split(' ')[1] ?? '', secret, { algorithms: ['HS256'] }) as { user_id: string };
  return Number(claims.user_id);
};

const app = new Koa();
app.use(async (ctx) => {
  const userId = userIdOf(ctx.get('authorization'));
  if (ctx.method === 'GET') {
    const { rows } = await pool.query(
      'SELECT * FROM job_applications WHERE user_id = $1 AND NOT is_deleted ORDER BY created_at DESC, id DESC',
      [userId],
    );
    ctx.body = rows;
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
  const { rows } = await pool.query(
    'INSERT INTO ceiling_applications (user_id, job_title, company_name, status) VALUES ($1, $2, $3, $4) RETURNING *',
    [userId, body.job_title, body.company_name, body.status ?? 'Applied'],
  );
  ctx.status = 201;
  ctx.body = rows[0];
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
