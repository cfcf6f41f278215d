import type { IDataObject } from 'n8n-workflow';

import { CredentialError, VendorApiError } from '../../../credentials/common/errors';
import { isTransientTransportError, parseJsonBody, TransportError, withRetry, type RetryDecision } from '../../../credentials/common/http';
import { answerExcerpt } from '../../../credentials/common/redact';
import { FLASH_ASR_PATH_PREFIX, FLASH_ASR_SIGNING_HOST } from '../../../credentials/common/tencent/signing';
import { toNodeError } from '../../common/errors';
import type { CredentialSession } from '../../common/transport';

/** Vendor name of flash recognition errors in messages. */
const FLASH_VENDOR = 'Tencent Cloud ASR';

/**
 * Concurrent flash requests per account: the current product page allows 20 by default (it can
 * be raised), an earlier revision 3; exceeding it answers 4006
 * (docs/tencent-flash-asr.md#request). There is no per-second rate: the limit is requests in
 * flight. Flash Recognize therefore runs {@link FLASH_DEFAULT_CONCURRENCY} items at once by
 * default: well within 20, leaving room for other clients of the account, and a bound on memory
 * (each item holds up to 100 MB of audio); an account still on the lower limit gets 4006 answers,
 * which are waited out.
 */
export const FLASH_DEFAULT_CONCURRENCY = 5;

/** Wait after a 4006 (concurrency limit) answer before sending again, milliseconds. */
export const FLASH_CONCURRENCY_RETRY_MS = 1500;

/** What the credential says to check after 4002. */
const CREDENTIAL_HINT =
	'Check the SecretId, SecretKey and App ID of the Tencent Cloud credential (Tencent Cloud CAM → API Keys; the App ID must be the account of that key), and the clock of the machine running n8n (flash recognition allows 3 minutes of difference).';

/**
 * The flash error codes (docs/tencent-flash-asr.md#errors) in English, with what to do, and
 * whether resending is safe: only for codes the documentation tells to retry (4006 concurrency,
 * 4008/4009 upload broke off, 5001–5003 service errors). Tencent's own message is kept next to it
 * in every error.
 */
export const FLASH_ERRORS: Readonly<Record<number, { message: string; hint?: string; retry?: 'concurrency' | 'backoff' }>> = {
	4001: { message: 'A request parameter is invalid', hint: "Tencent's message names the parameter. Check the operation's fields (engine, hotwords, Sentence Max Length …)." },
	4002: { message: 'Authentication failed', hint: CREDENTIAL_HINT },
	4003: { message: 'Speech recognition is not activated for this App ID', hint: 'Activate speech recognition (ASR) for the account on the Tencent Cloud website.' },
	4004: { message: 'No free recognition quota is left', hint: 'Buy a resource pack or turn on pay-as-you-go billing for speech recognition on the Tencent Cloud website.' },
	4005: { message: 'The account is in arrears and the service is stopped', hint: 'Top up the Tencent Cloud account.' },
	4006: {
		message: "The account's limit of concurrent flash recognitions was exceeded",
		hint: 'The node waited and tried again until it gave up. Lower the Concurrency option, spread executions out, or ask Tencent Cloud to raise the limit.',
		retry: 'concurrency',
	},
	4007: {
		message: 'The audio could not be decoded in the format sent',
		hint: 'The node names the format it recognised from the file; the file may be damaged or use a codec Tencent does not decode. Convert it, e.g. ffmpeg -i input -ar 16000 -ac 1 output.mp3.',
	},
	4008: { message: 'The upload of the audio timed out', hint: 'The node tried again. Check the network between n8n and Tencent Cloud.', retry: 'backoff' },
	4009: { message: 'The connection was closed during the upload', hint: 'The node tried again. Check the network between n8n and Tencent Cloud.', retry: 'backoff' },
	4010: { message: 'Tencent received an unknown text message' },
	4011: { message: 'The audio is too large (more than 100 MB or 2 hours)', hint: 'Use Transcribe or Create Task (up to 5 hours), or cut the recording.' },
	4012: { message: 'The audio is empty', hint: 'Check the node that produced the audio.' },
	5001: { message: 'Tencent Cloud failed to process the request (server load or network)', hint: 'A temporary Tencent error; the node tried again. Try again later.', retry: 'backoff' },
	5002: {
		message: 'Recognition failed',
		hint: 'The node tried again. If it keeps happening, open a ticket with Tencent Cloud quoting the Request ID.',
		retry: 'backoff',
	},
	5003: {
		message: 'Recognition timed out',
		hint: 'The node tried again. If it keeps happening, open a ticket with Tencent Cloud quoting the Request ID.',
		retry: 'backoff',
	},
};

/** A flash `word_list` entry (times in milliseconds from the start of the audio). */
export interface FlashWord {
	word: string;
	start_time: number;
	end_time: number;
	stable_flag?: number;
}

/** A flash `sentence_list` entry (times in milliseconds from the start of the audio). */
export interface FlashSentence {
	text: string;
	start_time: number;
	end_time: number;
	speaker_id?: number;
	word_list?: FlashWord[];
}

/** A flash `flash_result` entry: the result of one channel. */
export interface FlashChannel {
	text: string;
	channel_id: number;
	sentence_list?: FlashSentence[];
}

/** A successful flash answer (docs/tencent-flash-asr.md#answer): the vendor's JSON as parsed. */
export interface FlashAnswer extends IDataObject {
	request_id: string;
	code: 0;
	message: string;
	/** Milliseconds. */
	audio_duration: number;
	flash_result: FlashChannel[];
}

/** The URL flash requests are built for: the vendor host; the credential moves it to a Custom Endpoint and signs it. */
export function flashUrl(appId: string): string {
	return `https://${FLASH_ASR_SIGNING_HOST}${FLASH_ASR_PATH_PREFIX}${encodeURIComponent(appId)}`;
}

/**
 * Sends one flash recognition (docs/tencent-flash-asr.md#request): `POST
 * https://asr.cloud.tencent.com/asr/flash/v1/<appId>?<query>` with the audio as the body. The
 * credential's `authenticate` adds `secretid` and `timestamp`, signs (docs/tencent-flash-asr.md#signature)
 * and moves the request to the Custom Endpoint when one is set; the SecretKey stays there.
 *
 * Flash answers HTTP 200 with `code`, `message` and `request_id` (docs/tencent-flash-asr.md#answer,
 * #errors). Resent only when that is safe: after 4006 (concurrency limit; waited out without
 * using up attempts), after 4008/4009/5001/5002/5003 (the documentation says to retry; 3 attempts
 * with back-off), and when the connection was never established. A request whose connection broke
 * after it was sent, a timeout and a gateway's error page are NOT resent: the audio may have been
 * recognised and billed.
 *
 * @param query the request parameters without `secretid`/`timestamp` (values as strings or numbers).
 * @returns the answer with `code` 0.
 * @throws NodeApiError with the code, Tencent's message, an English explanation and hint, and the
 *   Request ID (`request_id`); NodeApiError for transport failures and unexpected answers.
 */
export async function flashRecognize(session: CredentialSession, appId: string, query: IDataObject, audio: Buffer, itemIndex: number): Promise<FlashAnswer> {
	try {
		return await withRetry(
			session.ctx,
			async () => {
				const answer = await session.request({
					method: 'POST',
					url: flashUrl(appId),
					qs: query,
					headers: { 'Content-Type': 'application/octet-stream' },
					body: audio,
				});
				const parsed = parseJsonBody(answer.body);
				if (!parsed || parsed.code === undefined || parsed.code === null) {
					throw new VendorApiError({
						vendor: FLASH_VENDOR,
						code: `HTTP ${answer.statusCode}`,
						message: `Unexpected answer from flash recognition (HTTP ${answer.statusCode}): ${answerExcerpt(answer.body.toString('utf8'), 200, session.secrets())}`,
						httpStatus: answer.statusCode,
						hint: [404, 405, 501].includes(answer.statusCode)
							? 'The address does not serve flash recognition (/asr/flash/v1/…): check the Custom Endpoint of the credential, or leave it empty to call Tencent Cloud.'
							: 'Something other than Tencent flash recognition answered (a gateway or proxy?). The request was NOT resent, because the audio may already have been recognised (and billed); check the Custom Endpoint of the credential before running the item again.',
					});
				}
				const code = Number(parsed.code);
				const requestId = typeof parsed.request_id === 'string' && parsed.request_id ? parsed.request_id : undefined;
				if (code !== 0) {
					const vendorMessage = typeof parsed.message === 'string' ? parsed.message : '';
					const known = FLASH_ERRORS[code];
					throw new VendorApiError({
						vendor: FLASH_VENDOR,
						code: Number.isFinite(code) ? code : String(parsed.code),
						message: known ? `${known.message}${vendorMessage ? ` (${vendorMessage})` : ''}` : vendorMessage || 'Unknown error',
						requestId,
						httpStatus: answer.statusCode !== 200 ? answer.statusCode : undefined,
						hint: known?.hint,
					});
				}
				if (!Array.isArray(parsed.flash_result)) {
					throw new VendorApiError({
						vendor: FLASH_VENDOR,
						code: 0,
						message: `The answer has no flash_result: ${answerExcerpt(answer.body.toString('utf8'), 200, session.secrets())}`,
						requestId,
					});
				}
				return parsed as FlashAnswer;
			},
			(error): RetryDecision => {
				if (error instanceof VendorApiError) {
					const retry = typeof error.code === 'number' ? FLASH_ERRORS[error.code]?.retry : undefined;
					if (retry === 'concurrency') return { rateLimitedMs: FLASH_CONCURRENCY_RETRY_MS };
					return retry === 'backoff';
				}
				if (error instanceof TransportError) return isTransientTransportError(error) && !error.mayHaveReachedServer;
				// the key check could not reach CAM: nothing was sent to flash recognition yet
				if (error instanceof CredentialError) return isTransientTransportError(error.reason);
				return false;
			},
			{ maxAttempts: 3, baseDelayMs: 1000 },
		);
	} catch (error) {
		throw toNodeError(session.ctx.getNode(), error, {
			vendor: FLASH_VENDOR,
			itemIndex,
			secrets: session.secrets(),
			networkHint: `Check the network path from n8n to ${FLASH_ASR_SIGNING_HOST} (or the Custom Endpoint of the credential).`,
			notResent: {
				action: 'the flash recognition request',
				check: 'the audio may have been recognised (and billed) without an answer arriving. Run the item again only if a second recognition is acceptable.',
			},
		});
	}
}
