/**
 * What a training run will allocate, estimated from the config before anything is allocated:
 * weights with their gradients and optimizer slots, per-batch activations (forward values and
 * their gradients), and the data as float32 tensors. A config past the budget is refused (MW233)
 * instead of being killed by the kernel mid-run.
 */
import type { ResolvedConfig } from './config/resolve';
import type { ModelShapeInfo } from './shapes/infer';

/** Budget used when the caller names none: what every machine we target can spare. */
export const DEFAULT_MEMORY_BUDGET = 8 * 1024 ** 3;

/** Float32 copies of each weight while training: the weight, its gradient, and the optimizer's slots. */
const OPTIMIZER_COPIES: Record<string, number> = {
	sgd: 2,
	momentum: 3,
	nesterov: 3,
	adagrad: 3,
	rmsprop: 4,
	adam: 4,
	adamax: 4,
	adadelta: 4,
};

export interface MemoryEstimate {
	weights: number;
	activations: number;
	data: number;
	total: number;
	/** The layer holding the most parameters (where a refusal points when weights dominate). */
	largestLayer?: number;
	/** The layer with the largest output per sample (where it points when activations dominate). */
	widestLayer?: number;
}

const prod = (shape: readonly (number | null)[] | undefined) => (shape ?? []).reduce<number>((p, d) => p * (d ?? 1), 1);

export function estimateMemory(
	cfg: ResolvedConfig,
	shapes: ModelShapeInfo | undefined,
	rows: number | undefined,
	inputSize: number | undefined,
): MemoryEstimate {
	const copies = OPTIMIZER_COPIES[cfg.training.optimizer.type] ?? 4;
	let params = 0;
	let perSample = 0;
	let largestLayer: number | undefined;
	let largest = -1;
	let widestLayer: number | undefined;
	let widest = -1;
	for (const l of shapes?.layers ?? []) {
		const p = (l.trainableParams ?? 0) + (l.nonTrainableParams ?? 0);
		params += p;
		if (p > largest) {
			largest = p;
			largestLayer = l.index;
		}
		const out = prod(l.outputShape?.slice(1));
		if (out > widest) {
			widest = out;
			widestLayer = l.index;
		}
		perSample += out;
	}
	const weights = params * 4 * copies;
	// Forward values and their gradients for one batch (and the evaluation pass reuses them).
	const activations = Math.min(cfg.training.batchSize, rows ?? cfg.training.batchSize) * perSample * 4 * 2;
	// Rows as parsed values and as float32 tensors (features and labels).
	const data = (rows ?? 0) * ((inputSize ?? 1) + 1) * (4 + 8);
	return {
		weights,
		activations,
		data,
		total: weights + activations + data,
		...(largestLayer !== undefined ? { largestLayer } : {}),
		...(widestLayer !== undefined ? { widestLayer } : {}),
	};
}

export function formatBytes(n: number): string {
	const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
	let i = 0;
	while (n >= 1024 && i < units.length - 1) {
		n /= 1024;
		i++;
	}
	return `${n >= 100 || i === 0 ? Math.round(n) : n.toPrecision(3)} ${units[i]}`;
}
