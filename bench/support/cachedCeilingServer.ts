/**
 * The ceiling for bench/cached: a bare Koa handler in its own process that GETs the same
 * Redis key the API serves `GET /api/ai/models/` from, and sends it as is.
 */
import Koa from 'koa';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: process.env.REDIS_KEY_PREFIX ?? '' });
const app = new Koa();
app.use(async (ctx) => {
  const cached = await redis.get('ai_models_list');
  ctx.type = 'application/json';
  ctx.body = `{"cache_status":"HIT (Response from Redis cache)","data":${cached ?? '[]'}}`;
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => void redis.quit().then(() => process.exit(0))));
