import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { declaredAudioFormat, sniffAudioFormat } from '../../../shared/audioFormat';
import { readBinaryAudio } from '../../../shared/binary';
import { formatBytes, inputError, redactSecrets } from '../../../shared/errors';
import { describeAudioFormat, type Mp3Info } from '../../../shared/mp3';
import { audioInputProperties as sharedAudioInputProperties, inspectMp3Input } from '../../../shared/audioInput';

/**
 * Largest raw audio accepted in a request body, in bytes: 5 MB = 5,242,880. CreateRecTask `Data`
 * must be "at most 5 MB" before base64 (vendor notes §3); the legacy API refuses more than 5 MB
 * with 1032 (seed 004 §2 and §4.1).
 */
export const MAX_AUDIO_BYTES = 5 * 1024 * 1024;

/** Longest URL the legacy API accepts for `url` and `callback_url`: under 2048 bytes (seed 004). */
export const LEGACY_MAX_URL_BYTES = 2047;

/**
 * Containers CreateRecTask accepts (vendor notes §3: wav, mp3, m4a, flv, mp4, wma, 3gp, amr, aac,
 * ogg-opus, flac), as {@link sniffAudioFormat} names them (`opus` is Ogg Opus).
 */
export const REC_TASK_FORMATS = ['wav', 'mp3', 'm4a', 'flv', 'mp4', 'wma', '3gp', 'amr', 'aac', 'opus', 'flac'];

/**
 * Formats the legacy API accepts: "wav, pcm, mp3, silk, speex, amr and other mainstream formats"
 * (seed 004 §2), read as those plus the CreateRecTask formats. `pcm` has no signature: it is
 * accepted when the file name or MIME type says pcm/raw.
 */
export const LEGACY_FORMATS = [...REC_TASK_FORMATS, 'spx', 'silk', 'pcm'];

/** Which API the audio is for: its format list and its duration limit differ. */
export type AudioTarget = 'recTask' | 'legacy';

/**
 * Longest recording, in seconds: CreateRecTask takes up to 5 hours (vendor notes §3), the legacy
 * API recordings "within one hour" (seed 004 §1 and §2).
 */
export const MAX_AUDIO_SECONDS: Record<AudioTarget, number> = { recTask: 5 * 3600, legacy: 3600 };

/** The input audio of one item: a URL Tencent downloads, or bytes sent in the request. */
export type AudioInput =
	| { kind: 'url'; url: string }
	| {
			kind: 'binary';
			data: Buffer;
			/** Detected format (`mp3`, `wav`, `opus` …, or `pcm`/`silk` for the legacy API). */
			format: string;
			fileName: string;
			/** Frame-level facts for mp3 input (sample rate, channels, duration). */
			mp3?: Mp3Info;
	  };

/** Input Type, Input Binary Field and Audio URL: shared by every operation that sends audio. */
export const audioInputProperties: INodeProperties[] = sharedAudioInputProperties({
	binaryChoice: 'Audio in a binary property of the input item, sent in the request (at most 5 MB)',
	urlChoice: 'A public URL that Tencent downloads the audio from (up to 5 hours; works when the node is an AI-agent tool)',
	binaryField: 'Binary property with the audio (wav, mp3, m4a, flac, ogg-opus, amr, aac …), at most 5 MB',
	binaryFieldHint: 'The name of the input binary field holding the audio',
	urlField: 'Public http(s) URL of the recording; Tencent downloads it, so it must be reachable from the internet',
	urlPlaceholder: 'https://bucket.cos.ap-guangzhou.myqcloud.com/calls/recording.wav',
	defaultType: 'url',
});

/**
 * Checks that `url` is an absolute http(s) URL (and, for the legacy API, shorter than 2048
 * bytes). Returns the URL trimmed.
 *
 * @param label how the message names the field, e.g. `Audio URL`, `Callback URL`.
 * @throws NodeOperationError (item error) describing the problem.
 */
export function checkHttpUrl(
	ctx: IExecuteFunctions,
	value: unknown,
	label: string,
	itemIndex: number,
	maxBytes?: number,
): string {
	const url = String(value ?? '').trim();
	if (!url) throw inputError(ctx.getNode(), `${label} is empty`, `Enter a full http:// or https:// address.`, itemIndex);
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw inputError(ctx.getNode(), `${label} "${redactSecrets(url)}" is not a valid URL`, 'Enter a full http:// or https:// address.', itemIndex);
	}
	if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) {
		throw inputError(ctx.getNode(), `${label} must be an http:// or https:// address`, undefined, itemIndex);
	}
	if (maxBytes !== undefined && Buffer.byteLength(url) > maxBytes) {
		throw inputError(
			ctx.getNode(),
			`${label} is ${Buffer.byteLength(url)} bytes long; Tencent accepts less than 2048 bytes`,
			'Shorten the URL (for example a shorter object key or fewer query parameters).',
			itemIndex,
		);
	}
	return url;
}

function isSilk(data: Buffer): boolean {
	const head = data.subarray(0, 10).toString('latin1');
	return head.startsWith('#!SILK') || head.slice(1).startsWith('#!SILK');
}

/**
 * Reads and checks the audio of one item BEFORE any request (issue 3; n8n notes, "Binary data"):
 * a URL must be http(s); binary data is read through n8n's binary helpers, must be 1 byte to
 * 5 MB ({@link MAX_AUDIO_BYTES}), and its format (sniffed from the bytes, see
 * {@link sniffAudioFormat}) must be one the API accepts. mp3 is inspected frame by frame
 * ({@link inspectMp3}): a file that is not really mp3 is refused, and so is a recording longer
 * than the API's limit ({@link MAX_AUDIO_SECONDS}) or a mono file sent with Channel Count 2.
 *
 * @throws NodeOperationError (item error) naming what was found and what to do.
 */
export async function readAudioInput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	target: AudioTarget,
	channelNum: number,
): Promise<AudioInput> {
	const node = ctx.getNode();
	const inputType = ctx.getNodeParameter('inputType', itemIndex) as string;
	if (inputType === 'url') {
		const url = checkHttpUrl(
			ctx,
			ctx.getNodeParameter('audioUrl', itemIndex),
			'Audio URL',
			itemIndex,
			target === 'legacy' ? LEGACY_MAX_URL_BYTES : undefined,
		);
		return { kind: 'url', url };
	}
	if (inputType !== 'binary') {
		throw inputError(node, `Unknown Input Type "${inputType}"`, 'Choose Audio URL or Binary File.', itemIndex);
	}
	const propertyName = String(ctx.getNodeParameter('binaryPropertyName', itemIndex) ?? '').trim();
	const audio = await readBinaryAudio(ctx, itemIndex, propertyName);
	if (audio.data.length === 0) {
		throw inputError(node, `The binary property "${propertyName}" is empty`, 'Pass a file that contains audio.', itemIndex);
	}
	if (audio.data.length > MAX_AUDIO_BYTES) {
		throw inputError(
			node,
			`The audio is ${formatBytes(audio.data.length)}; Tencent accepts at most ${formatBytes(MAX_AUDIO_BYTES)} in a request`,
			'Upload the file somewhere Tencent can download it (for example Tencent Cloud COS) and use Input Type "Audio URL", which takes recordings of up to 1 GB.',
			itemIndex,
		);
	}
	const allowed = target === 'legacy' ? LEGACY_FORMATS : REC_TASK_FORMATS;
	let format: string | undefined = sniffAudioFormat(audio.data);
	if (!format && target === 'legacy') {
		if (isSilk(audio.data)) format = 'silk';
		else if (['pcm', 'raw'].includes(declaredAudioFormat(audio.fileExtension, audio.mimeType) ?? '')) format = 'pcm';
	}
	if (!format || !allowed.includes(format)) {
		const shownList = allowed.map((name) => (name === 'opus' ? 'ogg-opus' : name)).join(', ');
		throw inputError(
			node,
			format
				? `The audio is ${format === 'ogg' ? 'Ogg Vorbis' : format}, which this Tencent API does not accept`
				: `The file "${audio.fileName || propertyName}" is not audio in a format Tencent recognises`,
			`Accepted formats: ${shownList}. Convert the file first, for example: ffmpeg -i input -ar 16000 -ac 1 output.wav`,
			itemIndex,
		);
	}
	let mp3: Mp3Info | undefined;
	if (format === 'mp3') {
		mp3 = inspectMp3Input(
			node,
			audio.data,
			itemIndex,
			`The file "${audio.fileName || propertyName}" looks like mp3 but is not`,
			'Check that the file is a complete mp3 recording, or convert it: ffmpeg -i input -ar 16000 -ac 1 output.mp3',
		);
		const limit = MAX_AUDIO_SECONDS[target];
		if (mp3.durationSeconds > limit) {
			throw inputError(
				node,
				`The recording is ${(mp3.durationSeconds / 60).toFixed(1)} minutes long; this Tencent API recognises at most ${limit / 60} minutes`,
				target === 'legacy'
					? 'Use the Create Task or Transcribe operation (CreateRecTask takes up to 5 hours), or cut the recording.'
					: 'Cut the recording into parts of at most 5 hours.',
				itemIndex,
			);
		}
		if (channelNum === 2 && mp3.channels === 1) {
			throw inputError(
				node,
				`Channel Count is 2 but the audio is ${describeAudioFormat(mp3)}`,
				'Set Channel Count to 1 for single-channel audio; 2 is for two-channel telephone recordings (one speaker per channel).',
				itemIndex,
			);
		}
	}
	return { kind: 'binary', data: audio.data, format, fileName: audio.fileName, mp3 };
}

/** A short description of binary audio for node output: format, size in bytes, and for mp3 sample rate, channels and duration (seconds). */
export function audioSummary(audio: AudioInput): Record<string, string | number> | undefined {
	if (audio.kind !== 'binary') return undefined;
	const summary: Record<string, string | number> = { format: audio.format, bytes: audio.data.length };
	if (audio.mp3) {
		summary.sampleRate = audio.mp3.sampleRate;
		summary.channels = audio.mp3.channels;
		summary.durationSeconds = Math.round(audio.mp3.durationSeconds * 1000) / 1000;
	}
	return summary;
}
