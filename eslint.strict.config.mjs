// Our stricter lint (`npm run lint:strict`), on top of `n8n-node lint` (eslint.config.mjs, which
// must stay exactly as @n8n/node-cli generates it: package.json has "strict": true) and n8n's
// verification scanner (`npm run scan`).
//
// What it adds: inline `eslint-disable` comments are not honoured (the scanner ignores them too),
// and the two eslint-plugin-n8n-nodes-base rules that both n8n-node's config and the scanner turn
// off (cred-class-field-type-options-password-missing, node-param-type-options-max-value-present)
// stay on. package.json is parsed with @typescript-eslint/parser, as the scanner does
// (scan-community-package/scanner/scanner.mjs, buildScanConfig): the package.json rules of both
// plugins walk a TSESTree ObjectExpression and silently do nothing under a JSON-only parser such
// as jsonc-eslint-parser.
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const recommended = n8nCommunityNodesPlugin.configs.recommended;

// Three eslint-plugin-n8n-nodes-base rules are turned off, as in n8n-node's config and the scanner:
// - node-class-description-inputs/outputs-wrong want the literal ['main'], while
//   @n8n/community-nodes/node-connection-type-literal wants NodeConnectionTypes.Main: no code
//   satisfies both.
// - cred-class-field-documentation-url-miscased wants a camelCase slug (its own docs: "only
//   applicable to nodes in the main repository"). A slug would pass both plugins, but n8n turns a
//   slug into a docs.n8n.io page that does not exist for a community credential, so the users'
//   "Open docs" link would be dead. We keep real vendor URLs, which
//   @n8n/community-nodes/credential-documentation-url accepts.
const contradicted = {
	'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
	'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
	'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
};

export default [
	{ linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' } },
	{
		files: ['package.json'],
		languageOptions: { parser: tsParser },
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...recommended.plugins },
		rules: { ...n8nNodesBase.configs.community.rules, ...recommended.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...recommended.plugins },
		rules: { ...n8nNodesBase.configs.credentials.rules, ...recommended.rules, ...contradicted },
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...recommended.plugins },
		rules: { ...n8nNodesBase.configs.nodes.rules, ...recommended.rules, ...contradicted },
	},
];
