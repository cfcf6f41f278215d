/** The multipart form, serialized by the platform's FormData encoder and read back by busboy (an independent parser). */
import Busboy from 'busboy';
import { Readable } from 'node:stream';

import { multipartForm } from '../../../nodes/common/multipart';

describe('multipartForm', () => {
	async function parse(body: Buffer, contentType: string) {
		return await new Promise<{ fields: Record<string, string>; files: Array<{ name: string; fileName: string; mimeType: string; data: Buffer }> }>(
			(resolve, reject) => {
				const fields: Record<string, string> = {};
				const files: Array<{ name: string; fileName: string; mimeType: string; data: Buffer }> = [];
				const parser = Busboy({ headers: { 'content-type': contentType } });
				parser.on('field', (name, value) => (fields[name] = value));
				parser.on('file', (name, stream, info) => {
					const chunks: Buffer[] = [];
					stream.on('data', (chunk: Buffer) => chunks.push(chunk));
					stream.on('end', () => files.push({ name, fileName: info.filename ?? '', mimeType: info.mimeType, data: Buffer.concat(chunks) }));
				});
				parser.on('close', () => resolve({ fields, files }));
				parser.on('error', reject);
				Readable.from([body]).pipe(parser);
			},
		);
	}

	it('builds a body busboy reads back byte for byte, with the part names the vendors want', async () => {
		const audio = Buffer.from([0xff, 0xf3, 0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0x00]);
		const form = multipartForm(
			[{ fieldName: 'media', fileName: 'a "quoted"\r\nname.mp3', contentType: 'audio/mpeg', data: audio }],
			{ note: '中文 text' },
		);
		const encoded = new Response(form);
		const contentType = encoded.headers.get('content-type') ?? '';
		const body = Buffer.from(await encoded.arrayBuffer());
		expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
		const parsed = await parse(body, contentType);
		expect(parsed.fields).toEqual({ note: '中文 text' });
		expect(parsed.files).toHaveLength(1);
		expect(parsed.files[0]).toMatchObject({ name: 'media', mimeType: 'audio/mpeg' });
		expect(parsed.files[0].data.equals(audio)).toBe(true);
	});
});
