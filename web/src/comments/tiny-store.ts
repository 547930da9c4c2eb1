/**
 * A store in the Redux shape, small enough to read at once: one state value, replaced (never mutated) by a
 * reducer on each dispatch, and subscribers told after every change. `Scope` ties subscriptions to a piece
 * of DOM so that removing the piece ends them.
 */

export interface Store<S, A> {
  get(): S;
  dispatch(action: A): void;
  subscribe(listener: (state: S) => void): () => void;
}

export function createStore<S, A>(reduce: (state: S, action: A) => S, initial: S): Store<S, A> {
  let state = initial;
  const listeners = new Set<(state: S) => void>();
  return {
    get: () => state,
    dispatch(action) {
      const next = reduce(state, action);
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) {
        // A listener removed by an earlier one in this round (its DOM went away) is not called.
        if (listeners.has(listener)) listener(state);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Selected values are compared one by one, so a selector may return a fresh array of parts. */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((x, i) => Object.is(x, b[i]));
}

export class Scope<S, A> {
  private readonly stops: (() => void)[] = [];

  constructor(readonly store: Store<S, A>) {}

  get state(): S {
    return this.store.get();
  }

  dispatch(action: A): void {
    this.store.dispatch(action);
  }

  /** Calls `apply` now and whenever the selected value changes, until the scope is disposed. */
  watch<T>(select: (state: S) => T, apply: (value: T, previous: T | undefined) => void): void {
    let current = select(this.store.get());
    apply(current, undefined);
    this.stops.push(
      this.store.subscribe((state) => {
        const next = select(state);
        if (same(next, current)) return;
        const previous = current;
        current = next;
        apply(next, previous);
      }),
    );
  }

  /** A scope that ends with this one, or earlier by its own `dispose`. */
  child(): Scope<S, A> {
    const child = new Scope(this.store);
    const stop = () => child.dispose();
    this.stops.push(stop);
    // Disposed early (its row was removed), it lets go of its place here.
    child.stops.push(() => {
      const at = this.stops.indexOf(stop);
      if (at >= 0) this.stops.splice(at, 1);
    });
    return child;
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
