import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { concurrencyOption, type OperationContext } from '../../../common/router';
import { TENCENT_CREDENTIAL } from '../../../common/tencent/client';
import { checkHttpUrl } from '../../../common/url';
import { createRecTask } from '../../transport/recTask';
import { tencentAudioSummary } from './audio';
import { buildRecTaskRequest } from './recTaskFields';

/**
 * Items in flight at once by default: CreateRecTask allows 20 requests per second per account
 * (docs/tencent-cloud-api.md#rate-limits), which the node keeps to whatever this is set to.
 */
export const defaultConcurrency = 10;

const properties: INodeProperties[] = [
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/…/tencent-asr-callback?token=…',
		description: 'Optional: where Tencent posts the result when the task finishes, e.g. the production URL of a Tencent Cloud ASR Trigger with its token. Leave empty to fetch the result with Get Task.',
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

/** Parameters that only Create Task has (CreateRecTask `CallbackUrl`). */
export const description = updateDisplayOptions(
	{ show: { resource: ['recordingRecognition'], operation: ['createTask'] } },
	properties,
);

/**
 * Create Task (CreateRecTask) for one item: checks the input, sends the audio URL or the binary
 * audio, and returns `{ taskId (string), requestId }` plus `audio` (format, bytes, and where known
 * sample rate, channels and duration in seconds) for binary input. The result arrives later: Get
 * Task, or a callback to the Callback URL (Tencent Cloud ASR Trigger).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: OperationContext): Promise<IDataObject> {
	const rawCallback = String(this.getNodeParameter('callbackUrl', itemIndex, '') ?? '').trim();
	const callbackUrl = rawCallback ? checkHttpUrl(this.getNode(), rawCallback, itemIndex, { label: 'Callback URL' }) : undefined;
	const { params, audio } = await buildRecTaskRequest(this, itemIndex, callbackUrl);
	const session = await run.credentials(TENCENT_CREDENTIAL);
	const created = await createRecTask(session, params, itemIndex);
	const output: IDataObject = { taskId: created.taskId, requestId: created.requestId };
	const summary = tencentAudioSummary(audio);
	if (summary) output.audio = summary;
	return output;
}
