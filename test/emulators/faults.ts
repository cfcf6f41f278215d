/**
 * One fault-injection mechanism for every emulator (WeChat, Coze, Tencent Cloud API 3.0, the
 * legacy ASR API, flash recognition) and for the ASR callback sender, plus the per-request
 * machinery every emulator shares: statistics (./limits), a fixed latency for the benchmark, and
 * the transport faults themselves (reset, hang, slow answer, gateway status pages).
 *
 * Tests add faults with `emulator.faults.add({ match, kind, count, after, ... })`:
 *
 * | kind | what the client sees | was the request processed? |
 * |---|---|---|
 * | `reset-before` | the connection is destroyed without an answer | no (the body was read, nothing done) |
 * | `reset-after` | the connection is destroyed without an answer | yes: the next matching request that SUCCEEDS did its side effect (upload, task, recognition) |
 * | `hang` | no answer at all until the client gives up or the emulator closes | no |
 * | `slow` | the normal answer, `delayMs` later | yes, at once (a client that times out may still have caused the side effect) |
 * | `http-status` | HTTP `status` (default 503; 429 too) with an nginx-style HTML page, as a gateway in front of the service answers | no |
 * | `rate-limit` | the vendor's own rate-limit answer: Tencent `RequestLimitExceeded`, Coze HTTP 429 code 4013, WeChat errcode 45011, flash code 4006 | no |
 * | `error` | the vendor's error answer with `code` (and `message`, Coze `status`) | no |
 * | `token-revoked` | WeChat only: every access_token issued so far becomes invalid (`mode` `invalid` → 40001, `expired` → 42001) when the matching call arrives, so that call and the later ones fail until a new token is fetched | no |
 * | `clock-skew` | Tencent API 3.0 only: the server clock is `seconds` off for the matching requests (signature check and the `Date` header), e.g. 600 → `AuthFailure.SignatureExpire` for a client on real time | – |
 * | `truncated-body` | ASR callbacks only: the callback POST announces the whole Content-Length, sends half the body and closes the connection; the sender then retries as Tencent does | – |
 *
 * `match` selects requests by `action` (Tencent: `X-TC-Action`; WeChat: `token`, `stable_token`,
 * `domain_ip`, `upload`, `query`; Coze: `transcriptions`, `workspaces`; legacy ASR: `task`; flash:
 * `flash`; callbacks: `callback`) and/or by `path` (a prefix of the URL path); no `match` means
 * every request. A fault lets `after` matching requests pass first (default 0: "in the middle of a
 * batch" is `after: 2`), then acts on `count` of them (default 1; `Infinity` for all). Faults of
 * one phase are tried in the order they were added and at most one of them acts on a request.
 * Each emulator refuses kinds it does not support, so a test cannot inject a fault the vendor
 * could not produce.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestStats, type EmulatorStats, type RateLimit } from './limits';

/** The kinds of fault, see the table above. */
export type FaultKind =
	| 'reset-before'
	| 'reset-after'
	| 'hang'
	| 'slow'
	| 'http-status'
	| 'rate-limit'
	| 'error'
	| 'token-revoked'
	| 'clock-skew'
	| 'truncated-body';

/** The transport faults every HTTP emulator supports. */
export const TRANSPORT_FAULTS: readonly FaultKind[] = ['reset-before', 'reset-after', 'hang', 'slow', 'http-status'];

/** Which requests a fault applies to; both fields must match when both are given. */
export interface FaultMatch {
	/** The emulator's action name (see the module description). */
	action?: string;
	/** A prefix of the URL path, e.g. `/cgi-bin/media/voice/` or `/asr/flash/v1/`. */
	path?: string;
}

/** A fault to inject. */
export interface FaultSpec {
	kind: FaultKind;
	/** Which requests; every request when absent. */
	match?: FaultMatch;
	/** How many matching requests the fault acts on. Default 1; `Infinity` for every one. */
	count?: number;
	/** How many matching requests pass untouched before the fault acts. Default 0. */
	after?: number;
	/** `slow`: extra delay of the answer, milliseconds (required, > 0). */
	delayMs?: number;
	/** `http-status`: the HTTP status (default 503). `error` on Coze: the HTTP status of the JSON answer. */
	status?: number;
	/** `error`: the vendor code (Tencent `Code` string, WeChat errcode, Coze code, legacy/flash code). */
	code?: string | number;
	/** `error` / `rate-limit`: the message (default: the vendor's text for the code). */
	message?: string;
	/** `error` on Coze: `true` answers the gateway HTML page instead of JSON (default: for 502/503/504). */
	html?: boolean;
	/** `clock-skew`: how far the server clock is off, seconds (positive: server ahead). */
	seconds?: number;
	/** `token-revoked`: `invalid` (default, errcode 40001) or `expired` (42001). */
	mode?: 'invalid' | 'expired';
}

/** A fault that acted on a request, as handed to the emulator. */
export interface ActiveFault extends Readonly<FaultSpec> {
	/** The id of the fault (see {@link FaultHandle}). */
	id: number;
}

/** What `faults.add` returns: live counters of one fault. */
export interface FaultHandle {
	id: number;
	kind: FaultKind;
	/** Requests it acted on so far. */
	readonly fired: number;
	/** Requests it will still act on. */
	readonly remaining: number;
	/** Stops it. */
	cancel(): void;
}

/** One request a fault acted on (the injector's log, in order). */
export interface FaultFiring {
	id: number;
	kind: FaultKind;
	action: string;
	path: string;
	/** Wall-clock time, epoch milliseconds. */
	at: number;
}

/** The action and path a request is matched by. */
export interface RequestTarget {
	action: string;
	path: string;
}

interface FaultEntry {
	spec: FaultSpec;
	id: number;
	remaining: number;
	skip: number;
	fired: number;
}

/** Adds, matches and counts faults for one emulator (or callback sender). */
export class FaultInjector {
	private readonly entries: FaultEntry[] = [];
	private nextId = 1;
	/** Every request a fault acted on, in order. */
	readonly fired: FaultFiring[] = [];

	/**
	 * @param owner the emulator's name, for error messages.
	 * @param supported the kinds this emulator can produce; `add` refuses the others.
	 */
	constructor(
		private readonly owner: string,
		readonly supported: readonly FaultKind[],
	) {}

	/**
	 * Adds a fault. @throws Error for a kind this emulator does not support or an invalid field
	 * (count/after not whole numbers, `slow` without `delayMs`, `error` without `code`, …).
	 */
	add(spec: FaultSpec): FaultHandle {
		if (!this.supported.includes(spec.kind)) {
			throw new Error(`The ${this.owner} emulator cannot inject '${spec.kind}' faults (supported: ${this.supported.join(', ')}).`);
		}
		const count = spec.count ?? 1;
		const after = spec.after ?? 0;
		if (!(count === Infinity || (Number.isInteger(count) && count >= 1))) {
			throw new Error(`Fault count must be a whole number ≥ 1 or Infinity (got ${String(spec.count)}).`);
		}
		if (!Number.isInteger(after) || after < 0) {
			throw new Error(`Fault 'after' must be a whole number ≥ 0 (got ${String(spec.after)}).`);
		}
		if (spec.kind === 'slow' && !(typeof spec.delayMs === 'number' && spec.delayMs > 0)) {
			throw new Error("A 'slow' fault needs delayMs > 0.");
		}
		if (spec.kind === 'http-status' && spec.status !== undefined && !(Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599)) {
			throw new Error(`An 'http-status' fault needs a status 400–599 (got ${String(spec.status)}).`);
		}
		if (spec.kind === 'error' && spec.code === undefined) {
			throw new Error("An 'error' fault needs the vendor's code.");
		}
		if (spec.kind === 'clock-skew' && !(typeof spec.seconds === 'number' && Number.isFinite(spec.seconds))) {
			throw new Error("A 'clock-skew' fault needs seconds (positive: server ahead).");
		}
		const entry: FaultEntry = { spec: { ...spec }, id: this.nextId++, remaining: count, skip: after, fired: 0 };
		this.entries.push(entry);
		return {
			id: entry.id,
			kind: spec.kind,
			get fired() {
				return entry.fired;
			},
			get remaining() {
				return entry.remaining;
			},
			cancel: () => {
				entry.remaining = 0;
			},
		};
	}

	/** Removes every fault not yet used up (the log {@link fired} is kept). */
	clear(): void {
		for (const entry of this.entries) {
			entry.remaining = 0;
		}
	}

	/** The faults that will still act, in order. */
	pending(): FaultSpec[] {
		return this.entries.filter((entry) => entry.remaining > 0).map((entry) => ({ ...entry.spec }));
	}

	/**
	 * Finds the first fault of one of `kinds` that matches `target` and is due: every matching
	 * fault passed on the way counts the request toward its `after`; the one that acts loses one
	 * of its `count`. Returns undefined when none acts.
	 */
	take(target: RequestTarget, kinds: readonly FaultKind[]): ActiveFault | undefined {
		for (const entry of this.entries) {
			if (entry.remaining <= 0 || !kinds.includes(entry.spec.kind) || !matches(entry.spec.match, target)) {
				continue;
			}
			if (entry.skip > 0) {
				entry.skip -= 1;
				continue;
			}
			entry.remaining -= 1;
			entry.fired += 1;
			this.fired.push({ id: entry.id, kind: entry.spec.kind, action: target.action, path: target.path, at: Date.now() });
			return { ...entry.spec, id: entry.id };
		}
		return undefined;
	}
}

function matches(match: FaultMatch | undefined, target: RequestTarget): boolean {
	if (!match) return true;
	if (match.action !== undefined && match.action !== target.action) return false;
	if (match.path !== undefined && !target.path.startsWith(match.path)) return false;
	return true;
}

const GATEWAY_TITLES: Record<number, string> = {
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Temporarily Unavailable',
	504: 'Gateway Time-out',
};

/** The nginx error page a gateway in front of a vendor answers instead of the vendor's JSON. */
export function gatewayPage(status: number): string {
	const title = `${status} ${GATEWAY_TITLES[status] ?? 'Error'}`;
	return [
		'<html>',
		`<head><title>${title}</title></head>`,
		'<body>',
		`<center><h1>${title}</h1></center>`,
		'<hr><center>nginx</center>',
		'</body>',
		'</html>',
		'',
	].join('\r\n');
}

/** Options of {@link EmulatorRuntime}. */
export interface EmulatorRuntimeOptions {
	/** The emulator's name, for error messages. */
	name: string;
	/** The fault kinds it supports. */
	supportedFaults: readonly FaultKind[];
	/** The emulator clock, epoch milliseconds (statistics and rate windows). */
	nowMs: () => number;
	/** A fixed delay added to every answer, milliseconds (benchmark option `latencyMs`). */
	latencyMs?: number;
	/** The enforced limit of an action (a number: per second), reported by {@link EmulatorRuntime.stats}. */
	limitOf?: (action: string) => number | RateLimit | undefined;
	/** Headers added to the gateway pages of `http-status` faults (e.g. Coze's `x-tt-logid`). */
	gatewayHeaders?: () => Record<string, string>;
}

/**
 * The per-request machinery of one emulator: statistics, latency, and the transport faults.
 * The emulator calls {@link begin} when a request arrives, {@link transport} once its body is
 * read, {@link vendor} where its own pipeline would answer an error, and {@link resetAfter}
 * right before a success answer.
 */
export class EmulatorRuntime {
	readonly faults: FaultInjector;
	private readonly counters: RequestStats;
	private readonly held = new Set<ServerResponse>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private latencyMs: number;

	constructor(private readonly options: EmulatorRuntimeOptions) {
		if (options.latencyMs !== undefined && !(Number.isFinite(options.latencyMs) && options.latencyMs >= 0)) {
			throw new Error(`latencyMs must be a number ≥ 0 (got ${String(options.latencyMs)}).`);
		}
		this.faults = new FaultInjector(options.name, options.supportedFaults);
		this.counters = new RequestStats(options.limitOf);
		this.latencyMs = options.latencyMs ?? 0;
	}

	/** Sets the fixed latency of every later answer, milliseconds. */
	setLatency(ms: number): void {
		if (!(Number.isFinite(ms) && ms >= 0)) throw new Error(`latencyMs must be a number ≥ 0 (got ${ms}).`);
		this.latencyMs = ms;
	}

	/** Counts the arrival and delays the answer by the latency plus any `slow` fault. */
	begin(res: ServerResponse, target: RequestTarget): void {
		this.counters.arrive(target.action, this.options.nowMs());
		const slow = this.faults.take(target, ['slow']);
		if (slow) this.counters.fault(target.action);
		const delay = this.latencyMs + (slow?.delayMs ?? 0);
		if (delay > 0) this.delayAnswer(res, delay);
	}

	/**
	 * Applies a `reset-before`, `hang` or `http-status` fault, if one is due. Call it once the
	 * body has been read. Returns the fault (the emulator must then stop) or undefined.
	 */
	transport(req: IncomingMessage, res: ServerResponse, target: RequestTarget): ActiveFault | undefined {
		const fault = this.faults.take(target, ['reset-before', 'hang', 'http-status']);
		if (!fault) return undefined;
		this.counters.fault(target.action);
		if (fault.kind === 'reset-before') {
			req.socket.destroy();
		} else if (fault.kind === 'hang') {
			this.held.add(res);
			res.on('close', () => this.held.delete(res));
		} else {
			const status = fault.status ?? 503;
			res.writeHead(status, { 'content-type': 'text/html', ...(this.options.gatewayHeaders?.() ?? {}) });
			res.end(gatewayPage(status));
		}
		return fault;
	}

	/** A due fault of one of `kinds` (vendor answers: `error`, `rate-limit`, …), counted; the emulator answers it. */
	vendor(target: RequestTarget, kinds: readonly FaultKind[]): ActiveFault | undefined {
		const fault = this.faults.take(target, kinds);
		if (fault) this.counters.fault(target.action);
		return fault;
	}

	/**
	 * Call right before a success answer: when a `reset-after` fault is due, destroys the socket
	 * (the side effect has happened) and returns true; the emulator must not answer.
	 */
	resetAfter(req: IncomingMessage, target: RequestTarget): boolean {
		const fault = this.faults.take(target, ['reset-after']);
		if (!fault) return false;
		this.counters.fault(target.action);
		req.socket.destroy();
		return true;
	}

	/** Counts a refusal by the emulator's own rate or concurrency limit. */
	refuse(action: string): void {
		this.counters.refuse(action);
	}

	/** Requests, refusals, faults and peak rate per action. */
	stats(): EmulatorStats {
		return this.counters.snapshot();
	}

	/** Zeroes the statistics. */
	resetStats(): void {
		this.counters.reset();
	}

	/** Ends hung requests (their sockets are destroyed) and drops delayed answers. */
	close(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const res of this.held) res.socket?.destroy();
		this.held.clear();
	}

	private delayAnswer(res: ServerResponse, ms: number): void {
		const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
		res.end = ((...args: unknown[]) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				if (!res.destroyed) end(...args);
			}, ms);
			this.timers.add(timer);
			return res;
		}) as typeof res.end;
	}
}
