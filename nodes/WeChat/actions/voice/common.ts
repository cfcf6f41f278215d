import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { audioInputProperties, readInputAudio } from '../../../shared/audioInput';
import type { BinaryAudio } from '../../../shared/binary';

/** `lang` options of both voice APIs (seeds 000/001). */
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
	binaryFieldHint: 'The name of the input binary field holding the mp3',
	urlField: 'Public http(s) URL of the mp3 (16 kHz, mono). n8n downloads it and uploads it to WeChat.',
	urlPlaceholder: 'https://example.com/recording.mp3',
});

/** Largest recording the node downloads from an Audio URL, in bytes (100 MB: ~7 h at 32 kbit/s). */
export const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;

/**
 * The audio of item `itemIndex` for Transcribe and Upload: {@link readInputAudio} with a download
 * cap of `maxDownloadBytes` (default {@link MAX_DOWNLOAD_BYTES}); below that cap the hint points
 * to Split Long Audio.
 *
 * @throws NodeOperationError (item error) as {@link readInputAudio}.
 */
export async function readVoiceInput(ctx: IExecuteFunctions, itemIndex: number, maxDownloadBytes = MAX_DOWNLOAD_BYTES): Promise<BinaryAudio> {
	const hint =
		maxDownloadBytes < MAX_DOWNLOAD_BYTES
			? 'WeChat takes at most 1 MB per upload. Use the Transcribe operation with "Split Long Audio" on, which cuts longer recordings at mp3 frame boundaries.'
			: undefined;
	return await readInputAudio(ctx, itemIndex, maxDownloadBytes, hint);
}
