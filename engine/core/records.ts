/**
 * The records a run folder holds (evaluation.json, checkpoint.json): plain types, declared once
 * here so the run store, the extension and the panels can read them without the runtime.
 */
import type { EpochLogs } from './protocol';

export type Task = 'regression' | 'binaryClassification' | 'multiclassClassification';

export interface CurvePoint {
	x: number;
	y: number;
	threshold: number;
}
export interface Curve {
	points: CurvePoint[];
	auc: number;
}

export interface ClassReport {
	class: string | number;
	precision: number;
	recall: number;
	f1: number;
	support: number;
}

export interface ClassificationReport {
	accuracy: number;
	perClass: ClassReport[];
	macro: { precision: number; recall: number; f1: number };
	weighted: { precision: number; recall: number; f1: number };
	/** confusionMatrix[true][predicted] counts. */
	confusionMatrix: number[][];
	/** One-vs-rest per class (for binary: only the positive class). */
	roc: { class: string | number; curve: Curve }[];
	pr: { class: string | number; curve: Curve }[];
	rocAuc: number;
	prAuc: number;
}

export interface RegressionReport {
	mse: number;
	mae: number;
	rmse: number;
	r2: number;
}

export interface Evaluation {
	split: 'test' | 'validation' | 'train';
	rows: number;
	task: Task;
	/** Flat headline numbers (those asked for in `evaluation.metrics`, or all that apply). */
	metrics: Record<string, number>;
	classification?: ClassificationReport;
	regression?: RegressionReport;
	/** Predicted vs actual (regression) or true/predicted class with scores (classification), capped for plots. */
	predictions: { actual: number | string; predicted: number | string; scores?: number[] }[];
	/** Raw values of the input feature when there is exactly one (regression), aligned with `predictions`: the fitted-line plot. */
	features?: Record<string, number[]>;
	/** Raw feature values of each evaluated row, aligned with `predictions` (Predict offers them as inputs). */
	inputs?: Record<string, string | number | null>[];
}

export interface SerialTensor {
	name: string;
	shape: number[];
	data: string;
}

export interface Checkpoint {
	version: 1;
	/** Epochs completed. */
	epoch: number;
	history: EpochLogs[];
	weights: SerialTensor[];
	optimizer: SerialTensor[];
	plateau?: PlateauState;
	early?: { best: number; wait: number; bestEpoch: number; weights?: SerialTensor[] };
}

export interface PlateauState {
	best: number;
	wait: number;
	cooldown: number;
	lr: number;
}
