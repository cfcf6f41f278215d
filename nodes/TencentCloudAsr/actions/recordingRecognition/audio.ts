import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { audioSummary, checkAudio, type AudioRules, type CheckedAudio } from '../../../common/audio/gate';
import { inputError } from '../../../common/errors';
import { audioInputProperties as sharedAudioInputProperties, readAudioInput, type PassUrl } from '../../../common/audio/input';

/**
 * Largest raw audio accepted in a request body, in bytes: 5 MB = 5,242,880. CreateRecTask `Data`
 * must be "at most 5 MB" before base64 (docs/tencent-cloud-api.md#asr-createrectask); the legacy
 * API refuses more than 5 MB with 1032 (docs/tencent-legacy-asr.md#request).
 */
export const MAX_AUDIO_BYTES = 5 * 1024 * 1024;

/** Longest URL the legacy API accepts for `url` and `callback_url`: under 2048 bytes (docs/tencent-legacy-asr.md#request). */
export const LEGACY_MAX_URL_BYTES = 2047;

/**
 * Containers CreateRecTask accepts (wav, mp3, m4a, flv, mp4, wma, 3gp, amr, aac, ogg-opus, flac:
 * docs/tencent-cloud-api.md#asr-createrectask), as the package's format sniffer names them
 * (`opus` is Ogg Opus).
 */
export const REC_TASK_FORMATS = ['wav', 'mp3', 'm4a', 'flv', 'mp4', 'wma', '3gp', 'amr', 'aac', 'opus', 'flac'];

const CONVERT_HINT = 'Convert the file first, for example: ffmpeg -i input -ar 16000 -ac 1 output.wav';

/** CreateRecTask's rules for audio sent in the request (`Data`): up to 5 MB and 5 hours. */
export const REC_TASK_AUDIO_RULES: AudioRules = {
	service: 'Tencent Cloud ASR',
	formats: REC_TASK_FORMATS,
	maxBytes: MAX_AUDIO_BYTES,
	tooLargeHint:
		'Upload the file somewhere Tencent can download it (for example Tencent Cloud COS) and use Input Type "Audio URL", which takes recordings of up to 1 GB.',
	maxSeconds: 5 * 3600,
	tooLongHint: 'Cut the recording into parts of at most 5 hours.',
	convertHint: CONVERT_HINT,
};

/**
 * The legacy API's rules (docs/tencent-legacy-asr.md#request): "wav, pcm, mp3, silk, speex, amr
 * and other mainstream formats", read as those plus the CreateRecTask formats; headerless PCM by
 * name; at most 5 MB and one hour.
 */
export const LEGACY_AUDIO_RULES: AudioRules = {
	...REC_TASK_AUDIO_RULES,
	service: 'Tencent Cloud ASR (legacy API)',
	formats: [...REC_TASK_FORMATS, 'spx', 'silk'],
	headerless: ['pcm', 'raw'],
	maxSeconds: 3600,
	tooLongHint: 'Use the Create Task or Transcribe operation (CreateRecTask takes up to 5 hours), or cut the recording.',
};

/** What one Tencent API accepts: its rules for bytes, and for URLs it downloads. */
export interface TencentAudioTarget {
	rules: AudioRules;
	urlRules?: PassUrl['rules'];
}

/** CreateRecTask (Create Task, Transcribe). */
export const REC_TASK_AUDIO: TencentAudioTarget = { rules: REC_TASK_AUDIO_RULES };

/** The legacy API (Create Legacy Task): URLs shorter than 2048 bytes. */
export const LEGACY_AUDIO: TencentAudioTarget = {
	rules: LEGACY_AUDIO_RULES,
	urlRules: { maxLength: { bytes: LEGACY_MAX_URL_BYTES, owner: 'Tencent' } },
};

/** The audio of one item: a URL Tencent downloads, or checked bytes sent in the request. */
export type TencentAudio = { kind: 'url'; url: string } | ({ kind: 'file' } & CheckedAudio);

/** Input Type, Input Binary Field and Audio URL: shared by every operation that sends audio. */
export const audioInputProperties: INodeProperties[] = sharedAudioInputProperties({
	binaryChoice: 'Audio in a binary property of the input item, sent in the request (at most 5 MB)',
	urlChoice: 'A public URL that Tencent downloads the audio from (up to 5 hours; works when the node is an AI-agent tool)',
	binaryField: 'Binary property with the audio (wav, mp3, m4a, flac, ogg-opus, amr, aac …), at most 5 MB',
	urlField: 'Public http(s) URL of the recording; Tencent downloads it, so it must be reachable from the internet',
	urlPlaceholder: 'e.g. https://bucket.cos.ap-guangzhou.myqcloud.com/calls/recording.wav',
	defaultType: 'url',
});

/**
 * Reads the audio of one item BEFORE any request: an Audio URL is checked (http(s), and the
 * target's URL rules) and passed to Tencent; binary audio goes through the audio gate with the
 * target's rules (size, format from the bytes, duration, Channel Count 2 against mono audio).
 *
 * @throws NodeOperationError (item error) naming what was found and what to do.
 */
export async function readTencentAudio(
	ctx: IExecuteFunctions,
	itemIndex: number,
	target: TencentAudioTarget,
	channelCount: number,
): Promise<TencentAudio> {
	const source = await readAudioInput(ctx, itemIndex, { mode: 'pass', rules: target.urlRules });
	if (source.kind === 'url') return source;
	return { kind: 'file', ...checkAudio(ctx.getNode(), itemIndex, source, target.rules, channelCount) };
}

/** {@link audioSummary} of binary audio for node output; `undefined` for a URL. */
export function tencentAudioSummary(audio: TencentAudio): Record<string, string | number> | undefined {
	return audio.kind === 'file' ? audioSummary(audio) : undefined;
}

/**
 * Flash recognition's body limit, bytes: 100 MB (docs/tencent-flash-asr.md#request), also the
 * most n8n downloads from an Audio URL for it.
 */
export const FLASH_MAX_BYTES = 100 * 1024 * 1024;

/** Flash recognition's longest recording, seconds: 2 hours (docs/tencent-flash-asr.md#request). */
export const FLASH_MAX_SECONDS = 2 * 3600;

/**
 * SentenceRecognition's `Data` limit: 3 MB AFTER base64 (docs/tencent-cloud-api.md#asr-sentencerecognition),
 * i.e. 3 × 1024 × 1024 characters of base64.
 */
export const SENTENCE_MAX_BASE64_BYTES = 3 * 1024 * 1024;

/**
 * The most raw audio whose base64 fits {@link SENTENCE_MAX_BASE64_BYTES}: base64 writes 4
 * characters per 3 bytes, so 3,145,728 × 3 / 4 = 2,359,296 bytes (2.25 MB).
 */
export const SENTENCE_MAX_BYTES = (SENTENCE_MAX_BASE64_BYTES / 4) * 3;

/** SentenceRecognition's longest recording, seconds (docs/tencent-cloud-api.md#asr-sentencerecognition). */
export const SENTENCE_MAX_SECONDS = 60;

/**
 * `voice_format` / `VoiceFormat` for each format the package's sniffer names, for the formats both
 * synchronous APIs take: wav, pcm, ogg-opus, speex, silk, mp3, m4a, aac, amr
 * (docs/tencent-flash-asr.md#request, docs/tencent-cloud-api.md#asr-sentencerecognition). Ogg Opus
 * (`opus`) is `ogg-opus`, Ogg Speex (`spx`) is `speex`; an ISO BMFF file whose brand is not `M4A `
 * (`mp4`, e.g. brand `isom`, docs/audio.md#container-signatures) is the same container as m4a and
 * is sent as `m4a`.
 */
export const SYNC_VOICE_FORMATS: Readonly<Record<string, string>> = {
	wav: 'wav',
	pcm: 'pcm',
	opus: 'ogg-opus',
	spx: 'speex',
	silk: 'silk',
	mp3: 'mp3',
	m4a: 'm4a',
	mp4: 'm4a',
	aac: 'aac',
	amr: 'amr',
};

const SYNC_CONVERT_HINT = 'Convert the file first, for example: ffmpeg -i input -ar 16000 -ac 1 output.mp3';

/**
 * Flash Recognize's audio rules: the formats of {@link SYNC_VOICE_FORMATS} recognised from the
 * bytes (headerless PCM by its name `*.pcm`), at most 100 MB and 2 hours
 * (docs/tencent-flash-asr.md#request).
 */
export const FLASH_AUDIO_RULES: AudioRules = {
	service: 'Tencent Cloud flash recognition',
	formats: ['wav', 'opus', 'spx', 'silk', 'mp3', 'm4a', 'mp4', 'aac', 'amr'],
	headerless: ['pcm'],
	maxBytes: FLASH_MAX_BYTES,
	tooLargeHint: 'Use the Transcribe or Create Task operation with an Audio URL (CreateRecTask takes recordings of up to 1 GB and 5 hours), or cut the recording.',
	maxSeconds: FLASH_MAX_SECONDS,
	tooLongHint: 'Use the Transcribe or Create Task operation (CreateRecTask takes recordings of up to 5 hours), or cut the recording.',
	convertHint: SYNC_CONVERT_HINT,
};

/**
 * Recognize Sentence's audio rules: the same formats, at most 60 seconds and 2,359,296 bytes (the
 * raw size whose base64 is 3 MB: docs/tencent-cloud-api.md#asr-sentencerecognition).
 */
export const SENTENCE_AUDIO_RULES: AudioRules = {
	...FLASH_AUDIO_RULES,
	service: 'Tencent Cloud sentence recognition',
	maxBytes: SENTENCE_MAX_BYTES,
	tooLargeHint:
		'SentenceRecognition takes at most 3 MB of base64 data, which is 2,359,296 bytes of audio. Use Flash Recognize (up to 100 MB and 2 hours) for longer recordings.',
	maxSeconds: SENTENCE_MAX_SECONDS,
	tooLongHint: 'Use Flash Recognize (up to 2 hours) for longer recordings.',
};

/** Audio input of Flash Recognize and Recognize Sentence: n8n reads or downloads the bytes and sends them. */
export const syncAudioInputProperties: INodeProperties[] = sharedAudioInputProperties({
	binaryChoice: 'Audio in a binary property of the input item',
	urlChoice: 'An http(s) URL that n8n downloads the audio from and sends on (works when the node is an AI-agent tool)',
	binaryField: 'Binary property with the audio: wav, mp3, m4a, aac, amr, ogg-opus, speex, silk, or headerless 16-bit mono pcm named *.pcm',
	urlField: 'http(s) URL of the recording; n8n downloads it (it needs to be reachable from n8n, not from Tencent)',
	urlPlaceholder: 'e.g. https://example.com/calls/recording.mp3',
});

/**
 * Reads the audio of one item for a synchronous recognition (Flash Recognize, Recognize
 * Sentence): the binary property, or the Audio URL downloaded by n8n (at most `rules.maxBytes`),
 * checked by the audio gate with `rules` (size, format from the bytes, duration of mp3/WAV), and
 * for headerless pcm the duration as 16-bit mono samples at the engine's rate (8 kHz for `8k_`
 * engines, else 16 kHz: the pcm Tencent's speech APIs take, docs/tencent-legacy-asr.md#request).
 *
 * @returns the checked audio and its `voice_format` ({@link SYNC_VOICE_FORMATS}).
 * @throws NodeOperationError (item error) naming what was found and what to do.
 */
export async function readSyncAudio(
	ctx: IExecuteFunctions,
	itemIndex: number,
	rules: AudioRules,
	engine: string,
): Promise<{ audio: CheckedAudio; voiceFormat: string }> {
	const source = await readAudioInput(ctx, itemIndex, { mode: 'download', maxBytes: rules.maxBytes!, tooLargeHint: rules.tooLargeHint });
	const audio = checkAudio(ctx.getNode(), itemIndex, source, rules);
	if (audio.format === 'pcm' && rules.maxSeconds !== undefined) {
		const seconds = audio.data.length / (2 * (engine.startsWith('8k_') ? 8000 : 16000));
		audio.durationSeconds = seconds;
		if (seconds > rules.maxSeconds) {
			throw inputError(
				ctx.getNode(),
				`The pcm audio lasts ${(seconds / 60).toFixed(1)} minutes (${audio.data.length.toLocaleString('en-US')} bytes of 16-bit mono at ${engine.startsWith('8k_') ? 8 : 16} kHz); ${rules.service} takes at most ${rules.maxSeconds >= 3600 ? `${rules.maxSeconds / 3600} hours` : `${rules.maxSeconds} seconds`}`,
				rules.tooLongHint,
				itemIndex,
			);
		}
	}
	return { audio, voiceFormat: SYNC_VOICE_FORMATS[audio.format] ?? audio.format };
}
