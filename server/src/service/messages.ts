/** The language server's own words (hover, completion, inlay hints, code actions), English and zh-CN. */
import { catalogue } from '../../../engine/core/l10n';

const en = {
	takes: 'Takes {layer}',
	takesInput: 'Takes the model input: **{shape}**',
	modelSummary: 'Input {input} → output {output} · {total} parameters ({trainable} trainable)',
	params: '{n} params',
	nonTrainable: ' ({n} non-trainable)',
	paramsTotal: '{n} params total',
	layerInput: '{name}: input {shape}',
	default: 'Default: `{value}`',
	range: 'Range: {range}',
	example: 'Example: `{value}`',
	allowedTypes: 'Allowed `type` values:',
	allowedValues: 'Allowed values:',
	atLeastItems: 'at least {n} items',
	atLeastItem: 'at least 1 item',
	modelInput: 'model input',
	required: 'required',
	defaultValue: 'default {value}',
	isDefault: 'default',
	numericColumn: 'numeric column',
	textColumn: 'text column',
	columnValues: 'Values: {values}',
	applyBest: 'Apply best trial {n} of {sweep} ({metric} {score})',
} as const;

const zh: { [K in keyof typeof en]: string } = {
	takes: '接收 {layer}',
	takesInput: '接收模型输入：**{shape}**',
	modelSummary: '输入 {input} → 输出 {output} · {total} 个参数（{trainable} 个可训练）',
	params: '{n} 个参数',
	nonTrainable: '（{n} 个不可训练）',
	paramsTotal: '共 {n} 个参数',
	layerInput: '{name}：输入 {shape}',
	default: '默认值：`{value}`',
	range: '范围：{range}',
	example: '示例：`{value}`',
	allowedTypes: '允许的 `type` 取值：',
	allowedValues: '允许的取值：',
	atLeastItems: '至少 {n} 项',
	atLeastItem: '至少 1 项',
	modelInput: '模型输入',
	required: '必填',
	defaultValue: '默认 {value}',
	isDefault: '默认',
	numericColumn: '数值列',
	textColumn: '文本列',
	columnValues: '取值：{values}',
	applyBest: '应用 {sweep} 的最佳试验 {n}（{metric} {score}）',
};

export const serverMessages = catalogue('server', en, zh);
export const ts = serverMessages.t;
