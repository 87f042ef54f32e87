/**
 * Each command's `--help` in zh-CN (the English is the command's own `help`). Keyed by command
 * name and typed, so a command without a Chinese help is a compile error here; test/cli/l10n.test.ts
 * checks that every option the English help names appears in the Chinese one too. Option names,
 * file names, config keys and metric names stay as written.
 */
import * as os from 'node:os';
import { BACKENDS } from '../runtime/train/backend';
import { DEFAULT_MAX_DATA_MB, DEFAULT_MAX_RESULT_MB } from '../core/tune/distributed';
import { SERVE_DEFAULTS } from '../runtime/serve';
import { ONNX_FILE, ONNX_OPSET } from '../core/onnx';
import { SHAPE_CLASSES, SHAPES_DEFAULTS } from '../runtime/data/shapes';

export type CommandName =
	| 'validate'
	| 'inspect'
	| 'schema'
	| 'train'
	| 'evaluate'
	| 'predict'
	| 'export'
	| 'runs'
	| 'tune'
	| 'cv'
	| 'serve'
	| 'worker'
	| 'generate';

/** A command's Chinese help (built on demand: it interpolates the same defaults as the English); undefined for an unknown name. */
export function helpZh(name: string): string | undefined {
	return Object.prototype.hasOwnProperty.call(HELP_ZH, name) ? HELP_ZH[name as CommandName]() : undefined;
}

/** The commands with a Chinese help (the test compares them with the registry). */
export const HELP_ZH_NAMES = (): string[] => Object.keys(HELP_ZH);

const HELP_ZH: Record<CommandName, () => string> = {
	validate: () => `用法：modelwright validate <文件、文件夹或通配符…> [--json] [--allow-outside]

检查每个配置（*.model.yaml、*.model.yml、*.model.json），每个问题输出一行：
  文件:行:列 严重程度 代码 消息

选项：
  --json            改为输出 {file, diagnostics} 的 JSON 数组。
  --allow-outside   允许数据路径位于配置所在文件夹之外。
  --quiet           只输出错误。

退出码：0 没有问题或只有警告，1 发现错误，2 用法错误（或没有文件）。`,

	inspect: () => `用法：modelwright inspect <配置> [--json | --mermaid] [--allow-outside]

输出一张类似 Keras model.summary() 的表：每一层、它的输出形状和参数数量，以及总计。
形状只根据配置计算（不训练）。

选项：
  --json            以 JSON 输出形状、数据摘要和诊断。
  --mermaid         以 Mermaid 流程图输出数据管道和层图。
  --allow-outside   允许数据路径位于配置所在文件夹之外。

退出码：0 正常，1 配置有错误（会输出这些错误），2 用法错误。`,

	schema: () => `用法：modelwright schema [--out FILE] [--docs]

输出其他编辑器和工具可用于 *.model.yaml 文件的 JSON Schema。

选项：
  --out FILE   写入 FILE，而不是标准输出。
  --docs       改为输出 Markdown 格式的配置参考（docs/config.md）。`,

	train: () => `用法：modelwright train <配置> [选项]

校验配置（有错误时拒绝训练，并像 \`validate\` 那样输出错误），加载并准备数据，训练、评估并导出
模型。运行写入配置旁边的 .modelwright/runs/<id>/。

选项：
  --backend <b>         wasm（默认）、cpu、tensorflow（需要安装 @tensorflow/tfjs-node）、auto
  --epochs <n>          覆盖 training.epochs。
  --batch-size <n>      覆盖 training.batchSize。
  --learning-rate <x>   覆盖优化器的学习率。
  --seed <n>            覆盖配置的 seed。
  --out <dir>           另外把训练好的模型导出到这个文件夹。
  --resume <run>        从最后一个检查点继续该配置的一次运行（id 或 id 前缀、文件夹或 'latest'）；
                        另一个作业正在写该运行时拒绝。
  --runs-dir <dir>      运行存储文件夹（默认：配置旁边的 .modelwright/runs）。
  --root <dir>          数据路径不得离开的文件夹（默认：配置所在文件夹）。
  --json                每行输出一个 JSON 事件（供工具使用）。
  --allow-outside       允许数据路径位于配置所在文件夹之外。

退出码：0 训练完成，1 运行时失败，2 配置无效或用法错误，130 已取消（Ctrl+C）。`,

	evaluate: () => `用法：modelwright evaluate <run> [--split test|validation|train] [--dir config|folder] [--json]

重新加载运行导出的模型及其配置快照（相同的 seed：相同的划分和相同的预处理）并输出指标；
--json 输出完整报告（各类别指标、混淆矩阵、ROC/PR 曲线、预测）。类别很多时会做摘要：输出支持度
最高的类别和最常见的混淆，并在注释中说明报告省略了什么。

运行保存了数据文件及每个划分的行的指纹；训练后数据发生变化时（重新排序的文件会把训练行放进
测试划分），evaluate 会拒绝，并指出两者。

选项：
  --root <dir>          数据路径不得离开的文件夹（默认：当前文件夹）。
  --allow-outside       允许数据路径位于该文件夹之外。
  --allow-data-change   即使数据在训练后发生了变化，也按现在的数据评估（报告中会注明）。`,

	predict: () => `用法：modelwright predict <run|model folder> (--input rows.csv | --values "v1,v2,…[; …]") [--json]
      modelwright predict <run|model folder> <图像文件或文件夹…> [--json]

<run> 是运行 id、运行文件夹或 'latest'（在 --dir 中查找，默认是当前文件夹的 .modelwright/runs）；
也可以是含 model.json + preprocessing.json 的文件夹。--values 按模型的特征顺序接受特征值，
或 name=value 形式的键值对；各行之间用 ';' 分隔。
用 images 数据源训练的模型接受 PNG/JPEG 文件或包含它们的文件夹（连同子文件夹一起查找）：
每个文件都按训练时的方式解码并缩放；输出每个文件的类别和每个类别的概率。`,

	export: () => `用法：modelwright export <run> --out <folder> [--format tfjs|onnx|tfjs,onnx] [--dir config|folder]

--format tfjs（默认）写出 model.json + weights.bin（可用 tf.loadLayersModel 加载，可转换为
Keras）。--format onnx 写出 ${ONNX_FILE}（ONNX opset ${ONNX_OPSET}）：拟合好的预处理和网络合为一张图，
接受原始特征值，每列一个输入，供 ONNX Runtime 使用（见 docs/export.md）。两者都会写出
preprocessing.json（拟合好的变换）、config.yaml（配置快照）和 MODEL_CARD.md（数据、预处理、
架构、训练、评估、局限；写出 ONNX 时还有它的输入和输出）。
文件夹必须是新的、空的，或者是之前的导出（带有 .modelwright-export 文件）：含有其他文件的
文件夹会被拒绝，并指出会被覆盖的内容。`,

	runs: () => `用法：modelwright runs list [config|folder] [--json]
      modelwright runs show <run> [--dir config|folder] [--json]
      modelwright runs delete <run> [--dir config|folder]

<run> 是运行 id（或其无歧义的前缀）、运行文件夹或 'latest'。运行保存在其配置旁边的
.modelwright/runs/ 中；--dir 指定在哪个配置或文件夹中查找（默认：当前文件夹）。
使用 --dir <config> 时，只算该配置的运行。
引用只会解析到运行存储中的运行文件夹；\`delete\` 会说出它删除的运行，并拒绝删除正在写入的运行
或含有非它写出的文件的运行。`,

	tune: () => `用法：modelwright tune <配置> [选项]

运行配置的 \`tuning\` 搜索：由策略提出试验，每个试验按配置的折数做交叉验证，在并行的工作进程中
运行，没有希望时被剪枝。每个试验的每一折都是 <runs>/sweep-<name>-<time>/trials/ 下的普通运行。
Ctrl+C 停止搜索；已完成的试验会保留，--resume 可继续。

选项：
  --trials N          覆盖试验数量。
  --workers N         并行试验数（默认：tuning.workers，否则为 CPU 核数）。相同的配置、seed 和
                      workers：相同的试验和最佳结果（docs/engine.md）。
  --resume DIR        继续 DIR 中的搜索，不重跑已完成的试验。
  --backend NAME      ${BACKENDS.join(' | ')}（默认 wasm）。
  --out DIR           运行存储文件夹（默认：配置旁边的 .modelwright/runs）。
  --apply             搜索结束时把最佳试验的值写入配置。
  --apply-from DIR    只把 DIR 中已完成搜索的最佳值写入配置。
  --json              以 JSON 行输出搜索事件。
  --allow-outside     允许数据路径位于配置所在文件夹之外。

分布式（试验由任意机器上的 \`modelwright worker --redis URL\` 运行）：
  --redis URL         把试验放到 Redis 队列上，而不是本地工作进程
                      （redis://[user@]host[:port][/db]，TLS 用 rediss://；密码取自
                      MODELWRIGHT_REDIS_PASSWORD）。此时 --workers 是同时进行的试验数
                      （默认：tuning.workers，否则为已连接工作进程的槽位数）。
  --max-data-mb N     通过 Redis 发送的最大数据文件（默认 ${DEFAULT_MAX_DATA_MB}）。
  --max-result-mb N   工作进程发回的最大运行文件夹（默认 ${DEFAULT_MAX_RESULT_MB}）。
  --shared-data DIR   DIR 下的数据不发送：工作进程从各自的 --data-root 读取。
  --redis-timeout S   Redis 不可达多少秒后停止搜索并标记为中断
                      （默认 15；Redis 恢复后 --resume 可完成它）。
  --redis-ca FILE     rediss:// 的 CA 证书（PEM）：只信任它签发的服务器证书
                      （默认 MODELWRIGHT_REDIS_CA，否则为 Node 信任的 CA 与 NODE_EXTRA_CA_CERTS）。

退出码：0 正常，1 搜索失败（或与 Redis 失去连接：--resume 可完成它），2 用法错误或配置无效，
130 已停止。`,

	cv: () => `用法：modelwright cv <配置> [选项]

每折训练一次配置：非测试的行被分成 k 个分层的折，每折轮流留出一次（作为验证集）、其余各折
训练，并评估留出的那一折。输出每折的表，以及每个指标的均值 ± 总体标准差（除以 n，与 numpy 的
std() 相同）。每折都是 .modelwright/runs/cv-<stamp>-<name>/folds/ 下的普通运行；报告在 cv.json 中。

选项：
  --folds <k>           折数（默认：data.split.folds、tuning.folds，否则为 5）。
  --backend <b>         wasm（默认）、cpu、tensorflow、auto
  --epochs <n>          覆盖每一折的 training.epochs。
  --runs-dir <dir>      运行存储文件夹（默认：配置旁边的 .modelwright/runs）。
  --root <dir>          数据路径不得离开的文件夹（默认：配置所在文件夹）。
  --allow-outside       允许数据路径位于配置所在文件夹之外。
  --json                以 JSON 输出报告。

退出码：0 每折都训练完成，1 有一折失败，2 配置无效或用法错误，130 已取消。`,

	serve: () => `用法：modelwright serve <run|model folder> [--port 0|N] [--host 127.0.0.1] [--token T] [--max-rows N]

加载模型及其训练时的预处理，并响应：
  POST /predict       {"rows": [{column: value, …}, …]} 或单个行对象 → 预测
                      （分类器还有各类别的概率）；图像模型接受
                      {"image": "<base64 PNG 或 JPEG>"} 或 {"rows": [{"image": …}, …]}
  GET  /model         输入（类型、允许的类别）、输出、运行的指标
  GET  /health        存活状态、模型调用次数和已处理的请求数
  GET  /openapi.json  OpenAPI 3 文档
错误的输入返回 400 JSON 错误并指出字段。并发请求会合并为一次模型调用。Ctrl+C（SIGINT）或
SIGTERM 会处理完进行中的请求，然后以 0 退出。

选项：
  --port <n>            端口（默认 ${SERVE_DEFAULTS.port}；0 表示任选一个空闲端口）。
  --host <addr>         绑定的地址（默认 ${SERVE_DEFAULTS.host}：仅本机）。
  --token <t>           要求 \`Authorization: Bearer <t>\`（也可用 MODELWRIGHT_SERVE_TOKEN）。
  --max-rows <n>        每个请求的行数上限（默认 ${SERVE_DEFAULTS.maxRows}）。
  --max-body <bytes>    请求体大小上限（默认 ${SERVE_DEFAULTS.maxBody}；图像较大时请调高）。
  --max-images <n>      图像模型每个请求的图像数上限（默认 ${SERVE_DEFAULTS.maxImages}；每张至多 ${SERVE_DEFAULTS.maxImageMegapixels} 百万像素）。
  --batch-window <ms>   请求等待与其他请求共用一次模型调用的时间（默认 ${SERVE_DEFAULTS.batchWindowMs}；0：不合并）。
  --dir <config|folder> 在哪里查找 <run>（默认：当前文件夹）。`,

	worker: () => `用法：modelwright worker --redis URL [选项]

从 Redis 服务器上的搜索（由任意机器上的 \`modelwright tune <config> --redis URL\` 启动）中领取试验，
用本机的引擎把每个试验作为普通运行来执行。数据经由 Redis 传输；每个试验的运行文件夹会送回启动
搜索的机器。可以在任意多台机器上启动任意多个工作进程；Ctrl+C 停止工作进程（它正在运行的试验会
回到队列，交给其他工作进程）。工作进程只运行配置，从不运行代码：作业像本地运行一样被校验，且只能
读取它自己的作业文件夹。

选项：
  --redis URL         redis://[user@]host[:port][/db]，TLS 用 rediss://。密码取自
                      MODELWRIGHT_REDIS_PASSWORD，不会出现在命令行（和 ps）中。
  --redis-ca FILE     rediss:// 的 CA 证书（PEM）（默认 MODELWRIGHT_REDIS_CA，否则为 Node 信任的 CA）。
  --concurrency N     同时运行的试验数，每个一个进程（默认：CPU 核数，本机为 ${os.availableParallelism()}）。
  --name NAME         显示在它运行的每个试验旁（默认：<host>-<pid>）。
  --backend NAME      ${BACKENDS.join(' | ')}（默认：搜索的 --backend，否则为 wasm）。
  --dir DIR           工作进程的文件夹：数据缓存和作业文件夹（默认 ~/.cache/modelwright/worker/<name>）。
  --data-root DIR     共享数据在本机的挂载位置（用于以 tune --shared-data 启动的搜索）。
  --stall-timeout S   无响应的工作进程保留试验多少秒后由其他工作进程接手（默认 30）。

退出码：0 已停止，1 Redis 不可达，2 用法错误。`,

	generate: () => `用法：modelwright generate shapes <folder> [--samples N] [--size PX] [--noise SD] [--seed N]

把 ${SHAPE_CLASSES.join('、')} 的小灰度 PNG 图像（随机的位置、大小和小角度旋转，高斯像素噪声）写到
<folder>/<class>/<nnnn>.png：即 \`images\` 数据源读取的布局。相同的选项生成相同的图像。
<folder> 必须是新的或空的。

选项：
  --samples N   图像总数，平均分到各类别（默认 ${SHAPES_DEFAULTS.samples}）。
  --size PX     每张图像的宽和高（默认 ${SHAPES_DEFAULTS.size}）。
  --noise SD    像素噪声的标准差，像素取值在 [0, 1]（默认 ${SHAPES_DEFAULTS.noise}）。
  --seed N      种子（默认 ${SHAPES_DEFAULTS.seed}）。`,
};
