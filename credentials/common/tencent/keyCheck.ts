import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';

import { CredentialError, recordCredentialError, VendorApiError } from '../errors';
import { parseJsonBody, toTransportError, TransportError } from '../http';
import { redactSecrets } from '../redact';
import { signTencentRequest, toTencentCredentials } from './authenticate';
import { clockHint, TENCENT_HINTS } from './hints';
import { TENCENT_CLOUD, TENCENT_SERVICES } from './services';

/**
 * Auth errors that mean the key itself is wrong (docs/tencent-cloud-api.md#error-answers). Any
 * other answer proves the signature was accepted.
 */
export const KEY_REJECTED = /^AuthFailure\.(SignatureFailure|SecretIdNotFound|InvalidSecretId|SignatureExpire|TokenFailure|InvalidAuthorization|MFAFailure)/;

/** What the Tencent Cloud credential says to check when its key check fails. */
export const TENCENT_CREDENTIAL_HINT =
	'Check the SecretId, SecretKey and Session Token of the Tencent Cloud credential (Tencent Cloud CAM → API Keys).';

/**
 * The Tencent Cloud credential's `preAuthentication`: verifies the key once (and on every
 * credential test) with CAM `GetUserAppId` (docs/tencent-cloud-api.md#cam-getuserappid), so a
 * wrong key fails with Tencent's own Code, Message and RequestId. A valid key without CAM
 * permission passes: only signature/key errors fail. With a Custom Endpoint that does not serve
 * CAM (HTTP 404 / 405 / 501, or a 2xx answer that is not Tencent JSON: a gateway for ASR / CCC
 * only) the check is skipped and recorded as skipped; any other answer (a gateway's 5xx) fails
 * this call and the check runs again next time. Every failure is recorded against `credentials`
 * (see `recordCredentialError`).
 *
 * @returns `{ keyCheck }`, a note with the time of the check, stored (hidden, expirable).
 * @throws {@link CredentialError} naming Code, Message and RequestId when Tencent rejects the key
 *   (reason: VendorApiError), naming both App IDs when the configured one is not the key's, saying
 *   that CAM gave no Tencent answer, or that it could not be reached (reason: TransportError).
 */
export async function checkTencentKey(
	this: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<{ keyCheck: string }> {
	const creds = toTencentCredentials(credentials);
	const fail = (message: string, reason?: VendorApiError | TransportError): never => {
		throw recordCredentialError(credentials, new CredentialError(message, TENCENT_CLOUD, reason, TENCENT_CREDENTIAL_HINT));
	};
	if (!creds.secretId || !creds.secretKey) fail('Enter both the SecretId and the SecretKey of a Tencent Cloud API key.');
	const request = signTencentRequest(creds, {
		method: 'POST',
		url: `https://${TENCENT_SERVICES.cam.host}/`,
		headers: { 'X-TC-Action': 'GetUserAppId', 'X-TC-Version': TENCENT_SERVICES.cam.version },
		body: '{}',
	});
	let answer: { statusCode?: number; body?: unknown; headers?: Record<string, unknown> };
	const sentAt = Date.now();
	try {
		answer = (await this.helpers.httpRequest({
			...request,
			json: false,
			encoding: 'text',
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
		})) as { statusCode?: number; body?: unknown; headers?: Record<string, unknown> };
	} catch (error) {
		const transport = toTransportError(error, [creds.secretKey, creds.sessionToken]);
		const reason = transport?.message ?? redactSecrets(error instanceof Error ? error.message : String(error), [creds.secretKey, creds.sessionToken]);
		return fail(`Could not reach Tencent Cloud CAM to check the key: ${reason}`, transport);
	}
	const parsed = typeof answer.body === 'string' ? parseJsonBody(answer.body) : (answer.body as IDataObject | undefined);
	if (!parsed || typeof parsed.Response !== 'object' || parsed.Response === null) {
		const status = Number(answer.statusCode);
		const notServed = [404, 405, 501].includes(status) || (status >= 200 && status < 300);
		if (creds.endpoint && notServed) {
			// A private gateway that forwards ASR / CCC but not CAM: the key cannot be checked
			// here; the real calls still report key errors with Tencent's Code and RequestId.
			return { keyCheck: `skipped ${new Date().toISOString()}: the custom endpoint does not serve CAM GetUserAppId (HTTP ${String(answer.statusCode)})` };
		}
		return fail(
			`Tencent Cloud CAM answered HTTP ${String(answer.statusCode)} without a Tencent Cloud answer, so the key could not be checked. Try again later.`,
		);
	}
	const response = parsed.Response as IDataObject;
	const error = response.Error as IDataObject | undefined;
	const requestId = typeof response.RequestId === 'string' ? response.RequestId : undefined;
	if (error && KEY_REJECTED.test(String(error.Code))) {
		const reason = new VendorApiError({
			vendor: TENCENT_CLOUD,
			code: String(error.Code),
			message: String(error.Message ?? ''),
			requestId,
			requestIdLabel: 'RequestId',
			hint:
				(String(error.Code) === 'AuthFailure.SignatureExpire' ? clockHint(dateHeader(answer.headers), sentAt) : undefined) ??
				TENCENT_HINTS[String(error.Code)],
		});
		return fail(`Tencent Cloud rejected the key: ${String(error.Code)} – ${String(error.Message)} (RequestId: ${String(response.RequestId)})`, reason);
	}
	if (!error && creds.appId && response.AppId !== undefined && String(response.AppId) !== creds.appId) {
		return fail(
			`The App ID ${creds.appId} does not belong to this key: its account's App ID is ${String(response.AppId)} (RequestId: ${String(response.RequestId)})`,
		);
	}
	return { keyCheck: `verified ${new Date().toISOString()}` };
}

/** The `Date` header of an answer (any case), if present. */
function dateHeader(headers: Record<string, unknown> | undefined): string | undefined {
	const key = Object.keys(headers ?? {}).find((name) => name.toLowerCase() === 'date');
	return key === undefined ? undefined : String(headers![key]);
}
