import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkAudio, type AudioRules, type CheckedAudio } from '../../../common/audio/gate';
import { audioInputProperties, readAudioInput } from '../../../common/audio/input';
import { WECHAT_MAX_VOICE_BYTES } from '../../transport/voice';

/** `lang` options of both voice APIs (docs/wechat.md#voice-upload). */
export const languageProperty: INodeProperties = {
	displayName: 'Language',
	name: 'language',
	type: 'options',
	options: [
		{ name: 'Chinese (zh_CN)', value: 'zh_CN' },
		{ name: 'English (en_US)', value: 'en_US' },
	],
	default: 'zh_CN',
	description: 'Language spoken in the audio (WeChat `lang`)',
};

/** Input Type, Input Binary Field and Audio URL of Transcribe and Upload. */
export const voiceInputProperties: INodeProperties[] = audioInputProperties({
	binaryChoice: 'The mp3 in a binary property of the input item',
	urlChoice: 'An http(s) URL the node downloads the mp3 from (the form an AI agent can use)',
	binaryField: 'Binary property with the audio: mp3, 16 kHz, mono (WeChat rejects anything else with an empty result)',
	urlField: 'Public http(s) URL of the mp3 (16 kHz, mono). n8n downloads it and uploads it to WeChat.',
	urlPlaceholder: 'e.g. https://example.com/recording.mp3',
});

/** Largest recording the node downloads from an Audio URL, in bytes (100 MB: ~7 h at 32 kbit/s). */
export const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;

/** The conversion recipe shown with every format error. */
export const WECHAT_CONVERT_HINT =
	'Convert it to 16 kHz mono mp3 first, for example with `ffmpeg -i input -ar 16000 -ac 1 -b:a 32k output.mp3` (in n8n: an Execute Command node, or a conversion service).';

/**
 * WeChat's audio rule "mp3, 16 kHz, mono, at most 1 MB" (docs/wechat.md#voice-upload). WeChat
 * answers audio that breaks it with an EMPTY result instead of an error, so checking first is what
 * tells users why.
 */
export const WECHAT_AUDIO_RULES: AudioRules = {
	service: 'WeChat',
	formats: ['mp3'],
	maxBytes: WECHAT_MAX_VOICE_BYTES,
	tooLargeHint:
		'Use the Transcribe operation with "Split Long Audio" on, which cuts the recording at mp3 frame boundaries and joins the texts, or shorten the recording.',
	mp3Format: { sampleRate: 16000, channels: 1, why: 'WeChat would accept the upload and return an empty result.' },
	convertHint: WECHAT_CONVERT_HINT,
};

/**
 * The audio of item `itemIndex` for Transcribe and Upload, read (binary, or downloaded from the
 * Audio URL) and checked against {@link WECHAT_AUDIO_RULES}. With `splitting` the 1 MB limit is
 * lifted (the caller cuts the file) and downloads may be up to {@link MAX_DOWNLOAD_BYTES}.
 *
 * @throws NodeOperationError (item error) naming what was found and how to convert it.
 */
export async function readWeChatAudio(ctx: IExecuteFunctions, itemIndex: number, splitting: boolean): Promise<CheckedAudio> {
	const source = await readAudioInput(ctx, itemIndex, {
		mode: 'download',
		maxBytes: splitting ? MAX_DOWNLOAD_BYTES : WECHAT_MAX_VOICE_BYTES,
		tooLargeHint: splitting ? undefined : WECHAT_AUDIO_RULES.tooLargeHint,
	});
	return checkAudio(ctx.getNode(), itemIndex, source, splitting ? { ...WECHAT_AUDIO_RULES, maxBytes: undefined } : WECHAT_AUDIO_RULES);
}
