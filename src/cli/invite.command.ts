import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Config } from '../config.ts';
import { withServices } from './context.ts';

/** `replay invite add|list`: invite codes for sign-up when REPLAY_SIGNUP=invite (docs/api/accounts.md). */
export function registerInviteCommand(program: Command, config: () => Config): void {
  const invite = program.command('invite').description('invite codes for sign-up (REPLAY_SIGNUP=invite)');
  invite
    .command('add')
    .description('create an invite code and print it')
    .option('--uses <n>', 'sign-ups the code allows', count, 1)
    .option('--note <text>', 'who it is for (shown in the list)')
    .option('--code <code>', 'a chosen code (6–64 of A–Z a–z 0–9 _ -); random when omitted')
    .option('--days <n>', 'expires after this many days (never when omitted)', count)
    .action(async (opts: { uses: number; note?: string; code?: string; days?: number }) => {
      const created = await withServices(config(), (s) =>
        s.accounts.createInvite({
          uses: opts.uses,
          ...(opts.note === undefined ? {} : { note: opts.note }),
          ...(opts.code === undefined ? {} : { code: opts.code }),
          ...(opts.days === undefined
            ? {}
            : { expires_at: Math.floor(s.clock.nowMs() / 1000) + opts.days * 86400 }),
        }),
      );
      console.log(created.code);
      console.error(
        `invite code for ${created.uses_left} sign-up${created.uses_left === 1 ? '' : 's'}` +
          (created.expires_at ? `, until ${new Date(created.expires_at * 1000).toISOString()}` : ''),
      );
    });
  invite
    .command('list')
    .description('list invite codes, newest first')
    .action(async () => {
      const rows = await withServices(config(), (s) => s.accounts.listInvites(500));
      for (const r of rows) {
        const expires = r.expires_at ? new Date(Number(r.expires_at) * 1000).toISOString() : 'never';
        console.log(`${r.code}\tleft ${r.uses_left}\tused ${r.uses}\texpires ${expires}\t${r.note}`);
      }
    });
}

function count(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return n;
}
