/**
 * The verifications under way, one per target: a later action on the same
 * target stops the earlier watch, which then says who took over instead of
 * reporting a state the later action changed.
 */
export interface Watch {
  /** aborted when the caller stops or a later action takes over */
  readonly signal: AbortSignal;
  /** the later action's title, once one took over */
  supersededBy(): string | undefined;
  end(): void;
}

export class Watches {
  private readonly current = new Map<string, { controller: AbortController; title: string; by?: string }>();

  start(key: string, title: string, signal: AbortSignal): Watch {
    const earlier = this.current.get(key);
    if (earlier) {
      earlier.by = title;
      earlier.controller.abort(new Error(`superseded by ${title}`));
    }
    const entry: { controller: AbortController; title: string; by?: string } = { controller: new AbortController(), title };
    this.current.set(key, entry);
    return {
      signal: AbortSignal.any([signal, entry.controller.signal]),
      supersededBy: () => entry.by,
      end: () => {
        if (this.current.get(key) === entry) this.current.delete(key);
      },
    };
  }

  /** The targets being watched, for tests and the shutdown line. */
  keys(): string[] {
    return [...this.current.keys()];
  }
}
