/**
 * Writes the generated parts of package.json (contributes, activationEvents, capabilities)
 * and package.nls.json from client/src/manifest.ts and engine/core/settings.ts.
 * `--check` exits 1 instead of writing when anything is stale (used by the tests).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACTIVATION_EVENTS, contributions } from '../src/manifest';
import { configurationContribution } from '../../engine/core/settings';

const ROOT = path.join(__dirname, '..', '..');

export function generatedManifest(current: Record<string, unknown>): { pkg: string; nls: string } {
	const { contributes, nls } = contributions();
	const config = configurationContribution();
	const pkg = {
		...current,
		activationEvents: ACTIVATION_EVENTS,
		capabilities: {
			untrustedWorkspaces: {
				supported: 'limited',
				description: '%modelwright.walkthrough.untrusted%',
				restrictedConfigurations: ['modelwright.engine.backend', 'modelwright.runsFolder'],
			},
			virtualWorkspaces: { supported: 'limited', description: '%modelwright.walkthrough.untrusted%' },
		},
		contributes: { ...contributes, configuration: config.manifest },
	};
	const allNls = Object.fromEntries(Object.entries({ ...nls, ...config.nls }).sort(([a], [b]) => a.localeCompare(b)));
	return { pkg: `${JSON.stringify(pkg, null, 2)}\n`, nls: `${JSON.stringify(allNls, null, 2)}\n` };
}

if (require.main === module) {
	const pkgFile = path.join(ROOT, 'package.json');
	const nlsFile = path.join(ROOT, 'package.nls.json');
	const current = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
	const out = generatedManifest(current);
	const stale = fs.readFileSync(pkgFile, 'utf8') !== out.pkg || !fs.existsSync(nlsFile) || fs.readFileSync(nlsFile, 'utf8') !== out.nls;
	if (process.argv.includes('--check')) {
		if (stale) {
			console.error('package.json / package.nls.json are stale: run `npm run generate`.');
			process.exit(1);
		}
	} else {
		fs.writeFileSync(pkgFile, out.pkg);
		fs.writeFileSync(nlsFile, out.nls);
		console.error('wrote package.json contributions and package.nls.json');
	}
}
