/**
 * Diagnostics of the config language: the codes, their default severity and their
 * explanation (docs/config.md and hover links are generated from this table). Positions
 * are 0-based line/character in UTF-16 code units, like LSP, so the server passes them through.
 */

export interface Position {
	line: number;
	character: number;
}
export interface Range {
	start: Position;
	end: Position;
}
export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type JsonPath = (string | number)[];

export interface TextEdit {
	range: Range;
	newText: string;
}
export interface Fix {
	title: string;
	edits: TextEdit[];
	/** The fix an editor may apply on "auto fix". */
	preferred?: boolean;
}

export interface ConfigDiagnostic {
	code: DiagnosticCode;
	severity: Severity;
	message: string;
	range: Range;
	/** Config path the diagnostic is about, when there is one. */
	path?: JsonPath;
	related?: { range: Range; message: string }[];
	fixes?: Fix[];
}

interface CodeInfo {
	severity: Severity;
	title: string;
	explanation: string;
}

export const DIAGNOSTIC_CODES = {
	MW001: {
		severity: 'error',
		title: 'Syntax error',
		explanation: 'The file is not valid YAML (or JSON). The message says what the parser expected.',
	},
	MW002: {
		severity: 'error',
		title: 'Duplicate key',
		explanation: 'A key appears twice in the same map; only one value can win, so neither is trusted.',
	},
	MW003: {
		severity: 'error',
		title: 'Too many aliases',
		explanation: 'The document expands YAML aliases beyond a safe limit (a "billion laughs" document). Write the values out instead.',
	},
	MW004: {
		severity: 'error',
		title: 'Not a config',
		explanation: 'The top level of a model config must be a map with `data`, `model` and `training`.',
	},
	MW101: {
		severity: 'error',
		title: 'Unknown key',
		explanation: 'This key is not part of the section. A quick fix replaces it with the closest known key.',
	},
	MW102: {
		severity: 'error',
		title: 'Wrong type',
		explanation: 'The value has the wrong type (for example text where a number is expected).',
	},
	MW103: {
		severity: 'error',
		title: 'Out of range',
		explanation:
			'The number lies outside the range the field allows (a learning rate must be > 0, a dropout rate in [0, 1), …). A quick fix clamps it.',
	},
	MW104: { severity: 'error', title: 'Missing field', explanation: 'A required field is missing.' },
	MW105: {
		severity: 'error',
		title: 'Unknown value',
		explanation: 'The value is not one of the allowed names. A quick fix replaces it with the closest one.',
	},
	MW106: {
		severity: 'error',
		title: 'Invalid list',
		explanation: 'The list is too short, too long, or repeats an item that must be unique.',
	},
	MW107: {
		severity: 'error',
		title: 'Invalid text',
		explanation: 'The text does not have the required form (empty, or not matching the allowed pattern).',
	},
	MW201: {
		severity: 'warning',
		title: 'Loss does not fit the output',
		explanation: 'Categorical cross-entropy needs one output unit per class with softmax; binary cross-entropy needs one sigmoid unit.',
	},
	MW202: {
		severity: 'warning',
		title: 'Softmax on one unit',
		explanation: 'Softmax over a single unit always outputs 1, so the model cannot learn. Use sigmoid for binary problems or more units.',
	},
	MW203: {
		severity: 'warning',
		title: 'Activation does not fit the loss',
		explanation:
			'The output activation does not produce what the loss expects (probabilities for cross-entropy, unbounded values for regression).',
	},
	MW204: {
		severity: 'warning',
		title: 'Output units do not match the classes',
		explanation:
			'The last layer must have one unit per class for (sparse) categorical cross-entropy, one unit for binary cross-entropy and regression.',
	},
	MW205: {
		severity: 'warning',
		title: 'Loss does not fit the task',
		explanation: 'A classification loss on a regression target, or a regression loss on class labels.',
	},
	MW210: {
		severity: 'error',
		title: 'Shape mismatch',
		explanation: 'The layer cannot take the shape the previous layer produces (for example conv2d needs [height, width, channels]).',
	},
	MW211: {
		severity: 'error',
		title: 'Dimension shrinks below 1',
		explanation:
			'A convolution or pooling window is larger than its input, so a dimension becomes 0 or negative. Use `padding: same`, a smaller window or fewer pooling layers.',
	},
	MW212: {
		severity: 'error',
		title: 'Incompatible reshape',
		explanation: 'The target shape does not have the same number of elements as the input.',
	},
	MW213: {
		severity: 'hint',
		title: 'Missing flatten?',
		explanation:
			'A dense layer right after a convolution or pooling stack acts on the last axis only, which is legal but usually means a `flatten` is missing.',
	},
	MW214: {
		severity: 'warning',
		title: 'Input does not match the data',
		explanation: 'The model input size differs from the number of features the data provides after preprocessing.',
	},
	MW215: {
		severity: 'error',
		title: 'Unknown layer in `from`',
		explanation:
			'`from` names no layer: it takes the `name` of an earlier layer (or its default name, e.g. `dense_1`), or `input` for the model input.',
	},
	MW216: {
		severity: 'error',
		title: 'Forward reference in `from`',
		explanation:
			'`from` names this layer or a later one. A layer takes only earlier layers, so the model is a graph without cycles; move the layer after the ones it takes.',
	},
	MW217: {
		severity: 'error',
		title: 'Duplicate layer name',
		explanation: 'Two layers have the same name (given or default), or a layer is named `input`, which `from` uses for the model input.',
	},
	MW218: {
		severity: 'error',
		title: 'Merge shapes differ',
		explanation:
			'`add`, `multiply` and `average` need inputs of equal shapes; `concatenate` needs them equal on every axis but `axis`. The message shows both shapes.',
	},
	MW219: {
		severity: 'warning',
		title: 'Unused layer',
		explanation: "No later layer's `from` takes this layer's output and it is not the last layer, so it does not reach the model's output.",
	},
	MW220: {
		severity: 'warning',
		title: 'No validation data',
		explanation: 'Early stopping and reduce-on-plateau watch a validation value, but no validation split is configured.',
	},
	MW221: {
		severity: 'warning',
		title: 'Folds with a validation split',
		explanation: 'k-fold cross-validation takes its validation rows from the folds; a fixed validation fraction as well wastes data.',
	},
	MW222: {
		severity: 'warning',
		title: 'Batch larger than the training set',
		explanation: 'The batch size exceeds the number of training rows, so every epoch is a single full batch.',
	},
	MW223: {
		severity: 'info',
		title: 'Many parameters for few samples',
		explanation:
			'The model has far more parameters than training samples, so it can memorise them (overfitting). Consider a smaller model, regularisation or dropout.',
	},
	MW224: {
		severity: 'warning',
		title: 'Unusual learning rate',
		explanation:
			'The learning rate is far outside the range usually used with this optimizer: too high diverges (NaN losses), too low barely moves.',
	},
	MW225: {
		severity: 'error',
		title: 'Data file not found or not a table',
		explanation:
			'The data file does not exist (relative to the config file), cannot be read, or is not a table: a CSV whose header names a column twice, that has no data rows or a row with another number of fields than its header, or JSON that is not a non-empty array of row objects.',
	},
	MW226: {
		severity: 'error',
		title: 'Splits leave no training data',
		explanation: 'Validation and test fractions must add up to less than 1.',
	},
	MW227: { severity: 'error', title: 'Unknown column', explanation: 'The column is not in the data.' },
	MW228: {
		// An error, as in `train`, which refuses the path: `validate` passing a config that `train` then fails was the bug.
		severity: 'error',
		title: 'Path leaves the workspace',
		explanation:
			"The data path points outside the config's folder; it is refused (by `validate` and `train` alike) unless `modelwright.allowPathsOutsideWorkspace` (or `--allow-outside`) is set.",
	},
	MW229: {
		severity: 'warning',
		title: 'Monitored value is never logged',
		explanation:
			'The monitored value is not logged: use `loss`, `val_loss`, or a metric listed in `training.metrics` (with `val_` for validation).',
	},
	MW230: {
		severity: 'error',
		title: 'Unknown search path',
		explanation: 'The tuning search space names a config path that does not exist.',
	},
	MW231: {
		severity: 'error',
		title: 'Invalid search range',
		explanation:
			'The range is empty or reversed, a log-uniform bound is ≤ 0, or a bound or choice lies outside the values the searched setting accepts (e.g. `training.epochs` ≤ 1,000,000, a learning rate > 0): trials there would be refused.',
	},
	MW232: {
		severity: 'warning',
		title: 'Grid needs choices',
		explanation: 'Grid search enumerates `choice` lists; continuous ranges cannot be enumerated.',
	},
	MW233: {
		severity: 'error',
		title: 'Too large for memory',
		explanation:
			"The estimated memory of a training run (weights with gradients and optimizer state, one batch of activations, the data) exceeds the budget: half the machine's memory by default, set with `--max-memory`, MODELWRIGHT_MAX_MEMORY_MB or the `modelwright.engine.maxMemoryMB` setting. The run would otherwise be killed mid-way.",
	},
	MW234: {
		severity: 'error',
		title: 'Label used as a feature',
		explanation: 'The label column is listed in `features`: the model sees the answer (target leakage) and every score is meaningless.',
	},
	MW235: {
		severity: 'warning',
		title: 'Numbers with some text',
		explanation:
			'A column of numbers has a few values that are not numbers (typos, `n/a`, stray NUL bytes). Left alone it is one-hot encoded as categories. Treat them as missing (`missingValues`), fix the file, or encode the column as categories on purpose (`preprocessing: {col: oneHot}`).',
	},
	MW236: {
		severity: 'warning',
		title: 'ID- or date-like column',
		explanation:
			'A text column with very many distinct values (an ID, a name, free text) or dates would be one-hot encoded into one input per value, which cannot generalise. Leave it out of `features`; a date column can take the `date` step instead (numbers from each date).',
	},
	MW237: {
		severity: 'error',
		title: 'Single-class label',
		explanation: 'The label has only one class in the data: a classifier trained on it always answers that class and reports accuracy 1.0.',
	},
	MW238: {
		severity: 'error',
		title: 'Class weight for an unknown class',
		explanation:
			'`training.classWeight` names a class the label column does not have (classes are compared as the engine compares labels: `1` and `1.0` are one class), or the task is regression, which has no classes to weigh.',
	},
	MW250: {
		severity: 'error',
		title: 'Not exportable to ONNX',
		explanation:
			"`export.formats` asks for `onnx`, but part of the model has no ONNX translation: a layer type the exporter does not know, a recurrent layer whose activation ONNX's LSTM/GRU/RNN operators cannot express (they take linear, relu, sigmoid, tanh, hardSigmoid, elu, softsign, softplus), or a padding mask (`embedding` `maskZero`) reaching a recurrent layer or a merge other than `concatenate` along the last axis (attention, `globalAveragePooling1d` and the layers between carry it). Several inputs, `tokenize` and `date` export (a tokenized column takes token ids, made with the `tokenizer.json` written beside the file; a date column takes its days since 1970-01-01 UTC). Change it or drop `onnx`; the tfjs model is written either way.",
	},
	MW240: {
		severity: 'error',
		title: 'Layer cannot take the padding mask',
		explanation:
			'An `embedding` with `maskZero` marks padded steps; tfjs refuses a model where that mask reaches a layer that cannot use it (flatten, convolutions, pooling other than `globalAveragePooling1d`, leakyRelu). Pool the sequence first, or turn `maskZero` off.',
	},
	MW241: {
		severity: 'error',
		title: 'Unused model input',
		explanation: "No layer's `from` names this input of `model.inputs`; a tfjs model cannot have an input that does not reach its output.",
	},
	MW242: {
		severity: 'warning',
		title: 'Tokenizer options without tokenize',
		explanation:
			'Options such as `maxLength` or `vocabularySize` only apply to a column whose `step` is `tokenize`; here they are ignored.',
	},
	MW245: {
		severity: 'error',
		title: 'Dilated convolution TensorFlow.js cannot train',
		explanation:
			'TensorFlow.js has no gradient for a `conv1d` or `conv2d` whose `dilationRate` is above 1 ("dilation rates greater than 1 are not yet supported in gradients", on every backend), and cannot even run one whose `strides` and `dilationRate` are both above 1. The config would validate, then fail at its first training step. Use `dilationRate: 1`; a larger `kernelSize`, another conv layer or pooling widens what a unit sees.',
	},
	MW246: {
		severity: 'warning',
		title: 'Date options without a date',
		explanation:
			'Options such as `format`, `parts` or `cyclical` only apply to a column whose `step` is `date`; elsewhere they are ignored. A date step whose `parts` is empty without `elapsed: days` writes nothing.',
	},
	MW247: {
		severity: 'warning',
		title: 'Class smaller than the folds',
		explanation:
			'With stratified k-fold cross-validation (`data.split.folds`, or `tuning.folds` in a sweep), each class is dealt out over the folds on its own: a class with fewer rows than folds (outside the test split) is missing from some folds, whose per-class scores for it are then missing and whose averages are noisy. `cv` and `tune` say so too.',
	},
	MW248: {
		severity: 'error',
		title: 'Sample-weight column',
		explanation:
			'`data.sampleWeight` must name a column of numbers ≥ 0 that is neither the label nor a feature (the model would see the weights); an `images` source has no columns. Training checks every value and names the lines of negative, missing or non-finite weights.',
	},
	MW244: {
		severity: 'warning',
		title: 'Embedding smaller than the vocabulary',
		explanation:
			'An `embedding` takes token ids from a `tokenize` step whose `vocabularySize` exceeds its `inputDim`: ids past the table are out of range. Make `inputDim` at least the vocabulary size.',
	},
	MW243: {
		severity: 'error',
		title: 'Input features do not match',
		explanation:
			"With `model.inputs`, every feature column belongs to exactly one input, every input names only feature columns, and `model.inputShape` is replaced by each input's `shape`.",
	},
	MW255: {
		severity: 'error',
		title: 'Image augmentation without image inputs',
		explanation:
			'`flip`, `rotation`, `shift`, `brightness` and `contrast` transform images: the model input must be `[height, width, channels]` (an `images` source, or a table reshaped by `model.inputShape`). Training refuses them on a flat row of features.',
	},
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function makeDiagnostic(
	code: DiagnosticCode,
	message: string,
	range: Range,
	extra: Partial<ConfigDiagnostic> = {},
): ConfigDiagnostic {
	return { code, severity: DIAGNOSTIC_CODES[code].severity, message, range, ...extra };
}
