import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { answerExcerpt, vendorApiError } from '../errors';
import {
	isTransientTransportError,
	parseJsonBody,
	requestRaw,
	TransportError,
	withRetry,
	type RequestContext,
} from '../transport';

/** Tencent Cloud API 3.0 services used by this package: vendor host and API version (vendor notes §3). */
export const TENCENT_SERVICES = {
	ccc: { host: 'ccc.tencentcloudapi.com', version: '2020-02-10' },
	asr: { host: 'asr.tencentcloudapi.com', version: '2019-06-14' },
	cam: { host: 'cam.tencentcloudapi.com', version: '2019-01-16' },
} as const;

/** A service key of {@link TENCENT_SERVICES}. */
export type TencentService = keyof typeof TENCENT_SERVICES;

/** Fields that hold uint64 values (kept as strings when read, written as bare JSON numbers). */
export const TENCENT_UINT64_FIELDS = ['TaskId'];

/** What to do about common Tencent Cloud error codes (vendor notes §3, seed 002 §6). */
const HINTS: Record<string, string> = {
	'AuthFailure.SignatureFailure': 'The SecretKey does not match the SecretId. Check both in the Tencent Cloud credential (Tencent Cloud CAM → API Keys).',
	'AuthFailure.SecretIdNotFound': 'The SecretId does not exist or was disabled. Check it in the Tencent Cloud credential (Tencent Cloud CAM → API Keys).',
	'AuthFailure.InvalidSecretId': 'The SecretId is malformed. Copy it again from the Tencent Cloud CAM → API Keys.',
	'AuthFailure.SignatureExpire': "The request's timestamp is more than 5 minutes away from Tencent's clock. Synchronise the clock of the machine running n8n (NTP).",
	'AuthFailure.TokenFailure': 'The Session Token is wrong or expired. Refresh the temporary credentials, or clear the Session Token for a permanent key.',
	'AuthFailure.InvalidAuthorization': 'The Authorization header was malformed. If a proxy rewrites requests, let it pass them unchanged.',
	'AuthFailure.UnauthorizedOperation': 'The key is valid but lacks permission for this action. Grant the CAM policy for this service to the sub-account.',
	RequestLimitExceeded: 'Tencent rate-limited the request. The node already waited and retried; lower the number of items per execution or spread executions out.',
	'FailedOperation.UploadFileOverflow': 'Tencent Cloud Contact Center accepts at most 50 IVR audio uploads per day per account. Try again tomorrow; nothing more was uploaded.',
	InternalError: 'A temporary Tencent Cloud error. Try again later.',
	'InternalError.DBError': 'A temporary Tencent Cloud error. Try again later.',
};

/** One API 3.0 call. */
export interface TencentCall {
	service: TencentService;
	action: string;
	/** Request parameters; values of {@link TENCENT_UINT64_FIELDS} may be numeric strings. */
	params: IDataObject;
	itemIndex?: number;
	/**
	 * False for calls that must not be sent twice (UploadIvrAudio): they are retried only when
	 * Tencent certainly did not act (RequestLimitExceeded, connection never established).
	 */
	idempotent?: boolean;
	/** Extra milliseconds-to-wait decision for `RequestLimitExceeded` (default 1,100 ms). */
	rateLimitDelayMs?: number;
	/** Attempts including the first (default 4). */
	maxAttempts?: number;
	/**
	 * Wraps every HTTP attempt (the first and each retry), e.g. to space requests out for a rate
	 * limit (CCC UploadIvrAudio: 1 request per second). Receives the attempt and must call it
	 * once and return its result.
	 */
	wrapAttempt?: <T>(attempt: () => Promise<T>) => Promise<T>;
}

/** A Tencent Cloud error answer, carried until it becomes a node error. */
export class TencentApiError extends Error {
	constructor(
		readonly code: string,
		readonly vendorMessage: string,
		readonly requestId: string | undefined,
	) {
		super(`${code}: ${vendorMessage}`);
		this.name = 'TencentApiError';
	}
}

/** Serialises parameters, writing uint64 fields given as digit strings as bare JSON numbers. */
export function serializeTencentParams(params: IDataObject): string {
	let text = JSON.stringify(params);
	for (const field of TENCENT_UINT64_FIELDS) {
		text = text.replace(new RegExp(`("${field}":)"(\\d+)"`, 'g'), '$1$2');
	}
	return text;
}

/**
 * Calls a Tencent Cloud API 3.0 action through the `tencentCloudApi` credential (which signs it)
 * and returns `Response` without `Error`. uint64 fields come back as strings.
 *
 * Retries `RequestLimitExceeded` (and its sub-codes) after the rate window, and `InternalError`,
 * HTTP 5xx / 429 answers that are not Tencent JSON (a gateway in between) and connection failures
 * with back-off when the call is idempotent.
 *
 * @throws NodeApiError with Tencent's Code, Message and RequestId, plus a hint.
 */
export async function tencentApiRequest(ctx: RequestContext, call: TencentCall): Promise<IDataObject> {
	const service = TENCENT_SERVICES[call.service];
	const idempotent = call.idempotent ?? true;
	try {
		const body = serializeTencentParams(call.params);
		const wrap = call.wrapAttempt ?? (async <T>(attempt: () => Promise<T>) => await attempt());
		return await withRetry(
			ctx,
			async () => {
				const response = await wrap(
					async () =>
						await requestRaw(ctx, 'tencentCloudApi', {
							method: 'POST',
							url: `https://${service.host}/`,
							headers: { 'X-TC-Action': call.action, 'X-TC-Version': service.version },
							body,
						}),
				);
				const parsed = parseJsonBody(response.body, TENCENT_UINT64_FIELDS);
				const payload = parsed?.Response as IDataObject | undefined;
				if (!payload) {
					throw new TencentApiError(
						`HTTP ${response.statusCode}`,
						`Unexpected answer from Tencent Cloud: ${answerExcerpt(response.body.toString('utf8'), 200)}`,
						undefined,
					);
				}
				const error = payload.Error as IDataObject | undefined;
				if (error) {
					throw new TencentApiError(
						String(error.Code),
						String(error.Message ?? ''),
						payload.RequestId as string | undefined,
					);
				}
				return payload;
			},
			(error) => {
				if (error instanceof TencentApiError) {
					// RequestLimitExceeded and its sub-codes (.UinLimitExceeded, .IPLimitExceeded …):
					// Tencent refused the call before acting on it, so even uploads may be resent.
					if (error.code.startsWith('RequestLimitExceeded')) return call.rateLimitDelayMs ?? 1100;
					// InternalError*, and a gateway's 5xx / 429 answer that is not Tencent JSON
					return idempotent && (error.code.startsWith('InternalError') || /^HTTP (5\d\d|429)$/.test(error.code));
				}
				if (error instanceof TransportError) {
					return isTransientTransportError(error) && (idempotent || !error.mayHaveReachedServer);
				}
				return false;
			},
			{ maxAttempts: call.maxAttempts ?? 4 },
		);
	} catch (error) {
		throw toTencentNodeError(ctx, error, call);
	}
}

/**
 * Converts a failure of {@link tencentApiRequest} into the node error users see: a Tencent error
 * answer becomes a `NodeApiError` with Code, Message, RequestId and a hint; a failed key check
 * (credential preAuthentication) or a broken connection a `NodeApiError` saying what to check (for
 * a non-idempotent call: that it was not resent); anything else a `NodeOperationError`.
 */
export function toTencentNodeError(
	ctx: RequestContext,
	error: unknown,
	call: Pick<TencentCall, 'action' | 'idempotent' | 'itemIndex'> & {
		/** What to check after a sent-but-unanswered non-idempotent call (default: the call's result). */
		unsureHint?: string;
		/** Which host to check the network path to (default: Tencent Cloud). */
		host?: string;
	},
): NodeApiError | NodeOperationError {
	if (error instanceof TencentApiError) {
		return vendorApiError(
			ctx.getNode(),
			{
				vendor: 'Tencent Cloud',
				code: error.code,
				message: error.vendorMessage,
				requestId: error.requestId,
				requestIdLabel: 'RequestId',
				hint: HINTS[error.code],
			},
			call.itemIndex,
		);
	}
	if (error instanceof TransportError && error.name === 'CredentialError') {
		// The credential's key check (preAuthentication) failed: its message already carries
		// Tencent's Code, Message and RequestId.
		return vendorApiError(
			ctx.getNode(),
			{
				vendor: 'Tencent Cloud',
				message: error.message,
				hint: 'Check the SecretId, SecretKey and Session Token of the Tencent Cloud credential (Tencent Cloud CAM → API Keys).',
			},
			call.itemIndex,
		);
	}
	if (error instanceof TransportError) {
		const unsure = call.idempotent === false && error.mayHaveReachedServer;
		return vendorApiError(
			ctx.getNode(),
			{
				vendor: 'Tencent Cloud',
				code: error.code,
				message: error.message,
				hint: unsure
					? `The connection broke after ${call.action} was sent, so Tencent may have accepted it. It was NOT resent; ${
							call.unsureHint ?? 'check the result (for IVR audio: the Get Many operation) before trying again.'
						}`
					: `Check the network path from n8n to ${call.host ?? 'Tencent Cloud'} (or the custom endpoint of the credential).`,
			},
			call.itemIndex,
		);
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error instanceof Error ? error : String(error), {
		itemIndex: call.itemIndex,
	});
}

/**
 * Tencent's error code, message and RequestId carried by a `NodeApiError` that
 * {@link toTencentNodeError} (through `vendorApiError`) built, e.g.
 * `{ code: 'FailedOperation.UploadFileOverflow', message: '…', requestId: '…' }`; `undefined` for
 * any other error or when the error has no vendor code (a broken connection).
 */
export function tencentErrorDetails(
	error: unknown,
): { code: string; message?: string; requestId?: string } | undefined {
	if (!(error instanceof NodeApiError)) return undefined;
	const response = error.errorResponse as IDataObject | undefined;
	if (!response || typeof response.vendorCode !== 'string') return undefined;
	return {
		code: response.vendorCode,
		message: typeof response.vendorMessage === 'string' ? response.vendorMessage : undefined,
		requestId: typeof response.requestId === 'string' ? response.requestId : undefined,
	};
}
