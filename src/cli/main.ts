import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../config.ts';
import type { ConfigInput } from '../config.ts';
import { BiliError } from '../errors.ts';
import { closeOnSignals, startServer } from '../main.ts';
import { createDb } from '../store/database.ts';
import { migrateToLatest } from '../store/migrations/index.ts';
import { withServices } from './context.ts';

/** `replay <command>`: thin commands over the services; every one reads --db / REPLAY_DB. */
export async function runCli(argv: string[]): Promise<void> {
  const program = new Command('replay')
    .description('Replay: a self-hostable server speaking the Bilibili comment and watch-history API')
    .option('--db <target>', 'SQLite file path or postgres:// URL (env REPLAY_DB, default ./data/replay.db)')
    .showHelpAfterError();

  const config = (extra: ConfigInput = {}) =>
    loadConfig({ db: program.opts<{ db?: string }>().db, ...extra });

  program
    .command('serve', { isDefault: true })
    .description('run the server (migrates the database; loads the demo fixture into an empty one)')
    .option('--port <port>', 'port to listen on (env REPLAY_PORT, default 8080)')
    .option('--host <host>', 'address to bind (env REPLAY_HOST, default 127.0.0.1)')
    .option('--no-demo', 'do not load the demo fixture into an empty database')
    .action(async (opts: { port?: string; host?: string; demo: boolean }) => {
      const server = await startServer(
        config({ port: opts.port, host: opts.host, ...(opts.demo ? {} : { demo: false }) }),
      );
      closeOnSignals(server);
    });

  program
    .command('migrate')
    .description('apply pending migrations and exit')
    .action(async () => {
      const cfg = config();
      const handle = createDb(cfg.db);
      try {
        const applied = await migrateToLatest(handle.db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      } finally {
        await handle.close();
      }
    });

  const user = program.command('user').description('manage users');
  user
    .command('add')
    .description('create a user')
    .requiredOption('--uname <name>', 'unique nickname')
    .option('--password <password>', 'password for web sign-in (at least 6 characters)')
    .option('--mid <mid>', 'user id (assigned when omitted)', positiveInt)
    .option('--level <level>', 'level 0–6', positiveOrZeroInt)
    .option('--vip <type>', 'membership: 0 none, 1 monthly, 2 annual', positiveOrZeroInt)
    .action(
      async (opts: { uname: string; password?: string; mid?: number; level?: number; vip?: number }) => {
        const created = await withServices(config(), (s) =>
          s.users.create({
            uname: opts.uname,
            ...(opts.password === undefined ? {} : { password: opts.password }),
            ...(opts.mid === undefined ? {} : { mid: opts.mid }),
            ...(opts.level === undefined ? {} : { level: opts.level }),
            ...(opts.vip === undefined ? {} : { vip_type: opts.vip }),
          }),
        );
        console.log(`created user mid=${created.mid} uname=${created.uname}`);
      },
    );
  user
    .command('ban <mid>')
    .description('ban a user (writes answer -102); --unban lifts it')
    .option('--unban', 'lift the ban instead')
    .action(async (mid: string, opts: { unban?: boolean }) => {
      const updated = await withServices(config(), (s) =>
        s.users.update(positiveInt(mid), { banned: !opts.unban }),
      );
      console.log(`${updated.banned ? 'banned' : 'unbanned'} mid=${updated.mid} (${updated.uname})`);
    });

  program
    .command('archive')
    .description('manage archives')
    .command('add')
    .description('create an archive with its parts (and its comment area)')
    .requiredOption('--title <title>', 'title')
    .requiredOption('--owner <mid>', 'uploader mid', positiveInt)
    .option('--aid <aid>', 'aid (assigned when omitted)', positiveInt)
    .option('--part <name:seconds>', 'a part, repeatable, e.g. --part "P1:120"', collectPart, [])
    .action(
      async (opts: {
        title: string;
        owner: number;
        aid?: number;
        part: { part: string; duration: number }[];
      }) => {
        const pages = opts.part.length ? opts.part : [{ part: opts.title, duration: 60 }];
        const { archive, pages: stored } = await withServices(config(), (s) =>
          s.catalog.createArchive({
            title: opts.title,
            owner_mid: opts.owner,
            pages,
            ...(opts.aid === undefined ? {} : { aid: opts.aid }),
          }),
        );
        console.log(`created av${archive.aid} ${archive.bvid} "${archive.title}"`);
        for (const p of stored) console.log(`  P${p.page} cid=${p.cid} ${p.duration}s ${p.part}`);
      },
    );

  program
    .command('session')
    .description('sessions')
    .command('issue <mid>')
    .description('issue a web session and an APP access_key; prints the Cookie header')
    .action(async (mid: string) => {
      const out = await withServices(config(), async (s) => {
        const u = await s.users.get(positiveInt(mid));
        return { web: await s.sessions.issueWeb(u.mid), app: await s.sessions.issueApp(u.mid) };
      });
      const header = Object.entries(out.web.cookies)
        .map(([k, v]) => `${k}=${v}`)
        .join('; ');
      console.log(`Cookie: ${header}`);
      console.log(`access_key: ${out.app.accessKey}`);
    });

  program
    .command('seed')
    .description('load fixtures')
    .command('demo')
    .description('create the demo users and archives (whatever part is missing)')
    .action(async () => {
      const created = await withServices(config(), (s) => s.demo.seed());
      console.log(created ? 'demo fixture loaded' : 'demo fixture already present');
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof BiliError) {
      console.error(`replay: ${error.message}`);
      process.exit(2);
    }
    // Start-up failures an operator can act on get one line, not a stack trace.
    const code = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      const { address, port } = error as { address?: string; port?: number };
      console.error(`replay: cannot listen on ${address ?? '?'}:${port ?? '?'}: ${code}`);
      process.exit(1);
    }
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '28P01' || code === '3D000') {
      console.error(`replay: cannot open the database: ${(error as Error).message}`);
      process.exit(1);
    }
    throw error;
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function positiveOrZeroInt(value: string): number {
  return value === '0' ? 0 : positiveInt(value);
}

function collectPart(value: string, previous: { part: string; duration: number }[]) {
  const match = /^(.+):(\d+)$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected "name:seconds"');
  return [...previous, { part: match[1]!, duration: Number(match[2]) }];
}
