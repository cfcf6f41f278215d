/**
 * Rate limits and request counters shared by the emulators: a sliding-window limiter (the way
 * Tencent Cloud API 3.0 counts "requests per second", docs/tencent-cloud-api.md#rate-limits) and
 * per-action statistics for the benchmark: requests, refusals, injected faults and the peak
 * request rate seen (requests in any 1-second window).
 *
 * Both take the time from the emulator's own clock (epoch milliseconds), so a frozen emulator
 * clock counts every request into the same window, exactly as its limiter does.
 */

/** Sliding-window limiter: at most `limit` admitted requests per key in any `windowMs` of the clock. */
export class RateLimiter {
	private readonly hits = new Map<string, number[]>();

	/**
	 * Admits (and records) the request, or refuses it and reports the count it would have made
	 * (the refused request is not recorded: it does not extend the refusal).
	 * @param key who is limited, e.g. `<SecretId>:<Action>`.
	 * @param limit requests allowed per window.
	 * @param nowMs the emulator clock, epoch milliseconds.
	 * @param windowMs window length in milliseconds (default 1000: "requests per second").
	 */
	admit(key: string, limit: number, nowMs: number, windowMs = 1000): { ok: true } | { ok: false; count: number } {
		const recent = (this.hits.get(key) ?? []).filter((at) => at > nowMs - windowMs && at <= nowMs);
		if (recent.length >= limit) {
			this.hits.set(key, recent);
			return { ok: false, count: recent.length + 1 };
		}
		recent.push(nowMs);
		this.hits.set(key, recent);
		return { ok: true };
	}

	/** Forgets every recorded request. */
	clear(): void {
		this.hits.clear();
	}
}

/** Counters of one action (an API 3.0 action, a WeChat endpoint, a path) of an emulator. */
export interface ActionStats {
	/** Requests that reached the emulator (whatever they were answered). */
	requests: number;
	/** Requests refused by the emulator's own rate or concurrency limit (not injected faults). */
	refusals: number;
	/** Requests that an injected fault acted on (see ./faults). */
	faults: number;
	/** Highest number of requests that arrived within any 1000 ms (sliding window of the clock). */
	peakPerSecond: number;
	/** The documented limit the emulator enforces for this action, if any. */
	limit?: RateLimit;
	/** The same limit in requests per second, when its window is one second. */
	limitPerSecond?: number;
}

/** A rate limit: at most `requests` in any `windowSeconds`. */
export interface RateLimit {
	requests: number;
	windowSeconds: number;
}

/** What `emulator.stats()` answers. */
export interface EmulatorStats {
	/** Per action, in the order first seen. */
	actions: Record<string, ActionStats>;
	/** Sums over all actions. */
	requests: number;
	refusals: number;
	faults: number;
}

/** Per-action counters, fed by the emulator at each arrival, refusal and fault. */
export class RequestStats {
	private readonly byAction = new Map<string, ActionStats & { window: number[] }>();

	/** @param limitOf the enforced limit of an action (a number: requests per second), reported in the stats. */
	constructor(private readonly limitOf: (action: string) => number | RateLimit | undefined = () => undefined) {}

	private entry(action: string): ActionStats & { window: number[] } {
		let entry = this.byAction.get(action);
		if (!entry) {
			entry = { requests: 0, refusals: 0, faults: 0, peakPerSecond: 0, window: [] };
			this.byAction.set(action, entry);
		}
		return entry;
	}

	/** Counts an arrival at `nowMs` (emulator clock, epoch ms) and updates the peak rate. */
	arrive(action: string, nowMs: number): void {
		const entry = this.entry(action);
		entry.requests += 1;
		entry.window = entry.window.filter((at) => at > nowMs - 1000 && at <= nowMs);
		entry.window.push(nowMs);
		entry.peakPerSecond = Math.max(entry.peakPerSecond, entry.window.length);
	}

	/** Counts a refusal by the emulator's own limit. */
	refuse(action: string): void {
		this.entry(action).refusals += 1;
	}

	/** Counts a request an injected fault acted on. */
	fault(action: string): void {
		this.entry(action).faults += 1;
	}

	/** A copy of the counters. */
	snapshot(): EmulatorStats {
		const actions: Record<string, ActionStats> = {};
		let requests = 0;
		let refusals = 0;
		let faults = 0;
		for (const [action, entry] of this.byAction) {
			const found = this.limitOf(action);
			const limit = typeof found === 'number' ? { requests: found, windowSeconds: 1 } : found;
			actions[action] = {
				requests: entry.requests,
				refusals: entry.refusals,
				faults: entry.faults,
				peakPerSecond: entry.peakPerSecond,
				...(limit === undefined ? {} : { limit }),
				...(limit?.windowSeconds === 1 ? { limitPerSecond: limit.requests } : {}),
			};
			requests += entry.requests;
			refusals += entry.refusals;
			faults += entry.faults;
		}
		return { actions, requests, refusals, faults };
	}

	/** Zeroes every counter (e.g. between benchmark rounds). */
	reset(): void {
		this.byAction.clear();
	}
}
