import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { splitMp3 } from '../../../common/mp3';
import { concurrencyOption, type OperationContext } from '../../../common/router';
import { asItemError, forEachConcurrently, withDetails } from '../../../common/runner';
import { pickFields, readSimplify, simplifyProperty } from '../../../common/simplify';
import { readSubtitleRequest, subtitleBinary, subtitleOptions } from '../../../common/subtitleOutput';
import { WECHAT_CREDENTIAL } from '../../transport/request';
import {
	generateVoiceId,
	pollVoiceResult,
	uploadVoice,
	WECHAT_MAX_VOICE_BYTES,
	type WeChatLanguage,
} from '../../transport/voice';
import { languageProperty, readWeChatAudio, voiceInputProperties } from './common';

/**
 * Items in flight at once by default. WeChat documents no per-second limit for the voice APIs
 * (only a daily quota and a per-minute cap answered with 45011: docs/wechat.md#error-codes); each
 * item waits up to 10 s for its result, so a few items in flight finish a batch several times
 * sooner without a burst that could hit the per-minute cap.
 */
export const defaultConcurrency = 4;

/**
 * Parts of one long recording uploaded and waited for at the same time. Each part has its own
 * 10-second result window (docs/wechat.md#voice-result), so parts in flight together finish a
 * long recording several times sooner; three keep a single item from crowding out the others.
 */
export const PARTS_IN_FLIGHT = 3;

const properties: INodeProperties[] = [
	...voiceInputProperties,
	languageProperty,
	simplifyProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Split Long Audio',
				name: 'splitLongAudio',
				type: 'boolean',
				default: true,
				description:
					'Whether to cut recordings over 1 MB at mp3 frame boundaries into parts of at most 1 MB, transcribe each within its own 10-second window and join the texts in order. Off: files over 1 MB fail with a size error.',
			},
			{
				displayName: 'Poll Interval (Ms)',
				name: 'pollIntervalMs',
				type: 'number',
				typeOptions: { minValue: 200, maxValue: 5000 },
				default: 1000,
				description: 'Milliseconds between result queries inside WeChat\'s 10-second window',
			},
			concurrencyOption(defaultConcurrency),
			...subtitleOptions(),
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['voice'], operation: ['transcribe'] } }, properties);

/** One transcribed part of a recording (seconds from the start of the original file). */
export interface TranscribedPart extends IDataObject {
	index: number;
	startSeconds: number;
	endSeconds: number;
	voiceId: string;
	text: string;
	complete: boolean;
}

/**
 * The simplified output, in this order (the text first, for AI agents): `notice` is there only
 * when the text is empty.
 */
export const SIMPLIFIED_FIELDS = ['text', 'complete', 'durationSeconds', 'voiceId', 'notice'] as const;

/** `m:ss.s` for a time in seconds, rounded to tenths first (119.97 s → `2:00.0`, never `1:60.0`). */
export function clock(seconds: number): string {
	const tenths = Math.round(seconds * 10);
	const minutes = Math.floor(tenths / 600);
	const rest = (tenths - minutes * 600) / 10;
	return `${minutes}:${rest.toFixed(1).padStart(4, '0')}`;
}

/**
 * Transcribe: checks the mp3 (16 kHz mono), uploads it (split into ≤ 1 MB parts when longer and
 * Split Long Audio is on, {@link PARTS_IN_FLIGHT} parts at a time), polls each part's result
 * inside its own 10-second window and joins the texts in order (no separator for Chinese, a space
 * for English).
 *
 * Output with Simplify (default): `{ text, complete, durationSeconds, voiceId }`; without:
 * `{ text, voiceId, language, complete, durationSeconds, bytes, sampleRate, channels,
 * parts: [{ index, startSeconds, endSeconds, voiceId, text, complete }] }`. Both add `notice` when
 * the text is empty. Execution hints name the items whose text is empty (silence, or speech
 * WeChat cannot read) and the parts whose 10-second window closed before the text was final.
 *
 * With Subtitles: a subtitle file with one cue per part (its time range and text; split further
 * by Max Characters per Cue) as binary data named after the input file, and `subtitles`.
 *
 * @throws an item error naming the failed part and its time range; with continue-on-fail the
 *   error item keeps the parts that succeeded (`parts`, `text`).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: OperationContext): Promise<IDataObject | INodeExecutionData[]> {
	const language = this.getNodeParameter('language', itemIndex) as WeChatLanguage;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const split = options.splitLongAudio !== false;
	const pollIntervalMs = Number(options.pollIntervalMs ?? 1000);
	const subtitles = readSubtitleRequest(this, itemIndex, options);
	const simplify = readSimplify(this.getNodeParameter('simplify', itemIndex, true));

	const audio = await readWeChatAudio(this, itemIndex, split);
	const info = audio.mp3!;
	const session = await run.credentials(WECHAT_CREDENTIAL);
	const pieces =
		audio.data.length > WECHAT_MAX_VOICE_BYTES
			? splitMp3(audio.data, info, WECHAT_MAX_VOICE_BYTES).map((part) => ({
					data: part.data,
					startSeconds: part.startSeconds,
					endSeconds: part.endSeconds,
				}))
			: [{ data: audio.data, startSeconds: 0, endSeconds: info.durationSeconds }];

	const separator = language === 'en_US' ? ' ' : '';
	const done: Array<TranscribedPart | undefined> = new Array(pieces.length);
	const failures = new Map<number, { error: unknown; voiceId: string }>();
	await forEachConcurrently(
		pieces.length,
		PARTS_IN_FLIGHT,
		async (index) => {
			const piece = pieces[index];
			const voiceId = generateVoiceId();
			try {
				const uploadedAt = await uploadVoice(session, { data: piece.data, voiceId, language, fileName: audio.fileName, itemIndex });
				const result = await pollVoiceResult(session, { voiceId, language, uploadedAt, pollIntervalMs, wait: true, itemIndex });
				done[index] = {
					index,
					startSeconds: round(piece.startSeconds),
					endSeconds: round(piece.endSeconds),
					voiceId,
					text: result.text,
					complete: result.complete,
				};
			} catch (error) {
				failures.set(index, { error, voiceId });
			}
		},
		() => failures.size > 0,
	);
	const parts = done.filter((part): part is TranscribedPart => part !== undefined);
	if (failures.size > 0) {
		const index = Math.min(...failures.keys());
		const { error: failure, voiceId } = failures.get(index)!;
		const piece = pieces[index];
		const error = asItemError(this, failure, itemIndex);
		if (pieces.length > 1) {
			error.message = `Part ${index + 1} of ${pieces.length} (${clock(piece.startSeconds)}–${clock(piece.endSeconds)}) failed: ${error.message}`;
			withDetails(error, {
				text: parts.map((part) => part.text).join(separator),
				parts,
				failedPart: { index, startSeconds: round(piece.startSeconds), endSeconds: round(piece.endSeconds), voiceId },
			});
		}
		throw error;
	}

	const output: IDataObject = {
		text: parts.map((part) => part.text).join(separator),
		voiceId: parts.map((part) => part.voiceId).join(','),
		language,
		complete: parts.every((part) => part.complete),
		durationSeconds: round(info.durationSeconds),
		bytes: audio.data.length,
		sampleRate: info.sampleRate,
		channels: info.channels,
		parts,
	};
	if (!output.text) {
		output.notice =
			'WeChat returned no text within its 10-second window: the audio may hold no recognisable speech in the chosen language.';
		run.hints.note(
			'emptyText',
			itemIndex,
			(items) =>
				`WeChat recognised no text in ${items}. This is not an error: WeChat answers silence, unclear speech and speech in another language than the chosen Language with an empty result.`,
		);
	} else {
		const unfinished = parts.filter((part) => !part.complete);
		if (unfinished.length > 0) {
			const which =
				pieces.length > 1
					? unfinished.map((part) => `part ${part.index + 1} of ${pieces.length} (${clock(part.startSeconds)}–${clock(part.endSeconds)})`).join(', ')
					: 'the recording';
			run.hints.note(
				'windowClosed',
				itemIndex,
				(_items, details) =>
					`WeChat's 10-second result window closed before the text was final (${details.join('; ')}): the text may miss words there (complete is false). A shorter Poll Interval asks again closer to the end of the window.`,
				{ detail: `item ${itemIndex + 1}: ${which}` },
			);
		}
	}
	const json = simplify ? pickFields(output, SIMPLIFIED_FIELDS) : output;
	if (!subtitles) return json;
	const cues = parts.map((part) => ({ text: part.text, startMs: Math.round(part.startSeconds * 1000), endMs: Math.round(part.endSeconds * 1000) }));
	const file = await subtitleBinary(this, subtitles, cues, audio.fileName || parts[0].voiceId);
	return [{ json: { ...json, subtitles: file.summary }, binary: file.binary }];
}

function round(seconds: number): number {
	return Math.round(seconds * 1000) / 1000;
}
