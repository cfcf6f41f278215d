import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { executePerItem } from '../shared/execute';
import * as recordingRecognition from './actions/recordingRecognition';

/**
 * Tencent Cloud ASR recording-file recognition: CreateRecTask / DescribeTaskStatus (API 3.0,
 * version 2019-06-14; vendor notes §3) and the legacy signed callback API of seed 004.
 */
export class TencentCloudAsr implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tencent Cloud ASR',
		name: 'tencentCloudAsr',
		icon: { light: 'file:../../icons/tencentCloud.svg', dark: 'file:../../icons/tencentCloud.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Turn recordings into text with Tencent Cloud speech recognition',
		defaults: { name: 'Tencent Cloud ASR' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tencentCloudApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Recording Recognition', value: 'recordingRecognition' }],
				default: 'recordingRecognition',
			},
			...recordingRecognition.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const operations: Record<string, (this: IExecuteFunctions, itemIndex: number) => Promise<unknown>> = {
			createTask: recordingRecognition.createTask.execute,
			getTask: recordingRecognition.getTask.execute,
			transcribe: recordingRecognition.transcribe.execute,
			createLegacyTask: recordingRecognition.createLegacyTask.execute,
		};
		const run = operations[operation];
		if (!run) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
		}
		return await executePerItem(this, async (itemIndex) => (await run.call(this, itemIndex)) as never);
	}
}
