/**
 * The engine's words that reach the user: data loading errors (CSV, JSON, missing files) and the
 * distributed worker's log, in English and zh-CN. The process's locale decides (CLI: LANG; the
 * engine process: the client's; a trial process: its parent's, passed in MODELWRIGHT_LOCALE).
 * File names, column names, config keys and values are arguments, never translated.
 */
import { catalogue, format, getLocale, type Strings } from '../core/l10n';

const en = {
	// ---- data files
	'data.notFound': 'data file `{path}` not found (looked for {file}).',
	'data.notJson': '{path}: not valid JSON ({error}).',
	'data.notRows': '{path}: must hold a JSON array of row objects.',
	'data.imagesNotTable': 'an images source is not a table: its pixels are read by prepareData.',
	'data.folds': 'cannot make {k} folds of {n} rows.',
	// ---- CSV (each message follows `file:line: `)
	'csv.at': '{file}:{line}: {message}',
	'csv.headerTwice': 'the header names column `{column}` twice.',
	'csv.noColumns': '{file}: no column {missing} (columns: {columns}).',
	'csv.quoteNotClosed': 'a quoted field opened on this line is never closed (quote not closed).',
	'csv.closingQuote':
		'invalid closing quote: `{char}` follows the quote that ends a quoted field (a quote inside a quoted field is written `""`).',
	'csv.closingQuoteSpace':
		'invalid closing quote: `{char}` follows the quote that ends a quoted field; only whitespace may come before the delimiter.',
	'csv.openingQuote':
		'invalid opening quote: a quote in the middle of field {n} (`{field}`); quote the whole field and write a quote inside it as `""`.',
	'csv.empty': '{file}: the file is empty (a header line is needed).',
	'csv.notNumeric.one':
		'column `{column}` holds numbers, but this row has `{value}` (1 non-numeric value in this column; list missing-value markers in `missingValues`).',
	'csv.notNumeric.many':
		'column `{column}` holds numbers, but this row has `{value}` ({n} non-numeric values in this column; list missing-value markers in `missingValues`).',
	'csv.ragged.missing': 'row has {count} fields but the header has {header} (column `{column}` is missing).',
	'csv.ragged.missingOne': 'row has 1 field but the header has {header} (column `{column}` is missing).',
	'csv.ragged.extra': 'row has {count} fields but the header has {header}.',
	'csv.extraField': '(extra field {n})',
	// ---- preparing the data (the engine's own data checks)
	'prep.labelNotFound': 'label column `{label}` not found (columns: {columns}).',
	'prep.featureNotFound': 'feature column `{column}` not found (columns: {columns}).',
	'prep.missingValue.line': 'line {n}: missing value in column `{column}` (set `fillMissing` or `data.missing` to drop or fill it).',
	'prep.missingValue.row': 'row {n}: missing value in column `{column}` (set `fillMissing` or `data.missing` to drop or fill it).',
	'prep.noRowsLeft': 'no rows left after dropping rows with missing values ({reasons}).',
	'prep.noRowsFor': '{n} for {reason}',
	'prep.regressionLabel': 'label `{label}` has non-numeric values but the task is regression; use a classification loss.',
	'prep.trainEmpty': 'the training split is empty: lower `data.split.validation`/`test` or add rows.',
	'prep.emptyFeature':
		'feature `{column}` has no value in the {n} training rows (every value is missing): it is filled with a constant and carries nothing; leave it out of `features` or fix the file.',
	'prep.classAbsent.one':
		'the {split} split (stratified) has no rows of one class, which round to 0 ({shown}); its metrics say nothing about it.',
	'prep.classAbsent.many':
		'the {split} split (stratified) has no rows of {n} classes, which round to 0 ({shown}); its metrics say nothing about them.',
	'prep.classRows': 'class `{cls}`: {rows}',
	'prep.moreClasses': '; and {n} more classes',
	'split.validation': 'validation',
	'split.test': 'test',
	// ---- training stops
	'train.nonFinite': 'the loss became NaN/Infinity in epoch {epoch}; training stopped. Likely causes: {hints}.',
	'train.hint.lr': 'the learning rate ({lr}) may be too high: try {lower}',
	'train.hint.scale': 'features may be unscaled: set `data.scale: standardize`',
	'train.hint.clip': 'gradients may explode: set `training.gradientClipping.clipNorm: 1`',
	'train.earlyStopping': 'early stopping: `{monitor}` did not improve for {wait} epochs (best {best} at epoch {epoch})',
	'train.cancelled': 'cancelled during epoch {epoch}',
	// ---- sweeps
	'tune.notSweep': '{dir} is not a sweep folder (no sweep.json).',
	'tune.configErrors': 'the config has errors: {errors}',
	'tune.noTuning': 'the config has no `tuning` section.',
	'tune.prunedAt': 'pruned at epoch {epoch} ({rule} rule)',
	'tune.neverLogged': '`{metric}` was never logged: check tuning.objective.metric',
	// ---- images (decoding, image folders, files named on a command line)
	'image.tooLarge': '{w}×{h} pixels is more than {mp} megapixels',
	'image.tooMuchMemory': '{w}×{h} pixels at {depth} bits per sample needs more than {mb} MB to decode',
	'image.badPng': 'not a readable PNG ({error})',
	'image.badJpeg': 'not a readable JPEG ({error})',
	'image.empty': 'the file is empty',
	'image.unknown': 'not a PNG or JPEG image (unknown file signature)',
	'image.noPixels': 'the image has no pixels',
	'image.noSuchFile': '{name}: no such file or folder.',
	'image.noImages': '{name}: no .png, .jpg or .jpeg files in this folder.',
	'image.columns': 'an images source has the columns `image` and `label` (the class folder), not `{label}`.',
	'image.regression':
		'the images in `{path}` are labelled by class folder ({classes}), but the task is regression: use a classification loss.',
	'image.inputShape': "model.inputShape [{shape}] does not hold the images' {h}×{w}×{c} = {size} values.",
	'image.trainEmpty': 'the training split is empty: lower `data.split.validation`/`test` or add images.',
	'image.cannotRead': '{file}: cannot read the file ({error}).',
	'image.fileProblem': '{file}: {error}.',
	'data.noFold': 'fold {n} of {of} does not exist.',
	'prep.inputShape': 'model.inputShape [{shape}] holds {size} values but the data has {n} input columns after preprocessing.',
	'prep.namedInputShape': 'input `{input}` has shape [{shape}] but its features give {n} values after preprocessing.',
	// ---- dates and sample weights
	'date.values.one': '1 value ({where})',
	'date.values.many': '{n} values ({where})',
	'date.readAs': '`format: dmy` reads {value} as {dmy}',
	'date.readAsMdy': '`format: mdy` as {mdy}',
	'date.readings.one': ' ({reading})',
	'date.readings.both': ' ({dmy}, {mdy})',
	'date.ambiguous':
		"column `{column}` has {has} with the day and month first, an order `format: iso` does not assume: set the column's `format` to `dmy` or `mdy`{readings}.",
	'date.invalid.one':
		'column `{column}` has {has} that is not a date under `format: {format}` (year-first ISO 8601 such as 2024-03-05 or 2024-03-05T14:30{example}); fix it, or set `unparseable: missing` to treat such values as missing.',
	'date.invalid.many':
		'column `{column}` has {has} that are not dates under `format: {format}` (year-first ISO 8601 such as 2024-03-05 or 2024-03-05T14:30{example}); fix them, or set `unparseable: missing` to treat such values as missing.',
	'date.or': ', or {example}',
	'weight.notFound': 'sample-weight column `{column}` not found (columns: {columns}).',
	'weight.isLabel': 'the sample-weight column `{column}` is the label.',
	'weight.isFeature':
		'`{column}` is the sample-weight column, so it cannot be a feature too (the model would see the weights): leave it out of `features`.',
	'weight.bad.one': 'the sample-weight column `{column}` has 1 value that is not a finite number ≥ 0 ({examples}): fix it in the file.',
	'weight.bad.many':
		'the sample-weight column `{column}` has {n} values that are not a finite number ≥ 0 ({examples}): fix them in the file.',
	'weight.missing': 'missing',
	'place.line': 'line {n}',
	'place.row': 'row {n}',
	'weight.classRegression': '`training.classWeight` weighs classes, but the task is regression: there are none to weigh.',
	'weight.unknownClass': '`training.classWeight` names class `{cls}`, which the label `{label}` does not have (classes: {classes}).',
	'fold.fewRows.one':
		'class {named} has fewer rows than the {k} folds: the folds are stratified, so {without} of them validate without it and per-fold scores of that class are missing or noisy. Use at most {most} folds, or add rows.',
	'fold.fewRows.many':
		'classes {named}{more} have fewer rows than the {k} folds: the folds are stratified, so {without} of them validate without the smallest and per-fold scores of those classes are missing or noisy. Use at most {most} folds, or add rows.',
	'fold.classRows.one': '`{cls}` (1 row)',
	'fold.classRows.many': '`{cls}` ({n} rows)',
	'fold.more': ' and {n} more',
	// ---- runs: training jobs, evaluate and predict on a run, export
	'job.cannotResume': 'cannot resume: {message}',
	'job.cannotRead': 'cannot read {path}: {error}',
	'job.notRunFolder': '{dir} is not a run folder.',
	'job.runStore': 'run store: {message}',
	'job.onnxFailed': 'ONNX export failed (the trained tfjs model is saved in {dir}): {error}',
	'job.evaluationFailed': 'evaluation failed (the trained model is saved in {dir}): {error}',
	'build.tooDeep':
		'model.layers: {n} layers are more than TensorFlow.js can build (it walks the layer graph recursively and ran out of stack); use fewer layers, or blocks that hold several (a transformerEncoder is one layer)',
	'run.noRows': 'no rows to predict.',
	'run.noImages': 'no images to predict.',
	'run.imageModel':
		'this model was trained on images, not table rows: name image files or a folder (`modelwright predict <run> <images…>`), or send base64 PNG/JPEG images to `serve` ({example}).',
	'run.tableModel': 'this model was trained on table rows ({columns}), not images: give --input or --values.',
	'run.snapshot': 'the config snapshot of {dir} does not parse.',
	'run.dataChanged': 'cannot evaluate run {run} on its data: {change} Evaluate anyway with --allow-data-change.',
	'run.noModel': '{dir} has no exported model.',
	'run.noSplit': 'the run has no {split} split.',
	'run.evaluatedAlthough': 'Evaluated although {change}',
	'onnx.cannot': 'the model cannot be exported to ONNX: {error}',
	'onnx.layer': 'layer `{layer}` ({cls})',
	'onnx.activation': '{where} uses activation `{activation}`, which the ONNX export does not know.',
	'onnx.maskThrough':
		'layer `{layer}` ({cls}) receives a padding mask (embedding maskZero), which the ONNX export cannot carry through it.',
	'onnx.maskOperator': "{where} receives a padding mask (embedding maskZero), which ONNX's {cls} operator cannot apply.",
	'onnx.rnnActivation': "{where} uses activation `{activation}`, which ONNX's {op} operator cannot express.",
	'onnx.noTranslation': '{where} cannot be exported to ONNX: the exporter has no translation for {cls} layers.',
	'onnx.step': 'column `{column}` has the preprocessing step `{step}`, which the ONNX export cannot put in the graph.',
	'onnx.inputs': "the model's inputs ({inputs}) are not the named inputs its preprocessing records.",
	// ---- evaluation notes
	'eval.perClassLeftOut': 'Predictions leave out the per-class scores ({n} classes, more than {max}).',
	'eval.noImportance': 'Feature importance was not computed: {error}',
	'eval.curvesStored':
		'ROC and PR curves are stored for the {stored} most supported of {of} classes; ROC AUC and PR AUC (macro and per class) use every class.',
	'eval.curvesThinned': 'Curves are thinned to at most {points} points each; their AUCs come from every point.',
	'eval.sparseConfusion':
		'The confusion matrix of {n} classes (more than {max}) is stored sparsely: the diagonal and the {cells} most frequent of {nonZero} confusions ({inCells} of {errors} misclassified rows).',
	// ---- the distributed worker's log
	'worker.started': 'worker {name}: Modelwright {version} (trial protocol {protocol}), {concurrency} at once, Redis {redis}, folder {dir}',
	'worker.trials.one': '1 trial',
	'worker.trials.many': '{n} trials',
	'worker.stoppingBusy.one': 'stopping: 1 running trial goes back to the queue',
	'worker.stoppingBusy.many': 'stopping: {n} running trials go back to the queue',
	'worker.stopped': 'worker {name} stopped',
	'worker.redisBack': 'Redis is back',
	'worker.redisLost': 'lost Redis at {redis} ({reason}); retrying',
	'worker.refusing':
		'refusing sweep {name} (queue {queue}): its coordinator speaks trial protocol {protocol} (Modelwright {version}), this worker {ownProtocol} (Modelwright {ownVersion}). Run the same Modelwright version on the coordinator and the workers.',
	'worker.noLonger': 'no longer serving sweep {name} ({why})',
	'worker.coordinatorGone': 'its coordinator is gone and its queue is empty',
	'worker.ended': 'it ended',
	'worker.registry': 'cannot read the sweep registry ({reason})',
	'worker.serving': 'serving sweep {name} (queue {queue})',
	'worker.refusedJob': 'refused job {job} of queue {queue}: {problem}',
	'worker.trial': 'trial {n} of {sweep}',
	'worker.trialStarted': '{trial} started (attempt {attempt}, job {job})',
	'worker.trialEnded': '{trial} {status}',
	'worker.trialEndedWhy': '{trial} {status} ({message})',
	'worker.couldNotRun': '{trial} could not run: {message}',
	'status.completed': 'completed',
	'status.pruned': 'pruned',
	'status.failed': 'failed',
	'status.stopped': 'stopped',
	'status.cancelled': 'cancelled',
} as const;

const zh: Strings<typeof en> = {
	'data.notFound': '找不到数据文件 `{path}`（查找的是 {file}）。',
	'data.notJson': '{path}：不是有效的 JSON（{error}）。',
	'data.notRows': '{path}：必须是由行对象组成的 JSON 数组。',
	'data.imagesNotTable': 'images 数据源不是表：它的像素由 prepareData 读取。',
	'data.folds': '无法把 {n} 行分成 {k} 折。',
	'csv.at': '{file}:{line}：{message}',
	'csv.headerTwice': '表头中列 `{column}` 出现了两次。',
	'csv.noColumns': '{file}：没有列 {missing}（列：{columns}）。',
	'csv.quoteNotClosed': '这一行开始的带引号字段没有结束（引号未闭合）。',
	'csv.closingQuote': '无效的右引号：结束带引号字段的引号后面跟着 `{char}`（带引号字段内的引号应写作 `""`）。',
	'csv.closingQuoteSpace': '无效的右引号：结束带引号字段的引号后面跟着 `{char}`；分隔符之前只能有空白。',
	'csv.openingQuote': '无效的左引号：第 {n} 个字段中间出现了引号（`{field}`）；请给整个字段加引号，字段内的引号写作 `""`。',
	'csv.empty': '{file}：文件为空（需要一行表头）。',
	'csv.notNumeric.one': '列 `{column}` 是数值列，但这一行的值是 `{value}`（该列有 1 个非数值；缺失值标记请列在 `missingValues` 中）。',
	'csv.notNumeric.many': '列 `{column}` 是数值列，但这一行的值是 `{value}`（该列有 {n} 个非数值；缺失值标记请列在 `missingValues` 中）。',
	'csv.ragged.missing': '这一行有 {count} 个字段，但表头有 {header} 个（缺少列 `{column}`）。',
	'csv.ragged.missingOne': '这一行有 1 个字段，但表头有 {header} 个（缺少列 `{column}`）。',
	'csv.ragged.extra': '这一行有 {count} 个字段，但表头只有 {header} 个。',
	'csv.extraField': '（多出的第 {n} 个字段）',
	'prep.labelNotFound': '找不到标签列 `{label}`（列：{columns}）。',
	'prep.featureNotFound': '找不到特征列 `{column}`（列：{columns}）。',
	'prep.missingValue.line': '第 {n} 行：列 `{column}` 缺少值（设置 `fillMissing` 或 `data.missing` 以丢弃或填充它）。',
	'prep.missingValue.row': '第 {n} 行：列 `{column}` 缺少值（设置 `fillMissing` 或 `data.missing` 以丢弃或填充它）。',
	'prep.noRowsLeft': '丢弃含缺失值的行之后没有剩下任何行（{reasons}）。',
	'prep.noRowsFor': '因{reason}丢弃 {n} 行',
	'prep.regressionLabel': '标签 `{label}` 含有非数值，但任务是回归；请使用分类损失。',
	'prep.trainEmpty': '训练划分为空：请调低 `data.split.validation`/`test` 或增加行。',
	'prep.emptyFeature':
		'特征 `{column}` 在 {n} 个训练行中没有任何值（全部缺失）：它会被填充为常数，不携带任何信息；请把它从 `features` 中去掉或修正文件。',
	'prep.classAbsent.one': '{split}划分（分层）中没有某一个类别的行，该类别舍入为 0 行（{shown}）；它的指标不反映这个类别。',
	'prep.classAbsent.many': '{split}划分（分层）中没有 {n} 个类别的行，这些类别舍入为 0 行（{shown}）；它的指标不反映这些类别。',
	'prep.classRows': '类别 `{cls}`：{rows}',
	'prep.moreClasses': '；以及另外 {n} 个类别',
	'split.validation': '验证',
	'split.test': '测试',
	'train.nonFinite': '损失在第 {epoch} 个轮次变成了 NaN/Infinity；训练已停止。可能的原因：{hints}。',
	'train.hint.lr': '学习率（{lr}）可能过高：试试 {lower}',
	'train.hint.scale': '特征可能未缩放：设置 `data.scale: standardize`',
	'train.hint.clip': '梯度可能爆炸：设置 `training.gradientClipping.clipNorm: 1`',
	'train.earlyStopping': '提前停止：`{monitor}` 已连续 {wait} 个轮次没有改善（最佳 {best}，在第 {epoch} 个轮次）',
	'train.cancelled': '在第 {epoch} 个轮次中取消',
	'tune.notSweep': '{dir} 不是搜索文件夹（没有 sweep.json）。',
	'tune.configErrors': '配置有错误：{errors}',
	'tune.noTuning': '配置中没有 `tuning` 部分。',
	'tune.prunedAt': '在第 {epoch} 个轮次被剪枝（{rule} 规则）',
	'tune.neverLogged': '从未记录 `{metric}`：请检查 tuning.objective.metric',
	'image.tooLarge': '{w}×{h} 像素超过了 {mp} 百万像素',
	'image.tooMuchMemory': '{w}×{h} 像素、每个样本 {depth} 位，解码需要超过 {mb} MB',
	'image.badPng': '不是可读取的 PNG（{error}）',
	'image.badJpeg': '不是可读取的 JPEG（{error}）',
	'image.empty': '文件为空',
	'image.unknown': '不是 PNG 或 JPEG 图像（无法识别的文件签名）',
	'image.noPixels': '图像没有像素',
	'image.noSuchFile': '{name}：没有这个文件或文件夹。',
	'image.noImages': '{name}：此文件夹中没有 .png、.jpg 或 .jpeg 文件。',
	'image.columns': 'images 数据源的列是 `image` 和 `label`（类别文件夹），没有 `{label}`。',
	'image.regression': '`{path}` 中的图像按类别文件夹标注（{classes}），但任务是回归：请使用分类损失。',
	'image.inputShape': 'model.inputShape [{shape}] 容纳不下图像的 {h}×{w}×{c} = {size} 个值。',
	'image.trainEmpty': '训练划分为空：请调低 `data.split.validation`/`test` 或增加图像。',
	'image.cannotRead': '{file}：无法读取文件（{error}）。',
	'image.fileProblem': '{file}：{error}。',
	'data.noFold': '第 {n} 折（共 {of} 折）不存在。',
	'prep.inputShape': 'model.inputShape [{shape}] 容纳 {size} 个值，但预处理之后数据有 {n} 个输入列。',
	'prep.namedInputShape': '输入 `{input}` 的形状是 [{shape}]，但它的特征在预处理之后给出 {n} 个值。',
	'date.values.one': '1 个值（{where}）',
	'date.values.many': '{n} 个值（{where}）',
	'date.readAs': '`format: dmy` 把 {value} 读作 {dmy}',
	'date.readAsMdy': '`format: mdy` 读作 {mdy}',
	'date.readings.one': '（{reading}）',
	'date.readings.both': '（{dmy}，{mdy}）',
	'date.ambiguous':
		'列 `{column}` 中有 {has} 是日和月在前的顺序，`format: iso` 不采用这种顺序：请把该列的 `format` 设为 `dmy` 或 `mdy`{readings}。',
	'date.invalid.one':
		'列 `{column}` 中有 {has} 在 `format: {format}` 下不是日期（年份在前的 ISO 8601，例如 2024-03-05 或 2024-03-05T14:30{example}）；请修正它，或设置 `unparseable: missing` 把这类值当作缺失值。',
	'date.invalid.many':
		'列 `{column}` 中有 {has} 在 `format: {format}` 下不是日期（年份在前的 ISO 8601，例如 2024-03-05 或 2024-03-05T14:30{example}）；请修正它们，或设置 `unparseable: missing` 把这类值当作缺失值。',
	'date.or': '，或 {example}',
	'weight.notFound': '找不到样本权重列 `{column}`（列：{columns}）。',
	'weight.isLabel': '样本权重列 `{column}` 就是标签列。',
	'weight.isFeature': '`{column}` 是样本权重列，所以不能同时作为特征（模型会看到权重）：请把它从 `features` 中去掉。',
	'weight.bad.one': '样本权重列 `{column}` 中有 1 个值不是 ≥ 0 的有限数（{examples}）：请在文件中修正它。',
	'weight.bad.many': '样本权重列 `{column}` 中有 {n} 个值不是 ≥ 0 的有限数（{examples}）：请在文件中修正它们。',
	'weight.missing': '缺失',
	'place.line': '第 {n} 行',
	'place.row': '第 {n} 行',
	'weight.classRegression': '`training.classWeight` 为类别加权，但任务是回归：没有可加权的类别。',
	'weight.unknownClass': '`training.classWeight` 指定了类别 `{cls}`，但标签 `{label}` 没有这个类别（类别：{classes}）。',
	'fold.fewRows.one':
		'类别 {named} 的行数少于 {k} 折：各折是分层的，所以其中 {without} 折在验证时没有这个类别，该类别的每折得分缺失或有噪声。请最多使用 {most} 折，或增加行。',
	'fold.fewRows.many':
		'类别 {named}{more} 的行数少于 {k} 折：各折是分层的，所以其中 {without} 折在验证时没有最小的类别，这些类别的每折得分缺失或有噪声。请最多使用 {most} 折，或增加行。',
	'fold.classRows.one': '`{cls}`（1 行）',
	'fold.classRows.many': '`{cls}`（{n} 行）',
	'fold.more': '，以及另外 {n} 个',
	'job.cannotResume': '无法继续：{message}',
	'job.cannotRead': '无法读取 {path}：{error}',
	'job.notRunFolder': '{dir} 不是运行文件夹。',
	'job.runStore': '运行存储：{message}',
	'job.onnxFailed': 'ONNX 导出失败（训练好的 tfjs 模型已保存在 {dir}）：{error}',
	'job.evaluationFailed': '评估失败（训练好的模型已保存在 {dir}）：{error}',
	'build.tooDeep':
		'model.layers：{n} 层超出了 TensorFlow.js 能构建的范围（它递归遍历层图，栈空间耗尽）；请减少层数，或使用包含多个部分的块（transformerEncoder 算一层）',
	'run.noRows': '没有要预测的行。',
	'run.noImages': '没有要预测的图像。',
	'run.imageModel':
		'这个模型是用图像训练的，不是表格行：请给出图像文件或文件夹（`modelwright predict <run> <images…>`），或者向 `serve` 发送 base64 编码的 PNG/JPEG 图像（{example}）。',
	'run.tableModel': '这个模型是用表格行（{columns}）训练的，不是图像：请给出 --input 或 --values。',
	'run.snapshot': '{dir} 的配置快照无法解析。',
	'run.dataChanged': '无法在运行 {run} 的数据上评估它：{change} 如仍要评估，请加 --allow-data-change。',
	'run.noModel': '{dir} 没有导出的模型。',
	'run.noSplit': '该运行没有 {split} 划分。',
	'run.evaluatedAlthough': '虽然{change}，仍进行了评估',
	'onnx.cannot': '模型无法导出为 ONNX：{error}',
	'onnx.layer': '层 `{layer}`（{cls}）',
	'onnx.activation': '{where} 使用激活函数 `{activation}`，ONNX 导出不认识它。',
	'onnx.maskThrough': '层 `{layer}`（{cls}）接收填充掩码（embedding maskZero），ONNX 导出无法让掩码穿过它。',
	'onnx.maskOperator': '{where} 接收填充掩码（embedding maskZero），ONNX 的 {cls} 算子无法应用它。',
	'onnx.rnnActivation': '{where} 使用激活函数 `{activation}`，ONNX 的 {op} 算子无法表达它。',
	'onnx.noTranslation': '{where} 无法导出为 ONNX：导出器没有 {cls} 层的转换。',
	'onnx.step': '列 `{column}` 使用预处理步骤 `{step}`，ONNX 导出无法把它放进计算图。',
	'onnx.inputs': '模型的输入（{inputs}）不是其预处理记录的具名输入。',
	'eval.perClassLeftOut': '预测结果省略了每个类别的得分（{n} 个类别，多于 {max} 个）。',
	'eval.noImportance': '未计算特征重要性：{error}',
	'eval.curvesStored':
		'只存储了 {of} 个类别中样本最多的 {stored} 个类别的 ROC 和 PR 曲线；ROC AUC 和 PR AUC（宏平均和每个类别）使用全部类别。',
	'eval.curvesThinned': '每条曲线最多保留 {points} 个点；它们的 AUC 由全部点计算。',
	'eval.sparseConfusion':
		'{n} 个类别（多于 {max} 个）的混淆矩阵以稀疏方式存储：对角线以及 {nonZero} 种混淆中最常见的 {cells} 种（{errors} 个误分类行中的 {inCells} 个）。',
	'worker.started': '工作进程 {name}：Modelwright {version}（试验协议 {protocol}），同时运行 {concurrency}，Redis {redis}，文件夹 {dir}',
	'worker.trials.one': '1 个试验',
	'worker.trials.many': '{n} 个试验',
	'worker.stoppingBusy.one': '正在停止：1 个正在运行的试验回到队列',
	'worker.stoppingBusy.many': '正在停止：{n} 个正在运行的试验回到队列',
	'worker.stopped': '工作进程 {name} 已停止',
	'worker.redisBack': 'Redis 已恢复',
	'worker.redisLost': '与 {redis} 上的 Redis 失去连接（{reason}）；正在重试',
	'worker.refusing':
		'拒绝搜索 {name}（队列 {queue}）：它的协调器使用试验协议 {protocol}（Modelwright {version}），本工作进程使用 {ownProtocol}（Modelwright {ownVersion}）。请在协调器和工作进程上运行相同版本的 Modelwright。',
	'worker.noLonger': '不再服务搜索 {name}（{why}）',
	'worker.coordinatorGone': '它的协调器已不在，队列也已清空',
	'worker.ended': '搜索已结束',
	'worker.registry': '无法读取搜索登记表（{reason}）',
	'worker.serving': '正在服务搜索 {name}（队列 {queue}）',
	'worker.refusedJob': '拒绝了队列 {queue} 中的作业 {job}：{problem}',
	'worker.trial': '搜索 {sweep} 的试验 {n}',
	'worker.trialStarted': '{trial} 已开始（第 {attempt} 次尝试，作业 {job}）',
	'worker.trialEnded': '{trial}：{status}',
	'worker.trialEndedWhy': '{trial}：{status}（{message}）',
	'status.completed': '已完成',
	'status.pruned': '已剪枝',
	'status.failed': '失败',
	'status.stopped': '已停止',
	'status.cancelled': '已取消',
	'worker.couldNotRun': '{trial} 无法运行：{message}',
};

export const runtimeMessages = catalogue('runtime', en, zh);
export const tr = runtimeMessages.t;
/** The English text whatever the locale: for what an API answers (serve's HTTP bodies). */
export const trEnglish: typeof tr = (key, ...args) => format(en[key], args[0]);

type Key = keyof typeof en;
/**
 * An error in the process's locale that keeps its English text and key: an API (serve's HTTP
 * bodies) answers in English, and code tells errors apart by `key`, never by matching the text.
 */
export class LocalizedError extends Error {
	readonly english: string;
	constructor(
		readonly key: Key,
		args?: Record<string, string | number>,
	) {
		super(format((getLocale() === 'zh-cn' ? zh[key] : undefined) ?? en[key], args));
		this.english = format(en[key], args);
	}
}

/** A trial or run status in the locale; unknown ones as written. */
export function statusText(status: string): string {
	const key = `status.${status}`;
	return Object.prototype.hasOwnProperty.call(en, key) ? runtimeMessages.strings(getLocale())[key as keyof typeof en] : status;
}

/** The environment variable a parent process passes its resolved locale down in (trial processes). */
export const LOCALE_ENV = 'MODELWRIGHT_LOCALE';
