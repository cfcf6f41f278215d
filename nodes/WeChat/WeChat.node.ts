import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { executePerItem } from '../shared/execute';
import * as voice from './actions/voice';

/**
 * WeChat voice recognition (Official Account / Mini Program): upload an mp3
 * (`addvoicetorecofortext`, seed 000) and fetch its text (`queryrecoresultfortext`, seed 001),
 * or both in one Transcribe step with long recordings split at mp3 frame boundaries.
 */
export class WeChat implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WeChat',
		name: 'weChat',
		icon: { light: 'file:../../icons/wechat.svg', dark: 'file:../../icons/wechat.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Turn mp3 voice recordings into text with WeChat voice recognition',
		defaults: { name: 'WeChat' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'weChatApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Voice', value: 'voice' }],
				default: 'voice',
			},
			...voice.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const operations = {
			transcribe: voice.transcribe.execute,
			upload: voice.upload.execute,
			getResult: voice.getResult.execute,
		} as const;
		const run = operations[operation as keyof typeof operations];
		if (!run) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
		}
		return await executePerItem(this, async (itemIndex) => await run.call(this, itemIndex));
	}
}
