import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputError } from '../../../shared/errors';
import { tencentApiRequest } from '../../../shared/tencent/api';

const properties: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '9007199254740993',
		description: 'TaskId returned by Create Task (a number of up to 20 digits; keep it as text). Tencent keeps tasks for 24 hours.',
	},
];

/** Parameters of the Get Task operation (DescribeTaskStatus). */
export const description = updateDisplayOptions(
	{ show: { resource: ['recordingRecognition'], operation: ['getTask'] } },
	properties,
);

/** Readable names of DescribeTaskStatus `Status` (vendor notes §3: 0 waiting, 1 doing, 2 success, 3 failed). */
export const TASK_STATUS_TEXT: Record<number, string> = { 0: 'waiting', 1: 'doing', 2: 'success', 3: 'failed' };

const UINT64_MAX = 18446744073709551615n;

/**
 * Checks a TaskId given by the user or an expression and returns it as a decimal string. TaskIds
 * are uint64 and may exceed 2^53 (vendor notes §3), so a JavaScript number above
 * `Number.MAX_SAFE_INTEGER` is refused: its digits are no longer the task's.
 *
 * @throws NodeOperationError (item error) for anything but 1–20 digits within uint64.
 */
export function normalizeTaskId(ctx: IExecuteFunctions, value: unknown, itemIndex: number): string {
	if (typeof value === 'number' && !Number.isSafeInteger(value)) {
		throw inputError(
			ctx.getNode(),
			`The Task ID ${String(value)} lost precision as a number`,
			'TaskIds can be larger than JavaScript numbers hold exactly. Pass the taskId field as text, e.g. {{ $json.taskId }} from this node\'s Create Task output.',
			itemIndex,
		);
	}
	const text = String(value ?? '').trim();
	if (!/^\d{1,20}$/.test(text) || BigInt(text) > UINT64_MAX) {
		throw inputError(ctx.getNode(), `"${text}" is not a valid Task ID`, 'A Task ID is a whole number, as returned by Create Task.', itemIndex);
	}
	return BigInt(text).toString();
}

/** The parsed `ResultDetail` (SentenceDetail[]): an array, a JSON text of one, or null. */
function parseResultDetail(value: unknown): unknown[] | null {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string' && value.trim()) {
		try {
			const parsed: unknown = JSON.parse(value);
			return Array.isArray(parsed) ? parsed : null;
		} catch {
			return null;
		}
	}
	return null;
}

/**
 * Calls DescribeTaskStatus for `taskId` (sent as a bare JSON number, kept as a string on the way
 * back) and returns the task as output fields: `taskId` (string), `status` (0–3), `statusText`
 * (`waiting`, `doing`, `success`, `failed`), `text` (Result: lines `[m:s.mmm,m:s.mmm]  text`),
 * `resultDetail` (SentenceDetail[] or null), `audioDuration` (seconds), `errorMessage`,
 * `requestId`. Source: vendor notes §3.
 *
 * @throws NodeApiError with Tencent's Code, Message and RequestId (e.g. FailedOperation.NoSuchTask).
 */
export async function describeTask(ctx: IExecuteFunctions, taskId: string, itemIndex: number): Promise<IDataObject> {
	const response = await tencentApiRequest(ctx, {
		service: 'asr',
		action: 'DescribeTaskStatus',
		params: { TaskId: taskId },
		itemIndex,
	});
	const data = (response.Data ?? {}) as IDataObject;
	const status = Number(data.Status);
	const duration = Number(data.AudioDuration);
	return {
		taskId: data.TaskId !== undefined && data.TaskId !== null ? String(data.TaskId) : taskId,
		status,
		statusText: TASK_STATUS_TEXT[status] ?? (typeof data.StatusStr === 'string' ? data.StatusStr : `unknown (${String(data.Status)})`),
		text: typeof data.Result === 'string' ? data.Result : '',
		resultDetail: parseResultDetail(data.ResultDetail),
		audioDuration: Number.isFinite(duration) ? duration : null,
		errorMessage: typeof data.ErrorMsg === 'string' ? data.ErrorMsg : '',
		requestId: typeof response.RequestId === 'string' ? response.RequestId : undefined,
	};
}

/**
 * Get Task (DescribeTaskStatus) for one item: the task's status and, once finished, its result.
 * See {@link describeTask} for the output.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = normalizeTaskId(this, this.getNodeParameter('taskId', itemIndex), itemIndex);
	return await describeTask(this, taskId, itemIndex);
}
