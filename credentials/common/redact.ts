/**
 * Keeping secrets out of what users see. Every error message, description and log line this
 * package writes passes through {@link redactSecrets}; vendor answers quoted in messages are cut
 * with {@link answerExcerpt}, which redacts before cutting.
 */

const TOKEN_QUERY =
	/([?&](?:access_token|secretid|secret|token|signature|sign|sig|q-signature|x-amz-signature|x-amz-security-token|x-amz-credential|auth_key|api_key|apikey|key)=)[^&#\s"']*/gi;

/**
 * Removes secrets from a text before it is shown: every listed secret value (4 characters or
 * more) becomes `***`, and the value of any signed or secret URL query parameter
 * (`access_token=`, `secret=`, `token=`, `secretid=`, `signature=`, `sign=`, `q-signature=` …)
 * is replaced. WeChat puts its access_token in the query string (docs/wechat.md#access-token),
 * so any URL we surface goes through here.
 *
 * @param secrets values that must never appear (App Secret, access tokens, SecretKey …).
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
	let result = text.replace(TOKEN_QUERY, '$1***');
	for (const secret of secrets) {
		if (secret && secret.length >= 4) {
			result = result.split(secret).join('***');
		}
	}
	return result;
}

/**
 * The first `maxChars` characters of a vendor answer for an error message, redacted BEFORE it is
 * cut (so a secret cut in half cannot slip past {@link redactSecrets}).
 */
export function answerExcerpt(text: string, maxChars: number, secrets: ReadonlyArray<string | undefined> = []): string {
	return redactSecrets(text, secrets).slice(0, maxChars);
}
