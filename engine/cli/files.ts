/** Shared CLI plumbing: expanding file arguments and validating a config file from disk. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ValidationResult } from '../core/config/validate';
import type { ConfigDiagnostic } from '../core/config/diagnostics';
import { validateConfig } from '../io/probe';
import { configNameFromPath, isConfigFile } from '../core/facts';
import { append } from '../core/arrays';
import { echo } from './output';

/** A diagnostic line shows at most this much of its message (which may quote a huge config value). */
const MAX_MESSAGE = 1000;

function globToRegExp(glob: string): RegExp {
	let re = '';
	for (let i = 0; i < glob.length; i++) {
		const c = glob[i]!;
		if (c === '*' && glob[i + 1] === '*') {
			re += '.*';
			i++;
			if (glob[i + 1] === '/') i++;
		} else if (c === '*') re += '[^/]*';
		else if (c === '?') re += '[^/]';
		else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
	}
	return new RegExp(`^${re}$`);
}

function walk(dir: string, out: string[], depth = 0): void {
	if (depth > 20) return;
	let entries: fs.Dirent[];
	try {
		entries = fs.readdirSync(dir, { withFileTypes: true });
	} catch {
		return;
	}
	for (const e of entries) {
		if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
		const p = path.join(dir, e.name);
		if (e.isDirectory()) walk(p, out, depth + 1);
		else out.push(p);
	}
}

/** Files, directories (searched for configs) and globs (for shells that do not expand them). */
export function expandFiles(args: string[], cwd: string): { files: string[]; missing: string[] } {
	const files: string[] = [];
	const missing: string[] = [];
	for (const arg of args) {
		const abs = path.resolve(cwd, arg);
		if (/[*?]/.test(arg)) {
			const base = arg.slice(0, arg.search(/[*?]/)).replace(/[^/]*$/, '') || '.';
			const all: string[] = [];
			walk(path.resolve(cwd, base), all);
			const re = globToRegExp(path.resolve(cwd, arg).split(path.sep).join('/'));
			const hits = all.filter((f) => re.test(f.split(path.sep).join('/'))).sort();
			if (hits.length === 0) missing.push(arg);
			append(files, hits);
		} else if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) {
			const all: string[] = [];
			walk(abs, all);
			append(files, all.filter((f) => isConfigFile(f)).sort());
		} else if (fs.existsSync(abs)) files.push(abs);
		else missing.push(arg);
	}
	return { files: [...new Set(files)], missing };
}

export const configName = configNameFromPath;

export interface FileValidation extends ValidationResult {
	file: string;
	text: string;
}

export function validateFile(file: string, opts: { allowOutside?: boolean; root?: string } = {}): FileValidation {
	const text = fs.readFileSync(file, 'utf8');
	const { policy: _policy, ...result } = validateConfig(file, text, opts);
	return { ...result, file, text };
}

export function formatDiagnostic(file: string, d: ConfigDiagnostic, cwd: string): string {
	const rel = path.relative(cwd, file) || file;
	return `${rel}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${echo(d.message, MAX_MESSAGE)}`;
}
