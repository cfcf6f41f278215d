/** One file part of a multipart/form-data body. */
export interface MultipartFile {
	/** Form field name: WeChat wants `media` (docs/wechat.md#voice-upload), Coze wants `file` (docs/coze.md#transcriptions). */
	fieldName: string;
	fileName: string;
	contentType: string;
	data: Buffer;
}

/**
 * A multipart/form-data body as a WHATWG `FormData` with the audio as a `Blob`: n8n's HTTP helper
 * passes it to axios, which streams it with its own boundary and Content-Type, so the audio is
 * not concatenated into a second body buffer (docs/n8n.md#binary-data). A `FormData` can be sent
 * again unchanged (after a token refresh or a retry). Text fields come first, then files; file
 * names are escaped by the FormData serializer (HTML multipart encoding: `"` → `%22`, CR/LF → `%0D%0A`).
 */
export function multipartForm(files: MultipartFile[], fields: Record<string, string> = {}): FormData {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) form.append(name, value);
	for (const file of files) form.append(file.fieldName, new Blob([file.data], { type: file.contentType }), file.fileName);
	return form;
}
