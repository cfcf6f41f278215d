import type { IDataObject } from 'n8n-workflow';

/** Readable names of an IVR audio file's review `Status` (seed 002; vendor notes §3: 0, 1, 2). */
export const IVR_AUDIO_STATUS_TEXT: Record<number, string> = {
	0: 'Pending review',
	1: 'Approved',
	2: 'Rejected',
};

/**
 * One `AudioFileInfo` (UploadIvrAudio `SuccessFileList`, DescribeIvrAudioList `FileInfo`) as an
 * output item: Tencent's fields unchanged (`FileId`, `CustomFileName`, `AudioFileName`,
 * `Status`, and any other field Tencent adds) plus `statusText` ("Pending review", "Approved",
 * "Rejected", or "Unknown status N").
 */
export function toAudioFileOutput(info: IDataObject): IDataObject {
	const status = Number(info.Status);
	return {
		...info,
		statusText: IVR_AUDIO_STATUS_TEXT[status] ?? `Unknown status ${String(info.Status)}`,
	};
}
