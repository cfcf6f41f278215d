import { randomBytes } from 'node:crypto';

/** One file part of a multipart/form-data body. */
export interface MultipartFile {
	/** Form field name: WeChat wants `media` (docs/wechat.md#voice-upload), Coze wants `file` (docs/coze.md#transcriptions). */
	fieldName: string;
	fileName: string;
	contentType: string;
	data: Buffer;
}

/** A finished multipart body: the exact bytes to send and the header that describes them. */
export interface MultipartBody {
	body: Buffer;
	/** `multipart/form-data; boundary=…` */
	contentType: string;
}

function quote(value: string): string {
	// RFC 7578 §4.2: escape quote and backslash, drop line breaks.
	return value.replace(/[\r\n]+/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * Builds a multipart/form-data body as one Buffer (RFC 7578), so it can be resent unchanged
 * after a token refresh and compared byte for byte in tests. Text fields come first, then files.
 * The file bytes are copied once, into the body.
 *
 * @param boundary fixed boundary for tests; a random one otherwise.
 */
export function buildMultipart(
	files: MultipartFile[],
	fields: Record<string, string> = {},
	boundary = `----n8nCnSpeech${randomBytes(12).toString('hex')}`,
): MultipartBody {
	const chunks: Buffer[] = [];
	for (const [name, value] of Object.entries(fields)) {
		chunks.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`,
				'utf8',
			),
		);
	}
	for (const file of files) {
		chunks.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.fieldName)}"; filename="${quote(file.fileName)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
				'utf8',
			),
			file.data,
			Buffer.from('\r\n', 'utf8'),
		);
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
