/**
 * Domain events for the toolkit's request journal (comment posted, vote changed, heartbeat stored, notice
 * created, fault applied). Services call `emit` at their write points; with no listener (the toolkit off,
 * which is the default) an emit is one property check, so production pays nothing measurable.
 */
export interface DomainEvent {
  readonly type: string;
  /** The mid of the caller whose request caused it (0: anonymous); the journal attributes it by this. */
  readonly actor: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export class DomainEvents {
  private listener: ((event: DomainEvent) => void) | null = null;

  /** True while someone listens; callers building a costly payload check it first. */
  get active(): boolean {
    return this.listener !== null;
  }

  emit(type: string, actor: number, data: Readonly<Record<string, unknown>>): void {
    this.listener?.({ type, actor, data });
  }

  /** One listener (the journal); returns the function that stops listening. */
  listen(listener: (event: DomainEvent) => void): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = null;
    };
  }
}

/** The bus of services built without one: never listened to. */
export const NO_EVENTS = new DomainEvents();
