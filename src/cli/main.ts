import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { cliOption, ConfigError, databaseOptions, environmentHelp, loadConfig } from '../config.ts';
import type { ConfigInput } from '../config.ts';
import { ERROR_WORDS } from '../client/error-words.ts';
import { BiliError, messageOf } from '../errors.ts';
import { closeOnSignals, startServer } from '../main.ts';
import { createDb } from '../store/database.ts';
import { migrateToLatest } from '../store/migrations/index.ts';
import { Store } from '../store/store.ts';
import { withServices } from './context.ts';
import { registerBackupCommand } from './backup.command.ts';
import { registerExportCommand } from './export.command.ts';
import { registerImportCommand } from './import.command.ts';
import { registerImportCommentsCommand } from './import-comments.command.ts';
import { registerInviteCommand } from './invite.command.ts';

/** `replay <command>`: thin commands over the services; every one reads --db / REPLAY_DB. */
export async function runCli(argv: string[]): Promise<void> {
  const program = new Command('replay')
    .description('Replay: a self-hostable server speaking the Bilibili comment and watch-history API')
    .option(cliOption('db').flags, cliOption('db').description)
    .version(packageVersion(), '-v, --version', 'print the version and exit')
    .showHelpAfterError();

  const config = (extra: ConfigInput = {}) =>
    loadConfig({ db: program.opts<{ db?: string }>().db, ...extra });

  program
    .command('serve', { isDefault: true })
    .description('run the server (migrates the database; loads the demo fixture into an empty one)')
    .option(cliOption('port').flags, cliOption('port').description)
    .option(cliOption('host').flags, cliOption('host').description)
    .option(cliOption('demo').flags, cliOption('demo').description)
    .option(cliOption('toolkit').flags, cliOption('toolkit').description)
    .option(cliOption('fixture').flags, cliOption('fixture').description)
    .addHelpText('after', `\n${environmentHelp()}`)
    // `serve` is the default command, so a mistyped command name arrives here as an operand.
    .allowExcessArguments(true)
    .action(
      async (
        opts: { port?: string; host?: string; demo: boolean; toolkit?: boolean; fixture?: string },
        command: Command,
      ) => {
        if (command.args.length > 0) unknownCommand(program, command.args[0]!);
        const server = await startServer(
          config({
            port: opts.port,
            host: opts.host,
            ...(opts.demo ? {} : { demo: false }),
            ...(opts.toolkit ? { toolkit: true } : {}),
            ...(opts.fixture === undefined ? {} : { fixture: opts.fixture }),
          }),
        );
        closeOnSignals(server);
      },
    );

  program
    .command('migrate')
    .description('apply pending migrations and exit')
    .action(async () => {
      const cfg = config();
      const handle = createDb(cfg.db, databaseOptions(cfg));
      const store = new Store(handle);
      try {
        const applied = await migrateToLatest(handle.db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      } finally {
        await store.close();
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
  user
    .command('refresh-cookies <mid>')
    .description("make cookie/info tell the user's web clients to refresh their cookies (until one does)")
    .option('--off', 'stop asking instead')
    .action(async (mid: string, opts: { off?: boolean }) => {
      const target = await withServices(config(), async (s) => {
        const u = await s.users.get(positiveInt(mid));
        await s.sessions.setRefreshForced(u.mid, !opts.off);
        return u;
      });
      console.log(
        `cookie refresh ${opts.off ? 'not forced' : 'forced'} for mid=${target.mid} (${target.uname})`,
      );
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
    .command('season')
    .description('manage seasons (番剧, 电影, …) and courses (课程)')
    .command('add')
    .description('create a season, or with --course a course, over parts of existing archives')
    .requiredOption('--title <title>', 'title')
    .requiredOption(
      '--episode <aid[/cid][:title[:long title]]>',
      'an episode, repeatable',
      collectEpisode,
      [],
    )
    .option('--sub-type <n>', '1 番剧, 2 电影, 3 纪录片, 4 国创, 5 电视剧, 7 综艺 (default 1)', positiveInt)
    .option('--course', 'create a course (课程): its episodes are lessons')
    .option('--ssid <id>', 'season id (assigned when omitted)', positiveInt)
    .option('--media-id <id>', 'media id (mdid) of a season', positiveInt)
    .option('--total <n>', 'announced number of episodes', positiveOrZeroInt)
    .option('--finished', 'the season is complete (完结)')
    .action(async (opts: SeasonAddOptions) => {
      const input = {
        title: opts.title,
        episodes: opts.episode,
        ...(opts.ssid === undefined ? {} : { season_id: opts.ssid }),
        ...(opts.total === undefined ? {} : { total: opts.total }),
        ...(opts.finished ? { is_finish: true } : {}),
      };
      const { season, episodes } = await withServices(config(), (s) =>
        opts.course
          ? s.seasons.createCourse(input)
          : s.seasons.createSeason({
              ...input,
              sub_type: opts.subType ?? 1,
              ...(opts.mediaId === undefined ? {} : { media_id: opts.mediaId }),
            }),
      );
      console.log(`created ${season.business} ss${season.season_id} "${season.title}"`);
      for (const e of episodes)
        console.log(`  ${e.ord}. ep${e.epid} av${e.aid} cid=${e.cid} ${e.title} ${e.long_title}`);
    });

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

  // Data in and out (docs/data.md).
  registerExportCommand(program, () => config());
  registerImportCommand(program, () => config());
  registerBackupCommand(program, () => config());
  registerImportCommentsCommand(program, () => config());
  registerInviteCommand(program, () => config());

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`replay: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof BiliError) {
      console.error(`replay: ${englishError(error)}`);
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

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Commander's own wording, the nearest command name if one is close, and where the list is. */
function unknownCommand(program: Command, name: string): never {
  const names = program.commands.map((c) => c.name());
  const near = names.find((n) => editDistance(n, name) <= Math.max(1, Math.floor(n.length / 3)));
  console.error(`error: unknown command '${name}'${near ? ` (Did you mean ${near}?)` : ''}`);
  console.error(`Run "replay help" to list the commands, or "replay help <command>" for one of them.`);
  process.exit(1);
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/**
 * `Not found: area 1/2 (code -404)`: the web UI's English words for the code, then the service's detail
 * when it is in English too (some details are Bilibili's Chinese, which the words already translate).
 */
function englishError(error: BiliError): string {
  const prefix = `${messageOf(error.code)}: `;
  const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : '';
  const words = ERROR_WORDS[error.code] ?? 'The request failed.';
  const shown = detail && !/[\u3000-\u9fff\uff00-\uffef]/.test(detail) ? detail : '';
  return `${shown ? `${words.replace(/\.$/, '')}: ${shown}` : words} (code ${error.code})`;
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

interface SeasonAddOptions {
  title: string;
  episode: { aid: number; cid?: number; title?: string; long_title?: string }[];
  subType?: number;
  course?: boolean;
  ssid?: number;
  mediaId?: number;
  total?: number;
  finished?: boolean;
}

/** `--episode "170101/279801:1:出发"`: the archive (and part), then the short and the long title. */
function collectEpisode(value: string, previous: SeasonAddOptions['episode']) {
  const match = /^(\d+)(?:\/(\d+))?(?::([^:]*)(?::(.*))?)?$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected "aid[/cid][:title[:long title]]"');
  return [
    ...previous,
    {
      aid: positiveInt(match[1]!),
      ...(match[2] === undefined ? {} : { cid: positiveInt(match[2]) }),
      ...(match[3] ? { title: match[3] } : {}),
      ...(match[4] ? { long_title: match[4] } : {}),
    },
  ];
}

function collectPart(value: string, previous: { part: string; duration: number }[]) {
  const match = /^(.+):(\d+)$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected "name:seconds"');
  return [...previous, { part: match[1]!, duration: Number(match[2]) }];
}
