import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputError } from '../../../common/errors';
import { concurrencyOption, type OperationContext } from '../../../common/router';
import { WECHAT_CREDENTIAL } from '../../transport/request';
import { pollVoiceResult, type WeChatLanguage } from '../../transport/voice';
import { languageProperty } from './common';

/** Items in flight at once by default (see the Transcribe operation for the reason). */
export const defaultConcurrency = 4;

const properties: INodeProperties[] = [
	{
		displayName: 'Voice ID',
		name: 'voiceId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. meeting_2026_12_03_part1',
		description: 'The Voice ID of the upload (output of the Upload operation). Query within 10 seconds of the upload.',
	},
	languageProperty,
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description: 'Whether to keep querying until WeChat reports the full result (at most until 10 seconds after now), instead of returning the first answer',
	},
	{
		displayName: 'Poll Interval (Ms)',
		name: 'pollIntervalMs',
		type: 'number',
		typeOptions: { minValue: 200, maxValue: 5000 },
		default: 1000,
		displayOptions: { show: { waitForCompletion: [true] } },
		description: 'Milliseconds between result queries',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [concurrencyOption(defaultConcurrency)],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['voice'], operation: ['getResult'] } }, properties);

/**
 * Get Result (`queryrecoresultfortext`, docs/wechat.md#voice-result). Output: `{ voiceId, language, text, complete }`
 * (`complete` false when WeChat had not finished, e.g. when not waiting).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: OperationContext): Promise<IDataObject> {
	const voiceId = (this.getNodeParameter('voiceId', itemIndex) as string).trim();
	const language = this.getNodeParameter('language', itemIndex) as WeChatLanguage;
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const pollIntervalMs = Number(this.getNodeParameter('pollIntervalMs', itemIndex, 1000));
	if (!voiceId) {
		throw inputError(this.getNode(), 'Voice ID is empty', 'Map the voiceId output of the Upload operation into "Voice ID".', itemIndex);
	}
	const session = await run.credentials(WECHAT_CREDENTIAL);
	const result = await pollVoiceResult(session, { voiceId, language, pollIntervalMs, wait, itemIndex });
	return { voiceId, language, text: result.text, complete: result.complete };
}
