/**
 * The output schema files of the nodes (`nodes/<Node>/__schema__/v<x.y.z>/<resource>/<operation>.json`,
 * or `v<x.y.z>.json` for a node without resource and operation, as n8n's editor asks for them: see
 * README › In the editor) and a small JSON Schema check of real outputs
 * against them: types (`string`, `number`, `integer`, `boolean`, `null`, `object`, `array`, or a
 * list of them), `required`, `properties` of nested objects, `items` of arrays, and no field the
 * schema does not declare (`additionalProperties: false` is assumed for the top level, so the
 * editor's preview shows every field a run will give).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A JSON Schema as these files use it. */
export interface JsonSchema {
	type?: string | string[];
	properties?: Record<string, JsonSchema>;
	required?: string[];
	items?: JsonSchema;
	description?: string;
	additionalProperties?: boolean;
	[key: string]: unknown;
}

const NODES_DIR = join(__dirname, '..', '..', 'nodes');

/** Reads the schema file of a node's operation (throws when it is missing). */
export function readOutputSchema(nodeFolder: string, resource?: string, operation?: string, version = '1.0.0'): JsonSchema {
	const parts = [`v${version}`, resource, operation].filter(Boolean).join('/');
	return JSON.parse(readFileSync(join(NODES_DIR, nodeFolder, '__schema__', `${parts}.json`), 'utf8')) as JsonSchema;
}

function typeOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
	return typeof value;
}

/** Every way `value` breaks `schema`, as `path: problem` lines (empty when it conforms). */
export function schemaProblems(value: unknown, schema: JsonSchema, path = '$', topLevel = true): string[] {
	const problems: string[] = [];
	const allowed = schema.type === undefined ? undefined : ([] as string[]).concat(schema.type);
	const actual = typeOf(value);
	if (allowed && !allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number'))) {
		return [`${path}: ${actual} is not ${allowed.join(' or ')}`];
	}
	if (actual === 'object' && schema.properties) {
		const object = value as Record<string, unknown>;
		for (const key of schema.required ?? []) if (!(key in object)) problems.push(`${path}.${key}: missing`);
		for (const [key, field] of Object.entries(object)) {
			const fieldSchema = schema.properties[key];
			if (!fieldSchema) {
				if (topLevel || schema.additionalProperties === false) problems.push(`${path}.${key}: not in the schema`);
				continue;
			}
			problems.push(...schemaProblems(field, fieldSchema, `${path}.${key}`, false));
		}
	}
	if (actual === 'array' && schema.items) {
		(value as unknown[]).forEach((entry, index) => problems.push(...schemaProblems(entry, schema.items!, `${path}[${index}]`, false)));
	}
	return problems;
}

/**
 * Asserts that `json` conforms to the schema and that its keys come in the schema's order (the
 * order the editor previews and an AI agent reads).
 */
export function expectConformsToSchema(json: unknown, schema: JsonSchema): void {
	expect(schemaProblems(json, schema)).toEqual([]);
	const order = Object.keys(schema.properties ?? {});
	const keys = Object.keys(json as object);
	expect(keys).toEqual(order.filter((key) => keys.includes(key)));
}
