import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as recordingRecognition from './actions/recordingRecognition';
import { router } from './actions/router';
import { listSearch } from './methods';

/**
 * Tencent Cloud ASR recording-file recognition: CreateRecTask / DescribeTaskStatus (API 3.0,
 * version 2019-06-14; docs/tencent-cloud-api.md), the legacy signed callback API
 * (docs/tencent-legacy-asr.md), and synchronous recognition: flash (docs/tencent-flash-asr.md) and
 * SentenceRecognition (docs/tencent-cloud-api.md#asr-sentencerecognition).
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

	/** Editor methods: the lists of the Hotword ID and Customization ID pickers (`listSearch`). */
	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
