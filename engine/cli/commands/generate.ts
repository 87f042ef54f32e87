import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command';
import { tcli } from '../messages';
import { SHAPE_CLASSES, SHAPES_DEFAULTS, writeShapes } from '../../runtime/data/shapes';

const intOption = (name: string, v: string | undefined, def: number, min: number, max: number): number => {
	if (v === undefined) return def;
	const n = Number(v);
	if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(tcli('generate.range', { name, min, max, value: v }));
	return n;
};

export const generateCommand: Command = {
	name: 'generate',
	summary: 'Write a generated data set to files (shapes: labelled PNG images in a folder per class).',
	help: `Usage: modelwright generate shapes <folder> [--samples N] [--size PX] [--noise SD] [--seed N]

Writes small grayscale PNG images of ${SHAPE_CLASSES.join(', ')} (random position, size and small
rotation, Gaussian pixel noise) to <folder>/<class>/<nnnn>.png: the layout an \`images\` data source
reads. The same options give the same images. <folder> must be new or empty.

Options:
  --samples N   Images in all, split evenly over the classes (default ${SHAPES_DEFAULTS.samples}).
  --size PX     Width and height of each image (default ${SHAPES_DEFAULTS.size}).
  --noise SD    Standard deviation of the pixel noise, pixels in [0, 1] (default ${SHAPES_DEFAULTS.noise}).
  --seed N      Seed (default ${SHAPES_DEFAULTS.seed}).`,
	async run(args, io) {
		const { values, positionals } = parseArgs({
			args,
			allowPositionals: true,
			options: { samples: { type: 'string' }, size: { type: 'string' }, noise: { type: 'string' }, seed: { type: 'string' } },
		});
		const [kind, folder, ...rest] = positionals;
		if (kind !== 'shapes')
			throw new UsageError(kind === undefined ? 'name what to generate: shapes.' : `unknown data set \`${kind}\` (known: shapes).`);
		if (!folder) throw new UsageError(tcli('generate.folder'));
		if (rest.length) throw new UsageError(tcli('generate.unexpected', { arg: rest[0]! }));
		const noise = values.noise === undefined ? SHAPES_DEFAULTS.noise : Number(values.noise);
		if (!Number.isFinite(noise) || noise < 0 || noise > 1) throw new UsageError(tcli('generate.noise', { value: values.noise ?? '' }));
		const opts = {
			samples: intOption('samples', values.samples, SHAPES_DEFAULTS.samples, SHAPE_CLASSES.length, 1_000_000),
			size: intOption('size', values.size, SHAPES_DEFAULTS.size, 8, 512),
			seed: intOption('seed', values.seed, SHAPES_DEFAULTS.seed, 0, 2 ** 32 - 1),
			noise,
		};
		const dir = path.resolve(io.cwd, folder);
		let counts: Record<string, number>;
		try {
			counts = writeShapes(dir, opts);
		} catch (err) {
			io.err(`modelwright generate: ${err instanceof Error ? err.message : String(err)}`);
			return 1;
		}
		io.out(
			`wrote ${opts.samples} images of ${opts.size}×${opts.size} px to ${path.relative(io.cwd, dir) || '.'} (${Object.entries(counts)
				.map(([c, n]) => `${c} ${n}`)
				.join(', ')}).`,
		);
		return 0;
	},
};
