import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep, updateDisplayOptions } from 'n8n-workflow';

import { inputError, vendorApiError } from '../../../shared/errors';
import { withDetails } from '../../../shared/execute';
import { audioSummary } from './audioInput';
import { createRecTask } from './createTask.operation';
import { describeTask } from './getTask.operation';
import { buildRecTaskRequest } from './recTaskFields';

/** Default wait between two DescribeTaskStatus polls, in seconds. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 3;

/** Default longest wait for a result, in seconds (10 minutes). */
export const DEFAULT_MAX_WAIT_SECONDS = 600;

/** Longest single `sleep`, in milliseconds, so a cancelled execution stops promptly. */
const CANCEL_CHECK_MS = 200;

const properties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWaitSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_WAIT_SECONDS,
				description: 'How long to wait for the result before giving up; the task keeps running at Tencent and Get Task can fetch it later. Tencent needs about 1 to 3 minutes per hour of audio.',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: DEFAULT_POLL_INTERVAL_SECONDS,
				description: 'Time between two status checks (DescribeTaskStatus allows 50 per second per account)',
			},
		],
	},
];

/** Parameters that only Transcribe has (polling options). */
export const description = updateDisplayOptions(
	{ show: { resource: ['recordingRecognition'], operation: ['transcribe'] } },
	properties,
);

/**
 * Waits `ms` milliseconds with n8n's `sleep`, in slices of at most 200 ms, and returns early with
 * `true` as soon as the execution is cancelled (`getExecutionCancelSignal()`); `false` when the
 * whole time passed.
 */
export async function sleepUnlessCancelled(ctx: IExecuteFunctions, ms: number): Promise<boolean> {
	const signal = ctx.getExecutionCancelSignal?.();
	const until = Date.now() + ms;
	for (;;) {
		if (signal?.aborted) return true;
		const left = until - Date.now();
		if (left <= 0) return false;
		await sleep(Math.min(left, CANCEL_CHECK_MS));
	}
}

function positiveSeconds(ctx: IExecuteFunctions, value: unknown, label: string, fallback: number, min: number, itemIndex: number): number {
	if (value === undefined || value === null || value === '') return fallback;
	const number = Number(value);
	if (!Number.isFinite(number) || number < min) {
		throw inputError(ctx.getNode(), `${label} must be a number of at least ${min}, not ${String(value)}`, undefined, itemIndex);
	}
	return number;
}

/**
 * Transcribe for one item: CreateRecTask, then DescribeTaskStatus every Poll Interval until the
 * task succeeds or fails (vendor notes §3; n8n notes, "Waiting for asynchronous results").
 *
 * - Success: the Get Task fields (`taskId`, `status`, `statusText`, `text`, `resultDetail`,
 *   `audioDuration`, `errorMessage`, `requestId`) plus `audio` for binary input.
 * - Failure (Status 3): NodeApiError "Recognition task <id> failed: <ErrorMsg>".
 * - Max Wait passed: NodeOperationError naming the task id and saying to use Get Task later.
 * - Execution cancelled: stops within 200 ms with a NodeOperationError naming the task id.
 *
 * Errors after the task was created carry `taskId` (continue-on-fail items include it).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const intervalSeconds = positiveSeconds(this, options.pollIntervalSeconds, 'Poll Interval', DEFAULT_POLL_INTERVAL_SECONDS, 0, itemIndex);
	const maxWaitSeconds = positiveSeconds(this, options.maxWaitSeconds, 'Max Wait', DEFAULT_MAX_WAIT_SECONDS, 0.001, itemIndex);
	const { params, audio } = await buildRecTaskRequest(this, itemIndex, undefined);
	const created = await createRecTask(this, params, itemIndex);
	const taskId = created.taskId;
	const deadline = Date.now() + maxWaitSeconds * 1000;
	const resumeHint = `Use the Get Task operation with Task ID ${taskId} to fetch the result later (Tencent keeps tasks for 24 hours).`;
	const cancelled = () =>
		withDetails(
			new NodeOperationError(this.getNode(), `The execution was cancelled while waiting for task ${taskId}`, {
				description: resumeHint,
				itemIndex,
			}),
			{ taskId },
		);

	let last: IDataObject | undefined;
	for (;;) {
		const wait = Math.max(0, Math.min(intervalSeconds * 1000, deadline - Date.now()));
		if (await sleepUnlessCancelled(this, wait)) throw cancelled();
		try {
			last = await describeTask(this, taskId, itemIndex);
		} catch (error) {
			if (error instanceof NodeApiError || error instanceof NodeOperationError) {
				error.description = `${error.description ? `${error.description} ` : ''}The task ${taskId} was created. ${resumeHint}`;
				throw withDetails(error, { taskId });
			}
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex, description: resumeHint });
		}
		if (last.status === 2) {
			const summary = audioSummary(audio);
			return summary ? { ...last, audio: summary } : last;
		}
		if (last.status === 3) {
			throw withDetails(
				vendorApiError(
					this.getNode(),
					{
						vendor: 'Tencent Cloud',
						message: `Recognition task ${taskId} failed: ${String(last.errorMessage || 'no reason given')}`,
						requestId: typeof last.requestId === 'string' ? last.requestId : undefined,
						requestIdLabel: 'RequestId',
						hint: 'Check that the audio is a supported format (wav, mp3, m4a, flac, ogg-opus, amr, aac …), can be downloaded by Tencent, and matches the engine (8k for telephone audio).',
					},
					itemIndex,
				),
				{ taskId, status: 3, statusText: 'failed', errorMessage: last.errorMessage ?? '' },
			);
		}
		if (this.getExecutionCancelSignal?.()?.aborted) throw cancelled();
		if (Date.now() >= deadline) {
			throw withDetails(
				new NodeOperationError(
					this.getNode(),
					`Task ${taskId} did not finish within ${maxWaitSeconds} seconds (last status: ${String(last.statusText)})`,
					{ description: `The task is still running at Tencent Cloud. ${resumeHint} Or raise Max Wait.`, itemIndex },
				),
				{ taskId, status: last.status, statusText: last.statusText },
			);
		}
	}
}
