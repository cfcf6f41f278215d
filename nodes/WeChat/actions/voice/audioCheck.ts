import type { INode } from 'n8n-workflow';

import { sniffAudioFormat } from '../../../shared/audioFormat';
import { formatBytes, inputError } from '../../../shared/errors';
import { inspectMp3Input } from '../../../shared/audioInput';
import { describeAudioFormat, tryInspectMp3, type Mp3Info } from '../../../shared/mp3';
import { WECHAT_MAX_VOICE_BYTES } from '../../transport/voice';

/** The conversion recipe shown with every format error (issue 4). */
export const WECHAT_CONVERT_HINT =
	'Convert it to 16 kHz mono mp3 first, for example with `ffmpeg -i input -ar 16000 -ac 1 -b:a 32k output.mp3` (in n8n: an Execute Command node, or a conversion service).';

/**
 * Checks audio against WeChat's rule "mp3, 16 kHz, mono, at most 1 MB" (seed 000 `format`;
 * vendor notes §1) before any network call. WeChat answers audio that breaks the rule with an
 * EMPTY result instead of an error, so this check is what tells users why.
 *
 * @param allowOversize true when the caller splits files over 1 MB (Split Long Audio).
 * @returns the mp3 inspection (sample rate, channels, duration in seconds, frame offsets).
 * @throws NodeOperationError naming what was found ("44100 Hz stereo", "WAV audio", the mp3
 *   module's reason such as "MPEG-1 Layer II … not MP3", a format that changes mid-file) and how
 *   to convert.
 */
export function checkWeChatAudio(
	node: INode,
	data: Buffer,
	itemIndex: number,
	allowOversize: boolean,
): Mp3Info {
	if (data.length === 0) {
		throw inputError(node, 'The audio file is empty (0 bytes)', 'Check the node that produced the binary data.', itemIndex);
	}
	let info = tryInspectMp3(data);
	if (!info) {
		const sniffed = sniffAudioFormat(data);
		if (sniffed && sniffed !== 'mp3') {
			throw inputError(node, `WeChat accepts only mp3 audio, but this file is ${sniffed.toUpperCase()} audio`, WECHAT_CONVERT_HINT, itemIndex);
		}
		// throws, with the mp3 module's reason
		info = inspectMp3Input(node, data, itemIndex, 'WeChat accepts only mp3 audio, but this file is not a valid mp3 file', WECHAT_CONVERT_HINT);
	}
	if (info.sampleRate !== 16000 || info.channels !== 1) {
		throw inputError(
			node,
			`WeChat recognises only 16000 Hz mono mp3, but this file is ${describeAudioFormat(info)}`,
			`WeChat would accept the upload and return an empty result. ${WECHAT_CONVERT_HINT}`,
			itemIndex,
		);
	}
	if (!info.consistent) {
		throw inputError(
			node,
			`WeChat recognises only 16000 Hz mono mp3, but this file starts as ${describeAudioFormat(info)} and then changes format`,
			`Some of its frames have another sample rate, channel mode or MPEG version (e.g. recordings joined without re-encoding). ${WECHAT_CONVERT_HINT}`,
			itemIndex,
		);
	}
	if (!allowOversize && data.length > WECHAT_MAX_VOICE_BYTES) {
		throw inputError(
			node,
			`The audio is ${formatBytes(data.length)}, over WeChat's 1 MB limit (${formatBytes(WECHAT_MAX_VOICE_BYTES)})`,
			'Use the Transcribe operation with "Split Long Audio" on, which cuts the recording at mp3 frame boundaries and joins the texts, or shorten the recording.',
			itemIndex,
		);
	}
	return info;
}
