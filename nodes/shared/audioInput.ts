import type { IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readBinaryAudio, type BinaryAudio } from './binary';
import { downloadAudio } from './download';
import { inputError } from './errors';
import { inspectMp3, Mp3FormatError, type Mp3Info } from './mp3';

/** What the three audio-input parameters say for one node. */
export interface AudioInputTexts {
	/** Description of the "Binary File" choice. */
	binaryChoice: string;
	/** Description of the "Audio URL" choice. */
	urlChoice: string;
	/** Description of the Input Binary Field parameter (formats, limits). */
	binaryField: string;
	/** Hint under the Input Binary Field parameter. */
	binaryFieldHint: string;
	/** Description of the Audio URL parameter (who downloads it). */
	urlField: string;
	/** Placeholder of the Audio URL parameter. */
	urlPlaceholder: string;
	/** Default Input Type (default `binary`). */
	defaultType?: 'binary' | 'url';
}

const inputTypeProperty: INodeProperties = {
	displayName: 'Input Type',
	name: 'inputType',
	type: 'options',
	options: [
		{ name: 'Binary File', value: 'binary' },
		{ name: 'Audio URL', value: 'url' },
	],
	default: 'binary',
};

/**
 * Input Type (`binary` / `url`), Input Binary Field (`binaryPropertyName`, default `data`) and
 * Audio URL (`audioUrl`): the parameters of every operation that takes audio. The URL form is
 * what an AI agent can pass (n8n notes, "Binary data").
 */
export function audioInputProperties(texts: AudioInputTexts): INodeProperties[] {
	return [
		{
			...inputTypeProperty,
			options: [
				{ name: 'Binary File', value: 'binary', description: texts.binaryChoice },
				{ name: 'Audio URL', value: 'url', description: texts.urlChoice },
			],
			default: texts.defaultType ?? inputTypeProperty.default,
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			displayOptions: { show: { inputType: ['binary'] } },
			hint: texts.binaryFieldHint,
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

/**
 * Reads the audio of item `itemIndex` as its Input Type says: the binary property (n8n's binary
 * helpers, every binary mode) or a download of its Audio URL of at most `maxDownloadBytes` bytes
 * (a larger file is not downloaded whole; `tooLargeHint` tells the user what to do instead).
 *
 * @returns the bytes with file name, lower-case extension and MIME type (each may be empty).
 * @throws NodeOperationError (item error) for a missing binary property, an invalid URL or a
 *   failed or oversized download.
 */
export async function readInputAudio(
	ctx: IExecuteFunctions,
	itemIndex: number,
	maxDownloadBytes: number,
	tooLargeHint?: string,
): Promise<BinaryAudio> {
	if (ctx.getNodeParameter('inputType', itemIndex, 'binary') === 'url') {
		const url = String(ctx.getNodeParameter('audioUrl', itemIndex, '') ?? '').trim();
		return await downloadAudio(ctx, url, maxDownloadBytes, itemIndex, tooLargeHint);
	}
	return await readBinaryAudio(ctx, itemIndex, ctx.getNodeParameter('binaryPropertyName', itemIndex) as string);
}

/**
 * Inspects mp3 audio for an operation (shared/mp3.ts), turning "not an MP3" into an item error
 * that keeps the module's reason (e.g. "… an MPEG-1 Layer II frame header, which is not MP3").
 *
 * @param message the error message, e.g. `The file "a.mp3" looks like mp3 but is not`.
 * @param hint what to do, appended after the reason.
 * @throws NodeOperationError (item error) for data without valid Layer III frames.
 */
export function inspectMp3Input(node: INode, data: Buffer, itemIndex: number, message: string, hint: string): Mp3Info {
	let failure: unknown;
	try {
		return inspectMp3(data);
	} catch (error) {
		failure = error;
	}
	if (!(failure instanceof Mp3FormatError)) throw new NodeOperationError(node, failure as Error, { itemIndex });
	const reason = `${failure.message.charAt(0).toUpperCase()}${failure.message.slice(1)}.`;
	throw inputError(node, message, `${reason} ${hint}`, itemIndex);
}
