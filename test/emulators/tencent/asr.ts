/**
 * Speech recognition (ASR, 2019-06-14): recording-file recognition `CreateRecTask` /
 * `DescribeTaskStatus` (docs/tencent-cloud-api.md#asr-createrectask, #asr-describetaskstatus),
 * one-sentence recognition `SentenceRecognition` (#asr-sentencerecognition;
 * https://cloud.tencent.com/document/api/1093/35646), and the resource lists `GetAsrVocabList`
 * (#asr-getasrvocablist; https://cloud.tencent.com/document/api/1093/41484) and
 * `GetCustomizationList` (#asr-getcustomizationlist; https://cloud.tencent.com/document/api/1093/48498).
 * Parameter and answer shapes follow the official SDK models (TencentCloud/tencentcloud-sdk-nodejs
 * `src/services/asr/v20190614/asr_models.ts`), error codes the SDK's list
 * (TencentCloud/tencentcloud-sdk-go `tencentcloud/asr/v20190614/errors.go`).
 *
 * Recognition goes through the shared TranscriptRegistry: registered audio answers its text, with
 * the registered segments' times as sentence times; unknown audio in a known container answers an
 * empty result. CreateRecTask downloads URLs with undici, simulates task progress, and posts the
 * callback through ../callbackSender (where `truncated-body` faults apply).
 *
 * Emulator choices where the vendor does not document the behaviour: GetAsrVocabList and
 * GetCustomizationList take `Limit` 1–1000 (default 1000, GetCustomizationList's documented
 * default) and `Offset` ≥ 0; a `TagInfos` filter keeps entries carrying every given tag;
 * GetCustomizationList answers `Data: null` for an account without models (the SDK model says it
 * may be null); SentenceRecognition's 3 MB is 3 × 1024 × 1024 bytes, counted on the base64 `Data`
 * (SDK model: "音频文件大小不能超过3MB（Base64后）") and on a downloaded file; `SubServiceType`, when
 * sent, must be 2.
 */
import { createHash } from 'node:crypto';
import { detectAudioFormat, estimateAudioDurationSeconds } from '../audio';
import { buildRecTaskCallback, sendAsrCallback, type CallbackDelivery, type HexCase } from '../callbackSender';
import { audioHash, downloadAudio, type DownloadResult, type EmulatorClock, type TranscriptRegistry } from '../common';
import type { FaultInjector } from '../faults';
import {
	checkChoice,
	intParam,
	invalidValue,
	isHttpUrl,
	missingParameter,
	offsetPage,
	tagFilter,
	TencentApiError,
	type ActionDefinition,
} from './api';
import { buildRecognition, filterPunctuation, hotwordListProblem, layoutSentences, layoutWords, type SentenceDetail } from './recognition';
import type { JsonValue } from './tc3';
import { engineSampleRate, matchesVoiceFormat, pcmDurationSeconds, TENCENT_VOICE_FORMATS, type TencentVoiceFormat } from './voiceFormat';

/**
 * CreateRecTask engine models accepted (official SDK model list, plus older names still
 * documented: 16k_zh_video, 16k_zh_large, 16k_zh_dialect). Anything else → InvalidParameterValue.
 */
export const ASR_ENGINE_MODEL_TYPES: readonly string[] = [
	'8k_zh',
	'8k_en',
	'8k_zh_large',
	'16k_zh',
	'16k_zh_en',
	'16k_multi_lang',
	'16k_en',
	'16k_en_large',
	'16k_yue',
	'16k_zh-PY',
	'16k_zh-TW',
	'16k_ja',
	'16k_ko',
	'16k_vi',
	'16k_ms',
	'16k_id',
	'16k_fil',
	'16k_th',
	'16k_pt',
	'16k_tr',
	'16k_ar',
	'16k_es',
	'16k_hi',
	'16k_fr',
	'16k_de',
	'16k_zh_medical',
	'16k_zh_video',
	'16k_zh_large',
	'16k_zh_dialect',
];

/** SentenceRecognition `EngSerViceType` values (SDK model). Anything else → `InvalidParameterValue.ErrorInvalidEngservice`. */
export const SENTENCE_ENGINE_TYPES: readonly string[] = [
	'8k_zh',
	'8k_en',
	'16k_zh',
	'16k_zh-PY',
	'16k_zh_medical',
	'16k_en',
	'16k_yue',
	'16k_ja',
	'16k_ko',
	'16k_vi',
	'16k_ms',
	'16k_id',
	'16k_fil',
	'16k_th',
	'16k_pt',
	'16k_tr',
	'16k_ar',
	'16k_es',
	'16k_hi',
	'16k_fr',
	'16k_de',
	'16k_zh_dialect',
];

/** Emulator limits of ASR (bytes, seconds, counts). */
export const ASR_LIMITS = {
	/** CreateRecTask Data, raw bytes (≤ 5 MB allowed). */
	asrDataBytes: 5 * 1024 * 1024,
	/** CreateRecTask Url download cap, bytes (1 GB). */
	asrUrlBytes: 1024 * 1024 * 1024,
	/** SentenceRecognition audio: 3 MB (base64 `Data`, or the downloaded file), bytes. */
	sentenceBytes: 3 * 1024 * 1024,
	/** SentenceRecognition audio duration, seconds. */
	sentenceSeconds: 60,
	/** GetAsrVocabList / GetCustomizationList `Limit` upper bound and default. */
	listLimit: 1000,
} as const;

/** The final state of a CreateRecTask task. */
export interface RecTaskOutcome {
	Status: 2 | 3;
	StatusStr: 'success' | 'failed';
	Result: string;
	ErrorMsg: string;
	ResultDetail: SentenceDetail[] | null;
	AudioDuration: number;
	/** Callback code: 0, 10000 (decode failed) or 10007 (download failed). */
	callbackCode: number;
}

/** A CreateRecTask task. */
export interface RecTaskRecord {
	/** The uint64 TaskId as a decimal string. */
	TaskId: string;
	params: Record<string, unknown>;
	EngineModelType: string;
	ResTextFormat: number;
	SourceType: number;
	Url?: string;
	CallbackUrl?: string;
	/** DescribeTaskStatus polls answered so far. */
	polls: number;
	/** Emulator clock at creation, epoch milliseconds. */
	createdAtMs: number;
	/** True once completed by completeTask()/completeAll(). */
	forced: boolean;
	/** The final outcome once the task reached success/failed. */
	outcome?: RecTaskOutcome;
	/** The callback delivery, once sent (tasks with CallbackUrl). */
	delivery?: CallbackDelivery;
	/** RequestId of the CreateRecTask request. */
	requestId: string;
}

/** One answered SentenceRecognition (a recognition that was billed). */
export interface SentenceRecognitionRecord {
	requestId: string;
	EngSerViceType: string;
	VoiceFormat: string;
	SourceType: number;
	/** Hex SHA-256 of the audio bytes. */
	sha256: string;
	bytes: number;
	/** The answered AudioDuration, milliseconds. */
	audioDurationMs: number;
	/** The answered Result. */
	result: string;
}

/** An ASR `HotWord` (SDK model). */
export interface HotWord {
	Word: string;
	Weight: number;
}

/** An ASR hotword table `Vocab` as GetAsrVocabList answers it (SDK model). */
export interface Vocab {
	Name: string;
	Description: string;
	VocabId: string;
	WordWeights: HotWord[];
	/** Beijing time with offset, e.g. `2020-01-09T19:26:42+08:00` (the API example). */
	CreateTime: string;
	UpdateTime: string;
	/** 1 loaded by default, 0 initial. */
	State: number;
	TagInfos: string[];
}

/** A self-learning model `Model` as GetCustomizationList answers it (SDK model). */
export interface CustomizationModel {
	ModelName: string;
	DictName: string;
	ModelId: string;
	/** `8k` or `16k`. */
	ModelType: string;
	ServiceType: string;
	/** -2 training failed, -1 offline, 0 training, 1 online, 3 going online, 4 going offline. */
	ModelState: number;
	/** Beijing time `YYYY-MM-DD hh:mm:ss` (the API example). */
	AtUpdated: string;
	TagInfos: string[] | null;
}

/** Options of {@link createAsrService}. */
export interface AsrServiceOptions {
	/** The account AppId (callbacks). */
	appId: number;
	transcripts: TranscriptRegistry;
	clock: EmulatorClock;
	/** The emulator's fault injector (callback `truncated-body` faults). */
	faults: FaultInjector;
	/** DescribeTaskStatus polls answered `waiting` (default 1) then `doing` (default 1) before the result. */
	taskSteps?: { waitingPolls?: number; doingPolls?: number };
	/** Seconds of emulator clock per task step for tasks WITH a CallbackUrl. Default 1. */
	taskStepSeconds?: number;
	callbackHexCase?: HexCase;
	callbackRetryIntervalMs?: number;
	callbackDetailCase?: 'pascal' | 'camel';
	/** The account's hotword tables (GetAsrVocabList); missing fields get defaults. Default none. */
	vocabs?: Array<Partial<Vocab> & { Name: string }>;
	/** The account's self-learning models (GetCustomizationList); missing fields get defaults. Default none. */
	customizations?: Array<Partial<CustomizationModel> & { ModelName: string }>;
}

/** The ASR part of the emulator: its actions, state and controls. */
export interface AsrService {
	actions: Record<string, ActionDefinition>;
	readonly tasks: RecTaskRecord[];
	readonly deliveries: CallbackDelivery[];
	readonly sentenceRecognitions: SentenceRecognitionRecord[];
	readonly vocabs: Vocab[];
	readonly customizations: CustomizationModel[];
	completeTask(taskId: string | bigint | number): Promise<CallbackDelivery | undefined>;
	completeAll(): Promise<CallbackDelivery[]>;
	/** Sends the callbacks that became due; resolves when they and all pending work are done. */
	settle(): Promise<void>;
	close(): Promise<void>;
}

const FIRST_TASK_ID = 9007199254740993n;

/** Beijing time (UTC+8) of epoch seconds as `YYYY-MM-DDThh:mm:ss+08:00`. */
export function beijingIso(epochSeconds: number): string {
	return `${new Date((epochSeconds + 8 * 3600) * 1000).toISOString().slice(0, 19)}+08:00`;
}

/** Beijing time (UTC+8) of epoch seconds as `YYYY-MM-DD hh:mm:ss`. */
export function beijingDateTime(epochSeconds: number): string {
	return new Date((epochSeconds + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

const idOf = (kind: string, index: number, name: string): string =>
	createHash('md5').update(`${kind}:${index}:${name}`).digest('hex');

const truncatedParams = (params: Record<string, JsonValue>): Record<string, unknown> => {
	const copy: Record<string, unknown> = { ...params };
	if (typeof copy.Data === 'string' && copy.Data.length > 32) {
		copy.Data = `${copy.Data.slice(0, 32)}…(${copy.Data.length} chars)`;
	}
	return copy;
};

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Creates the ASR actions over fresh state. */
export function createAsrService(options: AsrServiceOptions): AsrService {
	const { clock } = options;
	const waitingPolls = options.taskSteps?.waitingPolls ?? 1;
	const doingPolls = options.taskSteps?.doingPolls ?? 1;
	const stepMs = (options.taskStepSeconds ?? 1) * 1000;
	const tasks: RecTaskRecord[] = [];
	const tasksById = new Map<string, RecTaskRecord>();
	const audioOf = new Map<RecTaskRecord, Promise<DownloadResult>>();
	const deliveries: CallbackDelivery[] = [];
	const sentenceRecognitions: SentenceRecognitionRecord[] = [];
	const pending = new Set<Promise<unknown>>();
	let nextTaskId = FIRST_TASK_ID;

	const startedAt = clock.nowSeconds();
	const vocabs: Vocab[] = (options.vocabs ?? []).map((vocab, index) => ({
		Name: vocab.Name,
		Description: vocab.Description ?? '',
		VocabId: vocab.VocabId ?? idOf('vocab', index, vocab.Name),
		WordWeights: vocab.WordWeights ?? [],
		CreateTime: vocab.CreateTime ?? beijingIso(startedAt - 86400 * (index + 1)),
		UpdateTime: vocab.UpdateTime ?? beijingIso(startedAt - 3600 * (index + 1)),
		State: vocab.State ?? 0,
		TagInfos: vocab.TagInfos ?? [],
	}));
	const customizations: CustomizationModel[] = (options.customizations ?? []).map((model, index) => ({
		ModelName: model.ModelName,
		DictName: model.DictName ?? `${model.ModelName}.txt`,
		ModelId: model.ModelId ?? idOf('model', index, model.ModelName),
		ModelType: model.ModelType ?? '16k',
		ServiceType: model.ServiceType ?? 'realtime',
		ModelState: model.ModelState ?? 1,
		AtUpdated: model.AtUpdated ?? beijingDateTime(startedAt - 3600 * (index + 1)),
		TagInfos: model.TagInfos === undefined ? null : model.TagInfos,
	}));

	// --- task progress ------------------------------------------------------------------------

	const stepOf = (task: RecTaskRecord): number => {
		const byTime = task.CallbackUrl ? Math.floor((clock.nowMs() - task.createdAtMs) / stepMs) : 0;
		return Math.max(task.polls, byTime);
	};
	const isDue = (task: RecTaskRecord): boolean => task.forced || stepOf(task) > waitingPolls + doingPolls;

	const computeOutcome = async (task: RecTaskRecord): Promise<RecTaskOutcome> => {
		const audio = await audioOf.get(task)!;
		const failed = (ErrorMsg: string, callbackCode: number): RecTaskOutcome => ({
			Status: 3,
			StatusStr: 'failed',
			Result: '',
			ErrorMsg,
			ResultDetail: null,
			AudioDuration: 0,
			callbackCode,
		});
		if (!audio.ok) {
			return failed('Failed to download audio file!', 10007);
		}
		const transcript = options.transcripts.lookup(audio.bytes);
		const format = detectAudioFormat(audio.bytes);
		if (audio.bytes.length === 0 || (!format && !transcript)) {
			return failed('Failed to decode audio file!', 10000);
		}
		const duration = transcript?.durationSeconds ?? estimateAudioDurationSeconds(audio.bytes) ?? 0;
		const recognition = buildRecognition(transcript?.text ?? '', duration, {
			resTextFormat: task.ResTextFormat,
			filterPunc: (task.params.FilterPunc as number | undefined) ?? 0,
			segments: transcript?.segments,
		});
		return {
			Status: 2,
			StatusStr: 'success',
			Result: recognition.Result,
			ErrorMsg: '',
			ResultDetail: recognition.ResultDetail,
			AudioDuration: Math.round(duration * 1000) / 1000,
			callbackCode: 0,
		};
	};

	const sendCallback = async (task: RecTaskRecord, outcome: RecTaskOutcome): Promise<CallbackDelivery> => {
		const fields = buildRecTaskCallback({
			taskId: task.TaskId,
			appId: options.appId,
			code: outcome.callbackCode,
			message: outcome.Status === 2 ? '' : outcome.ErrorMsg,
			text: outcome.Result,
			audioDurationSeconds: outcome.AudioDuration,
			resultDetail: outcome.ResultDetail,
			audioUrl: task.SourceType === 0 ? task.Url : undefined,
			detailCase: options.callbackDetailCase,
		});
		const delivery = await sendAsrCallback(task.CallbackUrl!, fields, {
			hexCase: options.callbackHexCase ?? 'upper',
			retryIntervalMs: options.callbackRetryIntervalMs,
			faults: options.faults,
		});
		task.delivery = delivery;
		deliveries.push(delivery);
		return delivery;
	};

	const finalizing = new Map<RecTaskRecord, Promise<CallbackDelivery | undefined>>();
	/** Computes the outcome once and sends the callback (once) for tasks with a CallbackUrl. */
	const finalize = (task: RecTaskRecord): Promise<CallbackDelivery | undefined> => {
		let running = finalizing.get(task);
		if (!running) {
			running = (async () => {
				task.outcome = await computeOutcome(task);
				return task.CallbackUrl ? await sendCallback(task, task.outcome) : undefined;
			})();
			finalizing.set(task, running);
			const settled = running;
			pending.add(settled);
			void settled.finally(() => pending.delete(settled)).catch(() => undefined);
		}
		return running;
	};

	const tick = async (): Promise<void> => {
		const due = tasks.filter((task) => task.CallbackUrl && !finalizing.has(task) && isDue(task));
		await Promise.all(due.map(finalize));
	};
	const timer = setInterval(() => void tick().catch(() => undefined), 250);
	timer.unref();

	// --- CreateRecTask / DescribeTaskStatus ----------------------------------------------------

	const createRecTask = (params: Record<string, JsonValue>, requestId: string): Record<string, unknown> => {
		const engine = params.EngineModelType as string;
		if (!ASR_ENGINE_MODEL_TYPES.includes(engine)) {
			throw invalidValue(`The value \`${engine}\` of parameter \`EngineModelType\` is not supported.`);
		}
		checkChoice(params, 'ChannelNum', [1, 2]);
		if (intParam(params, 'ChannelNum') === 2 && !engine.startsWith('8k_')) {
			throw invalidValue('`ChannelNum` 2 (two channels) is only supported by 8k engines.');
		}
		checkChoice(params, 'ResTextFormat', [0, 1, 2, 3, 4, 5]);
		checkChoice(params, 'SourceType', [0, 1]);
		checkChoice(params, 'SpeakerDiarization', [0, 1, 3]);
		checkChoice(params, 'SpeakerNumber', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		checkChoice(params, 'FilterDirty', [0, 1, 2]);
		checkChoice(params, 'FilterModal', [0, 1, 2]);
		checkChoice(params, 'FilterPunc', [0, 1, 2]);
		checkChoice(params, 'ConvertNumMode', [0, 1, 3]);
		checkChoice(params, 'EmotionRecognition', [0, 1, 2]);
		checkChoice(params, 'EmotionalEnergy', [0, 1]);
		checkChoice(params, 'ReinforceHotword', [0, 1]);
		const sentenceMax = intParam(params, 'SentenceMaxLength');
		if (sentenceMax !== undefined && sentenceMax !== 0 && (sentenceMax < 6 || sentenceMax > 40)) {
			throw invalidValue('The value of parameter `SentenceMaxLength` must be 0 or between 6 and 40.');
		}
		if (((params.KeyWordLibIdList as string[] | undefined) ?? []).length > 10) {
			throw invalidValue('The parameter `KeyWordLibIdList` holds more than 10 ids.');
		}
		if (params.CallbackUrl !== undefined && !isHttpUrl(params.CallbackUrl as string)) {
			throw invalidValue('The value of parameter `CallbackUrl` is not a valid http(s) URL.');
		}
		const sourceType = intParam(params, 'SourceType')!;
		let audio: Promise<DownloadResult>;
		if (sourceType === 0) {
			if (params.Url === undefined) {
				throw missingParameter('Url');
			}
			if (!isHttpUrl(params.Url as string)) {
				throw invalidValue('The value of parameter `Url` is not a valid http(s) URL.');
			}
			audio = downloadAudio(params.Url as string, { limitBytes: ASR_LIMITS.asrUrlBytes, timeoutMs: 30000 });
		} else {
			if (params.Data === undefined) {
				throw missingParameter('Data');
			}
			if (params.DataLen === undefined) {
				throw missingParameter('DataLen');
			}
			const data = params.Data as string;
			if (data.length === 0 || data.length % 4 !== 0 || !BASE64.test(data)) {
				throw invalidValue('The value of parameter `Data` is not valid base64 (no line breaks, padded).');
			}
			const bytes = Buffer.from(data, 'base64');
			if (bytes.length > ASR_LIMITS.asrDataBytes) {
				throw invalidValue(`The audio data is ${bytes.length} bytes: it must be at most 5MB (${ASR_LIMITS.asrDataBytes} bytes).`);
			}
			if (intParam(params, 'DataLen') !== bytes.length) {
				throw invalidValue(`The value of parameter \`DataLen\` (${String(params.DataLen)}) does not match the decoded data length (${bytes.length}).`);
			}
			audio = Promise.resolve({ ok: true, bytes });
		}
		const taskId = nextTaskId;
		nextTaskId += 1n;
		const task: RecTaskRecord = {
			TaskId: taskId.toString(),
			params: truncatedParams(params),
			EngineModelType: engine,
			ResTextFormat: intParam(params, 'ResTextFormat')!,
			SourceType: sourceType,
			Url: sourceType === 0 ? (params.Url as string) : undefined,
			CallbackUrl: params.CallbackUrl as string | undefined,
			polls: 0,
			createdAtMs: clock.nowMs(),
			forced: false,
			requestId,
		};
		audioOf.set(task, audio);
		tasks.push(task);
		tasksById.set(task.TaskId, task);
		return { Data: { TaskId: taskId } };
	};

	const describeTaskStatus = async (params: Record<string, JsonValue>): Promise<Record<string, unknown>> => {
		const raw = params.TaskId as number | bigint;
		if (raw < 0) {
			throw invalidValue('The value of parameter `TaskId` must be a uint64.');
		}
		const task = tasksById.get(String(raw));
		if (!task) {
			throw new TencentApiError('FailedOperation.NoSuchTask', `No such task: TaskId ${String(raw)}.`);
		}
		task.polls += 1;
		const taskId = BigInt(task.TaskId);
		if (isDue(task)) {
			await finalize(task);
			const outcome = task.outcome!;
			return {
				Data: {
					TaskId: taskId,
					Status: outcome.Status,
					StatusStr: outcome.StatusStr,
					AudioDuration: outcome.AudioDuration,
					Result: outcome.Result,
					ErrorMsg: outcome.ErrorMsg,
					ResultDetail: outcome.ResultDetail,
				},
			};
		}
		const waiting = stepOf(task) <= waitingPolls;
		return {
			Data: {
				TaskId: taskId,
				Status: waiting ? 0 : 1,
				StatusStr: waiting ? 'waiting' : 'doing',
				AudioDuration: 0,
				Result: '',
				ErrorMsg: '',
				ResultDetail: null,
			},
		};
	};

	// --- SentenceRecognition -----------------------------------------------------------------

	const sentenceRecognition = async (params: Record<string, JsonValue>, requestId: string): Promise<Record<string, unknown>> => {
		const engine = params.EngSerViceType as string;
		if (!SENTENCE_ENGINE_TYPES.includes(engine)) {
			throw new TencentApiError(
				'InvalidParameterValue.ErrorInvalidEngservice',
				`The value \`${engine}\` of parameter \`EngSerViceType\` is not supported.`,
			);
		}
		checkChoice(params, 'SourceType', [0, 1], 'InvalidParameterValue.ErrorInvalidSourcetype');
		const voiceFormat = params.VoiceFormat as string;
		if (!(TENCENT_VOICE_FORMATS as readonly string[]).includes(voiceFormat)) {
			throw new TencentApiError(
				'InvalidParameterValue.ErrorInvalidVoiceFormat',
				`The value \`${voiceFormat}\` of parameter \`VoiceFormat\` is not supported: use one of ${TENCENT_VOICE_FORMATS.join(', ')}.`,
			);
		}
		checkChoice(params, 'SubServiceType', [2], 'InvalidParameterValue.ErrorInvalidSubservicetype');
		checkChoice(params, 'WordInfo', [0, 1, 2]);
		checkChoice(params, 'FilterDirty', [0, 1, 2]);
		checkChoice(params, 'FilterModal', [0, 1, 2]);
		checkChoice(params, 'FilterPunc', [0, 1, 2]);
		checkChoice(params, 'ConvertNumMode', [0, 1]);
		checkChoice(params, 'ReinforceHotword', [0, 1]);
		checkChoice(params, 'InputSampleRate', [8000]);
		if (params.InputSampleRate !== undefined && voiceFormat !== 'pcm') {
			throw invalidValue('`InputSampleRate` applies to pcm audio only.');
		}
		if (params.HotwordList !== undefined) {
			const problem = hotwordListProblem(params.HotwordList as string);
			if (problem) {
				throw invalidValue(`The value of parameter \`HotwordList\` is not valid: ${problem}.`);
			}
		}
		const sourceType = intParam(params, 'SourceType')!;
		let bytes: Buffer;
		if (sourceType === 0) {
			if (params.Url === undefined) {
				throw missingParameter('Url');
			}
			if (!isHttpUrl(params.Url as string)) {
				throw new TencentApiError('InvalidParameterValue.ErrorInvalidUrl', 'The value of parameter `Url` is not a valid http(s) URL.');
			}
			const download = await downloadAudio(params.Url as string, { limitBytes: ASR_LIMITS.sentenceBytes, timeoutMs: 10000 });
			if (!download.ok) {
				if (download.reason === 'too-large') {
					throw new TencentApiError('InvalidParameter.ErrorContentlength', `The audio file is larger than 3MB (${ASR_LIMITS.sentenceBytes} bytes).`);
				}
				throw new TencentApiError('FailedOperation.ErrorDownFile', `Failed to download the audio file: ${download.detail}.`);
			}
			bytes = download.bytes;
		} else {
			if (params.Data === undefined) {
				throw missingParameter('Data');
			}
			if (params.DataLen === undefined) {
				throw missingParameter('DataLen');
			}
			const data = params.Data as string;
			if (data.length > ASR_LIMITS.sentenceBytes) {
				throw new TencentApiError(
					'InvalidParameter.ErrorContentlength',
					`The base64 Data is ${data.length} bytes: it must be at most 3MB (${ASR_LIMITS.sentenceBytes} bytes) after base64.`,
				);
			}
			if (data.length === 0 || data.length % 4 !== 0 || !BASE64.test(data)) {
				throw new TencentApiError('InvalidParameterValue.ErrorInvalidVoicedata', 'The value of parameter `Data` is not valid base64 (no line breaks, padded).');
			}
			bytes = Buffer.from(data, 'base64');
			if (intParam(params, 'DataLen') !== bytes.length) {
				throw new TencentApiError(
					'InvalidParameter.ErrorContentlength',
					`The value of parameter \`DataLen\` (${String(params.DataLen)}) does not match the decoded data length (${bytes.length}).`,
				);
			}
		}
		if (!matchesVoiceFormat(voiceFormat as TencentVoiceFormat, bytes)) {
			throw new TencentApiError('FailedOperation.ErrorRecognize', `The audio could not be decoded as ${voiceFormat}: check that VoiceFormat matches the audio.`);
		}
		const transcript = options.transcripts.lookup(bytes);
		const sampleRate = intParam(params, 'InputSampleRate') ?? engineSampleRate(engine);
		const seconds =
			transcript?.durationSeconds ??
			(voiceFormat === 'pcm' ? pcmDurationSeconds(bytes.length, sampleRate) : estimateAudioDurationSeconds(bytes)) ??
			0;
		if (seconds > ASR_LIMITS.sentenceSeconds) {
			throw new TencentApiError(
				'InvalidParameterValue.ErrorVoicedataTooLong',
				`The audio lasts ${seconds.toFixed(3)} s: one-sentence recognition takes at most ${ASR_LIMITS.sentenceSeconds} s.`,
			);
		}
		const filterPunc = intParam(params, 'FilterPunc') ?? 0;
		const text = transcript?.text ?? '';
		const wordInfo = intParam(params, 'WordInfo') ?? 0;
		const words =
			wordInfo === 0
				? null
				: layoutSentences(text, seconds, { segments: transcript?.segments, filterPunc })
						.flatMap((sentence) => layoutWords(sentence, wordInfo === 2))
						.map((word) => ({ Word: word.word, StartTime: word.startMs, EndTime: word.endMs }));
		const result = filterPunctuation(text, filterPunc);
		const audioDurationMs = Math.round(seconds * 1000);
		sentenceRecognitions.push({
			requestId,
			EngSerViceType: engine,
			VoiceFormat: voiceFormat,
			SourceType: sourceType,
			sha256: audioHash(bytes),
			bytes: bytes.length,
			audioDurationMs,
			result,
		});
		return { Result: result, AudioDuration: audioDurationMs, WordSize: words?.length ?? 0, WordList: words };
	};

	// --- lists ---------------------------------------------------------------------------------

	const withTags = <T extends { TagInfos: string[] | null }>(rows: T[], params: Record<string, JsonValue>): T[] => {
		const tags = tagFilter(params);
		return tags && tags.length > 0 ? rows.filter((row) => tags.every((tag) => (row.TagInfos ?? []).includes(tag))) : rows;
	};

	const getAsrVocabList = (params: Record<string, JsonValue>): Record<string, unknown> => {
		const rows = withTags(vocabs, params);
		return { VocabList: offsetPage(rows, params, ASR_LIMITS.listLimit, ASR_LIMITS.listLimit), TotalCount: rows.length };
	};

	const getCustomizationList = (params: Record<string, JsonValue>): Record<string, unknown> => {
		const rows = withTags(customizations, params);
		const page = offsetPage(rows, params, ASR_LIMITS.listLimit, ASR_LIMITS.listLimit);
		return { Data: customizations.length === 0 ? null : page, TotalCount: rows.length };
	};

	return {
		actions: {
			CreateRecTask: {
				service: 'asr',
				ratePerSecond: 20,
				params: {
					EngineModelType: { type: 'string', required: true },
					ChannelNum: { type: 'integer', required: true },
					ResTextFormat: { type: 'integer', required: true },
					SourceType: { type: 'integer', required: true },
					Data: { type: 'string' },
					DataLen: { type: 'integer' },
					Url: { type: 'string' },
					CallbackUrl: { type: 'string' },
					SpeakerDiarization: { type: 'integer' },
					SpeakerNumber: { type: 'integer' },
					HotwordId: { type: 'string' },
					ReinforceHotword: { type: 'integer' },
					CustomizationId: { type: 'string' },
					EmotionRecognition: { type: 'integer' },
					EmotionalEnergy: { type: 'integer' },
					ConvertNumMode: { type: 'integer' },
					FilterDirty: { type: 'integer' },
					FilterPunc: { type: 'integer' },
					FilterModal: { type: 'integer' },
					SentenceMaxLength: { type: 'integer' },
					Extra: { type: 'string' },
					HotwordList: { type: 'string' },
					KeyWordLibIdList: { type: 'string[]' },
					ReplaceTextId: { type: 'string' },
					SpeakerRoles: {
						type: 'object[]',
						fields: { RoleAudioUrl: { type: 'string', required: true }, RoleName: { type: 'string', required: true } },
					},
				},
				handle: (params, context) => createRecTask(params, context.requestId),
			},
			DescribeTaskStatus: {
				service: 'asr',
				ratePerSecond: 50,
				params: { TaskId: { type: 'integer', required: true } },
				handle: describeTaskStatus,
			},
			SentenceRecognition: {
				service: 'asr',
				ratePerSecond: 30,
				params: {
					EngSerViceType: { type: 'string', required: true },
					SourceType: { type: 'integer', required: true },
					VoiceFormat: { type: 'string', required: true },
					ProjectId: { type: 'integer' },
					SubServiceType: { type: 'integer' },
					Url: { type: 'string' },
					UsrAudioKey: { type: 'string' },
					Data: { type: 'string' },
					DataLen: { type: 'integer' },
					WordInfo: { type: 'integer' },
					FilterDirty: { type: 'integer' },
					FilterModal: { type: 'integer' },
					FilterPunc: { type: 'integer' },
					ConvertNumMode: { type: 'integer' },
					HotwordId: { type: 'string' },
					CustomizationId: { type: 'string' },
					ReinforceHotword: { type: 'integer' },
					HotwordList: { type: 'string' },
					InputSampleRate: { type: 'integer' },
					ReplaceTextId: { type: 'string' },
				},
				handle: async (params, context) => await sentenceRecognition(params, context.requestId),
			},
			GetAsrVocabList: {
				service: 'asr',
				ratePerSecond: 20,
				params: { TagInfos: { type: 'string[]' }, Offset: { type: 'integer' }, Limit: { type: 'integer' } },
				handle: getAsrVocabList,
			},
			GetCustomizationList: {
				service: 'asr',
				ratePerSecond: 20,
				params: { TagInfos: { type: 'string[]' }, Limit: { type: 'integer' }, Offset: { type: 'integer' } },
				handle: getCustomizationList,
			},
		},
		tasks,
		deliveries,
		sentenceRecognitions,
		vocabs,
		customizations,
		completeTask: async (taskId) => {
			const task = tasksById.get(String(taskId));
			if (!task) {
				throw new Error(`No task ${String(taskId)}`);
			}
			task.forced = true;
			return await finalize(task);
		},
		completeAll: async () => {
			const open = tasks.filter((task) => !finalizing.has(task));
			for (const task of open) {
				task.forced = true;
			}
			const results = await Promise.all(open.map(finalize));
			return results.filter((delivery): delivery is CallbackDelivery => delivery !== undefined);
		},
		settle: async () => {
			await tick();
			await Promise.allSettled([...pending]);
		},
		close: async () => {
			clearInterval(timer);
			await Promise.allSettled([...pending]);
		},
	};
}
