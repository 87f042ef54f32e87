/**
 * The extension's contributions, declared once in TypeScript: command ids and titles, menus,
 * the Runs view, the language, the task type. `npm run generate` writes them into package.json
 * and package.nls.json (English); package.nls.zh-cn.json holds the Chinese titles. The code
 * registers commands by these ids, so a renamed command cannot miss its manifest entry.
 * No vscode import: the generator runs in plain Node.
 */
import { BACKENDS, CONFIG_GLOB, CONFIG_GLOBS } from '../../engine/core/facts';

export const LANGUAGE_ID = 'modelwright';
export const TASK_TYPE = 'modelwright';
export const RUNS_VIEW = 'modelwright.runs';
export const VIEW_CONTAINER = 'modelwright';

const isConfig = `editorLangId == ${LANGUAGE_ID}`;
const trusted = 'isWorkspaceTrusted';

interface CommandDecl {
	title: string;
	/** Codicon for menus and the view title. */
	icon?: string;
	/** `when` clause for the command palette; `false` hides it there (context-menu only). */
	palette?: string | false;
	/** Shown in the config editor's title bar. */
	editorTitle?: boolean;
	/** Shown on run items in the Runs view (context menu group). */
	runItem?: string;
	/** Shown in the Runs view's title bar. */
	viewTitle?: boolean;
}

/** Every command, keyed by id. Titles are English; nls keys are derived from the id. */
export const COMMANDS = {
	'modelwright.newConfig': { title: 'New Model Config', icon: 'new-file', viewTitle: true },
	'modelwright.train': { title: 'Train', icon: 'play', palette: `${isConfig} && ${trusted}`, editorTitle: true },
	'modelwright.trainWithBackend': { title: 'Train with Backend…', palette: `${isConfig} && ${trusted}` },
	'modelwright.stop': { title: 'Stop', icon: 'debug-stop', palette: 'modelwright.jobRunning' },
	'modelwright.evaluate': { title: 'Evaluate', palette: trusted, runItem: '2_run@1' },
	'modelwright.predict': { title: 'Predict', palette: trusted, runItem: '2_run@2' },
	'modelwright.exportModel': { title: 'Export Model', palette: trusted, runItem: '2_run@3' },
	'modelwright.serveModel': { title: 'Serve Model', palette: trusted, runItem: '2_run@4' },
	'modelwright.tune': { title: 'Tune', icon: 'beaker', palette: `${isConfig} && ${trusted}` },
	'modelwright.applyBestTrial': { title: 'Apply Best Trial', palette: isConfig },
	'modelwright.showTrials': { title: 'Show Tuning Trials', palette: isConfig },
	'modelwright.showCurves': { title: 'Show Loss Curves', icon: 'graph-line', runItem: '1_open@1' },
	'modelwright.showArchitecture': { title: 'Show Architecture', icon: 'type-hierarchy', palette: isConfig, editorTitle: true },
	'modelwright.showEvaluation': { title: 'Show Evaluation', runItem: '1_open@2' },
	'modelwright.openRun': { title: 'Open Run', runItem: '1_open@3' },
	'modelwright.openRunConfig': { title: 'Open Config Snapshot', palette: false, runItem: '1_open@4' },
	'modelwright.compareRuns': { title: 'Compare Runs', icon: 'diff', viewTitle: true, runItem: '3_compare@1' },
	'modelwright.deleteRun': { title: 'Delete Run', icon: 'trash', runItem: '4_delete@1' },
	'modelwright.refreshRuns': { title: 'Refresh Runs', icon: 'refresh', viewTitle: true, palette: false },
	'modelwright.setRedisPassword': { title: 'Set Redis Password for Tuning' },
	'modelwright.showEngineLog': { title: 'Show Engine Log' },
	'modelwright.restartServer': { title: 'Restart Language Server' },
} as const satisfies Record<string, CommandDecl>;

export type CommandId = keyof typeof COMMANDS;

const nlsKey = (id: string) => `${id}.title`;

/** The `contributes` block (minus configuration, which comes from engine/core/settings.ts) and its nls strings. */
export function contributions(): { contributes: Record<string, unknown>; nls: Record<string, string> } {
	const nls: Record<string, string> = {};
	const commands = Object.entries(COMMANDS as Record<string, CommandDecl>).map(([command, c]) => {
		nls[nlsKey(command)] = c.title;
		return { command, title: `%${nlsKey(command)}%`, category: 'Modelwright', ...(c.icon ? { icon: `$(${c.icon})` } : {}) };
	});
	const entries = Object.entries(COMMANDS as Record<string, CommandDecl>);
	nls['modelwright.language.name'] = 'Modelwright Config';
	nls['modelwright.views.container'] = 'Modelwright';
	nls['modelwright.views.runs'] = 'Runs';
	nls['modelwright.views.runs.empty'] =
		'No runs yet. Open a model config and run [Train](command:modelwright.train), or create one:\n[New Model Config](command:modelwright.newConfig)';
	nls['modelwright.task.config'] = 'The model config to train, relative to the workspace folder.';
	nls['modelwright.task.backend'] = 'Backend override for this task.';
	nls['modelwright.task.epochs'] = 'Epochs override for this task.';
	nls['modelwright.walkthrough.untrusted'] =
		'Training runs code on your data and is disabled in Restricted Mode. Trust the workspace to train; diagnostics, completion and shapes work without trust.';
	return {
		nls,
		contributes: {
			languages: [
				{
					id: LANGUAGE_ID,
					aliases: ['%modelwright.language.name%', 'modelwright'],
					filenamePatterns: [...CONFIG_GLOBS],
					configuration: './client/language-configuration.json',
					icon: { light: './client/media/config-icon.svg', dark: './client/media/config-icon.svg' },
				},
			],
			grammars: [
				{
					language: LANGUAGE_ID,
					scopeName: 'source.modelwright',
					path: './client/syntaxes/modelwright.tmLanguage.json',
					embeddedLanguages: { 'source.yaml': 'yaml' },
				},
			],
			commands,
			menus: {
				commandPalette: entries
					.filter(([, c]) => c.palette !== undefined)
					.map(([command, c]) => ({ command, when: c.palette === false ? 'false' : c.palette })),
				'editor/title': entries
					.filter(([, c]) => c.editorTitle)
					.map(([command], i) => ({
						command,
						when: command === 'modelwright.train' ? `${isConfig} && ${trusted} && !modelwright.jobRunning` : isConfig,
						group: `navigation@${i}`,
					}))
					.concat([{ command: 'modelwright.stop', when: `${isConfig} && modelwright.jobRunning`, group: 'navigation@0' }]),
				'view/title': entries
					.filter(([, c]) => c.viewTitle)
					.map(([command], i) => ({ command, when: `view == ${RUNS_VIEW}`, group: `navigation@${i}` })),
				'view/item/context': entries
					.filter(([, c]) => c.runItem)
					.map(([command, c]) => ({ command, when: `view == ${RUNS_VIEW} && viewItem =~ /^run/`, group: c.runItem })),
			},
			viewsContainers: {
				activitybar: [{ id: VIEW_CONTAINER, title: '%modelwright.views.container%', icon: './client/media/activity.svg' }],
			},
			views: { [VIEW_CONTAINER]: [{ id: RUNS_VIEW, name: '%modelwright.views.runs%', contextualTitle: 'Modelwright' }] },
			viewsWelcome: [{ view: RUNS_VIEW, contents: '%modelwright.views.runs.empty%' }],
			taskDefinitions: [
				{
					type: TASK_TYPE,
					required: ['config'],
					properties: {
						config: { type: 'string', description: '%modelwright.task.config%' },
						backend: { type: 'string', enum: [...BACKENDS], description: '%modelwright.task.backend%' },
						epochs: { type: 'integer', minimum: 1, description: '%modelwright.task.epochs%' },
					},
				},
			],
			jsonValidation: [{ fileMatch: [...CONFIG_GLOBS], url: './schema/modelwright.schema.json' }],
		},
	};
}

export const ACTIVATION_EVENTS = [
	`onLanguage:${LANGUAGE_ID}`,
	`workspaceContains:${CONFIG_GLOB}`,
	`onView:${RUNS_VIEW}`,
	`onTaskType:${TASK_TYPE}`,
];
