/**
 * The validator's words: diagnostic messages and quick-fix titles, in English and zh-CN.
 * Config keys, values and metric names are placeholders or code spans, never translated.
 */
import { catalogue } from '../l10n';
import { CONFIG_MESSAGES_ZH } from './messages.zh-cn';

export const CONFIG_MESSAGES_EN = {
	// ---- quick-fix titles
	'fix.take': 'Take `{value}`',
	'fix.changeTo': 'Change to {value}',
	'fix.setTo': 'Set {key} to {value}',
	'fix.changeActivation': 'Change activation to {value}',
	'fix.changeLoss': 'Change loss to {value}',
	'fix.unitsPerClass': 'Set units to {k} (one per class)',
	'fix.unitsAndLoss': 'Set units to {k} and loss to {loss}',
	'fix.addValidation': 'Add a validation split of {value}',
	'fix.monitorLoss': 'Monitor the training loss',
	'fix.leaveOut': 'Leave `{col}` out of features',
	'fix.listWithout': 'List the features without `{col}`',
	'fix.treatMissing': 'Treat {values} as missing (in every column)',
	'fix.encodeCategories': 'Encode `{col}` as categories on purpose',
	'fix.dateStep': 'Read `{col}` as dates (`date` step)',
	'fix.replaceKey': 'Replace `{key}` with `{value}`',
	'fix.replaceWith': 'Replace with `{value}`',
	'fix.add': 'Add `{key}: {value}`',
	'fix.round': 'Round to {value}',
	'fix.insertFlatten': 'Insert a flatten layer before this layer',
	// ---- schema (MW1xx)
	'MW004.empty': 'The config is empty: it needs `data`, `model` and `training` sections.',
	'MW004.notMap': 'The top level must be a map of sections (`data`, `model`, `training`, …), not {kind}.',
	'kind.nothing': 'nothing',
	'kind.map': 'a map',
	'kind.list': 'a list',
	'kind.text': 'text ("{text}")',
	'kind.number': 'the number {value}',
	'kind.value': 'a value',
	'field.config': 'the config',
	'field.Config': 'The config',
	'field.item': 'item {n}',
	'field.itemOf': 'item {n} of `{parent}`',
	'expect.oneOf': 'one of {values}',
	'expect.typed': 'a map with a `type`',
	'expect.or': ' or ',
	'expect.integer': 'a whole number',
	'expect.number': 'a number',
	'expect.string': 'text',
	'expect.boolean': '`true` or `false`',
	'expect.listOf': 'a list of {n}',
	'expect.list': 'a list',
	'expect.map': 'a map',
	'MW102.needsValue': '{field} needs a value: {expected}.',
	'MW102.mustBe': '{field} must be {expected}, not {kind}.',
	'MW102.typedMap': '{field} must be a map with a `type` (one of {tags}), not {kind}.',
	'MW102.keyMap': '{field} must be a map with one of {keys}, not {kind}.',
	'MW102.plainKeys': 'Keys must be plain names.',
	'MW102.whole': '{field} must be a whole number, not {value}.',
	'MW104.type': '{field} needs a `type`: one of {tags}.',
	'MW104.oneOf': '{field} needs one of {keys}.',
	'MW104.missing': '{field} is missing `{key}`{desc}',
	'MW101.unknown': 'Unknown key `{key}`{where}.{hint}',
	'MW101.in': ' in {field}',
	'MW101.top': ' at the top level',
	'MW101.didYouMean': ' Did you mean `{value}`?',
	'MW101.known': ' Known keys: {keys}.',
	'MW106.empty': '{field} must not be empty.',
	'MW106.atLeast': '{field} needs at least {min} items (has {n}).',
	'MW106.atMost': '{field} allows at most {max} items (has {n}).',
	'MW106.twice': '{value} is listed twice in {field}.',
	'MW103.finite': '{field} must be a finite number.',
	'MW103.range': '{field} must be {bounds} (got {value}).{desc}',
	'MW103.and': ' and ',
	'MW103.oneOf': '{field} must be {values} (got {value}).',
	'MW103.or': ' or ',
	'MW105.const': '{field} must be `{value}`.',
	'MW105.needsValue': '`{what}` needs a value.{allowed}',
	'MW105.unknownType': 'Unknown type `{value}`.{hint}{allowed}',
	'MW105.unknownValue': 'Unknown `{what}` value `{value}`.{hint}{allowed}',
	'MW105.allowed': ' Allowed: {values}.',
	'MW107.empty': '{field} must not be empty.',
	'MW107.pattern': '{field} must match {pattern}.',
	'MW107.end': '.',
	// ---- semantic (MW2xx)
	MW214: '`model.inputShape` is [{shape}] but the data gives {n} inputs after preprocessing{features}.',
	'MW214.images':
		"`model.inputShape` is [{shape}] ({size} values) but the images are [{image}] ({n} values): set it to the images' shape, or leave it out.",
	MW226: 'Validation ({val}) and test ({test}) fractions add up to {sum}, leaving no rows for training.',
	MW221:
		'k-fold cross-validation ({folds} folds) takes validation rows from the folds; the fixed `validation: {value}` would hold out data twice. Set it to 0.',
	MW220:
		'{what} watches `{monitor}`, but `data.split.validation` is 0 so there is no validation data{folds}: it would watch `{base}` on the training data instead. Add a validation split or monitor `{base}`.',
	'MW220.earlyStopping': 'Early stopping',
	'MW220.plateau': 'Reduce-on-plateau',
	'MW220.folds': ' in plain `train` (the {folds} folds are used by `modelwright cv` and `tune` only)',
	MW229: '`{name}` is never logged. Logged values: {logged}.{hint}',
	'MW229.addMetric': ' Add the metric to `training.metrics`.',
	MW222: '`batchSize` {batch} is larger than the {rows} training rows: every epoch is one full batch.',
	MW223:
		'The model has {params} parameters for {rows} training rows: it can memorise them. Consider fewer units, dropout or L2 regularisation.',
	'MW233.weights': 'weights with gradients and optimizer state {size}',
	'MW233.activations': 'activations for a batch of {batch} {size}',
	'MW233.data': 'data {size}',
	'MW233.trial':
		'The trial with `{key}` = {value} would need about {total}, more than the memory budget of {budget}: that part of the range would be refused trial by trial. Narrow the range, or raise the budget (`--max-memory <MB>`, MODELWRIGHT_MAX_MEMORY_MB, `modelwright.engine.maxMemoryMB`).',
	MW233:
		'Training this config needs about {total} ({parts}), more than the memory budget of {budget}. Make it smaller here, or raise the budget (CLI `--max-memory <MB>`, environment MODELWRIGHT_MAX_MEMORY_MB, VS Code setting `modelwright.engine.maxMemoryMB`).',
	'MW224.high': 'A learning rate of {lr} is high for {optimizer} (usual range {lo}–{hi}). Training may diverge (NaN loss).',
	'MW224.low': 'A learning rate of {lr} is low for {optimizer} (usual range {lo}–{hi}). Training may barely move.',
	'MW228.outside': "`{path}` points outside the config's folder; it is refused unless paths outside the workspace are allowed.",
	MW227: 'Column `{col}` is not in the data. Columns: {cols}.',
	MW234: 'The label `{label}` is also a feature: the model would see the answer (target leakage) and its scores would mean nothing.',
	'MW235.line': 'line {n}',
	'MW235.row': 'row {n}',
	MW235:
		'Column `{col}` holds numbers, but {bad} of its {total} values are not ({examples}), so it would be one-hot encoded as categories. Treat those values as missing, fix them in the file, or encode the column as categories on purpose.',
	'MW236.date':
		'Column `{col}` looks like dates: one-hot encoding makes one input per distinct date{count}, which cannot generalise to new dates. Give it the `date` step (`data.preprocessing.{col}: date`: year, month, day of year and weekday as numbers), or leave it out.',
	'MW236.text':
		'Column `{col}` has {n} distinct text values{rows} (an ID or free text?): one-hot encoding makes one input per value. Leave it out of `features`, or check that it is a category.',
	'MW236.rows': ' in {rows} rows',
	MW237:
		'The label `{label}` has a single class ({value}) in the data: a classifier would score 1.0 by always answering it. Check the label column or the file.',
	MW255:
		"Image augmentation ({keys}) needs image inputs [height, width, channels], but the model input is [{shape}]. Use an `images` source, set `model.inputShape` to the images' shape, or remove it.",
	MW238: 'The label has no class `{key}`, so its weight would never apply. Classes: {classes}.',
	'MW238.regression': '`classWeight` weighs classes, but the task is regression: there are none. Remove it, or use a classification loss.',
	MW202:
		'Softmax over a single unit always outputs 1, so nothing can be learned. Use `sigmoid` for a binary output, or one unit per class.',
	MW201:
		'`{loss}` needs one output unit per class with softmax, but the last layer has 1 unit. For two classes use `binaryCrossentropy` with a sigmoid unit.',
	'MW203.distribution': '`{loss}` expects a probability distribution, but the output activation is `{activation}`{note}. Use `softmax`.',
	'MW203.sigmoidNote': ' (independent probabilities that need not sum to 1)',
	'MW203.binary': '`binaryCrossentropy` expects a probability in (0, 1), but the output activation is `{activation}`. Use `sigmoid`.',
	'MW203.regression':
		'`{loss}` is a regression loss, but the output activation `{activation}` squashes predictions into {range}. Use `linear` for regression.',
	'MW203.aDistribution': 'a distribution',
	'MW204.classes': 'The data has {k} classes but the output layer has {units} units; `{loss}` needs one unit per class.',
	'MW204.binary': '`binaryCrossentropy` expects one sigmoid output, but the last layer has {units} units.',
	'MW205.binary':
		'`binaryCrossentropy` is for two classes, but the label has {k} ({classes}). Use `categoricalCrossentropy` with {k} softmax units.',
	'MW205.regression': '`{loss}` is a regression loss, but `{label}` holds class labels. Use `{suggested}`.',
	'MW205.classification':
		'`{loss}` is a classification loss, but `{label}` holds continuous numbers. Use `meanSquaredError` for regression.',
	MW230:
		'`{key}` is not a path in this config. Use dotted keys with [i] for list items, e.g. `training.optimizer.learningRate` or `model.layers[0].units`.',
	'MW231.empty': 'The range [{lo}, {hi}] is empty: the low bound must not exceed the high one.',
	'MW231.log': 'Log-uniform bounds must be > 0 (got {lo}).',
	'MW231.schema': 'The range [{lo}, {hi}] goes beyond what `{key}` accepts ({range}): the trials outside it would be refused.',
	'MW231.schemaChoice': '{value} is not a value `{key}` accepts ({range}): that trial would be refused.',
	MW232: 'Grid search cannot enumerate a continuous range; use `choice` (or `int`) for `{key}`.',
	// ---- named inputs and tokenize (inputs.ts)
	'MW242.one': '{options} is an option of the tokenize step, but `{col}` has `step: {step}`: set `step: tokenize` or remove it.',
	'MW242.many': '{options} are options of the tokenize step, but `{col}` has `step: {step}`: set `step: tokenize` or remove them.',
	// ---- k-fold with small classes (semantic.ts)
	'MW247.one':
		'Class `{cls}` has {n} rows{outside} but there are {k} folds: the folds are stratified, so some validate without it and its per-fold scores are missing or noisy. Use at most {most} folds, or add rows of it.',
	'MW247.many':
		'Classes {classes} have fewer rows{outside} than the {k} folds: the folds are stratified, so some validate without them and their per-fold scores are missing or noisy. Use at most {most} folds, or add rows of them.',
	'MW247.class': '`{cls}` ({n})',
	'MW247.outsideTest': ' outside the test split',
	// ---- sample weights (semantic.ts)
	'MW248.label': 'The sample-weight column `{col}` is the label: weights are read beside the label, not from it. Name another column.',
	'MW248.feature':
		'`{col}` is the sample-weight column (`data.sampleWeight`), so it is not a feature: the model would see the weights. Leave it out of `features`.',
	'MW248.mixed': 'The sample-weight column `{col}` has {bad} values out of {total} that are not numbers; weights are numbers ≥ 0.',
	'MW248.text': 'The sample-weight column `{col}` holds text; weights are numbers ≥ 0.',
	'MW248.images': '`data.sampleWeight` names a column, but an `images` source has none: remove it.',
	// ---- the date step (inputs.ts)
	'MW246.one': '{options} is an option of the date step, but `{col}` has `step: {step}`: set `step: date` or remove it.',
	'MW246.many': '{options} are options of the date step, but `{col}` has `step: {step}`: set `step: date` or remove them.',
	'MW246.empty':
		'The date step of `{col}` writes no value (`parts` is empty and `elapsed` is `none`): name some parts, set `elapsed: days`, or drop the column.',
	'MW243.inputShape': '`model.inputShape` has no meaning beside `model.inputs`: give each input its own `shape`, or remove it.',
	'MW243.duplicate': 'Input {n} is already named `{name}`: input names must be unique.',
	'MW243.twice': '`{col}` already feeds input `{input}`: a column feeds one input only.',
	'MW243.notFeature': '`{col}` is not a feature column{features}.',
	'MW243.features': ' (features: {cols})',
	'MW243.unfedOne':
		"{cols} is a feature but feeds no input of `model.inputs`: add it to an input's `features`, or leave it out of `data.features`.",
	'MW243.unfedMany':
		"{cols} are features but feed no input of `model.inputs`: add them to an input's `features`, or leave them out of `data.features`.",
	'MW244.one':
		'`inputDim` is {dim} but {cols} is tokenized into ids up to {max} (`vocabularySize: {vocab}`): larger ids fall outside the embedding table. Set `inputDim` to {vocab}, or lower `vocabularySize`.',
	'MW244.many':
		'`inputDim` is {dim} but {cols} are tokenized into ids up to {max} (`vocabularySize: {vocab}`): larger ids fall outside the embedding table. Set `inputDim` to {vocab}, or lower `vocabularySize`.',
	MW245:
		'`dilationRate: {rate}`: TensorFlow.js cannot train a dilated convolution (its gradient takes only a rate of 1, on every backend). Use 1; a larger `kernelSize` or another conv layer widens the view.',
	'MW245.strides':
		'`dilationRate: {rate}` with `strides: {strides}`: TensorFlow.js cannot run this convolution at all (`strides` or `dilationRate` must be 1), nor train any dilation above 1. Use `dilationRate: 1`.',
	// ---- a job refused for its config (runtime/job.ts: the editor's failure toast)
	'job.invalid': 'the config has {errors}: {messages}',
	'job.error': '1 error',
	'job.errors': '{n} errors',
	// ---- image folders (engine/io/imageFolder.ts: the editor's probe and the engine's loading)
	'images.noClasses': '`{path}` holds no class folders of PNG or JPEG files (expected {path}/<class>/<image>.png).',
	'images.notFolder': '`{path}` is not a folder.',
	'images.notFound': 'Image folder `{path}` not found (looked for {dir}).',
	'images.cannotRead': 'Cannot read `{path}`: {error}',
	// ---- the document and data files (document.ts, io/probe.ts)
	MW002: 'Duplicate key: keys in a map must be unique.',
	'MW001.nesting': 'Brackets are nested more than {max} levels deep here; the document is not read.',
	'MW003.aliases': 'The document expands too many aliases (more than {max}); write the values out instead.',
	'MW003.unreadable': 'The document cannot be read: {error}',
	'MW225.notFile': '`{path}` is not a file.',
	'MW225.missing': 'Data file `{path}` not found (looked for {file}).',
	'MW225.cannotRead': 'Cannot read `{path}`: {error}',
	'MW225.cannotReadPlain': 'Cannot read `{path}`.',
	'MW225.notArray': '`{path}` must hold a JSON array of row objects.',
	'MW225.duplicateColumn': 'The header of `{path}` names column `{column}` twice.',
	'MW225.noRows': '`{path}` has no data rows.',
	'MW225.ragged': '`{path}` line {line} has {count} fields, but the header has {header}.',
	'MW228.resolves': '`{path}` resolves to {file}, outside {root}. Move the file into the workspace, {hint}.',
	'MW228.link': '{via}: {real} is outside {root}, and a link may not lead out of the workspace. Move the file into the workspace, {hint}.',
	'MW228.viaLink': '`{path}` goes through the symbolic link {link}, which points to {to}',
	'MW228.viaReal': '`{path}` resolves to {real}',
	'MW228.allow': 'or allow paths outside it (setting `modelwright.allowPathsOutsideWorkspace`, CLI flag `--allow-outside`)',
	// ---- shapes and the layer graph (core/shapes/infer.ts)
	MW215: 'No layer is named `{name}`. `from` takes the `name` of an earlier layer, or {inputs}{hint}.',
	'MW215.inputs': 'an input ({names})',
	'MW215.didYouMean': ' (did you mean `{value}`?)',
	'MW215.earlier': ' (earlier layers: {names})',
	'MW216.self': '`{name}` is this layer itself: a layer cannot take its own output.',
	'MW216.later':
		'`{name}` is layer {src}, after this one (layer {index}): a layer takes only earlier layers, so the model is a graph without cycles.',
	MW240:
		'`{type}` cannot take the padding mask of an `embedding` with `maskZero` (tfjs would refuse the model). Put a `globalAveragePooling1d` (or a recurrent layer) before it, or set `maskZero: false`.',
	MW219:
		"Nothing takes the output of `{name}`: it is not the last layer and no `from` names it, so it does not reach the model's output. Name it in a later layer's `from`, or remove it.",
	MW241: "No layer takes the input `{name}`: name it in a layer's `from`, or remove it from `model.inputs`.",
	'MW217.input': '`{name}` names a model input in `from`; give this layer another name.',
	'MW217.duplicate': 'Layer {first} is already named `{name}`{note}: layer names must be unique.',
	'MW217.defaultName': ' (the default name of this layer)',
	'MW218.merge': '`{type}` cannot merge `{a}` {shapeA} with `{b}` {shapeB}: {why}',
	'MW218.axis': '`axis: {axis}` is not an axis of {shape} other than the batch axis: use {axes}.',
	'MW218.axes2': '1 or -1',
	'MW218.axesN': '1 … {n} or -1 … -{n}',
	'MW218.ranks': 'their ranks differ ({a} and {b} per sample).',
	'MW218.axisDiffers': 'they differ on axis {d}, not only on the concatenation axis {axis}.',
	'MW218.elementwise': '{type} works element by element, so the shapes must be equal.',
	'MW210.rank': '`{type}` expects {what} per sample (rank {rank}), but its input is {shape}.{hint}',
	'MW210.rankHint4': ' Set `model.inputShape` to [height, width, channels] or add a `reshape`.',
	'MW210.rankHint3': ' Set `model.inputShape` to [steps, channels] or add a `reshape`.',
	MW211:
		'`{type}` turns {input} into {output}: the window is larger than the input. Use `padding: same`, a smaller `{field}`, or fewer pooling layers.',
	'MW210.lastDim': '`{type}` needs a known last dimension, but its input is {shape}.',
	MW213:
		'This dense layer gets {shape} and acts on the last axis only, giving {output}. Add a `flatten` before it if you meant a fully connected layer over the whole feature map.',
	'MW210.flatten': '`flatten` needs at least 2 dimensions per sample, but its input is {shape} (already flat). Remove it.',
	'MW212.oneUnknown': 'Only one dimension of `targetShape` may be -1.',
	'MW212.positive': 'Dimensions of `targetShape` must be ≥ 1 (or one -1).',
	'MW212.divisible': 'Cannot reshape {shape} ({size} values) into [{target}]: {size} is not divisible by {known}.',
	'MW212.size': 'Cannot reshape {shape} ({size} values) into [{target}] ({known} values).',
	'MW210.channels': '`{type}` needs a known number of channels.',
	'MW210.ids': '`embedding` expects integer ids [steps] per sample, but its input is {shape}.',
	'MW210.features': '`{type}` needs a known feature size.',
	'MW210.steps': '`positionEmbedding` needs a known number of steps: set `maxLength`.',
	'MW210.positions': '`positionEmbedding` has {len} positions but its input has {steps} steps: raise `maxLength` to at least {steps}.',
	'MW210.heads': '`{type}` splits {d} features over {h} heads, less than one each: set `keyDim` or use fewer heads.',
	'MW250.type':
		'Layer `{name}` ({type}) has no ONNX translation, so the model cannot be exported to ONNX. Drop `onnx` from `export.formats` (the tfjs model is still written).',
	'MW250.activation':
		"Layer `{name}` ({type}) uses activation `{activation}`, which ONNX's {op} operator cannot express, so the model cannot be exported to ONNX. Use one of {allowed}, or drop `onnx` from `export.formats`.",
	'MW250.recurrentActivation':
		"Layer `{name}` ({type}) uses recurrent activation `{activation}`, which ONNX's {op} operator cannot express, so the model cannot be exported to ONNX. Use one of {allowed}, or drop `onnx` from `export.formats`.",
	'MW250.maskRecurrent':
		"Layer `{name}` ({type}) receives a padding mask (an `embedding` with `maskZero` before it): tfjs carries the state over padded steps, which ONNX's {op} operator cannot, so the model cannot be exported to ONNX. Set `maskZero: false` on the embedding, or drop `onnx` from `export.formats`.",
	'MW250.maskMerge':
		'Layer `{name}` ({type}) merges sequences that carry a padding mask (an `embedding` with `maskZero` before it), which the ONNX export cannot carry through a merge (only `concatenate` along the last axis), so the model cannot be exported to ONNX. Pool the sequences first, set `maskZero: false`, or drop `onnx` from `export.formats`.',
	'MW250.step':
		'Column `{column}` has the step `{step}`, which the ONNX graph cannot hold, so the model cannot be exported to ONNX. Drop `onnx` from `export.formats` (the tfjs model is still written).',
} as const;

export const configMessages = catalogue('config', CONFIG_MESSAGES_EN, CONFIG_MESSAGES_ZH);
export const tc = configMessages.t;
