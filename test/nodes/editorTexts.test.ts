/**
 * The editor texts of every node and credential against n8n's UX guidelines
 * (https://docs.n8n.io/integrations/creating-nodes/build/reference/ux-guidelines/ and the
 * eslint-plugin-n8n-nodes-base rules the scanner applies): placeholders of values start with
 * "e.g.", booleans are described with "Whether …", one-sentence descriptions have no final period
 * and longer ones end with one, display names are Title Case, Limit and Simplify use n8n's
 * standard wording; and every operation has an output schema file for the editor's preview.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ICredentialType, INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';

import { CozeApi } from '../../credentials/CozeApi.credentials';
import { TencentCloudApi } from '../../credentials/TencentCloudApi.credentials';
import { WeChatApi } from '../../credentials/WeChatApi.credentials';
import { Coze } from '../../nodes/Coze/Coze.node';
import { TencentCloudAsr } from '../../nodes/TencentCloudAsr/TencentCloudAsr.node';
import { TencentCloudAsrTrigger } from '../../nodes/TencentCloudAsrTrigger/TencentCloudAsrTrigger.node';
import { TencentCloudCcc } from '../../nodes/TencentCloudCcc/TencentCloudCcc.node';
import { WeChat } from '../../nodes/WeChat/WeChat.node';

const NODES: Array<[string, INodeType]> = [
	['WeChat', new WeChat()],
	['Coze', new Coze()],
	['TencentCloudAsr', new TencentCloudAsr()],
	['TencentCloudCcc', new TencentCloudCcc()],
	['TencentCloudAsrTrigger', new TencentCloudAsrTrigger()],
];
const CREDENTIALS: ICredentialType[] = [new WeChatApi(), new CozeApi(), new TencentCloudApi()];

interface Text {
	where: string;
	property: INodeProperties;
}

/** Every parameter, nested ones (collection options) included, with where it is. */
function allProperties(properties: INodeProperties[], where: string): Text[] {
	const found: Text[] = [];
	for (const property of properties) {
		const here = `${where} › ${property.displayName}`;
		found.push({ where: here, property });
		const nested = (property.options ?? []).filter((option): option is INodeProperties => 'type' in option && 'name' in option);
		found.push(...allProperties(nested, here));
		for (const collection of property.options ?? []) {
			if ('values' in collection) found.push(...allProperties(collection.values, `${here} › ${collection.displayName}`));
		}
	}
	return found;
}

const everything: Text[] = [
	...NODES.flatMap(([folder, node]) => allProperties(node.description.properties, folder)),
	...CREDENTIALS.flatMap((credential) => allProperties(credential.properties, credential.displayName)),
];

/** One sentence: no ". " followed by a capital or "n8n" (abbreviations such as "e.g. " do not count). */
const isOneSentence = (text: string) => !/[.!?]\s+([A-Z(]|n8n)/.test(text.replace(/\be\.g\.\s/g, 'eg '));

const SMALL_WORDS = new Set(['a', 'an', 'and', 'or', 'the', 'of', 'to', 'in', 'on', 'for', 'with', 'by', 'per', 'at', 'from']);

/** Title Case: every word capitalised but small words; technical tokens (k-rates, file types) allowed. */
function titleCaseProblems(name: string): string[] {
	return name
		.replace(/\([^)]*\)/g, ' ')
		.split(/[\s/]+/)
		.filter(Boolean)
		.filter((word, index) => !(index > 0 && SMALL_WORDS.has(word)) && !/^[A-Z0-9]/.test(word) && !/^\d|^[a-z]+\d|^e\.g\./.test(word));
}

describe('editor texts (n8n UX guidelines)', () => {
	it('every placeholder of a value starts with "e.g."', () => {
		const bad: string[] = [];
		for (const { where, property } of everything) {
			const isButton = ['collection', 'fixedCollection'].includes(property.type);
			if (property.placeholder && !isButton && !String(property.placeholder).startsWith('e.g. ')) bad.push(`${where}: ${property.placeholder}`);
			for (const mode of property.modes ?? []) {
				if (mode.type === 'string' && mode.placeholder && !mode.placeholder.startsWith('e.g. ')) bad.push(`${where} (${mode.displayName}): ${mode.placeholder}`);
			}
		}
		expect(bad).toEqual([]);
	});

	it('booleans are described with "Whether …"', () => {
		const bad = everything.filter(({ property }) => property.type === 'boolean' && !/^Whether /.test(property.description ?? '')).map(({ where }) => where);
		expect(bad).toEqual([]);
	});

	it('descriptions: sentence case; no final period for one sentence, a final period for several', () => {
		const bad: string[] = [];
		const check = (where: string, text: string | undefined) => {
			if (!text) return;
			if (!/^[A-Z0-9"'(`]/.test(text) && !/^(e\.g\.|coze\.cn|mp3|wav|http|\d)/.test(text)) bad.push(`${where}: not capitalised: ${text}`);
			if (isOneSentence(text) && text.endsWith('.')) bad.push(`${where}: one sentence with a final period: ${text}`);
			if (!isOneSentence(text) && !/[.!?)]$/.test(text)) bad.push(`${where}: several sentences without a final period: ${text}`);
		};
		for (const { where, property } of everything) {
			if (property.type === 'notice') continue;
			check(where, property.description);
			for (const option of (property.options ?? []) as INodePropertyOptions[]) check(`${where} › ${option.name}`, option.description);
		}
		for (const [, node] of NODES) check(node.description.displayName, node.description.description);
		expect(bad).toEqual([]);
	});

	it('display names, option names and node names are Title Case', () => {
		const bad: string[] = [];
		for (const { where, property } of everything) {
			if (property.type === 'notice') continue;
			if (titleCaseProblems(property.displayName).length) bad.push(`${where}`);
			if (property.type === 'options' || property.type === 'multiOptions') {
				for (const option of (property.options ?? []) as INodePropertyOptions[]) {
					if (titleCaseProblems(option.name).length) bad.push(`${where} › ${option.name}`);
				}
			}
			for (const mode of property.modes ?? []) if (titleCaseProblems(mode.displayName).length) bad.push(`${where} › ${mode.displayName}`);
		}
		for (const [, node] of NODES) if (titleCaseProblems(node.description.displayName).length) bad.push(node.description.displayName);
		expect(bad).toEqual([]);
	});

	it('Limit, Return All and Simplify use n8n\'s standard wording', () => {
		for (const { property } of everything) {
			if (property.name === 'limit') expect(property.description).toBe('Max number of results to return');
			if (property.name === 'returnAll') expect(property.description).toBe('Whether to return all results or only up to a given limit');
			if (property.name === 'simplify') {
				expect(property).toMatchObject({ displayName: 'Simplify', type: 'boolean', default: true, description: 'Whether to return a simplified version of the response instead of the raw data' });
			}
		}
	});
});

describe('output schema files', () => {
	it('every operation of every node has one (the editor previews the output from it before the first run)', () => {
		const missing: string[] = [];
		for (const [folder, node] of NODES) {
			const version = `v${String(node.description.version)}.0.0`;
			const resource = node.description.properties.find((property) => property.name === 'resource');
			if (!resource) {
				if (!existsSync(join(__dirname, '..', '..', 'nodes', folder, '__schema__', `${version}.json`))) missing.push(folder);
				continue;
			}
			for (const { value: resourceValue } of resource.options as INodePropertyOptions[]) {
				const operations = node.description.properties.filter(
					(property) => property.name === 'operation' && property.displayOptions?.show?.resource?.includes(resourceValue),
				);
				for (const operation of operations.flatMap((property) => property.options as INodePropertyOptions[])) {
					const file = join(__dirname, '..', '..', 'nodes', folder, '__schema__', version, String(resourceValue), `${String(operation.value)}.json`);
					if (!existsSync(file)) missing.push(`${folder} ${String(resourceValue)}/${String(operation.value)}`);
				}
			}
		}
		expect(missing).toEqual([]);
	});
});
