import type { INodeProperties } from 'n8n-workflow';

/**
 * The "Input Type" parameter of nodes that take audio either from a binary property or from a
 * URL (the URL form is what an AI agent can pass: n8n notes, "Binary data"). Values `binary` and
 * `url`; `binaryDescription` / `urlDescription` say what each means for the node.
 */
export function audioInputTypeProperty(
	binaryDescription: string,
	urlDescription: string,
	defaultValue: 'binary' | 'url' = 'binary',
): INodeProperties {
	return {
		displayName: 'Input Type',
		name: 'inputType',
		type: 'options',
		options: [
			{ name: 'Binary File', value: 'binary', description: binaryDescription },
			{ name: 'Audio URL', value: 'url', description: urlDescription },
		],
		default: defaultValue,
	};
}
