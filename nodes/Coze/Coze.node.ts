import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { executePerItem } from '../shared/execute';
import * as audio from './actions/audio';

/** Coze audio transcription (`POST /v1/audio/transcriptions`, seed 003) on coze.cn or coze.com. */
export class Coze implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Coze',
		name: 'coze',
		icon: { light: 'file:../../icons/coze.svg', dark: 'file:../../icons/coze.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Transcribe audio files with Coze speech recognition',
		defaults: { name: 'Coze' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cozeApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Audio', value: 'audio' }],
				default: 'audio',
			},
			...audio.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		if (operation !== 'transcribe') {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
		}
		return await executePerItem(this, async (itemIndex) => await audio.transcribe.execute.call(this, itemIndex));
	}
}
