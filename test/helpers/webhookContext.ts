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
 */
import type { ServerResponse } from 'node:http';
import type { IDataObject, INode, INodeExecutionData, INodeType, IWebhookFunctions, IHookFunctions } from 'n8n-workflow';
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
	const capturing = {
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
