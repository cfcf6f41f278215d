/**
 * The Tencent Cloud API 3.0 emulator: one HTTP server answering `POST /` for the CAM, CCC and ASR
 * actions of ./cam, ./ccc and ./asr. It verifies TC3-HMAC-SHA256 signatures with its own
 * implementation (./tc3, never the package's), keeps its own clock, enforces the documented rate
 * limits (docs/tencent-cloud-api.md#rate-limits) and answers in the API 3.0 envelope
 * (docs/tencent-cloud-api.md#error-answers) with a `Date` header of its own clock, as the real
 * service does, so a client can tell how far its clock is off.
 *
 * Emulator choices where the vendor's behaviour is not documented (each also noted where it
 * applies): invalid JSON → `InvalidParameter`; wrong Content-Type → `InvalidParameter`; signed
 * headers without content-type/host → `AuthFailure.InvalidAuthorization`; a credential scope whose
 * service is not the action's, or whose date is not the timestamp's UTC date →
 * `AuthFailure.SignatureFailure` (the real server signs with its own host's service and the
 * timestamp's date, so the signature cannot match); wrong version → `NoSuchVersion`; rate limits
 * count every authenticated request per SecretId and action in a sliding 1000 ms window of the
 * emulator clock.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallbackDelivery, HexCase } from '../callbackSender';
import { EmulatorClock, readBodyCapped, startServer, type TranscriptRegistry } from '../common';
import { EmulatorRuntime, TRANSPORT_FAULTS, type FaultInjector, type FaultKind, type RequestTarget } from '../faults';
import { RateLimiter, type EmulatorStats } from '../limits';
import { isPlainObject, TENCENT_SERVICE_VERSIONS, TencentApiError, validateParams, type ActionDefinition, type TencentService } from './api';
import { ASR_LIMITS, createAsrService, type CustomizationModel, type RecTaskRecord, type SentenceRecognitionRecord, type Vocab } from './asr';
import { createCamService } from './cam';
import { CCC_LIMITS, createCccService, type CccBuyInfoOptions, type IvrUploadRecord } from './ccc';
import {
	hostWithoutPort,
	parseJsonLossless,
	parseTc3Authorization,
	tc3CanonicalRequest,
	tc3Signature,
	tc3StringToSign,
	toJsonText,
	utcDate,
	type JsonValue,
} from './tc3';

/** Emulator limits (bytes, counts, seconds). */
export const TENCENT_LIMITS = {
	/** API 3.0 request body (TC3 POST), bytes: 10 MB (vendor docs). */
	requestBodyBytes: 10 * 1024 * 1024,
	/** Allowed skew between X-TC-Timestamp and the emulator clock, seconds. */
	timestampSkewSeconds: 300,
	...CCC_LIMITS,
	...ASR_LIMITS,
} as const;

/** The faults the API 3.0 emulator can inject (see ../faults). */
export const TENCENT_FAULTS: readonly FaultKind[] = [...TRANSPORT_FAULTS, 'rate-limit', 'error', 'clock-skew', 'truncated-body'];

/** One request seen by the emulator, successful or not. */
export interface ApiRequestRecord {
	/** X-TC-Action ('' when absent). */
	action: string;
	/** Credential-scope service ('' when the Authorization header was malformed). */
	service: string;
	ok: boolean;
	errorCode?: string;
	/** The body JSON (`Data` truncated to 32 characters plus its length); undefined when not JSON. */
	params?: unknown;
	/** X-TC-Timestamp minus the emulator clock (with any clock-skew fault), seconds (undefined when not numeric). */
	timestampSkewSeconds?: number;
	/** X-TC-Region, when sent. */
	region?: string;
	/** X-TC-Token, when sent. */
	token?: string;
	requestId: string;
	/** Wall-clock time of arrival, epoch milliseconds. */
	at: number;
	/** True when the emulator destroyed the socket instead of answering (`reset-after` fault / resetNext). */
	reset?: boolean;
	/** The fault kind that acted on this request, if any. */
	fault?: FaultKind;
}

/** Options of {@link startTencentCloudEmulator}. */
export interface TencentCloudEmulatorOptions {
	secretId: string;
	secretKey: string;
	/** When set, every request must carry `X-TC-Token` equal to it (else AuthFailure.TokenFailure). */
	sessionToken?: string;
	/** The account AppId (GetUserAppId, callbacks). */
	appId: number;
	/** The account Uin (GetUserAppId `Uin`/`OwnerUin`). Default `100000000001`. */
	uin?: string;
	/** The CCC applications that exist (SdkAppId). */
	sdkAppIds: number[];
	transcripts: TranscriptRegistry;
	/** DescribeTaskStatus polls answered `waiting` (default 1) then `doing` (default 1) before the result. */
	taskSteps?: { waitingPolls?: number; doingPolls?: number };
	/**
	 * Seconds of emulator clock per task step for tasks WITH a CallbackUrl, which also complete on
	 * their own after (waitingPolls + doingPolls + 1) steps. Default 1.
	 */
	taskStepSeconds?: number;
	/** Seconds of emulator clock after which an uploaded IVR file is reviewed. Default 60. */
	reviewSeconds?: number;
	/** Freeze the clock (it then moves only by advanceClock/setClock). Default false: runs with real time. */
	freezeClock?: boolean;
	/** Hex case of callback percent-escapes. Default `upper` (as Tencent's CreateRecTask example). */
	callbackHexCase?: HexCase;
	/** Wait before the callback retry, ms. Default random 0–200. */
	callbackRetryIntervalMs?: number;
	/** Key casing of the callback `resultDetail` JSON. Default `pascal`. */
	callbackDetailCase?: 'pascal' | 'camel';
	/**
	 * What UploadIvrAudio puts in `FailedFileList[].FileName` (undocumented): `custom` (default)
	 * the CustomFileName; `opaque` a name of Tencent's own that the caller cannot match.
	 */
	failedFileName?: 'custom' | 'opaque';
	/** DescribeCCCBuyInfoList contents and its `TotalCount` (default 0, as the official example). */
	cccBuyInfo?: CccBuyInfoOptions;
	/** The account's hotword tables (GetAsrVocabList). Default: none. */
	vocabs?: Array<Partial<Vocab> & { Name: string }>;
	/** The account's self-learning models (GetCustomizationList). Default: none (`Data: null`). */
	customizations?: Array<Partial<CustomizationModel> & { ModelName: string }>;
	/** Requests per second per action, overriding the documented ones (e.g. for a benchmark). */
	rateLimits?: Record<string, number>;
	/** A fixed delay added to every answer, milliseconds (benchmark). Default 0. */
	latencyMs?: number;
}

/** A running API 3.0 emulator. */
export interface TencentCloudEmulator {
	/** Base URL, e.g. `http://127.0.0.1:40123` (POST `/`). */
	url: string;
	port: number;
	/** Every request, in arrival order. */
	readonly requests: ApiRequestRecord[];
	/** Accepted IVR files (statuses refreshed on read). */
	readonly uploads: IvrUploadRecord[];
	/** CreateRecTask tasks. */
	readonly tasks: RecTaskRecord[];
	/** CreateRecTask callback deliveries, in completion order. */
	readonly deliveries: CallbackDelivery[];
	/** Answered SentenceRecognition requests (recognitions done). */
	readonly sentenceRecognitions: SentenceRecognitionRecord[];
	/** The hotword tables GetAsrVocabList lists (defaults filled in). */
	readonly vocabs: Vocab[];
	/** The models GetCustomizationList lists (defaults filled in). */
	readonly customizations: CustomizationModel[];
	/** Fault injection (../faults): reset-before/after, hang, slow, http-status, rate-limit, error, clock-skew, truncated-body. */
	readonly faults: FaultInjector;
	/** Requests, refusals (RequestLimitExceeded by the emulator's limits), faults and peak rate per action. */
	stats(): EmulatorStats;
	/** Zeroes the statistics. */
	resetStats(): void;
	/** Sets the fixed latency of every later answer, milliseconds. */
	setLatency(ms: number): void;
	/** Emulator clock, epoch seconds. */
	nowSeconds(): number;
	/** Moves the clock; resolves once callbacks that became due have been delivered. */
	advanceClock(seconds: number): Promise<void>;
	/** Sets the clock; resolves once callbacks that became due have been delivered. */
	setClock(epochSeconds: number): Promise<void>;
	/** Marks every IVR file reviewed: Status 1, or 2 for names containing "reject". */
	approveAll(): void;
	/** Sets how many IVR files were uploaded today (toward the 50/day quota). */
	setDailyUploads(count: number): void;
	/** Completes a task now (its next poll answers the result); resolves with its callback delivery, if any. */
	completeTask(taskId: string | bigint | number): Promise<CallbackDelivery | undefined>;
	/** Completes every unfinished task; resolves with the callback deliveries made. */
	completeAll(): Promise<CallbackDelivery[]>;
	/** The next `count` requests of `action` (after authentication) answer this error (an `error` fault). */
	failNext(action: string, code: string, message?: string, count?: number): void;
	/**
	 * The next `count` requests of `action` are processed (an upload/task IS recorded) but the
	 * socket is destroyed instead of answering (a `reset-after` fault).
	 */
	resetNext(action: string, count?: number): void;
	close(): Promise<void>;
}

/** Actions → service and documented rate limit (requests per second), every action the emulator answers. */
export const TENCENT_ACTIONS: ReadonlyMap<string, { service: TencentService; ratePerSecond: number }> = new Map<
	string,
	{ service: TencentService; ratePerSecond: number }
>([
	['GetUserAppId', { service: 'cam', ratePerSecond: 20 }],
	['UploadIvrAudio', { service: 'ccc', ratePerSecond: 1 }],
	['DescribeIvrAudioList', { service: 'ccc', ratePerSecond: 20 }],
	['DescribeCCCBuyInfoList', { service: 'ccc', ratePerSecond: 20 }],
	['CreateRecTask', { service: 'asr', ratePerSecond: 20 }],
	['DescribeTaskStatus', { service: 'asr', ratePerSecond: 50 }],
	['SentenceRecognition', { service: 'asr', ratePerSecond: 30 }],
	['GetAsrVocabList', { service: 'asr', ratePerSecond: 20 }],
	['GetCustomizationList', { service: 'asr', ratePerSecond: 20 }],
]);

const EXPIRED_MESSAGE =
	'Signature expired. Timestamp and server time cannot differ by more than five minutes. Please ensure your current local time matches the standard time.';

/**
 * Starts the API 3.0 emulator on 127.0.0.1 (free port). Every answer is HTTP 200 JSON:
 * `{"Response":{…,"RequestId":"<uuid>"}}` or `{"Response":{"Error":{"Code","Message"},"RequestId"}}`
 * with a `Date` header of the emulator clock. Check order: transport faults (reset-before, hang,
 * http-status) → method/path → body size (RequestSizeLimitExceeded) → Authorization format
 * (AuthFailure.InvalidAuthorization) → X-TC-Action / X-TC-Version / X-TC-Timestamp
 * (MissingParameter / InvalidParameter) → SecretId (AuthFailure.SecretIdNotFound) → ±300 s of the
 * clock, shifted by any clock-skew fault (AuthFailure.SignatureExpire) → SignedHeaders ⊇
 * content-type;host (InvalidAuthorization) → Content-Type application/json (InvalidParameter) →
 * credential date/service and signature (AuthFailure.SignatureFailure) → X-TC-Token
 * (AuthFailure.TokenFailure) → action (InvalidAction) → version (NoSuchVersion) → X-TC-Language →
 * injected `error` / `rate-limit` faults → rate limit (RequestLimitExceeded) → JSON
 * (InvalidParameter) → parameters (UnknownParameter / MissingParameter / InvalidParameterValue) →
 * the action → `reset-after` fault.
 */
export async function startTencentCloudEmulator(options: TencentCloudEmulatorOptions): Promise<TencentCloudEmulator> {
	const clock = new EmulatorClock(options.freezeClock ?? false);
	const limiter = new RateLimiter();
	const limitOf = (action: string): number | undefined => options.rateLimits?.[action] ?? TENCENT_ACTIONS.get(action)?.ratePerSecond;
	const runtime = new EmulatorRuntime({
		name: 'Tencent Cloud API 3.0',
		supportedFaults: TENCENT_FAULTS,
		nowMs: () => clock.nowMs(),
		latencyMs: options.latencyMs,
		limitOf,
	});
	const ccc = createCccService({
		sdkAppIds: options.sdkAppIds,
		clock,
		reviewSeconds: options.reviewSeconds,
		failedFileName: options.failedFileName,
		buyInfo: options.cccBuyInfo,
	});
	const asr = createAsrService({
		appId: options.appId,
		transcripts: options.transcripts,
		clock,
		faults: runtime.faults,
		taskSteps: options.taskSteps,
		taskStepSeconds: options.taskStepSeconds,
		callbackHexCase: options.callbackHexCase,
		callbackRetryIntervalMs: options.callbackRetryIntervalMs,
		callbackDetailCase: options.callbackDetailCase,
		vocabs: options.vocabs,
		customizations: options.customizations,
	});
	const actions: Record<string, ActionDefinition> = {
		...createCamService({ appId: options.appId, uin: options.uin ?? '100000000001' }),
		...ccc.actions,
		...asr.actions,
	};
	const requests: ApiRequestRecord[] = [];

	const truncatedParams = (params: unknown): unknown => {
		if (!isPlainObject(params)) {
			return params;
		}
		const copy: Record<string, unknown> = { ...params };
		if (typeof copy.Data === 'string' && copy.Data.length > 32) {
			copy.Data = `${copy.Data.slice(0, 32)}…(${copy.Data.length} chars)`;
		}
		return copy;
	};

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const requestId = randomUUID();
		const header = (name: string): string | undefined => {
			const value = req.headers[name];
			return Array.isArray(value) ? value.join(',') : value;
		};
		const url = new URL(req.url ?? '/', 'http://emulator');
		const target: RequestTarget = { action: header('x-tc-action') ?? '', path: url.pathname };
		const record: ApiRequestRecord = {
			action: target.action,
			service: '',
			ok: false,
			requestId,
			at: Date.now(),
			region: header('x-tc-region'),
			token: header('x-tc-token'),
		};
		requests.push(record);
		runtime.begin(res, target);
		const skew = runtime.vendor(target, ['clock-skew']);
		if (skew) record.fault = 'clock-skew';
		const serverMs = (): number => clock.nowMs() + (skew?.seconds ?? 0) * 1000;
		const send = (data: unknown): void => {
			const text = toJsonText({ Response: data });
			res.writeHead(200, {
				'content-type': 'application/json; charset=utf-8',
				'content-length': Buffer.byteLength(text),
				date: new Date(serverMs()).toUTCString(),
			});
			res.end(text);
		};
		const fail = (error: TencentApiError): void => {
			record.errorCode = error.code;
			send({ Error: { Code: error.code, Message: error.message }, RequestId: requestId });
		};
		try {
			const isApiCall = req.method === 'POST' && url.pathname === '/';
			const { body, totalBytes } = await readBodyCapped(req, isApiCall ? TENCENT_LIMITS.requestBodyBytes : 0);
			const transport = runtime.transport(req, res, target);
			if (transport) {
				record.fault = transport.kind;
				return;
			}
			if (!isApiCall) {
				throw new TencentApiError(
					'UnsupportedOperation',
					`This emulator answers only POST / with a JSON body (got ${req.method ?? '?'} ${url.pathname}).`,
				);
			}
			if (totalBytes > TENCENT_LIMITS.requestBodyBytes) {
				throw new TencentApiError(
					'RequestSizeLimitExceeded',
					`The request body is ${totalBytes} bytes, more than the ${TENCENT_LIMITS.requestBodyBytes} bytes allowed.`,
				);
			}
			const authorization = parseTc3Authorization(header('authorization'));
			if (!authorization) {
				throw new TencentApiError(
					'AuthFailure.InvalidAuthorization',
					'The Authorization header is missing or malformed: expected `TC3-HMAC-SHA256 Credential=<SecretId>/<Date>/<service>/tc3_request, SignedHeaders=<headers>, Signature=<hex>`.',
				);
			}
			record.service = authorization.service;
			const action = header('x-tc-action');
			const version = header('x-tc-version');
			const timestampText = header('x-tc-timestamp');
			if (!action) {
				throw new TencentApiError('MissingParameter', 'The request is missing a required parameter `Action`.');
			}
			if (!version) {
				throw new TencentApiError('MissingParameter', 'The request is missing a required parameter `Version`.');
			}
			if (timestampText === undefined || timestampText === '') {
				throw new TencentApiError('MissingParameter', 'The request is missing a required parameter `Timestamp`.');
			}
			if (!/^\d{1,12}$/.test(timestampText)) {
				throw new TencentApiError('InvalidParameter', 'The parameter `Timestamp` must be a Unix timestamp in seconds.');
			}
			const timestamp = Number(timestampText);
			record.timestampSkewSeconds = timestamp - Math.floor(serverMs() / 1000);
			if (authorization.secretId !== options.secretId) {
				throw new TencentApiError(
					'AuthFailure.SecretIdNotFound',
					'The SecretId is not found, please ensure that your SecretId is correct.',
				);
			}
			if (Math.abs(record.timestampSkewSeconds) > TENCENT_LIMITS.timestampSkewSeconds) {
				throw new TencentApiError('AuthFailure.SignatureExpire', EXPIRED_MESSAGE);
			}
			if (!authorization.signedHeaders.includes('content-type') || !authorization.signedHeaders.includes('host')) {
				throw new TencentApiError('AuthFailure.InvalidAuthorization', 'SignedHeaders must include content-type and host.');
			}
			const contentType = (header('content-type') ?? '').toLowerCase();
			if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/.test(contentType.trim())) {
				throw new TencentApiError(
					'InvalidParameter',
					`Content-Type \`${header('content-type') ?? ''}\` is not supported: send application/json.`,
				);
			}
			const definition = Object.hasOwn(actions, action) ? actions[action] : undefined;
			const service = definition?.service ?? authorization.service;
			const headers: Record<string, string> = {};
			for (const name of authorization.signedHeaders) {
				headers[name] = name === 'host' ? hostWithoutPort(header('host') ?? '') : (header(name) ?? '');
			}
			const canonical = tc3CanonicalRequest({
				method: 'POST',
				path: '/',
				query: url.search.slice(1),
				headers,
				signedHeaders: authorization.signedHeaders,
				body,
			});
			const expected = tc3Signature(options.secretKey, utcDate(timestamp), service, tc3StringToSign(timestamp, utcDate(timestamp), service, canonical));
			const signatureOk =
				authorization.date === utcDate(timestamp) &&
				authorization.service === service &&
				timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(authorization.signature, 'hex'));
			if (!signatureOk) {
				throw new TencentApiError(
					'AuthFailure.SignatureFailure',
					'The provided credentials could not be validated. Please check your signature is correct.',
				);
			}
			const token = header('x-tc-token');
			if ((options.sessionToken ?? '') !== (token ?? '')) {
				throw new TencentApiError('AuthFailure.TokenFailure', 'The token is invalid or does not match the temporary credentials.');
			}
			if (!definition) {
				throw new TencentApiError('InvalidAction', `The requested action \`${action}\` does not exist for service \`${service}\`.`);
			}
			if (version !== TENCENT_SERVICE_VERSIONS[definition.service]) {
				throw new TencentApiError(
					'NoSuchVersion',
					`The requested version \`${version}\` of service \`${definition.service}\` does not exist (use ${TENCENT_SERVICE_VERSIONS[definition.service]}).`,
				);
			}
			const language = header('x-tc-language');
			if (language !== undefined && language !== 'zh-CN' && language !== 'en-US') {
				throw new TencentApiError('InvalidParameterValue', 'X-TC-Language must be zh-CN or en-US.');
			}
			const limit = limitOf(action) ?? definition.ratePerSecond;
			const injected = runtime.vendor(target, ['error', 'rate-limit']);
			if (injected) {
				record.fault = injected.kind;
				if (injected.kind === 'rate-limit') {
					throw new TencentApiError(
						'RequestLimitExceeded',
						injected.message ?? `Your current request times equals to \`${limit + 1}\` in a second, which exceeds the frequency limit \`${limit}\` for a second. Please reduce the frequency of calls.`,
					);
				}
				throw new TencentApiError(String(injected.code), injected.message ?? `Injected ${String(injected.code)}.`);
			}
			const admitted = limiter.admit(`${options.secretId}:${action}`, limit, clock.nowMs());
			if (!admitted.ok) {
				runtime.refuse(action);
				throw new TencentApiError(
					'RequestLimitExceeded',
					`Your current request times equals to \`${admitted.count}\` in a second, which exceeds the frequency limit \`${limit}\` for a second. Please reduce the frequency of calls.`,
				);
			}
			let params: JsonValue;
			try {
				params = parseJsonLossless(body.toString('utf8'));
			} catch (error) {
				throw new TencentApiError('InvalidParameter', `The request body is not valid JSON: ${(error as Error).message}.`);
			}
			record.params = truncatedParams(params);
			if (!isPlainObject(params)) {
				throw new TencentApiError('InvalidParameter', 'The request body must be a JSON object.');
			}
			validateParams(params, definition.params);
			const data = await definition.handle(params, { requestId });
			record.ok = true;
			if (runtime.resetAfter(req, target)) {
				record.reset = true;
				record.fault = 'reset-after';
				return;
			}
			send({ ...data, RequestId: requestId });
		} catch (error) {
			if (error instanceof TencentApiError) {
				fail(error);
				return;
			}
			fail(new TencentApiError('InternalError', `Emulator failure: ${(error as Error).message}`));
		}
	};

	const server = await startServer(handle);

	return {
		url: server.url,
		port: server.port,
		requests,
		get uploads() {
			return ccc.uploads;
		},
		tasks: asr.tasks,
		deliveries: asr.deliveries,
		sentenceRecognitions: asr.sentenceRecognitions,
		vocabs: asr.vocabs,
		customizations: asr.customizations,
		faults: runtime.faults,
		stats: () => runtime.stats(),
		resetStats: () => runtime.resetStats(),
		setLatency: (ms: number) => runtime.setLatency(ms),
		nowSeconds: () => clock.nowSeconds(),
		advanceClock: async (seconds: number) => {
			clock.advance(seconds);
			await asr.settle();
		},
		setClock: async (epochSeconds: number) => {
			clock.set(epochSeconds);
			await asr.settle();
		},
		approveAll: () => ccc.approveAll(),
		setDailyUploads: (count: number) => ccc.setDailyUploads(count),
		completeTask: async (taskId) => await asr.completeTask(taskId),
		completeAll: async () => await asr.completeAll(),
		failNext: (action: string, code: string, message = `Injected ${code}.`, count = 1) => {
			runtime.faults.add({ kind: 'error', match: { action }, code, message, count });
		},
		resetNext: (action: string, count = 1) => {
			runtime.faults.add({ kind: 'reset-after', match: { action }, count });
		},
		close: async () => {
			runtime.close();
			await asr.close();
			await server.close();
		},
	};
}
