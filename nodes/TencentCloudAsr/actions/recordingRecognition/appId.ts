import type { IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../../../common/errors';
import type { CredentialSession } from '../../../common/transport';

/**
 * The App ID of the Tencent Cloud credential, for the APIs that put it in their URL path (flash
 * recognition: docs/tencent-flash-asr.md#request; the legacy API: docs/tencent-legacy-asr.md#request).
 * Checked before anything is sent.
 *
 * @param instead what to use when the user has no App ID at hand, e.g. "use Create Task, which does not need it".
 * @throws NodeOperationError (item error) when the App ID is empty or not a number.
 */
export function credentialAppId(ctx: IExecuteFunctions, session: CredentialSession, itemIndex: number, api: string, instead: string): string {
	const node = ctx.getNode();
	const appId = String(session.data.appId ?? '').trim();
	if (!appId) {
		throw inputError(
			node,
			'The Tencent Cloud credential has no App ID',
			`${api} needs your account's App ID (a number shown on the Tencent Cloud CAM → API Keys page). Add it to the credential, or ${instead}.`,
			itemIndex,
		);
	}
	if (!/^\d+$/.test(appId)) {
		throw inputError(node, `The App ID "${appId}" of the Tencent Cloud credential is not a number`, 'Copy the numeric App ID from the Tencent Cloud CAM → API Keys page.', itemIndex);
	}
	return appId;
}
