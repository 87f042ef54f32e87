/** The black-box tests run the bundled server; rebuild it when a source is newer than the bundle. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, SERVER } from './client';

function newest(dir: string): number {
	let t = 0;
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
	}
	return t;
}

export function ensureServerBuilt(): void {
	const built = fs.existsSync(SERVER) ? fs.statSync(SERVER).mtimeMs : 0;
	const src = Math.max(newest(path.join(ROOT, 'server', 'src')), newest(path.join(ROOT, 'engine')));
	if (built >= src) return;
	try {
		execFileSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'pipe' });
	} catch (err) {
		// One build covers every entry; another entry's error must not hide a good server bundle.
		const now = fs.existsSync(SERVER) ? fs.statSync(SERVER).mtimeMs : 0;
		if (now < src) throw err;
	}
}
