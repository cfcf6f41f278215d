import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import { credentialErrorSerial, credentialErrorSince } from '../../credentials/common/errors';
import { toTransportError } from '../../credentials/common/http';

/**
 * The part of n8n's function contexts the transport needs: execute contexts, and the load-options
 * contexts of list searches (no cancel signal there).
 */
export type RequestContext = Pick<IExecuteFunctions | ILoadOptionsFunctions, 'helpers' | 'getNode' | 'getCredentials'> & {
	getExecutionCancelSignal?: () => AbortSignal | undefined;
};

/** A vendor answer: HTTP status, lower-cased headers and the raw body bytes. */
export interface RawResponse {
	statusCode: number;
	headers: Record<string, string>;
	body: Buffer;
}

/** What a {@link CredentialSession} needs to know about a credential type. */
export interface CredentialSpec {
	/** The credential type name, e.g. `weChatApi`. */
	type: string;
	/** Its hidden expirable field filled by `preAuthentication` (`accessToken`, `keyCheck`), if any. */
	expirableField?: string;
	/** Fields whose values must never appear in messages (secrets, tokens). */
	secretFields: readonly string[];
}

function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (body === undefined || body === null) return Buffer.alloc(0);
	return Buffer.from(JSON.stringify(body), 'utf8');
}

/**
 * One credential for the whole execution of a node: its data is read ONCE
 * (`getCredentials`) and every request of every item goes through
 * `httpRequestWithAuthentication` with that same data object as
 * `additionalCredentialOptions.credentialsDecrypted`, so n8n runs the credential's
 * `preAuthentication` / `authenticate` on it and writes refreshed tokens into it
 * (docs/n8n.md#credentials-and-tokens). Consequences:
 * - a token fetched by one request is used by all later ones, and when the expirable field is
 *   empty only ONE request at a time runs `preAuthentication` (the others wait for it), so a
 *   batch of items fetches one token, not one per item in flight;
 * - a failed `preAuthentication` is known by its type (`CredentialError`), not by its message
 *   (see credentials/common/errors.ts).
 */
export class CredentialSession {
	private authenticating: Promise<unknown> | undefined;

	/** Every secret value seen in this session: a token replaced by a refresh stays secret. */
	private readonly seenSecrets = new Set<string>();

	private constructor(
		readonly ctx: RequestContext,
		readonly spec: CredentialSpec,
		/** The decrypted credential data; n8n updates it in place when it refreshes a token. */
		readonly data: ICredentialDataDecryptedObject,
	) {}

	/** Reads the credential once. @throws n8n's error when the node has no such credential. */
	static async open(ctx: RequestContext, spec: CredentialSpec): Promise<CredentialSession> {
		const data = await ctx.getCredentials(spec.type);
		return new CredentialSession(ctx, spec, { ...data });
	}

	/** The values of the secret fields, the current ones and any replaced by a refresh. */
	secrets(): string[] {
		for (const field of this.spec.secretFields) {
			const value = this.data[field];
			if (typeof value === 'string' && value !== '') this.seenSecrets.add(value);
		}
		return [...this.seenSecrets];
	}

	/**
	 * Makes the next request run `preAuthentication` again (e.g. WeChat rejected the token),
	 * unless another request already replaced `usedValue`, the value of the expirable field that
	 * was rejected.
	 */
	invalidate(usedValue?: unknown): void {
		const field = this.spec.expirableField;
		if (!field) return;
		if (usedValue !== undefined && this.data[field] !== usedValue) return;
		this.data[field] = '';
	}

	/**
	 * Sends one request and returns the raw answer whatever its HTTP status. Bodies that must
	 * survive a retry or token refresh are Buffers, strings or `FormData`, never streams.
	 *
	 * @throws CredentialError when the credential's `preAuthentication` failed (token fetch, key
	 *   check); TransportError (message redacted) when no HTTP answer came back; n8n's own error
	 *   for anything else.
	 */
	async request(options: IHttpRequestOptions): Promise<RawResponse> {
		const field = this.spec.expirableField;
		while (field && !this.data[field] && this.authenticating) {
			await this.authenticating.catch(() => undefined);
		}
		if (field && !this.data[field]) {
			const attempt = this.send(options);
			this.authenticating = attempt;
			try {
				return await attempt;
			} finally {
				if (this.authenticating === attempt) this.authenticating = undefined;
			}
		}
		return await this.send(options);
	}

	private async send(options: IHttpRequestOptions): Promise<RawResponse> {
		const node = this.ctx.getNode();
		const known = node.credentials?.[this.spec.type];
		const serial = credentialErrorSerial();
		let response: IN8nHttpFullResponse;
		try {
			response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx as IExecuteFunctions,
				this.spec.type,
				{ ...options, encoding: 'arraybuffer', json: false, returnFullResponse: true, ignoreHttpStatusErrors: true },
				{ credentialsDecrypted: { id: known?.id ?? '', name: known?.name ?? this.spec.type, type: this.spec.type, data: this.data } },
			)) as IN8nHttpFullResponse;
		} catch (error) {
			const credentialError = credentialErrorSince(this.data, serial);
			if (credentialError) throw credentialError;
			throw toTransportError(error, this.secrets()) ?? error;
		}
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries((response.headers ?? {}) as IDataObject)) {
			if (value !== undefined && value !== null) headers[key.toLowerCase()] = String(value);
		}
		return { statusCode: response.statusCode, headers, body: toBuffer(response.body) };
	}
}
