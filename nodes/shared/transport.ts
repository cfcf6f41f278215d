import type {
	IAdditionalCredentialOptions,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { redactSecrets } from './errors';

/** The part of n8n's function contexts this transport needs (execute and webhook contexts). */
export type RequestContext = Pick<IExecuteFunctions, 'helpers' | 'getNode'> & {
	getExecutionCancelSignal?: () => AbortSignal | undefined;
};

/** A vendor answer: HTTP status, lower-cased headers and the raw body bytes. */
export interface RawResponse {
	statusCode: number;
	headers: Record<string, string>;
	body: Buffer;
}

/**
 * A request that never got an HTTP answer (connection refused / reset, timeout, DNS). The message
 * is already redacted. `mayHaveReachedServer` is false only when the connection was never
 * established, so the vendor cannot have acted on the request.
 */
export class TransportError extends Error {
	constructor(
		message: string,
		readonly code: string | undefined,
		readonly mayHaveReachedServer: boolean,
		/** HTTP status of the answer, when one arrived. */
		readonly httpStatus?: number,
	) {
		super(message);
		this.name = 'TransportError';
	}
}

/** Connection errors that are worth one more try (issue 2: "connection resets"). */
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

/** True for a {@link TransportError} that a retry may fix. */
export function isTransientTransportError(error: unknown): boolean {
	return (
		error instanceof TransportError &&
		(error.code === undefined ? /socket hang up|ECONNRESET/.test(error.message) : TRANSIENT_CODES.has(error.code))
	);
}

function findErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function findResponseStatus(error: unknown): number | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const response = (current as { response?: { status?: unknown } }).response;
		if (response && typeof response.status === 'number') return response.status;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (body === undefined || body === null) return Buffer.alloc(0);
	return Buffer.from(JSON.stringify(body), 'utf8');
}

/**
 * Sends one request through `httpRequestWithAuthentication`, so the credential's own
 * `preAuthentication` / `authenticate` logic applies, and returns the raw answer whatever its
 * HTTP status. Bodies that must survive a retry or token refresh are Buffers or strings, never
 * streams. Throws {@link TransportError} (message redacted) when no HTTP answer came back.
 *
 * @param secrets values to scrub from any error text (tokens, keys).
 */
export async function requestRaw(
	ctx: RequestContext,
	credentialType: string,
	options: IHttpRequestOptions,
	additionalCredentialOptions?: IAdditionalCredentialOptions,
	secrets: Array<string | undefined> = [],
): Promise<RawResponse> {
	const requestOptions: IHttpRequestOptions = {
		...options,
		encoding: 'arraybuffer',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	let response: IN8nHttpFullResponse | undefined;
	let failure: unknown;
	try {
		response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx as IExecuteFunctions,
			credentialType,
			requestOptions,
			additionalCredentialOptions,
		)) as IN8nHttpFullResponse;
	} catch (error) {
		failure = error;
	}
	if (response === undefined) throw toTransportError(failure, secrets);
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries((response.headers ?? {}) as IDataObject)) {
		if (value !== undefined && value !== null) headers[key.toLowerCase()] = String(value);
	}
	return { statusCode: response.statusCode, headers, body: toBuffer(response.body) };
}

/**
 * Classifies a failed `httpRequestWithAuthentication` call: a connection problem (code such as
 * ECONNRESET; `mayHaveReachedServer` false only for errors raised before connecting), or the
 * credential's own token/key check failing (name `CredentialError`, message kept as written by
 * the credential). Messages are redacted.
 */
export function toTransportError(error: unknown, secrets: Array<string | undefined> = []): TransportError {
	const status = findResponseStatus(error);
	const code = findErrorCode(error);
	const rawMessage = error instanceof Error ? error.message : String(error);
	if (status !== undefined) {
		return new TransportError(redactSecrets(rawMessage, secrets), code, true, status);
	}
	if (code === undefined && !/socket hang up|ECONNRESET|ETIMEDOUT|ECONNREFUSED|ECONNABORTED/.test(rawMessage)) {
		const credentialError = new TransportError(redactSecrets(rawMessage, secrets), undefined, false);
		credentialError.name = 'CredentialError';
		return credentialError;
	}
	return new TransportError(
		redactSecrets(`The request could not be completed: ${rawMessage}`, secrets),
		code,
		!(code && NOT_SENT_CODES.has(code)),
	);
}

/**
 * Parses a JSON answer. Integers of 16 or more digits in the listed fields are kept as strings
 * (Tencent TaskIds are uint64 and exceed 2^53: vendor notes §3). Returns `undefined` when the
 * body is not JSON.
 */
export function parseJsonBody(body: Buffer | string, bigIntFields: string[] = []): IDataObject | undefined {
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
	/** Total attempts including the first (default 4). */
	maxAttempts?: number;
	/** First back-off delay in milliseconds, doubled each time (default 500 ms). */
	baseDelayMs?: number;
	/** Upper bound of one delay in milliseconds (default 8,000 ms). */
	maxDelayMs?: number;
}

/**
 * Runs `attempt` until it succeeds, `shouldRetry` says no, or the attempts run out; waits with
 * exponential back-off (n8n's `sleep`) between attempts and stops early when the execution is
 * cancelled. `shouldRetry` may return a number of milliseconds to wait instead of `true`
 * (e.g. a rate-limit window). The last error is rethrown unchanged.
 */
export async function withRetry<T>(
	ctx: Pick<RequestContext, 'getExecutionCancelSignal'>,
	attempt: (attemptNumber: number) => Promise<T>,
	shouldRetry: (error: unknown, attemptNumber: number) => boolean | number,
	policy: RetryPolicy = {},
): Promise<T> {
	const maxAttempts = policy.maxAttempts ?? 4;
	const baseDelayMs = policy.baseDelayMs ?? 500;
	const maxDelayMs = policy.maxDelayMs ?? 8000;
	for (let attemptNumber = 1; ; attemptNumber++) {
		let failure: unknown;
		try {
			return await attempt(attemptNumber);
		} catch (error) {
			failure = error;
		}
		const decision = attemptNumber < maxAttempts ? shouldRetry(failure, attemptNumber) : false;
		if (decision === false || ctx.getExecutionCancelSignal?.()?.aborted) throw failure;
		const delay =
			typeof decision === 'number' ? decision : Math.min(maxDelayMs, baseDelayMs * 2 ** (attemptNumber - 1));
		await sleep(delay);
		if (ctx.getExecutionCancelSignal?.()?.aborted) throw failure;
	}
}
