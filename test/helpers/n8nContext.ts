/**
 * A stand-in for n8n's execute context, for node tests that talk real HTTP to the emulators.
 *
 * n8n's own NodeTestHarness is not published (docs/n8n.md#testing-and-running-n8n-locally), so this reproduces the
 * parts of n8n-core's behaviour that the nodes depend on:
 * - `httpRequestWithAuthentication` runs the package's credential `preAuthentication` when the
 *   expirable hidden field is empty (persisting its output in the credential store AND writing it
 *   into the data object it was given, like CredentialsHelper.preAuthentication), then the
 *   credential's `authenticate` (function, or generic with `={{$credentials.x}}` expressions),
 *   then sends the request; after an HTTP 401 it refreshes once.
 *   `additionalCredentialOptions.credentialsDecrypted.data` is used as is (the same object), as
 *   in n8n-core. Every failure, those of `preAuthentication` included, is re-thrown as
 *   `new NodeApiError(node, error)`, as n8n-core's request-helper-functions.ts does: the original
 *   error is not kept as `cause` (docs/n8n.md#errors-from-httprequestwithauthentication).
 * - `httpRequest` sends real HTTP with undici and follows n8n's option semantics (qs, json,
 *   encoding including `stream`, returnFullResponse, ignoreHttpStatusErrors, abortSignal); network failures carry
 *   the Node error `code` (ECONNRESET, ECONNREFUSED) like axios errors in n8n.
 * - binary helpers read base64 item data; `getNodeParameter` applies the node description's
 *   defaults and, with `{ extractValue: true }`, unwraps resource-locator values
 *   (`{ __rl, mode, value }` → value; plain values pass, as in n8n-core's extractValue);
 *   `continueOnFail`, `getExecutionCancelSignal`, a capturing logger, and `addExecutionHints`
 *   capturing the hints (leave it out with `withoutExecutionHints`, as in contexts that lack it).
 * - {@link createLoadOptionsContext}: the subset of the same context that list searches get
 *   (n8n's ILoadOptionsFunctions: credentials and request helpers, no items, no cancel signal).
 *
 * The real thing is exercised in `npm run e2e`, inside a real n8n process.
 */
import { request as undiciRequest } from 'undici';
import { NodeApiError } from 'n8n-workflow';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	ILoadOptionsFunctions,
	INodeProperties,
	INodeType,
	NodeExecutionHint,
} from 'n8n-workflow';

/** A recorded outgoing request (after authentication). Query/header values are as sent. */
export interface SentRequest {
	method: string;
	url: string;
	headers: Record<string, string>;
	bodyBytes: number;
}

/** Options of {@link createExecuteContext}. */
export interface ExecuteContextOptions {
	node: INodeType;
	/** Node parameters; a function gets the item index (for per-item expressions). */
	parameters: IDataObject | ((itemIndex: number) => IDataObject);
	items?: INodeExecutionData[];
	/** Credential data by credential type name. Mutated when preAuthentication persists a token. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Credential type implementations by name (the package's own classes). */
	credentialTypes?: Record<string, ICredentialType>;
	continueOnFail?: boolean;
	cancelSignal?: AbortSignal;
	/** Leave `addExecutionHints` out of the context (n8n versions and contexts without it). */
	withoutExecutionHints?: boolean;
}

/** The context plus what the test can inspect afterwards. */
export interface TestContext {
	ctx: IExecuteFunctions;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	sent: SentRequest[];
	logs: string[];
	preAuthenticationCalls: Record<string, number>;
	/** Every hint the node added with `addExecutionHints`, in order. */
	hints: NodeExecutionHint[];
}

type HttpError = Error & { code?: string; response?: { status: number; data: unknown; headers: Record<string, string> } };

/** Resolves a `={{$credentials.x}}` value (whole, ternary or embedded) the way n8n does for these simple forms. */
export function resolveTemplate(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const expression = value.slice(1);
	const whole = /^\{\{\s*\$credentials\.(\w+)\s*\}\}$/.exec(expression);
	if (whole) return credentials[whole[1]];
	const ternary = /^\{\{\s*\$credentials\.(\w+) === "(\w+)" \? \$credentials\.(\w+) : \$credentials\.(\w+)\s*\}\}$/.exec(
		expression,
	);
	if (ternary) {
		return credentials[ternary[1]] === ternary[2] ? credentials[ternary[3]] : credentials[ternary[4]];
	}
	return expression.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_m, key: string) => String(credentials[key] ?? ''));
}

/** n8n's `httpRequest` semantics over undici (see module docstring). */
export async function sendHttpRequest(options: IHttpRequestOptions, sent?: SentRequest[]): Promise<unknown> {
	const base = options.baseURL ? options.baseURL.replace(/\/+$/, '') + '/' : undefined;
	const url = new URL(base ? options.url.replace(/^\/+/, '') : options.url, base);
	for (const [key, value] of Object.entries(options.qs ?? {})) {
		if (value !== undefined) url.searchParams.append(key, String(value));
	}
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(options.headers ?? {})) {
		if (value !== undefined) headers[key.toLowerCase()] = String(value);
	}
	let body: string | Buffer | FormData | undefined;
	const method = (options.method ?? 'GET').toUpperCase();
	if (options.body !== undefined && options.body !== null && method !== 'GET') {
		if (options.body instanceof FormData) {
			// axios (n8n) serialises a WHATWG FormData itself, with its own boundary header
			body = options.body;
			delete headers['content-type'];
		} else if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) {
			body = options.body;
		} else if (options.body instanceof URLSearchParams) {
			body = options.body.toString();
			headers['content-type'] ??= 'application/x-www-form-urlencoded';
		} else if (typeof options.body === 'object' && Object.keys(options.body).length > 0) {
			body = JSON.stringify(options.body);
			headers['content-type'] ??= 'application/json';
		}
	}
	if (options.json) headers.accept ??= 'application/json';
	sent?.push({ method, url: url.toString(), headers, bodyBytes: body instanceof FormData ? -1 : body ? Buffer.byteLength(body) : 0 });
	let response;
	try {
		response = await undiciRequest(url, {
			method: method as 'GET',
			headers,
			// the platform's FormData (what nodes build) is what undici serialises
			body: body as never,
			signal: options.abortSignal as AbortSignal | undefined,
			headersTimeout: options.timeout,
			bodyTimeout: options.timeout,
		});
	} catch (error) {
		// the codes axios gives n8n for the same failures
		const cause = (error as { cause?: { code?: string } }).cause;
		const wrapped = new Error((error as Error).message) as HttpError;
		const code = (error as { code?: string }).code;
		wrapped.code = cause?.code ?? code;
		if (code === 'UND_ERR_SOCKET') wrapped.code = 'ECONNRESET';
		if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') wrapped.code = 'ECONNABORTED';
		if ((error as Error).name === 'AbortError' || code === 'UND_ERR_ABORTED') wrapped.code = 'ERR_CANCELED';
		throw wrapped;
	}
	const responseHeaders: Record<string, string> = {};
	for (const [key, value] of Object.entries(response.headers)) {
		if (value !== undefined) responseHeaders[key] = Array.isArray(value) ? value.join(', ') : value;
	}
	if (options.encoding === 'stream' && (options.ignoreHttpStatusErrors || (response.statusCode >= 200 && response.statusCode < 300))) {
		// the body as a Readable, unread (n8n: axios responseType 'stream')
		return options.returnFullResponse
			? { body: response.body, headers: responseHeaders, statusCode: response.statusCode, statusMessage: '' }
			: response.body;
	}
	const raw = Buffer.from(await response.body.arrayBuffer());
	let data: unknown;
	if (options.encoding === 'arraybuffer') {
		data = raw;
	} else if (options.encoding === 'text') {
		data = raw.toString('utf8');
	} else {
		const text = raw.toString('utf8');
		try {
			data = JSON.parse(text);
		} catch {
			data = text;
		}
	}
	const ok = response.statusCode >= 200 && response.statusCode < 300;
	if (!ok && !options.ignoreHttpStatusErrors) {
		const error = new Error(`Request failed with status code ${response.statusCode}`) as HttpError;
		error.response = { status: response.statusCode, data, headers: responseHeaders };
		throw error;
	}
	if (options.returnFullResponse) {
		return { body: data, headers: responseHeaders, statusCode: response.statusCode, statusMessage: '' };
	}
	return data;
}

/** The default of every parameter (notices left out), as n8n fills in parameters a workflow omits. */
export function defaultsOf(properties: INodeProperties[]): IDataObject {
	const defaults: IDataObject = {};
	for (const property of properties) {
		if (property.type === 'notice') continue;
		if (!(property.name in defaults)) defaults[property.name] = property.default as IDataObject[string];
	}
	return defaults;
}

/** The value at a dotted path (`options.maxWaitSeconds`), or undefined when any step is missing or not an object. */
export function getPath(object: unknown, path: string): unknown {
	let current: unknown = object;
	for (const part of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as IDataObject)[part];
	}
	return current;
}

/** Builds an {@link IExecuteFunctions} for `options.node` (see module docstring). */
export function createExecuteContext(options: ExecuteContextOptions): TestContext {
	const items: INodeExecutionData[] = options.items ?? [{ json: {} }];
	const credentials = options.credentials ?? {};
	const credentialTypes = options.credentialTypes ?? {};
	const sent: SentRequest[] = [];
	const logs: string[] = [];
	const hints: NodeExecutionHint[] = [];
	const preAuthenticationCalls: Record<string, number> = {};
	const description = options.node.description;
	const defaults = defaultsOf(description.properties);
	const parametersFor = (itemIndex: number): IDataObject => ({
		...defaults,
		...(typeof options.parameters === 'function' ? options.parameters(itemIndex) : options.parameters),
	});
	const nodeCredentials: INode['credentials'] = {};
	for (const type of Object.keys(credentials)) nodeCredentials[type] = { id: `cred-${type}`, name: `Test ${type}` };
	const node: INode = {
		id: 'test-node',
		name: description.defaults.name ?? description.displayName,
		type: `n8n-nodes-cn-speech.${description.name}`,
		typeVersion: Array.isArray(description.version) ? description.version[description.version.length - 1] : description.version,
		position: [0, 0],
		parameters: parametersFor(0) as INode['parameters'],
		credentials: nodeCredentials,
	};

	const httpRequest = async (requestOptions: IHttpRequestOptions) => await sendHttpRequest(requestOptions, sent);

	async function runPreAuthentication(type: string, data: ICredentialDataDecryptedObject, expired: boolean) {
		const credentialType = credentialTypes[type];
		const expirable = credentialType?.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (!credentialType?.preAuthentication || !expirable) return;
		if (data[expirable.name] !== '' && data[expirable.name] !== undefined && !expired) return;
		preAuthenticationCalls[type] = (preAuthenticationCalls[type] ?? 0) + 1;
		const output = await credentialType.preAuthentication.call({ helpers: { httpRequest } } as never, data);
		if (output?.[expirable.name] === undefined) return;
		credentials[type] = { ...credentials[type], ...output } as ICredentialDataDecryptedObject;
		Object.assign(data, output);
	}

	async function authenticate(type: string, data: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) {
		const auth = credentialTypes[type]?.authenticate;
		if (!auth) return requestOptions;
		if (typeof auth === 'function') return await auth(data, requestOptions);
		const result: IHttpRequestOptions = { ...requestOptions };
		for (const [outer, values] of Object.entries(auth.properties)) {
			const target = { ...((result as unknown as IDataObject)[outer] as IDataObject | undefined) };
			for (const [key, value] of Object.entries(values as IDataObject)) target[key] = resolveTemplate(value, data) as string;
			(result as unknown as IDataObject)[outer] = target;
		}
		return result;
	}

	const ctx = {
		getInputData: () => items,
		getNode: () => node,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown, parameterOptions?: { extractValue?: boolean }) => {
			const value = getPath(parametersFor(itemIndex), name);
			if (value === undefined) {
				if (fallback !== undefined) return fallback;
				throw new Error(`Could not get parameter "${name}"`);
			}
			if (parameterOptions?.extractValue && value !== null && typeof value === 'object' && '__rl' in value) {
				return (value as unknown as { value: unknown }).value;
			}
			return value;
		},
		getCredentials: async (type: string) => {
			if (!credentials[type]) throw new Error(`Node does not have credentials of type "${type}"`);
			return { ...credentials[type] };
		},
		...(options.withoutExecutionHints ? {} : { addExecutionHints: (...added: NodeExecutionHint[]) => hints.push(...added) }),
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionCancelSignal: () => options.cancelSignal,
		getMode: () => 'manual',
		logger: {
			debug: (message: string) => logs.push(message),
			info: (message: string) => logs.push(message),
			warn: (message: string) => logs.push(message),
			error: (message: string) => logs.push(message),
		},
		helpers: {
			httpRequest,
			async httpRequestWithAuthentication(
				this: unknown,
				type: string,
				requestOptions: IHttpRequestOptions,
				additional?: { credentialsDecrypted?: { data?: ICredentialDataDecryptedObject } },
			) {
				const data = additional?.credentialsDecrypted?.data ?? { ...credentials[type] };
				const opts = { ...requestOptions, abortSignal: options.cancelSignal };
				try {
					await runPreAuthentication(type, data, false);
					return await httpRequest(await authenticate(type, data, { ...opts }));
				} catch (error) {
					if ((error as HttpError).response?.status === 401 && credentialTypes[type]?.preAuthentication) {
						try {
							await runPreAuthentication(type, data, true);
							return await httpRequest(await authenticate(type, data, { ...opts }));
						} catch (retryError) {
							throw new NodeApiError(node, retryError as never);
						}
					}
					throw new NodeApiError(node, error as never);
				}
			},
			assertBinaryData(itemIndex: number, propertyName: string): IBinaryData {
				const binary = items[itemIndex]?.binary?.[propertyName];
				if (!binary) throw new Error(`This operation expects the node's input data to contain a binary file '${propertyName}'`);
				return binary;
			},
			async getBinaryDataBuffer(itemIndex: number, propertyName: string): Promise<Buffer> {
				const binary = items[itemIndex]?.binary?.[propertyName];
				if (!binary) throw new Error(`No binary property '${propertyName}'`);
				return Buffer.from(binary.data, 'base64');
			},
			async prepareBinaryData(data: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> {
				return {
					data: data.toString('base64'),
					fileName,
					mimeType: mimeType ?? 'application/octet-stream',
					fileSize: String(data.length),
				};
			},
			returnJsonArray: (data: IDataObject | IDataObject[]) => (Array.isArray(data) ? data : [data]).map((json) => ({ json })),
			constructExecutionMetaData: (data: INodeExecutionData[], meta: { itemData: { item: number } }) =>
				data.map((entry) => ({ ...entry, pairedItem: meta.itemData })),
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions, credentials, sent, logs, preAuthenticationCalls, hints };
}

/**
 * A load-options context (what n8n gives `methods.listSearch` functions) over the same stand-in:
 * `getNode`, `getCredentials`, `getNodeParameter` / `getCurrentNodeParameter`, the request helpers
 * and a logger; no input items and no cancel signal.
 */
export function createLoadOptionsContext(options: Omit<ExecuteContextOptions, 'items' | 'continueOnFail' | 'cancelSignal'>): TestContext & {
	loadCtx: ILoadOptionsFunctions;
} {
	const test = createExecuteContext(options);
	const ctx = test.ctx;
	const loadCtx = {
		getNode: ctx.getNode,
		getCredentials: ctx.getCredentials,
		getNodeParameter: (name: string, fallback?: unknown) => ctx.getNodeParameter(name, 0, fallback),
		getCurrentNodeParameter: (name: string) => ctx.getNodeParameter(name, 0, undefined),
		logger: ctx.logger,
		helpers: { httpRequest: ctx.helpers.httpRequest, httpRequestWithAuthentication: ctx.helpers.httpRequestWithAuthentication },
	};
	return { ...test, loadCtx: loadCtx as unknown as ILoadOptionsFunctions };
}

/** Makes an input item carrying `data` in binary property `propertyName` (default `data`). */
export function binaryItem(
	data: Buffer,
	fileName: string,
	mimeType = 'audio/mpeg',
	propertyName = 'data',
	json: IDataObject = {},
): INodeExecutionData {
	const extension = /\.([^.]+)$/.exec(fileName)?.[1] ?? '';
	return {
		json,
		binary: {
			[propertyName]: {
				data: data.toString('base64'),
				fileName,
				fileExtension: extension,
				mimeType,
				fileSize: String(data.length),
			},
		},
	};
}

/** Every string in `value` (deeply), for asserting that no secret leaked into outputs/errors. */
export function allStrings(value: unknown, seen = new Set<unknown>()): string[] {
	if (typeof value === 'string') return [value];
	if (value === null || typeof value !== 'object' || seen.has(value)) return [];
	seen.add(value);
	const strings: string[] = [];
	if (value instanceof Error) strings.push(value.message, String(value.stack ?? ''));
	for (const key of Object.getOwnPropertyNames(value)) {
		strings.push(...allStrings((value as Record<string, unknown>)[key], seen));
	}
	return strings;
}

/**
 * Asserts that no secret (values under 4 characters and empty ones ignored) appears in any string
 * reachable from `value` (messages and stacks of errors included) or in `texts` (e.g. logs).
 */
export function expectNoSecrets(value: unknown, secrets: Array<string | undefined>, texts: string[] = []): void {
	const real = secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length >= 4);
	for (const text of [...allStrings(value), ...texts]) {
		for (const secret of real) expect(text).not.toContain(secret);
	}
}

/** A node type with no parameters, for helpers that need an execute context but no real node. */
export function stubNode(name: string): INodeType {
	return {
		description: {
			displayName: name,
			name,
			group: [],
			version: 1,
			description: '',
			defaults: { name },
			inputs: [],
			outputs: [],
			properties: [],
		},
	};
}
