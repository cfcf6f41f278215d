import { createHash } from 'node:crypto';
import type { ICredentialDataDecryptedObject, IDataObject, INode } from 'n8n-workflow';

import { VendorApiError } from '../../../credentials/common/errors';
import { isTransientTransportError, parseJsonBody, TIMEOUT_CODES, TransportError, withRetry, type RetryDecision } from '../../../credentials/common/http';
import { answerExcerpt } from '../../../credentials/common/redact';
import { inputError, toNodeError } from '../../common/errors';
import { multipartForm } from '../../common/multipart';
import { rateLimiter } from '../../common/rateLimit';
import type { CredentialSession, CredentialSpec } from '../../common/transport';

/** The Coze credential as the transport sees it (a static token: no preAuthentication). */
export const COZE_CREDENTIAL: CredentialSpec = { type: 'cozeApi', secretFields: ['accessToken'] };

/** Vendor name in messages. */
export const COZE = 'Coze';

/** What to do about Coze error codes (docs/coze.md#errors). */
const COZE_HINTS: Readonly<Record<number, string>> = {
	4000: 'Coze rejected the request parameters. Check the audio file (format, size under 10 MB, under 30 minutes).',
	4100: 'The access token is invalid or expired. Create a new personal access token and update the Coze credential; check that the Base URL matches the site of the token (coze.cn or coze.com).',
	4101: 'The token lacks a permission. Edit the personal access token and enable createTranscription (audio transcription).',
	4200: 'Coze did not find the resource. Check the Base URL of the credential.',
	4013: "Coze's model service failed (Coze: retry later). The node retried with back-off; try again in a few minutes.",
	4008: "The account's daily Coze usage limit is used up. Try again tomorrow or raise the limit in Coze.",
	4009: 'Coze is limiting requests system-wide. The node retried with back-off; try again later.',
	4020: "The account's requests-per-minute limit was exceeded. The node slowed down and retried; lower Concurrency.",
};

/**
 * True for a Coze answer worth retrying (docs/coze.md#errors): server errors (HTTP 5xx, codes ≥
 * 5000), HTTP 429, 4013 (model error, retry later), 4009 (system request limit) and 4020 (RPM
 * exceeded). 4008 (daily limit) is not: it lasts until tomorrow.
 */
function isRetryableAnswer(error: VendorApiError): boolean {
	const code = Number(error.code);
	const status = error.info.httpStatus ?? 200;
	return status >= 500 || status === 429 || [4013, 4009, 4020].includes(code) || code >= 5000;
}

/** True for Coze's rate-limit answers: HTTP 429 and code 4020 (RPM exceeded). */
function isRateLimitAnswer(error: unknown): boolean {
	return error instanceof VendorApiError && (error.info.httpStatus === 429 || Number(error.code) === 4020);
}

/**
 * Retry rule: rate limits wait without using up an attempt; answers per {@link isRetryableAnswer};
 * resets always; a timeout only once (the audio may already be transcribed and billed).
 */
function isRetryable(error: unknown, attemptNumber: number): RetryDecision {
	if (isRateLimitAnswer(error)) return { rateLimitedMs: 1000 };
	if (error instanceof VendorApiError) return isRetryableAnswer(error);
	if (error instanceof TransportError && error.code !== undefined && TIMEOUT_CODES.has(error.code)) return attemptNumber < 2;
	return isTransientTransportError(error);
}

/**
 * The API base URL of a Coze credential, without trailing slash: China `https://api.coze.cn`
 * (default), Global `https://api.coze.com`, or the Custom Base URL (docs/coze.md#transcriptions).
 *
 * @throws NodeOperationError (item error) when it is not an http(s) URL, e.g. "Custom" chosen
 *   with an empty Custom Base URL.
 */
export function cozeBaseUrl(node: INode, credentials: ICredentialDataDecryptedObject, itemIndex: number): string {
	const baseUrl = String(
		(credentials.baseUrl === 'custom' ? credentials.customBaseUrl : credentials.baseUrl || 'https://api.coze.cn') ?? '',
	)
		.trim()
		.replace(/\/+$/, '');
	if (!/^https?:\/\/[^/]/.test(baseUrl)) {
		throw inputError(
			node,
			credentials.baseUrl === 'custom' ? 'The Coze credential has Base URL "Custom" but no valid Custom Base URL' : `The Coze Base URL "${baseUrl}" is not an http(s) URL`,
			'Open the Coze credential and enter the full address, e.g. https://api.coze.cn, or choose China or Global.',
			itemIndex,
		);
	}
	return baseUrl;
}

/**
 * `POST /v1/audio/transcriptions` (docs/coze.md#transcriptions): multipart with the file part
 * named `file`. Returns `{ text, logId }`.
 *
 * Retries with back-off on HTTP 5xx / 429, codes 4013 / 4009 / 4020 and connection resets (a timeout only once:
 * the audio may already have been transcribed); never on input or authentication errors.
 *
 * @throws NodeApiError `Coze error: <code> – <msg>` with the log id (from `detail.logid` or the
 *   `x-tt-logid` header) that Coze support asks for.
 */
export async function cozeTranscribe(
	session: CredentialSession,
	args: { data: Buffer; fileName: string; contentType: string; itemIndex: number },
): Promise<{ text: string; logId: string }> {
	const baseUrl = cozeBaseUrl(session.ctx.getNode(), session.data, args.itemIndex);
	const form = multipartForm([{ fieldName: 'file', fileName: args.fileName, contentType: args.contentType, data: args.data }]);
	// Coze documents no per-second limit: start unlimited, slow down when it answers 429 / 4020
	const account = createHash('sha256').update(String(session.data.accessToken ?? '')).digest('hex').slice(0, 16);
	const limiter = rateLimiter(`coze|${baseUrl}|${account}`, Number.POSITIVE_INFINITY);
	try {
		return await withRetry(
			session.ctx,
			async () => {
				if (await limiter.acquire(session.ctx.getExecutionCancelSignal?.())) {
					throw new TransportError('The execution was cancelled before the audio was sent', 'ERR_CANCELED', false);
				}
				const response = await session.request({
					method: 'POST',
					url: `${baseUrl}/v1/audio/transcriptions`,
					body: form,
					timeout: 300_000,
				});
				const body = parseJsonBody(response.body);
				const logId = String((body?.detail as IDataObject | undefined)?.logid ?? response.headers['x-tt-logid'] ?? '') || undefined;
				const refuse = (code: number, msg: string) =>
					new VendorApiError({
						vendor: COZE,
						code,
						message: msg,
						requestId: logId,
						requestIdLabel: 'Log ID',
						httpStatus: response.statusCode !== 200 ? response.statusCode : undefined,
						hint: COZE_HINTS[code] ?? (response.statusCode >= 500 ? 'A temporary Coze server error; the node retried. Try again later.' : undefined),
					});
				if (!body) {
					throw refuse(response.statusCode, `unexpected answer (HTTP ${response.statusCode}): ${answerExcerpt(response.body.toString('utf8'), 120, session.secrets())}`);
				}
				const code = Number(body.code ?? (response.statusCode === 200 ? 0 : response.statusCode));
				if (code !== 0 || response.statusCode >= 400) {
					const refusal = refuse(code || response.statusCode, String(body.msg ?? ''));
					if (isRateLimitAnswer(refusal)) limiter.slowDown();
					throw refusal;
				}
				limiter.succeeded();
				const data = (body.data ?? {}) as IDataObject;
				return { text: typeof data.text === 'string' ? data.text : '', logId: logId ?? '' };
			},
			isRetryable,
		);
	} catch (error) {
		throw toNodeError(session.ctx.getNode(), error, {
			vendor: COZE,
			itemIndex: args.itemIndex,
			secrets: session.secrets(),
			networkHint: 'Check that n8n can reach the Coze API host of the credential.',
		});
	}
}
