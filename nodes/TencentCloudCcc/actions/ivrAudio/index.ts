import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as upload from './upload.operation';

export { getMany, upload };

/** Operations of the IVR Audio resource (Tencent Cloud Contact Center, API 2020-02-10: docs/tencent-cloud-api.md). */
export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['ivrAudio'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List IVR audio files and their review status (DescribeIvrAudioList)',
				action: 'Get many IVR audio files',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload IVR audio files by URL (UploadIvrAudio)',
				action: 'Upload an IVR audio file',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...getMany.description,
];
