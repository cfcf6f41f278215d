import type { INodeProperties } from 'n8n-workflow';

import * as transcribe from './transcribe.operation';

export { transcribe };

/** Operations of the Audio resource (Coze speech recognition: docs/coze.md#transcriptions). */
export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['audio'] } },
		options: [
			{
				name: 'Transcribe',
				value: 'transcribe',
				description: 'Turn an audio file into text',
				action: 'Transcribe an audio file',
			},
		],
		default: 'transcribe',
	},
	...transcribe.description,
];
