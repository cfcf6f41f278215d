import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as ivrAudio from './actions/ivrAudio';
import { router } from './actions/router';
import { listSearch } from './methods';

/**
 * Tencent Cloud Contact Center (CCC, API 3.0 version 2020-02-10): upload IVR audio files by URL
 * (UploadIvrAudio) and list them with their review status (DescribeIvrAudioList);
 * docs/tencent-cloud-api.md#contact-center-uploadivraudio.
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

	/** Editor methods: the SdkAppId picker's list (`listSearch.searchSdkAppIds`). */
	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
