/**
 * Pieces shared by the local vendor emulators: an HTTP server bound to 127.0.0.1 on a free
 * port, bounded body readers, the transcript registry that stands in for speech recognition,
 * a static file server for audio URLs, the download of an audio URL as a vendor does it, and the
 * emulator clock.
 *
 * An emulator cannot recognise speech. It answers with the transcript that a test registered
 * for the SHA-256 of the audio bytes, and with an empty result for unknown audio, as the real
 * services do for audio they cannot recognise.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

/** A started emulator or helper server. `url` has no trailing slash, e.g. `http://127.0.0.1:40123`. */
export interface RunningServer {
	url: string;
	port: number;
	server: Server;
	close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1 with a free port (or `port` when given). Errors in the handler answer 500. */
export async function startServer(
	handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void,
	port = 0,
): Promise<RunningServer> {
	const server = createServer((req, res) => {
		Promise.resolve(handler(req, res)).catch((error: unknown) => {
			if (!res.headersSent) {
				res.writeHead(500, { 'content-type': 'text/plain' });
			}
			res.end(`emulator error: ${(error as Error).message}`);
		});
	});
	// Node closes a connection 5 s (its default keepAliveTimeout) after an answer even while the
	// client is still sending the request body, as when an emulator answers an oversized upload at
	// its limit; a client stalled that long on a loaded machine then reads ECONNRESET before the
	// answer. Keep such connections open longer, as vendor front ends do (nginx: 75 s).
	server.keepAliveTimeout = 30_000;
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	const address = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${address.port}`,
		port: address.port,
		server,
		close: async () =>
			await new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** Thrown by {@link readBody} when a body is larger than the limit. */
export class BodyTooLargeError extends Error {}

/** Reads a request body into one Buffer; throws {@link BodyTooLargeError} past `limitBytes`. */
export async function readBody(req: IncomingMessage, limitBytes = 64 * 1024 * 1024): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let total = 0;
	for await (const chunk of req) {
		total += (chunk as Buffer).length;
		if (total > limitBytes) {
			throw new BodyTooLargeError(`body larger than ${limitBytes} bytes`);
		}
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

/** Writes a JSON answer (or a pre-serialised JSON string, for uint64 fields). */
export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
	res.end(text);
}

/** Hex SHA-256 of audio bytes: the key of the transcript registry. */
export function audioHash(audio: Uint8Array): string {
	return createHash('sha256').update(audio).digest('hex');
}

/**
 * A stretch of a registered recording: what is said from `startSeconds` to `endSeconds`. The ASR
 * emulators answer these times (rounded to whole milliseconds) as the sentence times.
 */
export interface TranscriptSegment {
	startSeconds: number;
	endSeconds: number;
	text: string;
	/** Speaker number for answers with speaker diarization. Default 0. */
	speakerId?: number;
}

/** What a registered recording is "recognised" as. */
export interface Transcript {
	text: string;
	/** Audio length in seconds, when the test knows it (used for durations in answers). */
	durationSeconds?: number;
	/** The sentence (or paragraph) times, in order, when the test knows them. */
	segments?: TranscriptSegment[];
}

/** The third argument of {@link TranscriptRegistry.register}: the duration, or duration and segments. */
export type TranscriptDetails = number | { durationSeconds?: number; segments?: readonly TranscriptSegment[] };

/**
 * The stand-in for speech recognition shared by all emulators: SHA-256 of the audio bytes →
 * transcript. Unknown audio yields `undefined`, which emulators answer with an empty result.
 */
export class TranscriptRegistry {
	private readonly byHash = new Map<string, Transcript>();

	/**
	 * Registers `text` for the audio bytes (or for a hex SHA-256 computed elsewhere), with its
	 * duration in seconds, or `{ durationSeconds, segments }`.
	 * @throws Error when segments are out of order, overlap, end before they start, go past the
	 * duration, or their texts joined are not `text`.
	 */
	register(audio: Uint8Array | string, text: string, details?: TranscriptDetails): void {
		const key = typeof audio === 'string' ? audio.toLowerCase() : audioHash(audio);
		const { durationSeconds, segments } = typeof details === 'object' ? details : { durationSeconds: details, segments: undefined };
		if (segments) {
			let previousEnd = 0;
			for (const segment of segments) {
				if (!(segment.startSeconds >= previousEnd && segment.endSeconds > segment.startSeconds)) {
					throw new Error(`Transcript segments must be in order and not overlap (at ${segment.startSeconds} s).`);
				}
				if (durationSeconds !== undefined && segment.endSeconds > durationSeconds + 1e-6) {
					throw new Error(`A transcript segment ends at ${segment.endSeconds} s, after the audio (${durationSeconds} s).`);
				}
				previousEnd = segment.endSeconds;
			}
			if (segments.map((segment) => segment.text).join('') !== text) {
				throw new Error('The transcript segments joined must be the transcript text.');
			}
		}
		this.byHash.set(key, { text, durationSeconds, ...(segments ? { segments: segments.map((segment) => ({ ...segment })) } : {}) });
	}

	/** The transcript registered for these bytes, or `undefined` for audio never registered. */
	lookup(audio: Uint8Array): Transcript | undefined {
		return this.byHash.get(audioHash(audio));
	}

	clear(): void {
		this.byHash.clear();
	}
}

const CONTENT_TYPES: Record<string, string> = {
	'.mp3': 'audio/mpeg',
	'.wav': 'audio/wav',
	'.m4a': 'audio/mp4',
	'.ogg': 'audio/ogg',
	'.txt': 'text/plain',
};

/**
 * Serves the files of `dir` read-only at `/<name>` (GET and HEAD), like a public bucket that
 * the vendors download audio URLs from. Unknown files answer 404.
 */
export async function startFileServer(dir: string, port = 0): Promise<RunningServer> {
	const root = normalize(dir);
	return await startServer(async (req, res) => {
		const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
		const file = normalize(join(root, path));
		if (!file.startsWith(root) || (req.method !== 'GET' && req.method !== 'HEAD')) {
			res.writeHead(404).end();
			return;
		}
		let data: Buffer;
		try {
			data = await readFile(file);
		} catch {
			res.writeHead(404).end();
			return;
		}
		res.writeHead(200, {
			'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
			'content-length': String(data.length),
		});
		res.end(req.method === 'HEAD' ? undefined : data);
	}, port);
}

// ---------------------------------------------------------------------------------------------
// Downloads (undici), shared by both emulators.
// ---------------------------------------------------------------------------------------------

/** Result of {@link downloadAudio}. */
export type DownloadResult =
	| { ok: true; bytes: Buffer; contentType?: string }
	| { ok: false; reason: 'invalid-url' | 'unreachable' | 'http-status' | 'too-large'; detail: string };

/**
 * Downloads `url` (http/https only) with undici: up to 3 redirects, `timeoutMs` for the whole
 * download (default 5000 ms), at most `limitBytes` (the download stops and reports `too-large`
 * beyond it). Never throws.
 */
export async function downloadAudio(
	url: string,
	options: { limitBytes: number; timeoutMs?: number },
): Promise<DownloadResult> {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return { ok: false, reason: 'invalid-url', detail: 'not a URL' };
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		return { ok: false, reason: 'invalid-url', detail: `unsupported scheme ${parsed.protocol}` };
	}
	const timeoutMs = options.timeoutMs ?? 5000;
	try {
		const answer = await request(parsed, {
			method: 'GET',
			maxRedirections: 3,
			headersTimeout: timeoutMs,
			bodyTimeout: timeoutMs,
			signal: AbortSignal.timeout(timeoutMs),
		});
		// Destroying an unfinished undici body emits an abort error: keep it from going unhandled.
		answer.body.on('error', () => undefined);
		if (answer.statusCode < 200 || answer.statusCode > 299) {
			await answer.body.dump();
			return { ok: false, reason: 'http-status', detail: `HTTP ${answer.statusCode}` };
		}
		const declared = Number(answer.headers['content-length']);
		if (Number.isFinite(declared) && declared > options.limitBytes) {
			answer.body.destroy();
			return { ok: false, reason: 'too-large', detail: `${declared} bytes` };
		}
		const chunks: Buffer[] = [];
		let total = 0;
		for await (const chunk of answer.body) {
			total += (chunk as Buffer).length;
			if (total > options.limitBytes) {
				answer.body.destroy();
				return { ok: false, reason: 'too-large', detail: `more than ${options.limitBytes} bytes` };
			}
			chunks.push(chunk as Buffer);
		}
		const contentType = answer.headers['content-type'];
		return {
			ok: true,
			bytes: Buffer.concat(chunks),
			contentType: typeof contentType === 'string' ? contentType : undefined,
		};
	} catch (error) {
		return { ok: false, reason: 'unreachable', detail: (error as Error).message };
	}
}

/**
 * Reads a whole request body but keeps at most `keepBytes` (the rest is drained and counted), so
 * an oversized upload can still be answered cleanly instead of resetting the connection.
 */
export async function readBodyCapped(
	req: IncomingMessage,
	keepBytes: number,
): Promise<{ body: Buffer; totalBytes: number }> {
	const chunks: Buffer[] = [];
	let kept = 0;
	let total = 0;
	for await (const chunk of req) {
		const buffer = chunk as Buffer;
		total += buffer.length;
		if (kept < keepBytes) {
			const part = buffer.subarray(0, Math.min(buffer.length, keepBytes - kept));
			chunks.push(part);
			kept += part.length;
		}
	}
	return { body: Buffer.concat(chunks), totalBytes: total };
}

// ---------------------------------------------------------------------------------------------
// Clock and rate limiting.
// ---------------------------------------------------------------------------------------------

/**
 * An emulator clock: starts at real time and runs with real (monotonic) time unless frozen;
 * `advance`/`set` shift it. Milliseconds and whole seconds (epoch).
 */
export class EmulatorClock {
	private readonly baseMs = Date.now();
	private readonly realBase = performance.now();
	private offsetMs = 0;

	constructor(private readonly frozen = false) {}

	/** Epoch milliseconds on this clock. */
	nowMs(): number {
		return this.baseMs + this.offsetMs + (this.frozen ? 0 : performance.now() - this.realBase);
	}

	/** Epoch seconds (floored) on this clock. */
	nowSeconds(): number {
		return Math.floor(this.nowMs() / 1000);
	}

	/** Moves the clock by `seconds` (may be fractional or negative). */
	advance(seconds: number): void {
		this.offsetMs += seconds * 1000;
	}

	/** Sets the clock to `epochSeconds`. */
	set(epochSeconds: number): void {
		this.offsetMs += epochSeconds * 1000 - this.nowMs();
	}
}
