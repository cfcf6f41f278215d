/**
 * Tests of the Coze emulator itself (test/emulators/coze.ts), over real HTTP with undici:
 * authentication and permission, the multipart/size/format/duration rules, log ids, the
 * workspaces endpoint used by the credential test, and fault injection.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import FormDataPackage from 'form-data';
import { FormData, request } from 'undici';
import { TranscriptRegistry } from './common';
import { COZE_FORMATS, sniffAudioFormat, startCozeEmulator, type CozeEmulator } from './coze';

const FIXTURE = join(__dirname, '..', 'fixtures', 'audio', 'speech-16k-mono.mp3');
const LOG_ID = /^\d{14}[0-9A-F]{18}$/;

/** `count` MPEG frames with `header`, each `frameBytes` long. */
function frames(header: number[], frameBytes: number, count: number, seed = 1): Buffer {
	const out = Buffer.alloc(frameBytes * count);
	for (let f = 0; f < count; f++) {
		const at = f * frameBytes;
		out.set(header, at);
		for (let i = 4; i < frameBytes; i++) out[at + i] = (f * 13 + i * 5 + seed) & 0x7f;
	}
	return out;
}

/** MPEG-2 Layer III, 32 kbit/s, 16 kHz mono: 144-byte frames of 36 ms. */
const MONO_16K = [0xff, 0xf3, 0x48, 0xc4];
/** MPEG-2 Layer III, 8 kbit/s, 16 kHz mono: 36-byte frames of 576 samples = 36 ms. */
const LOW_RATE = [0xff, 0xf3, 0x18, 0xc4];
/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz stereo: 417-byte frames. */
const STEREO_44K = [0xff, 0xfb, 0x90, 0x04];

const SPEECH = existsSync(FIXTURE) ? readFileSync(FIXTURE) : frames(MONO_16K, 144, 40);
const SPEECH_TEXT = '你好，请问有什么可以帮您的吗？';

function latin1(text: string, padTo = 0): Buffer {
	const head = Buffer.from(text, 'latin1');
	return padTo > head.length ? Buffer.concat([head, Buffer.alloc(padTo - head.length, 1)]) : head;
}

/** Minimal but well-formed heads of each format, padded with payload. */
const SAMPLES: Record<string, Buffer> = {
	mp3: frames(STEREO_44K, 417, 5),
	wav: latin1('RIFF\x24\x10\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00\x00\x7d\x00\x00\x02\x00\x10\x00data', 400),
	ogg: latin1('OggS\x00\x02' + '\x00'.repeat(21) + '\x01\x1e\x01vorbis', 400),
	opus: latin1('OggS\x00\x02' + '\x00'.repeat(21) + '\x01\x13OpusHead\x01\x01', 400),
	spx: latin1('OggS\x00\x02' + '\x00'.repeat(21) + '\x01\x50Speex   1.2', 400),
	m4a: latin1('\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00M4A isom', 400),
	mp4: latin1('\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isommp42', 400),
	aac: Buffer.concat([Buffer.from([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]), Buffer.alloc(300, 3)]),
	amr: latin1('#!AMR\n\x3c', 400),
	pcm: Buffer.alloc(320, 7),
	raw: Buffer.alloc(320, 9),
};

let emulator: CozeEmulator;
let transcripts: TranscriptRegistry;

beforeEach(async () => {
	transcripts = new TranscriptRegistry();
	transcripts.register(SPEECH, SPEECH_TEXT);
	emulator = await startCozeEmulator({
		tokens: { pat_good: { scopes: ['createTranscription'] }, pat_noperm: { scopes: [] } },
		transcripts,
	});
});

afterEach(async () => {
	await emulator.close();
});

interface Answer {
	status: number;
	json: { code: number; msg: string; data?: { text?: string; workspaces?: unknown[]; total_count?: number }; detail: { logid: string } };
	logId: string | undefined;
	contentType: string | undefined;
}

async function transcribe(
	audio: Buffer | undefined,
	options: { token?: string | null; fileName?: string; partName?: string } = {},
): Promise<Answer> {
	const form = new FormData();
	if (audio) form.append(options.partName ?? 'file', new Blob([audio]), options.fileName ?? 'speech.mp3');
	const token = options.token === undefined ? 'pat_good' : options.token;
	const res = await request(`${emulator.url}/v1/audio/transcriptions`, {
		method: 'POST',
		headers: token === null ? {} : { authorization: `Bearer ${token}` },
		body: form,
	});
	return await toAnswer(res);
}

async function toAnswer(res: Awaited<ReturnType<typeof request>>): Promise<Answer> {
	const json = (await res.body.json()) as Answer['json'];
	return {
		status: res.statusCode,
		json,
		logId: res.headers['x-tt-logid'] as string | undefined,
		contentType: res.headers['content-type'] as string | undefined,
	};
}

function expectCozeError(answer: Answer, status: number, code: number, msg?: RegExp): void {
	expect(answer.status).toBe(status);
	expect(answer.json.code).toBe(code);
	expect(answer.json.data).toBeUndefined();
	expect(answer.json.detail.logid).toMatch(LOG_ID);
	expect(answer.logId).toBe(answer.json.detail.logid);
	if (msg) expect(answer.json.msg).toMatch(msg);
}

describe('authentication and permission', () => {
	it('answers 401 / 4100 without a token, with an unknown one, or a malformed header', async () => {
		expectCozeError(await transcribe(SPEECH, { token: null }), 401, 4100, /^authentication is invalid$/);
		expectCozeError(await transcribe(SPEECH, { token: 'pat_unknown' }), 401, 4100);
		expectCozeError(await transcribe(SPEECH, { token: '' }), 401, 4100);
		expectCozeError(await transcribe(SPEECH, { token: 'constructor' }), 401, 4100);
		const res = await request(`${emulator.url}/v1/audio/transcriptions`, {
			method: 'POST',
			headers: { authorization: 'pat_good' },
			body: 'x',
		});
		expectCozeError(await toAnswer(res), 401, 4100);
		expect(emulator.requests.map((r) => r.authorized)).toEqual([false, false, false, false, false]);
	});

	it('answers 403 / 4101 for a token without createTranscription', async () => {
		const answer = await transcribe(SPEECH, { token: 'pat_noperm' });
		expectCozeError(answer, 403, 4101, /createTranscription/);
		expect(emulator.requests[0].authorized).toBe(true);
	});

	it('never stores the token', async () => {
		await transcribe(SPEECH);
		await transcribe(SPEECH, { token: 'pat_secret_unknown' });
		const log = JSON.stringify(emulator.requests);
		expect(log).not.toContain('pat_good');
		expect(log).not.toContain('pat_secret_unknown');
	});
});

describe('POST /v1/audio/transcriptions', () => {
	it('transcribes registered audio with a log id in body and header', async () => {
		const answer = await transcribe(SPEECH);
		expect(answer.status).toBe(200);
		expect(answer.contentType).toBe('application/json; charset=utf-8');
		expect(answer.json).toEqual({ code: 0, msg: '', data: { text: SPEECH_TEXT }, detail: { logid: answer.logId } });
		expect(answer.logId).toMatch(LOG_ID);
		expect(emulator.requests[0]).toMatchObject({
			method: 'POST',
			path: '/v1/audio/transcriptions',
			authorized: true,
			partNames: ['file'],
			fileName: 'speech.mp3',
			fileBytes: SPEECH.length,
			status: 200,
			code: 0,
			logId: answer.logId,
		});
		expect(emulator.requests[0].contentType).toMatch(/^multipart\/form-data; boundary=/);
	});

	it('gives every answer a fresh log id', async () => {
		const ids = new Set<string>();
		for (let i = 0; i < 5; i++) ids.add((await transcribe(SPEECH)).logId as string);
		ids.add((await transcribe(SPEECH, { token: null })).logId as string);
		expect(ids.size).toBe(6);
	});

	it('answers unknown audio with an empty text', async () => {
		const answer = await transcribe(frames(MONO_16K, 144, 40, 99));
		expect(answer.status).toBe(200);
		expect(answer.json.data).toEqual({ text: '' });
	});

	it('accepts the form-data package (what n8n sends) and extra parts', async () => {
		const form = new FormDataPackage();
		form.append('file', SPEECH, { filename: 'JAY.MP3', contentType: 'audio/mpeg' });
		form.append('note', 'extra');
		const res = await request(`${emulator.url}/v1/audio/transcriptions`, {
			method: 'POST',
			headers: { ...form.getHeaders(), authorization: 'Bearer pat_good' },
			body: form.getBuffer(),
		});
		const answer = await toAnswer(res);
		expect(answer.status).toBe(200);
		expect(answer.json.data?.text).toBe(SPEECH_TEXT);
		expect(emulator.requests[0].partNames).toEqual(['file', 'note']);
	});

	it('requires a multipart file part named "file"', async () => {
		expectCozeError(await transcribe(SPEECH, { partName: 'body' }), 400, 4000, /'file'/);
		expectCozeError(await transcribe(SPEECH, { partName: 'audio' }), 400, 4000);
		expectCozeError(await transcribe(undefined), 400, 4000);
		expectCozeError(await transcribe(Buffer.alloc(0)), 400, 4000, /empty/);
		const field = new FormData();
		field.append('file', 'just text');
		let res = await request(`${emulator.url}/v1/audio/transcriptions`, {
			method: 'POST',
			headers: { authorization: 'Bearer pat_good' },
			body: field,
		});
		expectCozeError(await toAnswer(res), 400, 4000);
		res = await request(`${emulator.url}/v1/audio/transcriptions`, {
			method: 'POST',
			headers: { authorization: 'Bearer pat_good', 'content-type': 'audio/mpeg' },
			body: SPEECH,
		});
		expectCozeError(await toAnswer(res), 400, 4000, /multipart/);
		res = await request(`${emulator.url}/v1/audio/transcriptions`, {
			method: 'POST',
			headers: { authorization: 'Bearer pat_good', 'content-type': 'multipart/form-data; boundary=B' },
			body: '--B\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\n\r\nabc',
		});
		expectCozeError(await toAnswer(res), 400, 4000, /malformed/);
	});

	it('limits files to 10,485,760 bytes and answers at the limit', async () => {
		const exact = await transcribe(Buffer.alloc(10_485_760, 1), { fileName: 'big.pcm' });
		expect(exact.status).toBe(200);
		expectCozeError(await transcribe(Buffer.alloc(10_485_761, 1), { fileName: 'big.pcm' }), 400, 4000, /10 MB/);
		expect(emulator.requests[1].fileBytes).toBe(10_485_761);
		const started = Date.now();
		expectCozeError(await transcribe(Buffer.alloc(50 * 1024 * 1024, 1), { fileName: 'huge.pcm' }), 400, 4000);
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(emulator.requests[2].fileBytes).toBe(10_485_761);
	});

	it('accepts every large-model format whose content matches its extension', async () => {
		expect([...COZE_FORMATS].sort()).toEqual(Object.keys(SAMPLES).sort());
		for (const [extension, bytes] of Object.entries(SAMPLES)) {
			expect(sniffAudioFormat(extension, bytes)).toBe(true);
			const answer = await transcribe(bytes, { fileName: `clip.${extension.toUpperCase()}` });
			expect([extension, answer.status, answer.json.code]).toEqual([extension, 200, 0]);
		}
	});

	it('refuses unsupported extensions and content that does not match the extension', async () => {
		const text = Buffer.from('this is a text file, not audio\n'.repeat(20));
		const refused: Array<[string, Buffer]> = [
			['notes.txt', text],
			['speech.mp3', text],
			['speech.flac', Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(100)])],
			['speech', SPEECH],
			['speech.wav', SPEECH],
			['speech.mp3', SAMPLES.wav],
			['speech.ogg', SAMPLES.wav],
			['speech.opus', SAMPLES.ogg],
			['speech.spx', SAMPLES.opus],
			['speech.m4a', text],
			['speech.aac', text],
			['speech.amr', SAMPLES.mp3],
		];
		for (const [fileName, bytes] of refused) {
			const answer = await transcribe(bytes, { fileName });
			expect([fileName, answer.status, answer.json.code]).toEqual([fileName, 400, 4000]);
			expect(answer.json.msg).toMatch(/^unsupported audio format/);
		}
	});

	it('refuses mp3 audio of 30 minutes or more (estimated from frame headers)', async () => {
		// 36-byte frames of 36 ms: 50,000 frames = 1800 s (1.8 MB), one fewer is under 30 minutes.
		const under = await transcribe(frames(LOW_RATE, 36, 49_999), { fileName: 'long.mp3' });
		expect(under.status).toBe(200);
		expectCozeError(await transcribe(frames(LOW_RATE, 36, 50_000), { fileName: 'long.mp3' }), 400, 4000, /30 minutes/);
	});
});

describe('GET /v1/workspaces (credential test)', () => {
	async function workspaces(query: string, token: string | null = 'pat_noperm'): Promise<Answer> {
		const res = await request(`${emulator.url}/v1/workspaces${query}`, {
			headers: token === null ? {} : { authorization: `Bearer ${token}` },
		});
		return await toAnswer(res);
	}

	it('lists the personal workspace for any known token', async () => {
		const answer = await workspaces('?page_num=1&page_size=1');
		expect(answer.status).toBe(200);
		expect(answer.json.code).toBe(0);
		expect(answer.json.msg).toBe('');
		expect(answer.json.data?.total_count).toBe(1);
		expect(answer.json.data?.workspaces).toEqual([
			expect.objectContaining({ name: 'Personal', workspace_type: 'personal', id: expect.any(String) }),
		]);
		expect(answer.json.detail.logid).toBe(answer.logId);
		expect((await workspaces('', 'pat_good')).status).toBe(200);
		expect((await workspaces('?page_num=2&page_size=1')).json.data?.workspaces).toEqual([]);
	});

	it('applies the same authentication and checks paging', async () => {
		expectCozeError(await workspaces('?page_num=1&page_size=1', null), 401, 4100);
		expectCozeError(await workspaces('?page_num=1&page_size=1', 'pat_bad'), 401, 4100);
		expectCozeError(await workspaces('?page_num=0&page_size=1'), 400, 4000);
		expectCozeError(await workspaces('?page_num=1&page_size=51'), 400, 4000);
		expectCozeError(await workspaces('?page_num=1&page_size=x'), 400, 4000);
	});

	it('answers unknown paths and methods with 404 / 4200', async () => {
		const res = await request(`${emulator.url}/v1/audio/speech`, {
			method: 'POST',
			headers: { authorization: 'Bearer pat_good' },
		});
		expectCozeError(await toAnswer(res), 404, 4200);
		const get = await request(`${emulator.url}/v1/audio/transcriptions`, { headers: { authorization: 'Bearer pat_good' } });
		expectCozeError(await toAnswer(get), 404, 4200);
	});
});

describe('fault injection', () => {
	it('failNext answers status and code count times, with a log id, then recovers', async () => {
		emulator.failNext(429, 4013, 2);
		expectCozeError(await transcribe(SPEECH), 429, 4013);
		expectCozeError(await transcribe(SPEECH), 429, 4013);
		expect((await transcribe(SPEECH)).json.data?.text).toBe(SPEECH_TEXT);
		emulator.failNext(500, 5000);
		expectCozeError(await transcribe(SPEECH), 500, 5000);
		emulator.failNext(200, 4013, 1, { msg: 'too many requests' });
		expectCozeError(await transcribe(SPEECH), 200, 4013, /^too many requests$/);
		expect(emulator.requests.map((r) => [r.fault, r.status, r.code, r.fileBytes])).toEqual([
			['fail', 429, 4013, SPEECH.length],
			['fail', 429, 4013, SPEECH.length],
			[undefined, 200, 0, SPEECH.length],
			['fail', 500, 5000, SPEECH.length],
			['fail', 200, 4013, SPEECH.length],
		]);
	});

	it('answers gateway errors with an HTML page', async () => {
		emulator.failNext(502, 0);
		const res = await request(`${emulator.url}/v1/audio/transcriptions`, {
			method: 'POST',
			headers: { authorization: 'Bearer pat_good' },
			body: new FormData(),
		});
		expect(res.statusCode).toBe(502);
		expect(res.headers['content-type']).toBe('text/html');
		expect(res.headers['x-tt-logid']).toMatch(LOG_ID);
		expect(await res.body.text()).toContain('<h1>502 Bad Gateway</h1>');
		emulator.failNext(503, 0, 1, { html: false });
		expectCozeError(await transcribe(SPEECH), 503, 0);
	});

	it('failNext also applies to the credential test endpoint', async () => {
		emulator.failNext(500, 5000);
		const res = await request(`${emulator.url}/v1/workspaces`, { headers: { authorization: 'Bearer pat_good' } });
		expectCozeError(await toAnswer(res), 500, 5000);
	});

	it('resetNext destroys the connection without an answer, then recovers', async () => {
		emulator.resetNext(2);
		await expect(transcribe(SPEECH)).rejects.toThrow();
		await expect(transcribe(SPEECH)).rejects.toThrow();
		expect((await transcribe(SPEECH)).status).toBe(200);
		expect(emulator.requests.map((r) => r.fault)).toEqual(['reset', 'reset', undefined]);
		expect(emulator.requests[0].status).toBeUndefined();
	});
});
