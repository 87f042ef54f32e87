/**
 * The enumerations of the config language, each with the documentation that completion,
 * hover and docs/config.md show. Names follow tfjs-layers so exported models load in tfjs.
 */

export const ACTIVATIONS = [
	'linear',
	'relu',
	'relu6',
	'sigmoid',
	'tanh',
	'softmax',
	'elu',
	'selu',
	'gelu',
	'swish',
	'mish',
	'leakyRelu',
	'softplus',
	'softsign',
	'hardSigmoid',
] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const ACTIVATION_DOCS: Record<Activation, string> = {
	linear: 'Identity: $f(x) = x$. The usual output activation for regression.',
	relu: 'Rectified linear unit: $f(x) = \\max(0, x)$. The default choice for hidden layers.',
	relu6: 'ReLU capped at 6: $f(x) = \\min(\\max(0, x), 6)$.',
	sigmoid:
		'Logistic function: $\\sigma(x) = \\frac{1}{1 + e^{-x}}$, output in (0, 1). Output activation for binary classification with `binaryCrossentropy`.',
	tanh: 'Hyperbolic tangent: $\\tanh(x) = \\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}$, output in (-1, 1).',
	softmax:
		'Normalised exponential over the last axis: $\\mathrm{softmax}(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$. Output activation for multi-class classification; needs at least 2 units.',
	elu: 'Exponential linear unit: $f(x) = x$ for $x > 0$, $e^{x} - 1$ otherwise.',
	selu: 'Scaled ELU: $\\lambda \\cdot \\mathrm{elu}_\\alpha(x)$ with $\\lambda \\approx 1.0507$, $\\alpha \\approx 1.6733$. Self-normalising with `leCunNormal` initialisation.',
	gelu: 'Gaussian error linear unit: $f(x) = x \\cdot \\Phi(x)$.',
	swish: 'Swish / SiLU: $f(x) = x \\cdot \\sigma(x)$.',
	mish: 'Mish: $f(x) = x \\cdot \\tanh(\\ln(1 + e^{x}))$.',
	leakyRelu:
		'Leaky ReLU: $f(x) = x$ for $x > 0$, $0.3\\,x$ otherwise (tfjs default slope). Exported as a `leakyReLU` layer after the layer that uses it.',
	softplus: 'Softplus: $f(x) = \\ln(1 + e^{x})$.',
	softsign: 'Softsign: $f(x) = \\frac{x}{1 + |x|}$.',
	hardSigmoid: 'Piecewise-linear sigmoid: $f(x) = \\max(0, \\min(1, 0.2x + 0.5))$.',
};

export const INITIALIZERS = [
	'glorotUniform',
	'glorotNormal',
	'heUniform',
	'heNormal',
	'leCunUniform',
	'leCunNormal',
	'zeros',
	'ones',
	'randomUniform',
	'randomNormal',
	'truncatedNormal',
	'orthogonal',
] as const;
export type Initializer = (typeof INITIALIZERS)[number];

export const INITIALIZER_DOCS: Record<Initializer, string> = {
	glorotUniform: 'Xavier uniform: $U(-l, l)$ with $l = \\sqrt{6 / (n_{in} + n_{out})}$. Default for kernels.',
	glorotNormal: 'Xavier normal: truncated $N(0, \\sigma^2)$ with $\\sigma = \\sqrt{2 / (n_{in} + n_{out})}$.',
	heUniform: 'He uniform: $U(-l, l)$ with $l = \\sqrt{6 / n_{in}}$. Suits ReLU layers.',
	heNormal: 'He normal: truncated $N(0, \\sigma^2)$ with $\\sigma = \\sqrt{2 / n_{in}}$. Suits ReLU layers.',
	leCunUniform: 'LeCun uniform: $U(-l, l)$ with $l = \\sqrt{3 / n_{in}}$.',
	leCunNormal: 'LeCun normal: truncated $N(0, \\sigma^2)$ with $\\sigma = \\sqrt{1 / n_{in}}$. Pairs with `selu`.',
	zeros: 'All zeros. Default for biases.',
	ones: 'All ones.',
	randomUniform: 'Uniform in [-0.05, 0.05].',
	randomNormal: 'Normal with mean 0 and standard deviation 0.05.',
	truncatedNormal: 'Normal with mean 0 and standard deviation 0.05, redrawn beyond two standard deviations.',
	orthogonal: 'A random orthogonal matrix (QR of a normal matrix).',
};

export const LOSSES = [
	'meanSquaredError',
	'meanAbsoluteError',
	'huber',
	'logCosh',
	'binaryCrossentropy',
	'categoricalCrossentropy',
	'sparseCategoricalCrossentropy',
	'hinge',
	'kullbackLeiblerDivergence',
] as const;
export type Loss = (typeof LOSSES)[number];

export const LOSS_DOCS: Record<Loss, string> = {
	meanSquaredError: 'Mean squared error, for regression: $\\mathrm{MSE} = \\frac{1}{n}\\sum_{i=1}^{n}(y_i - \\hat{y}_i)^2$.',
	meanAbsoluteError:
		'Mean absolute error, for regression robust to outliers: $\\mathrm{MAE} = \\frac{1}{n}\\sum_{i=1}^{n}|y_i - \\hat{y}_i|$.',
	huber:
		'Huber loss: quadratic near zero, linear beyond $\\delta$ (`training.huberDelta`): $L_\\delta(r) = \\frac{1}{2}r^2$ if $|r| \\le \\delta$, else $\\delta(|r| - \\frac{1}{2}\\delta)$, with $r = y - \\hat{y}$.',
	logCosh: 'Log-cosh: $\\frac{1}{n}\\sum_i \\log\\cosh(\\hat{y}_i - y_i)$, smooth like MSE near zero and like MAE far away.',
	binaryCrossentropy:
		'Binary cross-entropy for one sigmoid output and labels 0/1: $\\mathrm{BCE} = -\\frac{1}{n}\\sum_i \\left[y_i \\log \\hat{y}_i + (1 - y_i)\\log(1 - \\hat{y}_i)\\right]$.',
	categoricalCrossentropy:
		'Categorical cross-entropy for a softmax output over $K$ classes and one-hot labels: $\\mathrm{CE} = -\\frac{1}{n}\\sum_i \\sum_{k=1}^{K} y_{ik} \\log \\hat{y}_{ik}$. Labels are one-hot encoded for you.',
	sparseCategoricalCrossentropy:
		'Categorical cross-entropy with integer class labels: $\\mathrm{CE} = -\\frac{1}{n}\\sum_i \\log \\hat{y}_{i, y_i}$. Needs a softmax output with one unit per class.',
	hinge: 'Hinge loss for labels in {-1, 1} (0/1 are mapped): $\\frac{1}{n}\\sum_i \\max(0, 1 - y_i \\hat{y}_i)$.',
	kullbackLeiblerDivergence: 'KL divergence between label and predicted distributions: $\\sum_k y_k \\log \\frac{y_k}{\\hat{y}_k}$.',
};

export const CLASSIFICATION_LOSSES: readonly Loss[] = [
	'binaryCrossentropy',
	'categoricalCrossentropy',
	'sparseCategoricalCrossentropy',
	'hinge',
	'kullbackLeiblerDivergence',
];

export const OPTIMIZER_DOCS = {
	sgd: 'Stochastic gradient descent: $\\theta_{t+1} = \\theta_t - \\alpha \\nabla_\\theta J(\\theta_t)$.',
	momentum:
		'SGD with momentum: $v_{t+1} = \\mu v_t + \\nabla_\\theta J(\\theta_t)$, $\\theta_{t+1} = \\theta_t - \\alpha v_{t+1}$ (Nesterov: the gradient is taken at the look-ahead point).',
	adam: 'Adam with bias correction: $m_t = \\beta_1 m_{t-1} + (1-\\beta_1) g_t$, $v_t = \\beta_2 v_{t-1} + (1-\\beta_2) g_t^2$, $\\hat{m}_t = \\frac{m_t}{1-\\beta_1^t}$, $\\hat{v}_t = \\frac{v_t}{1-\\beta_2^t}$, $\\theta_t = \\theta_{t-1} - \\alpha \\frac{\\hat{m}_t}{\\sqrt{\\hat{v}_t} + \\epsilon}$.',
	adamax:
		'Adamax, Adam with the infinity norm: $u_t = \\max(\\beta_2 u_{t-1}, |g_t|)$, $\\theta_t = \\theta_{t-1} - \\frac{\\alpha}{1-\\beta_1^t} \\frac{m_t}{u_t}$.',
	rmsprop:
		'RMSProp: $s_t = \\rho s_{t-1} + (1-\\rho) g_t^2$, $\\theta_t = \\theta_{t-1} - \\alpha \\frac{g_t}{\\sqrt{s_t + \\epsilon}}$ (ε inside the root, as tfjs and Keras compute it).',
	adagrad:
		'Adagrad: $G_t = G_{t-1} + g_t^2$, $\\theta_t = \\theta_{t-1} - \\alpha \\frac{g_t}{\\sqrt{G_t} + \\epsilon}$. The step shrinks as squared gradients accumulate.',
	adadelta:
		'Adadelta: $E[g^2]_t = \\rho E[g^2]_{t-1} + (1-\\rho) g_t^2$, $\\Delta_t = -\\frac{\\sqrt{E[\\Delta^2]_{t-1} + \\epsilon}}{\\sqrt{E[g^2]_t + \\epsilon}} g_t$, $\\theta_t = \\theta_{t-1} + \\alpha \\Delta_t$.',
} as const;
export type OptimizerName = keyof typeof OPTIMIZER_DOCS;
export const OPTIMIZERS = Object.keys(OPTIMIZER_DOCS) as OptimizerName[];

/** Usual learning-rate ranges per optimizer; outside them MW224 warns. */
export const USUAL_LEARNING_RATE: Record<OptimizerName, [number, number]> = {
	sgd: [1e-4, 0.5],
	momentum: [1e-4, 0.5],
	adam: [1e-5, 0.05],
	adamax: [1e-5, 0.05],
	rmsprop: [1e-5, 0.05],
	adagrad: [1e-4, 1],
	adadelta: [1e-4, 10],
};

export const TRAINING_METRICS = ['accuracy', 'mae', 'mse', 'rmse'] as const;
export type TrainingMetric = (typeof TRAINING_METRICS)[number];
export const TRAINING_METRIC_DOCS: Record<TrainingMetric, string> = {
	accuracy: 'Fraction of correct predictions: $\\frac{1}{n}\\sum_i [\\arg\\max \\hat{y}_i = y_i]$ (threshold 0.5 for one sigmoid unit).',
	mae: 'Mean absolute error: $\\frac{1}{n}\\sum_i |y_i - \\hat{y}_i|$.',
	mse: 'Mean squared error: $\\frac{1}{n}\\sum_i (y_i - \\hat{y}_i)^2$.',
	rmse: 'Root mean squared error: $\\sqrt{\\mathrm{MSE}}$.',
};

export const EVALUATION_METRICS = [
	'accuracy',
	'precision',
	'recall',
	'f1',
	'rocAuc',
	'prAuc',
	'confusionMatrix',
	'mse',
	'mae',
	'rmse',
	'r2',
] as const;
export type EvaluationMetric = (typeof EVALUATION_METRICS)[number];
export const EVALUATION_METRIC_DOCS: Record<EvaluationMetric, string> = {
	accuracy: 'Fraction of correct predictions.',
	precision: 'Per class $\\frac{TP}{TP + FP}$, averaged as `evaluation.average` says.',
	recall: 'Per class $\\frac{TP}{TP + FN}$, averaged as `evaluation.average` says.',
	f1: 'Harmonic mean of precision and recall: $F_1 = \\frac{2PR}{P + R}$.',
	rocAuc: 'Area under the ROC curve (true-positive rate against false-positive rate), one-vs-rest per class.',
	prAuc: 'Area under the precision–recall curve (average precision), one-vs-rest per class.',
	confusionMatrix: 'Counts of (true class, predicted class) pairs.',
	mse: 'Mean squared error: $\\frac{1}{n}\\sum_i (y_i - \\hat{y}_i)^2$.',
	mae: 'Mean absolute error: $\\frac{1}{n}\\sum_i |y_i - \\hat{y}_i|$.',
	rmse: 'Root mean squared error: $\\sqrt{\\mathrm{MSE}}$.',
	r2: 'Coefficient of determination: $R^2 = 1 - \\frac{\\sum_i (y_i - \\hat{y}_i)^2}{\\sum_i (y_i - \\bar{y})^2}$.',
};
export const CLASSIFICATION_EVAL_METRICS: readonly EvaluationMetric[] = [
	'accuracy',
	'precision',
	'recall',
	'f1',
	'rocAuc',
	'prAuc',
	'confusionMatrix',
];
export const REGRESSION_EVAL_METRICS: readonly EvaluationMetric[] = ['mse', 'mae', 'rmse', 'r2'];

export const DATASETS = ['iris', 'penguins', 'cars'] as const;
export type DatasetName = (typeof DATASETS)[number];
export const DATASET_DOCS: Record<DatasetName, string> = {
	iris: "Fisher's Iris: 150 flowers, 4 measurements (`sepalLength`, `sepalWidth`, `petalLength`, `petalWidth`), 3 species (`species`).",
	penguins:
		'Palmer penguins (from vega-datasets): 344 birds: `beakLength`, `beakDepth`, `flipperLength`, `bodyMass`, `island`, `sex`; label `species` (3 classes). Has missing values.',
	cars: 'Classic cars 1970–1982 (from vega-datasets): `cylinders`, `displacement`, `horsepower`, `weight`, `acceleration`, `year`, `origin`; regression target `mpg`. Has missing values.',
};

export const TASKS = ['auto', 'regression', 'binaryClassification', 'multiclassClassification'] as const;
export type Task = (typeof TASKS)[number];
