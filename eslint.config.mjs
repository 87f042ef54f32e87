// A small rule set that catches real bugs (unhandled promises, promises where a callback is
// expected, `any` leaking types) rather than style: formatting is Prettier's job.
import tseslint from 'typescript-eslint';

export default tseslint.config(
	// AssemblyScript sources (engine/runtime/train/fused/asm) have their own tsconfig and compiler.
	{ ignores: ['dist/**', 'node_modules/**', '**/*.js', '**/*.mjs', 'test/e2e/**/*.mjs', 'engine/runtime/train/fused/asm/**'] },
	{
		files: ['**/*.ts'],
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
		},
		plugins: { '@typescript-eslint': tseslint.plugin },
		linterOptions: { reportUnusedDisableDirectives: 'error' },
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
			'@typescript-eslint/await-thenable': 'error',
			'@typescript-eslint/no-explicit-any': 'error',
			'@typescript-eslint/no-unnecessary-type-assertion': 'error',
			'@typescript-eslint/prefer-promise-reject-errors': 'error',
			'no-debugger': 'error',
			'no-fallthrough': 'error',
			'no-self-compare': 'error',
			'no-unsafe-finally': 'error',
			'no-constant-binary-expression': 'error',
		},
	},
	{
		// Tests cast page.evaluate results and fixtures freely; the assertions document the expected shape.
		files: ['test/**/*.ts', 'bench/**/*.ts'],
		rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-unnecessary-type-assertion': 'off' },
	},
);
