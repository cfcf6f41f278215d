import { timingSafeEqual } from 'node:crypto';
import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { pickFields, readSimplify, simplifyProperty } from '../common/simplify';
import {
	type CallbackRejection,
	type CallbackTextEncoding,
	CALLBACK_TEXT_ENCODINGS,
	fieldsFromParsedBody,
	normalizeCallback,
	parseCallbackForm,
	REJECTION_CODES,
} from './callback';

/**
 * The answer that tells Tencent a callback was received, byte for byte
 * (docs/tencent-asr-callbacks.md#answer-and-retries).
 */
export const CALLBACK_ACCEPTED_BODY = '{"code":0,"message":"success"}';

/**
 * When the trigger tells Tencent that a callback was received (the "Reply to Tencent" parameter):
 * - `whenReceived`: once n8n has stored the execution (and, in queue mode, put it on the queue);
 * - `whenFinished`: once the workflow has finished successfully.
 */
export type ReplyMode = 'whenReceived' | 'whenFinished';

/**
 * Non-zero answer codes for callbacks that passed every check but that n8n did not take
 * (`notStored`, "When Received") or did not run to success (`notFinished`, "When the Workflow
 * Has Finished"). Any non-zero code makes Tencent send the callback once more
 * (docs/tencent-asr-callbacks.md#answer-and-retries).
 */
export const N8N_FAILURE_CODES = { notStored: 5000, notFinished: 5001 } as const;

/** What the trigger sends Tencent for an answer n8n is about to send: HTTP status and exact JSON body. */
export interface CallbackAnswer {
	httpStatus: number;
	body: string;
	/** True when the body is {@link CALLBACK_ACCEPTED_BODY}. */
	accepted: boolean;
}

/** n8n's reason in an answer body (`{"message": …}` or text), at most 200 characters; '' when none. */
function reasonOf(body: unknown): string {
	if (typeof body === 'string') return body.trim().slice(0, 200);
	if (Buffer.isBuffer(body)) return body.toString('utf8').trim().slice(0, 200);
	if (body !== null && typeof body === 'object' && typeof (body as IDataObject).message === 'string') {
		return String((body as IDataObject).message).slice(0, 200);
	}
	return '';
}

/**
 * Turns the answer n8n is about to send for an accepted callback into the answer Tencent gets.
 *
 * n8n answers a webhook itself once it has stored the execution (`responseMode: onReceived`) or
 * once the run has ended (`lastNode`), and its own error answers look like
 * `{"code":0,"message":"There was a problem executing the workflow"}` with HTTP 500 (n8n's REST
 * error format, whose `code` is 0 for every server error: packages/cli/src/errors/
 * http-error-serializers.ts), which Tencent could take for success. So:
 * - `whenReceived`: HTTP 2xx → {@link CALLBACK_ACCEPTED_BODY}; anything else (n8n could not store
 *   or queue the execution) → code {@link N8N_FAILURE_CODES}.notStored with n8n's status.
 * - `whenFinished`: the trigger's webhook asks n8n for no data (`responseData: noData`), so a
 *   successful run is answered by n8n with HTTP 2xx and NO body; that alone becomes
 *   {@link CALLBACK_ACCEPTED_BODY}. Every other answer (HTTP 500 "Error in workflow" for a failed
 *   run or a job whose worker died, HTTP 500 when storing failed, HTTP 200 "Workflow executed
 *   successfully but no data was returned" when n8n failed the run before it started) → code
 *   {@link N8N_FAILURE_CODES}.notFinished, HTTP 500.
 * Source: packages/cli/src/webhooks/webhook-helpers.ts (executeWebhook) and
 * webhook-last-node-response-extractor.ts in n8n 2.40 (https://github.com/n8n-io/n8n);
 * docs/n8n.md#webhook-responses.
 *
 * @param mode the trigger's "Reply to Tencent" choice.
 * @param status the HTTP status n8n set.
 * @param body what n8n passed to `res.json` / `res.send` (undefined for no body).
 */
export function answerForN8nReply(mode: ReplyMode, status: number, body: unknown): CallbackAnswer {
	const ok = status >= 200 && status < 300;
	const noBody = body === undefined || body === null || body === '';
	if (ok && (mode === 'whenReceived' || noBody)) {
		return { httpStatus: 200, body: CALLBACK_ACCEPTED_BODY, accepted: true };
	}
	const reason = reasonOf(body);
	const n8nSaid = `n8n answered HTTP ${status}${reason ? `: ${reason}` : ''}`;
	const httpStatus = ok ? 500 : status;
	if (mode === 'whenReceived') {
		const message = `The callback was not stored, so Tencent should send it again (${n8nSaid})`;
		return { httpStatus, body: JSON.stringify({ code: N8N_FAILURE_CODES.notStored, message }), accepted: false };
	}
	const message = `The workflow did not finish successfully, so Tencent should send the callback again (${n8nSaid})`;
	return { httpStatus, body: JSON.stringify({ code: N8N_FAILURE_CODES.notFinished, message }), accepted: false };
}

/** The response methods n8n uses to send a webhook's answer (Express `json` / `send`). */
interface SendingResponse {
	statusCode: number;
	json: (body?: unknown) => unknown;
	send: (body?: unknown) => unknown;
}

/**
 * Makes the answer that n8n sends for this request go through {@link answerForN8nReply}: replaces
 * `json` and `send` on this one response object, so what n8n sends later (after storing the
 * execution, or after the run) is judged, rewritten to Tencent's format and written by `write`.
 */
function replyThroughN8n(response: SendingResponse, mode: ReplyMode, write: (answer: CallbackAnswer) => void): void {
	let answered = false;
	const answer = (body?: unknown) => {
		if (!answered) {
			answered = true;
			write(answerForN8nReply(mode, response.statusCode, body));
		}
		return response;
	};
	response.json = answer;
	response.send = answer;
}

/** Default largest callback body, in MB (n8n's own default payload limit is 16 MB). */
export const DEFAULT_MAX_BODY_MB = 16;

/**
 * The simplified output of a callback, in this order: `success` is `code === 0`. Without
 * Simplify every field of {@link normalizeCallback} is output (`appId`, `projectId`,
 * `resultDetail`, `resultDetailRaw`, `raw`, `rawBody` as well).
 */
export const SIMPLIFIED_CALLBACK_FIELDS = ['taskId', 'code', 'message', 'success', 'text', 'audioTime', 'audioUrl', 'format'] as const;

/**
 * True when `given` equals `expected`, compared in constant time after a length check (as n8n's
 * own webhook triggers compare secrets; docs/n8n.md#webhook-responses).
 */
export function tokensMatch(given: string, expected: string): boolean {
	// UTF-16 code units, not UTF-8: two different lone surrogates both become U+FFFD in UTF-8
	const a = Buffer.from(given, 'utf16le');
	const b = Buffer.from(expected, 'utf16le');
	return a.length === b.length && timingSafeEqual(a, b);
}

/** The raw body bytes n8n keeps on the request (`rawBody`), when present. */
function rawBodyOf(request: unknown): Buffer | undefined {
	const raw = (request as { rawBody?: unknown } | undefined)?.rawBody;
	if (Buffer.isBuffer(raw)) return raw;
	if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
	return undefined;
}

function firstHeader(value: string | string[] | undefined): string {
	return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

/**
 * Receives Tencent Cloud ASR result callbacks (legacy API and CreateRecTask;
 * docs/tencent-asr-callbacks.md#callback-request) and starts the workflow with the normalised result.
 */
export class TencentCloudAsrTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tencent Cloud ASR Trigger',
		name: 'tencentCloudAsrTrigger',
		icon: { light: 'file:../../icons/tencentCloud.svg', dark: 'file:../../icons/tencentCloud.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"POST /" + $parameter["path"]}}',
		description: 'Starts the workflow when Tencent Cloud ASR posts the result of a recording recognition task',
		defaults: { name: 'Tencent Cloud ASR Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// n8n answers after storing the execution (onReceived) or after the run (lastNode);
				// the trigger turns that answer into Tencent's format (answerForN8nReply).
				responseMode: '={{$parameter["reply"] === "whenFinished" ? "lastNode" : "onReceived"}}',
				responseData: '={{$parameter["reply"] === "whenFinished" ? "noData" : ""}}',
				path: '={{$parameter["path"]}}',
			},
		],
		properties: [
			{
				displayName:
					'Use this node\'s Production URL as the Callback URL of a Tencent Cloud ASR "Create Task" or "Create Legacy Task", adding ?token= and the Callback Token when you set one, and activate this workflow. The test URL listens for only 2 minutes, while recognition can take longer.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: 'tencent-asr-callback',
				required: true,
				placeholder: 'e.g. tencent-asr-callback',
				description: 'The last part of the webhook URL that Tencent posts results to',
			},
			{
				displayName: 'Reply to Tencent',
				name: 'reply',
				type: 'options',
				options: [
					{
						name: 'When Received',
						value: 'whenReceived',
						description:
							'Answer success once n8n has stored the execution. If the run later fails, or the worker running it dies, Tencent does not send the result again.',
					},
					{
						name: 'When the Workflow Has Finished',
						value: 'whenFinished',
						description:
							'Answer success only after the workflow finished successfully. A failed or lost run gets an error answer, so Tencent sends the result once more. Keep the workflow short: Tencent does not wait forever.',
					},
				],
				default: 'whenReceived',
				description:
					'When n8n tells Tencent that the result arrived. Tencent sends a result again (once) only when the answer is not success.',
			},
			simplifyProperty,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Callback Token',
						name: 'callbackToken',
						type: 'string',
						typeOptions: { password: true },
						default: '',
						description:
							'Secret that callers must send as the token query parameter (…/tencent-asr-callback?token=THE-TOKEN). Requests without it, or with another value, get HTTP 403 and start nothing. Tencent signs nothing on callbacks, so this is the only way to keep strangers out.',
					},
					{
						displayName: 'Include Failed Recognitions',
						name: 'includeFailed',
						type: 'boolean',
						default: true,
						description:
							'Whether to start the workflow for callbacks whose code is not 0 (recognition failed: 10000 transcoding failed, 10001 recognition failed, 10003 audio too long, 10007 download failed …). When off, such callbacks are still answered with code 0, so Tencent does not send them again, and are dropped.',
					},
					{
						displayName: 'Text Encoding',
						name: 'textEncoding',
						type: 'options',
						options: [
							{
								name: 'Auto (UTF-8 or GBK/GB2312)',
								value: 'auto',
								description: 'Reads the text as UTF-8 or as GB18030 (which covers GB2312 and GBK), whichever is valid and looks like a transcript',
							},
							{ name: 'UTF-8', value: 'utf-8', description: 'Create Task callbacks, and legacy tasks with Result Text Encoding UTF-8' },
							{ name: 'GBK / GB2312', value: 'gb18030', description: 'Legacy tasks with Result Text Encoding GB2312 or GBK' },
							{ name: 'BIG5', value: 'big5', description: 'Legacy tasks with Result Text Encoding BIG5' },
						],
						default: 'auto',
						description:
							'Encoding of the recognised text in legacy callbacks: the Result Text Encoding their task asked for. Create Task callbacks are always read as UTF-8. Auto tells UTF-8 from GBK/GB2312; BIG5 must be chosen.',
					},
					{
						displayName: 'Max Body Size (MB)',
						name: 'maxBodySizeMb',
						type: 'number',
						typeOptions: { minValue: 0.001, numberPrecision: 3 },
						default: DEFAULT_MAX_BODY_MB,
						description: 'Larger callbacks are refused with HTTP 413 (word-level results of long recordings can be several MB)',
					},
				],
			},
		],
	};

	/**
	 * Tencent has no API to register callback URLs: the URL travels with each task. These methods
	 * only record, in the node's static data, which production URL this workflow listens on.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				return staticData.webhookUrl === this.getNodeWebhookUrl('default');
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				staticData.webhookUrl = this.getNodeWebhookUrl('default');
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				delete staticData.webhookUrl;
				return true;
			},
		},
	};

	/**
	 * Handles one callback. Order of checks: token (403, code 4003) → content type
	 * `application/x-www-form-urlencoded` (415, 4004) → size (413, 4005) → form syntax (400, 4000)
	 * → `requestId` (400, 4001) → `code` (400, 4002). A refused request is answered here with
	 * `{"code":<400x>,"message":<reason>}` and starts nothing, so Tencent retries
	 * (docs/tencent-asr-callbacks.md#answer-and-retries).
	 *
	 * An accepted callback is NOT answered here: the trigger returns the workflow data and lets n8n
	 * answer once it has stored the execution ("When Received") or once the run has ended ("When
	 * the Workflow Has Finished"); {@link answerForN8nReply} turns n8n's answer into exactly
	 * `{"code":0,"message":"success"}` (HTTP 200, application/json) on success and a non-zero
	 * code otherwise, so a callback n8n did not store, or a run that failed or was lost, is sent
	 * again by Tencent (docs/n8n.md#webhook-responses, docs/n8n.md#queue-mode). The workflow
	 * receives {@link normalizeCallback}'s fields (only {@link SIMPLIFIED_CALLBACK_FIELDS} with
	 * Simplify on, the default). With "Include Failed Recognitions" off, a failed recognition is
	 * answered success here and dropped.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const reply: ReplyMode = this.getNodeParameter('reply', 'whenReceived') === 'whenFinished' ? 'whenFinished' : 'whenReceived';
		const send = (status: number, body: string) => {
			response.writeHead(status, {
				'content-type': 'application/json; charset=utf-8',
				'content-length': String(Buffer.byteLength(body)),
			});
			response.end(body);
		};
		const refuse = (rejection: CallbackRejection): IWebhookResponseData => {
			this.logger.warn(`Tencent Cloud ASR Trigger refused a callback: HTTP ${rejection.httpStatus}, ${rejection.message}`);
			send(rejection.httpStatus, JSON.stringify({ code: rejection.code, message: rejection.message }));
			return { noWebhookResponse: true };
		};

		const expectedToken = String(options.callbackToken ?? '');
		if (expectedToken) {
			const token = (this.getQueryData() as IDataObject).token;
			if (typeof token !== 'string' || !tokensMatch(token, expectedToken)) {
				return refuse({
					httpStatus: 403,
					code: REJECTION_CODES.forbidden,
					message: 'Forbidden: the token query parameter is missing or wrong',
				});
			}
		}
		const headers = this.getHeaderData();
		const contentType = firstHeader(headers['content-type']);
		const mimeType = contentType.split(';')[0].trim().toLowerCase();
		if (mimeType !== 'application/x-www-form-urlencoded') {
			return refuse({
				httpStatus: 415,
				code: REJECTION_CODES.unsupportedContentType,
				message: `Unsupported content type "${contentType.slice(0, 100)}": Tencent callbacks are application/x-www-form-urlencoded`,
			});
		}
		const maxMb = Number(options.maxBodySizeMb ?? DEFAULT_MAX_BODY_MB);
		const maxBytes = Math.floor((Number.isFinite(maxMb) && maxMb > 0 ? maxMb : DEFAULT_MAX_BODY_MB) * 1024 * 1024);
		const raw = rawBodyOf(request);
		const declared = Number(firstHeader(headers['content-length']));
		const size = raw ? raw.length : Number.isFinite(declared) ? declared : 0;
		if (size > maxBytes) {
			return refuse({
				httpStatus: 413,
				code: REJECTION_CODES.bodyTooLarge,
				message: `The body is ${size} bytes, more than the ${maxBytes} bytes allowed`,
			});
		}
		const encodingOption = String(options.textEncoding ?? 'auto') as CallbackTextEncoding;
		const encoding = CALLBACK_TEXT_ENCODINGS.includes(encodingOption) ? encodingOption : 'auto';
		const fields = raw ? parseCallbackForm(raw, encoding) : fieldsFromParsedBody(this.getBodyData());
		if (!fields.ok) return refuse(fields.rejection);
		const callback = normalizeCallback(fields.value, raw ? raw.toString('utf8') : null);
		if (!callback.ok) return refuse(callback.rejection);

		if (callback.value.code !== 0 && options.includeFailed === false) {
			send(200, CALLBACK_ACCEPTED_BODY);
			this.logger.info(
				`Tencent Cloud ASR Trigger dropped the failed recognition of task ${callback.value.taskId} (code ${callback.value.code}); "Include Failed Recognitions" is off`,
			);
			return { noWebhookResponse: true };
		}
		const taskId = callback.value.taskId;
		replyThroughN8n(response as unknown as SendingResponse, reply, (answer) => {
			if (!answer.accepted) {
				this.logger.warn(`Tencent Cloud ASR Trigger answered task ${taskId} with an error so that Tencent sends it again: ${answer.body}`);
			}
			send(answer.httpStatus, answer.body);
		});
		// n8n sends this (through replyThroughN8n) once it has stored the execution ("When Received");
		// with "When the Workflow Has Finished" n8n answers after the run instead.
		const output = readSimplify(this.getNodeParameter('simplify', true))
			? pickFields({ ...callback.value, success: callback.value.code === 0 }, SIMPLIFIED_CALLBACK_FIELDS)
			: callback.value;
		return { webhookResponse: { code: 0, message: 'success' }, workflowData: [this.helpers.returnJsonArray([output])] };
	}
}
