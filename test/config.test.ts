import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, describeConfig, loadConfig } from '../src/config.js';
import { configurationSettings } from '../src/configTable.js';

const dev = { DEBUG: 'True' };
const prod = { SECRET_KEY: 's3cr3t-production-key', ALLOWED_HOSTS: 'api.example.com' };
/** Environments in which each declared variable takes effect (DB_USER needs DB_NAME, ADMIN_* needs no DJANGO_SUPERUSER_*, …). */
const bases: NodeJS.ProcessEnv[] = [
  prod,
  { ...prod, DB_NAME: 'd', REDIS_HOST: 'r', METRICS_PORT: '9000', DJANGO_SUPERUSER_USERNAME: 'a', DJANGO_SUPERUSER_EMAIL: 'a@example.com', DJANGO_SUPERUSER_PASSWORD: 'p' },
  { ...prod, ADMIN_USERNAME: 'b', ADMIN_EMAIL: 'b@example.com', ADMIN_PASSWORD: 'q' },
];
/** The variables a declaration stands for: `…_API_KEY` is any name ending so. */
const declaredVariables = configurationSettings().map((s) => (s.variable.startsWith('…') ? `SOME_PROVIDER${s.variable.slice(1)}` : s.variable));
const loads = (env: NodeJS.ProcessEnv) => {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return undefined;
    throw err;
  }
};

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  describe('with nothing but DEBUG=True (zero-setup)', () => {
    const config = loadConfig(dev);

    it('uses the embedded PostgreSQL, the in-process cache and the PostgreSQL event store', () => {
      expect(config.database).to.deep.equal({ kind: 'embedded' });
      expect(config.redis).to.deep.equal({ kind: 'memory' });
      expect(config.eventStore).to.deep.equal({ kind: 'postgres' });
      expect(config.admin).to.equal(undefined);
    });

    it('uses a development secret key and says so', () => {
      expect(config.secretKey).to.be.a('string').with.length.greaterThan(30);
      expect(config.secretKeyIsDefault).to.equal(true);
    });

    it('applies the documented defaults', () => {
      expect(config).to.deep.include({
        debug: true,
        allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
        corsAllowedOrigins: [],
        openRouterBaseUrl: 'https://openrouter.ai/api/v1',
        geminiBaseUrl: undefined,
        googleGeminiApiKey: undefined,
        openRouterApiKey: undefined,
        aiTimeoutMs: 60_000,
        port: 8000,
        host: '127.0.0.1',
        logLevel: 'info',
        runProjections: true,
        seedExamples: true,
        dataDir: path.resolve('.data'),
        embeddedPgPort: 54329,
        projectionWaitTimeoutMs: 5000,
        accessTokenLifetimeS: 300,
        refreshTokenLifetimeS: 86_400,
        trustProxy: { hops: 0 },
        bodyLimitBytes: 1_048_576,
        storageLimits: { resumesPerUser: 1000, jobApplicationsPerUser: 5000 },
        metrics: { token: undefined },
        maxAppendBytes: 1_000_000,
      });
    });
  });

  it('runs in production with SECRET_KEY and ALLOWED_HOSTS', () => {
    const config = loadConfig(prod);
    expect(config).to.deep.include({ debug: false, secretKey: prod.SECRET_KEY, secretKeyIsDefault: false });
    expect(config.allowedHosts).to.deep.equal(['api.example.com']);
  });

  it('listens on every interface in production and only on this machine in development, unless HOST is set', () => {
    expect(loadConfig(prod).host).to.equal('0.0.0.0');
    expect(loadConfig(dev).host).to.equal('127.0.0.1');
    expect(loadConfig({ ...dev, HOST: '0.0.0.0' }).host).to.equal('0.0.0.0');
  });

  it('seeds the example applications unless SEED_EXAMPLES=False', () => {
    expect(loadConfig(prod).seedExamples).to.equal(true);
    expect(loadConfig({ ...prod, SEED_EXAMPLES: 'False' }).seedExamples).to.equal(false);
  });

  it('treats an empty value as not set', () => {
    const config = loadConfig({ ...dev, PORT: '', DATABASE_URL: ' ', SECRET_KEY: '' });
    expect(config.port).to.equal(8000);
    expect(config.database).to.deep.equal({ kind: 'embedded' });
    expect(config.secretKeyIsDefault).to.equal(true);
  });

  it('reads the Django spellings of booleans', () => {
    for (const [raw, value] of [['True', true], ['False', false], ['true', true], ['false', false], ['1', true], ['0', false], ['yes', true], ['no', false]] as const) {
      expect(loadConfig({ ...prod, DEBUG: raw, TRUST_PROXY: raw, RUN_PROJECTIONS: raw }), raw).to.deep.include({
        debug: value,
        // True is one proxy in front, never "every peer": the client is the last address it appended.
        trustProxy: { hops: value ? 1 : 0 },
        runProjections: value,
      });
    }
  });

  it('reads TRUST_PROXY as a hop count or as the proxies’ addresses and CIDRs', () => {
    expect(loadConfig({ ...prod, TRUST_PROXY: '2' }).trustProxy).to.deep.equal({ hops: 2 });
    expect(loadConfig({ ...prod, TRUST_PROXY: 'loopback, 10.0.0.0/8,2001:db8::/32' }).trustProxy).to.deep.equal({
      addresses: ['loopback', '10.0.0.0/8', '2001:db8::/32'],
    });
  });

  it('reads the metrics endpoint’s token and listener', () => {
    expect(loadConfig({ ...prod, METRICS_TOKEN: 'a-long-random-scrape-token' }).metrics).to.deep.equal({ token: 'a-long-random-scrape-token' });
    expect(loadConfig({ ...prod, HOST: '10.0.0.5', METRICS_PORT: '9464' }).metrics).to.deep.equal({ token: undefined, listen: { port: 9464, host: '10.0.0.5' } });
    expect(loadConfig({ ...prod, METRICS_PORT: '9464', METRICS_HOST: '127.0.0.1' }).metrics.listen).to.deep.equal({ port: 9464, host: '127.0.0.1' });
  });

  it('reads every other setting', () => {
    const config = loadConfig({
      ...prod,
      ALLOWED_HOSTS: 'API.example.com, .example.org,*',
      CORS_ALLOWED_ORIGINS: 'https://App.example.com/,http://localhost:3000',
      GOOGLE_GEMINI_API_KEY: 'g-key',
      OPENROUTER_API_KEY: 'or-key',
      GEMINI_BASE_URL: 'http://127.0.0.1:4010',
      OPENROUTER_BASE_URL: 'http://localhost:4011/api/v1',
      AI_TIMEOUT_MS: '1500',
      PORT: '3000',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'DEBUG',
      LOG_FORMAT: 'JSON',
      DATA_DIR: '/var/lib/resumate',
      EMBEDDED_PG_PORT: '6543',
      PROJECTION_WAIT_TIMEOUT_MS: '250',
      ACCESS_TOKEN_LIFETIME_S: '60',
      REFRESH_TOKEN_LIFETIME_S: '3600',
      BODY_LIMIT_BYTES: '2048',
      MAX_APPEND_BYTES: '500000',
      REQUEST_TIMEOUT_MS: '1500',
      MAX_RESUMES_PER_USER: '3',
      MAX_JOB_APPLICATIONS_PER_USER: '4',
    });
    expect(config).to.deep.include({
      allowedHosts: ['api.example.com', '.example.org', '*'],
      corsAllowedOrigins: ['https://app.example.com', 'http://localhost:3000'],
      googleGeminiApiKey: 'g-key',
      openRouterApiKey: 'or-key',
      geminiBaseUrl: 'http://127.0.0.1:4010',
      openRouterBaseUrl: 'http://localhost:4011/api/v1',
      aiTimeoutMs: 1500,
      port: 3000,
      host: '127.0.0.1',
      logLevel: 'debug',
      logFormat: 'json',
      dataDir: '/var/lib/resumate',
      embeddedPgPort: 6543,
      projectionWaitTimeoutMs: 250,
      accessTokenLifetimeS: 60,
      refreshTokenLifetimeS: 3600,
      bodyLimitBytes: 2048,
      maxAppendBytes: 500_000,
      requestTimeoutMs: 1500,
      storageLimits: { resumesPerUser: 3, jobApplicationsPerUser: 4 },
    });
  });

  it('reads RESUMATE_REBUILD_BATCH_DELAY_MS, 0 by default', () => {
    expect(loadConfig(dev).rebuildBatchDelayMs).to.equal(0);
    expect(loadConfig({ ...dev, RESUMATE_REBUILD_BATCH_DELAY_MS: '200' }).rebuildBatchDelayMs).to.equal(200);
  });

  it('holds every *_API_KEY variable for the AI models to name, and no other', () => {
    const env = { ...dev, GOOGLE_GEMINI_API_KEY: 'g', ACME_API_KEY: 'a', SECRET_KEY: 's', lower_api_key: 'l', ACME_API_KEY_OLD: 'o', EMPTY_API_KEY: ' ' };
    expect(loadConfig(env).aiApiKeys).to.deep.equal({ GOOGLE_GEMINI_API_KEY: 'g', ACME_API_KEY: 'a' });
  });

  it('takes every declared variable into account (a declaration is the only place a setting is read)', () => {
    const candidates = ['7', '2048', 'True', 'False', 'json', 'debug', 'bcryptjs', 'a-value-longer-than-16', 'a@example.com', 'http://h.example', 'postgres://u@h/d', 'redis://h', 'esdb://h:2113'];
    const ignored = declaredVariables.filter((variable) =>
      !bases.some((base) => {
        const before = JSON.stringify(loadConfig(base));
        return candidates.some((value) => {
          const config = loads({ ...base, [variable]: value });
          return config !== undefined && JSON.stringify(config) !== before;
        });
      }));
    expect(ignored).to.deep.equal([]);
  });

  describe('database', () => {
    it('takes DATABASE_URL as is', () => {
      const url = 'postgresql://app:pw@db.internal:5433/resumate?sslmode=require';
      expect(loadConfig({ ...dev, DATABASE_URL: url }).database).to.deep.equal({ kind: 'url', url });
    });

    it('builds a URL from the original DB_* variables, encoding user and password', () => {
      const { database } = loadConfig({
        ...dev,
        DB_NAME: 'resumate_db',
        DB_USER: 'app user',
        DB_PASSWORD: 'p@ss:w/rd%',
        DB_HOST: 'db',
        DB_PORT: '6432',
      });
      expect(database).to.deep.equal({ kind: 'url', url: 'postgres://app%20user:p%40ss%3Aw%2Frd%25@db:6432/resumate_db' });
      const parsed = new URL(database.kind === 'url' ? database.url : '');
      expect(decodeURIComponent(parsed.password)).to.equal('p@ss:w/rd%');
    });

    it('defaults DB_HOST to localhost and DB_PORT to 5432', () => {
      expect(loadConfig({ ...dev, DB_NAME: 'resumate_db', DB_USER: 'postgres' }).database).to.deep.equal({
        kind: 'url',
        url: 'postgres://postgres@localhost:5432/resumate_db',
      });
    });

    it('brackets an IPv6 DB_HOST', () => {
      expect(loadConfig({ ...dev, DB_NAME: 'r', DB_HOST: '::1' }).database).to.deep.equal({ kind: 'url', url: 'postgres://[::1]:5432/r' });
    });

    it('prefers DATABASE_URL over DB_*', () => {
      const url = 'postgres://u@h/d';
      expect(loadConfig({ ...dev, DATABASE_URL: url, DB_NAME: 'other' }).database).to.deep.equal({ kind: 'url', url });
    });
  });

  describe('redis', () => {
    it('takes REDIS_URL as is', () => {
      const url = 'rediss://default:pw@cache.internal:6380/2';
      expect(loadConfig({ ...dev, REDIS_URL: url }).redis).to.deep.equal({ kind: 'url', url });
    });

    it('builds a URL from REDIS_HOST with the default port', () => {
      expect(loadConfig({ ...dev, REDIS_HOST: 'redis' }).redis).to.deep.equal({ kind: 'url', url: 'redis://redis:6379' });
    });

    it('builds a URL from REDIS_HOST, REDIS_PORT and an encoded REDIS_PASSWORD', () => {
      expect(loadConfig({ ...dev, REDIS_HOST: 'redis', REDIS_PORT: '6380', REDIS_PASSWORD: 'a/b@c' }).redis).to.deep.equal({
        kind: 'url',
        url: 'redis://:a%2Fb%40c@redis:6380',
      });
    });
  });

  describe('admin user', () => {
    it('reads the DJANGO_SUPERUSER_* variables', () => {
      const env = { DJANGO_SUPERUSER_USERNAME: 'admin', DJANGO_SUPERUSER_EMAIL: 'admin@example.com', DJANGO_SUPERUSER_PASSWORD: 'pw' };
      expect(loadConfig({ ...dev, ...env }).admin).to.deep.equal({ username: 'admin', email: 'admin@example.com', password: 'pw' });
    });

    it('reads the ADMIN_* variables', () => {
      const env = { ADMIN_USERNAME: 'root', ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'pw2' };
      expect(loadConfig({ ...dev, ...env }).admin).to.deep.equal({ username: 'root', email: 'root@example.com', password: 'pw2' });
    });
  });

  describe('event store', () => {
    it('uses EventStoreDB when EVENTSTORE_CONNECTION_STRING is set', () => {
      for (const cs of ['esdb://localhost:2113?tls=false', 'esdb+discover://admin:changeit@cluster.dns:2113']) {
        expect(loadConfig({ ...dev, EVENTSTORE_CONNECTION_STRING: cs }).eventStore).to.deep.equal({ kind: 'eventstoredb', connectionString: cs });
      }
    });

    it('accepts a cluster of hosts', () => {
      const cs = 'esdb://admin:changeit@node1:2113,node2:2113,node3:2113?nodePreference=leader';
      expect(loadConfig({ ...dev, EVENTSTORE_CONNECTION_STRING: cs }).eventStore).to.deep.equal({ kind: 'eventstoredb', connectionString: cs });
    });

    it('rewrites kurrentdb:// to the esdb:// scheme our client parses', () => {
      expect(loadConfig({ ...dev, EVENTSTORE_CONNECTION_STRING: 'kurrentdb://localhost:2113?tls=false' }).eventStore).to.deep.equal({
        kind: 'eventstoredb',
        connectionString: 'esdb://localhost:2113?tls=false',
      });
    });
  });

  describe('rejects', () => {
    const cases: Array<[string, NodeJS.ProcessEnv, string]> = [
      ['a missing SECRET_KEY in production', { ALLOWED_HOSTS: 'x' }, 'SECRET_KEY is required unless DEBUG=True'],
      ['missing ALLOWED_HOSTS in production', { SECRET_KEY: 'k' }, 'ALLOWED_HOSTS is required unless DEBUG=True'],
      ['an unknown DEBUG value', { DEBUG: 'maybe' }, 'DEBUG must be True or False (also true/false, 1/0, yes/no) (got "maybe")'],
      ['a non-numeric PORT', { ...dev, PORT: 'abc' }, 'PORT must be an integer between 1 and 65535 (got "abc")'],
      ['an out-of-range PORT', { ...dev, PORT: '70000' }, 'PORT must be an integer between 1 and 65535 (got "70000")'],
      ['a zero EMBEDDED_PG_PORT', { ...dev, EMBEDDED_PG_PORT: '0' }, 'EMBEDDED_PG_PORT must be an integer between 1 and 65535 (got "0")'],
      ['a bad DB_PORT', { ...dev, DB_NAME: 'd', DB_PORT: '5432x' }, 'DB_PORT must be an integer between 1 and 65535 (got "5432x")'],
      ['a bad REDIS_PORT', { ...dev, REDIS_HOST: 'r', REDIS_PORT: 'six' }, 'REDIS_PORT must be an integer between 1 and 65535 (got "six")'],
      ['a negative AI_TIMEOUT_MS', { ...dev, AI_TIMEOUT_MS: '-5' }, 'AI_TIMEOUT_MS must be a positive integer (got "-5")'],
      ['a fractional PROJECTION_WAIT_TIMEOUT_MS', { ...dev, PROJECTION_WAIT_TIMEOUT_MS: '1.5' }, 'PROJECTION_WAIT_TIMEOUT_MS must be a positive integer (got "1.5")'],
      ['a zero ACCESS_TOKEN_LIFETIME_S', { ...dev, ACCESS_TOKEN_LIFETIME_S: '0' }, 'ACCESS_TOKEN_LIFETIME_S must be a positive integer (got "0")'],
      ['a bad REFRESH_TOKEN_LIFETIME_S', { ...dev, REFRESH_TOKEN_LIFETIME_S: '1d' }, 'REFRESH_TOKEN_LIFETIME_S must be a positive integer (got "1d")'],
      ['a bad BODY_LIMIT_BYTES', { ...dev, BODY_LIMIT_BYTES: '1mb' }, 'BODY_LIMIT_BYTES must be a positive integer (got "1mb")'],
      ['MAX_APPEND_BYTES at or over EventStoreDB\'s limit', { ...dev, MAX_APPEND_BYTES: '1048576' }, 'MAX_APPEND_BYTES must be an integer between 1024 and 1040000 (got "1048576")'],
      ['a zero REQUEST_TIMEOUT_MS', { ...dev, REQUEST_TIMEOUT_MS: '0' }, 'REQUEST_TIMEOUT_MS must be a positive integer (got "0")'],
      ['an unknown LOG_LEVEL', { ...dev, LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
      ['an unknown LOG_FORMAT', { ...dev, LOG_FORMAT: 'xml' }, 'LOG_FORMAT must be pretty or json (got "xml")'],
      ['a bad RUN_PROJECTIONS', { ...dev, RUN_PROJECTIONS: 'sometimes' }, 'RUN_PROJECTIONS must be True or False'],
      ['a bad TRUST_PROXY', { ...dev, TRUST_PROXY: 'on' }, 'TRUST_PROXY must be False, True (one proxy), a number of proxies (0-99), or their addresses/CIDRs like 10.0.0.0/8,loopback (got "on")'],
      ['a bad CIDR in TRUST_PROXY', { ...dev, TRUST_PROXY: '10.0.0.0/8,10.0.0.0/33' }, 'TRUST_PROXY must be False'],
      ['too many TRUST_PROXY hops', { ...dev, TRUST_PROXY: '100' }, 'TRUST_PROXY must be False'],
      ['a short METRICS_TOKEN', { ...dev, METRICS_TOKEN: 'secret' }, 'METRICS_TOKEN must be at least 16 characters (a random secret)'],
      ['METRICS_HOST without METRICS_PORT', { ...dev, METRICS_HOST: '127.0.0.1' }, 'METRICS_PORT is required when METRICS_HOST is set'],
      ['METRICS_PORT on the API’s port', { ...dev, METRICS_PORT: '8000' }, 'METRICS_PORT must differ from PORT (got "8000")'],
      ['a URL in ALLOWED_HOSTS', { ...dev, ALLOWED_HOSTS: 'ok.com,https://bad.com' }, 'ALLOWED_HOSTS entries must be host names like example.com, .example.com or * (got "https://bad.com")'],
      ['a path in CORS_ALLOWED_ORIGINS', { ...dev, CORS_ALLOWED_ORIGINS: 'https://app.com/login' }, 'CORS_ALLOWED_ORIGINS entries must be origins like https://app.example.com (got "https://app.com/login")'],
      ['a non-URL in CORS_ALLOWED_ORIGINS', { ...dev, CORS_ALLOWED_ORIGINS: 'app.com' }, 'CORS_ALLOWED_ORIGINS entries must be origins like https://app.example.com (got "app.com")'],
      ['a non-http GEMINI_BASE_URL', { ...dev, GEMINI_BASE_URL: 'ftp://x' }, 'GEMINI_BASE_URL must be an http(s) URL (got "ftp://x")'],
      ['a non-URL OPENROUTER_BASE_URL', { ...dev, OPENROUTER_BASE_URL: 'openrouter' }, 'OPENROUTER_BASE_URL must be an http(s) URL (got "openrouter")'],
      ['a non-postgres DATABASE_URL', { ...dev, DATABASE_URL: 'mysql://u:pw@h/d' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
      ['DB_HOST without DB_NAME', { ...dev, DB_HOST: 'db' }, 'DB_NAME is required when DB_HOST is set (or set DATABASE_URL)'],
      ['DB_PASSWORD without DB_NAME', { ...dev, DB_PASSWORD: 'pw' }, 'DB_NAME is required when DB_PASSWORD is set (or set DATABASE_URL)'],
      ['a non-redis REDIS_URL', { ...dev, REDIS_URL: 'http://cache:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
      ['REDIS_PORT without REDIS_HOST', { ...dev, REDIS_PORT: '6380' }, 'REDIS_HOST is required when REDIS_PORT is set (or set REDIS_URL)'],
      ['REDIS_PASSWORD without REDIS_HOST', { ...dev, REDIS_PASSWORD: 'pw' }, 'REDIS_HOST is required when REDIS_PASSWORD is set (or set REDIS_URL)'],
      ['a bad EVENTSTORE_CONNECTION_STRING', { ...dev, EVENTSTORE_CONNECTION_STRING: 'tcp://es:1113' }, 'EVENTSTORE_CONNECTION_STRING must be a connection string starting with esdb://, esdb+discover:// or kurrentdb://'],
      ['a bad DJANGO_SUPERUSER_EMAIL', { ...dev, DJANGO_SUPERUSER_EMAIL: 'admin' }, 'DJANGO_SUPERUSER_EMAIL must be an email address (got "admin")'],
      [
        'a partial DJANGO_SUPERUSER_* set',
        { ...dev, DJANGO_SUPERUSER_USERNAME: 'admin', DJANGO_SUPERUSER_EMAIL: 'a@example.com' },
        'DJANGO_SUPERUSER_PASSWORD is required when DJANGO_SUPERUSER_USERNAME is set (set USERNAME, EMAIL and PASSWORD together, or none)',
      ],
      [
        'a partial ADMIN_* set',
        { ...dev, ADMIN_PASSWORD: 'pw' },
        'ADMIN_USERNAME is required when ADMIN_PASSWORD is set (set USERNAME, EMAIL and PASSWORD together, or none)',
      ],
    ];

    for (const [what, env, message] of cases) {
      it(`${what}, in one line naming the variable`, () => {
        const err = configError(env);
        expect(err.message).to.satisfy((m: string) => m.startsWith(`Invalid configuration: ${message}`), err.message);
        expect(err.message).not.to.include('\n');
        expect(message.startsWith(err.variable)).to.equal(true);
      });
    }

    it('without echoing a credential-bearing URL', () => {
      expect(configError({ ...dev, DATABASE_URL: 'mysql://u:topsecret@h/d' }).message).not.to.include('topsecret');
      expect(configError({ ...dev, REDIS_URL: 'http://:topsecret@h' }).message).not.to.include('topsecret');
      expect(configError({ ...dev, EVENTSTORE_CONNECTION_STRING: 'tcp://u:topsecret@h' }).message).not.to.include('topsecret');
    });

    it('keeps a value with a line break on one line', () => {
      expect(configError({ ...dev, PORT: '80\n81' }).message).to.equal(
        'Invalid configuration: PORT must be an integer between 1 and 65535 (got "80\\n81")',
      );
    });
  });
});

describe('describeConfig', () => {
  const secrets = ['s3cr3t-production-key', 'db-pa55', 'redis-pa55', 'es-pa55', 'admin-pa55', 'gemini-k3y', 'openrouter-k3y', 'query-pa55', 'metrics-t0ken-scrape-only'];
  const config = loadConfig({
    ...prod,
    DATABASE_URL: 'postgres://app:db-pa55@db:5432/resumate?password=query-pa55',
    REDIS_URL: 'redis://default:redis-pa55@cache:6379',
    EVENTSTORE_CONNECTION_STRING: 'esdb://admin:es-pa55@node1:2113,node2:2113',
    DJANGO_SUPERUSER_USERNAME: 'admin',
    DJANGO_SUPERUSER_EMAIL: 'admin@example.com',
    DJANGO_SUPERUSER_PASSWORD: 'admin-pa55',
    GOOGLE_GEMINI_API_KEY: 'gemini-k3y',
    OPENROUTER_API_KEY: 'openrouter-k3y',
    METRICS_TOKEN: 'metrics-t0ken-scrape-only',
  });
  const summary = describeConfig(config);
  const logged = JSON.stringify(summary);

  it('contains no secret', () => {
    for (const s of secrets) expect(logged, s).not.to.include(s);
  });

  it('keeps what an operator needs to see, with passwords masked', () => {
    expect(summary).to.deep.include({
      database: { kind: 'url', url: 'postgres://app:****@db:5432/resumate?password=****' },
      redis: { kind: 'url', url: 'redis://default:****@cache:6379' },
      eventStore: { kind: 'eventstoredb', connectionString: 'esdb://admin:****@node1:2113,node2:2113' },
      admin: { username: 'admin', email: 'admin@example.com', password: '****' },
      googleGeminiApiKey: '****',
      openRouterApiKey: '****',
      secretKey: '****',
      metrics: { token: '****' },
      port: 8000,
    });
  });

  it('says when the development secret key is in use, without showing it', () => {
    const devConfig = loadConfig(dev);
    const devSummary = describeConfig(devConfig);
    expect(devSummary.secretKey).to.equal('development default (DEBUG only)');
    expect(JSON.stringify(devSummary)).not.to.include(devConfig.secretKey);
  });

  it('masks every variable whose name says it holds a secret', () => {
    const marker = 'Marker-s3cret-0123456789';
    const values: Record<string, string> = {
      DATABASE_URL: `postgres://u:${marker}@h/d`,
      REDIS_URL: `redis://u:${marker}@h`,
      EVENTSTORE_CONNECTION_STRING: `esdb://u:${marker}@h:2113`,
      GEMINI_BASE_URL: `http://u:${marker}@h.example`,
      OPENROUTER_BASE_URL: `http://u:${marker}@h.example`,
    };
    const secretLooking = declaredVariables.filter((variable) => /(PASSWORD|TOKEN|SECRET_KEY|API_KEY|_URL|CONNECTION_STRING)$/.test(variable));
    expect(secretLooking).to.include.members(['DB_PASSWORD', 'METRICS_TOKEN', 'SOME_PROVIDER_API_KEY', 'ADMIN_PASSWORD', 'DATABASE_URL']);
    for (const variable of secretLooking) {
      const configs = bases.map((base) => loads({ ...base, [variable]: values[variable] ?? marker })).filter((c) => c !== undefined);
      expect(configs, variable).to.have.length.greaterThan(0);
      for (const config of configs) expect(JSON.stringify(describeConfig(config)), variable).not.to.include(marker);
    }
  });

  it('leaves a URL without credentials readable', () => {
    expect(describeConfig(loadConfig({ ...dev, REDIS_HOST: 'redis' })).redis).to.deep.equal({ kind: 'url', url: 'redis://redis:6379' });
  });
});
