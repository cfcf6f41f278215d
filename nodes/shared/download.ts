import type { IDataObject, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { formatBytes, inputError, redactSecrets } from './errors';

/** Audio fetched from a URL. */
export interface DownloadedAudio {
	data: Buffer;
	/** Last path segment of the URL (may be empty). */
	fileName: string;
	/** Lower-case extension of `fileName` without the dot (may be empty). */
	fileExtension: string;
	/** Content-Type of the answer, without parameters (may be empty). */
	mimeType: string;
}

/**
 * Downloads audio from a public http(s) URL, for operations that take an audio URL instead of
 * binary data (what makes them usable as AI-agent tools: n8n notes, "Binary data").
 *
 * @param maxBytes refuse answers larger than this, in bytes (checked on Content-Length first).
 * @throws NodeOperationError for a malformed URL, an HTTP error status, an empty or oversized
 *   answer. Signed query parameters are redacted from messages.
 */
export async function downloadAudio(
	ctx: IExecuteFunctions,
	url: string,
	maxBytes: number,
	itemIndex: number,
): Promise<DownloadedAudio> {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw inputError(ctx.getNode(), `"${redactSecrets(url)}" is not a valid URL`, 'Enter a full http:// or https:// address of the audio file.', itemIndex);
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw inputError(ctx.getNode(), `Only http and https audio URLs are supported, not ${parsed.protocol}`, undefined, itemIndex);
	}
	const shownUrl = redactSecrets(parsed.toString());
	let response: IN8nHttpFullResponse;
	try {
		response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url: parsed.toString(),
			encoding: 'arraybuffer',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 120_000,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		throw inputError(
			ctx.getNode(),
			`Could not download the audio from ${shownUrl}`,
			redactSecrets(error instanceof Error ? error.message : String(error)),
			itemIndex,
		);
	}
	if (response.statusCode < 200 || response.statusCode >= 300) {
		throw inputError(
			ctx.getNode(),
			`Downloading the audio from ${shownUrl} failed with HTTP ${response.statusCode}`,
			'Check that the URL is public and points at the audio file itself.',
			itemIndex,
		);
	}
	const body = response.body as unknown;
	const data = Buffer.isBuffer(body)
		? body
		: body instanceof ArrayBuffer
			? Buffer.from(body)
			: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body ?? ''));
	if (data.length === 0) {
		throw inputError(ctx.getNode(), `The audio at ${shownUrl} is empty`, undefined, itemIndex);
	}
	if (data.length > maxBytes) {
		throw inputError(
			ctx.getNode(),
			`The audio at ${shownUrl} is ${formatBytes(data.length)}, over the limit of ${formatBytes(maxBytes)}`,
			undefined,
			itemIndex,
		);
	}
	const fileName = decodeURIComponent(parsed.pathname.split('/').pop() ?? '');
	const headers = (response.headers ?? {}) as IDataObject;
	return {
		data,
		fileName,
		fileExtension: (/\.([A-Za-z0-9]+)$/.exec(fileName)?.[1] ?? '').toLowerCase(),
		mimeType: String(headers['content-type'] ?? '').split(';')[0].trim(),
	};
}
