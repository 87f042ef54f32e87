/**
 * The engine's words that reach the user: data loading errors (CSV, JSON, missing files) and the
 * distributed worker's log, in English and zh-CN. The process's locale decides (CLI: LANG; the
 * engine process: the client's; a trial process: its parent's, passed in MODELWRIGHT_LOCALE).
 * File names, column names, config keys and values are arguments, never translated.
 */
import { catalogue, getLocale, type Strings } from '../core/l10n';

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

/** A trial or run status in the locale; unknown ones as written. */
export function statusText(status: string): string {
	const key = `status.${status}`;
	return Object.prototype.hasOwnProperty.call(en, key) ? runtimeMessages.strings(getLocale())[key as keyof typeof en] : status;
}

/** The environment variable a parent process passes its resolved locale down in (trial processes). */
export const LOCALE_ENV = 'MODELWRIGHT_LOCALE';
