import { tooManyRequests } from '../common/errors';

/**
 * Bounds the argon2id work of one process: at most `concurrency` hashes or verifications run at
 * once, at most `queue` more wait, and one address holds at most `perAddress` of those running and
 * waiting places together, so a burst from one address cannot fill the queue and starve the others.
 * A request that finds no place is refused at once with 429 and `Retry-After` — never queued
 * without bound.
 */
export class PasswordGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly perAddressHeld = new Map<string, number>();
  readonly perAddress: number;

  constructor(
    readonly concurrency: number,
    readonly queue: number,
    perAddress?: number,
  ) {
    this.perAddress = perAddress ?? Math.max(1, Math.floor((concurrency + queue) / 4));
  }

  /** Runs `work` when a place is free; throws 429 (Retry-After 1 s) when there is none for `address`. */
  async run<T>(address: string, work: () => Promise<T>): Promise<T> {
    const held = this.perAddressHeld.get(address) ?? 0;
    if (held >= this.perAddress) {
      throw tooManyRequests('Too many password checks from this address at once (sign-ins, password changes); try again in a second', 1);
    }
    if (this.running >= this.concurrency && this.waiting.length >= this.queue) {
      throw tooManyRequests('The server is busy checking passwords; try again in a second', 1);
    }
    this.perAddressHeld.set(address, held + 1);
    try {
      if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
      else this.running++;
      try {
        return await work();
      } finally {
        const next = this.waiting.shift();
        if (next) next(); // the place passes straight to the next waiter
        else this.running--;
      }
    } finally {
      const left = (this.perAddressHeld.get(address) ?? 1) - 1;
      if (left > 0) this.perAddressHeld.set(address, left);
      else this.perAddressHeld.delete(address);
    }
  }

  /** Running, waiting and per-address places in use (for tests and health). */
  get load() {
    return { running: this.running, waiting: this.waiting.length, addresses: this.perAddressHeld.size };
  }
}
