import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from '../errors';
import { checkHttpUrl, type UrlRules } from '../url';
import { readBinaryAudio, type AudioFile } from './binary';
import { downloadAudio } from './download';

/** What the three audio-input parameters say for one operation. */
export interface AudioInputTexts {
	/** Description of the "Binary File" choice. */
	binaryChoice: string;
	/** Description of the "Audio URL" choice. */
	urlChoice: string;
	/** Description of the Input Binary Field parameter (formats, limits). */
	binaryField: string;
	/** Description of the Audio URL parameter (who downloads it). */
	urlField: string;
	/** Placeholder of the Audio URL parameter, starting with "e.g.". */
	urlPlaceholder: string;
	/** Default Input Type (default `binary`). */
	defaultType?: 'binary' | 'url';
}

/**
 * Input Type (`binary` / `url`), Input Binary Field (`binaryPropertyName`, default `data`) and
 * Audio URL (`audioUrl`): the parameters of every operation that takes audio. The URL form is
 * what an AI agent can pass (docs/n8n.md#binary-data).
 */
export function audioInputProperties(texts: AudioInputTexts): INodeProperties[] {
	return [
		{
			displayName: 'Input Type',
			name: 'inputType',
			type: 'options',
			options: [
				{ name: 'Binary File', value: 'binary', description: texts.binaryChoice },
				{ name: 'Audio URL', value: 'url', description: texts.urlChoice },
			],
			default: 'binary',
			...(texts.defaultType ? { default: texts.defaultType } : {}),
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			displayOptions: { show: { inputType: ['binary'] } },
			hint: 'The name of the input binary field holding the audio',
			description: texts.binaryField,
		},
		{
			displayName: 'Audio URL',
			name: 'audioUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: texts.urlPlaceholder,
			displayOptions: { show: { inputType: ['url'] } },
			description: texts.urlField,
		},
	];
}

/** Audio bytes to send. */
export type FileSource = { kind: 'file' } & AudioFile;

/** The audio of one item: bytes to send, or a URL the vendor downloads itself. */
export type AudioSource = FileSource | { kind: 'url'; url: string };

/** n8n downloads the Audio URL (at most `maxBytes` bytes; `tooLargeHint` says what to do instead). */
export interface DownloadUrl {
	mode: 'download';
	maxBytes: number;
	tooLargeHint?: string;
}

/** The Audio URL is checked and passed on; the vendor downloads it (`rules` such as a length limit). */
export interface PassUrl {
	mode: 'pass';
	rules?: Omit<UrlRules, 'label'>;
}

/** How {@link readAudioInput} treats an Audio URL. */
export type UrlHandling = DownloadUrl | PassUrl;

/**
 * Reads the audio of item `itemIndex` as its Input Type says: the binary property (n8n's binary
 * helpers, every binary data mode), or the Audio URL, downloaded or passed on per `url`.
 *
 * @throws NodeOperationError (item error) for an unknown Input Type, a missing binary property,
 *   an invalid URL, or a failed or oversized download.
 */
export async function readAudioInput(ctx: IExecuteFunctions, itemIndex: number, url: DownloadUrl): Promise<FileSource>;
export async function readAudioInput(ctx: IExecuteFunctions, itemIndex: number, url: UrlHandling): Promise<AudioSource>;
export async function readAudioInput(ctx: IExecuteFunctions, itemIndex: number, url: UrlHandling): Promise<AudioSource> {
	const inputType = ctx.getNodeParameter('inputType', itemIndex, 'binary') as string;
	if (inputType === 'url') {
		const value = ctx.getNodeParameter('audioUrl', itemIndex, '');
		if (url.mode === 'pass') {
			return { kind: 'url', url: checkHttpUrl(ctx.getNode(), value, itemIndex, { label: 'Audio URL', ...url.rules }) };
		}
		return { kind: 'file', ...(await downloadAudio(ctx, String(value ?? '').trim(), url.maxBytes, itemIndex, url.tooLargeHint)) };
	}
	if (inputType !== 'binary') {
		throw inputError(ctx.getNode(), `Unknown Input Type "${inputType}"`, 'Choose Binary File or Audio URL.', itemIndex);
	}
	const propertyName = String(ctx.getNodeParameter('binaryPropertyName', itemIndex) ?? '').trim();
	return { kind: 'file', ...(await readBinaryAudio(ctx, itemIndex, propertyName)) };
}
