import type { INodeProperties, INodeParameterResourceLocator } from 'n8n-workflow';

/**
 * The value of a resource-locator parameter (`type: 'resourceLocator'`): its `value` when n8n
 * passes the stored `{ __rl: true, mode, value }` object, or the value itself when it is a plain
 * value. Plain values come from workflows saved before the parameter was a resource locator
 * (e.g. `"sdkAppId": 1400000000` or an expression), and from n8n versions or contexts that do not
 * unwrap the object; `getNodeParameter(name, i, fallback, { extractValue: true })` unwraps it in
 * n8n 2.x (n8n-core `extractValue`: https://github.com/n8n-io/n8n/blob/master/packages/core/src/execution-engine/node-execution-context/utils/extract-value.ts).
 */
export function resourceLocatorValue(raw: unknown): unknown {
	if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'value' in raw && ('__rl' in raw || 'mode' in raw)) {
		return (raw as INodeParameterResourceLocator).value;
	}
	return raw;
}

/** What {@link resourceLocatorProperty} needs for one picker. */
export interface ResourceLocatorSpec {
	displayName: string;
	name: string;
	description: string;
	/** Name of the node's `methods.listSearch` function for the From List mode. */
	searchListMethod: string;
	/** Placeholder of the From List search box. */
	listPlaceholder: string;
	/** Placeholder of the By ID input, starting with "e.g.". */
	idPlaceholder: string;
	/**
	 * Regex the By ID input must match, checked by the editor, which anchors it (`^…$`:
	 * `validateResourceLocatorParameter` in
	 * https://github.com/n8n-io/n8n/blob/master/packages/workflow/src/node-helpers.ts); expressions are not checked.
	 */
	idRegex: string;
	/** What the editor says when the By ID input does not match. */
	idErrorMessage: string;
	required?: boolean;
}

/**
 * A resource locator with two modes, as n8n's UX guidelines ask for single-item pickers
 * (https://docs.n8n.io/integrations/creating-nodes/build/reference/ux-guidelines/): **From List**
 * (the default; a searchable list filled by `searchListMethod`, which also runs with an empty
 * search) and **By ID** (free text checked against `idRegex`). The default value is
 * `{ mode: 'list', value: '' }`; operations read it with {@link resourceLocatorValue}.
 */
export function resourceLocatorProperty(spec: ResourceLocatorSpec): INodeProperties {
	return {
		displayName: spec.displayName,
		name: spec.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		...(spec.required ? { required: true } : {}),
		description: spec.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: spec.listPlaceholder,
				typeOptions: { searchListMethod: spec.searchListMethod, searchable: true, searchFilterRequired: false },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: spec.idPlaceholder,
				validation: [{ type: 'regex', properties: { regex: spec.idRegex, errorMessage: spec.idErrorMessage } }],
			},
		],
	};
}
