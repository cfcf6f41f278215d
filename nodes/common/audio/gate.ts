import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { formatBytes, inputError } from '../errors';
import { describeAudioFormat, inspectMp3, Mp3FormatError, type Mp3Info } from '../mp3';
import type { AudioFile } from './binary';
import { AUDIO_FORMAT_NAMES, declaredAudioFormat, readWavInfo, sniffAudioFormat, type WavInfo } from './formats';

/**
 * One vendor's rules for audio it receives as bytes, as data (each node declares its own; the
 * sources are cited there). {@link checkAudio} applies them before any request.
 */
export interface AudioRules {
	/** Who receives the audio, as messages name it: `WeChat`, `Coze`, `Tencent Cloud ASR`. */
	service: string;
	/** Formats recognised from the bytes ({@link sniffAudioFormat} names) that the service accepts. */
	formats: readonly string[];
	/** Formats without a signature accepted when the file name or MIME type says so (`pcm`, `raw`). */
	headerless?: readonly string[];
	/** Largest file in bytes. */
	maxBytes?: number;
	/** What to do with a larger file. */
	tooLargeHint?: string;
	/** Longest recording in seconds (read from mp3 frames or the WAV header). */
	maxSeconds?: number;
	/** True when the limit itself is refused too ("under 30 minutes"). */
	maxSecondsExclusive?: boolean;
	/** What to do with a longer recording. */
	tooLongHint?: string;
	/** The only mp3 format the service recognises, and why it matters (WeChat: 16 kHz mono). */
	mp3Format?: { sampleRate: number; channels: 1 | 2; why: string };
	/** How to convert a refused file, e.g. an ffmpeg command line. */
	convertHint: string;
}

/** Audio that passed {@link checkAudio}: the file, its format and what was read from it. */
export interface CheckedAudio extends AudioFile {
	/** The format: from the bytes, or from the name for headerless formats. */
	format: string;
	/** Frame-level facts for mp3 (sample rate, channels, duration, frame table). */
	mp3?: Mp3Info;
	/** Header facts for WAV. */
	wav?: WavInfo;
	/** Length in seconds when it could be read (mp3, WAV). */
	durationSeconds?: number;
}

const formatName = (format: string) => AUDIO_FORMAT_NAMES[format] ?? format;

/** `1 MB`, `5 MB`, `100 MB` for limits that are whole mebibytes, else exact bytes. */
function limitText(bytes: number): string {
	return bytes % 1048576 === 0 ? `${bytes / 1048576} MB` : formatBytes(bytes);
}

/**
 * The one audio gate of the package: checks `file` against a vendor's {@link AudioRules} before
 * anything is sent, so users learn what is wrong from a message that says what was found and how
 * to fix it, instead of from a vendor error (or, for WeChat, an empty result). In order: empty →
 * size → format (recognised from the bytes, not trusted from the name; headerless formats by
 * name) → for mp3 a frame-by-frame inspection (a file that only looks like mp3 is refused with the
 * mp3 module's reason) and the required mp3 format → duration (mp3 frames, WAV header) → Channel
 * Count 2 against mono audio. Sources: docs/audio.md.
 *
 * @param channelCount the channel count the request will declare, when the API has one.
 * @throws NodeOperationError (item error, level warning) naming what was found and what to do.
 */
export function checkAudio(node: INode, itemIndex: number, file: AudioFile, rules: AudioRules, channelCount?: number): CheckedAudio {
	const name = file.fileName || 'audio';
	const { service } = rules;
	if (file.data.length === 0) {
		throw inputError(node, 'The audio file is empty (0 bytes)', 'Check the node that produced the binary data, or the audio URL.', itemIndex);
	}
	if (rules.maxBytes !== undefined && file.data.length > rules.maxBytes) {
		throw inputError(
			node,
			`The audio is ${formatBytes(file.data.length)}, over ${service}'s ${limitText(rules.maxBytes)} limit (${rules.maxBytes.toLocaleString('en-US')} bytes)`,
			rules.tooLargeHint,
			itemIndex,
		);
	}
	const accepted = [...rules.formats, ...(rules.headerless ?? [])];
	const acceptedText = accepted.map(formatName).join(', ');
	const sniffed = sniffAudioFormat(file.data);
	const declared = declaredAudioFormat(file.fileExtension || (/\.([A-Za-z0-9]+)$/.exec(file.fileName)?.[1] ?? ''), file.mimeType);
	let format: string;
	if (sniffed) {
		if (!rules.formats.includes(sniffed)) {
			throw inputError(
				node,
				rules.formats.length === 1
					? `${service} accepts only ${formatName(rules.formats[0])} audio, but this file is ${formatName(sniffed)} audio`
					: `${service} does not accept ${formatName(sniffed)} audio`,
				`Accepted formats: ${acceptedText}. ${rules.convertHint}`,
				itemIndex,
			);
		}
		format = sniffed;
	} else if (declared && rules.headerless?.includes(declared)) {
		format = declared;
	} else {
		const claims = declared && accepted.includes(declared);
		const reason = declared === 'mp3' ? mp3Reason(file.data) : undefined;
		throw inputError(
			node,
			claims
				? `The file "${name}" is not a valid ${declared} file: it claims to be ${declared} but does not contain ${formatName(declared!)} audio`
				: `The file "${name}" is not audio in a format ${service} accepts`,
			`${reason ? `${reason} ` : ''}Accepted formats: ${acceptedText}.${
				rules.headerless?.length ? ` Headerless ${rules.headerless.join('/')} audio must be named *.${rules.headerless.join(' or *.')}.` : ''
			} ${rules.convertHint}`,
			itemIndex,
		);
	}

	const checked: CheckedAudio = { ...file, format };
	if (format === 'mp3') {
		let mp3: Mp3Info;
		try {
			mp3 = inspectMp3(file.data);
		} catch (error) {
			if (!(error instanceof Mp3FormatError)) throw new NodeOperationError(node, error as Error, { itemIndex });
			throw inputError(node, `The file "${name}" looks like mp3 but is not a valid mp3 file`, `${capitalised(error.message)}. ${rules.convertHint}`, itemIndex);
		}
		checked.mp3 = mp3;
		checked.durationSeconds = mp3.durationSeconds;
		const wanted = rules.mp3Format;
		if (wanted && (mp3.sampleRate !== wanted.sampleRate || mp3.channels !== wanted.channels)) {
			throw inputError(
				node,
				`${service} recognises only ${describeAudioFormat(wanted)} mp3, but this file is ${describeAudioFormat(mp3)}`,
				`${wanted.why} ${rules.convertHint}`,
				itemIndex,
			);
		}
		if (wanted && !mp3.consistent) {
			throw inputError(
				node,
				`${service} recognises only ${describeAudioFormat(wanted)} mp3, but this file starts as ${describeAudioFormat(mp3)} and then changes format`,
				`Some of its frames have another sample rate, channel mode or MPEG version (e.g. recordings joined without re-encoding). ${rules.convertHint}`,
				itemIndex,
			);
		}
	} else if (format === 'wav') {
		checked.wav = readWavInfo(file.data);
		checked.durationSeconds = checked.wav?.durationSeconds;
	}
	const seconds = checked.durationSeconds;
	if (rules.maxSeconds !== undefined && seconds !== undefined && (rules.maxSecondsExclusive ? seconds >= rules.maxSeconds : seconds > rules.maxSeconds)) {
		throw inputError(
			node,
			`The audio lasts ${(seconds / 60).toFixed(1)} minutes; ${service} takes recordings ${rules.maxSecondsExclusive ? 'under' : 'of at most'} ${durationText(rules.maxSeconds)}`,
			rules.tooLongHint,
			itemIndex,
		);
	}
	const channels = checked.mp3?.channels ?? checked.wav?.channels;
	if (channelCount === 2 && channels === 1) {
		throw inputError(
			node,
			`Channel Count is 2 but the audio is ${checked.mp3 ? describeAudioFormat(checked.mp3) : 'mono'}`,
			'Set Channel Count to 1 for single-channel audio; 2 is for two-channel telephone recordings (one speaker per channel).',
			itemIndex,
		);
	}
	return checked;
}

/** `60 seconds`, `30 minutes`, `5 hours`. */
function durationText(seconds: number): string {
	if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
	if (seconds % 60 === 0 && seconds >= 120) return `${seconds / 60} minutes`;
	return `${seconds} seconds`;
}

function capitalised(text: string): string {
	return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** Why bytes that claim to be mp3 are not (the mp3 module's reason), as a sentence. */
function mp3Reason(data: Buffer): string | undefined {
	try {
		inspectMp3(data);
		return undefined;
	} catch (error) {
		return error instanceof Mp3FormatError ? `${capitalised(error.message)}.` : undefined;
	}
}

/**
 * A short description of checked audio for node output: format, size in bytes, and for mp3 the
 * sample rate (Hz), channels and duration (seconds, rounded to milliseconds) read from its frames.
 */
export function audioSummary(audio: CheckedAudio): Record<string, string | number> {
	const summary: Record<string, string | number> = { format: audio.format, bytes: audio.data.length };
	if (audio.mp3) {
		summary.sampleRate = audio.mp3.sampleRate;
		summary.channels = audio.mp3.channels;
		summary.durationSeconds = Math.round(audio.mp3.durationSeconds * 1000) / 1000;
	}
	return summary;
}
