import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { jsonSchemaText, toJsonSchema } from '../../engine/core/config/jsonSchema';
import { configDocs } from '../../engine/core/config/docs';
import { ConfigSchema } from '../../engine/core/config/schema';
import { NO_DEFAULT_KEYS, resolveConfig } from '../../engine/core/config/resolve';
import type { S } from '../../engine/core/config/schemaNav';
import { listConfigs } from '../helpers/fixtures';

const ROOT = path.join(__dirname, '..', '..');

describe('generated artefacts are current', () => {
	it('schema/modelwright.schema.json matches the schema (run `npm run generate`)', () => {
		assert.equal(fs.readFileSync(path.join(ROOT, 'schema', 'modelwright.schema.json'), 'utf8'), jsonSchemaText());
	});
	it('docs/config.md matches the schema (run `npm run generate`)', () => {
		assert.equal(fs.readFileSync(path.join(ROOT, 'docs', 'config.md'), 'utf8'), configDocs());
	});
});

describe('shipped JSON Schema', () => {
	const ajv = new Ajv2020({ strict: false, allErrors: true });
	const validate = ajv.compile(toJsonSchema());
	for (const file of listConfigs(path.join(ROOT, 'examples'))) {
		it(`accepts ${path.basename(file)} (draft 2020-12, Ajv)`, () => {
			const ok = validate(parse(fs.readFileSync(file, 'utf8')));
			assert.ok(ok, JSON.stringify(validate.errors));
		});
	}
	it('rejects a layer with a misspelt key and a negative learning rate', () => {
		const ok = validate({
			data: { source: { type: 'linear' } },
			model: { layers: [{ type: 'dense', untis: 3 }] },
			training: { loss: 'meanSquaredError', optimizer: { type: 'sgd', learningRate: -1 } },
		});
		assert.equal(ok, false);
	});
});

describe('resolveConfig', () => {
	it('NO_DEFAULT_KEYS lists exactly the optional keys without a default', () => {
		const found = new Set<string>();
		const walk = (s: S): void => {
			if (!s || typeof s !== 'object') return;
			if (Array.isArray(s.anyOf)) s.anyOf.forEach(walk);
			if (s.items) (Array.isArray(s.items) ? s.items : [s.items]).forEach(walk);
			if (s.patternProperties) Object.values(s.patternProperties as Record<string, S>).forEach(walk);
			if (s.properties) {
				const required = new Set<string>(s.required ?? []);
				for (const [k, ps] of Object.entries(s.properties as Record<string, S>)) {
					if (!required.has(k) && ps.default === undefined) found.add(k);
					walk(ps);
				}
			}
		};
		walk(ConfigSchema);
		// Keys filled by resolveConfig itself rather than by a schema default.
		for (const k of ['optimizer']) found.delete(k);
		assert.deepEqual([...found].sort(), [...NO_DEFAULT_KEYS].sort());
	});

	it('fills defaults from the schema and expands the optimizer shorthand', () => {
		const r = resolveConfig(
			{
				data: { source: { type: 'linear' } },
				model: { layers: [{ type: 'dense', units: 1 }] },
				training: { loss: 'meanSquaredError', optimizer: 'sgd' },
			},
			'lin',
		);
		assert.equal(r.name, 'lin');
		assert.equal(r.seed, 42);
		assert.deepEqual(r.training.optimizer, { type: 'sgd', learningRate: 0.01 });
		assert.equal(r.training.epochs, 50);
		assert.equal(r.data.split.validation, 0.2);
		assert.equal((r.data.source as { samples: number }).samples, 100);
		assert.equal(r.training.earlyStopping, undefined);
	});
});
