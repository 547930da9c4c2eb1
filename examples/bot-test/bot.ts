/**
 * A tiny Bilibili bot, the kind of client a Replay user tests: it polls its "@ me" feed and answers every
 * new mention with a reply under the comment that mentioned it. It knows nothing about Replay: give it
 * Bilibili's base URL and it would run there.
 */
export interface BotOptions {
  baseUrl: string;
  /** The bot account's web cookies (SESSDATA, bili_jct, …). */
  cookies: Record<string, string>;
  answer?: (text: string) => string;
}

interface AtItem {
  id: number;
  item: {
    subject_id: number;
    root_id: number;
    source_id: number;
    business_id: number;
    source_content: string;
  };
}

export class MentionBot {
  /** The newest mention already answered. */
  private seen = 0;
  private readonly cookie: string;

  constructor(private readonly options: BotOptions) {
    this.cookie = Object.entries(options.cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }

  /** One poll: answers the mentions it has not answered yet; returns how many. A failed poll answers none. */
  async poll(): Promise<number> {
    const feed = await this.call<{ items: AtItem[] }>(
      'GET',
      '/x/msgfeed/at?platform=web&mobi_app=web&build=0',
    );
    if (!feed) return 0;
    const fresh = feed.items.filter((i) => i.id > this.seen).sort((a, b) => a.id - b.id);
    let answered = 0;
    for (const at of fresh) {
      const { subject_id, root_id, source_id, business_id, source_content } = at.item;
      const form = new URLSearchParams({
        type: String(business_id),
        oid: String(subject_id),
        root: String(root_id || source_id),
        parent: String(source_id),
        message: (this.options.answer ?? (() => 'pong'))(source_content),
        csrf: this.options.cookies['bili_jct'] ?? '',
      });
      // Stop at the first failure: that mention (and the later ones) are retried on the next poll.
      if (!(await this.call('POST', '/x/v2/reply/add', form))) break;
      this.seen = at.id;
      answered++;
    }
    return answered;
  }

  /** `data` of a successful answer; null on any Bilibili error code, HTTP error or broken body. */
  private async call<T>(method: string, path: string, form?: URLSearchParams): Promise<T | null> {
    try {
      const response = await fetch(this.options.baseUrl + path, {
        method,
        headers: {
          cookie: this.cookie,
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(form ? { body: form.toString() } : {}),
      });
      if (!response.ok) return null;
      const body = (await response.json()) as { code: number; data?: T };
      return body.code === 0 ? ((body.data ?? {}) as T) : null;
    } catch {
      return null;
    }
  }
}
