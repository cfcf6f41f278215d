import type { INodeProperties } from 'n8n-workflow';

import * as getResult from './getResult.operation';
import * as transcribe from './transcribe.operation';
import * as upload from './upload.operation';

export { getResult, transcribe, upload };

/** Operations of the Voice resource (WeChat voice recognition: docs/wechat.md#voice-upload, docs/wechat.md#voice-result). */
export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['voice'] } },
		options: [
			{
				name: 'Get Result',
				value: 'getResult',
				description: 'Fetch the text of an uploaded voice file (within 10 seconds of the upload)',
				action: 'Get a voice recognition result',
			},
			{
				name: 'Transcribe',
				value: 'transcribe',
				description: 'Upload an mp3 and wait for its text, splitting recordings over 1 MB',
				action: 'Transcribe a voice file',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload an mp3 (16 kHz mono, at most 1 MB) for recognition',
				action: 'Upload a voice file',
			},
		],
		default: 'transcribe',
	},
	...transcribe.description,
	...upload.description,
	...getResult.description,
];
