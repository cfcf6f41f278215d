import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { matchesSearch } from '../../common/listSearch';
import { TENCENT_CREDENTIAL } from '../../common/tencent/client';
import { CredentialSession } from '../../common/transport';
import { describeCccBuyInfoList } from '../transport/ivrAudio';

/** "2 seats, 1 phone number" for an application's list entry. */
function describeApplication(app: IDataObject): string | undefined {
	const parts: string[] = [];
	const seats = Number(app.StaffBuyNum);
	if (Number.isFinite(seats)) parts.push(`${seats} ${seats === 1 ? 'seat' : 'seats'}`);
	const numbers = Array.isArray(app.PhoneNumBuyList) ? app.PhoneNumBuyList.length : undefined;
	if (numbers !== undefined) parts.push(`${numbers} phone ${numbers === 1 ? 'number' : 'numbers'}`);
	return parts.length ? parts.join(', ') : undefined;
}

/**
 * The SdkAppId picker's From List mode: the account's Contact Center applications from
 * DescribeCCCBuyInfoList (docs/tencent-cloud-api.md#contact-center-describecccbuyinfolist), as
 * `{ name: "<Name> (<SdkAppId>)", value: "<SdkAppId>", description: seats and phone numbers }`,
 * those whose name or SdkAppId contains the search text. The action returns every application
 * in one answer (no paging parameters, and a `TotalCount` that does not match the list), so there
 * is never a pagination token.
 *
 * @throws NodeApiError with Tencent's Code, Message and RequestId (shown under the list).
 */
export async function searchSdkAppIds(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const session = await CredentialSession.open(this, TENCENT_CREDENTIAL);
	const response = await describeCccBuyInfoList(session);
	const apps = Array.isArray(response.SdkAppIdBuyList) ? (response.SdkAppIdBuyList as IDataObject[]) : [];
	const results: INodeListSearchItems[] = apps
		.filter((app) => app.SdkAppId !== undefined && app.SdkAppId !== null)
		.filter((app) => matchesSearch(filter, app.Name as string | undefined, String(app.SdkAppId)))
		.map((app) => {
			const id = String(app.SdkAppId);
			const name = typeof app.Name === 'string' && app.Name.trim() ? `${app.Name.trim()} (${id})` : id;
			const description = describeApplication(app);
			return description ? { name, value: id, description } : { name, value: id };
		});
	return { results };
}
