import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { executePerItem } from '../shared/execute';
import * as ivrAudio from './actions/ivrAudio';

/**
 * Tencent Cloud Contact Center (CCC, API 3.0 version 2020-02-10): upload IVR audio files by URL
 * (UploadIvrAudio, seed 002) and list them with their review status (DescribeIvrAudioList).
 */
export class TencentCloudCcc implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tencent Cloud Contact Center',
		name: 'tencentCloudCcc',
		icon: { light: 'file:../../icons/tencentCloud.svg', dark: 'file:../../icons/tencentCloud.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Upload and list IVR audio files in Tencent Cloud Contact Center',
		defaults: { name: 'Tencent Cloud Contact Center' },
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
				options: [{ name: 'IVR Audio', value: 'ivrAudio' }],
				default: 'ivrAudio',
			},
			...ivrAudio.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		if (operation === 'upload') {
			return await ivrAudio.upload.execute.call(this);
		}
		if (operation === 'getMany') {
			return await executePerItem(this, async (itemIndex) => await ivrAudio.getMany.execute.call(this, itemIndex));
		}
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
}
