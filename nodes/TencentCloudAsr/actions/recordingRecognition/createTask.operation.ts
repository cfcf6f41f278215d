import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { tencentApiRequest } from '../../../shared/tencent/api';
import { audioSummary, checkHttpUrl } from './audioInput';
import { buildRecTaskRequest } from './recTaskFields';

const properties: INodeProperties[] = [
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'https://n8n.example.com/webhook/…/tencent-asr-callback?token=…',
		description: 'Optional: where Tencent posts the result when the task finishes, e.g. the production URL of a Tencent Cloud ASR Trigger with its token. Leave empty to fetch the result with Get Task.',
	},
];

/** Parameters that only Create Task has (CreateRecTask `CallbackUrl`). */
export const description = updateDisplayOptions(
	{ show: { resource: ['recordingRecognition'], operation: ['createTask'] } },
	properties,
);

/**
 * Sends one CreateRecTask request (vendor notes §3) built by {@link buildRecTaskRequest}; not
 * retried on a broken connection (it would start a second, billed task).
 *
 * @returns `{ taskId, requestId }`, `taskId` a string (uint64).
 * @throws NodeApiError with Tencent's Code, Message and RequestId.
 */
export async function createRecTask(ctx: IExecuteFunctions, params: IDataObject, itemIndex: number): Promise<{ taskId: string; requestId?: string }> {
	const response = await tencentApiRequest(ctx, {
		service: 'asr',
		action: 'CreateRecTask',
		params,
		itemIndex,
		idempotent: false,
	});
	const data = (response.Data ?? {}) as IDataObject;
	return {
		taskId: String(data.TaskId),
		requestId: typeof response.RequestId === 'string' ? response.RequestId : undefined,
	};
}

/**
 * Create Task (CreateRecTask) for one item: checks the input, sends the audio URL or the binary
 * audio, and returns `{ taskId (string), requestId }` plus `audio` (format, bytes, and for mp3
 * sample rate, channels and duration in seconds) for binary input. The result arrives later: Get
 * Task, or a callback to the Callback URL (Tencent Cloud ASR Trigger).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const rawCallback = String(this.getNodeParameter('callbackUrl', itemIndex, '') ?? '').trim();
	const callbackUrl = rawCallback ? checkHttpUrl(this, rawCallback, 'Callback URL', itemIndex) : undefined;
	const { params, audio } = await buildRecTaskRequest(this, itemIndex, callbackUrl);
	const created = await createRecTask(this, params, itemIndex);
	const output: IDataObject = { taskId: created.taskId, requestId: created.requestId };
	const summary = audioSummary(audio);
	if (summary) output.audio = summary;
	return output;
}
