import type { IDataObject, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { redactSecrets } from '../../../credentials/common/redact';
import { formatBytes, inputError } from '../errors';
import { checkHttpUrl } from '../url';
import type { AudioFile } from './binary';

/**
 * The file name a URL points at: its last path segment, percent-decoded (kept as written when an
 * escape is broken); '' for a URL that does not parse or ends in `/`.
 */
export function urlFileName(url: string | URL): string {
	let segment: string;
	try {
		segment = (typeof url === 'string' ? new URL(url) : url).pathname.split('/').pop() ?? '';
	} catch {
		return '';
	}
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** A URL as shown in messages: no `user:password@`, signed query values redacted. */
function showUrl(url: URL): string {
	const shown = new URL(url.toString());
	shown.username = '';
	shown.password = '';
	return redactSecrets(shown.toString());
}

/** A response body stream as n8n returns it for `encoding: 'stream'`. */
type BodyStream = AsyncIterable<Buffer | string> & { destroy?: () => void; on?: (event: 'error', listener: () => void) => unknown };

/** Stops reading a body we do not want; errors from tearing it down are ignored. */
function discard(stream: BodyStream): void {
	stream.on?.('error', () => undefined);
	stream.destroy?.();
}

/** Reads a response stream into one Buffer, giving up (and discarding the rest) past `maxBytes`. */
async function readCapped(stream: BodyStream, maxBytes: number): Promise<Buffer | undefined> {
	const chunks: Buffer[] = [];
	let total = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		total += buffer.length;
		if (total > maxBytes) {
			discard(stream);
			return undefined;
		}
		chunks.push(buffer);
	}
	return Buffer.concat(chunks, total);
}

/**
 * Downloads audio from a public http(s) URL, for operations that take an audio URL instead of
 * binary data (what makes them usable as AI-agent tools: docs/n8n.md#binary-data). The answer
 * is streamed: a `Content-Length` over `maxBytes` is refused before the body is read, and a body
 * that grows past it is cut off, so an oversized file never sits in memory whole.
 *
 * @param maxBytes refuse answers larger than this, in bytes.
 * @param tooLargeHint what to do when the file is over `maxBytes` (shown with the error).
 * @returns the bytes, the URL's file name and extension, and the answer's MIME type.
 * @throws NodeOperationError (item error) for an empty, malformed or non-http(s) URL, a failed
 *   connection, an HTTP error status, an empty or oversized answer. Messages show the URL
 *   without user info and with signed query values redacted.
 */
export async function downloadAudio(
	ctx: IExecuteFunctions,
	url: string,
	maxBytes: number,
	itemIndex: number,
	tooLargeHint?: string,
): Promise<AudioFile> {
	const parsed = new URL(
		checkHttpUrl(
			ctx.getNode(),
			url,
			itemIndex,
			{ label: 'Audio URL' },
			'Enter the full http:// or https:// address of the audio file, e.g. a file on a web server or in object storage (Tencent Cloud COS), or pass the audio as binary data.',
		),
	);
	const shownUrl = showUrl(parsed);
	let response: IN8nHttpFullResponse;
	try {
		response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url: parsed.toString(),
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 120_000,
			abortSignal: ctx.getExecutionCancelSignal?.(),
		})) as IN8nHttpFullResponse;
	} catch (error) {
		throw inputError(
			ctx.getNode(),
			`Could not download the audio from ${shownUrl}`,
			redactSecrets(error instanceof Error ? error.message : String(error)),
			itemIndex,
		);
	}
	const stream = response.body as BodyStream;
	if (response.statusCode < 200 || response.statusCode >= 300) {
		discard(stream);
		throw inputError(
			ctx.getNode(),
			`Downloading the audio from ${shownUrl} failed with HTTP ${response.statusCode}`,
			'Check that the URL is public and points at the audio file itself.',
			itemIndex,
		);
	}
	const headers = (response.headers ?? {}) as IDataObject;
	const declared = Number(headers['content-length']);
	const tooLarge = (size: string) =>
		inputError(ctx.getNode(), `The audio at ${shownUrl} is ${size}, over the limit of ${formatBytes(maxBytes)}`, tooLargeHint, itemIndex);
	if (Number.isFinite(declared) && declared > maxBytes) {
		discard(stream);
		throw tooLarge(formatBytes(declared));
	}
	let data: Buffer | undefined;
	try {
		data = await readCapped(stream, maxBytes);
	} catch (error) {
		throw inputError(
			ctx.getNode(),
			`The download of the audio from ${shownUrl} broke off`,
			redactSecrets(error instanceof Error ? error.message : String(error)),
			itemIndex,
		);
	}
	if (data === undefined) throw tooLarge('larger');
	if (data.length === 0) {
		throw inputError(ctx.getNode(), `The audio at ${shownUrl} is empty`, 'Check that the URL points at the audio file itself and that the file was uploaded completely.', itemIndex);
	}
	const fileName = urlFileName(parsed);
	return {
		data,
		fileName,
		fileExtension: (/\.([A-Za-z0-9]+)$/.exec(fileName)?.[1] ?? '').toLowerCase(),
		mimeType: String(headers['content-type'] ?? '').split(';')[0].trim(),
	};
}
