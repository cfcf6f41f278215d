import type { IDataObject } from 'n8n-workflow';

import { pickFields } from '../../../common/simplify';
import type { RecTask } from '../../transport/recTask';

/**
 * The simplified output of Get Task and Transcribe, in this order: the text first, for AI agents
 * and the editor's first columns, then what says whether there is more to wait for.
 */
export const SIMPLIFIED_TASK_FIELDS = ['text', 'transcript', 'taskId', 'status', 'statusText', 'audioDuration', 'errorMessage'] as const;

/** `[0:1.640,0:4.600]` or `[0:0.000,0:2.260,0]` at the start of a Result line. */
const SENTENCE_STAMP = /^\s*\[[^\]\n]*\]\s*/;

/**
 * The sentences of a DescribeTaskStatus `Result` without their time stamps, one per line.
 * `Result` holds one line per sentence, `[start,end]` or `[start,end,speaker]` followed by two
 * spaces and the sentence (docs/tencent-cloud-api.md#asr-describetaskstatus): e.g.
 * `"[0:1.640,0:4.600]  我在马上上夜班。\n"` → `"我在马上上夜班。"`. Lines without a stamp are kept
 * as they are; empty lines are dropped.
 */
export function plainTranscript(result: string): string {
	return result
		.split('\n')
		.map((line) => line.replace(SENTENCE_STAMP, '').trim())
		.filter((line) => line.length > 0)
		.join('\n');
}

/**
 * A task as Get Task and Transcribe output it. Both forms carry `text` (Tencent's `Result`
 * unchanged, time-stamped lines, as the Tencent Cloud ASR Trigger's `text`) and `transcript`
 * ({@link plainTranscript}: the same sentences without stamps).
 * - `simplify`: {@link SIMPLIFIED_TASK_FIELDS} only, text first.
 * - otherwise: every field (`taskId`, `status`, `statusText`, `text`, `transcript`,
 *   `resultDetail`, `audioDuration`, `errorMessage`, `requestId`) plus `audio` (binary input of
 *   Transcribe) when given.
 */
export function taskOutput(task: RecTask, simplify: boolean, audio?: Record<string, string | number>): IDataObject {
	const { taskId, status, statusText, text, ...rest } = task;
	const full: IDataObject = { taskId, status, statusText, text, transcript: plainTranscript(text), ...rest };
	if (simplify) return pickFields(full, SIMPLIFIED_TASK_FIELDS);
	if (audio) full.audio = audio;
	return full;
}
