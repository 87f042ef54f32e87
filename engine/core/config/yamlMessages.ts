/**
 * The YAML parser's complaints (MW001) in the locale. The `yaml` package reports an error code
 * and an English sentence; the sentence is matched to a keyed template (with the token or
 * character it names), else the code's own template. Typed by the package's ErrorCode, so a code
 * a new `yaml` release adds is a compile error here, not an English message in a Chinese editor.
 */
import type { ErrorCode } from 'yaml';
import { catalogue, getLocale, type Strings } from '../l10n';

const CODES = {
	ALIAS_PROPS: 'An alias cannot have an anchor or a tag.',
	BAD_ALIAS: 'An anchor or alias name is empty or ends in `:`.',
	BAD_DIRECTIVE: 'This `%` directive is not valid.',
	BAD_DQ_ESCAPE: 'Invalid escape sequence in a double-quoted string.',
	BAD_INDENT: 'Bad indentation here.',
	BAD_PROP_ORDER: 'Anchors and tags must come after the `?`, `:` or `-` indicator.',
	BAD_SCALAR_START: 'A plain value cannot start with this character: quote the value.',
	BLOCK_AS_IMPLICIT_KEY: 'A block collection cannot be used as a map key here.',
	BLOCK_IN_FLOW: 'Block collections (indented lines) are not allowed inside `[ ]` or `{ }`.',
	DUPLICATE_KEY: 'Duplicate key: keys in a map must be unique.',
	IMPOSSIBLE: 'The YAML parser reached a state it cannot handle here.',
	KEY_OVER_1024_CHARS: 'A key without `?` must be shorter than 1024 characters.',
	MISSING_CHAR: 'A character is missing here.',
	MULTILINE_IMPLICIT_KEY: 'A key must be on one line (is a `:` missing after a key, or a line indented too far?).',
	MULTIPLE_ANCHORS: 'A value can have at most one anchor.',
	MULTIPLE_DOCS: 'The file holds several YAML documents (`---`); a config is one document.',
	MULTIPLE_TAGS: 'A value can have at most one tag.',
	NON_STRING_KEY: 'Map keys must be plain text here.',
	RESOURCE_EXHAUSTION: 'The document is too large or too deeply nested to read.',
	TAB_AS_INDENT: 'Tabs are not allowed as indentation: indent with spaces.',
	TAG_RESOLVE_FAILED: 'This tag cannot be resolved.',
	UNEXPECTED_TOKEN: 'Unexpected text here.',
	BAD_COLLECTION_TYPE: 'The tag does not fit this kind of collection.',
} as const satisfies Record<ErrorCode, string>;

const en = {
	...CODES,
	'flow.map': 'flow map',
	'flow.sequence': 'flow sequence',
	'flow.collection': 'collection',
	'MISSING_CHAR.quote': 'Missing closing {quote}quote',
	'MISSING_CHAR.commaOrColon': 'Missing , or : between {where} items',
	'MISSING_CHAR.comma': 'Missing , between {where} items',
	'MISSING_CHAR.colonSpace': 'Missing space after : in {where}',
	'MISSING_CHAR.value': 'Implicit map keys need to be followed by map values',
	'MISSING_CHAR.comment': 'Comments must be separated from other tokens by white space characters',
	'MISSING_CHAR.dash': 'Sequence item without - indicator',
	'BAD_INDENT.flowEnd': '{where} in block collection must be sufficiently indented and end with a {end}',
	'BAD_INDENT.column': 'All {items} items must start at the same column',
	'items.mapping': 'mapping',
	'items.sequence': 'sequence',
	'UNEXPECTED_TOKEN.comma': 'Unexpected , in {where}',
	'UNEXPECTED_TOKEN.empty': 'Unexpected empty item in {where}',
	'UNEXPECTED_TOKEN.stream': 'Unexpected {token} here',
	'UNEXPECTED_TOKEN.nodeEnd': 'Unexpected {kind} at the end of a value',
	'UNEXPECTED_TOKEN.blockHeader': 'Block scalar header includes extra characters: {chars}',
	'BAD_SCALAR_START.char': 'Plain value cannot start with {char}: quote the value',
	'BAD_DQ_ESCAPE.seq': 'Invalid escape sequence {seq}',
	'TAG_RESOLVE_FAILED.tag': 'Unresolved tag: {tag}',
	'BLOCK_AS_IMPLICIT_KEY.compact': 'Nested mappings are not allowed in compact mappings',
	'alias.unresolved': 'Unresolved alias (the anchor must be set before the alias): {name}',
	'token.scalar': 'value',
} as const;

const zh: Strings<typeof en> = {
	ALIAS_PROPS: '别名不能带锚点或标签。',
	BAD_ALIAS: '锚点或别名的名称为空或以 `:` 结尾。',
	BAD_DIRECTIVE: '这个 `%` 指令无效。',
	BAD_DQ_ESCAPE: '双引号字符串中有无效的转义序列。',
	BAD_INDENT: '此处缩进有误。',
	BAD_PROP_ORDER: '锚点和标签必须写在 `?`、`:` 或 `-` 指示符之后。',
	BAD_SCALAR_START: '普通值不能以这个字符开头：请给值加引号。',
	BLOCK_AS_IMPLICIT_KEY: '此处不能把块集合用作映射的键。',
	BLOCK_IN_FLOW: '`[ ]` 或 `{ }` 中不允许块集合（缩进的行）。',
	DUPLICATE_KEY: '重复的键：映射中的键必须唯一。',
	IMPOSSIBLE: 'YAML 解析器在此处遇到无法处理的状态。',
	KEY_OVER_1024_CHARS: '不带 `?` 的键必须短于 1024 个字符。',
	MISSING_CHAR: '此处缺少一个字符。',
	MULTILINE_IMPLICIT_KEY: '键必须写在一行内（是否在键后漏了 `:`，或某行缩进过深？）。',
	MULTIPLE_ANCHORS: '一个值最多只能有一个锚点。',
	MULTIPLE_DOCS: '文件中有多个 YAML 文档（`---`）；一个配置只能是一个文档。',
	MULTIPLE_TAGS: '一个值最多只能有一个标签。',
	NON_STRING_KEY: '此处映射的键必须是普通文本。',
	RESOURCE_EXHAUSTION: '文档过大或嵌套过深，无法读取。',
	TAB_AS_INDENT: '不允许用制表符缩进：请用空格缩进。',
	TAG_RESOLVE_FAILED: '无法解析这个标签。',
	UNEXPECTED_TOKEN: '此处出现了意外的内容。',
	BAD_COLLECTION_TYPE: '该标签与这种集合类型不符。',
	'flow.map': '流式映射',
	'flow.sequence': '流式序列',
	'flow.collection': '集合',
	'MISSING_CHAR.quote': '缺少右引号 {quote}',
	'MISSING_CHAR.commaOrColon': '{where}的各项之间缺少 , 或 :',
	'MISSING_CHAR.comma': '{where}的各项之间缺少 ,',
	'MISSING_CHAR.colonSpace': '{where}中的 : 后缺少空格',
	'MISSING_CHAR.value': '隐式映射键后面必须跟映射值（是否漏了 `:`？）',
	'MISSING_CHAR.comment': '注释与其他内容之间必须用空白分隔',
	'MISSING_CHAR.dash': '序列项缺少 - 指示符',
	'BAD_INDENT.flowEnd': '块集合中的{where}必须有足够的缩进，并以 {end} 结尾',
	'BAD_INDENT.column': '所有{items}项必须从同一列开始',
	'items.mapping': '映射',
	'items.sequence': '序列',
	'UNEXPECTED_TOKEN.comma': '{where}中出现了意外的 ,',
	'UNEXPECTED_TOKEN.empty': '{where}中出现了意外的空项',
	'UNEXPECTED_TOKEN.stream': '此处出现了意外的 {token}',
	'UNEXPECTED_TOKEN.nodeEnd': '值的末尾出现了意外的 {kind}',
	'UNEXPECTED_TOKEN.blockHeader': '块标量的头部有多余的字符：{chars}',
	'BAD_SCALAR_START.char': '普通值不能以 {char} 开头：请给值加引号',
	'BAD_DQ_ESCAPE.seq': '无效的转义序列 {seq}',
	'TAG_RESOLVE_FAILED.tag': '无法解析的标签：{tag}',
	'BLOCK_AS_IMPLICIT_KEY.compact': '紧凑映射中不允许嵌套映射（同一行里有两个 `键: 值`？）',
	'alias.unresolved': '无法解析的别名（锚点必须在别名之前定义）：{name}',
	'token.scalar': '值',
};

export const yamlMessages = catalogue('yaml', en, zh);
const ty = yamlMessages.t;

/** The parser names flow collections `flow map` / `flow sequence`; the templates take them translated. */
function where(s: string): string {
	return /map/.test(s) ? ty('flow.map') : /seq/.test(s) ? ty('flow.sequence') : ty('flow.collection');
}
/** A token or character the message quotes, as written in the document (shown, capped). */
const quoted = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
/** The parser's token kinds (`scalar`, `map-value-ind`, …) as the text they stand for. */
const KINDS: Record<string, string> = {
	'map-value-ind': '`:`',
	'seq-item-ind': '`-`',
	'flow-map-end': '`}`',
	'flow-seq-end': '`]`',
	comma: '`,`',
};
const kind = (k: string) => (k === 'scalar' ? ty('token.scalar') : (KINDS[k] ?? `\`${k}\``));

/** The sentences of the `yaml` package this file translates, each to a keyed template. */
const PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
	[/^Missing closing (['"])quote/, (m) => ty('MISSING_CHAR.quote', { quote: m[1]! })],
	[/^Missing , or : between (.+) items/, (m) => ty('MISSING_CHAR.commaOrColon', { where: where(m[1]!) })],
	[/^Missing , between (.+) items/, (m) => ty('MISSING_CHAR.comma', { where: where(m[1]!) })],
	[/^Missing space after : in (.+)/, (m) => ty('MISSING_CHAR.colonSpace', { where: where(m[1]!) })],
	[/^Implicit map keys need to be followed by map values/, () => ty('MISSING_CHAR.value')],
	[/^Comments must be separated from other tokens/, () => ty('MISSING_CHAR.comment')],
	[/^Sequence item without - indicator/, () => ty('MISSING_CHAR.dash')],
	[
		/^(Flow \w+) in block collection must be sufficiently indented and end with an? (\S+)/,
		(m) => ty('BAD_INDENT.flowEnd', { where: where(m[1]!), end: m[2]! }),
	],
	[
		/^All (mapping|sequence) items must start at the same column/,
		(m) => ty('BAD_INDENT.column', { items: ty(m[1] === 'mapping' ? 'items.mapping' : 'items.sequence') }),
	],
	[/^Unexpected , in (.+)/, (m) => ty('UNEXPECTED_TOKEN.comma', { where: where(m[1]!) })],
	[/^Unexpected empty item in (.+)/, (m) => ty('UNEXPECTED_TOKEN.empty', { where: where(m[1]!) })],
	[/^Unexpected [\w-]+ token in YAML stream: "(.*)"$/, (m) => ty('UNEXPECTED_TOKEN.stream', { token: `\`${quoted(m[1]!)}\`` })],
	[/^Unexpected ([\w-]+) at node end/, (m) => ty('UNEXPECTED_TOKEN.nodeEnd', { kind: kind(m[1]!) })],
	[/^Block scalar header includes extra characters: (.*)/, (m) => ty('UNEXPECTED_TOKEN.blockHeader', { chars: quoted(m[1]!) })],
	[/^Plain value cannot start with (?:reserved character )?(.+)/, (m) => ty('BAD_SCALAR_START.char', { char: quoted(m[1]!) })],
	[/^Invalid escape sequence (.+)/, (m) => ty('BAD_DQ_ESCAPE.seq', { seq: quoted(m[1]!) })],
	[/^Unresolved tag: (.+)/, (m) => ty('TAG_RESOLVE_FAILED.tag', { tag: quoted(m[1]!) })],
	[/^Nested mappings are not allowed in compact mappings/, () => ty('BLOCK_AS_IMPLICIT_KEY.compact')],
	// Thrown by toJS (MW003), not reported with a code.
	[/^Unresolved alias \(the anchor must be set before the alias\): (.+)/, (m) => ty('alias.unresolved', { name: quoted(m[1]!) })],
];

/**
 * A parser error in the locale. In English a sentence no pattern knows stays the parser's own
 * (it is more specific than the code's template); in Chinese it becomes the code's template.
 */
export function yamlErrorMessage(code: ErrorCode, message: string): string {
	const sentence = message.trim();
	for (const [re, text] of PATTERNS) {
		const m = sentence.match(re);
		if (m) return text(m);
	}
	if (getLocale() === 'en' && sentence) return sentence;
	const table = yamlMessages.strings(getLocale());
	return Object.prototype.hasOwnProperty.call(CODES, code) ? table[code] : table.UNEXPECTED_TOKEN;
}
