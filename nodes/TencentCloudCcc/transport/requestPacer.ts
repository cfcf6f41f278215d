import { sleep } from 'n8n-workflow';

/**
 * Minimum gap between two UploadIvrAudio requests of one credential, in milliseconds. Tencent allows 1 request per second for this API (docs/tencent-cloud-api.md#contact-center-uploadivraudio, #rate-limits);
 * the 50 ms margin absorbs timer and clock granularity.
 */
export const UPLOAD_MIN_INTERVAL_MS = 1050;

/** Per key: the tail of the queue of waiting senders, and when the last request finished. */
const queues = new Map<string, Promise<void>>();
const lastFinished = new Map<string, number>();

/**
 * Runs `send` so that, for one `key`, requests never overlap and each starts at least
 * `intervalMs` after the previous one FINISHED (answer received or failure). Measuring from the
 * end of the previous request guarantees the gap at Tencent's side whatever the network latency:
 * the next request cannot arrive earlier than `intervalMs` after the previous one did.
 *
 * The state is module-level, so it spans all items of an execution and concurrent executions of
 * the same n8n instance (a queue per key serialises them). Waiting uses n8n's `sleep`.
 *
 * @param key identifies the rate-limit bucket (see {@link pacingKey}).
 * @param intervalMs minimum gap in milliseconds (default {@link UPLOAD_MIN_INTERVAL_MS}).
 * @param now clock in epoch milliseconds (tests may pass their own).
 * @returns what `send` returns; its error propagates unchanged.
 */
export async function runPaced<T>(
	key: string,
	send: () => Promise<T>,
	intervalMs: number = UPLOAD_MIN_INTERVAL_MS,
	now: () => number = Date.now,
): Promise<T> {
	const previous = queues.get(key) ?? Promise.resolve();
	let release: () => void = () => undefined;
	const mine = new Promise<void>((resolve) => {
		release = resolve;
	});
	const tail = previous.then(async () => await mine);
	queues.set(key, tail);
	await previous;
	try {
		const wait = (lastFinished.get(key) ?? 0) + intervalMs - now();
		if (wait > 0) await sleep(wait);
		return await send();
	} finally {
		lastFinished.set(key, now());
		release();
		if (queues.get(key) === tail) queues.delete(key);
	}
}

/**
 * The pacing key of one credential: its SecretId and endpoint. Tencent counts API 3.0 request
 * frequency per account and action, so uploads for different SdkAppIds of one account share the
 * 1 request/second budget; pacing per credential (rather than per credential and SdkAppId) keeps
 * every SdkAppId within it too. Requests to different endpoints (a private gateway, an emulator)
 * are paced separately. The SecretId is an identifier, not a secret; the SecretKey is never part
 * of the key.
 */
export function pacingKey(secretId: string, endpoint: string | undefined): string {
	return `${secretId}\u0000${endpoint ?? ''}`;
}
