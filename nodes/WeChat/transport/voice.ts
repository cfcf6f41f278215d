import { randomBytes } from 'node:crypto';
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { buildMultipart } from '../../shared/multipart';
import { weChatApiRequest } from './index';

/** WeChat's upper bound for one voice file, in bytes (seed 000: "1M max"; vendor notes §1). */
export const WECHAT_MAX_VOICE_BYTES = 1_048_576;

/** The result must be fetched within this many milliseconds of the upload (seed 001 §4). */
export const WECHAT_RESULT_WINDOW_MS = 10_000;

/** Languages WeChat recognises (seed 000 `lang`). */
export type WeChatLanguage = 'zh_CN' | 'en_US';

/** A fresh voice_id: `n8n_` + time + random hex (WeChat's uniqueness rules are undocumented). */
export function generateVoiceId(): string {
	return `n8n_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
}

/**
 * Uploads one mp3 (`addvoicetorecofortext`, seed 000): multipart part `media`, query
 * `format=mp3&voice_id=…&lang=…`. Returns the time just before sending, in epoch milliseconds: WeChat's
 * 10-second result window starts no earlier, so a deadline counted from it is safe.
 *
 * @throws NodeApiError for any non-zero errcode (40010 size, token problems after one refresh …).
 */
export async function uploadVoice(
	this: IExecuteFunctions,
	args: { data: Buffer; voiceId: string; language: WeChatLanguage; fileName?: string; itemIndex: number },
): Promise<number> {
	const multipart = buildMultipart([
		{ fieldName: 'media', fileName: args.fileName || `${args.voiceId}.mp3`, contentType: 'audio/mpeg', data: args.data },
	]);
	// The window is counted from before sending: WeChat's clock starts no earlier than this.
	const sentAt = Date.now();
	await weChatApiRequest.call(this, {
		method: 'POST',
		path: '/cgi-bin/media/voice/addvoicetorecofortext',
		qs: { format: 'mp3', voice_id: args.voiceId, lang: args.language },
		body: multipart.body,
		contentType: multipart.contentType,
		itemIndex: args.itemIndex,
	});
	return sentAt;
}

/** What polling `queryrecoresultfortext` produced. */
export interface VoiceResult {
	text: string;
	/** True when WeChat said the result is final (`is_end`, or a non-empty result without `is_end`). */
	complete: boolean;
	/** Number of query calls made. */
	polls: number;
}

/**
 * Polls `queryrecoresultfortext` (seed 001) until the result is complete or the 10-second window
 * that started at `uploadedAt` closes. The official answer is `{"result":"…"}`; developers also
 * report `{"result":"","is_end":false}` while processing and partial results delivered in
 * pieces until `is_end` is true (vendor notes §1): pieces are concatenated while `is_end` is
 * false; without `is_end`, the first non-empty result is final.
 *
 * @param pollIntervalMs wait between calls, in milliseconds.
 * @param wait false for a single call (the Get Result operation without waiting).
 */
export async function pollVoiceResult(
	this: IExecuteFunctions,
	args: {
		voiceId: string;
		language: WeChatLanguage;
		uploadedAt?: number;
		pollIntervalMs: number;
		wait: boolean;
		itemIndex: number;
	},
): Promise<VoiceResult> {
	const deadline = (args.uploadedAt ?? Date.now()) + WECHAT_RESULT_WINDOW_MS;
	let text = '';
	for (let polls = 1; ; polls++) {
		const body = await weChatApiRequest.call(this, {
			method: 'POST',
			path: '/cgi-bin/media/voice/queryrecoresultfortext',
			qs: { voice_id: args.voiceId, lang: args.language },
			itemIndex: args.itemIndex,
		});
		const piece = typeof body.result === 'string' ? body.result : '';
		if (body.is_end === undefined) {
			if (piece) return { text: piece, complete: true, polls };
		} else {
			text += piece;
			if (body.is_end === true || body.is_end === 'true' || body.is_end === 1) {
				return { text, complete: true, polls };
			}
		}
		const signal = this.getExecutionCancelSignal?.();
		if (!args.wait || signal?.aborted || Date.now() + args.pollIntervalMs >= deadline) {
			return { text, complete: false, polls };
		}
		await sleep(args.pollIntervalMs);
	}
}
