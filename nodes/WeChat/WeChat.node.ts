import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import * as voice from './actions/voice';

/**
 * WeChat voice recognition (Official Account / Mini Program): upload an mp3
 * (`addvoicetorecofortext`) and fetch its text (`queryrecoresultfortext`; docs/wechat.md),
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
		return await router.call(this);
	}
}
