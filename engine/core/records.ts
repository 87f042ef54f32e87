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
	/** One-vs-rest ROC AUC and average precision of this class (when finite), whether or not its curve is stored. */
	rocAuc?: number;
	prAuc?: number;
}

/**
 * A confusion matrix of many classes, stored sparsely: the diagonal, and the most frequent
 * off-diagonal cells. Class indexes are positions in `perClass`.
 */
export interface SparseConfusion {
	/** Correct predictions per class (the diagonal), in class order. */
	diagonal: number[];
	/** The most frequent confusions `[actual, predicted, count]`, most frequent first. */
	cells: [number, number, number][];
	/** Non-zero off-diagonal cells in all (`cells` holds the first of them). */
	nonZeroCells: number;
	/** Misclassified rows in all, and those the stored cells account for. */
	errors: number;
	errorsInCells: number;
}

/** What a classification report leaves out to stay bounded (absent when nothing was). */
export interface ReportSummarised {
	/** Curves are stored for the `stored` most supported classes of `of`; the macro AUCs still use every class. */
	curves?: { stored: number; of: number; by: 'support' };
	/** Curves were thinned to at most this many points (AUC and AP come from every point). */
	curvePoints?: number;
	/** Above this many classes the confusion matrix is `confusionSparse`, not `confusionMatrix`. */
	denseConfusionMax?: number;
}

export interface ClassificationReport {
	accuracy: number;
	perClass: ClassReport[];
	macro: { precision: number; recall: number; f1: number };
	/** Counts pooled over every class (scikit-learn's `micro`); single-label, each equals accuracy. */
	micro: { precision: number; recall: number; f1: number };
	weighted: { precision: number; recall: number; f1: number };
	/** confusionMatrix[true][predicted] counts; only up to `denseConfusionMax` classes, else `confusionSparse`. */
	confusionMatrix?: number[][];
	confusionSparse?: SparseConfusion;
	/** One-vs-rest per class (for binary: only the positive class); for many classes only the most supported (`summarised`). */
	roc: { class: string | number; curve: Curve }[];
	pr: { class: string | number; curve: Curve }[];
	rocAuc: number;
	prAuc: number;
	summarised?: ReportSummarised;
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
	/**
	 * Predicted vs actual (regression) or true/predicted class with scores (classification), capped
	 * for plots; `scores` (one per class) only up to `denseConfusionMax` classes.
	 */
	predictions: { actual: number | string; predicted: number | string; scores?: number[] }[];
	/** Raw values of the input feature when there is exactly one (regression), aligned with `predictions`: the fitted-line plot. */
	features?: Record<string, number[]>;
	/** Raw feature values of each evaluated row, aligned with `predictions` (Predict offers them as inputs). */
	inputs?: Record<string, string | number | null>[];
	/** What was summarised or left out to keep the report bounded, in words (absent when nothing was). */
	notes?: string[];
	/** Classifiers on an images source: the first misclassified images of the split (in split order), as PNG thumbnails. */
	misclassified?: {
		/** Misclassified images in all (`images` holds the first of them). */
		errors: number;
		images: MisclassifiedImage[];
	};
	/** Permutation feature importance on the evaluated split (engine/runtime/evaluate/importance.ts), most important first. */
	importance?: {
		/** The metric whose drop is measured: `accuracy` (classifiers) or `r2` (regression). */
		metric: string;
		/** The metric on the unshuffled rows. */
		baseline: number;
		repeats: number;
		seed: number;
		/** Rows used (the first of the split). */
		rows: number;
		features: FeatureImportance[];
	};
}

/** A misclassified image: what the model saw (after resizing), as a small PNG, with its labels. */
export interface MisclassifiedImage {
	/** Base64 of a PNG, at most MAX side pixels (engine/runtime/evaluate/evaluate.ts). */
	png: string;
	actual: string | number;
	predicted: string | number;
	/** The model's score of the predicted class. */
	score: number;
	/** The file, as the config's path names it. */
	file?: string;
}

/** One feature's importance: the metric's drop when its values (a one-hot group as one) are shuffled, mean and std over repeats. */
export interface FeatureImportance {
	feature: string;
	mean: number;
	std: number;
	/** Model inputs the feature spans (one-hot: its categories). */
	inputs: number;
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
