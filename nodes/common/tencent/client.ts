import type { IDataObject } from 'n8n-workflow';

import { CredentialError, VendorApiError } from '../../../credentials/common/errors';
import { isTransientTransportError, parseJsonBody, TransportError, withRetry } from '../../../credentials/common/http';
import { answerExcerpt } from '../../../credentials/common/redact';
import { clockHint, TENCENT_HINTS } from '../../../credentials/common/tencent/hints';
import { TENCENT_CLOUD, TENCENT_SERVICES, type TencentService } from '../../../credentials/common/tencent/services';
import { toNodeError } from '../errors';
import { rateLimiter, type RateLimiter } from '../rateLimit';
import type { CredentialSpec, CredentialSession } from '../transport';

/** The Tencent Cloud credential as the transport sees it: `keyCheck` is filled by its preAuthentication. */
export const TENCENT_CREDENTIAL: CredentialSpec = {
	type: 'tencentCloudApi',
	expirableField: 'keyCheck',
	secretFields: ['secretKey', 'sessionToken'],
};

/** What to check when Tencent Cloud cannot be reached. */
export const TENCENT_NETWORK_HINT = 'Check the network path from n8n to Tencent Cloud (or the custom endpoint of the credential).';

/**
 * Documented default rate limits per action, in requests per second per account
 * (docs/tencent-cloud-api.md#rate-limits). UploadIvrAudio (1/s) is paced by the Contact Center
 * node itself, measured from the end of the previous request.
 */
export const TENCENT_RATE_LIMITS: Readonly<Record<string, number>> = {
	CreateRecTask: 20,
	DescribeTaskStatus: 50,
	SentenceRecognition: 30,
	DescribeIvrAudioList: 20,
};

/** The process-wide limiter of `action` for this credential (SecretId and endpoint), if the action has a documented limit. */
export function tencentRateLimiter(session: CredentialSession, action: string): RateLimiter | undefined {
	const limit = TENCENT_RATE_LIMITS[action];
	if (limit === undefined) return undefined;
	return rateLimiter(`${String(session.data.secretId ?? '').trim()}|${String(session.data.endpoint ?? '').trim()}|${action}`, limit);
}

/**
 * Longest wait for one API 3.0 answer, in milliseconds. A request that gets none is a timeout
 * (ECONNABORTED): retried when the call changes nothing, reported otherwise.
 */
export const TENCENT_TIMEOUT_MS = 30_000;

/** Fields that hold uint64 values (kept as strings when read, written as bare JSON numbers). */
export const TENCENT_UINT64_FIELDS = ['TaskId'];

/** One API 3.0 call. */
export interface TencentCall {
	service: TencentService;
	action: string;
	/** Request parameters; values of {@link TENCENT_UINT64_FIELDS} may be numeric strings. */
	params: IDataObject;
	itemIndex?: number;
	/**
	 * For calls that must not be sent twice (UploadIvrAudio, CreateRecTask): what to check
	 * before trying again when the connection broke after sending. Such calls are retried only
	 * when Tencent certainly did not act (RequestLimitExceeded, connection never established).
	 */
	notResent?: { check: string };
	/** Hints for this service's own error codes, added to the common ones. */
	hints?: Readonly<Record<string, string>>;
	/** Milliseconds to wait after `RequestLimitExceeded` before retrying (default 1,100 ms). */
	rateLimitDelayMs?: number;
	/** Attempts including the first (default 4). */
	maxAttempts?: number;
	/** Longest wait for one answer, in milliseconds (default {@link TENCENT_TIMEOUT_MS}). */
	timeoutMs?: number;
	/**
	 * Wraps every HTTP attempt (the first and each retry), e.g. to space requests out for a rate
	 * limit. Receives the attempt and must call it once and return its result.
	 */
	wrapAttempt?: <T>(attempt: () => Promise<T>) => Promise<T>;
}

/** Serialises parameters, writing uint64 fields given as digit strings as bare JSON numbers. */
export function serializeTencentParams(params: IDataObject): string {
	let text = JSON.stringify(params);
	for (const field of TENCENT_UINT64_FIELDS) {
		text = text.replace(new RegExp(`("${field}":)"(\\d+)"`, 'g'), '$1$2');
	}
	return text;
}

/** True for `RequestLimitExceeded` and its sub-codes (`.UinLimitExceeded`, `.IPLimitExceeded` …). */
export function isRateLimited(error: unknown): boolean {
	return error instanceof VendorApiError && String(error.code).startsWith('RequestLimitExceeded');
}

/**
 * Calls a Tencent Cloud API 3.0 action through the `tencentCloudApi` credential (which signs it:
 * docs/tencent-cloud-api.md#tc3-hmac-sha256-signing) and returns `Response` without `Error`.
 * uint64 fields come back as strings.
 *
 * Keeps to the action's documented rate ({@link TENCENT_RATE_LIMITS}) for this credential across
 * items and executions, and slows down after a rate-limit answer. Retries `RequestLimitExceeded`
 * (and its sub-codes) after the rate window; `InternalError`, HTTP
 * 5xx / 429 answers that are not Tencent JSON (a gateway in between), connection failures and an
 * unreachable key check with back-off when the call changes nothing (no `notResent`).
 *
 * @throws NodeApiError with Tencent's Code, Message and RequestId, plus a hint
 *   (docs/tencent-cloud-api.md#error-answers); see `toNodeError`.
 */
export async function tencentApiRequest(session: CredentialSession, call: TencentCall): Promise<IDataObject> {
	const service = TENCENT_SERVICES[call.service];
	const idempotent = call.notResent === undefined;
	const body = serializeTencentParams(call.params);
	const wrap = call.wrapAttempt ?? (async <T>(attempt: () => Promise<T>) => await attempt());
	const limiter = tencentRateLimiter(session, call.action);
	try {
		return await withRetry(
			session.ctx,
			async () => {
				if (limiter && (await limiter.acquire(session.ctx.getExecutionCancelSignal?.()))) {
					throw new TransportError(`The execution was cancelled before ${call.action} was sent`, 'ERR_CANCELED', false);
				}
				const sentAt = Date.now();
				const response = await wrap(
					async () =>
						await session.request({
							method: 'POST',
							url: `https://${service.host}/`,
							headers: { 'X-TC-Action': call.action, 'X-TC-Version': service.version },
							body,
							timeout: call.timeoutMs ?? TENCENT_TIMEOUT_MS,
						}),
				);
				const parsed = parseJsonBody(response.body, TENCENT_UINT64_FIELDS);
				const payload = parsed?.Response as IDataObject | undefined;
				if (!payload) {
					throw new VendorApiError({
						vendor: TENCENT_CLOUD,
						code: `HTTP ${response.statusCode}`,
						message: `Unexpected answer from Tencent Cloud: ${answerExcerpt(response.body.toString('utf8'), 200, session.secrets())}`,
						httpStatus: response.statusCode,
					});
				}
				const error = payload.Error as IDataObject | undefined;
				if (error) {
					const code = String(error.Code);
					if (code.startsWith('RequestLimitExceeded')) limiter?.slowDown();
					const hint = call.hints?.[code] ?? TENCENT_HINTS[code] ?? (code.startsWith('RequestLimitExceeded') ? TENCENT_HINTS.RequestLimitExceeded : undefined);
					throw new VendorApiError({
						vendor: TENCENT_CLOUD,
						code,
						message: String(error.Message ?? ''),
						requestId: typeof payload.RequestId === 'string' ? payload.RequestId : undefined,
						requestIdLabel: 'RequestId',
						hint: code === 'AuthFailure.SignatureExpire' ? clockHint(response.headers.date, sentAt) ?? hint : hint,
					});
				}
				limiter?.succeeded();
				return payload;
			},
			(error) => {
				// Tencent refused the call before acting on it, so even uploads may be resent, and the
				// retry does not use up an attempt: a rate limit slows the batch down, it fails nothing.
				if (isRateLimited(error)) return { rateLimitedMs: call.rateLimitDelayMs ?? 1100 };
				if (error instanceof VendorApiError) {
					return idempotent && (String(error.code).startsWith('InternalError') || /^HTTP (5\d\d|429)$/.test(String(error.code)));
				}
				if (error instanceof TransportError) return isTransientTransportError(error) && (idempotent || !error.mayHaveReachedServer);
				// the key check could not reach CAM: nothing was sent to the service yet
				if (error instanceof CredentialError) return isTransientTransportError(error.reason);
				return false;
			},
			{ maxAttempts: call.maxAttempts ?? 4 },
		);
	} catch (error) {
		throw toNodeError(session.ctx.getNode(), error, {
			vendor: TENCENT_CLOUD,
			itemIndex: call.itemIndex,
			secrets: session.secrets(),
			networkHint: TENCENT_NETWORK_HINT,
			notResent: call.notResent ? { action: call.action, check: call.notResent.check } : undefined,
		});
	}
}
