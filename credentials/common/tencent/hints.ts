/**
 * What to do about Tencent Cloud API 3.0 error codes common to every service
 * (docs/tencent-cloud-api.md#error-answers). Service-specific codes are explained by the node
 * that calls the service.
 */
export const TENCENT_HINTS: Readonly<Record<string, string>> = {
	'AuthFailure.SignatureFailure': 'The SecretKey does not match the SecretId. Check both in the Tencent Cloud credential (Tencent Cloud CAM → API Keys).',
	'AuthFailure.SecretIdNotFound': 'The SecretId does not exist or was disabled. Check it in the Tencent Cloud credential (Tencent Cloud CAM → API Keys).',
	'AuthFailure.InvalidSecretId': 'The SecretId is malformed. Copy it again from the Tencent Cloud CAM → API Keys.',
	'AuthFailure.SignatureExpire': "The request's timestamp is more than 5 minutes away from Tencent's clock. Synchronise the clock of the machine running n8n (NTP).",
	'AuthFailure.TokenFailure': 'The Session Token is wrong or expired. Refresh the temporary credentials, or clear the Session Token for a permanent key.',
	'AuthFailure.InvalidAuthorization': 'The Authorization header was malformed. If a proxy rewrites requests, let it pass them unchanged.',
	'AuthFailure.UnauthorizedOperation': 'The key is valid but lacks permission for this action. Grant the CAM policy for this service to the sub-account.',
	RequestLimitExceeded: 'Tencent rate-limited the request. The node already waited and retried; lower the number of items per execution or spread executions out.',
	InternalError: 'A temporary Tencent Cloud error. Try again later.',
	'InternalError.DBError': 'A temporary Tencent Cloud error. Try again later.',
};

/**
 * For `AuthFailure.SignatureExpire`: how far this machine's clock is from Tencent's, read from
 * the answer's `Date` header (whole seconds), as a sentence; `undefined` without a usable header.
 * The request was signed at `sentAt` (epoch milliseconds).
 */
export function clockHint(dateHeader: string | undefined, sentAt: number): string | undefined {
	const serverTime = dateHeader ? Date.parse(dateHeader) : Number.NaN;
	if (!Number.isFinite(serverTime)) return undefined;
	const offsetSeconds = Math.round((sentAt - serverTime) / 1000);
	const direction = offsetSeconds > 0 ? 'ahead of' : 'behind';
	return `The clock of the machine running n8n is about ${Math.abs(offsetSeconds)} seconds ${direction} Tencent Cloud's (its answer was dated ${new Date(serverTime).toISOString()}); Tencent accepts at most 5 minutes. Synchronise the clock (NTP) and run the node again.`;
}
