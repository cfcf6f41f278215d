/**
 * downloadAudio (Audio URL inputs) over real HTTP: the size cap before and while reading, HTTP
 * errors, and URLs shown without user info or signed query values.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { downloadAudio } from '../../../../nodes/common/audio/download';
import { startServer, type RunningServer } from '../../../emulators/common';
import { createExecuteContext, stubNode } from '../../../helpers/n8nContext';

const NODE = stubNode('Download Test');

let server: RunningServer;
const served: string[] = [];

beforeAll(async () => {
	server = await startServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		served.push(path);
		if (path === '/declared-large.mp3') {
			// claims 2,000 bytes, sends them slowly: the node must not wait for them
			res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': '2000' });
			res.write(Buffer.alloc(100));
			const rest = setTimeout(() => res.end(Buffer.alloc(1900)), 30_000);
			res.on('close', () => clearTimeout(rest));
			return;
		}
		if (path === '/chunked-large.mp3') {
			// no Content-Length: the cap must hold while reading
			res.writeHead(200, { 'content-type': 'audio/mpeg' });
			for (let i = 0; i < 20; i++) res.write(Buffer.alloc(100, i));
			res.end();
			return;
		}
		if (path === '/small%20file.mp3') {
			res.writeHead(200, { 'content-type': 'audio/mpeg; charset=binary' });
			res.end(Buffer.from([0xff, 0xf3, 0x44, 0xc4]));
			return;
		}
		if (path === '/empty.mp3') {
			res.writeHead(200, { 'content-length': '0' }).end();
			return;
		}
		res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
	});
});

afterAll(async () => await server.close());

function ctx(): IExecuteFunctions {
	return createExecuteContext({ node: NODE, parameters: {} }).ctx;
}

async function failure(url: string, maxBytes = 1000): Promise<Error & { description?: string }> {
	const error = await downloadAudio(ctx(), url, maxBytes, 0).then(
		() => undefined,
		(caught: unknown) => caught as Error & { description?: string },
	);
	if (!error) throw new Error('expected the download to fail');
	return error;
}

describe('downloadAudio', () => {
	it('returns the bytes, the decoded file name, its extension and the MIME type', async () => {
		const audio = await downloadAudio(ctx(), `${server.url}/small%20file.mp3`, 1000, 0);
		expect(audio).toEqual({ data: Buffer.from([0xff, 0xf3, 0x44, 0xc4]), fileName: 'small file.mp3', fileExtension: 'mp3', mimeType: 'audio/mpeg' });
	});

	it('refuses a declared Content-Length over the limit without reading the body', async () => {
		const started = Date.now();
		const error = await failure(`${server.url}/declared-large.mp3`);
		expect(error.message).toMatch(/is 2,000 bytes.*over the limit of 1,000 bytes/);
		expect(Date.now() - started).toBeLessThan(10_000);
	});

	it('cuts off a body without Content-Length once it passes the limit', async () => {
		const error = await failure(`${server.url}/chunked-large.mp3`);
		expect(error.message).toMatch(/is larger, over the limit of 1,000 bytes/);
	});

	it('refuses HTTP errors, empty answers, bad URLs and other protocols', async () => {
		expect((await failure(`${server.url}/missing.mp3`)).message).toMatch(/failed with HTTP 404/);
		expect((await failure(`${server.url}/empty.mp3`)).message).toMatch(/is empty/);
		expect((await failure('not a url')).message).toMatch(/is not a valid URL/);
		expect((await failure('ftp://example.com/a.mp3')).message).toMatch(/not ftp:/);
	});

	it('never shows user info or signed query values of the URL', async () => {
		const url = `${server.url.replace('http://', 'http://alice:pa55word@')}/missing.mp3?sign=abc123&x=1`;
		const error = await failure(url);
		expect(error.message).toContain('/missing.mp3?sign=***&x=1');
		expect(`${error.message} ${error.description ?? ''}`).not.toMatch(/alice|pa55word|abc123/);
	});
});
