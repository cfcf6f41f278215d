import type { IDataObject } from 'n8n-workflow';

import { VendorApiError } from '../../../credentials/common/errors';
import { parseJsonBody, TransportError, withRetry } from '../../../credentials/common/http';
import { answerExcerpt } from '../../../credentials/common/redact';
import { LEGACY_ASR_SIGNING_DOMAIN } from '../../../credentials/common/tencent/signing';
import { toNodeError } from '../../common/errors';
import type { CredentialSession } from '../../common/transport';

/** Vendor name of the legacy API's errors in messages. */
const LEGACY_VENDOR = 'Tencent Cloud ASR';

/**
 * The legacy recording-file API's request error codes (docs/tencent-legacy-asr.md#error-codes) in English: what went
 * wrong and, where the user can act, what to do. The vendor's own code name and message are kept
 * next to it in every error.
 */
export const LEGACY_ASR_ERRORS: Record<number, { message: string; hint?: string }> = {
	1000: { message: 'The request parameters do not meet the requirements' },
	1001: { message: 'The request parameters could not be parsed' },
	1002: { message: 'projectid is missing or invalid' },
	1003: { message: 'res_text_format is missing or invalid' },
	1004: { message: 'sub_service_type is missing or invalid' },
	1005: { message: 'engine_model_type is missing or invalid' },
	1006: { message: 'callback_url is missing or invalid', hint: 'Give a public http(s) Callback URL shorter than 2048 bytes.' },
	1007: { message: 'res_type is missing or invalid' },
	1008: { message: 'source_type is missing or invalid' },
	1009: { message: 'The audio url is missing or invalid', hint: 'Give a public http(s) Audio URL shorter than 2048 bytes.' },
	1010: { message: 'The SecretId is missing or invalid', hint: 'Check the SecretId of the Tencent Cloud credential.' },
	1011: { message: 'timestamp is missing or invalid' },
	1012: { message: 'expired is missing or invalid' },
	1013: { message: 'nonce is missing or invalid' },
	1014: { message: 'template_name is invalid' },
	1015: { message: 'bucket is missing or invalid' },
	1016: {
		message: 'No free recognition quota is left',
		hint: 'Buy a resource pack or turn on pay-as-you-go billing for speech recognition in the Tencent Cloud website.',
	},
	1017: { message: 'A URL is longer than 2048 bytes', hint: 'Shorten the Audio URL or the Callback URL.' },
	1018: { message: 'The file name is longer than 2048 bytes' },
	1019: {
		message: 'The App ID is not registered',
		hint: 'Check the App ID of the Tencent Cloud credential (Tencent Cloud CAM → API Keys) and that speech recognition is activated for the account.',
	},
	1020: { message: 'App ID, project ID and template name do not match' },
	1021: { message: 'Tencent failed to handle the request (internal error)', hint: 'A temporary Tencent error. Try again later.' },
	1022: { message: 'The signature is malformed', hint: 'Check the SecretKey of the Tencent Cloud credential.' },
	1024: { message: 'The signature is valid for too long (expired − timestamp must be under 90 days)' },
	1025: {
		message: 'The signature has expired',
		hint: "The request's timestamp is too far from Tencent's clock. Synchronise the clock of the machine running n8n (NTP).",
	},
	1026: { message: 'The project ID in the signature is wrong' },
	1027: {
		message: 'The SecretId in the signature does not exist',
		hint: 'Check the SecretId of the Tencent Cloud credential (Tencent Cloud CAM → API Keys).',
	},
	1028: { message: 'The project ID in the signature does not match' },
	1029: {
		message: 'Replay attack detected: this signature (nonce) was already used',
		hint: 'Every request needs a new nonce; this usually means the request was sent twice. Check whether a task was created before retrying.',
	},
	1030: {
		message: 'Signature verification failed',
		hint: 'The SecretKey does not match the SecretId, or the App ID is wrong. Check the Tencent Cloud credential (Tencent Cloud CAM → API Keys).',
	},
	1032: { message: 'The audio data is too large (more than 5 MB)', hint: 'Use an Audio URL for larger recordings.' },
	1034: { message: 'Unknown error', hint: 'Try again later.' },
};

/** The answer to an accepted legacy task: task id (as a string), code 0 and the vendor message. */
export interface LegacyTaskCreated {
	taskId: string;
	code: number;
	message: string;
}

/**
 * Submits one legacy recording-file recognition (docs/tencent-legacy-asr.md#request):
 * `POST https://aai.qcloud.com/asr/v1/<appId>?<query>` with `Content-Type:
 * application/octet-stream` and the audio bytes (or an empty body for `source_type=0`). The
 * credential's `authenticate` adds `secretid`, `timestamp`, `expired` and `nonce`, signs with
 * HMAC-SHA1 and URL-encodes the query; with a custom endpoint the request goes there.
 *
 * Sent once: only a connection that was never established is retried (a second request would
 * start a second task, and the nonce of a repeated signature is refused as a replay).
 *
 * @param query the parameters without the signature fields (values as strings or numbers).
 * @param body raw audio (≤ 5 MB) or an empty Buffer.
 * @throws NodeApiError keeping the numeric code (1000–1034) and the vendor message, with an English
 *   explanation ({@link LEGACY_ASR_ERRORS}); NodeApiError for transport failures.
 */
export async function submitLegacyAsrTask(
	session: CredentialSession,
	appId: string,
	query: IDataObject,
	body: Buffer,
	itemIndex: number,
): Promise<LegacyTaskCreated> {
	try {
		const answer = await withRetry(
			session.ctx,
			async () =>
				await session.request({
					method: 'POST',
					url: `https://${LEGACY_ASR_SIGNING_DOMAIN}/asr/v1/${encodeURIComponent(appId)}`,
					qs: query,
					headers: { 'Content-Type': 'application/octet-stream' },
					body,
					timeout: 120_000,
				}),
			(error) => error instanceof TransportError && !error.mayHaveReachedServer,
			{ maxAttempts: 3 },
		);
		const parsed = parseJsonBody(answer.body, ['requestId']);
		if (!parsed || parsed.code === undefined) {
			throw new VendorApiError({
				vendor: 'Tencent Cloud',
				httpStatus: answer.statusCode,
				message: `Unexpected answer from the legacy ASR API (HTTP ${answer.statusCode}): ${answerExcerpt(answer.body.toString('utf8'), 200, session.secrets())}`,
			});
		}
		const code = Number(parsed.code);
		const vendorMessage = typeof parsed.message === 'string' ? parsed.message : '';
		if (code !== 0) {
			const known = LEGACY_ASR_ERRORS[code];
			throw new VendorApiError({
				vendor: LEGACY_VENDOR,
				code,
				message: known ? `${known.message}${vendorMessage ? ` (${vendorMessage})` : ''}` : vendorMessage || 'Unknown error',
				httpStatus: answer.statusCode !== 200 ? answer.statusCode : undefined,
				hint: known?.hint,
			});
		}
		if (parsed.requestId === undefined || parsed.requestId === null) {
			throw new VendorApiError({
				vendor: LEGACY_VENDOR,
				code,
				message: `The answer has no requestId (task id): ${answerExcerpt(answer.body.toString('utf8'), 200, session.secrets())}`,
			});
		}
		return { taskId: String(parsed.requestId), code, message: vendorMessage };
	} catch (error) {
		throw toNodeError(session.ctx.getNode(), error, {
			vendor: 'Tencent Cloud',
			itemIndex,
			secrets: session.secrets(),
			networkHint: `Check the network path from n8n to ${LEGACY_ASR_SIGNING_DOMAIN} (or the custom endpoint of the credential).`,
			notResent: { action: 'the legacy ASR task', check: 'wait for the callback before submitting again.' },
		});
	}
}
