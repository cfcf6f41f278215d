import type { IDataObject, INodeProperties } from 'n8n-workflow';

/** Name of the Simplify parameter. */
export const SIMPLIFY = 'simplify';

/**
 * n8n's standard Simplify parameter (https://docs.n8n.io/integrations/creating-nodes/build/reference/ux-guidelines/;
 * wording checked by eslint-plugin-n8n-nodes-base `node-param-description-wrong-for-simplify`):
 * on by default, so a node used as an AI-agent tool answers with the few fields that matter and
 * the text first; off gives every field.
 */
export const simplifyProperty: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description: 'Whether to return a simplified version of the response instead of the raw data',
};

/**
 * The Simplify parameter of an item as a boolean: `true` unless it is `false` (or the text
 * "false" from an expression). Missing means the default, on.
 */
export function readSimplify(value: unknown): boolean {
	return !(value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'false'));
}

/**
 * The fields `keys` of `source`, in the order of `keys` (missing ones left out): the simplified
 * output of an operation, its key order being what the editor and an AI agent see first.
 */
export function pickFields(source: IDataObject, keys: readonly string[]): IDataObject {
	const picked: IDataObject = {};
	for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
	return picked;
}
