/**
 * A stand-in for n8n's webhook context (`IWebhookFunctions`), for trigger tests.
 *
 * It reproduces what the trigger depends on in n8n-core's WebhookContext: `getBodyData` (n8n's
 * parsed body: for `application/x-www-form-urlencoded` a flat object of strings), `getHeaderData`
 * (lower-case header names), `getQueryData`, `getRequestObject` (with `rawBody`, `headers`,
 * `query`, `body`), `getResponseObject` (a capturing response, or a real `ServerResponse` for
 * integration tests), `getNodeParameter(name, fallback)` applying the node description's
 * defaults, `getNode`, `getNodeWebhookUrl`, `getWorkflowStaticData`, a capturing logger and
 * `helpers.returnJsonArray`.
 *
 * {@link answerAsN8n} then sends what n8n itself sends after `webhook()` returned (after storing
 * the execution, or after the run), so tests see the answer the caller would get.
 */
import type { ServerResponse } from 'node:http';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
	IHookFunctions,
} from 'n8n-workflow';
import { defaultsOf } from './n8nContext';

/** What a response written by the node looked like. */
export interface CapturedResponse {
	statusCode?: number;
	/** Header values by lower-case name. */
	headers: Record<string, string>;
	/** The body text ('' until `end` is called). */
	body: string;
	/** True once `end` was called. */
	ended: boolean;
}

/** Options of {@link createWebhookContext}. */
export interface WebhookContextOptions {
	node: INodeType;
	/** Node parameters (merged over the description's defaults). */
	parameters?: IDataObject;
	/** Request headers (any case; stored lower-case). */
	headers?: Record<string, string | string[]>;
	/** Parsed query parameters (what n8n gives from the URL). */
	query?: IDataObject;
	/** The raw body bytes (`request.rawBody`); omit to simulate a request without it. */
	rawBody?: Buffer;
	/** n8n's parsed body; default: parsed from `rawBody` as a form when possible. */
	bodyData?: IDataObject;
	/** A real response to write to instead of the capturing one (integration tests). */
	response?: ServerResponse;
	/** Production webhook URL returned by getNodeWebhookUrl('default'). */
	webhookUrl?: string;
	/** The node's workflow static data (kept across calls when the same object is passed). */
	staticData?: IDataObject;
}

/** The context and what the test inspects afterwards. */
export interface TestWebhookContext {
	ctx: IWebhookFunctions;
	/** The same object typed as the hook context of `webhookMethods`. */
	hookCtx: IHookFunctions;
	response: CapturedResponse;
	logs: string[];
	staticData: IDataObject;
}

/** Builds an {@link IWebhookFunctions} for one request (see module docstring). */
export function createWebhookContext(options: WebhookContextOptions): TestWebhookContext {
	const parameters: IDataObject = { ...defaultsOf(options.node.description.properties), ...(options.parameters ?? {}) };
	const headers: Record<string, string | string[]> = {};
	for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
	const query = options.query ?? {};
	const bodyData =
		options.bodyData ??
		(options.rawBody ? (Object.fromEntries(new URLSearchParams(options.rawBody.toString('utf8'))) as IDataObject) : {});
	const staticData = options.staticData ?? {};
	const logs: string[] = [];
	const captured: CapturedResponse = { headers: {}, body: '', ended: false };
	// Express's res.json / res.send (n8n answers webhooks with them): json sets
	// application/json; charset=utf-8 and sends JSON.stringify(body) ('' for undefined); send sets
	// text/html; charset=utf-8 for strings.
	const capturing: Record<string, unknown> & { statusCode: number; headersSent: boolean } = {
		statusCode: 200,
		headersSent: false,
		setHeader(name: string, value: string | number) {
			captured.headers[name.toLowerCase()] = String(value);
			return capturing;
		},
		status(code: number) {
			captured.statusCode = code;
			capturing.statusCode = code;
			return capturing;
		},
		writeHead(code: number, headerMap?: Record<string, string | number>) {
			captured.statusCode = code;
			capturing.statusCode = code;
			for (const [name, value] of Object.entries(headerMap ?? {})) captured.headers[name.toLowerCase()] = String(value);
			capturing.headersSent = true;
			return capturing;
		},
		end(body?: string | Buffer) {
			if (captured.ended) throw new Error('response ended twice');
			captured.statusCode ??= capturing.statusCode;
			captured.body = body === undefined ? '' : Buffer.isBuffer(body) ? body.toString('utf8') : body;
			captured.ended = true;
			return capturing;
		},
		json(body?: unknown) {
			captured.headers['content-type'] ??= 'application/json; charset=utf-8';
			return (capturing.end as (text: string) => unknown)(JSON.stringify(body) ?? '');
		},
		send(body?: unknown) {
			if (typeof body === 'string') {
				captured.headers['content-type'] ??= 'text/html; charset=utf-8';
				return (capturing.end as (text: string) => unknown)(body);
			}
			return (capturing.json as (value: unknown) => unknown)(body);
		},
	};
	const request = { headers, query, body: bodyData, rawBody: options.rawBody, method: 'POST' };
	const description = options.node.description;
	const node: INode = {
		id: 'test-trigger',
		name: description.defaults.name ?? description.displayName,
		type: `n8n-nodes-cn-speech.${description.name}`,
		typeVersion: Array.isArray(description.version) ? description.version[description.version.length - 1] : description.version,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
	};
	const ctx = {
		getBodyData: () => bodyData,
		getHeaderData: () => headers,
		getQueryData: () => query,
		getParamsData: () => ({}),
		getRequestObject: () => request,
		getResponseObject: () => options.response ?? capturing,
		getNodeParameter: (name: string, fallback?: unknown) => {
			const value = parameters[name];
			if (value === undefined) {
				if (fallback !== undefined) return fallback;
				throw new Error(`Could not get parameter "${name}"`);
			}
			return value;
		},
		getNode: () => node,
		getNodeWebhookUrl: (name: string) =>
			name === 'default' ? (options.webhookUrl ?? `http://localhost:5678/webhook/test-id/${String(parameters.path)}`) : undefined,
		getWebhookName: () => 'default',
		getWorkflowStaticData: () => staticData,
		getMode: () => 'trigger',
		logger: {
			debug: (message: string) => logs.push(message),
			info: (message: string) => logs.push(message),
			warn: (message: string) => logs.push(message),
			error: (message: string) => logs.push(message),
		},
		helpers: {
			returnJsonArray: (data: IDataObject | IDataObject[]): INodeExecutionData[] =>
				(Array.isArray(data) ? data : [data]).map((json) => ({ json })),
		},
	};
	return {
		ctx: ctx as unknown as IWebhookFunctions,
		hookCtx: ctx as unknown as IHookFunctions,
		response: captured,
		logs,
		staticData,
	};
}

/**
 * What became of the execution that n8n was asked to start, as far as its webhook answer tells:
 * - `stored`: stored (and queued); the run has not ended yet (or its end does not matter);
 * - `notStored`: storing or queueing failed (e.g. the database refused the insert);
 * - `succeeded` / `failed`: the run ended without / with an error;
 * - `lost`: the worker running it died and n8n failed the job (the answer is that of `failed`);
 * - `failedBeforeStart`: n8n failed the run before it started (credential permission check): n8n
 *   answers HTTP 200 "Workflow executed successfully but no data was returned".
 */
export type N8nOutcome = 'stored' | 'notStored' | 'succeeded' | 'failed' | 'lost' | 'failedBeforeStart';

/**
 * Evaluates a webhook-description value the way n8n does for the simple expressions trigger
 * descriptions use (`={{ … $parameter["name"] … }}`); plain values are returned as they are.
 */
export function evaluateDescriptionValue(value: unknown, parameters: IDataObject): unknown {
	if (typeof value !== 'string' || !value.startsWith('={{') || !value.endsWith('}}')) return value;
	return new Function('$parameter', `return (${value.slice(3, -2)});`)(parameters) as unknown;
}

/** The response mode and response data n8n evaluates from a node's webhook description. */
export function responseOptionsOf(node: INodeType, parameters: IDataObject = {}): { responseMode: string; responseData: unknown } {
	const description = (node.description.webhooks as IWebhookDescription[])[0];
	const all = { ...defaultsOf(node.description.properties), ...parameters };
	const responseMode = evaluateDescriptionValue(description.responseMode, all) ?? 'onReceived';
	const responseData = evaluateDescriptionValue(description.responseData, all) ?? 'firstEntryJson';
	return { responseMode: String(responseMode), responseData };
}

/**
 * Sends, on `response`, the answer n8n 2.40 sends after a trigger's `webhook()` returned `result`
 * (packages/cli/src/webhooks/webhook-helpers.ts `executeWebhook`, webhook-request-handler.ts,
 * webhook-on-received-response-extractor.ts, webhook-last-node-response-extractor.ts and
 * response-helper.ts `sendErrorResponse` at https://github.com/n8n-io/n8n):
 * - `noWebhookResponse: true`: nothing (the node answered);
 * - no `workflowData`: HTTP 200 with `webhookResponse` (or `{"message":"Webhook call received"}`);
 * - storing failed: HTTP 500 `{"code":0,"message":"There was a problem executing the workflow"}`;
 * - `onReceived`, stored: HTTP 200 with `responseData` when set ('noData': no body), else
 *   `webhookResponse`, else `{"message":"Workflow was started"}`;
 * - `lastNode`: after the run. Success: HTTP 200 with the last node's data as `responseData` asks
 *   (`noData`: no body, `firstEntryJson`: the first item's json, else every item's json); a failed or
 *   lost run: HTTP 500 `{"message":"Error in workflow"}`; failed before start: HTTP 200
 *   `{"message":"Workflow executed successfully but no data was returned"}`.
 * Express's `res.status(code).json(body)` / `res.send(text)` are used when the response has them,
 * else the status is set and JSON written directly.
 */
export function answerAsN8n(
	response: unknown,
	result: IWebhookResponseData,
	options: { responseMode: string; responseData: unknown; outcome: N8nOutcome; lastNodeItems?: IDataObject[] },
): void {
	const res = response as { statusCode: number; json?: (body?: unknown) => unknown; send?: (body?: unknown) => unknown; end: (text: string) => unknown; setHeader?: (name: string, value: string) => unknown };
	const reply = (status: number, body: unknown) => {
		res.statusCode = status;
		if (typeof body === 'string' && res.send) {
			res.send(body);
		} else if (res.json) {
			res.json(body);
		} else {
			res.setHeader?.('content-type', 'application/json; charset=utf-8');
			res.end(JSON.stringify(body) ?? '');
		}
	};
	if (result.noWebhookResponse === true) return;
	if (result.workflowData === undefined) {
		reply(200, result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Webhook call received' });
		return;
	}
	const { responseMode, responseData, outcome } = options;
	if (outcome === 'notStored') {
		reply(500, { code: 0, message: 'There was a problem executing the workflow' });
		return;
	}
	if (responseMode === 'onReceived') {
		const body =
			responseData === 'noData'
				? undefined
				: responseData
					? responseData
					: result.webhookResponse !== undefined
						? result.webhookResponse
						: { message: 'Workflow was started' };
		reply(200, body);
		return;
	}
	if (responseMode !== 'lastNode') throw new Error(`answerAsN8n: response mode ${responseMode} is not simulated`);
	if (outcome === 'stored') throw new Error('answerAsN8n: a lastNode webhook is answered only when the run has ended: pass its outcome');
	if (outcome === 'failed' || outcome === 'lost') {
		reply(500, { message: 'Error in workflow' });
		return;
	}
	if (outcome === 'failedBeforeStart') {
		reply(200, { message: 'Workflow executed successfully but no data was returned' });
		return;
	}
	const items = options.lastNodeItems ?? [{}];
	reply(200, responseData === 'noData' ? undefined : responseData === 'firstEntryJson' ? items[0] : items);
}
