import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputError } from '../../../common/errors';
import { concurrencyOption, type OperationContext } from '../../../common/router';
import { readSimplify, simplifyProperty } from '../../../common/simplify';
import { readSubtitleRequest, subtitleBinary, subtitleOptions } from '../../../common/subtitleOutput';
import { TENCENT_CREDENTIAL } from '../../../common/tencent/client';
import { describeTaskStatus } from '../../transport/recTask';
import { taskSentences } from './recognitionOutput';
import { taskOutput } from './taskOutput';

/**
 * Items in flight at once by default: DescribeTaskStatus allows 50 requests per second per
 * account (docs/tencent-cloud-api.md#rate-limits), which the node keeps to.
 */
export const defaultConcurrency = 10;

const properties: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 9007199254740993',
		description: 'TaskId returned by Create Task (a number of up to 20 digits; keep it as text). Tencent keeps tasks for 24 hours.',
	},
	simplifyProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [concurrencyOption(defaultConcurrency), ...subtitleOptions()],
	},
];

/** Parameters of the Get Task operation (DescribeTaskStatus). */
export const description = updateDisplayOptions(
	{ show: { resource: ['recordingRecognition'], operation: ['getTask'] } },
	properties,
);

const UINT64_MAX = 18446744073709551615n;

/**
 * Checks a TaskId given by the user or an expression and returns it as a decimal string. TaskIds
 * are uint64 and may exceed 2^53 (docs/tencent-cloud-api.md#asr-createrectask), so a JavaScript number above
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

/**
 * Get Task (DescribeTaskStatus) for one item: the task's status and, once finished, its result,
 * simplified or in full as the Simplify parameter says ({@link taskOutput}). With Subtitles and a
 * finished task, the subtitle file `<taskId>.srt` / `.vtt` of its sentences ({@link taskSentences})
 * is added as binary data and `subtitles` to the JSON.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: OperationContext): Promise<IDataObject | INodeExecutionData[]> {
	const taskId = normalizeTaskId(this, this.getNodeParameter('taskId', itemIndex), itemIndex);
	const simplify = readSimplify(this.getNodeParameter('simplify', itemIndex, true));
	const subtitles = readSubtitleRequest(this, itemIndex, this.getNodeParameter('options', itemIndex, {}) as IDataObject);
	const session = await run.credentials(TENCENT_CREDENTIAL);
	const task = await describeTaskStatus(session, taskId, itemIndex);
	const json = taskOutput(task, simplify);
	if (!subtitles || task.status !== 2) return json;
	const file = await subtitleBinary(this, subtitles, taskSentences(task), task.taskId);
	return [{ json: { ...json, subtitles: file.summary }, binary: file.binary }];
}
