import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { redactSecrets } from './redact';

/**
 * HTTP building blocks shared by the credentials (token fetch, key check) and by every node's
 * transport: one transport error type, its classification, lossless JSON parsing and retries.
 */

/**
 * A request that never got an HTTP answer (connection refused / reset, timeout, DNS, cancelled),
 * or an HTTP error answer that a helper threw. The message is already redacted.
 */
export class TransportError extends Error {
	constructor(
		message: string,
		/** Node / axios error code: `ECONNRESET`, `ETIMEDOUT`, `ECONNABORTED`, `ERR_CANCELED` … */
		readonly code: string | undefined,
		/** False only when the connection was never established, so the vendor cannot have acted on the request. */
		readonly mayHaveReachedServer: boolean,
		/** HTTP status of the answer, when one arrived. */
		readonly httpStatus?: number,
	) {
		super(message);
		this.name = 'TransportError';
	}
}

/** Connection errors that are worth one more try. */
const TRANSIENT_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'EPIPE',
	'ECONNABORTED',
	'EAI_AGAIN',
	'ECONNREFUSED',
	'UND_ERR_SOCKET',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** Errors raised before any byte reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND']);

/** Codes of a request the execution itself cancelled (axios / fetch abort). */
const CANCELLED_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);

/** Timeouts: the request may have been processed (and billed) even though no answer came. */
export const TIMEOUT_CODES: ReadonlySet<string> = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/** True for a {@link TransportError} that a retry may fix (a reset, a timeout, a refused connection). */
export function isTransientTransportError(error: unknown): boolean {
	return error instanceof TransportError && error.code !== undefined && TRANSIENT_CODES.has(error.code);
}

/** True for a {@link TransportError} caused by the execution being cancelled. */
export function isCancelledTransportError(error: unknown): boolean {
	return error instanceof TransportError && error.code !== undefined && CANCELLED_CODES.has(error.code);
}

const ERROR_CODE = /^(E[A-Z_]+|ERR_[A-Z_]+|UND_ERR_[A-Z_]+|ABORT_ERR)$/;

/** The first error code along `error`, its `cause` chain, or n8n's `httpCode` (see {@link toTransportError}). */
function findErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		for (const key of ['code', 'httpCode'] as const) {
			const code = (current as Record<string, unknown>)[key];
			if (typeof code === 'string' && ERROR_CODE.test(code)) return code;
		}
		if ((current as { name?: unknown }).name === 'AbortError') return 'ABORT_ERR';
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** The HTTP status along `error`: an axios `response.status`, or n8n's numeric `httpCode`. */
function findResponseStatus(error: unknown): number | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const response = (current as { response?: { status?: unknown } }).response;
		if (response && typeof response.status === 'number') return response.status;
		const httpCode = (current as { httpCode?: unknown }).httpCode;
		if (typeof httpCode === 'string' && /^[1-5]\d\d$/.test(httpCode)) return Number(httpCode);
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/**
 * Classifies a failed HTTP helper call as a {@link TransportError}, or returns `undefined` when
 * it is not a transport failure (e.g. n8n refusing the request for a missing credential).
 *
 * Two shapes are understood: the raw error of `helpers.httpRequest` (axios: `code` such as
 * `ECONNRESET`, or `response.status`), and the `NodeApiError` that
 * `helpers.httpRequestWithAuthentication` wraps every failure in, which keeps the axios status or
 * error code only in its `httpCode` field (docs/n8n.md#errors-from-httprequestwithauthentication).
 * `mayHaveReachedServer` is false only for errors raised before connecting. Messages are redacted.
 */
export function toTransportError(error: unknown, secrets: ReadonlyArray<string | undefined> = []): TransportError | undefined {
	if (error instanceof TransportError) return error;
	const rawMessage = error instanceof Error ? error.message : String(error);
	const status = findResponseStatus(error);
	if (status !== undefined) return new TransportError(redactSecrets(rawMessage, secrets), findErrorCode(error), true, status);
	const code = findErrorCode(error);
	if (code === undefined) return undefined;
	return new TransportError(
		redactSecrets(`The request could not be completed (${code}): ${rawMessage}`, secrets),
		code,
		!NOT_SENT_CODES.has(code),
	);
}

/**
 * Parses a JSON answer. Integers of 16 or more digits in the listed fields are kept as strings
 * (Tencent TaskIds are uint64 and exceed 2^53: docs/tencent-cloud-api.md#asr-createrectask).
 * Returns `undefined` when the body is not a JSON object or array.
 */
export function parseJsonBody(body: Buffer | string, bigIntFields: readonly string[] = []): IDataObject | undefined {
	let text = typeof body === 'string' ? body : body.toString('utf8');
	for (const field of bigIntFields) {
		text = text.replace(new RegExp(`("${field}"\\s*:\\s*)(\\d{16,})`, 'g'), '$1"$2"');
	}
	try {
		const parsed: unknown = JSON.parse(text);
		return parsed && typeof parsed === 'object' ? (parsed as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}

/** How {@link withRetry} spaces attempts. */
export interface RetryPolicy {
	/** Total attempts including the first (default 4), not counting retries after rate limits. */
	maxAttempts?: number;
	/** Retries after a rate-limit answer, which do not count as attempts (default 30). */
	maxRateLimitRetries?: number;
	/** First back-off delay in milliseconds, doubled each time (default 500 ms). */
	baseDelayMs?: number;
	/** Upper bound of one delay in milliseconds (default 8,000 ms). */
	maxDelayMs?: number;
}

/** Where {@link withRetry} learns that the execution was cancelled (an n8n function context). */
export interface CancelSource {
	getExecutionCancelSignal?: () => AbortSignal | undefined;
}

/**
 * Waits `ms` milliseconds with n8n's `sleep`, in slices of at most 200 ms, and returns `true` as
 * soon as `signal` is aborted (`false` when the whole time passed). Slices instead of an abort
 * listener: a long poll adds no listener per wait (docs/n8n.md#polling-and-cancellation).
 */
export async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
	const until = Date.now() + ms;
	for (;;) {
		if (signal?.aborted) return true;
		const left = until - Date.now();
		if (left <= 0) return false;
		await sleep(Math.min(left, 200));
	}
}

/**
 * What `shouldRetry` answers: `false` (give up), `true` (back off and retry), a number of
 * milliseconds to wait before retrying, or `{ rateLimitedMs }`: the vendor refused the call for
 * its rate limit without acting on it, so retry after that many milliseconds without using up an
 * attempt (a rate limit slows a batch down; it does not fail its items).
 */
export type RetryDecision = boolean | number | { rateLimitedMs: number };

/**
 * Runs `attempt` until it succeeds, `shouldRetry` says no, or the attempts run out (see
 * {@link RetryPolicy}); waits with exponential back-off between attempts, or as `shouldRetry`
 * says ({@link RetryDecision}), and stops early when the execution is cancelled. The last error
 * is rethrown unchanged.
 */
export async function withRetry<T>(
	ctx: CancelSource,
	attempt: (attemptNumber: number) => Promise<T>,
	shouldRetry: (error: unknown, attemptNumber: number) => RetryDecision,
	policy: RetryPolicy = {},
): Promise<T> {
	const maxAttempts = policy.maxAttempts ?? 4;
	const maxRateLimitRetries = policy.maxRateLimitRetries ?? 30;
	const baseDelayMs = policy.baseDelayMs ?? 500;
	const maxDelayMs = policy.maxDelayMs ?? 8000;
	let rateLimitRetries = 0;
	for (let attemptNumber = 1; ; ) {
		let failure: unknown;
		try {
			return await attempt(attemptNumber);
		} catch (error) {
			failure = error;
		}
		const decision = shouldRetry(failure, attemptNumber);
		if (decision === false || ctx.getExecutionCancelSignal?.()?.aborted) throw failure;
		let delay: number;
		if (typeof decision === 'object') {
			if (++rateLimitRetries > maxRateLimitRetries) throw failure;
			delay = decision.rateLimitedMs;
		} else {
			if (attemptNumber >= maxAttempts) throw failure;
			delay = typeof decision === 'number' ? decision : Math.min(maxDelayMs, baseDelayMs * 2 ** (attemptNumber - 1));
			attemptNumber++;
		}
		if (await pause(delay, ctx.getExecutionCancelSignal?.())) throw failure;
	}
}
