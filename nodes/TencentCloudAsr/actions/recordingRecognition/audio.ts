import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { audioSummary, checkAudio, type AudioRules, type CheckedAudio } from '../../../common/audio/gate';
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
