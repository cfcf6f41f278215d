import type { INode } from 'n8n-workflow';

import { redactSecrets } from '../../credentials/common/redact';
import { inputError } from './errors';

/** What {@link httpUrlProblem} checks besides "an absolute http(s) URL with a host". */
export interface UrlRules {
	/** How messages name the field, e.g. `Audio URL`, `Callback URL`. */
	label: string;
	/** Longest accepted URL in bytes (UTF-8) and who sets that limit, e.g. `{ bytes: 2047, owner: 'Tencent' }`. */
	maxLength?: { bytes: number; owner: string };
	/**
	 * Accepted file extensions (lower case) when the last path segment has one, and who accepts
	 * only those, e.g. `{ list: ['mp3', 'wav'], owner: 'Tencent Cloud Contact Center' }`. A URL
	 * without an extension passes: its format cannot be told from the URL.
	 */
	extensions?: { list: readonly string[]; owner: string };
}

/**
 * The one URL check of the package: returns what is wrong with `value` as a sentence naming the
 * field, or `undefined` when it is an absolute `http:` / `https:` URL with a host that meets
 * `rules` (length, extension; a broken %-escape in the file name is refused when extensions are
 * checked). Signed query values are redacted in the sentence.
 */
export function httpUrlProblem(value: string, rules: UrlRules): string | undefined {
	const { label } = rules;
	if (!value) return `${label} is empty`;
	let parsed: URL;
	try {
		parsed = new URL(value);
	} catch {
		return `${label} "${redactSecrets(value)}" is not a valid URL`;
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		return `${label} must start with http:// or https://, not ${parsed.protocol}`;
	}
	if (!parsed.hostname) return `${label} has no host name`;
	if (rules.maxLength && Buffer.byteLength(value) > rules.maxLength.bytes) {
		return `${label} is ${Buffer.byteLength(value)} bytes long; ${rules.maxLength.owner} accepts less than ${rules.maxLength.bytes + 1} bytes`;
	}
	if (rules.extensions) {
		const segment = parsed.pathname.split('/').pop() ?? '';
		let fileName: string;
		try {
			fileName = decodeURIComponent(segment);
		} catch {
			return `${label}'s file name has a broken %-escape: "${redactSecrets(segment)}"`;
		}
		const extension = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase();
		if (extension !== undefined && !rules.extensions.list.includes(extension)) {
			return `${label} points to a .${extension} file; ${rules.extensions.owner} accepts only ${rules.extensions.list.join(' and ')}`;
		}
	}
	return undefined;
}

/**
 * Checks a URL parameter of item `itemIndex` with {@link httpUrlProblem} and returns it trimmed.
 *
 * @param hint what to do when the URL is refused (default: enter a full http(s) address).
 * @throws NodeOperationError (item error) naming the problem.
 */
export function checkHttpUrl(node: INode, value: unknown, itemIndex: number, rules: UrlRules, hint?: string): string {
	const url = String(value ?? '').trim();
	const problem = httpUrlProblem(url, rules);
	if (problem) throw inputError(node, problem, hint ?? 'Enter a full http:// or https:// address.', itemIndex);
	return url;
}
