/**
 * Runs a credential's `test` the way n8n's CredentialsTester does for a request test (n8n
 * 2.40.7, packages/cli/src/services/credentials-tester.service.ts `runRequestTest`), so the
 * package's credential tests are checked against the emulators:
 *
 * 1. The test request's `={{$credentials.x}}` values are resolved (RoutingNode does this).
 * 2. It is sent with `httpRequestWithAuthentication` and `returnFullResponse: true`, which runs the
 *    credential's `preAuthentication` when its expirable field is empty, then `authenticate`
 *    (see ./n8nContext.ts).
 * 3. A thrown error: a `responseCode` rule matching the HTTP status gives its message; any other
 *    non-2xx status "Received HTTP status code: N"; a network error its code; anything else
 *    (e.g. a failed preAuthentication) the error's message.
 * 4. A response: the first `responseSuccessBody` rule whose `key` (dotted path) equals `value`
 *    gives its message. Otherwise the test passes.
 */
import type { ICredentialDataDecryptedObject, ICredentialType, IHttpRequestOptions } from 'n8n-workflow';

import { createExecuteContext, getPath, resolveTemplate, stubNode } from './n8nContext';

/** What n8n shows after "Test" / "Save" of a credential. */
export interface CredentialTestOutcome {
	status: 'OK' | 'Error';
	message: string;
}

const TEMP_NODE = stubNode('Temp-Node');

function resolveDeep(value: unknown, data: ICredentialDataDecryptedObject): unknown {
	if (typeof value === 'string') return resolveTemplate(value, data);
	if (Array.isArray(value)) return value.map((entry) => resolveDeep(entry, data));
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, resolveDeep(entry, data)]));
	}
	return value;
}


/**
 * Runs `credentialType.test` with `data` (the fields as a user entered them; hidden fields may be
 * left out or hold a stored token) and returns n8n's verdict.
 *
 * @throws Error when the credential type has no request test.
 */
export async function runCredentialTest(credentialType: ICredentialType, data: ICredentialDataDecryptedObject): Promise<CredentialTestOutcome> {
	const test = credentialType.test;
	if (!test || typeof test !== 'object' || !('request' in test)) throw new Error(`${credentialType.name} has no request test`);
	const defaults: ICredentialDataDecryptedObject = {};
	for (const property of credentialType.properties) defaults[property.name] = property.default as ICredentialDataDecryptedObject[string];
	const credentials = { ...defaults, ...data } as ICredentialDataDecryptedObject;
	const { ctx } = createExecuteContext({
		node: TEMP_NODE,
		parameters: {},
		credentials: { [credentialType.name]: credentials },
		credentialTypes: { [credentialType.name]: credentialType },
	});
	const request = { ...(resolveDeep(test.request, credentials) as IHttpRequestOptions), returnFullResponse: true };
	let response: { body?: unknown; statusCode?: number };
	try {
		response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType.name, request)) as typeof response;
	} catch (caught) {
		const error = caught as Error & { code?: string; response?: { status: number } };
		const status = error.response?.status;
		if (status !== undefined) {
			for (const rule of test.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === status) return { status: 'Error', message: rule.properties.message };
			}
			if (status < 199 || status > 299) return { status: 'Error', message: `Received HTTP status code: ${status}` };
		} else if (error.code) {
			return { status: 'Error', message: error.code };
		}
		return { status: 'Error', message: error.message };
	}
	for (const rule of test.rules ?? []) {
		if (rule.type === 'responseSuccessBody' && getPath(response.body, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection tested successfully' };
}
