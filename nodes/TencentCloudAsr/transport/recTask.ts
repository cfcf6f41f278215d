import type { IDataObject } from 'n8n-workflow';

import { tencentApiRequest } from '../../common/tencent/client';
import type { CredentialSession } from '../../common/transport';

/** Readable names of DescribeTaskStatus `Status` (docs/tencent-cloud-api.md#asr-describetaskstatus). */
export const TASK_STATUS_TEXT: Readonly<Record<number, string>> = { 0: 'waiting', 1: 'doing', 2: 'success', 3: 'failed' };

/** A recognition task as the node outputs it (DescribeTaskStatus `Data`, renamed). */
export interface RecTask extends IDataObject {
	/** The TaskId as a decimal string (uint64). */
	taskId: string;
	/** 0 waiting, 1 doing, 2 success, 3 failed. */
	status: number;
	/** `waiting`, `doing`, `success`, `failed`. */
	statusText: string;
	/** `Result`: lines `[m:s.mmm,m:s.mmm]  text`. */
	text: string;
	/** `ResultDetail` (SentenceDetail[]) when Result Format ≥ 1, else null. */
	resultDetail: IDataObject[] | null;
	/** `AudioDuration`, in seconds, or null. */
	audioDuration: number | null;
	/** `ErrorMsg` ('' unless failed). */
	errorMessage: string;
	requestId?: string;
}

/**
 * Sends one CreateRecTask request (docs/tencent-cloud-api.md#asr-createrectask). Never resent
 * after a connection broke once it was sent: a second request would start a second, billed task.
 *
 * @returns `{ taskId, requestId }`, `taskId` a decimal string (uint64).
 * @throws NodeApiError with Tencent's Code, Message and RequestId.
 */
export async function createRecTask(
	session: CredentialSession,
	params: IDataObject,
	itemIndex: number,
): Promise<{ taskId: string; requestId?: string }> {
	const response = await tencentApiRequest(session, {
		service: 'asr',
		action: 'CreateRecTask',
		params,
		itemIndex,
		// up to 5 MB of audio as base64 in the body
		timeoutMs: 120_000,
		notResent: {
			check: 'check whether the task was created (its callback, or Get Task with a task ID from an earlier run) before submitting again, or a second task may be billed.',
		},
	});
	const data = (response.Data ?? {}) as IDataObject;
	return {
		taskId: String(data.TaskId),
		requestId: typeof response.RequestId === 'string' ? response.RequestId : undefined,
	};
}

/** The parsed `ResultDetail` (SentenceDetail[]): an array, a JSON text of one, or null. */
function parseResultDetail(value: unknown): IDataObject[] | null {
	if (Array.isArray(value)) return value as IDataObject[];
	if (typeof value === 'string' && value.trim()) {
		try {
			const parsed: unknown = JSON.parse(value);
			return Array.isArray(parsed) ? (parsed as IDataObject[]) : null;
		} catch {
			return null;
		}
	}
	return null;
}

/**
 * Calls DescribeTaskStatus for `taskId` (sent as a bare JSON number, kept as a string on the way
 * back; docs/tencent-cloud-api.md#asr-describetaskstatus) and returns the task as a
 * {@link RecTask}. Retried on rate limits and temporary errors (it changes nothing).
 *
 * @throws NodeApiError with Tencent's Code, Message and RequestId (e.g. FailedOperation.NoSuchTask).
 */
export async function describeTaskStatus(session: CredentialSession, taskId: string, itemIndex: number): Promise<RecTask> {
	const response = await tencentApiRequest(session, {
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
