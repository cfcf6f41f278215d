import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from '../../../common/errors';
import { resourceLocatorProperty, resourceLocatorValue } from '../../../common/resourceLocator';

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
 * The SdkAppId picker (a resource locator): From List shows the account's Contact Center
 * applications (`searchSdkAppIds`, DescribeCCCBuyInfoList), By ID takes the number.
 */
export function sdkAppIdProperty(description: string): INodeProperties {
	return resourceLocatorProperty({
		displayName: 'SdkAppId',
		name: 'sdkAppId',
		required: true,
		description,
		searchListMethod: 'searchSdkAppIds',
		listPlaceholder: 'Select a Contact Center application...',
		idPlaceholder: 'e.g. 1400000000',
		idRegex: '\\s*[1-9][0-9]*\\s*',
		idErrorMessage: 'An SdkAppId is a whole number, e.g. 1400000000',
	});
}

/**
 * The SdkAppId parameter of item `itemIndex` as a positive whole number (the Contact Center
 * application: docs/tencent-cloud-api.md#contact-center-uploadivraudio). Accepts the resource
 * locator's `{ __rl, mode, value }` and a plain number or numeric text (workflows saved before the
 * parameter was a picker, expressions).
 *
 * @throws NodeOperationError (item error) for anything else, saying where to find it.
 */
export function readSdkAppId(ctx: IExecuteFunctions, itemIndex: number): number {
	const raw = resourceLocatorValue(ctx.getNodeParameter('sdkAppId', itemIndex, '', { extractValue: true }));
	const sdkAppId = typeof raw === 'string' ? (raw.trim() === '' ? Number.NaN : Number(raw.trim())) : raw;
	if (typeof sdkAppId !== 'number' || !Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) {
		const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
		throw inputError(
			ctx.getNode(),
			empty ? 'No SdkAppId was chosen' : `"${typeof raw === 'object' ? JSON.stringify(raw) : String(raw)}" is not a valid SdkAppId`,
			'Choose the Contact Center application from the list, or enter its numeric SdkAppId (Tencent Cloud website → Contact Center).',
			itemIndex,
		);
	}
	return sdkAppId;
}
