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

/** The answer that tells Tencent a callback was received (docs/tencent-asr-callbacks.md#answer-and-retries), byte for byte. */
export const CALLBACK_ACCEPTED_BODY = '{"code":0,"message":"success"}';

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
	const a = Buffer.from(given, 'utf8');
	const b = Buffer.from(expected, 'utf8');
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
 * docs/tencent-asr-callbacks.md) and starts the workflow with the normalised result.
 */
export class TencentCloudAsrTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tencent Cloud ASR Trigger',
		name: 'tencentCloudAsrTrigger',
		icon: { light: 'file:tencentCloud.svg', dark: 'file:tencentCloud.dark.svg' },
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
				responseMode: 'onReceived',
				responseData: '',
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
	 * → `requestId` (400, 4001) → `code` (400, 4002). A refused request gets
	 * `{"code":<400x>,"message":<reason>}` and starts nothing, so Tencent retries
	 * (docs/tencent-asr-callbacks.md#answer-and-retries). An accepted one gets exactly `{"code":0,"message":"success"}` (HTTP 200,
	 * application/json) and starts the workflow with {@link normalizeCallback}'s fields (only
	 * {@link SIMPLIFIED_CALLBACK_FIELDS} with Simplify on, the default); with "Include Failed
	 * Recognitions" off, a failed recognition is acknowledged the same way and dropped.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const options = this.getNodeParameter('options', {}) as IDataObject;
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

		send(200, CALLBACK_ACCEPTED_BODY);
		if (callback.value.code !== 0 && options.includeFailed === false) {
			this.logger.info(
				`Tencent Cloud ASR Trigger dropped the failed recognition of task ${callback.value.taskId} (code ${callback.value.code}); "Include Failed Recognitions" is off`,
			);
			return { noWebhookResponse: true };
		}
		const output = readSimplify(this.getNodeParameter('simplify', true))
			? pickFields({ ...callback.value, success: callback.value.code === 0 }, SIMPLIFIED_CALLBACK_FIELDS)
			: callback.value;
		return { noWebhookResponse: true, workflowData: [this.helpers.returnJsonArray([output])] };
	}
}
