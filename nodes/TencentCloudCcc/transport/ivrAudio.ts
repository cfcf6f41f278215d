import type { IDataObject } from 'n8n-workflow';

import { tencentApiRequest } from '../../common/tencent/client';
import type { CredentialSession } from '../../common/transport';
import { pacingKey, runPaced } from './requestPacer';

/** What to do about Contact Center error codes (docs/tencent-cloud-api.md#contact-center-uploadivraudio). */
export const CCC_HINTS: Readonly<Record<string, string>> = {
	'FailedOperation.UploadFileOverflow':
		"Tencent Cloud Contact Center accepts at most 50 IVR audio uploads per day per account. Try again tomorrow; nothing more was uploaded.",
};

/** One file of an UploadIvrAudio request. */
export interface IvrAudioFile {
	CustomFileName: string;
	AudioUrl: string;
}

/**
 * Sends one UploadIvrAudio request (docs/tencent-cloud-api.md#contact-center-uploadivraudio):
 * never more than 1 request per second per credential ({@link runPaced}, across items and
 * executions of this n8n process); `RequestLimitExceeded` is waited out and retried (a refused
 * call did nothing); a connection broken after sending is NOT resent (the upload may have
 * happened) and the error says to check with Get Many.
 *
 * @returns Tencent's `Response` (`SuccessFileList`, `FailedFileList`, `RequestId`).
 * @throws NodeApiError with Tencent's Code, Message and RequestId.
 */
export async function uploadIvrAudio(session: CredentialSession, sdkAppId: number, files: IvrAudioFile[], itemIndex: number): Promise<IDataObject> {
	const key = pacingKey(String(session.data.secretId ?? '').trim(), String(session.data.endpoint ?? '').trim());
	return await tencentApiRequest(session, {
		service: 'ccc',
		action: 'UploadIvrAudio',
		params: { SdkAppId: sdkAppId, AudioList: files },
		itemIndex,
		hints: CCC_HINTS,
		notResent: { check: 'check with the Get Many operation whether the files were uploaded before trying again.' },
		maxAttempts: 6,
		wrapAttempt: async (attempt) => await runPaced(key, attempt),
	});
}

/**
 * Sends one DescribeIvrAudioList request (docs/tencent-cloud-api.md#contact-center-describeivraudiolist):
 * `query` holds `SdkAppId`, `PageSize` (≤ 50), `PageNumber` (from 0) and the optional filters.
 *
 * @returns Tencent's `Response` (`TotalCount`, `FileInfo`, `RequestId`).
 * @throws NodeApiError with Tencent's Code, Message and RequestId.
 */
export async function describeIvrAudioList(session: CredentialSession, query: IDataObject, itemIndex: number): Promise<IDataObject> {
	return await tencentApiRequest(session, { service: 'ccc', action: 'DescribeIvrAudioList', params: query, itemIndex, hints: CCC_HINTS });
}

/**
 * Sends one DescribeCCCBuyInfoList request (docs/tencent-cloud-api.md#contact-center-describecccbuyinfolist;
 * request and answer shapes: `DescribeCCCBuyInfoListRequest/Response` and `SdkAppIdBuyInfo` in
 * https://github.com/TencentCloud/tencentcloud-sdk-nodejs/blob/master/src/services/ccc/v20200210/ccc_models.ts):
 * the account's Contact Center applications. The action has no paging, and its `TotalCount` does
 * not match the list in Tencent's own examples, so callers use `SdkAppIdBuyList` as it is.
 *
 * @returns Tencent's `Response` (`SdkAppIdBuyList`, `PackageBuyList`, `TotalCount`, `RequestId`).
 * @throws NodeApiError with Tencent's Code, Message and RequestId.
 */
export async function describeCccBuyInfoList(session: CredentialSession): Promise<IDataObject> {
	return await tencentApiRequest(session, { service: 'ccc', action: 'DescribeCCCBuyInfoList', params: {}, hints: CCC_HINTS });
}
