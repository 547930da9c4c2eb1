import { readFile } from 'node:fs/promises';
import AhoCorasick from 'modern-ahocorasick';
import { foldForMatching } from '../domain/text-fold.ts';
import { BiliError } from '../errors.ts';
import type { SensitiveWordRow } from '../store/repositories/sensitive-word.repository.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import { VersionedCache } from './versioned-cache.ts';

export type SensitiveWord = SensitiveWordRow;

export const MAX_WORD_LENGTH = 100;
export const MAX_WORDS_PER_REQUEST = 1000;

const VERSION_KEY = 'sensitive_words';

/**
 * The operator's list of forbidden words and the matcher the comment path asks (a match → 12016). Words
 * and messages are compared in folded form (see domain/text-fold.ts); the Aho–Corasick automaton is
 * built once per change of the list, never per request.
 */
export class SensitiveWordService {
  private readonly matcher: VersionedCache<AhoCorasick>;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {
    this.matcher = new VersionedCache(
      store,
      clock,
      VERSION_KEY,
      async (s) => new AhoCorasick(await s.sensitiveWords.allNormalized()),
    );
  }

  /** Rebuilds the matcher now (after a toolkit reset or restore on this node). */
  async reload(): Promise<void> {
    await this.matcher.reload();
  }

  async containsSensitive(message: string): Promise<boolean> {
    const folded = foldForMatching(message);
    if (folded === '') return false;
    return (await this.matcher.get()).match(folded);
  }

  async list(limit: number, offset: number): Promise<{ total: number; items: SensitiveWord[] }> {
    const [total, items] = await Promise.all([
      this.store.sensitiveWords.count(),
      this.store.sensitiveWords.list(limit, offset),
    ]);
    return { total, items };
  }

  /**
   * Adds the words not on the list yet (compared folded, so `ＢＡＤ` is already there when `bad` is).
   * Returns the new entries and the entries that already covered the others.
   */
  async add(words: readonly string[]): Promise<{ added: SensitiveWord[]; existing: SensitiveWord[] }> {
    if (words.length === 0) throw new BiliError(-400, 'words must not be empty');
    if (words.length > MAX_WORDS_PER_REQUEST)
      throw new BiliError(-400, `at most ${MAX_WORDS_PER_REQUEST} words per request`);
    const wanted = new Map<string, string>();
    for (const raw of words) {
      const word = raw.trim();
      const normalized = foldForMatching(word).trim();
      if (normalized === '') throw new BiliError(-400, `word "${raw}" is empty once normalised`);
      if ([...word].length > MAX_WORD_LENGTH)
        throw new BiliError(-400, `word "${word}" is longer than ${MAX_WORD_LENGTH} characters`);
      if (!wanted.has(normalized)) wanted.set(normalized, word);
    }
    const now = nowSeconds(this.clock);
    const result = await this.store.transactionRetryingUnique(async (tx) => {
      const existing = await tx.sensitiveWords.findByNormalized([...wanted.keys()]);
      const known = new Set(existing.map((w) => w.normalized));
      let nextId = (await tx.sensitiveWords.maxId()) + 1;
      const added: SensitiveWord[] = [];
      for (const [normalized, word] of wanted) {
        if (!known.has(normalized)) added.push({ id: nextId++, word, normalized, created_at: now });
      }
      await tx.sensitiveWords.insertMany(added);
      if (added.length > 0) await tx.changeVersions.bump(VERSION_KEY);
      return { added, existing };
    });
    if (result.added.length > 0) await this.matcher.reload();
    return result;
  }

  async remove(id: number): Promise<void> {
    const deleted = await this.store.transaction(async (tx) => {
      const found = await tx.sensitiveWords.delete(id);
      if (found) await tx.changeVersions.bump(VERSION_KEY);
      return found;
    });
    if (!deleted) throw new BiliError(-404, `sensitive word ${id}`);
    await this.matcher.reload();
  }

  /**
   * Adds the words of a plain-text file (one per line; blank lines and lines starting with `#` skipped)
   * that are not on the list yet: REPLAY_SENSITIVE_WORDS_FILE at start. Returns how many were added.
   */
  async seedFromFile(path: string): Promise<number> {
    const text = await readFile(path, 'utf8');
    const words = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    let added = 0;
    for (let i = 0; i < words.length; i += MAX_WORDS_PER_REQUEST) {
      added += (await this.add(words.slice(i, i + MAX_WORDS_PER_REQUEST))).added.length;
    }
    return added;
  }
}
