import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { pause } from '../../../../credentials/common/http';
import { inputError, vendorApiError } from '../../../common/errors';
import { concurrencyOption, type OperationContext } from '../../../common/router';
import { readSimplify, simplifyProperty } from '../../../common/simplify';
import { asItemError, errorItem, forEachConcurrently, withDetails } from '../../../common/runner';
import { urlFileName } from '../../../common/audio/download';
import { readSubtitleRequest, subtitleBinary, subtitleOptions, type SubtitleRequest } from '../../../common/subtitleOutput';
import { TENCENT_CREDENTIAL } from '../../../common/tencent/client';
import type { CredentialSession } from '../../../common/transport';
import { createRecTask, describeTaskStatus, type RecTask } from '../../transport/recTask';
import { tencentAudioSummary } from './audio';
import { taskSentences } from './recognitionOutput';
import { buildRecTaskRequest } from './recTaskFields';
import { taskOutput } from './taskOutput';

/** Default wait between two DescribeTaskStatus polls of one task, in seconds. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 3;

/** Default longest wait for a result, in seconds (10 minutes). */
export const DEFAULT_MAX_WAIT_SECONDS = 600;

/**
 * Items whose audio is read and whose task is created at the same time, by default. Every task is
 * created before any is waited for, so this bounds memory (binary audio of up to 5 MB per item in
 * flight), not how many tasks run: CreateRecTask's 20 requests per second and DescribeTaskStatus's
 * 50 (docs/tencent-cloud-api.md#rate-limits) are kept to whatever this is set to.
 */
export const defaultConcurrency = 10;

const properties: INodeProperties[] = [
	simplifyProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			concurrencyOption(defaultConcurrency),
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWaitSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_WAIT_SECONDS,
				description: 'How long to wait for each result before giving up; the task keeps running at Tencent and Get Task can fetch it later. Tencent needs about 1 to 3 minutes per hour of audio.',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: DEFAULT_POLL_INTERVAL_SECONDS,
				description: 'Time between two status checks of a task (DescribeTaskStatus allows 50 per second per account)',
			},
			...subtitleOptions(),
		],
	},
];

/** Parameters that only Transcribe has (polling options). */
export const description = updateDisplayOptions(
	{ show: { resource: ['recordingRecognition'], operation: ['transcribe'] } },
	properties,
);

function positiveSeconds(ctx: IExecuteFunctions, value: unknown, label: string, fallback: number, min: number, itemIndex: number): number {
	if (value === undefined || value === null || value === '') return fallback;
	const number = Number(value);
	if (!Number.isFinite(number) || number < min) {
		throw inputError(ctx.getNode(), `${label} must be a number of at least ${min}, not ${String(value)}`, undefined, itemIndex);
	}
	return number;
}

/** A created task being waited for. */
interface PendingTask {
	itemIndex: number;
	taskId: string;
	/** Epoch milliseconds: the next DescribeTaskStatus. */
	nextPollAt: number;
	/** Epoch milliseconds: Max Wait runs out. */
	deadline: number;
	intervalMs: number;
	maxWaitSeconds: number;
	audio?: Record<string, string | number>;
	/** Subtitles asked for, and the name the file is named after (the input's file name, else the task id). */
	subtitles?: { request: SubtitleRequest; baseName: string };
	/** The item's Simplify parameter. */
	simplify: boolean;
}

const resumeHint = (taskId: string) =>
	`Use the Get Task operation with Task ID ${taskId} to fetch the result later (Tencent keeps tasks for 24 hours).`;

/** "Tasks still running at Tencent: item 2 → 123, item 3 → 456." for error descriptions. */
function otherTasksNote(tasks: PendingTask[], except: number): string {
	const others = tasks.filter((task) => task.itemIndex !== except);
	if (others.length === 0) return '';
	const listed = others.slice(0, 20).map((task) => `item ${task.itemIndex + 1} → ${task.taskId}`);
	return ` Tasks of other items are still running at Tencent, fetch them with Get Task: ${listed.join(', ')}${others.length > 20 ? ` and ${others.length - 20} more` : ''}.`;
}

/**
 * Notes for the output pane that an item stopped waiting at Max Wait (with continue-on-fail, an
 * error item that looks like any failure): its task is still running at Tencent and its result can
 * still be fetched, which the error item alone does not make obvious.
 */
function noteMaxWait(run: OperationContext, task: PendingTask): void {
	run.hints.note(
		'maxWait',
		task.itemIndex,
		(items, taskIds) =>
			`Transcribe stopped waiting for ${items} after Max Wait, but their tasks are still running at Tencent (${taskIds.join(', ')}). Fetch the results later with Get Task and the taskId of these error items (Tencent keeps tasks for 24 hours), or raise Max Wait.`,
		{ type: 'warning', detail: `task ${task.taskId}` },
	);
}

/**
 * Transcribe for all items (docs/tencent-cloud-api.md#asr-createrectask,
 * #asr-describetaskstatus; docs/n8n.md#polling-and-cancellation): first every item's task is
 * created (Concurrency items at a time, within CreateRecTask's rate limit), then the pending tasks
 * are polled together, each every Poll Interval, and each item completes as soon as its task
 * ends. A folder of recordings therefore takes about as long as its longest recording.
 *
 * Per item, in input order and paired:
 * - success: the Get Task output ({@link taskOutput}): simplified (text first), or with Simplify
 *   off every field plus `audio` for binary input; with Subtitles the subtitle file as binary
 *   (named after the input file, else the task id) and `subtitles`;
 * - failure (Status 3): NodeApiError "Recognition task <id> failed: <ErrorMsg>";
 * - Max Wait passed (counted from the task's creation): NodeOperationError naming the task id
 *   (with continue-on-fail also an execution hint: the task goes on at Tencent);
 * - execution cancelled: stops within 200 ms with a NodeOperationError naming the task id.
 * Errors after a task was created carry `taskId` (continue-on-fail items include it); without
 * continue-on-fail the first failure stops the node and its description lists the tasks of other
 * items that are still running, so no result is lost.
 */
export async function executeBatch(this: IExecuteFunctions, run: OperationContext): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const node = this.getNode();
	const continueOnFail = this.continueOnFail();
	const signal = this.getExecutionCancelSignal?.();
	const outputs: Array<INodeExecutionData | undefined> = new Array(items.length);
	const failures = new Map<number, unknown>();
	const record = (itemIndex: number, error: unknown) => {
		if (continueOnFail) outputs[itemIndex] = { json: errorItem(error), pairedItem: { item: itemIndex } };
		else failures.set(itemIndex, error);
	};
	const stop = () => failures.size > 0 || Boolean(signal?.aborted);

	let session: CredentialSession | undefined;
	const pending: PendingTask[] = [];
	await forEachConcurrently(
		items.length,
		run.concurrency,
		async (itemIndex) => {
			try {
				const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
				const intervalSeconds = positiveSeconds(this, options.pollIntervalSeconds, 'Poll Interval', DEFAULT_POLL_INTERVAL_SECONDS, 0, itemIndex);
				const maxWaitSeconds = positiveSeconds(this, options.maxWaitSeconds, 'Max Wait', DEFAULT_MAX_WAIT_SECONDS, 0.001, itemIndex);
				const subtitles = readSubtitleRequest(this, itemIndex, options);
				const simplify = readSimplify(this.getNodeParameter('simplify', itemIndex, true));
				const { params, audio } = await buildRecTaskRequest(this, itemIndex, undefined);
				session ??= await run.credentials(TENCENT_CREDENTIAL);
				const created = await createRecTask(session, params, itemIndex);
				const now = Date.now();
				pending.push({
					itemIndex,
					taskId: created.taskId,
					nextPollAt: now + intervalSeconds * 1000,
					deadline: now + maxWaitSeconds * 1000,
					intervalMs: intervalSeconds * 1000,
					maxWaitSeconds,
					audio: tencentAudioSummary(audio),
					subtitles: subtitles && { request: subtitles, baseName: (audio.kind === 'file' ? audio.fileName : urlFileName(audio.url)) || created.taskId },
					simplify,
				});
			} catch (error) {
				record(itemIndex, error);
			}
		},
		stop,
	);

	const cancelled = (task: PendingTask) =>
		withDetails(
			new NodeOperationError(node, `The execution was cancelled while waiting for task ${task.taskId}`, {
				description: `${resumeHint(task.taskId)}${otherTasksNote(pending, task.itemIndex)}`,
				itemIndex: task.itemIndex,
			}),
			{ taskId: task.taskId },
		);
	const settle = (task: PendingTask, result: RecTask | undefined, error?: unknown, subtitles?: { binary: IBinaryKeyData; summary: IDataObject }) => {
		pending.splice(pending.indexOf(task), 1);
		if (error !== undefined) record(task.itemIndex, error);
		else {
			const json = taskOutput(result!, task.simplify, task.audio);
			if (subtitles) json.subtitles = subtitles.summary;
			outputs[task.itemIndex] = { json, ...(subtitles ? { binary: subtitles.binary } : {}), pairedItem: { item: task.itemIndex } };
		}
	};

	while (pending.length > 0 && !stop()) {
		const now = Date.now();
		const due = pending.filter((task) => task.nextPollAt <= now).sort((a, b) => a.itemIndex - b.itemIndex);
		await forEachConcurrently(
			due.length,
			run.concurrency,
			async (index) => {
				const task = due[index];
				let last: RecTask;
				try {
					last = await describeTaskStatus(session!, task.taskId, task.itemIndex);
				} catch (error) {
					const nodeError = asItemError(this, error, task.itemIndex);
					nodeError.description = `${nodeError.description ? `${nodeError.description} ` : ''}The task ${task.taskId} was created. ${resumeHint(task.taskId)}`;
					settle(task, undefined, withDetails(nodeError, { taskId: task.taskId }));
					return;
				}
				if (last.status === 2) {
					let subtitles: Awaited<ReturnType<typeof subtitleBinary>> | undefined;
					try {
						subtitles = task.subtitles && (await subtitleBinary(this, task.subtitles.request, taskSentences(last), task.subtitles.baseName));
					} catch (error) {
						return settle(task, undefined, withDetails(asItemError(this, error, task.itemIndex), { taskId: task.taskId }));
					}
					return settle(task, last, undefined, subtitles);
				}
				if (last.status === 3) {
					return settle(
						task,
						undefined,
						withDetails(
							vendorApiError(
								node,
								{
									vendor: 'Tencent Cloud',
									message: `Recognition task ${task.taskId} failed: ${last.errorMessage || 'no reason given'}`,
									requestId: last.requestId,
									requestIdLabel: 'RequestId',
									hint: 'Check that the audio is a supported format (wav, mp3, m4a, flac, ogg-opus, amr, aac …), can be downloaded by Tencent, and matches the engine (8k for telephone audio).',
								},
								task.itemIndex,
							),
							{ taskId: task.taskId, status: 3, statusText: 'failed', errorMessage: last.errorMessage },
						),
					);
				}
				if (Date.now() >= task.deadline) {
					if (continueOnFail) noteMaxWait(run, task);
					return settle(
						task,
						undefined,
						withDetails(
							new NodeOperationError(
								node,
								`Task ${task.taskId} did not finish within ${task.maxWaitSeconds} seconds (last status: ${last.statusText})`,
								{ description: `The task is still running at Tencent Cloud. ${resumeHint(task.taskId)} Or raise Max Wait.`, itemIndex: task.itemIndex },
							),
							{ taskId: task.taskId, status: last.status, statusText: last.statusText },
						),
					);
				}
				task.nextPollAt = Math.min(Date.now() + task.intervalMs, task.deadline);
			},
			() => Boolean(signal?.aborted),
		);
		if (pending.length === 0 || stop()) break;
		const wake = Math.min(...pending.map((task) => task.nextPollAt));
		await pause(Math.max(0, wake - Date.now()), signal);
	}

	if (failures.size > 0) {
		const first = Math.min(...failures.keys());
		const error = asItemError(this, failures.get(first), first);
		const note = otherTasksNote(pending, first);
		if (note && (error instanceof NodeApiError || error instanceof NodeOperationError)) {
			error.description = `${error.description ?? ''}${note}`.trim();
		}
		throw error;
	}
	if (signal?.aborted && pending.length > 0) {
		throw cancelled([...pending].sort((a, b) => a.itemIndex - b.itemIndex)[0]);
	}
	const missing = outputs.findIndex((output) => output === undefined);
	if (missing >= 0) {
		throw new NodeOperationError(node, 'The execution was cancelled before every item was processed', { itemIndex: missing });
	}
	return [outputs as INodeExecutionData[]];
}
