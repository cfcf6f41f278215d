import { pause } from '../../credentials/common/http';

/**
 * Spaces requests to one vendor action so that they stay within its documented rate limit, and
 * slows down when the vendor says the limit was hit anyway (other n8n processes or other systems
 * using the same account count too). Starts are spaced `1000 / rate` ms apart with a 10% margin,
 * so no 1-second window sees more than `rate` starts; after a rate-limit answer the rate halves
 * (down to `minPerSecond`), and every success wins 5% of it back, up to the documented rate.
 *
 * One limiter exists per key (credential + endpoint + action) for the whole n8n process, so items
 * of one execution and concurrent executions share it (see {@link rateLimiter}).
 */
export class RateLimiter {
	private rate: number;
	private nextStart = 0;
	/** Start times (epoch ms) within the last second: the rate actually used, for a slow-down without a documented limit. */
	private readonly recentStarts: number[] = [];

	constructor(
		/** The documented limit, in requests per second; `Infinity` for a vendor that documents none (it only slows down when told to). */
		readonly maxPerSecond: number,
		/** The lowest rate after slow-downs, in requests per second. */
		readonly minPerSecond = Math.min(1, maxPerSecond),
	) {
		this.rate = maxPerSecond;
	}

	/** The rate in force now, in requests per second. */
	get currentPerSecond(): number {
		return this.rate;
	}

	/**
	 * Waits for this request's start slot. Returns `true` when `signal` was aborted while waiting
	 * (the request must not be sent), `false` when it may start now.
	 */
	async acquire(signal?: AbortSignal): Promise<boolean> {
		const now = Date.now();
		const start = Math.max(now, this.nextStart);
		this.nextStart = start + (1000 / this.rate) * 1.1;
		this.recentStarts.push(start);
		while (this.recentStarts.length > 0 && this.recentStarts[0] < start - 1000) this.recentStarts.shift();
		return start > now ? await pause(start - now, signal) : Boolean(signal?.aborted);
	}

	/** The vendor answered "rate limit exceeded": halve the rate (without a documented limit: half the rate of the last second). */
	slowDown(): void {
		const current = Number.isFinite(this.rate) ? this.rate : Math.max(this.minPerSecond * 2, this.recentStarts.length);
		this.rate = Math.max(this.minPerSecond, current / 2);
		this.nextStart = Math.max(this.nextStart, Date.now() + 1000 / this.rate);
	}

	/** A request went through: win back 5% of the rate, up to the documented limit. */
	succeeded(): void {
		if (this.rate < this.maxPerSecond) this.rate = Math.min(this.maxPerSecond, this.rate * 1.05);
	}
}

const limiters = new Map<string, RateLimiter>();

/**
 * The process-wide {@link RateLimiter} for `key` (e.g. `<SecretId>|<endpoint>|CreateRecTask`),
 * created with `maxPerSecond` on first use. Keys hold identifiers, never secrets.
 */
export function rateLimiter(key: string, maxPerSecond: number): RateLimiter {
	let limiter = limiters.get(key);
	if (!limiter || limiter.maxPerSecond !== maxPerSecond) {
		limiter = new RateLimiter(maxPerSecond);
		limiters.set(key, limiter);
	}
	return limiter;
}
