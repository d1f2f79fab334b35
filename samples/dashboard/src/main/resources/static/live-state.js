// Keeping a page in step with the server across refreshes, reconnects and outages: the pattern
// docs/live-state.md describes, in three small pieces.
//
// 1. The server keeps the state. The page loads it over HTTP, and loads it again every time one of
//    its channels is (re)subscribed: reloadOnSubscribe() does that with Echo's .subscribed(), which
//    fires after the first subscription and after each one pusher-js makes again on reconnecting.
// 2. Every event says how new it is: a version for things that change (a card, the spec), a
//    sequence number for things that are appended (lines of output). The snapshot carries the same.
// 3. The page applies snapshots and events through the same gate, which lets through only what is
//    newer than what it shows: Versions for changing things, Sequence for appended ones. So an
//    event may arrive before the snapshot, after it, or twice, and nothing is lost or shown twice.

/** Reloads after every subscription of an Echo channel: the first one and each after a reconnect. */
export function reloadOnSubscribe(channel, reload) {
  channel.subscribed(() => reload());
  return channel;
}

/** The newest version seen of each thing. */
export class Versions {
  constructor() {
    this.seen = new Map();
  }

  /** True, and remembered, when `version` of `key` is newer than any seen; false when stale or repeated. */
  accept(key, version) {
    const have = this.seen.get(key);
    if (have !== undefined && version <= have) {
      return false;
    }
    this.seen.set(key, version);
    return true;
  }
}

/**
 * Items numbered 1, 2, 3, …, handed to `deliver` once each and in order, whichever way and in
 * whatever order they arrive. An item after a missing number waits for it; when one waits longer
 * than `gapMillis`, `onGap` is called (reload what is missing: everything after `last`).
 */
export class Sequence {
  constructor(deliver, { onGap = () => {}, gapMillis = 1000 } = {}) {
    this.deliver = deliver;
    this.onGap = onGap;
    this.gapMillis = gapMillis;
    this.last = 0;
    this.waiting = new Map();
    this.timer = null;
  }

  /** Offers item number `n`; returns true if it was new. */
  offer(n, item) {
    if (n <= this.last || this.waiting.has(n)) {
      return false;
    }
    this.waiting.set(n, item);
    while (this.waiting.has(this.last + 1)) {
      const next = this.waiting.get(this.last + 1);
      this.waiting.delete(this.last + 1);
      this.last += 1;
      this.deliver(next);
    }
    this.watchGap();
    return true;
  }

  /** Starts again from 1 (a new run of what is numbered). */
  reset() {
    this.last = 0;
    this.waiting.clear();
    this.watchGap();
  }

  watchGap() {
    if (this.waiting.size === 0) {
      clearTimeout(this.timer);
      this.timer = null;
    } else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.waiting.size > 0) {
          this.onGap(this.last);
        }
      }, this.gapMillis);
    }
  }
}
