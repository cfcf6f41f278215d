/**
 * Pieces shared by the local vendor emulators: an HTTP server bound to 127.0.0.1 on a free
 * port, a bounded body reader, the transcript registry that stands in for speech recognition,
 * and a static file server for audio URLs.
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

/** What a registered recording is "recognised" as. */
export interface Transcript {
	text: string;
	/** Audio length in seconds, when the test knows it (used for durations in answers). */
	durationSeconds?: number;
}

/**
 * The stand-in for speech recognition shared by all emulators: SHA-256 of the audio bytes →
 * transcript. Unknown audio yields `undefined`, which emulators answer with an empty result.
 */
export class TranscriptRegistry {
	private readonly byHash = new Map<string, Transcript>();

	/** Registers `text` for the audio bytes (or for a hex SHA-256 computed elsewhere). */
	register(audio: Uint8Array | string, text: string, durationSeconds?: number): void {
		const key = typeof audio === 'string' ? audio.toLowerCase() : audioHash(audio);
		this.byHash.set(key, { text, durationSeconds });
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
