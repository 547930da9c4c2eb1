import { shownUser } from '../domain/account-rules.ts';
import type { PageRow } from '../store/repositories/archive.repository.ts';
import type { ArchiveRow } from '../store/repositories/archive.repository.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { Store } from '../store/store.ts';
import type { CatalogService } from './catalog.service.ts';

export interface VideoView {
  archive: ArchiveRow;
  pages: PageRow[];
  owner: UserRow | null;
  /** Counted plays (the watch reporting's deduplicated starts). */
  view: number;
  /** Visible comments of the archive's comment area. */
  reply: number;
}

/** An archive as a watch page shows it: its parts, uploader and counters. */
export class VideoService {
  constructor(
    private readonly store: Store,
    private readonly catalog: CatalogService,
  ) {}

  /** -400 without aid/bvid or when they disagree, -404 for an unknown archive. */
  async view(ref: { aid?: number | undefined; bvid?: string | undefined }): Promise<VideoView> {
    const { archive, pages } = await this.catalog.resolveArchive(ref);
    const [owner, views, replies] = await Promise.all([
      this.store.users.findByMid(archive.owner_mid),
      this.store.history.viewCounts([archive.aid]),
      this.store.history.replyCounts([archive.aid]),
    ]);
    return {
      archive,
      pages,
      owner: owner ? shownUser(owner) : null,
      view: views.get(archive.aid) ?? 0,
      reply: replies.get(archive.aid) ?? 0,
    };
  }
}
