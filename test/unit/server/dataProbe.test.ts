import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataProbe } from '../../../server/src/dataProbe';
import { doc, uriOf } from './helper';

describe('server: data probe', () => {
	let dir: string;
	before(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-probe-'));
	});
	after(() => fs.rmSync(dir, { recursive: true, force: true }));

	/** A probe whose revalidations are awaited as promises, one at a time. */
	function setup() {
		let next: (uris: string[]) => void = () => undefined;
		const logs: string[] = [];
		const probe = new DataProbe(
			(uris) => next(uris),
			(m) => logs.push(m),
		);
		const revalidated = () =>
			new Promise<string[]>((resolve) => {
				next = resolve;
			});
		return { probe, revalidated, logs };
	}

	it('answers unknown first, then the CSV facts once read, and re-validates the config', async () => {
		fs.writeFileSync(path.join(dir, 'a.csv'), 'x,y,kind\n1,2,a\n3,4,b\n5,6,a\n');
		const { probe, revalidated } = setup();
		const uri = uriOf(path.join(dir, 'a.model.yaml'));
		const p = probe.probeFor(uri, { configDir: dir });
		const waiting = revalidated();
		assert.equal(p({ type: 'csv', path: 'a.csv' }), undefined);
		assert.deepEqual(await waiting, [uri]);
		const r = p({ type: 'csv', path: 'a.csv' });
		assert.ok(r?.ok);
		assert.deepEqual([r.info.columns, r.info.numeric, r.info.rows, r.info.distinct.kind], [['x', 'y', 'kind'], ['x', 'y'], 3, ['a', 'b']]);
	});

	it('forgets a file when it changes and reads it again', async () => {
		const file = path.join(dir, 'b.csv');
		fs.writeFileSync(file, 'a,b\n1,2\n');
		const { probe, revalidated } = setup();
		const uri = uriOf(path.join(dir, 'b.model.yaml'));
		const p = probe.probeFor(uri, { configDir: dir });
		let w = revalidated();
		p({ type: 'csv', path: 'b.csv' });
		await w;
		fs.writeFileSync(file, 'a,b,c\n1,2,3\n');
		w = revalidated();
		probe.fileChanged(file);
		assert.deepEqual(await w, [uri]);
		w = revalidated();
		assert.equal(p({ type: 'csv', path: 'b.csv' }), undefined, 'the stale facts are gone');
		await w;
		const r = p({ type: 'csv', path: 'b.csv' });
		assert.deepEqual(r?.ok && r.info.columns, ['a', 'b', 'c']);
	});

	it('reports missing files and paths outside the workspace, which the validator turns into MW225/MW228', async () => {
		const { probe, revalidated } = setup();
		const uri = uriOf(path.join(dir, 'c.model.yaml'));
		const p = probe.probeFor(uri, { configDir: dir });
		const w = revalidated();
		p({ type: 'csv', path: 'nope.csv' });
		await w;
		const text =
			'data:\n  source: {type: csv, path: nope.csv}\nmodel:\n  layers: [{type: dense, units: 1}]\ntraining: {loss: meanSquaredError}\n';
		assert.ok(doc(text, { uri, probe: p }).result.diagnostics.some((d) => d.code === 'MW225'));
		const outside = p({ type: 'csv', path: '../../etc/passwd' });
		assert.equal(outside?.ok === false && outside.reason, 'outside');
	});

	it('settles once the reads a config started are done, so a second look has the facts', async () => {
		fs.writeFileSync(path.join(dir, 'd.csv'), 'p,q\n1,2\n');
		const { probe } = setup();
		const uri = uriOf(path.join(dir, 'd.model.yaml'));
		const p = probe.probeFor(uri, { configDir: dir });
		assert.equal(p({ type: 'csv', path: 'd.csv' }), undefined);
		await probe.settled(uri);
		const r = p({ type: 'csv', path: 'd.csv' });
		assert.deepEqual(r?.ok && r.info.columns, ['p', 'q']);
		await probe.settled(uriOf(path.join(dir, 'other.model.yaml'))); // nothing to wait for
	});
});
