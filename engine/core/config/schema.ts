/**
 * THE config schema of Modelwright (one source of truth). The TypeScript types, the shipped
 * JSON Schema (schema/modelwright.schema.json), docs/config.md, the validator, completion and
 * hover are all derived from these objects; nothing else restates a field name or a default.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Bool, Int, Num, Str, StringEnum, Tagged } from './dsl';
import {
	ACTIVATIONS,
	ACTIVATION_DOCS,
	DATASETS,
	DATASET_DOCS,
	EVALUATION_METRICS,
	EVALUATION_METRIC_DOCS,
	INITIALIZERS,
	INITIALIZER_DOCS,
	LOSSES,
	LOSS_DOCS,
	OPTIMIZER_DOCS,
	TASKS,
	TRAINING_METRICS,
	TRAINING_METRIC_DOCS,
} from './vocabulary';

const Opt = Type.Optional;
const Obj = <P extends Record<string, TSchema>>(props: P, description: string, extra: Record<string, unknown> = {}) =>
	Type.Object(props, { description, additionalProperties: false, ...extra });
const typeTag = <T extends string>(value: T, description: string) => Type.Literal(value, { description });

// ---------------------------------------------------------------- shared layer fields
const activation = (def: string, what = 'Activation applied to the output') =>
	Opt(StringEnum(ACTIVATIONS, { description: `${what}.`, default: def, 'x-enumDescriptions': ACTIVATION_DOCS }));
const initializer = (def: string, what: string) =>
	Opt(
		StringEnum(INITIALIZERS, {
			description: `Initializer of ${what}. Seeded from the config's \`seed\`.`,
			default: def,
			'x-enumDescriptions': INITIALIZER_DOCS,
		}),
	);
const Regularizer = (what: string) =>
	Opt(
		Obj(
			{
				l1: Opt(
					Num({
						description: 'L1 factor $\\lambda_1$: adds $\\lambda_1 \\sum |w|$ to the loss.',
						minimum: 0,
						default: 0,
						examples: [0.001],
					}),
				),
				l2: Opt(
					Num({
						description: 'L2 factor $\\lambda_2$: adds $\\lambda_2 \\sum w^2$ to the loss (weight decay).',
						minimum: 0,
						default: 0,
						examples: [0.0001],
					}),
				),
			},
			`Penalty on ${what} added to the loss: $\\lambda_1 \\sum |w| + \\lambda_2 \\sum w^2$.`,
			{ 'x-formula': '$\\Omega(w) = \\lambda_1 \\sum_i |w_i| + \\lambda_2 \\sum_i w_i^2$' },
		),
	);
const name = Opt(
	Str({
		description: 'Layer name shown in summaries and the exported model. Defaults to the type and its index, e.g. `dense_1`.',
		pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$',
		'x-patternMessage': 'must start with a letter or `_` and hold only letters, digits, `_`, `.` and `-`',
	}),
);
/** The name a layer's `from` uses for the model input. */
export const MODEL_INPUT = 'input';
/**
 * Layers a config may list: tfjs-layers builds a model recursively over its layer graph, and about
 * 6,000 dense layers overflow Node's stack (a config layer can make two tfjs layers: an activation).
 */
export const MAX_LAYERS = 1000;
const layerRef = (description: string) =>
	Str({
		description,
		pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$',
		'x-patternMessage': 'must be a layer name or `input`',
		examples: ['input', 'dense_1'],
	});
const from = Opt(
	layerRef(
		'The layer whose output this layer takes: the `name` of an earlier layer, or `input` for the model input (with `model.inputs`, the name of one of them). Default: the previous layer (the model input for the first), as in a Sequential stack.',
	),
);
const mergeFrom = Type.Array(layerRef('An earlier layer (by `name`), or `input` for the model input (or a name from `model.inputs`).'), {
	description: 'The layers whose outputs are merged: at least two earlier layers (by `name`) or `input`.',
	minItems: 2,
	examples: [['dense_1', 'dense_2']],
});
const useBias = Opt(Bool({ description: 'Whether the layer adds a learned bias vector.', default: true }));
const size2 = (description: string, def?: number) =>
	Type.Union(
		[
			Int({ description: 'The same size in both dimensions.', minimum: 1 }),
			Type.Tuple([Int({ description: 'Height.', minimum: 1 }), Int({ description: 'Width.', minimum: 1 })], {
				description: '[height, width].',
			}),
		],
		{ description, ...(def === undefined ? {} : { default: def }) },
	);
// tfjs-layers has no causal padding (its conv1d throws NotImplementedError), so it is not offered.
const padding = (values: readonly ['valid', 'same']) =>
	Opt(
		StringEnum(values, {
			description: '`valid`: no padding, the output shrinks by kernel − 1. `same`: zero-pad so that output length = ⌈input / strides⌉.',
			default: 'valid',
		}),
	);

const kernelFields = {
	useBias,
	kernelInitializer: initializer('glorotUniform', 'the kernel (weights)'),
	biasInitializer: initializer('zeros', 'the bias'),
	kernelRegularizer: Regularizer('the kernel'),
	biasRegularizer: Regularizer('the bias'),
};

// ---------------------------------------------------------------- layers
const Dense = Obj(
	{
		type: typeTag('dense', 'Fully connected layer: $y = f(xW + b)$.'),
		name,
		from,
		units: Int({
			description:
				'Number of output units (neurons). For the output layer: 1 for regression or binary classification, the number of classes for softmax.',
			minimum: 1,
			examples: [64],
		}),
		activation: activation('linear'),
		...kernelFields,
	},
	'Fully connected layer: $y = f(xW + b)$. Parameters: $n_{in} \\cdot units + units$.',
	{ 'x-snippet': 'units: ${1:64}\nactivation: ${2:relu}' },
);

const Dropout = Obj(
	{
		type: typeTag('dropout', 'Randomly zeroes a fraction of inputs during training.'),
		name,
		from,
		rate: Num({
			description: 'Fraction of the inputs to drop during training, in [0, 1). Inputs kept are scaled by $\\frac{1}{1 - rate}$.',
			minimum: 0,
			exclusiveMaximum: 1,
			examples: [0.2],
		}),
	},
	'Dropout regularisation: zeroes each input with probability `rate` during training only.',
	{ 'x-snippet': 'rate: ${1:0.2}' },
);

const BatchNormalization = Obj(
	{
		type: typeTag('batchNormalization', 'Normalises each feature over the batch.'),
		name,
		from,
		momentum: Opt(
			Num({ description: 'Momentum of the moving mean and variance used at inference.', minimum: 0, maximum: 1, default: 0.99 }),
		),
		epsilon: Opt(Num({ description: 'Added to the variance to avoid division by zero.', exclusiveMinimum: 0, default: 0.001 })),
		center: Opt(Bool({ description: 'Learn an offset $\\beta$.', default: true })),
		scale: Opt(Bool({ description: 'Learn a scale $\\gamma$.', default: true })),
	},
	'Batch normalisation: $y = \\gamma \\frac{x - \\mu_B}{\\sqrt{\\sigma_B^2 + \\epsilon}} + \\beta$. Parameters: $4C$ ($\\gamma, \\beta$ trainable; moving mean and variance not).',
);

const LayerNormalization = Obj(
	{
		type: typeTag('layerNormalization', 'Normalises each sample over its last axis.'),
		name,
		from,
		epsilon: Opt(Num({ description: 'Added to the variance to avoid division by zero.', exclusiveMinimum: 0, default: 0.001 })),
		center: Opt(Bool({ description: 'Learn an offset $\\beta$.', default: true })),
		scale: Opt(Bool({ description: 'Learn a scale $\\gamma$.', default: true })),
	},
	'Layer normalisation: $y = \\gamma \\frac{x - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}} + \\beta$ over the last axis of each sample. Parameters: $2C$.',
);

const Activation = Obj(
	{
		type: typeTag('activation', 'Applies an activation function.'),
		name,
		from,
		activation: StringEnum(ACTIVATIONS, { description: 'The function to apply.', 'x-enumDescriptions': ACTIVATION_DOCS }),
	},
	'Applies an activation function element-wise (softmax over the last axis).',
	{ 'x-snippet': 'activation: ${1:relu}' },
);

const Flatten = Obj(
	{ type: typeTag('flatten', 'Flattens all but the batch dimension.'), name, from },
	'Flattens everything but the batch dimension: `[null, a, b, c]` → `[null, a·b·c]`. Needed between conv/pooling layers and dense layers.',
);

const Reshape = Obj(
	{
		type: typeTag('reshape', 'Reshapes each sample.'),
		name,
		from,
		targetShape: Type.Array(Int({ description: 'A dimension; one may be -1 to infer it.', minimum: -1 }), {
			description:
				'New shape of each sample (without the batch dimension). The product must equal the input size; one dimension may be -1.',
			minItems: 1,
			examples: [[28, 28, 1]],
		}),
	},
	'Reshapes each sample to `targetShape` (same number of elements).',
	{ 'x-snippet': 'targetShape: [${1:28}, ${2:28}, ${3:1}]' },
);

const Conv1D = Obj(
	{
		type: typeTag('conv1d', '1-D convolution over sequences.'),
		name,
		from,
		filters: Int({ description: 'Number of output channels.', minimum: 1, examples: [32] }),
		kernelSize: Int({ description: 'Length of the convolution window.', minimum: 1, examples: [3] }),
		strides: Opt(Int({ description: 'Step of the window.', minimum: 1, default: 1 })),
		padding: padding(['valid', 'same'] as const),
		dilationRate: Opt(Int({ description: 'Spacing between kernel taps.', minimum: 1, default: 1 })),
		activation: activation('linear'),
		...kernelFields,
	},
	'1-D convolution over `[steps, channels]` inputs. Output length (valid): $\\lfloor (L - d(k-1) - 1)/s \\rfloor + 1$. Parameters: $k \\cdot C_{in} \\cdot filters + filters$.',
	{ 'x-snippet': 'filters: ${1:32}\nkernelSize: ${2:3}\nactivation: ${3:relu}' },
);

const Conv2D = Obj(
	{
		type: typeTag('conv2d', '2-D convolution over images.'),
		name,
		from,
		filters: Int({ description: 'Number of output channels.', minimum: 1, examples: [32] }),
		kernelSize: size2('Size of the convolution window: one number or [height, width].'),
		strides: Opt(size2('Step of the window: one number or [height, width].', 1)),
		padding: padding(['valid', 'same'] as const),
		dilationRate: Opt(size2('Spacing between kernel taps.', 1)),
		activation: activation('linear'),
		...kernelFields,
	},
	'2-D convolution over `[height, width, channels]` inputs. Parameters: $k_h k_w C_{in} \\cdot filters + filters$.',
	{ 'x-snippet': 'filters: ${1:32}\nkernelSize: ${2:3}\nactivation: ${3:relu}' },
);

const pool1 = (t: 'maxPooling1d' | 'averagePooling1d', what: string) =>
	Obj(
		{
			type: typeTag(t, `1-D ${what} pooling.`),
			name,
			from,
			poolSize: Opt(Int({ description: 'Size of the pooling window.', minimum: 1, default: 2 })),
			strides: Opt(Int({ description: 'Step of the window. Defaults to `poolSize`.', minimum: 1 })),
			padding: padding(['valid', 'same'] as const),
		},
		`1-D ${what} pooling over \`[steps, channels]\`: output length (valid) $\\lfloor (L - p)/s \\rfloor + 1$. No parameters.`,
	);
const pool2 = (t: 'maxPooling2d' | 'averagePooling2d', what: string) =>
	Obj(
		{
			type: typeTag(t, `2-D ${what} pooling.`),
			name,
			from,
			poolSize: Opt(size2('Size of the pooling window: one number or [height, width].', 2)),
			strides: Opt(size2('Step of the window. Defaults to `poolSize`.')),
			padding: padding(['valid', 'same'] as const),
		},
		`2-D ${what} pooling over \`[height, width, channels]\`. No parameters.`,
	);
const globalPool = (t: 'globalAveragePooling1d' | 'globalAveragePooling2d' | 'globalMaxPooling1d' | 'globalMaxPooling2d', what: string) =>
	Obj({ type: typeTag(t, what), name, from }, `${what} The output is \`[null, channels]\`. No parameters.`);

const Embedding = Obj(
	{
		type: typeTag('embedding', 'Maps integer ids to dense vectors.'),
		name,
		from,
		inputDim: Int({ description: 'Vocabulary size: ids must lie in [0, inputDim).', minimum: 1, examples: [1000] }),
		outputDim: Int({ description: 'Size of each embedding vector.', minimum: 1, examples: [16] }),
		embeddingsInitializer: initializer('randomUniform', 'the embedding matrix'),
		embeddingsRegularizer: Regularizer('the embedding matrix'),
		maskZero: Opt(
			Bool({
				description:
					'Treat id 0 as padding (what `tokenize` pads with): later layers get a mask, so attention ignores padded steps and `globalAveragePooling1d` averages over real tokens only. Every layer the mask reaches must support it.',
				default: false,
			}),
		),
	},
	'Embedding lookup: integer ids `[null, steps]` → `[null, steps, outputDim]`. Parameters: $inputDim \\cdot outputDim$.',
	{ 'x-snippet': 'inputDim: ${1:1000}\noutputDim: ${2:16}' },
);

const recurrent = (t: 'lstm' | 'gru' | 'simpleRnn', description: string) =>
	Obj(
		{
			type: typeTag(t, description),
			name,
			from,
			units: Int({ description: 'Size of the hidden state.', minimum: 1, examples: [32] }),
			activation: activation('tanh', 'Activation of the candidate state'),
			...(t === 'simpleRnn' ? {} : { recurrentActivation: activation('hardSigmoid', 'Activation of the gates (tfjs default)') }),
			returnSequences: Opt(
				Bool({
					description:
						'Return the whole sequence `[null, steps, units]` instead of the last state `[null, units]`. Needed when another recurrent layer follows.',
					default: false,
				}),
			),
			dropout: Opt(Num({ description: 'Dropout rate on the inputs.', minimum: 0, exclusiveMaximum: 1, default: 0 })),
			recurrentDropout: Opt(Num({ description: 'Dropout rate on the recurrent state.', minimum: 0, exclusiveMaximum: 1, default: 0 })),
			...kernelFields,
			recurrentInitializer: initializer('orthogonal', 'the recurrent kernel'),
		},
		description,
		{ 'x-snippet': 'units: ${1:32}' },
	);

const PositionEmbedding = Obj(
	{
		type: typeTag('positionEmbedding', 'Adds a learned vector per position to a sequence.'),
		name,
		from,
		maxLength: Opt(
			Int({
				description: 'Longest sequence the layer accepts. Default: the number of steps of its input.',
				minimum: 1,
			}),
		),
		embeddingsInitializer: initializer('glorotUniform', 'the position vectors'),
	},
	'Learned position embedding for `[null, steps, d]` sequences: $y_t = x_t + P_t$, so later layers know the order of the tokens (attention alone does not). Parameters: $maxLength \\cdot d$. Passes a padding mask on.',
	{ 'x-formula': '$y_t = x_t + P_t$' },
);

const attentionFields = {
	numHeads: Int({ description: 'Number of attention heads $h$.', minimum: 1, examples: [2] }),
	keyDim: Opt(
		Int({
			description: "Size $d_k$ of each head's queries, keys and values. Default: the input size divided by `numHeads`.",
			minimum: 1,
		}),
	),
	dropout: Opt(Num({ description: 'Dropout rate on the attention weights (training only).', minimum: 0, exclusiveMaximum: 1, default: 0 })),
	causal: Opt(
		Bool({
			description: 'Causal mask: each step attends only to itself and earlier steps (for models that predict what comes next).',
			default: false,
		}),
	),
	useBias,
	kernelInitializer: initializer('glorotUniform', 'the projection kernels'),
	biasInitializer: initializer('zeros', 'the projection biases'),
};
const ATTENTION_FORMULA =
	'$\\mathrm{Attention}(Q, K, V) = \\mathrm{softmax}\\left(\\frac{Q K^T}{\\sqrt{d_k}}\\right) V$, with $Q = x W_Q$, $K = x W_K$, $V = x W_V$ per head';
const MultiHeadAttention = Obj(
	{
		type: typeTag('multiHeadAttention', 'Multi-head scaled dot-product self-attention.'),
		name,
		from,
		...attentionFields,
	},
	`Multi-head self-attention over \`[null, steps, d]\`: ${ATTENTION_FORMULA}; the heads are concatenated and projected back to $d$. Output \`[null, steps, d]\`. Parameters: $4 d h d_k + 3 h d_k + d$ (with biases). Padded steps (a mask from \`embedding.maskZero\`) are never attended to.`,
	{ 'x-formula': ATTENTION_FORMULA, 'x-snippet': 'numHeads: ${1:2}' },
);

const TransformerEncoder = Obj(
	{
		type: typeTag('transformerEncoder', 'A Transformer encoder block: self-attention and a feed-forward network.'),
		name,
		from,
		...attentionFields,
		feedForwardDim: Int({ description: 'Width $d_{ff}$ of the hidden layer of the feed-forward network.', minimum: 1, examples: [64] }),
		dropout: Opt(
			Num({
				description: 'Dropout rate on the attention weights and on both residual branches (training only).',
				minimum: 0,
				exclusiveMaximum: 1,
				default: 0.1,
			}),
		),
		activation: Opt(
			StringEnum(['relu', 'gelu', 'elu', 'tanh', 'linear'] as const, {
				description: 'Activation of the feed-forward hidden layer.',
				default: 'relu',
				'x-enumDescriptions': {
					relu: '$\\max(0, x)$.',
					gelu: 'Gaussian error linear unit (tanh approximation), as in BERT.',
					elu: 'Exponential linear unit.',
					tanh: 'Hyperbolic tangent.',
					linear: 'No activation.',
				},
			}),
		),
		epsilon: Opt(Num({ description: 'Added to the variance in both layer normalisations.', exclusiveMinimum: 0, default: 0.000001 })),
	},
	'A Transformer encoder block ("Attention Is All You Need", post-norm) over `[null, steps, d]`: $h = \\mathrm{LN}(x + \\mathrm{MHA}(x))$, $y = \\mathrm{LN}(h + W_2 f(W_1 h + b_1) + b_2)$, with dropout on both branches. Output `[null, steps, d]`. Parameters: attention $4 d h d_k + 3 h d_k + d$, feed-forward $2 d d_{ff} + d_{ff} + d$, normalisation $4d$.',
	{
		'x-formula': '$h = \\mathrm{LN}(x + \\mathrm{MHA}(x))$, $y = \\mathrm{LN}(h + W_2 f(W_1 h + b_1) + b_2)$',
		'x-snippet': 'numHeads: ${1:2}\nfeedForwardDim: ${2:64}',
	},
);

const merge = (t: 'add' | 'multiply' | 'average', what: string, formula: string) =>
	Obj(
		{ type: typeTag(t, `${what} of the outputs of the layers in \`from\`.`), name, from: mergeFrom },
		`${what} of two or more layers' outputs, element by element: ${formula}. All inputs must have the same shape, which is also the output's. No parameters.`,
		{ 'x-formula': formula, 'x-snippet': 'from: [${1:a}, ${2:b}]' },
	);
const Concatenate = Obj(
	{
		type: typeTag('concatenate', 'Joins the outputs of the layers in `from` along an axis.'),
		name,
		from: mergeFrom,
		axis: Opt(
			Int({
				description:
					'The axis to join along: -1 is the last (features or channels), 1 the first after the batch. The inputs must agree on every other axis.',
				default: -1,
			}),
		),
	},
	"Concatenation of two or more layers' outputs along `axis`: $y = [x_1 \\,\\|\\, x_2 \\,\\|\\, \\dots]$; the output size on that axis is the sum of the inputs'. No parameters.",
	{ 'x-formula': '$y = [x_1 \\,\\|\\, x_2 \\,\\|\\, \\dots \\,\\|\\, x_n]$', 'x-snippet': 'from: [${1:a}, ${2:b}]' },
);

export const LayerSchema = Tagged(
	[
		Dense,
		Dropout,
		BatchNormalization,
		LayerNormalization,
		Activation,
		Flatten,
		Reshape,
		Conv1D,
		Conv2D,
		pool1('maxPooling1d', 'max'),
		pool1('averagePooling1d', 'average'),
		pool2('maxPooling2d', 'max'),
		pool2('averagePooling2d', 'average'),
		globalPool('globalAveragePooling1d', 'Averages over the steps of a sequence.'),
		globalPool('globalAveragePooling2d', 'Averages over height and width.'),
		globalPool('globalMaxPooling1d', 'Maximum over the steps of a sequence.'),
		globalPool('globalMaxPooling2d', 'Maximum over height and width.'),
		Embedding,
		PositionEmbedding,
		MultiHeadAttention,
		TransformerEncoder,
		recurrent('lstm', 'Long short-term memory layer. Parameters: $4(u(n_{in} + u) + u)$.'),
		recurrent('gru', 'Gated recurrent unit (tfjs variant, reset gate before the matmul). Parameters: $3(u(n_{in} + u) + u)$.'),
		recurrent('simpleRnn', 'Fully connected recurrent layer: $h_t = f(x_t W + h_{t-1} U + b)$. Parameters: $u(n_{in} + u) + u$.'),
		merge('add', 'Sum', '$y = x_1 + x_2 + \\dots + x_n$'),
		Concatenate,
		merge('multiply', 'Product', '$y = x_1 \\odot x_2 \\odot \\dots \\odot x_n$'),
		merge('average', 'Mean', '$y = \\frac{1}{n} \\sum_{i=1}^{n} x_i$'),
	],
	{ description: 'A layer, chosen by its `type`. Fields follow tfjs-layers.' },
);

// ---------------------------------------------------------------- data
const samples = (def: number) => Opt(Int({ description: 'Number of rows to generate.', minimum: 1, maximum: 10_000_000, default: def }));
const noise = (def: number, what: string) => Opt(Num({ description: what, minimum: 0, default: def }));

export const SourceSchema = Tagged(
	[
		Obj(
			{
				type: typeTag('csv', 'A CSV file.'),
				path: Str({
					description: 'Path of the CSV file, relative to the config file. It may not leave the workspace unless the user allows it.',
					minLength: 1,
					examples: ['data/houses.csv'],
				}),
				delimiter: Opt(Str({ description: 'Field delimiter.', default: ',', minLength: 1 })),
				missingValues: Opt(
					Type.Array(Type.String(), { description: 'Cell texts read as missing.', default: ['', 'NA', 'NaN', 'null', '?'] }),
				),
			},
			'Rows from a CSV file with a header line. Numeric columns are detected; quoted fields and missing values are handled.',
			{ 'x-snippet': 'path: ${1:data.csv}' },
		),
		Obj(
			{
				type: typeTag('json', 'A JSON file of rows.'),
				path: Str({
					description: 'Path of a JSON file holding an array of objects (one per row), relative to the config file.',
					minLength: 1,
				}),
			},
			'Rows from a JSON file: an array of flat objects.',
			{ 'x-snippet': 'path: ${1:data.json}' },
		),
		Obj(
			{
				type: typeTag('images', 'A folder of images, one subfolder per class.'),
				path: Str({
					description:
						"Folder holding one subfolder per class, each of PNG or JPEG files; the label is the subfolder's name. Relative to the config file; it may not leave the workspace unless the user allows it.",
					minLength: 1,
					examples: ['data/shapes'],
				}),
				imageSize: size2('Size every image is resized to (bilinear): one number for a square, or [height, width].'),
				channels: Opt(
					Int({
						description: '1: grayscale (luminance $0.299R + 0.587G + 0.114B$); 3: RGB. Transparency is dropped.',
						enum: [1, 3],
						default: 3,
					}),
				),
			},
			'Labelled images from a folder per class (`path/<class>/<file>.png|jpg`), decoded in pure JS, resized to `imageSize`, scaled to [0, 1]. The model input is `[height, width, channels]`; the columns are `image` and `label`.',
			{ 'x-snippet': 'path: ${1:data/images}\nimageSize: [${2:32}, ${3:32}]\nchannels: ${4|3,1|}' },
		),
		Obj(
			{
				type: typeTag('inline', 'Rows written in the config.'),
				rows: Type.Array(Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()])), {
					description: 'The rows, each a map from column name to value.',
					minItems: 1,
				}),
			},
			'Rows written inline in the config (small experiments and tests).',
		),
		Obj(
			{
				type: typeTag('dataset', 'A bundled real data set.'),
				name: StringEnum(DATASETS, { description: 'Which bundled data set.', 'x-enumDescriptions': DATASET_DOCS }),
			},
			'A small real data set shipped with Modelwright (from npm packages).',
			{ 'x-snippet': 'name: ${1|iris,penguins,cars|}' },
		),
		Obj(
			{
				type: typeTag('linear', 'Generated y = slope·x + intercept + noise.'),
				samples: samples(100),
				slope: Opt(Num({ description: 'True slope.', default: 2 })),
				intercept: Opt(Num({ description: 'True intercept.', default: 0 })),
				noise: noise(1, 'Standard deviation of the Gaussian noise added to y.'),
				xMin: Opt(Num({ description: 'Lower bound of x ~ U(xMin, xMax).', default: 0 })),
				xMax: Opt(Num({ description: 'Upper bound of x ~ U(xMin, xMax).', default: 10 })),
			},
			'The seed example: $x \\sim U(0, 10)$, $y = 2x + \\varepsilon$, $\\varepsilon \\sim N(0, 1)$, 100 samples. Columns `x`, `y`.',
		),
		Obj(
			{
				type: typeTag('xor', 'Generated XOR quadrants.'),
				samples: samples(400),
				noise: noise(0.1, 'Standard deviation of Gaussian jitter added to each coordinate.'),
			},
			'Points in [-1, 1]² labelled 1 where $x_1 x_2 > 0$ (XOR of the signs). Columns `x1`, `x2`, `label`.',
		),
		Obj(
			{
				type: typeTag('circles', 'Generated concentric circles.'),
				samples: samples(400),
				noise: noise(0.05, 'Standard deviation of Gaussian jitter.'),
				factor: Opt(
					Num({
						description: 'Radius of the inner circle relative to the outer one.',
						exclusiveMinimum: 0,
						exclusiveMaximum: 1,
						default: 0.5,
					}),
				),
			},
			'Two concentric circles (labels 0 outer, 1 inner). Columns `x1`, `x2`, `label`.',
		),
		Obj(
			{
				type: typeTag('spirals', 'Generated interleaved spirals.'),
				samples: samples(400),
				classes: Opt(Int({ description: 'Number of spiral arms (classes).', minimum: 2, maximum: 10, default: 2 })),
				noise: noise(0.1, 'Standard deviation of Gaussian jitter.'),
				turns: Opt(Num({ description: 'How many turns each arm makes.', exclusiveMinimum: 0, default: 1 })),
			},
			'Interleaved spiral arms, one class each. Columns `x1`, `x2`, `label`.',
		),
		Obj(
			{
				type: typeTag('blobs', 'Generated Gaussian blobs.'),
				samples: samples(300),
				centers: Opt(Int({ description: 'Number of blobs (classes).', minimum: 2, maximum: 50, default: 3 })),
				features: Opt(Int({ description: 'Number of dimensions.', minimum: 1, maximum: 1000, default: 2 })),
				std: noise(1, 'Standard deviation of each blob.'),
			},
			'Isotropic Gaussian blobs with centres in [-10, 10]^d. Columns `x1` … `xd`, `label`.',
		),
	],
	{ description: 'Where the rows come from, chosen by `type`.' },
);

const ColumnStep = StringEnum(['none', 'standardize', 'minMax', 'oneHot', 'labelEncode', 'tokenize', 'date', 'drop'] as const, {
	description: 'What to do with the column.',
	'x-enumDescriptions': {
		date: 'A date or date-time text → numbers: `parts` (year, month, day, day of year, weekday, hour), optionally as sin/cos (`cyclical`), and days since the earliest training date (`elapsed: days`). Options beside `step`: `format`, `parts`, `cyclical`, `elapsed`, `unparseable`.',
		tokenize:
			'Text → `maxLength` token ids (0 = padding, 1 = out of vocabulary), with a vocabulary of the most frequent training tokens. Options beside `step`: `level`, `lowercase`, `punctuation`, `vocabularySize`, `oovToken`, `maxLength`, `padding`, `truncation`.',
		none: 'Use the values as they are.',
		standardize: 'Subtract the training mean and divide by the training standard deviation: $z = \\frac{x - \\mu}{\\sigma}$.',
		minMax: 'Scale to [0, 1] with the training minimum and maximum: $\\frac{x - \\min}{\\max - \\min}$.',
		oneHot: 'One column per category (categories seen in training).',
		labelEncode: 'Replace each category by its index (categories sorted).',
		drop: 'Remove the column.',
	},
});
/** Options of the `tokenize` step (only with `step: tokenize`; MW242 otherwise). */
const TokenizeFields = {
	level: Opt(
		StringEnum(['word', 'character'] as const, {
			description: 'Tokens are words or single characters.',
			default: 'word',
			'x-enumDescriptions': {
				word: 'Split on white space (and punctuation, see `punctuation`).',
				character: 'Every character is a token (white space included).',
			},
		}),
	),
	lowercase: Opt(Bool({ description: 'Lower-case the text before splitting.', default: true })),
	punctuation: Opt(
		StringEnum(['strip', 'separate', 'keep'] as const, {
			description: 'What happens to punctuation marks.',
			default: 'strip',
			'x-enumDescriptions': {
				strip: 'Remove them.',
				separate: 'Each mark is a token of its own (`good!` → `good`, `!`).',
				keep: 'Leave them inside the words (`good!` stays one token).',
			},
		}),
	),
	vocabularySize: Opt(
		Int({
			description:
				'Size of the vocabulary, the two reserved ids included: the `vocabularySize − 2` most frequent training tokens (ties in text order) get ids 2, 3, …; an `embedding` after it needs `inputDim` ≥ this.',
			minimum: 3,
			maximum: 1_000_000,
			default: 1000,
		}),
	),
	oovToken: Opt(
		Str({ description: 'The text that stands for id 1, the out-of-vocabulary token, in the stored vocabulary.', default: '[UNK]' }),
	),
	maxLength: Opt(
		Int({
			description: 'Tokens per text: shorter texts are padded with id 0, longer ones truncated.',
			minimum: 1,
			maximum: 100_000,
			default: 32,
		}),
	),
	padding: Opt(
		StringEnum(['post', 'pre'] as const, {
			description: 'Where padding ids go: after the text (`post`) or before it (`pre`).',
			default: 'post',
		}),
	),
	truncation: Opt(
		StringEnum(['post', 'pre'] as const, {
			description: 'Which tokens a long text loses: its end (`post`) or its start (`pre`).',
			default: 'post',
		}),
	),
};
/** Options of the `date` step (only with `step: date`; MW246 otherwise). */
const DateFields = {
	format: Opt(
		StringEnum(['iso', 'dmy', 'mdy'] as const, {
			description:
				'How a date whose year comes last is read. Year-first dates (`2024-03-05`, `2024/03/05`, ISO 8601 date-times such as `2024-03-05T14:30:00+01:00`) are read under every format; a time with an offset is converted to UTC, one without is taken as written.',
			default: 'iso',
			'x-enumDescriptions': {
				iso: 'Year first only: a day-and-month-first date such as `03/05/2024` is refused (the line and value are named), since its order is unknown.',
				dmy: 'Day, month, year: `05.03.2024`, `05/03/2024` and `05-03-2024` are 5 March 2024.',
				mdy: 'Month, day, year: `03/05/2024` is 5 March 2024.',
			},
		}),
	),
	parts: Opt(
		Type.Array(
			StringEnum(['year', 'month', 'day', 'dayOfYear', 'weekday', 'hour'] as const, {
				description: 'A part of the date.',
				'x-enumDescriptions': {
					year: 'The year, e.g. 2024.',
					month: 'The month, 1–12.',
					day: 'The day of the month, 1–31.',
					dayOfYear: 'The day of the year, 1–366.',
					weekday: 'The day of the week, Monday 0 … Sunday 6.',
					hour: 'The hour, 0–23.',
				},
			}),
			{
				description:
					'The numbers a date becomes, in this order. Default: `[year, month, dayOfYear, weekday]`, or none with `elapsed: days`.',
				uniqueItems: true,
			},
		),
	),
	cyclical: Opt(
		Bool({
			description:
				'Write `month`, `dayOfYear`, `weekday` and `hour` as a sin/cos pair, so the end of a cycle is next to its start: $(\\sin \\frac{2\\pi v}{P}, \\cos \\frac{2\\pi v}{P})$ with $v$ counted from 0 and $P$ = 12, the days of that year, 7 or 24.',
			default: false,
		}),
	),
	elapsed: Opt(
		StringEnum(['none', 'days'] as const, {
			description:
				'Also write the time since the earliest date of the training split (fitted on it, stored with the run), after the parts.',
			default: 'none',
			'x-enumDescriptions': {
				none: 'No elapsed time.',
				days: 'Days since the earliest training date (fractional with a time).',
			},
		}),
	),
	unparseable: Opt(
		StringEnum(['error', 'missing'] as const, {
			description: 'What a value that is not a date is.',
			default: 'error',
			'x-enumDescriptions': {
				error: 'Stop with an error naming the lines and values.',
				missing: "A missing value, handled by the column's `fillMissing` (or `data.missing`).",
			},
		}),
	),
};
const fillMissing = (description: string, def?: string) =>
	StringEnum(['error', 'dropRow', 'mean', 'median', 'mostFrequent', 'zero'] as const, {
		description,
		...(def === undefined ? {} : { default: def }),
		'x-enumDescriptions': {
			error: 'Stop with an error naming the row and column.',
			dropRow: 'Drop the whole row (the count is reported).',
			mean: 'Fill with the training mean (numeric columns).',
			median: 'Fill with the training median (numeric columns).',
			mostFrequent: 'Fill with the most frequent training value.',
			zero: 'Fill with 0.',
		},
	});

const DataSchema = Obj(
	{
		source: SourceSchema,
		features: Opt(
			Type.Array(Str({ description: 'A column name.' }), {
				description: 'Input columns, in order. Default: every column but the label.',
				minItems: 1,
				uniqueItems: true,
			}),
		),
		label: Opt(
			Str({
				description:
					"The column to predict. Default: `y` for the linear generator, `label` for the other generators, the data set's target for bundled data sets, the last column otherwise.",
			}),
		),
		sampleWeight: Opt(
			Str({
				description:
					"A column of per-row weights (numbers ≥ 0): each training row's loss is multiplied by its weight (the mean over a batch, as Keras weighs `sample_weight`), so a row of weight 0 adds nothing to the loss (it still counts in the batch size the mean divides by, as in Keras). The column is not a feature. Validation and evaluation metrics stay unweighted.",
				examples: ['weight'],
			}),
		),
		task: Opt(
			StringEnum(TASKS, {
				description: 'What kind of problem this is. `auto` infers it from the loss and the label values.',
				default: 'auto',
				'x-enumDescriptions': {
					auto: 'Infer from the loss and label values.',
					regression: 'Predict a number.',
					binaryClassification: 'Predict one of two classes.',
					multiclassClassification: 'Predict one of several classes.',
				},
			}),
		),
		scale: Opt(
			StringEnum(['none', 'standardize', 'minMax'] as const, {
				description:
					'Scaling applied to every numeric feature without its own `preprocessing` entry, and to the values of `date` steps (not their sin/cos). Fitted on the training split only.',
				default: 'none',
				'x-enumDescriptions': {
					none: 'Leave numeric features as they are.',
					standardize: 'Zero mean, unit variance (training statistics).',
					minMax: 'Scale to [0, 1] (training minimum and maximum).',
				},
			}),
		),
		missing: Opt(fillMissing('What to do with a missing value in any column without its own `fillMissing`.', 'dropRow')),
		preprocessing: Opt(
			Type.Record(
				Type.String(),
				Type.Union(
					[
						ColumnStep,
						Obj(
							{
								step: Opt(ColumnStep),
								fillMissing: Opt(fillMissing('What to do with a missing value in this column. Default: `data.missing`.')),
								...TokenizeFields,
								...DateFields,
							},
							"A step and a missing-value policy for this column; with `step: tokenize`, the tokenizer's options; with `step: date`, the date's.",
						),
					],
					{ description: 'A preprocessing step for this column, or `{step, fillMissing}`.' },
				),
				{
					description:
						'Per-column preprocessing, keyed by column name. Categorical (text) features are one-hot encoded unless told otherwise. Every step is fitted on the training split only and stored with the run and the exported model.',
				},
			),
		),
		split: Opt(
			Obj(
				{
					validation: Opt(
						Num({
							description: 'Fraction of rows held out for validation (early stopping, learning-rate plateaus, curves).',
							minimum: 0,
							exclusiveMaximum: 1,
							default: 0.2,
						}),
					),
					test: Opt(
						Num({ description: 'Fraction of rows held out for the final evaluation only.', minimum: 0, exclusiveMaximum: 1, default: 0 }),
					),
					shuffle: Opt(Bool({ description: 'Shuffle rows (seeded) before splitting.', default: true })),
					stratify: Opt(Bool({ description: 'Keep class proportions equal across splits (classification only).', default: true })),
					folds: Opt(
						Int({
							description: 'Number of folds for k-fold cross-validation (used by tuning). When set, `validation` must be 0.',
							minimum: 2,
							maximum: 100,
						}),
					),
				},
				'How rows are split into training, validation and test sets. Training gets what is left.',
				{ default: {} },
			),
		),
		augmentation: Opt(
			Obj(
				{
					gaussianNoise: Opt(
						Num({
							description: 'Standard deviation of Gaussian noise added to (scaled) training features each epoch. 0 turns it off.',
							minimum: 0,
							default: 0,
						}),
					),
					mixup: Opt(
						Num({
							description:
								'Mixup $\\alpha$: training batches are convex mixes $\\lambda x_i + (1-\\lambda) x_j$ of pairs, $\\lambda \\sim \\mathrm{Beta}(\\alpha, \\alpha)$. 0 turns it off.',
							minimum: 0,
							default: 0,
						}),
					),
					flip: Opt(
						StringEnum(['none', 'horizontal', 'vertical', 'both'] as const, {
							description: 'Image inputs: mirror each training image with probability ½ along these axes.',
							default: 'none',
							'x-enumDescriptions': {
								none: 'No flips.',
								horizontal: 'Left–right mirror (for images whose class does not depend on left and right).',
								vertical: 'Top–bottom mirror.',
								both: 'Each axis independently.',
							},
						}),
					),
					rotation: Opt(
						Num({
							description:
								'Image inputs: rotate each training image by an angle drawn from $U(-r, r)$ degrees (bilinear; the edge pixels fill the corners). 0 turns it off.',
							minimum: 0,
							maximum: 180,
							default: 0,
						}),
					),
					shift: Opt(
						Num({
							description:
								'Image inputs: translate each training image by up to this fraction of its height and width, drawn from $U(-s, s)$ per axis (a random crop of a padded image). 0 turns it off.',
							minimum: 0,
							maximum: 0.5,
							default: 0,
						}),
					),
					brightness: Opt(
						Num({
							description:
								'Image inputs: add $\\delta \\sim U(-b, b)$ to every pixel of a training image (pixels are in [0, 1]; clipped). 0 turns it off.',
							minimum: 0,
							maximum: 1,
							default: 0,
						}),
					),
					contrast: Opt(
						Num({
							description:
								"Image inputs: scale each training image around its mean by $c \\sim U(1 - k, 1 + k)$: $x' = \\bar{x} + c (x - \\bar{x})$ (clipped to [0, 1]). 0 turns it off.",
							minimum: 0,
							maximum: 1,
							default: 0,
						}),
					),
				},
				'Data augmentation applied to training batches only, seeded (new draws every epoch). The image fields apply to `[height, width, channels]` inputs (an `images` source, or a table reshaped by `model.inputShape`), before mixup and noise.',
				{ default: {} },
			),
		),
	},
	'Where the data comes from and how it is prepared.',
);

// ---------------------------------------------------------------- model
const ModelSchema = Obj(
	{
		inputs: Opt(
			Type.Array(
				Obj(
					{
						name: Str({
							description: 'The name layers use in `from` to take this input.',
							pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$',
							'x-patternMessage': 'must start with a letter or `_` and hold only letters, digits, `_`, `.` and `-`',
							examples: ['numbers', 'text'],
						}),
						features: Type.Array(Str({ description: 'A feature column.' }), {
							description:
								'The feature columns this input takes, in order (after their preprocessing: a one-hot column gives one value per category, a tokenized one `maxLength` ids).',
							minItems: 1,
							uniqueItems: true,
						}),
						shape: Opt(
							Type.Array(Int({ description: 'A dimension.', minimum: 1 }), {
								description: 'Shape of one sample of this input. Default: `[number of values]` after preprocessing.',
								minItems: 1,
							}),
						),
					},
					'A named model input fed by some of the feature columns.',
					{ 'x-snippet': 'name: ${1:text}\nfeatures: [${2:column}]' },
				),
				{
					description:
						'Several named inputs (e.g. numeric columns and a text column), each a group of feature columns; layers take one with `from: <name>`. Every feature belongs to exactly one input. Without it the model has one input, `input`, holding every feature.',
					minItems: 1,
				},
			),
		),
		inputShape: Opt(
			Type.Array(Int({ description: 'A dimension.', minimum: 1 }), {
				description:
					'Shape of one sample, without the batch dimension. Default: `[number of features]` after preprocessing. With `inputs`, each input has its own `shape` instead.',
				minItems: 1,
				examples: [[4], [28, 28, 1]],
			}),
		),
		layers: Type.Array(LayerSchema, {
			description:
				"The layers, in order. Each takes the previous layer's output unless its `from` names an earlier layer (or `input`); merge layers (`add`, `concatenate`, `multiply`, `average`) take several. The last layer is the output. At most 1,000: TensorFlow.js builds a model by walking its layers recursively, and a few thousand overflow its stack (a `transformerEncoder` is one layer).",
			minItems: 1,
			maxItems: MAX_LAYERS,
		}),
	},
	'The network: a stack of tfjs-layers layers (a Sequential model), or a graph of them when layers use `from` or merge (a functional model).',
);

// ---------------------------------------------------------------- training
const lr = (def: number) => Opt(Num({ description: 'Learning rate $\\alpha$.', exclusiveMinimum: 0, default: def, examples: [def] }));
const eps = (def: number) =>
	Opt(Num({ description: 'Small constant $\\epsilon$ for numerical stability.', exclusiveMinimum: 0, default: def }));
const beta = (def: number, what: string) => Opt(Num({ description: what, minimum: 0, exclusiveMaximum: 1, default: def }));
const opt = <T extends keyof typeof OPTIMIZER_DOCS, P extends Record<string, TSchema>>(t: T, props: P) =>
	Obj({ type: typeTag(t, OPTIMIZER_DOCS[t]), ...props }, OPTIMIZER_DOCS[t], { 'x-formula': OPTIMIZER_DOCS[t] });

export const OptimizerSchema = Tagged(
	[
		opt('sgd', { learningRate: lr(0.01) }),
		opt('momentum', {
			learningRate: lr(0.01),
			momentum: beta(0.9, 'Momentum $\\mu$: the fraction of the previous update kept.'),
			nesterov: Opt(Bool({ description: 'Use Nesterov momentum.', default: false })),
		}),
		opt('adam', {
			learningRate: lr(0.001),
			beta1: beta(0.9, 'Decay $\\beta_1$ of the first-moment estimate.'),
			beta2: beta(0.999, 'Decay $\\beta_2$ of the second-moment estimate.'),
			epsilon: eps(1e-7),
		}),
		opt('adamax', {
			learningRate: lr(0.002),
			beta1: beta(0.9, 'Decay $\\beta_1$ of the first-moment estimate.'),
			beta2: beta(0.999, 'Decay $\\beta_2$ of the infinity norm.'),
			epsilon: eps(1e-7),
		}),
		opt('rmsprop', {
			learningRate: lr(0.001),
			rho: beta(0.9, 'Decay $\\rho$ of the squared-gradient average.'),
			momentum: Opt(Num({ description: 'Momentum.', minimum: 0, exclusiveMaximum: 1, default: 0 })),
			epsilon: eps(1e-7),
			centered: Opt(Bool({ description: 'Normalise by the estimated variance of the gradient.', default: false })),
		}),
		opt('adagrad', {
			learningRate: lr(0.01),
			initialAccumulatorValue: Opt(
				Num({ description: 'Starting value of the squared-gradient accumulators.', exclusiveMinimum: 0, default: 0.1 }),
			),
		}),
		opt('adadelta', { learningRate: lr(0.001), rho: beta(0.95, 'Decay $\\rho$.'), epsilon: eps(1e-7) }),
	],
	{ description: 'The optimizer, chosen by `type`, with its own parameters.' },
);

const monitor = (def: string) =>
	Opt(
		Str({
			description: 'Logged value to watch: `loss`, `val_loss`, or a metric such as `val_accuracy`.',
			default: def,
			examples: ['val_loss', 'val_accuracy'],
		}),
	);

const ScheduleSchema = Tagged(
	[
		Obj({ type: typeTag('constant', 'Keep the learning rate fixed.') }, 'Keep the learning rate fixed.'),
		Obj(
			{
				type: typeTag('step', 'Multiply by gamma every stepSize epochs.'),
				stepSize: Int({ description: 'Epochs between drops.', minimum: 1, examples: [10] }),
				gamma: Opt(Num({ description: 'Factor applied at each drop.', exclusiveMinimum: 0, maximum: 1, default: 0.1 })),
			},
			'Step decay: $\\alpha_e = \\alpha_0 \\gamma^{\\lfloor e / stepSize \\rfloor}$.',
			{ 'x-snippet': 'stepSize: ${1:10}\ngamma: ${2:0.5}' },
		),
		Obj(
			{
				type: typeTag('exponential', 'Decay exponentially per epoch.'),
				decayRate: Opt(Num({ description: 'Factor per `decayEpochs`.', exclusiveMinimum: 0, maximum: 1, default: 0.96 })),
				decayEpochs: Opt(Num({ description: 'Epochs over which the rate is multiplied by `decayRate`.', exclusiveMinimum: 0, default: 1 })),
			},
			'Exponential decay: $\\alpha_e = \\alpha_0 \\cdot decayRate^{e / decayEpochs}$.',
		),
		Obj(
			{
				type: typeTag('cosine', 'Cosine annealing.'),
				minLearningRate: Opt(Num({ description: 'Learning rate reached at the last epoch.', minimum: 0, default: 0 })),
				warmupEpochs: Opt(Int({ description: 'Epochs of linear warm-up from 0.', minimum: 0, default: 0 })),
			},
			'Cosine annealing: $\\alpha_e = \\alpha_{min} + \\frac{1}{2}(\\alpha_0 - \\alpha_{min})(1 + \\cos(\\pi e / E))$.',
		),
		Obj(
			{
				type: typeTag('reduceOnPlateau', 'Reduce when a monitored value stops improving.'),
				monitor: monitor('val_loss'),
				factor: Opt(
					Num({ description: 'Factor applied when the value plateaus.', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.1 }),
				),
				patience: Opt(Int({ description: 'Epochs without improvement before reducing.', minimum: 0, default: 10 })),
				minDelta: Opt(Num({ description: 'Smallest change counted as an improvement.', minimum: 0, default: 0.0001 })),
				cooldown: Opt(Int({ description: 'Epochs to wait after a reduction.', minimum: 0, default: 0 })),
				minLearningRate: Opt(Num({ description: 'Lower bound on the learning rate.', minimum: 0, default: 0 })),
			},
			'Multiply the learning rate by `factor` when `monitor` has not improved for `patience` epochs.',
		),
	],
	{ description: 'How the learning rate changes over epochs, chosen by `type`.' },
);

const TrainingSchema = Obj(
	{
		loss: StringEnum(LOSSES, { description: 'The loss function minimised during training.', 'x-enumDescriptions': LOSS_DOCS }),
		huberDelta: Opt(Num({ description: 'Threshold $\\delta$ of the `huber` loss.', exclusiveMinimum: 0, default: 1 })),
		optimizer: Opt(
			Type.Union(
				[
					StringEnum(Object.keys(OPTIMIZER_DOCS) as (keyof typeof OPTIMIZER_DOCS)[], {
						description: 'An optimizer with its default parameters.',
						'x-enumDescriptions': OPTIMIZER_DOCS,
					}),
					OptimizerSchema,
				],
				{ description: 'The optimizer: a name (`adam`) or an object with `type` and its parameters.', default: 'adam' },
			),
		),
		metrics: Opt(
			Type.Array(StringEnum(TRAINING_METRICS, { description: 'A metric.', 'x-enumDescriptions': TRAINING_METRIC_DOCS }), {
				description: 'Metrics logged every epoch, on training and validation data.',
				uniqueItems: true,
				default: [],
			}),
		),
		epochs: Opt(Int({ description: 'Passes over the training data.', minimum: 1, maximum: 1_000_000, default: 50 })),
		batchSize: Opt(Int({ description: 'Samples per gradient step.', minimum: 1, default: 32 })),
		shuffle: Opt(Bool({ description: 'Reshuffle the training rows (seeded) every epoch.', default: true })),
		learningRateSchedule: Opt(ScheduleSchema),
		earlyStopping: Opt(
			Obj(
				{
					monitor: monitor('val_loss'),
					patience: Opt(Int({ description: 'Epochs without improvement before stopping.', minimum: 0, default: 10 })),
					minDelta: Opt(Num({ description: 'Smallest change counted as an improvement.', minimum: 0, default: 0 })),
					mode: Opt(
						StringEnum(['auto', 'min', 'max'] as const, {
							description: 'Whether lower or higher is better. `auto`: higher for accuracy-like metrics.',
							default: 'auto',
						}),
					),
					restoreBest: Opt(Bool({ description: 'Restore the weights of the best epoch when stopping.', default: true })),
				},
				'Stop when the monitored value has not improved for `patience` epochs.',
			),
		),
		gradientClipping: Opt(
			Obj(
				{
					clipNorm: Opt(Num({ description: 'Rescale each gradient so its L2 norm is at most this.', exclusiveMinimum: 0 })),
					clipValue: Opt(Num({ description: 'Clip each gradient element to [-clipValue, clipValue].', exclusiveMinimum: 0 })),
				},
				'Limits gradients before each update, to tame exploding gradients.',
			),
		),
		checkpoint: Opt(
			Obj(
				{
					every: Opt(Int({ description: 'Write a checkpoint every this many epochs (0 turns checkpoints off).', minimum: 0, default: 10 })),
					keep: Opt(Int({ description: 'How many recent checkpoints to keep.', minimum: 1, default: 2 })),
				},
				'Checkpoints of weights and optimizer state, used by `train --resume`.',
				{ default: {} },
			),
		),
		logBatches: Opt(Bool({ description: 'Also log the loss of every batch (slower: reads the loss each step).', default: false })),
		classWeight: Opt(
			Type.Union(
				[
					StringEnum(['balanced'] as const, {
						description:
							'Weigh each class by $\\frac{n}{K \\cdot n_k}$ ($n$ training rows, $K$ classes, $n_k$ rows of class $k$), as scikit-learn and Keras do.',
					}),
					Type.Record(Type.String(), Num({ description: 'The weight of this class.', exclusiveMinimum: 0 }), {
						description: 'A weight per class, keyed by class (as the label column writes it); classes left out weigh 1.',
					}),
				],
				{
					description:
						"Class weights for imbalanced classification: each training row's loss is multiplied by its class's weight (the mean over a batch, as Keras does). Validation and evaluation stay unweighted.",
					examples: ['balanced'],
				},
			),
		),
	},
	'How the model is trained.',
);

// ---------------------------------------------------------------- tuning
const range = (description: string) =>
	Type.Tuple([Type.Number({ description: 'Low.' }), Type.Number({ description: 'High.' })], { description });
const when = Opt(
	Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Boolean()]), {
		description:
			'Conditional dimension: only searched when these other dimensions have these values (e.g. `{training.optimizer.type: momentum}` for `training.optimizer.momentum`).',
	}),
);
export const SearchParamSchema = Type.Union(
	[
		Obj(
			{
				choice: Type.Array(Type.Union([Type.Number(), Type.String(), Type.Boolean()]), { description: 'The values to try.', minItems: 1 }),
				when,
			},
			'One of a list of values.',
		),
		Obj({ uniform: range('Bounds [low, high] of a uniform real.'), when }, 'A real uniformly between the bounds.'),
		Obj(
			{ logUniform: range('Bounds [low, high] of a log-uniform real; both > 0.'), when },
			'A real whose logarithm is uniform between the logs of the bounds (learning rates, regularisation).',
		),
		Obj(
			{
				int: range('Bounds [low, high] of an integer, both included.'),
				step: Opt(Int({ description: 'Step between integers.', minimum: 1, default: 1 })),
				when,
			},
			'An integer between the bounds (both included).',
		),
	],
	{
		description: 'A search dimension: `{choice: [...]}`, `{uniform: [lo, hi]}`, `{logUniform: [lo, hi]}` or `{int: [lo, hi]}`.',
		'x-discriminator': '$key',
	},
);

const TuningSchema = Obj(
	{
		space: Type.Record(Type.String(), SearchParamSchema, {
			description: 'Search space: config paths (e.g. `training.optimizer.learningRate`, `model.layers[0].units`) mapped to their ranges.',
			examples: [{ 'training.batchSize': { choice: [16, 32, 64] } }],
		}),
		strategy: Opt(
			StringEnum(['grid', 'random', 'bayesian'] as const, {
				description: 'How trials are chosen.',
				default: 'random',
				'x-enumDescriptions': {
					grid: 'Every combination of `choice` values (ranges need `choice`).',
					random: 'Independent random draws (seeded).',
					bayesian: 'Tree-structured Parzen estimator: proposes points that look good under a density model of past trials.',
				},
			}),
		),
		trials: Opt(
			Int({
				description: 'Maximum number of trials (grid: at most the number of combinations).',
				minimum: 1,
				maximum: 100_000,
				default: 20,
			}),
		),
		timeBudget: Opt(Num({ description: 'Stop starting new trials after this many seconds.', exclusiveMinimum: 0 })),
		objective: Opt(
			Obj(
				{
					metric: Opt(Str({ description: 'Logged value to optimise, e.g. `val_loss` or `val_accuracy`.', default: 'val_loss' })),
					direction: Opt(
						StringEnum(['auto', 'minimize', 'maximize'] as const, {
							description: 'Whether lower or higher is better. `auto`: maximise accuracy-like metrics.',
							default: 'auto',
						}),
					),
				},
				'What a trial is scored on.',
				{ default: {} },
			),
		),
		folds: Opt(
			Int({
				description: 'Cross-validate each trial over this many folds (stratified for classification); the score is the mean.',
				minimum: 2,
				maximum: 100,
			}),
		),
		pruning: Opt(
			Obj(
				{
					type: Opt(
						StringEnum(['none', 'median', 'successiveHalving'] as const, {
							description: 'Pruning rule.',
							default: 'none',
							'x-enumDescriptions': {
								none: 'Run every trial to the end.',
								median: 'Stop a trial whose intermediate value is worse than the median of earlier trials at the same epoch.',
								successiveHalving: 'Give all trials a small budget, keep the best 1/reductionFactor, repeat with more epochs.',
							},
						}),
					),
					warmupEpochs: Opt(Int({ description: 'Epochs before a trial may be pruned.', minimum: 0, default: 5 })),
					minTrials: Opt(Int({ description: 'Completed trials needed before the median rule prunes.', minimum: 1, default: 5 })),
					reductionFactor: Opt(
						Int({ description: 'Successive halving keeps 1/reductionFactor of the trials at each rung.', minimum: 2, default: 3 }),
					),
				},
				'Stopping hopeless trials early.',
				{ default: {} },
			),
		),
		workers: Opt(Int({ description: 'Trials run in parallel. Default: the number of cores.', minimum: 1, maximum: 64 })),
		seed: Opt(Int({ description: 'Seed of the search (defaults to the config seed).' })),
	},
	'Hyperparameter search over the config.',
);

// ---------------------------------------------------------------- evaluation and export
/** The formats `export.formats` offers (and `modelwright export --format`). */
export const EXPORT_FORMATS = ['tfjs', 'onnx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const EvaluationSchema = Obj(
	{
		split: Opt(
			StringEnum(['auto', 'test', 'validation', 'train'] as const, {
				description: 'Which split to evaluate on. `auto`: test if there is one, else validation, else train.',
				default: 'auto',
			}),
		),
		metrics: Opt(
			Type.Array(StringEnum(EVALUATION_METRICS, { description: 'A metric.', 'x-enumDescriptions': EVALUATION_METRIC_DOCS }), {
				description: 'Metrics to compute. Default: all that apply to the task.',
				uniqueItems: true,
			}),
		),
		average: Opt(
			StringEnum(['macro', 'micro', 'weighted'] as const, {
				description:
					'How per-class precision/recall/F1 are averaged: `macro` the plain mean over classes, `micro` from the counts pooled over classes (equal to accuracy for single-label data), `weighted` the mean weighted by support (as scikit-learn).',
				default: 'macro',
			}),
		),
		threshold: Opt(Num({ description: 'Decision threshold for a single sigmoid output.', minimum: 0, maximum: 1, default: 0.5 })),
	},
	'How the trained model is evaluated.',
	{ default: {} },
);

const ExportSchema = Obj(
	{
		format: Opt(
			StringEnum(['tfjs'] as const, {
				description:
					'Model format. `tfjs`: a tfjs layers model (`model.json` + binary weights), loadable by `tf.loadLayersModel` and convertible to Keras. Superseded by `formats`.',
				default: 'tfjs',
			}),
		),
		formats: Opt(
			Type.Array(
				StringEnum(EXPORT_FORMATS, {
					description: 'A model format.',
					'x-enumDescriptions': {
						tfjs: 'A tfjs layers model (`model.json` + `weights.bin`), loadable by `tf.loadLayersModel` and convertible to Keras. The run always keeps one.',
						onnx: 'An ONNX file (`model.onnx`, opset 17) with the fitted preprocessing inside: it takes the raw feature values, one input per column (a tokenized text column takes its token ids, made with the `tokenizer.json` written beside it; a date column its days since 1970-01-01 UTC), and runs in ONNX Runtime (Python, C++, C#, Java, mobile) with nothing else. Layers ONNX cannot express are reported when the config is validated (MW250).',
					},
				}),
				{
					description: "Formats to write, to the run's `model/` folder and to `path`.",
					default: ['tfjs'],
					minItems: 1,
					uniqueItems: true,
					examples: [['tfjs', 'onnx']],
				},
			),
		),
		path: Opt(
			Str({
				description: "Folder to export to, relative to the config. Default: the run's `model/` folder only.",
				examples: ['models/iris'],
			}),
		),
	},
	'Where and how the trained model is exported. Preprocessing metadata and the config snapshot are written beside it.',
	{ default: {} },
);

// ---------------------------------------------------------------- root
export const ConfigSchema = Type.Object(
	{
		$schema: Opt(Str({ description: 'JSON Schema reference for other editors; ignored by Modelwright.' })),
		name: Opt(Str({ description: 'Name of the model; used for runs and exports. Default: the file name.', examples: ['iris-mlp'] })),
		description: Opt(Str({ description: 'Free text.' })),
		seed: Opt(
			Int({
				description:
					'Seed for data generation, shuffles, splits, initializers and dropout: runs with the same seed on the same backend give the same results.',
				default: 42,
			}),
		),
		data: DataSchema,
		model: ModelSchema,
		training: TrainingSchema,
		tuning: Opt(TuningSchema),
		evaluation: Opt(EvaluationSchema),
		export: Opt(ExportSchema),
	},
	{
		$id: 'https://modelwright.dev/schema/model-config.json',
		title: 'Modelwright model config',
		description: 'A machine-learning model described as data: the data, the network, how it is trained, tuned, evaluated and exported.',
		additionalProperties: false,
		required: ['data', 'model', 'training'],
	},
);

export type ModelConfig = Static<typeof ConfigSchema>;
export type LayerConfig = Static<typeof LayerSchema>;
export type LayerType = LayerConfig['type'];
export type SourceConfig = Static<typeof SourceSchema>;
export type OptimizerConfig = Static<typeof OptimizerSchema>;
export type ScheduleConfig = Static<typeof ScheduleSchema>;
export type SearchParam = Static<typeof SearchParamSchema>;
export type DataConfig = Static<typeof DataSchema>;
export type TrainingConfig = Static<typeof TrainingSchema>;
export type TuningConfig = Static<typeof TuningSchema>;
export type EvaluationConfig = Static<typeof EvaluationSchema>;
export type ExportConfig = Static<typeof ExportSchema>;

/** Every layer type the schema knows, in schema order. */
export const LAYER_TYPES: LayerType[] = LayerSchema.anyOf.map((b) => (b.properties.type as unknown as { const: LayerType }).const);
