import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../../../common/errors';

/** Readable names of an IVR audio file's review `Status` (docs/tencent-cloud-api.md#contact-center-uploadivraudio: 0, 1, 2). */
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

/**
 * The SdkAppId parameter of item `itemIndex` as a positive whole number (the Contact Center
 * application: docs/tencent-cloud-api.md#contact-center-uploadivraudio).
 *
 * @throws NodeOperationError (item error) for anything else, saying where to find it.
 */
export function readSdkAppId(ctx: IExecuteFunctions, itemIndex: number): number {
	const raw = ctx.getNodeParameter('sdkAppId', itemIndex) as number | string;
	const sdkAppId = typeof raw === 'string' ? Number(raw.trim()) : raw;
	if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) {
		throw inputError(
			ctx.getNode(),
			`"${String(raw)}" is not a valid SdkAppId`,
			'Enter the numeric SdkAppId of the Contact Center application (Tencent Cloud website → Contact Center).',
			itemIndex,
		);
	}
	return sdkAppId;
}
