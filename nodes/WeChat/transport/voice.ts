import { randomBytes } from 'node:crypto';

import { pause } from '../../../credentials/common/http';
import { multipartForm } from '../../common/multipart';
import type { CredentialSession } from '../../common/transport';
import { weChatApiRequest } from './request';

/** WeChat's upper bound for one voice file, in bytes (docs/wechat.md#voice-upload). */
export const WECHAT_MAX_VOICE_BYTES = 1_048_576;

/** The result must be fetched within this many milliseconds of the upload (docs/wechat.md#voice-result). */
export const WECHAT_RESULT_WINDOW_MS = 10_000;

/** Languages WeChat recognises (docs/wechat.md#voice-upload). */
export type WeChatLanguage = 'zh_CN' | 'en_US';

/** A fresh voice_id: `n8n_` + time + random hex (WeChat's uniqueness rules are undocumented). */
export function generateVoiceId(): string {
	return `n8n_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
}

/**
 * Uploads one mp3 (`addvoicetorecofortext`, docs/wechat.md#voice-upload): multipart part `media`, query
 * `format=mp3&voice_id=…&lang=…`. Returns the time just before sending, in epoch milliseconds: WeChat's
 * 10-second result window starts no earlier, so a deadline counted from it is safe.
 *
 * @throws NodeApiError for any non-zero errcode (40010 size, token problems after one refresh …).
 */
export async function uploadVoice(
	session: CredentialSession,
	args: { data: Buffer; voiceId: string; language: WeChatLanguage; fileName?: string; itemIndex: number },
): Promise<number> {
	const form = multipartForm([
		{ fieldName: 'media', fileName: args.fileName || `${args.voiceId}.mp3`, contentType: 'audio/mpeg', data: args.data },
	]);
	// The window is counted from before sending: WeChat's clock starts no earlier than this.
	const sentAt = Date.now();
	await weChatApiRequest(session, {
		method: 'POST',
		path: '/cgi-bin/media/voice/addvoicetorecofortext',
		qs: { format: 'mp3', voice_id: args.voiceId, lang: args.language },
		body: form,
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
 * Polls `queryrecoresultfortext` (docs/wechat.md#voice-result) until the result is complete or the 10-second window
 * that started at `uploadedAt` closes. The official answer is `{"result":"…"}`; developers also
 * report `{"result":"","is_end":false}` while processing and partial results delivered in
 * pieces until `is_end` is true (not documented by WeChat; docs/wechat.md#voice-result): pieces are concatenated while `is_end` is
 * false; without `is_end`, the first non-empty result is final.
 *
 * @param pollIntervalMs wait between calls, in milliseconds.
 * @param wait false for a single call (the Get Result operation without waiting).
 */
export async function pollVoiceResult(
	session: CredentialSession,
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
		const body = await weChatApiRequest(session, {
			method: 'POST',
			path: '/cgi-bin/media/voice/queryrecoresultfortext',
			qs: { voice_id: args.voiceId, lang: args.language },
			itemIndex: args.itemIndex,
			// an answer after the window closed is useless
			deadline,
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
		const signal = session.ctx.getExecutionCancelSignal?.();
		if (!args.wait || signal?.aborted || Date.now() + args.pollIntervalMs >= deadline) {
			return { text, complete: false, polls };
		}
		if (await pause(args.pollIntervalMs, signal)) return { text, complete: false, polls };
	}
}
