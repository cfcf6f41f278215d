import type { IDataObject } from 'n8n-workflow';

import { tencentApiRequest } from '../../common/tencent/client';
import type { CredentialSession } from '../../common/transport';

/** Rows the editor's lists ask for per request (GetAsrVocabList / GetCustomizationList take `Limit`; 1000 is the documented default of the latter). */
export const LIST_PAGE_SIZE = 100;

/** With a search text, requests are repeated until this many matches are found. */
export const LIST_MIN_RESULTS = 20;

/** Most requests per list call (1,000 rows); scrolling on continues from there. */
export const LIST_MAX_REQUESTS = 10;

/** Readable `ModelState` of a self-learning model (docs/tencent-cloud-api.md#asr-getcustomizationlist). */
export const MODEL_STATE_TEXT: Readonly<Record<number, string>> = {
	[-2]: 'Training failed',
	[-1]: 'Offline',
	0: 'Training',
	1: 'Online',
	3: 'Going online',
	4: 'Going offline',
};

/**
 * A page of one of the account's ASR resource lists: its rows and `TotalCount` when Tencent sent
 * a number (it may be null: `GetCustomizationListResponse` in the SDK models).
 */
export interface ResourcePage {
	rows: IDataObject[];
	total?: number;
}

function totalOf(value: unknown): number | undefined {
	const total = typeof value === 'number' ? value : Number.NaN;
	return Number.isFinite(total) ? total : undefined;
}

/**
 * One GetAsrVocabList request (docs/tencent-cloud-api.md#asr-getasrvocablist): the account's
 * hotword lists from `offset`, at most `limit` of them. Shapes: `GetAsrVocabListRequest/Response`
 * and `Vocab` (`Name`, `Description`, `VocabId`, `WordWeights`, `State` 1 = loaded by default …)
 * in https://github.com/TencentCloud/tencentcloud-sdk-nodejs/blob/master/src/services/asr/v20190614/asr_models.ts.
 *
 * @throws NodeApiError with Tencent's Code, Message and RequestId.
 */
export async function getAsrVocabList(session: CredentialSession, offset: number, limit: number): Promise<ResourcePage> {
	const response = await tencentApiRequest(session, { service: 'asr', action: 'GetAsrVocabList', params: { Offset: offset, Limit: limit } });
	return { rows: Array.isArray(response.VocabList) ? (response.VocabList as IDataObject[]) : [], total: totalOf(response.TotalCount) };
}

/**
 * One GetCustomizationList request (docs/tencent-cloud-api.md#asr-getcustomizationlist): the
 * account's self-learning models from `offset`, at most `limit` of them. `Data` is null for an
 * account without models. Shapes: `GetCustomizationListRequest/Response` and `Model` (`ModelName`,
 * `ModelId`, `ModelType` 8k/16k, `ModelState` …) in the SDK models (see {@link getAsrVocabList}).
 *
 * @throws NodeApiError with Tencent's Code, Message and RequestId.
 */
export async function getCustomizationList(session: CredentialSession, offset: number, limit: number): Promise<ResourcePage> {
	const response = await tencentApiRequest(session, { service: 'asr', action: 'GetCustomizationList', params: { Offset: offset, Limit: limit } });
	return { rows: Array.isArray(response.Data) ? (response.Data as IDataObject[]) : [], total: totalOf(response.TotalCount) };
}
