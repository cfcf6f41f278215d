import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readBinaryAudio } from '../../../shared/binary';
import { downloadAudio } from '../../../shared/download';
import { audioInputTypeProperty } from '../../../shared/properties';

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

/** Where the audio comes from: a binary property (default) or a URL (what AI agents can pass). */
export const inputTypeProperty: INodeProperties = audioInputTypeProperty(
	'The mp3 in a binary property of the input item',
	'An http(s) URL the node downloads the mp3 from (the form an AI agent can use)',
);

/** The audio URL, shown for Input Type "Audio URL". */
export const audioUrlProperty: INodeProperties = {
	displayName: 'Audio URL',
	name: 'audioUrl',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'https://example.com/recording.mp3',
	displayOptions: { show: { inputType: ['url'] } },
	description: 'Public http(s) URL of the mp3 (16 kHz, mono). n8n downloads it and uploads it to WeChat.',
};

/** The binary input field, n8n's usual name and default. */
export const binaryPropertyNameProperty: INodeProperties = {
	displayName: 'Input Binary Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	required: true,
	displayOptions: { show: { inputType: ['binary'] } },
	hint: 'The name of the input binary field holding the mp3',
	description: 'Binary property with the audio: mp3, 16 kHz, mono (WeChat rejects anything else with an empty result)',
};

/** Largest recording the node downloads from an Audio URL, in bytes (100 MB: ~7 h at 32 kbit/s). */
export const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;

/** The audio of one item, from its binary property or its Audio URL. */
export interface VoiceInput {
	data: Buffer;
	/** File name for the upload (may be empty). */
	fileName: string;
}

/**
 * Reads the audio of item `itemIndex` as Input Type says: the binary property (n8n's binary
 * helpers, every binary mode) or a download of Audio URL (at most `maxDownloadBytes`, default
 * {@link MAX_DOWNLOAD_BYTES}; a larger file is not downloaded whole).
 * The WeChat format and size rules are checked afterwards by `checkWeChatAudio`.
 *
 * @throws NodeOperationError (item error) for a missing binary property, an invalid URL or a
 *   failed or oversized download.
 */
export async function readVoiceInput(ctx: IExecuteFunctions, itemIndex: number, maxDownloadBytes = MAX_DOWNLOAD_BYTES): Promise<VoiceInput> {
	const inputType = ctx.getNodeParameter('inputType', itemIndex, 'binary') as string;
	if (inputType === 'url') {
		const url = String(ctx.getNodeParameter('audioUrl', itemIndex, '') ?? '').trim();
		const hint =
			maxDownloadBytes < MAX_DOWNLOAD_BYTES
				? 'WeChat takes at most 1 MB per upload. Use the Transcribe operation with "Split Long Audio" on, which cuts longer recordings at mp3 frame boundaries.'
				: undefined;
		const audio = await downloadAudio(ctx, url, maxDownloadBytes, itemIndex, hint);
		return { data: audio.data, fileName: audio.fileName };
	}
	const audio = await readBinaryAudio(ctx, itemIndex, ctx.getNodeParameter('binaryPropertyName', itemIndex) as string);
	return { data: audio.data, fileName: audio.fileName };
}
